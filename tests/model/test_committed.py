"""Committed training programs and a program's own value (training.csv ``committed``, ``value_usd_per_mtok``;
docs/formulation.md, training family) on tiny cases solved by hand (data: ``add_training`` in tests/tiny.py:
program P, 2,000 tokens/s from 2026 on a US campus of >= 50 MW, hosted only at B for 3,776 USD a year;
a year of its tokens is 2,000 x 3,600 x 8,760 / 1e6 = 63,072 Mtok)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from tests.tiny import add_demand_year, add_row, add_training, base, set_site, solve_tiny, write, write_case
from tokensite.config import SolverOptions
from tokensite.dataset import read_dataset
from tokensite.errors import CommittedProgramError, DatasetError
from tokensite.run import build, solve
from tokensite.solver.rounding import RoundingColumns, rounded_fixings

COVERS = {
    "c_training_committed": ["test_a_committed_program_is_hosted_above_its_value"],
}
P_MTOK_PER_YEAR = 2000 * 3600 * 8760 / 1e6  # 63,072


def add_to_full_case(fr: dict[str, pd.DataFrame]) -> None:
    """The registry's case: a second program Q, committed, small enough for any US campus (P needs 50 MW,
    which B's build pace in that case does not allow by 2026)."""
    fr["training.csv"] = add_row(fr["training.csv"], program_id="Q", start_year=2026, tokens_per_s=1000, min_campus_mw=0, jurisdictions="US")
    fr["training.csv"]["committed"] = ["true" if p == "Q" else "" for p in fr["training.csv"].program_id]


def _program(fr: dict[str, pd.DataFrame], **values: object) -> None:
    for col, v in values.items():
        fr["training.csv"][col] = str(v)


def test_a_committed_program_is_hosted_above_its_value(tmp_path):
    """P worth 0.01 USD/Mtok: skipping it costs 63,072 x 0.01 = 630.72 a year, hosting it 3,776, so
    uncommitted it is skipped (630.72); committed it is hosted at B anyway: 3,776 (without the
    committed row the plan skips it again: 630.72)."""
    fr = base()
    add_training(fr)
    _program(fr, value_usd_per_mtok=0.01)
    free = solve_tiny(tmp_path / "free", fr, layers=["training"])
    assert free.objective_usd == pytest.approx(P_MTOK_PER_YEAR * 0.01, rel=1e-6)
    assert not free.training.set_index("program_id").loc["P", "hosted"]
    _program(fr, committed="true")
    held = solve_tiny(tmp_path / "held", fr, layers=["training"])
    assert held.objective_usd == pytest.approx(3776, rel=1e-6)
    assert held.training.set_index("program_id").loc["P", "site_id"] == "B"


def test_a_programs_own_value_replaces_the_layers(tmp_path):
    """The training layer worth 0.01 USD/Mtok: P is skipped, 630.72. P's own value 1 USD/Mtok: skipping
    costs 63,072 > 3,776, so P is hosted: 3,776. Its own value 0.05: skipping costs 3,153.6 < 3,776: 3,153.6."""
    fr = base()
    add_training(fr)
    fr["layers.csv"].loc[fr["layers.csv"].layer == "training", "value_usd_per_mtok"] = "0.01"
    assert solve_tiny(tmp_path / "layer", fr, layers=["training"]).objective_usd == pytest.approx(630.72, rel=1e-6)
    _program(fr, value_usd_per_mtok=1)
    own = solve_tiny(tmp_path / "own", fr, layers=["training"])
    assert own.objective_usd == pytest.approx(3776, rel=1e-6)
    assert own.training.set_index("program_id").loc["P", "hosted"]
    _program(fr, value_usd_per_mtok=0.05)
    assert solve_tiny(tmp_path / "low", fr, layers=["training"]).objective_usd == pytest.approx(P_MTOK_PER_YEAR * 0.05, rel=1e-6)


def _no_grid_at_b_until_2028(fr: dict[str, pd.DataFrame]) -> None:
    """B has no grid today; its one tranche (10 MW, requested 2025) comes online in 2028."""
    set_site(fr, "B", existing_mw=0)
    fr["interconnect_queue.csv"] = add_row(fr["interconnect_queue.csv"], tranche_id="B-q1", site_id="B", mw=10, request_year=2025,
                                           wait_years=3, cost_usd_per_kw=0)


