"""Power family (docs/formulation.md §4) on tiny cases solved by hand (data: tests/model/test_demand.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import MTOK_PER_YEAR, add_demand_year, add_training, base, no_grid_today, set_site, solve_tiny

COVERS = {
    "c_power_facility": ["test_facility_is_sized_to_the_draw"],
    "c_power_site_open": ["test_a_full_site_is_open_in_the_relaxation"],
    "c_power_min_size": ["test_an_open_site_builds_at_least_its_minimum"],
    "c_power_mw_monotone": ["test_facility_never_shrinks"],
    "c_power_open_monotone": ["test_an_open_site_stays_open_in_the_relaxation_too"],
    "c_power_grid": ["test_grid_connection_caps_grid_energy"],
    "c_power_energy": ["test_energy_is_paid_for_the_draw"],
    "c_power_bridge": ["test_bridge_power_before_the_grid"],
}
FACILITY_USD_PER_MW = 1e6  # CRF(0, 20): 50,000 USD per MW-year


def test_energy_is_paid_for_the_draw(tmp_path):
    """Base: 1 kW all year at 50 USD/MWh is 438 of the 638 (without the energy row: 200)."""
    res = solve_tiny(tmp_path, base())
    assert res.plan.set_index("category").loc["energy:firm", "opex_usd"] == pytest.approx(438, rel=1e-9)
    assert res.objective_usd == pytest.approx(638, rel=1e-6)


def test_facility_is_sized_to_the_draw(tmp_path):
    """A's facility costs 1 M USD/MW: the 1 kW draw needs 0.001 MW x 50,000 = 50 a year -> 688
    (without the facility row: 638)."""
    fr = base()
    set_site(fr, "A", facility_capex_usd_per_mw=FACILITY_USD_PER_MW)
    res = solve_tiny(tmp_path, fr)
    assert res.objective_usd == pytest.approx(688, rel=1e-6)
    assert res.sites.set_index("site_id").loc["A", "facility_mw"] == pytest.approx(0.001, rel=1e-6)


def test_an_open_site_builds_at_least_its_minimum(tmp_path):
    """As test_facility_is_sized_to_the_draw with A's min_mw 0.002: 0.002 MW x 50,000 = 100 -> 738
    (without the minimum: 688). A blank min_mw takes its kind's default (metro: 1 MW)."""
    fr = base()
    set_site(fr, "A", facility_capex_usd_per_mw=FACILITY_USD_PER_MW, min_mw=0.002)
    res = solve_tiny(tmp_path / "min", fr)
    assert res.objective_usd == pytest.approx(738, rel=1e-6)
    assert res.sites.set_index("site_id").loc["A", "facility_mw"] == pytest.approx(0.002, rel=1e-6)
    set_site(fr, "A", min_mw="")
    assert solve_tiny(tmp_path / "default", fr).sites.set_index("site_id").loc["A", "facility_mw"] == pytest.approx(1.0, rel=1e-6)


def test_a_full_site_is_open_in_the_relaxation(tmp_path):
    """tests/model/test_linking.py's a_tenth_at_a with A's facility limited to 0.0001 MW (A has grid):
    facility_mw ≤ max_mw · open gives open[A] = 1 for the tenth, so the bound is the plan, 638;
    without the row open[A] = 0.1 (from the flow row) and the bound is 612.96."""
    from tests.model.test_linking import a_tenth_at_a

    fr = base()
    a_tenth_at_a(fr)
    set_site(fr, "A", max_mw=0.0001)
    assert solve_tiny(tmp_path / "mip", fr).objective_usd == pytest.approx(638, rel=1e-6)
    assert solve_tiny(tmp_path / "lp", fr, relax=True).objective_usd == pytest.approx(638, rel=1e-5)


