"""Existing family (tokensite/model/existing.py): halls standing today, on tiny cases solved by hand.

Site A (the only site within M1's 20 ms SLO) gets a facility cost of 1 M USD/MW (CRF(0, 20): 50,000
USD per MW-year), fixed O&M of 100,000 USD per MW-year and a site development cost of 3 M USD
(CRF(0, 30): 100,000 a year). One G1 unit (200 USD a year) draws 0.001 MW all year (438 USD of energy).
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import base, set_site, solve_tiny, write
from tokensite.dataset import read_dataset
from tokensite.errors import DatasetError

COVERS = {"c_existing_facility": ["test_existing_halls_pay_o_and_m_not_capex"]}


def _frames(existing_facility_mw: str) -> dict[str, pd.DataFrame]:
    fr = base()
    set_site(fr, "A", facility_capex_usd_per_mw=1e6, fixed_om_usd_per_mw_year=1e5, site_fixed_usd=3e6)
    fr["regions.csv"]["existing_facility_mw"] = [existing_facility_mw, ""]
    return fr


def add_to_full_case(fr: dict[str, pd.DataFrame]) -> None:
    """The registry's case: site A has a 1 MW hall standing."""
    fr["regions.csv"]["existing_facility_mw"] = ["1" if s == "A" else "" for s in fr["regions.csv"].site_id]


@pytest.mark.parametrize("hall,expected,facility_mw", [
    ("", 100_788.0, 0.001),  # greenfield: 200 + 438 + capex 50 + O&M 100 + site 100,000
    ("0.002", 838.0, 0.002),  # the hall is kept (≥ 0.002 MW) and sunk: 200 + 438 + O&M 0.002 x 1e5 = 200; no site cost
    ("0.0005", 763.0, 0.001),  # half a hall: capex on the 0.0005 MW added, 25; O&M on 0.001 MW, 100; no site cost
])
def test_existing_halls_pay_o_and_m_not_capex(tmp_path, hall, expected, facility_mw):
    """Without the family's row the 0.002 MW hall could shrink to 0.001 MW, a capex credit of
    −50 and O&M 100: 688, not 838."""
    res = solve_tiny(tmp_path, _frames(hall))
    assert res.objective_usd == pytest.approx(expected, rel=1e-6)
    a = res.sites.set_index("site_id").loc["A"]
    assert a.facility_mw == pytest.approx(facility_mw, rel=1e-6)
    assert bool(a.open)
    assert "site development" not in set(res.costs[res.costs.site_id == "A"].category) or hall == ""


def test_an_existing_hall_above_max_mw_is_refused(tmp_path):
    fr = _frames("200")
    with pytest.raises(DatasetError, match="existing_facility_mw.*above max_mw"):
        read_dataset(write(tmp_path / "data", fr))
