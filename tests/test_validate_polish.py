"""Issue 30, ``validate``: one line per warning kind, hints that say the fix, a swapped pair named as such, a table
the case's layers do not need may be empty, and an unknown file in the dataset folder is named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.tiny import add_training, base, solve_tiny, write, write_case
from tokensite import DatasetError, init_case, load_case, read_dataset

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, columns: int = 80) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tokensite", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": str(columns)})


@pytest.fixture
def world(tmp_path) -> Path:
    """An editable copy of the world dataset, outside the repository."""
    return load_case(init_case(tmp_path / "case")).data_dir


def edit(folder: Path, name: str, fn) -> None:
    df = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    fn(df).to_csv(folder / name, index=False)


def test_a_unit_slip_in_six_cells_is_one_line_with_its_count_and_first_cells(world):
    first = pd.read_csv(world / "power_prices.csv").site_id[0]

    def per_kwh(d: pd.DataFrame) -> pd.DataFrame:
        rows = d.site_id == first
        d.loc[rows, "price_usd_per_mwh"] = (d.loc[rows, "price_usd_per_mwh"].astype(float) / 1000).astype(str)
        return d

    edit(world, "power_prices.csv", per_kwh)
    cells = read_dataset(world).warnings
    assert len(cells) == 6 and len({w.kind for w in cells}) == 1  # summary.json keeps every cell
    r = cli("validate", str(world))
    assert r.returncode == 0, r.stderr
    lines = [l for l in r.stderr.splitlines() if "price_usd_per_mwh" in l]
    assert len(lines) == 1, r.stderr
    assert "6 cells" in lines[0] and "USD/kWh" in lines[0] and "and 3 more" in lines[0]
    assert ") (" not in lines[0]  # no doubled brackets
    assert all(") (" not in str(w) for w in cells)
    title = [l for l in r.stdout.splitlines() if "is valid" in l]
    assert title == [f"dataset {world} is valid (6 warning(s))"]  # one line, not wrapped under the table


def test_a_misspelt_required_header_says_what_to_rename_it_to(world):
    edit(world, "regions.csv", lambda d: d.rename(columns={"max_mw": "max_mww"}))
    with pytest.raises(DatasetError) as e:
        read_dataset(world)
    [p] = [p for p in e.value.problems if p.column == "max_mw"]
    assert p.value == "max_mww" and p.fix.endswith("rename it to max_mw")


@pytest.mark.parametrize("file", ["metros.csv", "regions.csv"])
def test_a_swapped_pair_beyond_the_latitude_range_is_named_a_swap(world, file):
    """The first row east of 90 E or west of 90 W (Tokyo, 139.7 E, in metros.csv): swapped, its longitude is a
    latitude beyond ±90 that the schema refuses, and the refusal says why."""
    row = int((pd.read_csv(world / file).lon.abs() > 90).idxmax())

    def swap(d: pd.DataFrame) -> pd.DataFrame:
        d.loc[row, ["lat", "lon"]] = d.loc[row, ["lon", "lat"]].to_numpy()
        return d

    edit(world, file, swap)
    with pytest.raises(DatasetError) as e:
        read_dataset(world)
    [p] = [p for p in e.value.problems if p.file == file]
    assert (p.line, p.column) == (row + 2, "lat") and "swapped" in p.problem and "exchange" in p.fix


def test_a_training_only_case_may_leave_demand_and_metros_with_their_header_only(tmp_path):
    fr = base()
    add_training(fr)
    fr["demand.csv"] = fr["demand.csv"].iloc[0:0]
    fr["metros.csv"] = fr["metros.csv"].iloc[0:0]
    fr["latency.csv"] = fr["latency.csv"].iloc[0:0]
    data = write(tmp_path / "data", fr)
    case = write_case(tmp_path, data, [2026], ["training"])
    r = cli("validate", str(case))
    assert r.returncode == 0, r.stderr
    res = solve_tiny(tmp_path / "solve", fr, layers=["training"])
    assert res.training.set_index("program_id").loc["P", "site_id"] == "B"
    (tmp_path / "every").mkdir()
    every = write_case(tmp_path / "every", data, [2026])  # every layer: interactive needs demand rows
    r = cli("validate", str(every))
    assert r.returncode == 2 and "demand.csv: -: is empty" in r.stderr and 'layers = ["training"]' in r.stderr
    r = cli("validate", str(data))  # a dataset alone plans every layer
    assert r.returncode == 2 and "demand.csv: -: is empty" in r.stderr


def test_an_unknown_file_is_named_with_the_file_it_may_be(world):
    (world / "instaled.csv").write_text("site_id,gpu,vintage,units\n")
    (world / "notes.txt").write_text("mine")
    warned = {w.file: w for w in read_dataset(world).warnings}
    assert set(warned) == {"instaled.csv", "notes.txt"}
    assert "ignored" in warned["instaled.csv"].problem and "did you mean installed.csv" in warned["instaled.csv"].fix
    (world / "notes.txt").unlink()
    (world / "instaled.csv").unlink()
    assert read_dataset(world).warnings == ()  # provenance.csv, SOURCES.md and CALIBRATION.md are not warned about
