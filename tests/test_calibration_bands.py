"""calibration.csv (optional input): the plan's GW against published bands, misses measured (tokensite/results/calibration.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import base, solve_tiny
from tokensite.results.calibration import calibration


def test_each_band_sums_the_peak_draw_of_its_countries():
    sites = pd.DataFrame({"site_id": ["a", "b", "c", "a"], "country": ["US", "FR", "DE", "US"], "year": [2030, 2030, 2030, 2028],
                          "peak_draw_mw": [3000.0, 500.0, 700.0, 1000.0]})
    bands = pd.DataFrame({"region": ["World", "Europe", "United States", "World"], "year": [2030, 2030, 2030, 2040],
                          "low_gw": [4.0, 1.5, 1.0, 1.0], "high_gw": [5.0, 2.0, 2.5, 2.0], "countries": [None, "FR;DE", "US", None],
                          "source": ["S1", None, "S2", "S3"]})
    c = calibration(sites, bands).set_index("region")
    assert list(c.index) == ["World", "Europe", "United States"]  # 2040 is no planning year
    assert c.loc["World"].model_gw == pytest.approx(4.2) and c.loc["World"].inside and c.loc["World"].miss_gw == 0
    assert c.loc["Europe"].model_gw == pytest.approx(1.2) and c.loc["Europe"].miss_gw == pytest.approx(-0.3) and not c.loc["Europe"].inside
    assert c.loc["United States"].miss_gw == pytest.approx(0.5) and c.loc["Europe"].source == ""


def test_a_dataset_with_bands_gets_them_in_its_results(tmp_path):
    fr = base()
    fr["calibration.csv"] = pd.DataFrame({"region": ["World"], "year": ["2026"], "low_gw": ["0"], "high_gw": ["1"], "countries": [""], "source": ["test"]})
    res = solve_tiny(tmp_path, fr)
    row = res.calibration.iloc[0]
    assert row.region == "World" and row.inside and row.model_gw == pytest.approx(1e-6)  # one 1 kW GPU at PUE 1: 0.001 MW