def test_site_development_is_paid_when_open(tmp_path):
    """A's development costs 3,000 USD (CRF(0, 30): 100 a year) -> 738 (without the open row: 638)."""
    fr = base()
    set_site(fr, "A", site_fixed_usd=3000)
    assert solve_tiny(tmp_path, fr).objective_usd == pytest.approx(738, rel=1e-6)


def test_facility_never_shrinks(tmp_path):
    """2,000 tokens/s in 2026, 1,000 in 2027, facility 50,000 USD per MW-year. 2026: 2 units (400),
    2 kW (876), 0.002 MW (100); 2027: the 2 units are still active (400), 1 kW (438), and the
    facility cannot shrink (100): 2,314. (Without the monotone row 2027 keeps 0.001 MW: 2,264.)"""
    fr = base()
    set_site(fr, "A", facility_capex_usd_per_mw=FACILITY_USD_PER_MW)
    fr["demand.csv"].loc[0, "tokens_per_s"] = "2000"
    add_demand_year(fr, 2027, 1000)
    res = solve_tiny(tmp_path, fr, years=(2026, 2027))
    assert res.objective_usd == pytest.approx(2314, rel=1e-6)


def test_an_open_site_stays_open_in_the_relaxation_too(tmp_path):
    """The training program of tests/model/test_training.py in 2026 and 2027, B's site costing 100 a
    year: 3,876 a year, 7,752. In the LP relaxation open[B,2026] = host = 1 and the monotone row
    keeps open[B,2027] = 1: the bound is 7,752 too; without it open[B,2027] ≥ 50/100 only: 7,702."""
    fr = base()
    add_training(fr)
    add_demand_year(fr, 2027, 1000)  # interactive, not planned here
    set_site(fr, "B", site_fixed_usd=3000)
    assert solve_tiny(tmp_path / "mip", fr, years=(2026, 2027), layers=["training"]).objective_usd == pytest.approx(7752, rel=1e-6)
    assert solve_tiny(tmp_path / "lp", fr, years=(2026, 2027), layers=["training"], relax=True).objective_usd == pytest.approx(7752, rel=1e-6)


def test_grid_connection_caps_grid_energy(tmp_path):
    """A has 0.0005 MW of grid and its tranche comes after the horizon; B is out of the SLO. Half the
    demand is served: 1 unit (200), 0.0005 MW all year (219), and 15,768 Mtok unserved at 1,000 USD:
    15,768,419 (without the grid row: 638)."""
    fr = base()
    no_grid_today(fr, 5)
    set_site(fr, "A", existing_mw=0.0005)
    res = solve_tiny(tmp_path, fr)
    assert res.objective_usd == pytest.approx(200 + 219 + MTOK_PER_YEAR / 2 * 1000, rel=1e-6)


def test_bridge_power_before_the_grid(tmp_path):
    """No grid today; A's tranche comes online in 2030 (after the 2026 horizon). Bridge power at A
    (1 M USD/MW, 10-year life: 100,000 a MW-year; 100 USD/MWh): 0.001 MW x 100,000 + 8.76 MWh x 100
    = 100 + 876, plus 200 of GPU: 1,176 USD, far below 31.5 M USD of unserved value. (Without the
    bridge row no capacity is needed: 1,076.)"""
    fr = base()
    no_grid_today(fr, 5)
    set_site(fr, "A", bridge_capex_usd_per_mw=1e6, bridge_price_usd_per_mwh=100, bridge_max_mw=5)
    res = solve_tiny(tmp_path, fr)
    assert res.objective_usd == pytest.approx(1176, rel=1e-6)
    a = res.sites.set_index("site_id").loc["A"]
    assert pd.isna(a.tranches) or a.tranches == ""
    assert a.bridge_mw == pytest.approx(0.001, rel=1e-6)


def test_power_family_is_not_inert(tmp_path):
    """Without the power family the GPU costs only its capex: 200."""
    assert solve_tiny(tmp_path, base(), skip=["power"]).objective_usd == pytest.approx(200, rel=1e-6)
