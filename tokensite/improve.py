"""Rounding the LP relaxation into a plan, and improving it locally.

``rounded_fixings`` applies the rounding groups the model declared. The local search then
switches off what the LP relaxation only touched.

Rounding opens every site and takes every tranche the relaxation uses at all, so a plan comes
out with sites and tranches that serve a sliver. With the binaries fixed and GPU units still
continuous, each group the model declared closable (a tranche; a site with its tranches) is
switched off in turn and the LP re-solved from the previous basis by dual simplex; the change
is kept if the cost does not rise (a tie goes to the plan that builds less).

Only groups the relaxation hesitated over are tried: a group with a member the LP set to 1
is one the relaxation already found worth its full cost, and on the world case none of those
closed profitably (49 of 104 tries). Groups are tried in the
order of how little the relaxation used them, sites and tranches together. Each re-solve gets at most
``ITERATIONS_PER_TRY`` simplex iterations: a closing that needs more re-routes so much that it
is not a sliver, and failing it costs a bounded, machine-independent amount of work, so the
search's result does not depend on the speed of the machine (the deadline is only a guard).
The search always leaves a plan at least as good as the one it started from.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import highspy
import numpy as np

from tokensite.compile import Compiled
from tokensite.highs import run_until

USED = 1e-6  # an LP value above this counts as "used" when rounding
FIRM = 1 - 1e-6  # an LP value above this counts as a firm decision the search leaves alone
SAVES_NOTHING = 1e-9  # a reduced cost (MUSD per unit) at or below this cannot save anything
ITERATIONS_PER_TRY = 10_000  # about 6 s on the world case; the largest saving found (a whole campus) took 3,100-10,000


@contextmanager
def warm_simplex(h: highspy.Highs) -> Iterator[None]:
    """Dual simplex from the last basis, presolve off (it would redo the whole LP each time), each
    run capped at ``ITERATIONS_PER_TRY``; on exit the cap is lifted and the solver and presolve
    restored. The solver matters: rounding the searched plan's units is a large bound change, which
    interior point with crossover re-solves in the time the first rounding took (30 s on the L
    benchmark) and warm dual simplex did not finish in 91 s (28,158 iterations)."""
    solver = h.getOptionValue("solver")[1]
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("presolve", "off")
    h.setOptionValue("simplex_iteration_limit", ITERATIONS_PER_TRY)  # per run
    try:
        yield
    finally:
        h.setOptionValue("simplex_iteration_limit", highspy.kHighsIInf)
        h.setOptionValue("presolve", "choose")
        h.setOptionValue("solver", solver)


def candidates(comp: Compiled, x_lp: np.ndarray, x: np.ndarray) -> list[np.ndarray]:
    """The closable groups worth a try, in the order they are tried."""
    groups = [g for g in comp.rounding.closable if (x[g] > 0.5).any() and x_lp[g].max() < FIRM]
    return sorted(groups, key=lambda g: float(x_lp[g].sum()))


def improve(h: highspy.Highs, comp: Compiled, x_lp: np.ndarray, x: np.ndarray, deadline: float) -> tuple[np.ndarray, int, int]:
    """``h`` holds the LP with the binaries fixed at x (units free), solved. Returns the best x
    found, the number of groups switched off and the number tried."""
    best_obj = comp.objective_of(x)
    closed = tried = 0
    with warm_simplex(h):
        for g in candidates(comp, x_lp, x):
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


def trim_units(h: highspy.Highs, comp: Compiled, x: np.ndarray, deadline: float) -> tuple[np.ndarray, int, int]:
    """``h`` holds the LP with every integer fixed at x, solved with a basis. Buy one unit fewer
    wherever that lowers the cost: the check a planner makes on a rounded plan (is any GPU
    purchase bigger than it needs to be?), made by the solver.

    A purchase is tried only if its reduced cost is positive: the LP's optimal cost is convex in
    the purchase's fixed value, so with reduced cost d, one unit fewer costs at least −d more, and
    d ≤ 0 means it cannot save anything. Tries go from the largest d down, each a warm dual-simplex
    re-solve of at most ``ITERATIONS_PER_TRY`` iterations; an accepted unit is followed by a try of
    the next. Returns x, the units removed and the re-solves tried.
    """
    best_obj = comp.objective_of(x)
    removed = tried = 0
    cols = [int(j) for j in comp.rounding.round_up if x[j] >= 1 - USED]
    d = np.asarray(h.getSolution().col_dual)
    queue = sorted((j for j in cols if d[j] > SAVES_NOTHING * comp.objective_scale), key=lambda j: -d[j])
    with warm_simplex(h):
        for j in queue:
            while x[j] >= 1 - USED and time.perf_counter() < deadline:
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


ROUNDINGS = ("largest", "whole", "fallback")
"""How ``one_of`` groups are rounded, tried in turn until the rounded LP is feasible."""


def rounded_fixings(comp: Compiled, x: np.ndarray, units: bool, one_of: str = "largest", needs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Columns and values that fix the binaries of x (and, with ``units``, the GPU units).

    use_if_positive: 1 wherever x > USED. one_of (a program's hosts, its skip last): under
    ``largest`` the skip if its x is the largest (the last on ties), else a host, groups taken
    from the surest; among a program's hosts the one whose resource (campus) has the most LP use
    left after the programs rounded before it, so that two programs the LP split between two
    campuses land on one each, not both on the same (ties: the larger x, then the last). Under
    ``whole`` a program the LP does not host whole (a grid too small for it forces that) is
    skipped; under ``fallback`` every program is, which needs no campus and so is always
    feasible. With ``needs`` (rounding the LP, not re-fixing a plan) the binaries a chosen host
    needs are 1 with it (its campus's tranches: the local search closes those the plan does not
    use). round_up (with ``units``): :func:`rounded_units`.
    """
    r = comp.rounding
    fixed = dict(zip(r.use_if_positive.tolist(), (x[r.use_if_positive] > USED).astype(float).tolist()))
    resource = {c: r.resource.get(c, c) for g in r.one_of for c in g[:-1].tolist()}
    left: dict = defaultdict(float)
    for c, key in resource.items():
        left[key] += x[c]
    for group in sorted(r.one_of, key=lambda g: -float(x[g[:-1]].max()) if len(g) > 1 else 0.0):
        hosts, skip = group[:-1].tolist(), int(group[-1])
        best = skip
        if hosts and one_of != "fallback" and x[skip] < max(x[hosts]) and not (one_of == "whole" and x[skip] > 1e-3):
            best = max(reversed(hosts), key=lambda c: (round(left[resource[c]], 9), x[c]))
            left[resource[best]] -= 1.0
        fixed.update(zip(group.tolist(), (group == best).astype(float).tolist()))
        if needs:
            fixed.update((int(c), 1.0) for c in r.needs.get(int(best), ()))
    idx, val = [np.array(list(fixed), dtype=np.int64)], [np.array(list(fixed.values()), dtype=float)]
    if units:
        idx.append(r.round_up)
        val.append(rounded_units(r.round_up, r.cover, x))
    return np.concatenate(idx).astype(np.int32), np.concatenate(val).astype(float)


