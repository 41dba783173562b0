"""Existing family (tokensite/model/existing.py): halls standing today, on tiny cases solved by hand.

Site A (the only site within M1's 20 ms SLO) gets a facility cost of 1 M USD/MW (CRF(0, 20): 50,000
USD per MW-year), fixed O&M of 100,000 USD per MW-year and a site development cost of 3 M USD
(CRF(0, 30): 100,000 a year). One G1 unit (200 USD a year) draws 0.001 MW all year (438 USD of energy).
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import (
    MTOK_PER_YEAR,
    add_demand_year,
    add_row,
    base,
    set_site,
    solve_tiny,
    write,
)
from tokensite.dataset import read_dataset
from tokensite.errors import DatasetError

COVERS = {
    "c_existing_facility": ["test_existing_halls_pay_o_and_m_not_capex"],
    "c_existing_run": ["test_an_installed_fleet_is_retired_exactly_when_a_newer_generation_pays", "test_a_retired_unit_stays_retired"],
    "c_existing_retire": ["test_a_retired_unit_stays_retired"],
}


def _frames(existing_facility_mw: str) -> dict[str, pd.DataFrame]:
    fr = base()
    set_site(fr, "A", facility_capex_usd_per_mw=1e6, fixed_om_usd_per_mw_year=1e5, site_fixed_usd=3e6)
    fr["regions.csv"]["existing_facility_mw"] = [existing_facility_mw, ""]
    return fr


def add_to_full_case(fr: dict[str, pd.DataFrame]) -> None:
    """The registry's case: site A has a 1 MW hall standing and two G1 units installed in 2025."""
    fr["regions.csv"]["existing_facility_mw"] = ["1" if s == "A" else "" for s in fr["regions.csv"].site_id]
    fr["installed.csv"] = pd.DataFrame({"site_id": ["A"], "gpu": ["G1"], "vintage": ["2025"], "units": ["2"]})


def _installed_h(value_usd_per_mtok: float) -> dict[str, pd.DataFrame]:
    """A power-capped site A (a 0.002 MW grid connection, no tranche; B is outside the SLO) holds one
    installed H unit (vintage 2024, 5-year life: alive through 2028): 1,000 tokens/s for 2 kW, its
    capex sunk. G1 (1 kW for 1,000 tokens/s) costs 5,000 USD: 1,000 a year. H is too dear to buy
    (1 M USD). M1 wants 2,000 tokens/s worth ``value_usd_per_mtok``."""
    fr = base()
    fr["gpus.csv"].loc[0, "capex_usd_per_gpu"] = "5000"
    fr["gpus.csv"] = add_row(fr["gpus.csv"], gpu="H", first_year=2020, gpus_per_unit=1, capex_usd_per_gpu=1e6, kw_per_gpu=2, lifetime_years=5)
    fr["throughput.csv"] = add_row(fr["throughput.csv"], gpu="H", layer="interactive", tokens_per_s_per_gpu=1000)
    fr["installed.csv"] = pd.DataFrame({"site_id": ["A"], "gpu": ["H"], "vintage": ["2024"], "units": ["1"]})
    fr["interconnect_queue.csv"] = fr["interconnect_queue.csv"].iloc[0:0]
    set_site(fr, "A", existing_mw=0.002)
    fr["layers.csv"].loc[0, "value_usd_per_mtok"] = str(value_usd_per_mtok)
    fr["demand.csv"].loc[0, "tokens_per_s"] = "2000"
    return fr


@pytest.mark.parametrize("value,expected,retired,g1", [
    # Keep H: energy 17.52 MWh x 50 = 876 and 1,000 tokens/s unserved (31,536 Mtok x value). Retire it for two G1
    # in the same 2 kW: capex 2,000 + energy 876 = 2,876, all served. Retiring pays exactly when
    # 2,000 < 31,536 x value, value > 0.0634 USD/Mtok. (One G1 beside H does not fit; one G1 alone or nothing lose.)
    (0.06, 876 + MTOK_PER_YEAR * 0.06, 0, 0),  # 2,768.16 < 2,876: kept
    (0.07, 2876.0, 1, 2),  # 3,083.52 > 2,876: retired
])
def test_an_installed_fleet_is_retired_exactly_when_a_newer_generation_pays(tmp_path, value, expected, retired, g1):
    """Without the must-run row a kept H could idle at no cost, and retire would say nothing (0 here)."""
    res = solve_tiny(tmp_path, _installed_h(value))
    assert res.objective_usd == pytest.approx(expected, rel=1e-6)
    f = res.fleet.set_index("gpu")
    assert (f.at["H", "vintage"], f.at["H", "units_installed"], f.at["H", "units_retired"], f.at["H", "units_active"]) == (2024, 1, retired, 1 - retired)
    assert (f.at["G1", "units_bought"] if "G1" in f.index else 0) == g1
    a = res.sites.set_index("site_id").loc["A"]
    assert bool(a.open)


def test_a_retired_unit_stays_retired(tmp_path):
    """Years 2026 and 2027 at rate 0 (φ = 1 each); M1 wants nothing in 2026 and 1,000 tokens/s worth 1
    USD/Mtok in 2027. A kept H works in every slice, so in 2026 it burns 876 of energy for nothing.
    Keep it both years: 876 + 876 = 1,752; retire it in 2026 and buy a G1 in 2027: 1,000 + 438 = 1,438.
    Without the monotone row H would be retired in 2026 and back in 2027: 876. Without the must-run
    row it would idle in 2026: 876 as well."""
    fr = _installed_h(1)
    fr["demand.csv"].loc[0, "tokens_per_s"] = "0"
    add_demand_year(fr, 2027, 1000)
    res = solve_tiny(tmp_path, fr, years=(2026, 2027))
    assert res.objective_usd == pytest.approx(1438, rel=1e-6)
    f = res.fleet.set_index(["gpu", "year"])
    assert f.at[("H", 2026), "units_retired"] == 1 and f.at[("H", 2027), "units_retired"] == 1 and f.at[("H", 2027), "units_active"] == 0
    assert (f.at[("G1", 2027), "vintage"], f.at[("G1", 2027), "units_bought"]) == (2027, 1)


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


@pytest.mark.parametrize("row,match", [
    (("Z", "H", "2024", "1"), "installed.csv:2: site_id: unknown site_id"),
    (("A", "X", "2024", "1"), "installed.csv:2: gpu: unknown gpu"),
    (("A", "H", "2024", "-1"), "installed.csv:2: units"),
])
def test_installed_rows_are_validated(tmp_path, row, match):
    fr = _installed_h(1)
    fr["installed.csv"] = pd.DataFrame([row], columns=["site_id", "gpu", "vintage", "units"])
    with pytest.raises(DatasetError, match=match):
        read_dataset(write(tmp_path / "data", fr))


def test_a_future_vintage_is_refused_and_an_overfull_site_warned(tmp_path):
    """H at A needs 0.002 MW at nameplate and A has no hall: a warning. A vintage after the first planning
    year is an error of the case."""
    from tests.tiny import write_case
    from tokensite.config import load_case
    from tokensite.dataset.checks import check_case

    fr = _installed_h(1)
    ds = read_dataset(write(tmp_path / "data", fr))
    assert any(w.file == "installed.csv" and "more than its existing_facility_mw" in str(w) for w in ds.warnings)
    fr["installed.csv"].loc[0, "vintage"] = "2027"
    data = write(tmp_path / "late", fr)
    case = load_case(write_case(tmp_path, data, [2026]))
    with pytest.raises(DatasetError, match="installed.csv:2: vintage: is after the first planning year 2026"):
        check_case(case, read_dataset(data))
