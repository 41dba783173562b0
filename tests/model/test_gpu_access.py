"""Export rules (gpu_access.csv; tokensite/model/gpu_rules.py) on a tiny case solved by hand.

Both sites serve M1 within its SLO; B is in CN and buys power at 10 USD/MWh, A (US) at 50. G1 (1,000
USD) and G2 (500 USD) are alike but for their price: one unit of either serves the 1,000 tokens/s at
1 kW (8.76 MWh a year), its capex over 5 years at rate 0 is 200 (G1) or 100 (G2) USD a year. Costs:
G2 at B 100 + 87.6 = 187.6; G1 at B 200 + 87.6 = 287.6; G2 at A 100 + 438 = 538; G1 at A 638.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import add_row, base, both_sites_in_slo, set_price, set_site, solve_tiny

COVERS: dict[str, list[str]] = {}  # the ban removes variables and the licence changes a cost: no row group of their own


def _frames(*rules: tuple[str, str, str, str, str]) -> dict[str, pd.DataFrame]:
    fr = base()
    both_sites_in_slo(fr)
    set_site(fr, "B", country="CN")
    set_price(fr, "B", 10)
    fr["gpus.csv"] = add_row(fr["gpus.csv"], gpu="G2", first_year=2020, gpus_per_unit=1, capex_usd_per_gpu=500, kw_per_gpu=1, lifetime_years=5)
    fr["throughput.csv"] = add_row(fr["throughput.csv"], gpu="G2", layer="interactive", tokens_per_s_per_gpu=1000)
    fr["gpu_access.csv"] = pd.DataFrame(rules, columns=["gpu", "country", "from_year", "to_year", "access", "capex_multiplier"])
    return fr


def add_to_full_case(fr: dict[str, pd.DataFrame]) -> None:
    """The registry's case: G1 under licence in the US from 2027 (a cost, no row)."""
    fr["gpu_access.csv"] = pd.DataFrame({"gpu": ["G1"], "country": ["US"], "from_year": ["2027"], "to_year": [""], "access": ["licensed"],
                                         "capex_multiplier": ["1.1"]})


@pytest.mark.parametrize("rules,expected,bought", [
    ((), 187.6, {("B", "G2")}),  # no rule: the cheapest, G2 at B
    ((("G2", "CN", "2020", "", "banned", ""),), 287.6, {("B", "G1")}),  # G2 banned in CN: G1 at B (287.6) beats G2 at A (538)
    ((("G2", "CN", "2020", "2025", "banned", ""),), 187.6, {("B", "G2")}),  # the ban ended in 2025
    ((("G2", "CN", "2027", "", "banned", ""),), 187.6, {("B", "G2")}),  # the ban starts after 2026
    ((("G2", "US", "2020", "", "banned", ""),), 187.6, {("B", "G2")}),  # banned where it is not wanted
    ((("G2", "CN", "2020", "", "licensed", "1.5"),), 237.6, {("B", "G2")}),  # a licence of x1.5: 150 + 87.6 still beats G1's 287.6
    ((("G2", "CN", "2020", "", "licensed", "3"),), 287.6, {("B", "G1")}),  # x3: 300 + 87.6 > 287.6, G1 at B
    ((("G2", "CN", "2020", "", "licensed", "3"), ("G2", "CN", "2026", "2026", "banned", "")), 287.6, {("B", "G1")}),  # a ban wins over a licence
])
def test_a_banned_generation_is_never_bought_where_it_is_banned(tmp_path, rules, expected, bought):
    res = solve_tiny(tmp_path, _frames(*rules))
    assert res.objective_usd == pytest.approx(expected, rel=1e-6)
    fleet = res.fleet[res.fleet.units_bought > 0]
    assert set(zip(fleet.site_id, fleet.gpu)) == bought
    assert fleet.units_bought.sum() == 1