def rounded_units(cols: np.ndarray, cover: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """Integer values for ``cols`` whose every cover group sums to at least ⌈Σ x − USED⌉.

    Groups are taken in the order declared (oldest year first); a group short of its LP sum
    raises its newest member, which lives longest and so also counts in later groups. A column
    in no group is rounded up on its own. Every LP allocation stays feasible: each fleet is at
    least its LP value.
    """
    value = dict(zip(cols.tolist(), np.zeros(len(cols))))
    covered: set[int] = set()
    for group in cover:
        members = [c for c in group.tolist() if c in value]
        if not members:
            continue
        covered.update(members)
        short = np.ceil(float(x[members].sum()) - USED) - sum(value[c] for c in members)
        if short > 0:
            value[members[-1]] += short
    for c in set(value) - covered:
        value[c] = float(np.ceil(x[c] - USED))
    return np.array([value[c] for c in cols.tolist()], dtype=float)


def drop_tightening_rows(h: highspy.Highs, comp: Compiled) -> None:
    """Free the rows that only tighten the relaxation: with the binaries fixed they are implied,
    and left in they would take the duals of the demand rows they duplicate."""
    rows = comp.tightening_rows
    if len(rows):
        h.changeRowsBounds(len(rows), rows, np.full(len(rows), -highspy.kHighsInf), np.full(len(rows), highspy.kHighsInf))
