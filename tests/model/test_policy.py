"""Supply and policy family (docs/formulation.md §8) on tiny cases solved by hand
(data: tests/model/test_demand.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import MTOK_PER_YEAR, add_demand_year, base, solve_tiny

COVERS = {
    "c_policy_supply": ["test_supply_limit_and_carbon_price"],
    "c_policy_budget": ["test_budget_limits_overnight_investment_per_calendar_year"],
    "c_policy_co2": ["test_co2_cap_binds"],
}


def _policy(year: int = 2026, budget: str = "", cap: str = "", price: str = "") -> pd.DataFrame:
    return pd.DataFrame({"year": [str(year)], "budget_usd": [budget], "co2_cap_t": [cap], "carbon_price_usd_per_t": [price]})


def test_supply_limit_and_carbon_price(tmp_path):
    """No G1 supply: all unserved (31,536 Mtok x 1,000). Carbon 1 t/MWh at 100 USD/t adds 8.76 x 100
    = 876 to the base 638. Without the policy family both effects vanish (638)."""
    fr = base()
    fr["gpus.csv"].loc[0, "supply_units_per_year"] = "0"
    assert solve_tiny(tmp_path / "s", fr).objective_usd == pytest.approx(MTOK_PER_YEAR * 1000, rel=1e-6)
    fr["gpus.csv"].loc[0, "supply_units_per_year"] = ""
    fr["regions.csv"]["carbon_kg_per_mwh"] = "1000"
    fr["policy.csv"] = _policy(price="100")
    assert solve_tiny(tmp_path / "c", fr).objective_usd == pytest.approx(1514, rel=1e-6)
    assert solve_tiny(tmp_path / "off", fr, skip=["policy"]).objective_usd == pytest.approx(638, rel=1e-6)


def test_co2_cap_binds(tmp_path):
    """A cap of 4.38 t with 1 t/MWh allows half the energy: half the tokens are served (1 unit,
    200 + 219 energy) and half unserved (15,768 Mtok x 1 USD): 419 + 15,768 = 16,187."""
    fr = base()
    fr["layers.csv"].loc[0, "value_usd_per_mtok"] = "1"
    fr["regions.csv"]["carbon_kg_per_mwh"] = "1000"
    fr["policy.csv"] = _policy(cap="4.38")
    assert solve_tiny(tmp_path, fr).objective_usd == pytest.approx(419 + MTOK_PER_YEAR / 2, rel=1e-6)


def test_budget_limits_overnight_investment_per_calendar_year(tmp_path):
    """Years 2026 and 2028; 2,000 tokens/s in 2026, none in 2028; a budget of 500 USD per calendar
    year. Planning year 2026 stands for 2026-2027, so it may invest 1,000 USD: one unit (1,000 USD),
    not the two the demand wants. At rate 0, φ_2026 = 2 and φ_2028 = 1. The unit is active in 2026
    and 2028: capex 200 x 3 = 600; it serves 1,000 tokens/s in 2026: energy 438 x 2 = 876; the other
    1,000 tokens/s are unserved: 31,536 Mtok x 1,000 USD x 2 = 63,072,000. Total 63,073,476.
    (Without the budget: 2 units, 1,200 + 1,752 = 2,952; with the budget not scaled by the two
    calendar years: no unit at all.)"""
    fr = base()
    fr["demand.csv"].loc[0, "tokens_per_s"] = "2000"
    add_demand_year(fr, 2028, 0)
    fr["policy.csv"] = _policy(budget="500")
    res = solve_tiny(tmp_path, fr, years=(2026, 2028))
    assert res.objective_usd == pytest.approx(600 + 876 + 2 * MTOK_PER_YEAR * 1000, rel=1e-6)
    assert res.fleet.units_bought.sum() == 1
