"""Issue 11, defect 3: messages name the root problem, not its echoes, and survive narrow terminals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.tiny import base, write
from tokensite import DatasetError, read_dataset

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tokensite", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "80"})


def problems_of(folder: Path) -> DatasetError:
    with pytest.raises(DatasetError) as e:
        read_dataset(folder)
    return e.value


def test_a_semicolon_file_is_one_problem_that_says_so(tmp_path):
    frames = base()
    folder = write(tmp_path / "d", frames)
    pd.read_csv(folder / "regions.csv").to_csv(folder / "regions.csv", sep=";", decimal=",", index=False)
    err = problems_of(folder)
    [p] = err.problems
    assert p.file == "regions.csv" and "semicolons" in p.problem and "decimal commas" in p.problem


def test_a_header_only_table_is_the_root_and_its_echoes_are_counted(tmp_path):
    frames = base()
    frames["gpus.csv"] = frames["gpus.csv"].iloc[0:0]
    err = problems_of(write(tmp_path / "d", frames))
    assert [(p.file, p.problem) for p in err.problems] == [("gpus.csv", "is empty: it has no data rows")]
    assert err.follow_ons and all(p.file == "throughput.csv" for p in err.follow_ons)


def test_a_bad_price_is_reported_without_its_follow_on(tmp_path):
    frames = base()
    frames["power_prices.csv"].loc[0, "price_usd_per_mwh"] = "fifty"
    err = problems_of(write(tmp_path / "d", frames))
    assert [(p.file, p.line, p.column) for p in err.problems] == [("power_prices.csv", 2, "price_usd_per_mwh")]
    assert [p.problem for p in err.follow_ons] == ["no uncapped power_prices.csv tier in slice(s) day"]
    r = cli("validate", str(tmp_path / "d"))
    assert r.returncode == 2 and "(and 1 follow-on problem(s)" in r.stderr


def test_problems_are_one_per_line_when_piped_or_narrow(tmp_path):
    frames = base()
    frames["regions.csv"].loc[0, "pue"] = "0.5"
    frames["interconnect_queue.csv"].loc[0, "cost_usd_per_kw"] = "lots"
    folder = write(tmp_path / "averyveryverylongfoldername" / "dataset_with_a_long_name", frames)
    r = cli("validate", str(folder))
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert any(line.strip().startswith("regions.csv:2: pue: is below the minimum 1.0 (0.5)") for line in lines)
    assert any(line.strip().startswith("interconnect_queue.csv:2: cost_usd_per_kw: is not a number (lots)") for line in lines)
    assert "│" not in r.stderr  # no table to wrap
