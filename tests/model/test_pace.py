"""Build pace family (tokensite/model/pace.py) on a tiny case solved by hand.

Both sites serve M1 within its SLO; the campus B buys power at 50 USD/MWh, A at 100. Years 2026 and
2028 at rate 0: 2026 stands for two calendar years (φ = 2), 2028 for one. M1 wants 2,000 tokens/s in
2026 and 4,000 in 2028: 2 and 4 G1 units (1 kW, 200 USD a year, a 5-year life, so the 2026 units are
still active in 2028). Facilities are free, so without a pace everything is built at B at once.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import add_demand_year, base, both_sites_in_slo, set_price, set_site, solve_tiny

COVERS = {"c_pace_first": ["test_a_campus_grows_no_faster_than_its_pace"], "c_pace_step": ["test_a_campus_grows_no_faster_than_its_pace"]}


def _frames(pace: str) -> dict[str, pd.DataFrame]:
    fr = base()
    both_sites_in_slo(fr)
    set_price(fr, "A", 100)
    fr["demand.csv"].loc[0, "tokens_per_s"] = "2000"
    add_demand_year(fr, 2028, 4000)
    fr["regions.csv"]["max_build_mw_per_year"] = ["", pace]
    return fr


def add_to_full_case(fr: dict[str, pd.DataFrame]) -> None:
    """The registry's case: the campus B may add 10 MW a year."""
    fr["regions.csv"]["max_build_mw_per_year"] = ["10" if s == "B" else "" for s in fr["regions.csv"].site_id]


@pytest.mark.parametrize("pace,expected,b_mw", [
    # B may hold 0.001 MW by 2026 and add 0.002 MW by 2028: 1 unit at B and 1 at A in 2026, then 3 at B and
    # the 1 at A: GPUs 2 x 200 x 2 + 4 x 200 = 1,600; energy (876 + 438) x 2 + 876 + 3 x 438 = 4,818 -> 6,418.
    # Without the first-year row everything at B (5,104); without the step row B reaches 0.004 MW in 2028: 5,980.
    ("0.001", 6418.0, (0.001, 0.003)),
    ("", 5104.0, None),  # blank: the default of a campus, no limit: all at B, GPUs 1,600 + energy 438 x 2 x 2 + 438 x 4 (free halls: any size)
])
def test_a_campus_grows_no_faster_than_its_pace(tmp_path, pace, expected, b_mw):
    res = solve_tiny(tmp_path, _frames(pace), years=(2026, 2028))
    assert res.objective_usd == pytest.approx(expected, rel=1e-6)
    b = res.sites[res.sites.site_id == "B"].set_index("year").facility_mw
    if b_mw:
        assert (b[2026], b[2028]) == pytest.approx(b_mw, rel=1e-6)
        assert b[2028] - b[2026] <= 0.001 * 2 + 1e-9


def test_without_the_family_the_pace_is_ignored(tmp_path):
    assert solve_tiny(tmp_path, _frames("0.001"), years=(2026, 2028), skip=["pace"]).objective_usd == pytest.approx(5104.0, rel=1e-6)


def test_explain_names_the_build_pace_where_it_binds(tmp_path):
    """A cannot take GPUs before 2030, so the campus B alone serves M1: 0.001 MW (1 unit) by 2026 and
    0.003 MW (3 units) by 2028 leave 1,000 tokens/s unserved in each year, and explain says why."""
    fr = _frames("0.001")
    set_site(fr, "A", earliest_year=2030)
    res = solve_tiny(tmp_path, fr, years=(2026, 2028))
    e = res.explain[res.explain.kind == "demand"]
    assert e.reason.tolist() == ["build_pace", "build_pace"]
    assert "B at its build pace" in e.detail.iloc[0] and "at most 0.001 MW by 2026" in e.detail.iloc[0]
    assert "at most 0.003 MW by 2028" in e.detail.iloc[1]
