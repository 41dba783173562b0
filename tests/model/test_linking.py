"""Linking family (docs/formulation.md §7): each row leaves the integer optimum alone and raises
the LP relaxation's bound to it, on tiny cases solved by hand (data: tests/model/test_demand.py).

Site A's development costs 3,000 USD (CRF(0, 30): 100 a year) in every case here. Relaxation bounds come
from interior point without crossover, which is accurate to about 1e-6 on objectives this small:
they are compared at 1e-5, far closer than the 4 % a missing row would make.
"""

from __future__ import annotations

import pytest

from tests.tiny import add_batch, base, both_sites_in_slo, no_grid_today, set_price, set_site, solve_tiny

COVERS = {
    "c_linking_flow": ["test_a_site_serving_a_metro_is_open_in_the_relaxation"],
    "c_linking_pool": ["test_a_site_running_batch_is_open_in_the_relaxation"],
    "c_linking_tranche": ["test_a_taken_tranche_opens_its_site_in_the_relaxation"],
    "c_linking_bridge": ["test_bridge_power_opens_its_site_in_the_relaxation"],
}


def _site_cost(fr) -> None:
    set_site(fr, "A", site_fixed_usd=3000)


def test_a_site_serving_a_metro_is_open_in_the_relaxation(tmp_path):
    """Base plan at A plus its site: 200 + 438 + 100 = 738. In the relaxation flow ≤ D · open makes
    open[A] = 1: the bound is 738 as well (without the row open[A] ≥ 0.001/100 MW only: 638.001)."""
    fr = base()
    _site_cost(fr)
    assert solve_tiny(tmp_path / "mip", fr).objective_usd == pytest.approx(738, rel=1e-6)
    assert solve_tiny(tmp_path / "lp", fr, relax=True).objective_usd == pytest.approx(738, rel=1e-6)


def test_a_site_running_batch_is_open_in_the_relaxation(tmp_path):
    """Batch held in both slices (max_shift 0) at A: 419 (tests/model/test_demand.py) + 100 = 519, cheaper
    than B (638). pool ≤ D · open makes the relaxation pay A's whole site: 519 (without: 419.0...)."""
    fr = base()
    _site_cost(fr)
    add_batch(fr, 0)
    assert solve_tiny(tmp_path / "mip", fr, layers=["batch"]).objective_usd == pytest.approx(519, rel=1e-6)
    assert solve_tiny(tmp_path / "lp", fr, layers=["batch"], relax=True).objective_usd == pytest.approx(519, rel=1e-6)


def a_tenth_at_a(fr) -> None:
    """A can get power for 0.0001 MW only (a tenth of the demand) at 10 USD/MWh; B, also in the SLO,
    has grid and 50 USD/MWh. Best plan: B alone, 200 + 438 = 638. A relaxation that uses A for its
    tenth pays 0.1 unit (20) + 8.76 of energy at A, 0.9 unit (180) + 394.2 at B, and A's site: 100
    if open[A] = 1 (702.96, so B alone, 638, stays best), 10 if open[A] = 0.1 only (612.96). The flow
    row gives open[A] ≥ 0.1; the row that limits A's power must give the rest."""
    both_sites_in_slo(fr)
    _site_cost(fr)
    set_price(fr, "A", 10)


def test_a_taken_tranche_opens_its_site_in_the_relaxation(tmp_path):
    """A has no grid but a free 0.0001 MW tranche online in 2026 (take = 1 in any use of A). take ≤ open
    makes open[A] = 1: the bound is 638; without the row open[A] = 0.1 and it is 612.96."""
    fr = base()
    no_grid_today(fr, 1)
    set_site(fr, "B", existing_mw=100)
    fr["interconnect_queue.csv"].loc[0, "mw"] = "0.0001"
    a_tenth_at_a(fr)
    assert solve_tiny(tmp_path / "mip", fr).objective_usd == pytest.approx(638, rel=1e-6)
    assert solve_tiny(tmp_path / "lp", fr, relax=True).objective_usd == pytest.approx(638, rel=1e-5)


def test_bridge_power_opens_its_site_in_the_relaxation(tmp_path):
    """A has no grid and its tranche comes after the horizon, but 0.0001 MW of free bridge power at
    10 USD/MWh. bridge ≤ bridge_max · open makes open[A] = 1: 638; without the row 612.96."""
    fr = base()
    no_grid_today(fr, 5)
    set_site(fr, "B", existing_mw=100)
    set_site(fr, "A", bridge_capex_usd_per_mw=0, bridge_price_usd_per_mwh=10, bridge_max_mw=0.0001)
    a_tenth_at_a(fr)
    assert solve_tiny(tmp_path / "mip", fr).objective_usd == pytest.approx(638, rel=1e-6)
    assert solve_tiny(tmp_path / "lp", fr, relax=True).objective_usd == pytest.approx(638, rel=1e-5)
