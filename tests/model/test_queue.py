"""Queue-timing family (docs/formulation.md §5) on tiny cases solved by hand (data: tests/model/test_demand.py)."""

from __future__ import annotations

import pytest

from tests.tiny import MTOK_PER_YEAR, add_demand_year, base, no_grid_today, solve_tiny

COVERS: dict[str, list[str]] = {}  # the family adds grid supply and costs, no rows of its own


def test_queue_family_brings_the_grid(tmp_path):
    """No grid today; A's free 10 MW tranche is online in 2026: served at 638. Without the queue
    family only today's 0 MW exist and the demand is unserved: 31,536 Mtok x 1,000 USD."""
    fr = base()
    no_grid_today(fr, 1)
    res = solve_tiny(tmp_path / "on", fr)
    assert res.objective_usd == pytest.approx(638, rel=1e-6)
    assert res.sites.set_index(["site_id", "year"]).loc[("A", 2026), "grid_mw"] == pytest.approx(10)
    off = solve_tiny(tmp_path / "off", fr, skip=["queue"])
    assert off.objective_usd == pytest.approx(MTOK_PER_YEAR * 1000, rel=1e-6)


def test_tranche_is_paid_from_its_online_year(tmp_path):
    """As above with the tranche costing 0.1 USD/kW (10 MW x 1,000 x 0.1 = 1,000 USD overnight,
    CRF(0, 30): 33.33 a year) and online in 2027 (requested 2025, 1.5 years -> ⌈⌉ 2027). Years 2026
    and 2027, demand only in 2027: 2026 costs nothing; 2027 pays 638 + 33.33."""
    fr = base()
    no_grid_today(fr, 1.5)
    fr["interconnect_queue.csv"].loc[0, "cost_usd_per_kw"] = "0.1"
    fr["demand.csv"].loc[0, "year"] = "2027"
    add_demand_year(fr, 2026, 0)
    res = solve_tiny(tmp_path, fr, years=(2026, 2027))
    assert res.objective_usd == pytest.approx(638 + 1000 / 30, rel=1e-6)
    plan = res.plan.set_index(["year", "category"])
    assert plan.loc[(2027, "interconnection"), "capex_usd"] == pytest.approx(1000 / 30, rel=1e-9)
    assert (2026, "interconnection") not in plan.index
