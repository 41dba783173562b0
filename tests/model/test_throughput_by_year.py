"""Throughput by year (throughput.csv's optional ``year``; tokensite/model/gpu_rules.py) on a tiny case solved by hand.

Planning years 2026 and 2028 at rate 0 (φ = 2 and 1). M1 wants 1,000 tokens/s in 2026 and 2,000 in 2028 at A
(50 USD/MWh). A G1 unit (1,000 USD over 5 years: 200 a year; 1 kW: 438 USD of energy a year) makes 1,000
tokens/s on the blank-year row. Two units in 2028: 200 x 3 + 200 x 1 capex, 438 x 2 + 876 energy = 2,552.
When the software of 2027 doubles its tokens at the same power, the 2026 unit alone serves 2028:
200 x 3 + 438 x 3 = 1,914.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import add_demand_year, add_row, base, solve_tiny

COVERS = {"c_throughput_metro": ["test_the_latest_throughput_at_or_before_the_year_applies"]}


def _frames(*rows: tuple[str, str]) -> dict[str, pd.DataFrame]:
    fr = base()
    add_demand_year(fr, 2028, 2000)
    fr["throughput.csv"]["year"] = ""
    for year, tps in rows:
        fr["throughput.csv"] = add_row(fr["throughput.csv"], gpu="G1", layer="interactive", tokens_per_s_per_gpu=tps, year=year)
    return fr


def add_to_full_case(fr: dict[str, pd.DataFrame]) -> None:
    """The registry's case: G1 makes a tenth more interactive tokens from 2027."""
    fr["throughput.csv"]["year"] = ""
    fr["throughput.csv"] = add_row(fr["throughput.csv"], gpu="G1", layer="interactive", tokens_per_s_per_gpu=1100, year=2027)


@pytest.mark.parametrize("rows,expected,units", [
    ((), 2552, 2),  # the blank-year row holds every year: a second unit in 2028
    ((("2027", "2000"),), 1914, 1),  # the 2027 row is the latest at or before 2028: one unit serves 2,000 tokens/s
    ((("2030", "2000"),), 2552, 2),  # a row after the horizon never applies
    ((("2026", "1000"), ("2028", "2000")), 1914, 1),  # year rows beside the blank one: each year takes its latest
])
def test_the_latest_throughput_at_or_before_the_year_applies(tmp_path, rows, expected, units):
    res = solve_tiny(tmp_path, _frames(*rows), years=(2026, 2028))
    assert res.objective_usd == pytest.approx(expected, rel=1e-6)
    assert res.fleet.units_bought.sum() == units
    served = res.allocation.groupby("year").tokens_per_s.sum()
    assert served.to_dict() == pytest.approx({2026: 1000, 2028: 2000}, rel=1e-6)


def test_a_pair_with_year_rows_only_takes_its_first_row_before_it(tmp_path):
    """One row, for 2027 (2,000 tokens/s): 2026 takes that first row too, so the 2026 unit serves 1,000
    tokens/s on half its allocation (0.5 kW: 219 a year, x 2) and 2,000 in 2028 (438): 600 + 438 + 438 = 1,476."""
    fr = _frames()
    fr["throughput.csv"].loc[0, "year"] = "2027"
    fr["throughput.csv"].loc[0, "tokens_per_s_per_gpu"] = "2000"
    res = solve_tiny(tmp_path, fr, years=(2026, 2028))
    assert res.objective_usd == pytest.approx(1476, rel=1e-6)
    assert res.fleet.units_bought.sum() == 1
