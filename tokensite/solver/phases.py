"""The phases that make a plan from the relaxation: round, search, trim. :data:`tokensite.solver.PHASES`
lists them in order; the phases that finish it are in :mod:`tokensite.solver.finish`.

Every re-solve here starts from the basis of the one before (:func:`tokensite.solver.highs.resolve`):
the relaxation's vertex, then each rounded or searched LP's. The search and the trim stop at
``s.improve_until`` (``[solver] improve_lp_multiple`` times the relaxation's time), the rounding never.

* ``round``: the binaries fixed as :mod:`tokensite.solver.rounding` says (the training hosts by the
  first rule whose rounded LP is feasible; a rule that would fix the same values as one already found
  infeasible is not re-solved), the LP re-solved, then GPU units rounded up and fixed and the LP
  re-solved: a feasible plan whose LP (every integer fixed) also gives the duals.
* ``search``: with the units free again, switch off what only a sliver used, the groups the duals say
  may save most first (:func:`tokensite.solver.search.improve`), and round again; the cheaper plan is
  kept, so a deadline during the search never loses the rounded plan.
* ``trim``: GPU purchases one unit too big are trimmed in batches priced by their reduced costs
  (:func:`tokensite.solver.search.trim_units`).
"""

from __future__ import annotations

import time

import numpy as np

from tokensite.solver.highs import resolve
from tokensite.solver.rounding import ROUNDINGS, fixings_of
from tokensite.solver.search import drop_tightening_rows, idle_tranches, improve, trim_units
from tokensite.solver.solution import Plan, plan_of
from tokensite.solver.state import SolveState


def _fix_units(s: SolveState, x: np.ndarray) -> Plan | None:
    idx, val = fixings_of(s.comp, s.groups, x, units=True, used=s.options.round_used)
    s.h.changeColsBounds(len(idx), idx, val, val)
    s.units_free_rows(False)
    return plan_of(s.h, s.comp) if resolve(s.h, s.deadline, s.warm_s) == "optimal" else None


def _no_rounded_plan(s: SolveState) -> None:
    s.skip |= {"search", "trim", "complete_routes"}


