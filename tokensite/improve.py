"""Rounding the LP relaxation into a plan, and improving it locally.

``rounded_fixings`` applies the rounding groups the model declared. The local search then
switches off what the LP relaxation only touched.

Rounding opens every site and takes every tranche the relaxation uses at all, so a plan comes
out with sites and tranches that serve a sliver. With the binaries fixed and GPU units still
continuous, each group the model declared closable (a tranche; a site with its tranches) is
switched off in turn and the LP re-solved from the previous basis by dual simplex; the change
is kept if the cost does not rise (a tie goes to the plan that builds less). Groups are tried in the order of how little the relaxation
used them. The search has its own time budget and always leaves a plan at least as good as
the one it started from.
"""

from __future__ import annotations

import time

import highspy
import numpy as np

from tokensite.compile import Compiled
from tokensite.highs import run_until

USED = 1e-6  # an LP value above this counts as "used" when rounding
SHARE_OF_TIME_LEFT = 0.5  # of the time left when the search starts; branch and bound gets the rest
TRIED_FIRST_MIN_S = 10.0


def improve(h: highspy.Highs, comp: Compiled, x_lp: np.ndarray, x: np.ndarray, deadline: float) -> tuple[np.ndarray, int, int]:
    """``h`` holds the LP with the binaries fixed at x (units free), solved. Returns the best x
    found, the number of groups switched off and the number tried."""
    now = time.perf_counter()
    stop = min(deadline, now + max(TRIED_FIRST_MIN_S, SHARE_OF_TIME_LEFT * (deadline - now)))
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("presolve", "off")  # a warm dual simplex from the last basis; presolve would redo the whole LP each time
    best_obj = comp.objective_of(x)
    groups = [g for g in comp.rounding.closable if (x[g] > 0.5).any()]
    groups.sort(key=lambda g: (len(g) > 1, float(x_lp[g].sum())))
    closed = tried = 0
    for g in groups:
        if time.perf_counter() >= stop:
            break
        before = x[g].copy()
        if not (before > 0.5).any():
            continue
        tried += 1
        zeros = np.zeros(len(g))
        h.changeColsBounds(len(g), g, zeros, zeros)
        if run_until(h, stop) == "optimal":
            trial = np.array(h.getSolution().col_value)
            obj = comp.objective_of(trial)
            if obj <= best_obj + 1e-9 * max(1.0, abs(best_obj)):
                x, best_obj, closed = trial, obj, closed + 1
                continue
        h.changeColsBounds(len(g), g, before, before)
    if tried and closed < tried:
        run_until(h, deadline)  # leave h solved at the kept fixings
    h.setOptionValue("presolve", "choose")
    return x, closed, tried


def rounded_fixings(comp: Compiled, x: np.ndarray, units: bool) -> tuple[np.ndarray, np.ndarray]:
    """Columns and values that fix the binaries of x (and, with ``units``, the GPU units).

    use_if_positive: 1 wherever x > USED; one_of: the member with the largest x (the last on
    ties) is 1 if it is used, the rest 0; round_up (with ``units``): ⌈x − USED⌉.
    """
    r = comp.rounding
    idx, val = [r.use_if_positive], [(x[r.use_if_positive] > USED).astype(float)]
    for group in r.one_of:
        best = group[np.lexsort((group, x[group]))[-1]]
        idx.append(group)
        val.append(((group == best) & (x[best] > USED)).astype(float))
    if units:
        idx.append(r.round_up)
        val.append(np.ceil(x[r.round_up] - USED))
    return np.concatenate(idx).astype(np.int32), np.concatenate(val).astype(float)


def drop_tightening_rows(h: highspy.Highs, comp: Compiled) -> None:
    """Free the rows that only tighten the relaxation: with the binaries fixed they are implied,
    and left in they would take the duals of the demand rows they duplicate."""
    rows = comp.tightening_rows
    if len(rows):
        h.changeRowsBounds(len(rows), rows, np.full(len(rows), -highspy.kHighsInf), np.full(len(rows), highspy.kHighsInf))
