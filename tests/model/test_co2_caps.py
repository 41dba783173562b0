"""CO2 caps by jurisdiction (tokensite/model/co2_caps.py) on a tiny case solved by hand.

Both sites serve M1 within its SLO. A (jurisdiction J1) buys power at 10 USD/MWh and emits
1 t/MWh; B (J2) at 50 USD/MWh, emission-free. One G1 unit (1 kW, 200 USD a year at rate 0) serves
the 1,000 tokens/s; a year of it draws 8.76 MWh.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import base, both_sites_in_slo, set_price, solve_tiny

COVERS = {"c_co2_caps": ["test_a_jurisdiction_cap_moves_the_load"]}


def _frames(cap_j: str, cap_t: str) -> dict[str, pd.DataFrame]:
    fr = base()
    both_sites_in_slo(fr)
    set_price(fr, "A", 10)
    fr["regions.csv"]["jurisdiction"] = ["J1", "J2"]
    fr["regions.csv"]["carbon_kg_per_mwh"] = ["1000", "0"]
    fr["co2_caps.csv"] = pd.DataFrame({"jurisdiction": [cap_j], "year": ["2026"], "cap_t": [cap_t]})
    return fr


def add_to_full_case(fr: dict[str, pd.DataFrame]) -> None:
    """The registry's case: a cap on the tiny dataset's jurisdiction."""
    fr["co2_caps.csv"] = pd.DataFrame({"jurisdiction": ["US"], "year": ["2026"], "cap_t": ["1e6"]})


@pytest.mark.parametrize("cap_j,cap_t,expected", [
    ("J1", "4.38", 638.0),  # A may emit 4.38 t, half its need: all at B (200 + 8.76 x 50) beats a unit at each (400 + 43.8 + 219 = 662.8)
    ("J1", "100", 287.6),  # a cap above A's 8.76 t does not bind: all at A, 200 + 8.76 x 10
    ("J2", "0", 287.6),  # a cap on the emission-free jurisdiction does not bind either
])
def test_a_jurisdiction_cap_moves_the_load(tmp_path, cap_j, cap_t, expected):
    res = solve_tiny(tmp_path, _frames(cap_j, cap_t))
    assert res.objective_usd == pytest.approx(expected, rel=1e-6)


def test_without_the_family_the_cap_is_ignored(tmp_path):
    assert solve_tiny(tmp_path, _frames("J1", "4.38"), skip=["co2_caps"]).objective_usd == pytest.approx(287.6, rel=1e-6)
