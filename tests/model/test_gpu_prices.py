"""GPU prices by year (gpu_prices.csv; tokensite/model/gpu_rules.py) on a tiny case solved by hand.

Planning years 2026 and 2028 at rate 0: 2026 stands for 2026-2027 (φ = 2), 2028 for itself (φ = 1).
M1 wants 1,000 tokens/s in 2026 and 2,000 in 2028: one G1 unit (1 kW, life 5 years) from 2026 and a
second from 2028, at A (50 USD/MWh: 438 USD a year per unit). Energy: 438 x 2 + 876 x 1 = 1,752. Capex
a year is a fifth of the unit's price, charged in every planning year the unit is active.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import add_demand_year, base, solve_tiny, write, write_case
from tokensite.config import load_case
from tokensite.dataset import read_dataset
from tokensite.model.index import model_data
from tokensite.model.yardstick import delivered_usd_per_mtok

COVERS: dict[str, list[str]] = {}  # a price is a cost coefficient, not a row group


def _frames(*rows: tuple[str, str, str]) -> dict[str, pd.DataFrame]:
    fr = base()
    add_demand_year(fr, 2028, 2000)
    fr["gpu_prices.csv"] = pd.DataFrame(rows, columns=["gpu", "year", "capex_usd_per_gpu"])
    return fr


def add_to_full_case(fr: dict[str, pd.DataFrame]) -> None:
    """The registry's case: G1 gets cheaper in 2027."""
    fr["gpu_prices.csv"] = pd.DataFrame({"gpu": ["G1"], "year": ["2027"], "capex_usd_per_gpu": ["900"]})


@pytest.mark.parametrize("rows,expected", [
    ((), 600 + 200 + 1752),  # gpus.csv's 1,000 USD: 200 x (2 + 1) for the first unit, 200 x 1 for the second
    ((("G1", "2027", "500"),), 600 + 100 + 1752),  # the 2027 row is the latest at or before 2028: the second unit costs 500, 100 a year
    ((("G1", "2028", "500"), ("G1", "2030", "1")), 600 + 100 + 1752),  # a row after the horizon never applies
    ((("G1", "2026", "2000"), ("G1", "2027", "500")), 1200 + 100 + 1752),  # the first unit pays 2026's 2,000: 400 x 3
])
def test_the_latest_price_at_or_before_the_year_applies(tmp_path, rows, expected):
    res = solve_tiny(tmp_path, _frames(*rows), years=(2026, 2028))
    assert res.objective_usd == pytest.approx(expected, rel=1e-6)
    assert list(res.fleet.groupby("year").units_bought.sum()) == [1, 1]  # fleet.csv has a row per vintage alive


def test_the_yardstick_prices_a_gpu_at_the_price_of_its_year(tmp_path):
    """A token in 2028 is made on a unit bought at 500 USD: 100 USD a year for 31,536 Mtok; in 2026 at 1,000."""
    data = write(tmp_path / "data", _frames(("G1", "2027", "500")))
    ix, par = model_data(read_dataset(data), load_case(write_case(tmp_path, data, [2026, 2028])))
    gpu = {y: delivered_usd_per_mtok(ix, par, "A", "interactive", y, 0.001)["gpu"] for y in (2026, 2028)}
    assert gpu == pytest.approx({2026: 200 / 31536, 2028: 100 / 31536}, rel=1e-12)
