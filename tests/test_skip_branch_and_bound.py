"""Branch and bound is not started, given a plan, with less time left than the relaxation's LP took (issue 29, XL):
its root LP alone is at least that LP. The plan is then returned as it is, with the time limit as the reason."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from tokensite.config import SolverOptions
from tokensite.solver.finish import branch_and_bound
from tokensite.solver.solution import Plan
from tokensite.solver.state import SolveState


class _NoModel:
    """Any use of the compiled model would mean branch and bound started."""

    def __getattr__(self, name):
        raise AssertionError(f"branch and bound touched the model ({name})")


def _state(left_s: float, lp_s: float) -> SolveState:
    s = SolveState(_NoModel(), SolverOptions(time_limit_s=600), groups=None, deadline=time.perf_counter() + left_s)
    s.plan = Plan(np.zeros(1), 10.0, 5.0, None)
    s.lp_s = lp_s
    return s


def test_less_time_left_than_the_lp_skips_branch_and_bound():
    s = _state(left_s=100.0, lp_s=450.0)  # 100 s less the 30 s kept for the duals: 70 s against a 450 s LP
    branch_and_bound(s)
    assert s.highs_status == "time_limit" and s.out_of_time
    assert any(n.startswith("branch and bound skipped: 70 s left") for n in s.notes)


@pytest.mark.parametrize("lp_s", [10.0, math.inf], ids=["short LP", "no relaxation (started from a plan)"])
def test_enough_time_left_runs_branch_and_bound(lp_s):
    s = _state(left_s=500.0, lp_s=lp_s)
    try:
        branch_and_bound(s)
    except AssertionError as e:
        assert "touched the model" in str(e)
    else:
        raise AssertionError(f"branch and bound did not start with 470 s left and lp_s = {lp_s}")
