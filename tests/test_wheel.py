"""Issue 30 acceptance: a plain (non-editable) install works from any folder.

The wheel is built from the package's own sources (pyproject.toml, README.md, tokensite/) with no download
(``--no-build-isolation --no-index``: the build uses this environment's setuptools) and installed with
``--no-deps`` into a fresh venv made without pip. Its dependencies are this environment's: a ``.pth`` file adds
this interpreter's site-packages folders (those on its sys.path) after the venv's own, so the venv's tokensite is the wheel's, and PYTHONPATH is
cleared so that no source tree is seen. From an empty folder, ``tokensite solve --relax`` (the shipped world
case, no arguments but the flags) writes a complete results folder, and ``tokensite init case`` then
``tokensite validate case`` pass. About a minute, most of it the world's LP and its report.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ["summary.json", "sites.csv", "fleet.csv", "allocation.csv", "flows.csv", "served.csv", "plan.csv", "prices.csv",
           "costs.csv", "explain.csv", "plan.xlsx", "map.png", "map_layers.png", "map.html", "report.html"]
"""What a results folder holds (README, "Results folder"): the plan's tables, the workbook, the maps and the report."""


def run(*args: str | Path, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    r = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{args}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh venv holding the wheel, and this environment's packages for its dependencies."""
    major = int(version("setuptools").split(".")[0])
    if major < 77:  # the SPDX `license = "Apache-2.0"` of pyproject.toml needs setuptools 77 (build-system requires it)
        pytest.skip(f"setuptools {version('setuptools')} cannot build the wheel without a download; pip install '.[test]' brings >= 77")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "tokensite", src / "tokensite", ignore=shutil.ignore_patterns("__pycache__"))
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index", "-w", tmp / "dist", src, cwd=tmp)
    [wheel] = (tmp / "dist").glob("tokensite-*.whl")
    env = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", env, cwd=tmp)
    python = env / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp).stdout.strip())
    outer = dict.fromkeys(p for p in sys.path if Path(p).name in ("site-packages", "dist-packages") and Path(p).is_dir())
    (site / "outer-environment.pth").write_text("\n".join(outer) + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", "--ignore-installed", wheel, cwd=tmp)
    return env


def plain_env() -> dict:
    """The environment without PYTHONPATH, so the source tree the tests run from is not seen."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def test_the_installed_package_is_the_wheel(venv, tmp_path):
    r = run(venv / "bin" / "python", "-c", "import tokensite; print(tokensite.__file__); print(tokensite.shipped_case())", cwd=tmp_path, env=plain_env())
    module, case = r.stdout.split()
    assert module.startswith(str(venv)) and case.startswith(str(venv)), r.stdout


def test_solve_from_an_empty_folder_writes_a_complete_results_folder(venv, tmp_path):
    run(venv / "bin" / "tokensite", "solve", "--relax", "--time-limit", "120", cwd=tmp_path, env=plain_env(), timeout=600)
    folder = tmp_path / "results" / "world"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]
    missing = [f for f in RESULTS if not (folder / f).is_file()]
    assert not missing, missing
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["status"] == "optimal" and summary["case"]["data"].startswith(str(venv))


def test_init_then_validate_from_an_empty_folder(venv, tmp_path):
    tokensite = venv / "bin" / "tokensite"
    run(tokensite, "init", "case", cwd=tmp_path, env=plain_env())
    r = run(tokensite, "validate", "case", cwd=tmp_path, env=plain_env())
    assert "is valid" in r.stdout and "warning" not in r.stdout + r.stderr