@pytest.mark.parametrize("case, reason, year, words", [
    ("no_grid", "no_host_by_year", 2026, "none of the 1 allowed campuses can take GPUs with power by 2026"),
    ("too_big", "campus_power", 2026, "at the best, B, it draws 200 MW"),
    ("no_grid_two_years", "no_host_by_year", 2027, "by 2027"),
])
def test_a_committed_program_no_campus_can_power_in_time_is_refused_before_the_solve(tmp_path, case, reason, year, words):
    """P committed, its only allowed campus B: (no_grid) with no grid until a 2028 tranche, P cannot run
    from 2026 (no_host_by_year, 2026); (too_big) at 2e8 tokens/s P needs 2e5 one-kW units, 200 MW at
    PUE 1, against B's 100 MW grid (campus_power); (no_grid_two_years) P starts in 2027 on a plan of
    2026 and 2027: refused for 2027. Each is refused by ``build``, before any model or solve, naming the
    program, the year and the reason; uncommitted, the same P is merely skipped."""
    fr = base()
    add_training(fr)
    _program(fr, committed="true")
    years = [2026]
    if case.startswith("no_grid"):
        _no_grid_at_b_until_2028(fr)
    if case == "too_big":
        _program(fr, tokens_per_s=2e8)
    if case == "no_grid_two_years":
        _program(fr, start_year=2027)
        add_demand_year(fr, 2027, 1000)
        years = [2026, 2027]
    path = write_case(tmp_path, write(tmp_path / "data", fr), years, ["training"])
    with pytest.raises(CommittedProgramError) as err:
        build(path)
    msg = str(err.value)
    assert "program P" in msg and f"in {year} ({reason})" in msg and words in msg and "training.csv:2" in msg, msg
    _program(fr, committed="false")
    assert not solve_tiny(tmp_path / "free", fr, years=years, layers=["training"]).training.hosted.any()


def test_the_cli_refuses_a_committed_program_with_one_message(tmp_path):
    """``tokensite solve`` exits 2 with the refusal and no traceback; ``tokensite validate`` of the case refuses it too."""
    fr = base()
    add_training(fr)
    _program(fr, committed="true")
    _no_grid_at_b_until_2028(fr)
    path = write_case(tmp_path, write(tmp_path / "data", fr), [2026], ["training"])
    r = subprocess.run([sys.executable, "-m", "tokensite", "solve", str(path), "--out", str(tmp_path / "out")],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, r.stderr
    assert "committed: program P cannot be hosted in 2026 (no_host_by_year)" in r.stderr and "Traceback" not in r.stderr + r.stdout
    r = subprocess.run([sys.executable, "-m", "tokensite", "validate", str(path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and "program P cannot be hosted in 2026 (no_host_by_year)" in r.stderr, r.stderr


def test_the_new_columns_are_validated(tmp_path):
    """committed must read as true or false; value_usd_per_mtok must be at least 0; blank is false / the layer's value."""
    fr = base()
    add_training(fr)
    fr["training.csv"] = add_row(fr["training.csv"], program_id="Q", start_year=2026, tokens_per_s=1000, min_campus_mw=0, jurisdictions="")
    fr["training.csv"]["committed"] = ["maybe", ""]
    fr["training.csv"]["value_usd_per_mtok"] = ["", "-1"]
    with pytest.raises(DatasetError) as err:
        read_dataset(write(tmp_path / "bad", fr))
    msg = str(err.value)
    assert "training.csv:2: committed: is not true or false (maybe)" in msg and "training.csv:3: value_usd_per_mtok" in msg, msg
    fr["training.csv"]["committed"] = ["yes", ""]
    fr["training.csv"]["value_usd_per_mtok"] = ["", "2.5"]
    tr = read_dataset(write(tmp_path / "good", fr)).training.set_index("program_id")
    assert tr.committed.to_dict() == {"P": True, "Q": False}
    assert np.isnan(tr.at["P", "value_usd_per_mtok"]) and tr.at["Q", "value_usd_per_mtok"] == 2.5


def test_rounding_never_skips_a_committed_program():
    """One program: hosts 0-1, skip 2 (last). Uncommitted, ``fallback`` skips it; committed (its skip in
    ``must_host``) every rule hosts it, at its larger LP host (0.7 at column 1)."""
    free = RoundingColumns(np.array([], int), [np.array([0, 1, 2])], np.array([], int))
    held = RoundingColumns(np.array([], int), [np.array([0, 1, 2])], np.array([], int), must_host=frozenset({2}))
    x = np.array([0.3, 0.7, 0.0])
    fixed = lambda g, rule: dict(zip(*(a.tolist() for a in rounded_fixings(g, x, units=False, one_of=rule, used=SolverOptions().round_used))))
    assert fixed(free, "fallback") == {0: 0.0, 1: 0.0, 2: 1.0}
    for rule in ("largest", "whole", "fallback"):
        assert fixed(held, rule) == {0: 0.0, 1: 1.0, 2: 0.0}


def test_committed_programs_that_fit_only_one_at_a_time_fail_the_solve_with_the_reason(tmp_path):
    """P and Q, committed, each 6e7 tokens/s: 6e4 one-kW units, 60 MW at PUE 1, within B's 100 MW grid, so
    each passes the check on its own; together they need 120 MW, so the LP relaxation is infeasible and the
    solve ends ``infeasible`` saying that the committed programs do not fit together."""
    fr = base()
    add_training(fr)
    fr["training.csv"] = add_row(fr["training.csv"], program_id="Q", start_year=2026, tokens_per_s=6e7, min_campus_mw=50, jurisdictions="US")
    _program(fr, tokens_per_s=6e7, committed="true")
    res = solve(write_case(tmp_path, write(tmp_path / "data", fr), [2026], ["training"]), time_limit_s=60)
    assert res.status == "infeasible" and "committed training programs must all be hosted" in res.summary["message"], res.summary
