"""Improving a rounded plan locally: switch off what the LP relaxation only touched, trim GPU units.

Rounding (:mod:`tokensite.solver.rounding`) opens every site and takes every tranche the relaxation uses at all, so a plan comes
out with sites and tranches that serve a sliver. With the binaries fixed and GPU units still
continuous, each closable group (:mod:`tokensite.solver.rounding`) (a tranche; a site with its tranches) is
switched off in turn and the LP re-solved from the previous basis by dual simplex; the change
is kept if the cost does not rise (a tie goes to the plan that builds less).

Only groups the relaxation hesitated over are tried: a group with a member the LP set to 1
is one the relaxation already found worth its full cost, and on the world case none of those
closed profitably (49 of 104 tries). The duals say which of the rest may pay: the LP's cost is convex
in the fixed values of a group's binaries and their reduced costs are a subgradient, so closing a group
saves at most Σ d_j x_j (:func:`saving_bounds`); a group whose bound is negative cannot even tie and is
not tried, the others are, largest bound first. Each re-solve gets at most ``[solver] search_iterations_per_try`` simplex
iterations: a closing that needs more re-routes so much that it is not a sliver, and failing it costs a
bounded amount of work. The search stops at its deadline (:mod:`tokensite.solver.phases`: a share of
the time the solve may take, a multiple of the relaxation's), so what it finds depends on the machine's
speed. The search always leaves a plan at least as good as the one it started from.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
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


def candidates(groups: RoundingColumns, x_lp: np.ndarray, x: np.ndarray, firm: float, saves_at_most: np.ndarray,
               nothing: float, d_lp: np.ndarray | None = None) -> list[np.ndarray]:
    """The closable groups worth a try, in the order they are tried: open in x, hesitated over by the
    relaxation (no member above ``firm`` with a reduced cost ``d_lp`` below −``nothing``: a vertex leaves
    a binary nothing hangs on at 1 as readily as at 0), and with an upper bound on the saving not below
    −``nothing``, largest first (:func:`saving_bounds`). A bound of 0 may still tie, and a tie closes the
    group (the plan that builds less): a site the relaxation opened at no cost is closed that way."""
    d_lp = np.full(len(x_lp), -np.inf) if d_lp is None else d_lp
    groups = [g for g in groups.closable if (x[g] > 0.5).any() and not ((x_lp[g] >= firm) & (d_lp[g] < -nothing)).any()]
    bound = {id(g): float(saves_at_most[g] @ x[g]) for g in groups}
    return sorted((g for g in groups if bound[id(g)] >= -nothing), key=lambda g: (-bound[id(g)], float(x_lp[g].sum())))


def saving_bounds(h: highspy.Highs) -> np.ndarray:
    """Per column, what lowering it by one unit can save at most (HiGHS's cost units): its reduced cost
    at the solved LP of ``h``. The LP's optimal cost is convex in a column's fixed value, and a reduced
    cost d_j is a subgradient of it, so f(b − Δ) ≥ f(b) − Σ_j d_j Δ_j for any Δ ≥ 0: closing a group or
    trimming a batch saves at most Σ d_j Δ_j, and a move whose bound is ≤ 0 cannot save anything."""
    return np.asarray(h.getSolution().col_dual)


def improve(h: highspy.Highs, comp: Compiled, groups: RoundingColumns, options: SolverOptions, x_lp: np.ndarray,
            deadline: float, tell: Callable[[int, int], None] = lambda done, of: None,
            d_lp: np.ndarray | None = None) -> tuple[np.ndarray, int, int, int]:
    """``h`` holds the LP with the binaries fixed (units free), solved. Returns the best x found, the
    number of groups switched off, the number tried and the number worth a try."""
    x = np.array(h.getSolution().col_value)
    best_obj = comp.objective_of(x)
    closed = tried = 0
    order = candidates(groups, x_lp, x, options.search_firm, saving_bounds(h), options.trim_saves_nothing * comp.objective_scale, d_lp)
    with warm_simplex(h, options.search_iterations_per_try):
        for g in order:
            if time.perf_counter() >= deadline:
                break
            before = x[g].copy()
            if not (before > 0.5).any():
                continue
            tried += 1
            tell(tried, len(order))
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
    return x, closed, tried, len(order)


def idle_tranches(comp: Compiled, groups: RoundingColumns, x: np.ndarray, tol_mw: float = 1e-3) -> list[int]:
    """The ``take`` columns of tranches a plan x (HiGHS's column values) holds but whose grid no peak needs: at their
    site, in every planning year from their online year, the grid less the tranches already picked and this one still
    holds the peak draw (:meth:`tokensite.compile.Compiled.peak_draw_mw`).
    Closing them keeps x's allocation feasible and saves their whole cost. A model without the grid and draw
    readouts (the extensive form of a stochastic plan, whose parts name their own) has none."""
    if not {"grid_mw", "draw_mw"} <= set(comp.readouts):
        return []
    grid = comp.readouts["grid_mw"].items_at(x)
    peak = comp.peak_draw_mw(x)
    years = sorted({y for _r, y in grid})
    idle = []
    for site, cols, mw, online in groups.tranches:
        spare = {y: grid.get((site, y), 0.0) - peak.get((site, y), 0.0) for y in years}
        for i in sorted(np.flatnonzero(x[cols] > 0.5), key=lambda i: -online[i]):
            later = [y for y in years if y >= online[i]]
            if later and all(spare[y] - mw[i] >= tol_mw for y in later):
                idle.append(int(cols[i]))
                for y in later:
                    spare[y] -= float(mw[i])
    return idle


def _lower(h: highspy.Highs, cols: list[int], units: np.ndarray) -> None:
    idx = np.array(cols, dtype=np.int32)
    h.changeColsBounds(len(idx), idx, units, units)


def trim_units(h: highspy.Highs, comp: Compiled, groups: RoundingColumns, options: SolverOptions, x: np.ndarray,
               deadline: float, tell: Callable[[int, int], None] = lambda done, units: None) -> tuple[np.ndarray, int, int]:
    """``h`` holds the LP with every integer fixed at x, solved with a basis. Buy one unit fewer
    wherever that lowers the cost: the check a planner makes on a rounded plan (is any GPU
    purchase bigger than it needs to be?), made by the solver.

    Purchases are priced at once from the LP's reduced costs (:func:`saving_bounds`): one with d ≤
    ``trim_saves_nothing`` cannot save anything and is not tried. The rest are tried in batches, largest
    d first, ``trim_batch`` to start with: every purchase of the batch one unit smaller, one warm
    dual-simplex re-solve of at most ``search_iterations_per_try`` iterations. A batch that lowers the
    cost is kept, the purchases are priced again at the new LP and the next batch is twice as large; one
    that does not is halved, and a single purchase that does not is dropped. Returns x, the units removed
    and the re-solves tried.
    """
    best_obj = comp.objective_of(x)
    removed = tried = 0
    used, nothing = options.round_used, options.trim_saves_nothing * comp.objective_scale
    dropped: set[int] = set()

    def queue(d: np.ndarray) -> list[int]:
        cols = [int(j) for j in groups.round_up if x[j] >= 1 - used and j not in dropped and d[j] > nothing]
        return sorted(cols, key=lambda j: -d[j])

    todo = queue(saving_bounds(h))
    size = max(1, int(options.trim_batch))
    with warm_simplex(h, options.search_iterations_per_try):
        while todo and time.perf_counter() < deadline:
            batch = todo[:size]
            units = np.round(x[batch])
            _lower(h, batch, units - 1)
            tried += 1
            tell(tried, removed)
            if run_until(h, deadline) == "optimal" and (obj := comp.objective_of(trial := np.array(h.getSolution().col_value))) < best_obj - 1e-9 * max(1.0, abs(best_obj)):
                x, best_obj, removed = trial, obj, removed + len(batch)
                todo, size = queue(saving_bounds(h)), 2 * len(batch)
                continue
            _lower(h, batch, units)
            if len(batch) == 1:
                dropped.add(batch[0])
                todo = todo[1:]
            size = max(1, len(batch) // 2)
    if tried:
        run_until(h, deadline)  # leave h solved at the kept units
    return x, removed, tried


def drop_tightening_rows(h: highspy.Highs, comp: Compiled) -> None:
    """Free the rows that only tighten the relaxation: with the binaries fixed they are implied,
    and left in they would take the duals of the demand rows they duplicate."""
    rows = comp.tightening_rows
    if len(rows):
        h.changeRowsBounds(len(rows), rows, np.full(len(rows), -highspy.kHighsInf), np.full(len(rows), highspy.kHighsInf))
