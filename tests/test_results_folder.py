"""Issue 11, defect 1 and acceptance: a good plan is never destroyed.

A solve with no plan, a killed solve and a failed write all leave an existing results folder
byte-identical; bad flags are refused before any work.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tiny import base, write, write_case
from tokensite import shipped_case, solve
from tokensite.results import Results
from tokensite.results.report import write_outputs
from tokensite.results.results import NoPlanError

ROOT = Path(__file__).resolve().parents[1]
WORLD = shipped_case("world")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tokensite", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, with its bytes (and the folder's own mode)."""
    files = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    return {**files, ".mode": oct(folder.stat().st_mode).encode()}


@pytest.fixture(scope="module")
def tiny_case(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("tiny")
    return write_case(tmp, write(tmp / "data", base()), [2026])


@pytest.fixture
def good_folder(tiny_case, tmp_path) -> Path:
    """A complete results folder written by `tokensite solve` (the tiny case, no report)."""
    out = tmp_path / "res"
    r = cli("solve", str(tiny_case), "--out", str(out), "--no-report")
    assert r.returncode == 0, r.stdout + r.stderr
    return out


@pytest.mark.parametrize("flag, value, words", [("--gap", "-1", "gap"), ("--gap", "1", "gap"), ("--time-limit", "-5", "time limit"),
                                                ("--time-limit", "0", "time limit"), ("--threads", "-2", "threads")])
def test_bad_flags_are_refused_before_any_work(tiny_case, tmp_path, flag, value, words):
    out = tmp_path / "res"
    r = cli("solve", str(tiny_case), "--out", str(out), flag, value)
    assert r.returncode == 2, r.stdout + r.stderr
    assert words in r.stderr and "Traceback" not in r.stderr + r.stdout
    assert "build" not in r.stdout  # no stage ran
    assert not out.exists()


def test_a_solve_with_no_plan_exits_nonzero_and_keeps_the_folder(good_folder):
    before = snapshot(good_folder)
    r = cli("solve", str(WORLD), "--out", str(good_folder), "--time-limit", "1", "--no-report")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "no plan" in r.stderr and "Traceback" not in r.stderr
    assert snapshot(good_folder) == before
    assert sorted(p.name for p in good_folder.parent.iterdir()) == ["res"]


def test_no_plan_results_are_never_written(good_folder):
    before = snapshot(good_folder)
    res = solve(WORLD, time_limit_s=1)
    assert res.summary["objective_usd"] is None
    with pytest.raises(NoPlanError):
        res.to_dir(good_folder)
    assert snapshot(good_folder) == before


def test_a_killed_solve_keeps_the_folder(good_folder):
    before = snapshot(good_folder)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "tokensite", "solve", str(WORLD), "--out", str(good_folder)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    for line in proc.stdout:
        if "hand_off" in line:
            break
    time.sleep(1.0)  # inside the solve now
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert snapshot(good_folder) == before
    assert sorted(p.name for p in good_folder.parent.iterdir()) == ["res"]


def test_a_failed_write_keeps_the_folder(good_folder):
    before = snapshot(good_folder)
    res = Results.from_dir(good_folder)

    def broken_report(r: Results, folder: Path) -> None:
        write_outputs(r, folder)
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        res.to_dir(good_folder, extras=broken_report)
    assert snapshot(good_folder) == before
    assert sorted(p.name for p in good_folder.parent.iterdir()) == ["res"]


def test_a_new_plan_replaces_the_folder_whole(good_folder):
    res = Results.from_dir(good_folder)
    (good_folder / "stale.txt").write_text("from an older solve")
    res.to_dir(good_folder)
    assert not (good_folder / "stale.txt").exists()
    assert sorted(p.name for p in good_folder.parent.iterdir()) == ["res"]
