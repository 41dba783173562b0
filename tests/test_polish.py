"""Issue 11, defect 5: quick start on any Python >= 3.11, --version, readable help with defaults,
a results folder colleagues can read, no -0.0 in CSVs, and a quiet solve unless --log."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tiny import base, write, write_case
from tokensite import __version__

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tokensite", *args], cwd=ROOT, capture_output=True, text=True, timeout=300, **kw)


def test_quick_start_uses_python3():
    readme = (ROOT / "README.md").read_text()
    assert "python3.11 -m venv" not in readme and "python3 -m venv .venv" in readme


def test_version():
    r = cli("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"tokensite {__version__}"


def test_help_shows_defaults_and_no_bool_placeholders():
    r = cli("solve", "--help")
    assert r.returncode == 0
    text = " ".join(r.stdout.split())
    assert "<bool>" not in text
    assert "600 in the world case" in text  # the shipped case file's time limit
    assert "0.01 in the world case" in text and "results/<case name>" in text


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("polish")
    case = write_case(tmp, write(tmp / "data", base()), [2026])
    old = os.umask(0o022)
    try:
        r = cli("solve", str(case), "--out", str(tmp / "res"))
    finally:
        os.umask(old)
    assert r.returncode == 0, r.stdout + r.stderr
    return tmp / "res"


def test_results_folder_has_the_mode_of_a_plain_mkdir(tiny_results):
    assert tiny_results.stat().st_mode & 0o777 == 0o755


def test_no_negative_zero_in_any_csv(world_dir, tiny_results):
    for folder in (world_dir, tiny_results):
        for f in folder.glob("*.csv"):
            assert not re.search(r"(^|,)-0(\.0*)?(,|$)", f.read_text(), re.M), f.name


def test_no_highs_banner_unless_log(tiny_results):
    case = tiny_results.parent / "case.toml"
    r = cli("solve", str(case), "--out", str(tiny_results.parent / "quiet"), "--no-report")
    assert r.returncode == 0 and "Running HiGHS" not in r.stdout + r.stderr


def test_reading_a_dataset_does_not_import_dask():
    """Issue 12: pandera once pulled in dask.dataframe whenever dask was installed (+75 MB, +2 s of import);
    the sweep extra installs dask, so reading a dataset must still leave it alone."""
    code = "import sys, tokensite, tokensite.dataset.load; print(sorted(m for m in sys.modules if m.split('.')[0] == 'dask'))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_solve_prints_each_phase_with_its_plan_and_bound(tiny_results):
    """Issue 29: each phase ends with a line of its seconds and, once there is one, the plan, the bound and
    the spend gap; off a terminal nothing is redrawn, so these are the lines a log file gets."""
    case = tiny_results.parent / "case.toml"
    r = cli("solve", str(case), "--out", str(tiny_results.parent / "phases"), "--no-report")
    assert r.returncode == 0, r.stderr
    lines = {line.split()[0]: line for line in r.stdout.splitlines() if line.startswith("  ")}
    assert {"relax", "round", "search", "trim", "complete_routes"} <= set(lines)
    assert re.search(r"relax +\d+\.\d\d s +bound [\d.]+ USD$", lines["relax"])
    assert re.search(r"round .* plan [\d.]+ USD, bound [\d.]+, gap [\d.]+ % of spend$", lines["round"])
    assert "WARNING" not in r.stdout + r.stderr and "HiGHS" not in r.stderr


def test_solver_warnings_are_one_line_saying_what_they_mean():
    from tokensite.cli.live import phase_text, usd
    from tokensite.cli.render import solver_warnings_line

    line = solver_warnings_line(["WARNING: Problem is badly scaled, which may compromise the speed",
                                 "WARNING: Ipx: Crossover imprecise"])
    assert "\n" not in line and line.startswith("HiGHS warned 2 time(s): HiGHS found the model badly scaled")
    assert "may be off in their last digits" in line and "summary.json solver_warnings" in line
    assert usd(2.701e12) == "2.701 T" and usd(638) == "638"
    record = {"phase": "search", "done": 23, "total": 85, "objective": 2.701e12, "bound": 2.695e12, "spend_gap": 0.0021}
    assert phase_text(record) == "23/85 tries, plan 2.701 T USD, bound 2.695 T, gap 0.21 % of spend"
