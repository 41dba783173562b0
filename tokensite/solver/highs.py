"""One HiGHS session: created quietly, options set once, warnings kept, run against a deadline."""

from __future__ import annotations

import math
import os
import sys
import time

import highspy
import numpy as np

from tokensite.compile import Compiled
from tokensite.config import SolverOptions

_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kUnbounded: "unbounded",
    highspy.HighsModelStatus.kUnboundedOrInfeasible: "infeasible_or_unbounded",
    highspy.HighsModelStatus.kInterrupt: "interrupted",
}
"""HiGHS's model status -> tokensite's; any other status (a stalled interior point, an iteration
limit, a solve error) is ``error``, which the phases treat as "this run gave no answer"."""


def quiet_highs(log: bool) -> highspy.Highs:
    """A Highs object; its C++ constructor prints a banner to stdout, which only ``log`` keeps."""
    if log:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


_process_threads: int | None = None  # HiGHS fixes its thread pool at the first run in a process

IPM_OPTIMALITY_TOLERANCE = 1e-10
"""The interior point's stopping tolerance (HiGHS's default is 1e-8). Crossover pushes the interior point to a
vertex; from a point stopped at 1e-8, the world with its post-training at the regions' AI shares (issue 28)
ended crossover 9e-4 dual infeasible after 17.6k dual pushes ("Crossover imprecise", then a simplex clean-up,
three HiGHS warnings). At 1e-10 the interior point takes two more iterations (0.3 s of 27 s) and crossover
ends optimal, on that world and on the one before it (measured 2026-12-07)."""


def process_threads(asked: int, warnings: list[str]) -> int:
    """The thread count HiGHS can use in this process: the first one asked for. A later run asking
    for another count fails in HiGHS ("Not Set"), so it gets the first one and a warning instead."""
    global _process_threads
    if _process_threads is None:
        _process_threads = asked
    if asked != _process_threads:
        note = f"WARNING: HiGHS runs with threads = {_process_threads} in this process (threads = {asked} was asked; HiGHS fixes it at the first solve)"
        if note not in warnings:
            warnings.append(note)
    return _process_threads


def new_highs(comp: Compiled, options: SolverOptions, log: bool, integer: bool, warnings: list[str]) -> highspy.Highs:
    """HiGHS holding ``comp`` (its integer columns marked with ``integer``), seeded, silent unless ``log``;
    every WARNING it logs is appended to ``warnings``."""
    h = quiet_highs(log)
    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", bool(log))
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("ipm_optimality_tolerance", IPM_OPTIMALITY_TOLERANCE)
    h.setOptionValue("mip_rel_gap", 0.0)  # the spend gap decides (branch_and_bound interrupts)
    h.setOptionValue("mip_abs_gap", 0.0)
    h.setOptionValue("threads", process_threads(int(options.threads), warnings))

    def keep_warning(e: object) -> None:
        text = (e.message or "").strip()
        if text.startswith("WARNING") and text not in warnings:
            warnings.append(text)

    h.cbLogging.subscribe(keep_warning)
    h.passModel(comp.lp)
    h.tokensite_integer = bool(integer and comp.integer.any())
    if integer:
        cols = np.flatnonzero(comp.integer).astype(np.int32)
        h.changeColsIntegrality(len(cols), cols, np.full(len(cols), highspy.HighsVarType.kInteger))
    return h


def status_of(h: highspy.Highs) -> str:
    return _STATUS.get(h.getModelStatus(), "error")


def run_until(h: highspy.Highs, deadline: float) -> str:
    """Run HiGHS for the time left before ``deadline``; its status (time_limit if none is left).

    HiGHS 1.16 counts ``time_limit`` over all LP runs of one object (``getRunTime``), but applies it
    to each MIP run on its own (measured on the world: the n-th alternative's MIP ran the limit plus
    every earlier run's time), so an LP gets its running total plus the time left, a MIP the time left."""
    left = deadline - time.perf_counter()
    if left <= 0:
        return "time_limit"
    h.setOptionValue("time_limit", left if getattr(h, "tokensite_integer", False) else h.getRunTime() + left)
    h.run()
    return status_of(h)


def resolve(h: highspy.Highs, deadline: float, warm_s: float = math.inf) -> str:
    """Re-solve ``h`` after bounds changed: dual simplex from the last basis when HiGHS holds one (the
    relaxation's vertex or an earlier re-solve's), for at most ``warm_s`` seconds, then (or when there is
    no basis) interior point with crossover from scratch, which leaves a basis.

    Measured on the world case: fixing the rounded binaries then re-solving from the relaxation's basis
    took 6.7k dual simplex iterations (6.5 s CPU) against 15 s for interior point from scratch, and
    proving a rounding infeasible took 3.4 s against 3.9 s; the fixed GPU units then 1.9 s against 10 s.
    On the continental L benchmark the same warm re-solve did not finish in 250 s, where interior point
    takes about 30 s: hence the budget ([solver] warm_share of the relaxation's last LP)."""
    warm = h.getBasis().valid
    h.setOptionValue("run_crossover", "on")
    if warm:
        h.setOptionValue("solver", "simplex")
        status = run_until(h, min(deadline, time.perf_counter() + warm_s))
        if status not in ("error", "time_limit") or time.perf_counter() >= deadline:
            return status
    h.setOptionValue("solver", "ipm")  # no basis, a basis simplex cannot use, or out of its budget: start afresh
    return run_until(h, deadline)
