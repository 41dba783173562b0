"""Improving a rounded plan locally: switch off what the LP relaxation only touched, trim GPU units.

Rounding (:mod:`tokensite.solver.rounding`) opens every site and takes every tranche the relaxation uses at all, so a plan comes
out with sites and tranches that serve a sliver. With the binaries fixed and GPU units still
continuous, each closable group (:mod:`tokensite.solver.rounding`) (a tranche; a site with its tranches) is
switched off in turn and the LP re-solved from the previous basis by dual simplex; the change
is kept if the cost does not rise (a tie goes to the plan that builds less).

Only groups the relaxation hesitated over are tried: a group with a member the LP set to 1
is one the relaxation already found worth its full cost, and on the world case none of those
closed profitably (49 of 104 tries). Groups are tried in the
order of how little the relaxation used them, sites and tranches together. Each re-solve gets at most
``[solver] search_iterations_per_try`` simplex iterations: a closing that needs more re-routes so much that it
is not a sliver, and failing it costs a bounded, machine-independent amount of work, so the
search's result does not depend on the speed of the machine (the deadline is only a guard).
The search always leaves a plan at least as good as the one it started from.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import highspy
import numpy as np

from tokensite.compile import Compiled
from tokensite.config import SolverOptions
from tokensite.solver.highs import run_until
from tokensite.solver.rounding import RoundingColumns


@contextmanager
def warm_simplex(h: highspy.Highs, iterations: int) -> Iterator[None]:
    """Dual simplex from the last basis, presolve off (it would redo the whole LP each time), each
    run capped at ``iterations``; on exit the cap is lifted and the solver and presolve
    restored. The solver matters: rounding the searched plan's units is a large bound change, which
    interior point with crossover re-solves in the time the first rounding took (30 s on the L
    benchmark) and warm dual simplex did not finish in 91 s (28,158 iterations)."""
    solver = h.getOptionValue("solver")[1]
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("presolve", "off")
    h.setOptionValue("simplex_iteration_limit", int(iterations))  # per run
    try:
        yield
    finally:
        h.setOptionValue("simplex_iteration_limit", highspy.kHighsIInf)
        h.setOptionValue("presolve", "choose")
        h.setOptionValue("solver", solver)


def candidates(groups: RoundingColumns, x_lp: np.ndarray, x: np.ndarray, firm: float) -> list[np.ndarray]:
    """The closable groups worth a try, in the order they are tried."""
    groups = [g for g in groups.closable if (x[g] > 0.5).any() and x_lp[g].max() < firm]
    return sorted(groups, key=lambda g: float(x_lp[g].sum()))


def improve(h: highspy.Highs, comp: Compiled, groups: RoundingColumns, options: SolverOptions, x_lp: np.ndarray, x: np.ndarray,
            deadline: float) -> tuple[np.ndarray, int, int]:
    """``h`` holds the LP with the binaries fixed at x (units free), solved. Returns the best x
    found, the number of groups switched off and the number tried."""
    best_obj = comp.objective_of(x)
    closed = tried = 0
    with warm_simplex(h, options.search_iterations_per_try):
        for g in candidates(groups, x_lp, x, options.search_firm):
            if time.perf_counter() >= deadline:
                break
            before = x[g].copy()
            if not (before > 0.5).any():
                continue
            tried += 1
            zeros = np.zeros(len(g))
            h.changeColsBounds(len(g), g, zeros, zeros)
            if run_until(h, deadline) == "optimal":
                trial = np.array(h.getSolution().col_value)
                obj = comp.objective_of(trial)
                if obj <= best_obj + 1e-9 * max(1.0, abs(best_obj)):
                    x, best_obj, closed = trial, obj, closed + 1
                    continue
            h.changeColsBounds(len(g), g, before, before)
    if tried and closed < tried:
        run_until(h, deadline)  # leave h solved at the kept fixings
    return x, closed, tried


def trim_units(h: highspy.Highs, comp: Compiled, groups: RoundingColumns, options: SolverOptions, x: np.ndarray,
               deadline: float) -> tuple[np.ndarray, int, int]:
    """``h`` holds the LP with every integer fixed at x, solved with a basis. Buy one unit fewer
    wherever that lowers the cost: the check a planner makes on a rounded plan (is any GPU
    purchase bigger than it needs to be?), made by the solver.

    A purchase is tried only if its reduced cost is positive: the LP's optimal cost is convex in
    the purchase's fixed value, so with reduced cost d, one unit fewer costs at least −d more, and
    d ≤ 0 means it cannot save anything. Tries go from the largest d down, each a warm dual-simplex
    re-solve of at most ``search_iterations_per_try`` iterations; an accepted unit is followed by a try of
    the next. Returns x, the units removed and the re-solves tried.
    """
    best_obj = comp.objective_of(x)
    removed = tried = 0
    used = options.round_used
    cols = [int(j) for j in groups.round_up if x[j] >= 1 - used]
    d = np.asarray(h.getSolution().col_dual)
    queue = sorted((j for j in cols if d[j] > options.trim_saves_nothing * comp.objective_scale), key=lambda j: -d[j])
    with warm_simplex(h, options.search_iterations_per_try):
        for j in queue:
            while x[j] >= 1 - used and time.perf_counter() < deadline:
                units = float(np.round(x[j]))
                one = np.array([j], dtype=np.int32)
                h.changeColsBounds(1, one, np.array([units - 1]), np.array([units - 1]))
                tried += 1
                if run_until(h, deadline) == "optimal" and (obj := comp.objective_of(trial := np.array(h.getSolution().col_value))) < best_obj - 1e-9 * max(1.0, abs(best_obj)):
                    x, best_obj, removed = trial, obj, removed + 1
                    continue
                h.changeColsBounds(1, one, np.array([units]), np.array([units]))
                break
    if tried:
        run_until(h, deadline)  # leave h solved at the kept units
    return x, removed, tried


def drop_tightening_rows(h: highspy.Highs, comp: Compiled) -> None:
    """Free the rows that only tighten the relaxation: with the binaries fixed they are implied,
    and left in they would take the duals of the demand rows they duplicate."""
    rows = comp.tightening_rows
    if len(rows):
        h.changeRowsBounds(len(rows), rows, np.full(len(rows), -highspy.kHighsInf), np.full(len(rows), highspy.kHighsInf))
