"""Smoke benchmark for CI: size M through both peers (and S, M through the linopy peer), no timing assertions.

M, not the world case S: the same code path at a fifth of S's solve, and the world is solved elsewhere in the suite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.generate import SIZES, generate
from tokensite import load_case, read_dataset

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> dict:
    r = subprocess.run([sys.executable, "-m", "benchmarks.run_one", *args], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads([l for l in r.stdout.splitlines() if l.startswith("{")][-1])


def test_smoke_size_m_relaxation_matches_bare_peer(tmp_path):
    matrix = tmp_path / "M.npz"
    ts = run("tokensite", "M", "--relax", "--save-matrix", str(matrix))
    bare = run("bare", str(matrix))
    assert ts["status"] == "optimal" and bare["status"] == "Optimal"
    assert ts["objective_usd"] == pytest.approx(bare["objective_usd"], rel=1e-6)
    for key in ("read_s", "build_s", "hand_off_s", "solve_s", "extract_s", "peak_mb", "variables", "constraints", "nonzeros"):
        assert key in ts


def test_generated_instances_are_valid_datasets(tmp_path):
    case = load_case(generate(SIZES["M"], tmp_path / "M"))
    ds = read_dataset(case.data_dir)
    assert len(ds.regions) == SIZES["M"].sites and len(ds.metros) == SIZES["M"].metros


@pytest.mark.parametrize("size", ["S", "M"])
def test_linopy_peer_agrees_when_installed(size):
    """The vectorised linopy peer has tokensite's columns and LP optimum (the world case S and the generated M)."""
    pytest.importorskip("linopy", reason="benchmark-only extra: pip install '.[bench]'")
    ts = run("tokensite", size, "--relax")
    lin = run("linopy", size)
    assert ts["status"] == "optimal" and lin["status"] == "Optimal"
    assert lin["columns"] == ts["variables"]
    assert lin["objective_usd"] == pytest.approx(ts["objective_usd"], rel=1e-6)