def _same(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> bool:
    return len(a[0]) == len(b[0]) and bool((a[0] == b[0]).all() and (a[1] == b[1]).all())


def _dive(s: SolveState) -> np.ndarray:
    """The LP with the programs it splits between campuses hosted one at a time, least sure first, each on
    its LP hosts in order of share (its skip last, unless committed) until the re-solved LP is feasible,
    the other programs left free to move: HiGHS's column values at the end. On the world (2026-12-07) the
    LP put the 2026 US program whole on Colossus 2 and split the 2028 one between Colossus 2 and Hyperion,
    neither of which can take it whole in 2028 beside what it holds; every rule that fixes all hosts at
    once then failed or skipped it (9 % dearer), where hosting it on Colossus 2 lets the LP move the 2026
    program to another campus."""
    h, comp, r, used = s.h, s.comp, s.groups, s.options.round_used
    binaries = np.unique(np.concatenate([r.use_if_positive, *r.one_of, *r.needs.values()])).astype(np.int32)
    lower, upper = np.asarray(comp.lp.col_lower_), np.asarray(comp.lp.col_upper_)
    h.changeColsBounds(len(binaries), binaries, lower[binaries], upper[binaries])
    x = s.lp.x
    xm = comp.model_x(x)
    split = [g for g in r.one_of if len(g) > 1 and used < float(xm[g[:-1]].max()) < 1.0 - used]
    for g in sorted(split, key=lambda g: float(xm[g[:-1]].max())):
        xm = comp.model_x(x)
        hosts = sorted((int(c) for c in g[:-1] if xm[c] > used), key=lambda c: -xm[c])
        cols = g.astype(np.int32)
        for c in hosts + ([] if int(g[-1]) in r.must_host else [int(g[-1])]):
            val = (g == c).astype(float) / comp.unit_of(g)
            h.changeColsBounds(len(cols), cols, val, val)
            s.tell("round", rule="dive")
            if resolve(h, s.deadline, s.warm_s) == "optimal":
                x = np.array(h.getSolution().col_value)
                break
        else:
            h.changeColsBounds(len(cols), cols, lower[cols], upper[cols])
    return x


def round_lp(s: SolveState) -> None:
    """Phase ``round``."""
    h, comp = s.h, s.comp
    drop_tightening_rows(h, comp)
    failed: list[tuple[np.ndarray, np.ndarray]] = []
    for one_of in ROUNDINGS:
        x = _dive(s) if one_of == "dive" else s.lp.x
        fixings = fixings_of(comp, s.groups, x, units=False, used=s.options.round_used,
                             one_of="largest" if one_of == "dive" else one_of, needs=True)
        if any(_same(fixings, f) for f in failed):
            continue  # the LP hosts every program whole, or none: this rule fixes what already failed
        idx, val = fixings
        h.changeColsBounds(len(idx), idx, val, val)
        s.tell("round", rule=one_of)
        status = resolve(h, s.deadline, s.warm_s)
        if status == "optimal":
            break
        if status not in ("infeasible", "infeasible_or_unbounded") or not s.groups.one_of:
            s.notes.append(f"the LP with the rounded binaries ended {status}: no rounded plan, branch and bound from the relaxation")
            return _no_rounded_plan(s)
        failed.append(fixings)
        s.notes.append(f"rounding the training hosts by the {one_of!r} rule left no feasible plan; trying the next rule")
    else:
        if s.groups.must_host:
            s.notes.append("committed training programs cannot be skipped, so even the 'fallback' rule must host them: "
                           "their campuses may not hold them all at once (see training.csv committed)")
        return _no_rounded_plan(s)
    x = np.array(h.getSolution().col_value)
    s.units_free = h.getBasis()  # the search starts here again: freeing the units of the rounded plan cost 15k dual simplex iterations (20 s) on the world
    started = time.perf_counter()
    s.rounded = _fix_units(s, x)
    if s.rounded is None:  # us-interactive: rounding its GPU units up by fleet is infeasible (an open defect)
        s.notes.append("the GPU units rounded up by fleet left no feasible LP: no rounded plan, branch and bound from the relaxation")
        return _no_rounded_plan(s)
    lp_s = time.perf_counter() - started
    s.keep_s = lp_s if s.pricing is not None else 0.0
    s.reserve_s = 3 * lp_s + s.keep_s  # for rounding the searched plan at the end
    s.plan = s.rounded
    s.report(s.plan.objective, s.bound)


def search(s: SolveState) -> None:
    """Phase ``search``: the units freed, the local search, the searched plan rounded (or the rounded one kept)."""
    h, comp, r = s.h, s.comp, s.groups
    now = time.perf_counter()
    until = min(now + s.options.search_share * (s.improve_until - now), s.deadline) - s.reserve_s
    if time.perf_counter() >= until:
        s.notes.append("no time left for the local search")
        return  # the trim has its own share: h still holds the rounded plan's LP, every integer fixed
    cols = r.round_up
    h.changeColsBounds(len(cols), cols, np.asarray(comp.lp.col_lower_)[cols], np.asarray(comp.lp.col_upper_)[cols])
    s.units_free_rows(True)
    if s.units_free is not None:
        h.setBasis(s.units_free)
    if resolve(h, s.deadline, s.warm_s) != "optimal":
        s.notes.append("no time left for the local search")
        s.plan = _fix_units(s, s.rounded.x) or s.rounded
        s.skip.add("trim")
        return
    x, closed, tried, total = improve(h, comp, r, s.options, s.lp.x, until, lambda done, of: s.tell("search", done=done, total=of), s.lp_col_dual)
    s.notes.append(f"local search switched off {closed} of {tried} sites or tranches tried" + (f" ({total} worth a try)" if total > tried else ""))
    improved = _fix_units(s, x) if closed else None
    if improved is None or improved.objective > s.rounded.objective:
        improved = _fix_units(s, s.rounded.x)
        if improved is None:
            s.plan = s.rounded
            s.skip.add("trim")
            return
    s.plan = improved
    s.report(s.plan.objective, s.bound)


def trim(s: SolveState) -> None:
    """Phase ``trim``."""
    until = min(s.improve_until, s.deadline - s.keep_s)
    _, removed, tried = trim_units(s.h, s.comp, s.groups, s.options, s.plan.x, until, lambda done, units: s.tell("trim", done=done, units=units))
    s.notes.append(f"{removed} GPU units trimmed in {tried} re-solves")
    if removed:
        s.plan = plan_of(s.h, s.comp)
        s.report(s.plan.objective, s.bound)
    _close_idle_tranches(s)


def _close_idle_tranches(s: SolveState) -> None:
    """Grid tranches the trimmed plan holds but no peak needs (:func:`tokensite.solver.search.idle_tranches`) are
    switched off in one re-solve, kept if it is no dearer: the search may not reach them in its share of the time,
    and rounding took them for an LP that drew more there (world: Frankfurt held two 317 MW tranches over 211 MW
    energised for a 331 MW peak)."""
    h, comp = s.h, s.comp
    cols = np.array(idle_tranches(comp, s.groups, s.plan.x), dtype=np.int32)
    if not len(cols) or time.perf_counter() >= s.deadline:
        return
    h.changeColsBounds(len(cols), cols, np.zeros(len(cols)), np.zeros(len(cols)))
    if resolve(h, s.deadline, s.warm_s) == "optimal" and (plan := plan_of(h, comp)).objective <= s.plan.objective:
        s.plan = plan
        s.notes.append(f"{len(cols)} grid tranches no peak needs switched off")
        s.report(s.plan.objective, s.bound)
        return
    ones = np.ones(len(cols)) / comp.unit_of(cols)
    h.changeColsBounds(len(cols), cols, ones, ones)
    resolve(h, s.deadline, s.warm_s)
