"""cash.csv reconciles with the objective's annuities (docs/formulation.md, "Cash and annuities").

The tiny case has planning years 2026, 2028, 2030 (so calendar years 2027 and 2029 lie between them), demand
that grows (1,000 → 3,000 → 6,000 tokens/s, a GPU unit each 1,000), GPUs that live 4 years (the 2026 vintage is
counted for its 4 years, the 2028 one for 3 before the horizon ends, the 2030 one for 1), and a site that costs
cash to open (100,000 USD), to build (2 M USD per MW) and to connect (a 10 MW tranche at 100 USD/kW, online 2026).

What must hold, derived by hand: an asset of overnight cost C spent in calendar year s, of life n, whose annuity
C·CRF(i, n) the objective counts in the m calendar years s … s+m−1, has annuities worth, discounted to y0,

    C·CRF(i,n)·Σ_{k<m} d_{s+k} = (1+i)·d_s·C·(1 − v^m)/(1 − v^n),    v = 1/(1+i), d_c = v^(c−y0)

(C·m/n at i = 0), since CRF(i,n) = i/(1 − v^n) and Σ_{k<m} v^k = (1+i)(1 − v^m)/i. Summed over the plan's assets,
this is the capex part of the objective, Σ_y φ_y capex_y. Opex is counted in every calendar year it is paid, so
Σ_c d_c opex_c = Σ_y φ_y opex_y exactly.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import add_demand_year, base, set_site, solve_tiny
from tokensite.results import Results
from tokensite.results.cash import cash_by_year

YEARS = (2026, 2028, 2030)
FINANCE = "[finance]\nfacility_life_years = 20\nsite_life_years = 30\ninterconnect_life_years = 25\nbridge_life_years = 10\n"
LIFE = {"facility": 20, "site development": 30, "interconnection": 25, "gpus:G1": 4}


def _case():
    fr = base()
    fr["gpus.csv"].loc[0, "lifetime_years"] = "4"
    set_site(fr, "A", site_fixed_usd=100_000, facility_capex_usd_per_mw=2_000_000, existing_mw=0)
    set_site(fr, "B", existing_mw=0)
    q = fr["interconnect_queue.csv"]
    q.loc[0, ["request_year", "wait_years", "cost_usd_per_kw"]] = ["2025", "1", "100"]
    add_demand_year(fr, 2028, 3000)
    add_demand_year(fr, 2030, 6000)
    return fr


def counted_years(category: str, spent: int, years: tuple[int, ...] = YEARS) -> int:
    """m: the calendar years whose annuity the objective counts for an asset spent in ``spent``. A GPU vintage is
    in the fleet in the planning years y with spent ≤ y < spent + life, every other asset in every year from
    ``spent`` on; each planning year counts the W_y calendar years it stands for (1 for the last)."""
    weight = {y: (years[i + 1] - y if i + 1 < len(years) else 1) for i, y in enumerate(years)}
    alive = (lambda y: spent <= y < spent + LIFE[category]) if category.startswith("gpus:") else (lambda y: y >= spent)
    return sum(weight[y] for y in years if alive(y))


def annuity_share(m: int, n: int, rate: float) -> float:
    """(1 − v^m)/(1 − v^n): the part of an asset's annuities that the horizon counts (m/n at rate 0)."""
    if rate == 0:
        return m / n
    v = 1 / (1 + rate)
    return (1 - v**m) / (1 - v**n)


@pytest.fixture(scope="module", params=[0.08, 0.0], ids=["rate 8%", "rate 0"])
def solved(request, tmp_path_factory):
    rate = request.param
    return rate, solve_tiny(tmp_path_factory.mktemp("cash"), _case(), years=YEARS, rate=rate, extra=FINANCE)


def test_cash_is_what_the_plan_builds_by_calendar_year(solved):
    _, res = solved
    c = res.cash
    assert sorted(c.year.unique()) == [2026, 2027, 2028, 2029, 2030]  # opex is paid in the years between planning years
    capex = c[c.kind == "capex"].groupby(["year", "category"]).usd.sum()
    assert set(capex.index.get_level_values("year")) <= set(YEARS)  # builds are spent in their planning year
    bought = res.fleet.groupby("year").units_bought.sum()
    for y in YEARS:
        assert capex.get((y, "gpus:G1"), 0.0) == pytest.approx(1000 * bought.get(y, 0))
    assert capex[(2026, "site development")] == pytest.approx(100_000)
    assert capex[(2026, "interconnection")] == pytest.approx(10 * 1000 * 100)
    mw = res.sites[res.sites.site_id == "A"].set_index("year").facility_mw
    assert capex[(2030, "facility")] == pytest.approx(2e6 * (mw[2030] - mw[2028]))
    bought_quantity = c[c.kind == "capex"].groupby(["category", "quantity_unit"]).quantity.sum()
    assert bought_quantity[("gpus:G1", "GPUs")] == bought.sum() and bought_quantity[("facility", "MW")] == pytest.approx(mw[2030])
    assert bought_quantity[("interconnection", "MW")] == 10 and bought_quantity[("site development", "sites")] == 1
    wide = cash_by_year(c, YEARS).set_index("year")
    assert wide.loc[2027, "investment"] == 0 and wide.loc[2026, "opex"] > 0
    assert wide.loc[2027, "opex"] == pytest.approx(wide.loc[2026, "opex"])
    assert wide.cash.sum() == pytest.approx(c.usd.sum())
    assert res.cash_by_year().equals(cash_by_year(c, YEARS))


def test_discounted_cash_reconciles_with_the_annuities(solved):
    rate, res = solved
    c, costs = res.cash, res.costs
    annuities = (costs[costs.kind == "capex"].usd * costs[costs.kind == "capex"].discount_factor).sum()
    inv = c[c.kind == "capex"]
    shares = [annuity_share(counted_years(cat, int(y)), LIFE[cat], rate) for cat, y in zip(inv.category, inv.year)]
    assert annuities == pytest.approx(((1 + rate) * inv.discount_factor * inv.usd * pd.Series(shares, index=inv.index)).sum(), rel=1e-9)
    assert {"gpus:G1", "facility", "site development", "interconnection"} <= set(inv.category)
    assert counted_years("gpus:G1", 2026) == 4 and counted_years("gpus:G1", 2028) == 3 and counted_years("facility", 2026) == 5
    opex = costs[costs.kind == "opex"]
    assert (opex.usd * opex.discount_factor).sum() == pytest.approx((c[c.kind == "opex"].usd * c[c.kind == "opex"].discount_factor).sum(), rel=1e-12)


def test_cash_csv_is_written_and_read_back(solved, tmp_path):
    _, res = solved
    back = Results.from_dir(res.to_dir(tmp_path / "out"))
    assert back.cash.usd.sum() == pytest.approx(res.cash.usd.sum())
    assert list(back.cash.columns) == ["year", "planning_year", "category", "kind", "site_id", "quantity", "quantity_unit", "usd", "discount_factor"]
