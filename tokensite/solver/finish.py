"""The phases that finish a plan: price the final routes, branch and bound, fixed-integer duals, classify.

* ``complete_routes``: with route generation, the plan's fixed-integer LP priced against every route.
  The solve ends here when the plan is within ``mip_rel_gap`` of what it spends.
* ``branch_and_bound``: HiGHS's MIP from the plan for the time left (less ``duals_reserve_s``), its
  improving solutions reported live, stopped once the gap to the bound is within ``mip_rel_gap`` of
  what the incumbent spends. Skipped, given a plan, when less time is left than the relaxation's LP
  took: the MIP's root LP is at least that LP (XL, 2026-12-07: 607 s of it, 0 nodes, no change).
  It runs on every route: a dual bound of a restricted MIP would bound nothing of the full one.
* ``duals``: after branch and bound improved the plan, the LP with every integer fixed at the
  incumbent (then priced against every route): its solution *is* the written plan, so the flows, the
  objective and the prices come from one and the same point.
* ``classify``: optimal, time_limit or HiGHS's own verdict, from the spend gap and the clock.
"""

from __future__ import annotations

import math
import time

import highspy
import numpy as np

from tokensite.solver.highs import new_highs, resolve, run_until
from tokensite.solver.search import drop_tightening_rows
from tokensite.solver.solution import Plan, classify, plan_of, spend_gap_of
from tokensite.solver.state import SolveState

FEASIBLE = highspy.SolutionStatus.kSolutionStatusFeasible


def fix_integers(s: SolveState, plan: Plan) -> None:
    idx = np.flatnonzero(s.comp.integer).astype(np.int32)
    vals = np.round(plan.x[idx])
    s.h.changeColsBounds(len(idx), idx, vals, vals)


def _complete_routes(s: SolveState, plan: Plan) -> Plan:
    """With every integer fixed at the plan, add each dropped flow that prices out at that LP's duals
    and re-solve, until none does (or time runs out)."""
    pricing, h = s.pricing, s.h
    if pricing is None:
        return plan
    fix_integers(s, plan)
    added = 0
    while resolve(h, s.deadline, s.warm_s) == "optimal":
        current = plan_of(h, s.comp)
        if current.objective <= plan.objective + 1e-9 * max(1.0, abs(plan.objective)):
            plan = current
        new = pricing.priced_out(np.array(h.getSolution().row_dual))
        if not len(new):
            s.notes.append(f"final plan priced against all {pricing.routes.n_routes} routes: {added} flows added")
            return plan
        added += len(new)
        pricing.add(h, new)
        s.tell("complete_routes", flows_added=added)
    s.notes.append(f"final plan not priced against every route (no time left; {added} flows added)")
    return plan


def complete_routes(s: SolveState) -> None:
    """Phase ``complete_routes``: the rounded plan priced against every route; the solve ends if it
    is within the gap."""
    s.plan = _complete_routes(s, s.plan)
    s.report(s.plan.objective, s.bound)
    if _within_gap(s, s.plan):
        s.finish("optimal", s.plan)


def _within_gap(s: SolveState, plan: Plan) -> bool:
    return classify(spend_gap_of(plan.objective, s.bound, plan.spend), s.options, False, "") == "optimal"


def branch_and_bound(s: SolveState) -> None:
    """Phase ``branch_and_bound``. HiGHS stops on an absolute gap of mip_rel_gap × the incumbent's
    spend; if a better incumbent spends less, the run resumes from it with the gap recomputed (an
    interrupt from HiGHS's MIP callback ends 1.16 in "Solve error", so the gap is set, not watched)."""
    comp, options = s.comp, s.options
    deadline = s.deadline - min(options.duals_reserve_s, 0.1 * options.time_limit_s)
    left = deadline - time.perf_counter()
    if s.plan is not None and math.isfinite(s.lp_s) and left < s.lp_s:  # lp_s is inf when no relaxation ran (a start plan)
        s.notes.append(f"branch and bound skipped: {max(left, 0):.0f} s left, less than the relaxation's LP took ({s.lp_s:.0f} s), "
                       "so it could not finish its root LP")
        s.highs_status, s.out_of_time = "time_limit", True
        return
    hm = new_highs(comp, options, s.log, integer=True, warnings=s.warnings)
    scale, offset = comp.objective_scale, comp.offset

    def improved(e: object) -> None:
        d = e.data_out
        s.report(d.objective_function_value / scale + offset, max(s.bound, d.mip_dual_bound / scale + offset))

    hm.cbMipImprovingSolution.subscribe(improved)
    best, status = s.plan, "error"
    for _ in range(5):
        if best is not None:
            sol = highspy.HighsSolution()
            sol.col_value = list(best.x)
            sol.value_valid = True
            hm.setSolution(sol)
            hm.setOptionValue("mip_rel_gap", 0.0)
            hm.setOptionValue("mip_abs_gap", options.mip_rel_gap * max(best.spend, 0.0) * scale)
        else:
            hm.setOptionValue("mip_rel_gap", float(options.mip_rel_gap))
        status = run_until(hm, deadline)
        info = hm.getInfo()
        if math.isfinite(info.mip_dual_bound):
            s.bound = max(s.bound, info.mip_dual_bound / scale + offset)
        if info.primal_solution_status == FEASIBLE:
            candidate = plan_of(hm, comp, duals=False)
            if best is None or candidate.objective < best.objective - 1e-9 * max(1.0, abs(best.objective)):
                best = candidate
        gap = spend_gap_of(best.objective, s.bound, best.spend) if best else None
        if status != "optimal" or (gap is not None and gap <= options.mip_rel_gap):
            break
    s.better = best if best is not s.plan else None
    s.highs_status = status
    s.out_of_time = status == "time_limit" or time.perf_counter() >= deadline - 1e-3


def duals(s: SolveState) -> None:
    """Phase ``duals``: the fixed-integer LP of the plan branch and bound found, so plan, objective and
    duals agree (the plan is kept without duals if that LP cannot be solved in time)."""
    if s.better is None:
        return
    if s.h is None:  # started from a plan: no LP session yet
        s.h = new_highs(s.comp, s.options, s.log, integer=False, warnings=s.warnings)
    fix_integers(s, s.better)
    drop_tightening_rows(s.h, s.comp)
    fixed = plan_of(s.h, s.comp) if resolve(s.h, s.deadline, s.warm_s) == "optimal" else s.better
    s.plan = _complete_routes(s, fixed)


def classify_plan(s: SolveState) -> None:
    """Phase ``classify``: the plan's status (:func:`classify`), or why there is no plan."""
    if s.plan is None:
        status = s.highs_status if s.highs_status in ("infeasible", "time_limit") else "error"
        msg = "no integer plan found" + (" in the time limit" if status == "time_limit" else "")
        s.finish(status, None, "; ".join([msg, *s.notes]))
        return
    s.finish(classify(spend_gap_of(s.plan.objective, s.bound, s.plan.spend), s.options, s.out_of_time, s.highs_status), s.plan)
