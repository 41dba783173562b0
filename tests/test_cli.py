"""The CLI: summaries on good input, one readable message and exit 2 on bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.tiny import base, write

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tokensite", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_validate_default_case():
    r = run("validate")
    assert r.returncode == 0, r.stderr
    assert "sites" in r.stdout and "eligible routes" in r.stdout


def test_validate_bad_data_exits_2_without_traceback(tmp_path):
    frames = base()
    frames["regions.csv"].loc[0, "pue"] = "0.5"
    folder = write(tmp_path / "d", frames)
    r = run("validate", str(folder))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr + r.stdout
    assert "regions.csv:2" in r.stderr and "pue" in r.stderr


def test_missing_case_is_one_message(tmp_path):
    r = run("validate", str(tmp_path / "nope.toml"))
    assert r.returncode == 2 and "no such case file" in r.stderr and "Traceback" not in r.stderr


def test_bad_case_key_is_named(tmp_path):
    folder = write(tmp_path / "d", base())
    case = tmp_path / "c.toml"
    case.write_text(f'[case]\nname="x"\ndata="{folder.as_posix()}"\nyears=[2026]\n[solver]\ntime_limt_s=5\n')
    r = run("validate", str(case))
    assert r.returncode == 2 and "time_limt_s" in r.stderr and "Traceback" not in r.stderr
