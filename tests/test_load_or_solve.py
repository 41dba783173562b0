"""``tokensite.load_or_solve``: reopen a plan solved from the same inputs, solve again when an input changed."""

from __future__ import annotations

import sys

import pytest

from tests.tiny import base, set_price, write, write_case


def test_same_inputs_reopen_the_plan_and_an_edit_solves_again(tmp_path, monkeypatch):
    import tokensite

    run = sys.modules["tokensite.run"]
    calls = []
    real = run.solve
    monkeypatch.setattr(run, "solve", lambda *a, **k: calls.append(1) or real(*a, **k))
    fr = base()
    data = write(tmp_path / "data", fr)
    case = write_case(tmp_path, data, [2026])
    out = tmp_path / "results" / "t"
    first = tokensite.load_or_solve(case, out, mip_rel_gap=1e-9)
    assert (out / "map.png").is_file() and first.summary["inputs_sha256"]
    again = tokensite.load_or_solve(case, out, mip_rel_gap=1e-9)
    assert len(calls) == 1 and again.summary["inputs_sha256"] == first.summary["inputs_sha256"]
    assert again.objective_usd == first.objective_usd
    tokensite.load_or_solve(case, out, mip_rel_gap=1e-6)  # another gap is another plan
    assert len(calls) == 2
    set_price(fr, "A", 60)
    write(data, fr)
    edited = tokensite.load_or_solve(case, out, mip_rel_gap=1e-6)
    assert len(calls) == 3 and edited.objective_usd > first.objective_usd


def test_without_out_the_plan_is_results_case_name_under_the_working_folder(tmp_path, monkeypatch):
    """The rule the README states: nothing searches for a repository; ``out`` or ``./results/<case name>``."""
    import tokensite

    case = write_case(tmp_path, write(tmp_path / "data", base()), [2026])
    here = tmp_path / "somewhere"
    here.mkdir()
    monkeypatch.chdir(here)
    res = tokensite.load_or_solve(case, mip_rel_gap=1e-9)
    assert (here / "results" / tokensite.load_case(case).name / "summary.json").is_file()
    assert sorted(p.name for p in here.iterdir()) == ["results"] and res.objective_usd is not None


def test_the_same_bytes_elsewhere_reopen_the_plan(tmp_path, monkeypatch):
    """Where the dataset is is not an input (the package's world and a `tokensite init` copy are one plan)."""
    import shutil

    import tokensite

    run = sys.modules["tokensite.run"]
    data = write(tmp_path / "a" / "data", base())
    first = tokensite.load_or_solve(write_case(tmp_path / "a", data, [2026]), tmp_path / "res", mip_rel_gap=1e-9)
    shutil.copytree(data, tmp_path / "b" / "data")
    monkeypatch.setattr(run, "solve", lambda *a, **k: pytest.fail("solved again"))
    again = tokensite.load_or_solve(write_case(tmp_path / "b", tmp_path / "b" / "data", [2026]), tmp_path / "res", mip_rel_gap=1e-9)
    assert again.summary["inputs_sha256"] == first.summary["inputs_sha256"]
