"""Why not here, for GPUs (tokensite/results/explain/gpus.py): a tiny case built to have each reason gets it.

Base data as in tests/model/test_demand.py: A (US) near M1, B a US campus outside the 20 ms SLO; one
generation, G1.
"""

from __future__ import annotations

import pandas as pd

from tests.test_explain import details, reasons
from tests.tiny import base, solve_tiny


def test_banned_everywhere_leaves_demand_unserved(tmp_path):
    """G1 is banned in the US from 2020: no site can buy a GPU, M1 goes unserved and both sites stay out."""
    fr = base()
    fr["gpu_access.csv"] = pd.DataFrame({"gpu": ["G1"], "country": ["US"], "from_year": ["2020"], "to_year": [""], "access": ["banned"],
                                         "capex_multiplier": [""]})
    res = solve_tiny(tmp_path, fr)
    assert reasons(res, "demand", metro_id="M1") == ["banned"]
    assert "G1" in details(res, "demand", metro_id="M1")[0] and "US" in details(res, "demand", metro_id="M1")[0]
    assert reasons(res, "site", site_id="A") == ["banned"]


def test_supply_used_up_leaves_demand_unserved(tmp_path):
    """The world may buy no G1 in 2026: M1 goes unserved, its reason the supply cap."""
    fr = base()
    fr["gpu_supply.csv"] = pd.DataFrame({"gpu": ["G1"], "year": ["2026"], "units_max": ["0"], "market": [""]})
    res = solve_tiny(tmp_path, fr)
    assert reasons(res, "demand", metro_id="M1") == ["supply"]
    assert "G1 in the world 2026 (0 units)" in details(res, "demand", metro_id="M1")[0]


def test_a_cap_that_binds_part_of_the_demand(tmp_path):
    """M1 wants 2,000 tokens/s (two units) and the world may buy one G1 in 2026: half is unserved for supply;
    with a cap of 5 nothing is short."""
    fr = base()
    fr["demand.csv"].loc[0, "tokens_per_s"] = "2000"
    fr["gpu_supply.csv"] = pd.DataFrame({"gpu": ["G1"], "year": ["2026"], "units_max": ["1"], "market": [""]})
    res = solve_tiny(tmp_path / "one", fr)
    assert reasons(res, "demand", metro_id="M1") == ["supply"] and "50% unserved" in details(res, "demand", metro_id="M1")[0]
    fr["gpu_supply.csv"].loc[0, "units_max"] = "5"
    assert reasons(solve_tiny(tmp_path / "five", fr), "demand") == []
