"""Issue 11, defect 2: analyst slips are warned about (printed, in summary.json, errors with --strict)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.tiny import base, write, write_case
from tokensite import DatasetError, read_dataset, shipped_dataset

ROOT = Path(__file__).resolve().parents[1]
WORLD = shipped_dataset()


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tokensite", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def world_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "world"
    shutil.copytree(WORLD, folder)
    return folder


def edit(folder: Path, name: str, fn) -> None:
    df = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    df = fn(df)
    df.to_csv(folder / name, index=False)


def test_the_shipped_world_data_has_no_warnings():
    assert read_dataset(WORLD).warnings == ()


def test_prices_in_usd_per_kwh_are_warned(tmp_path):
    folder = world_copy(tmp_path)
    edit(folder, "power_prices.csv", lambda d: d.assign(price_usd_per_mwh=(d.price_usd_per_mwh.astype(float) / 1000).astype(str)))
    [w] = read_dataset(folder).warnings
    assert (w.file, w.column) == ("power_prices.csv", "price_usd_per_mwh") and "USD/kWh" in w.fix


def test_one_price_in_usd_per_kwh_is_warned_at_its_line(tmp_path):
    folder = world_copy(tmp_path)
    edit(folder, "power_prices.csv", lambda d: d.assign(price_usd_per_mwh=[str(float(v) / 1000) if i == 4 else v for i, v in enumerate(d.price_usd_per_mwh)]))
    [w] = read_dataset(folder).warnings
    assert (w.file, w.line, w.column) == ("power_prices.csv", 6, "price_usd_per_mwh")


def test_swapped_coordinates_are_warned(tmp_path):
    folder = world_copy(tmp_path)

    def swap(d: pd.DataFrame) -> pd.DataFrame:
        i = d.index[d.site_id == "us-nova-metro"][0]
        d.loc[i, ["lat", "lon"]] = d.loc[i, ["lon", "lat"]].to_numpy()
        return d

    edit(folder, "regions.csv", swap)
    [w] = read_dataset(folder).warnings
    assert (w.file, w.line, w.column) == ("regions.csv", 3, "lat") and "swapped" in w.fix


def test_a_misspelt_optional_column_is_warned(tmp_path):
    frames = base()
    frames["gpus.csv"] = frames["gpus.csv"].rename(columns={"supply_units_per_year": "supply_unit_per_year"})
    [w] = read_dataset(write(tmp_path / "d", frames)).warnings
    assert (w.file, w.line, w.column) == ("gpus.csv", 1, "supply_unit_per_year") and "did you mean `supply_units_per_year`" in w.fix


def test_a_misspelt_column_that_leaves_errors_is_their_root(tmp_path):
    folder = world_copy(tmp_path)
    edit(folder, "regions.csv", lambda d: d.rename(columns={"bridge_max_mw": "bridge_max_mv"}))
    with pytest.raises(DatasetError) as e:
        read_dataset(folder)
    assert [(p.file, p.line, p.column) for p in e.value.problems] == [("regions.csv", 1, "bridge_max_mv")]
    assert e.value.follow_ons  # the rows whose bridge columns are now incomplete


def test_warnings_are_printed_listed_in_summary_and_strict_makes_them_errors(tmp_path):
    frames = base()
    frames["regions.csv"].loc[0, ["lat", "lon"]] = ["-75.0", "40.0"]  # site A swapped: Antarctica
    data = write(tmp_path / "d", frames)
    case = write_case(tmp_path, data, [2026])
    r = cli("validate", str(data))
    assert r.returncode == 0 and "regions.csv:2: lat:" in r.stderr and "swapped" in r.stderr
    r = cli("validate", str(data), "--strict")
    assert r.returncode == 2 and "regions.csv:2: lat:" in r.stderr
    r = cli("solve", str(case), "--out", str(tmp_path / "res"), "--no-report")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "regions.csv:2: lat:" in r.stderr
    summary = json.loads((tmp_path / "res" / "summary.json").read_text())
    assert any(w.startswith("regions.csv:2: lat:") for w in summary["warnings"])
    r = cli("solve", str(case), "--out", str(tmp_path / "strict"), "--strict")
    assert r.returncode == 2 and not (tmp_path / "strict").exists()
