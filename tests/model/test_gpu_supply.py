"""GPU supply by year and market (gpu_supply.csv; tokensite/model/gpu_supply.py) on tiny cases solved by hand.

G1 (1,000 USD: 200 a year over 5 years at rate 0) and G2 (1,500 USD: 300 a year) are alike but for
their price; a unit serves 1,000 tokens/s at 1 kW (8.76 MWh a year). M1 wants 2,000 tokens/s: two units.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import add_demand_year, add_row, base, both_sites_in_slo, set_price, set_site, solve_tiny

COVERS = {"c_gpu_supply": ["test_a_supply_cap_moves_purchases_to_the_next_best_generation", "test_a_planning_year_buys_the_supply_of_its_calendar_years"]}


def _frames(*rows: tuple[str, str, str, str]) -> dict[str, pd.DataFrame]:
    fr = base()
    fr["demand.csv"].loc[0, "tokens_per_s"] = "2000"
    fr["gpus.csv"] = add_row(fr["gpus.csv"], gpu="G2", first_year=2020, gpus_per_unit=1, capex_usd_per_gpu=1500, kw_per_gpu=1, lifetime_years=5)
    fr["throughput.csv"] = add_row(fr["throughput.csv"], gpu="G2", layer="interactive", tokens_per_s_per_gpu=1000)
    fr["gpu_supply.csv"] = pd.DataFrame(rows, columns=["gpu", "year", "units_max", "market"])
    return fr


def add_to_full_case(fr: dict[str, pd.DataFrame]) -> None:
    """The registry's case: G1 capped in the world and in site B's market."""
    fr["regions.csv"]["market"] = ""
    set_site(fr, "B", market="NA")
    fr["gpu_supply.csv"] = pd.DataFrame({"gpu": ["G1", "G1"], "year": ["2026", "2026"], "units_max": ["1000", "500"], "market": ["", "NA"]})


@pytest.mark.parametrize("rows,market_b,expected,g1,dual", [
    # B (CN) buys power at 10 USD/MWh: G1 there 200 + 87.6 = 287.6, G2 there 387.6, G1 at A (50 USD/MWh) 638.
    ((), "", 575.2, 2, None),  # no cap: two G1 at B
    ((("G1", "2026", "1", ""),), "", 675.2, 1, ("*", 100)),  # one G1 in the world: the second unit is G2 at B (387.6 < 638); one more G1 saves 100
    ((("G1", "2026", "1", "CN"),), "", 675.2, 1, ("CN", 100)),  # the same cap on B's market, CN (its country)
    ((("G1", "2026", "0", "US"),), "", 575.2, 2, ("US", 0)),  # a cap on A's market does not bind at B
    ((("G1", "2026", "1", "ASIA"),), "ASIA", 675.2, 1, ("ASIA", 100)),  # B's market named in regions.csv
    ((("G1", "2020", "1", ""), ("G1", "2027", "5", "")), "", 675.2, 1, ("*", 100)),  # the latest row at or before 2026 holds; 2027's not yet
])
def test_a_supply_cap_moves_purchases_to_the_next_best_generation(tmp_path, rows, market_b, expected, g1, dual):
    fr = _frames(*rows)
    both_sites_in_slo(fr)
    set_site(fr, "B", country="CN")
    fr["regions.csv"]["market"] = ["", market_b]
    set_price(fr, "B", 10)
    res = solve_tiny(tmp_path, fr)
    assert res.objective_usd == pytest.approx(expected, rel=1e-6)
    bought = res.fleet.groupby("gpu").units_bought.sum()
    assert bought.get("G1", 0) == g1 and bought.sum() == 2
    supply = res.prices[res.prices.kind == "gpu_supply"]
    if dual is not None:
        row = supply[(supply.gpu == "G1") & (supply.market == dual[0]) & (supply.year == 2026)]
        assert len(row) == 1 and row.value.iloc[0] == pytest.approx(dual[1], abs=1e-6) and row.unit.iloc[0] == "usd_per_unit"


@pytest.mark.parametrize("rows,fallback,expected", [
    # Years 2026 and 2028 at A (rate 0, φ = 2 and 1); 2,000 tokens/s in both: two units bought in 2026 serve both years,
    # energy 876 x 3 = 2,628; two G1 cost 400 x 3 = 1,200, a G1 and a G2 500 x 3 = 1,500, two G2 1,800.
    ((("G1", "2026", "0.5", ""),), "", 4128),  # 2026 stands for 2026-2027: 0.5 + 0.5 = one G1 (not 0.5, which would be none: 4,428)
    ((("G1", "2026", "1", ""), ("G1", "2027", "0", "")), "", 4128),  # 1 in 2026 + 0 in 2027: one G1
    ((("G1", "2027", "1", ""),), "0", 4128),  # before its first world row gpus.csv's 0 holds: 0 + 1, and c_policy_supply's 0 x 2 is left out
    ((("G1", "2027", "1", ""),), "", 3828),  # with no fallback 2026 is uncapped, so is the planning year: two G1
])
def test_a_planning_year_buys_the_supply_of_its_calendar_years(tmp_path, rows, fallback, expected):
    fr = _frames(*rows)
    add_demand_year(fr, 2028, 2000)
    fr["gpus.csv"].loc[0, "supply_units_per_year"] = fallback
    res = solve_tiny(tmp_path, fr, years=(2026, 2028))
    assert res.objective_usd == pytest.approx(expected, rel=1e-6)
