"""Issue 30: the shipped cases and ``tokensite init``, an editable copy for an analyst, from any folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tokensite import UserError, init_case, load_case, read_dataset, shipped_case, shipped_dataset
from tokensite.packaged import boundaries_dir, shipped_cases


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tokensite", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_shipped_cases_read_the_shipped_dataset():
    assert {"world", "us-interactive"} <= set(shipped_cases())
    for name in shipped_cases():
        assert load_case(shipped_case(name)).data_dir == shipped_dataset(name) == shipped_case(name).parent / "world"
    assert (boundaries_dir() / "ne_110m_admin_0_countries.geojson").is_file()
    with pytest.raises(UserError, match="world"):
        shipped_case("mars")


def test_init_writes_a_copy_whose_case_reads_the_copied_dataset(tmp_path):
    copied = init_case(tmp_path / "case")
    assert copied == tmp_path / "case" / "world.toml"
    case = load_case(copied)
    assert case.data_dir == (tmp_path / "case" / "world").resolve()
    assert sorted(p.name for p in case.data_dir.glob("*.csv")) == sorted(p.name for p in shipped_dataset().glob("*.csv"))
    assert read_dataset(case.data_dir).warnings == ()  # boundaries come from the package, wherever the copy is
    (case.data_dir / "regions.csv").write_text("edited")  # the copy is the analyst's, not the package's
    assert (shipped_dataset() / "regions.csv").read_text() != "edited"


def test_init_never_overwrites(tmp_path):
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="not an empty folder"):
        init_case(tmp_path / "case")
    assert (tmp_path / "case" / "notes.txt").read_text() == "mine"


def test_cli_init_then_validate_from_an_empty_folder(tmp_path):
    r = cli("init", "case", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "tokensite validate case" in r.stdout
    r = cli("validate", "case", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "is valid" in r.stdout and "warning" not in r.stdout + r.stderr
    r = cli("init", "case", cwd=tmp_path)
    assert r.returncode == 2 and "not an empty folder" in r.stderr and "Traceback" not in r.stderr


def test_a_case_argument_is_a_file_a_folder_or_a_shipped_name(tmp_path):
    r = cli("validate", "us-interactive", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "2026, 2027, 2028" in r.stdout
    r = cli("validate", "mars", cwd=tmp_path)
    assert r.returncode == 2 and "us-interactive, world" in r.stderr
    (tmp_path / "two").mkdir()
    for name in ("a.toml", "b.toml"):
        (tmp_path / "two" / name).write_text("")
    r = cli("solve", "two", cwd=tmp_path)
    assert r.returncode == 2 and "2 case files" in r.stderr
