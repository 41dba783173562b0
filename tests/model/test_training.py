"""Training family (docs/formulation.md §3) on tiny cases solved by hand (data: tests/model/test_demand.py
and ``add_training`` in tests/tiny.py)."""

from __future__ import annotations

import pytest

from tests.tiny import add_training, base, set_site, solve_tiny

COVERS = {
    "c_training_one_host": ["test_training_lands_whole_on_an_allowed_campus"],
    "c_training_throughput": ["test_training_lands_whole_on_an_allowed_campus"],
    "c_training_campus": ["test_training_lands_whole_on_an_allowed_campus"],
    "c_training_open": ["test_a_host_is_open_in_the_relaxation_too"],
}


def test_training_lands_whole_on_an_allowed_campus(tmp_path):
    """P needs 2,000 tokens/s on a US campus of >= 50 MW. C (CA) is cheaper but not allowed; A does not
    allow training; so B: 2 units (400) + 2 kW energy (876) + 50 MW x 1,000 USD x CRF(0, 20) = 2,500 -> 3,776.
    (Without the one-host row nothing need be hosted: 0; without the throughput row the program needs no
    GPUs: 2,500; without the campus row no 50 MW: 1,276.) Without the training family: 0."""
    fr = base()
    add_training(fr)
    res = solve_tiny(tmp_path / "on", fr, layers=["training"])
    assert res.objective_usd == pytest.approx(3776, rel=1e-6)
    assert res.training.set_index("program_id").loc["P", "site_id"] == "B"
    assert res.fleet.set_index("site_id").units_active.to_dict() == {"B": 2}
    assert solve_tiny(tmp_path / "off", fr, layers=["training"], skip=["training"]).objective_usd == pytest.approx(0, abs=1e-6)


def test_a_host_is_open_in_the_relaxation_too(tmp_path):
    """As above, with B's site costing 3,000 USD (CRF(0, 30): 100 a year). The plan is 3,776 + 100 =
    3,876. In the LP relaxation host ≤ open makes open[B] = host = 1 and the bound is the same 3,876;
    without that row open[B] ≥ facility_mw / max_mw = 50/100 only, and the bound drops to 3,826."""
    fr = base()
    add_training(fr)
    set_site(fr, "B", site_fixed_usd=3000)
    assert solve_tiny(tmp_path / "mip", fr, layers=["training"]).objective_usd == pytest.approx(3876, rel=1e-6)
    assert solve_tiny(tmp_path / "lp", fr, layers=["training"], relax=True).objective_usd == pytest.approx(3876, rel=1e-6)
