"""HiGHS in memory, in named phases, with honest status, bound and gap.

``solve`` runs, each phase a function that respects the deadline:

1. :func:`relax` — the LP relaxation by interior point without crossover: a valid lower
   bound (measured 9.6 s against 44–52 s for dual simplex or crossover on the world LP).
2. :func:`round_and_fix` — the binaries fixed as the model's rounding groups say, the LP
   re-solved, then GPU units rounded up and fixed and the LP re-solved with crossover: a
   feasible plan whose LP (every integer fixed) also gives the duals.
3. :func:`branch_and_bound` — only if that plan misses the gap: HiGHS's MIP from the rounded
   plan for the time left, its improving solutions reported live, stopped as soon as the gap
   to the bound is within ``mip_rel_gap`` of what the incumbent spends.
4. :func:`duals_with_integers_fixed` — after branch and bound improved the plan: the LP with
   every integer fixed at the incumbent. Its solution *is* the written plan, so the flows,
   the objective and the prices come from one and the same point.
5. :func:`classify` — optimal, time_limit or HiGHS's own verdict, from the gap and the clock.

Given a pruned route set (:mod:`tokensite.routes`), phase 1 generates flows: the restricted LP is
solved, dropped flows that price out are added back, until none does or what they could still save
is below :data:`GENERATION_STOP` of the gap target (mip_rel_gap × spend); the bound reported is the
Lagrangian bound of the full LP at every stage. Rounding and the local search run on the generated
set, and the rounded plan's fixed-integer LP is priced against the full route set
(:func:`complete_routes`). Branch and bound, when it runs, has every route: a dual bound of a
restricted MIP would bound nothing of the full one.

The gap a planner cares about is relative to what the plan spends (capex + opex), not to an
objective that is mostly the value of unserved tokens: ``optimal`` means
(objective − bound) ≤ mip_rel_gap × spend. Money is scaled by a power of 2 before HiGHS sees
it (:func:`tokensite.compile.objective_scale`) and scaled back on the way out; HiGHS's own
warnings are collected, not printed, and reported with the solution.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import highspy
import numpy as np

from tokensite.compile import Compiled
from tokensite.config import SolverOptions
from tokensite.highs import new_highs, run_until
from tokensite.improve import ROUNDINGS, drop_tightening_rows, improve, rounded_fixings, trim_units
from tokensite.routes import RoutePricing, RouteSet

FEASIBLE = highspy.SolutionStatus.kSolutionStatusFeasible
GENERATION_STOP = 0.1  # route generation stops once the dropped flows could save less than this share of the gap target
DUALS_RESERVE_S = 30.0  # of a branch-and-bound run's time, kept for the final fixed-integer LP
ZERO = 1e-9  # solution values (internal units: Mtok/s, MW, GPU units) below this are written as 0

Report = Callable[[float, float | None], None]


@dataclass(frozen=True)
class Solution:
    status: str  # optimal | time_limit | infeasible | unbounded | infeasible_or_unbounded | interrupted | error
    objective: float | None  # internal units (MUSD)
    bound: float | None
    gap: float | None  # (objective − bound) / objective
    values: dict[str, dict] | None  # {variable: {index: value}}
    duals: dict[str, dict] | None  # {row group: {index: dual}}
    solve_s: float
    message: str = ""
    progress: list[dict] = field(default_factory=list)
    spend: float | None = None  # capex + opex of the plan, discounted MUSD
    spend_gap: float | None = None  # (objective − bound) / spend
    warnings: tuple[str, ...] = ()
    x: np.ndarray | None = None  # the plan as the compiled model's column values (the readouts' argument)


@dataclass
class Plan:
    """An integer-feasible point of the compiled model, its objective and spend (MUSD)."""

    x: np.ndarray
    objective: float
    spend: float
    row_dual: np.ndarray | None


def gap_of(obj: float | None, bound: float | None) -> float | None:
    if obj is None or bound is None or not math.isfinite(obj) or not math.isfinite(bound):
        return None
    return abs(obj - bound) / max(abs(obj), 1e-9)


def spend_gap_of(obj: float | None, bound: float | None, spend: float | None) -> float | None:
    """(objective − bound) over what the plan spends; 0 when both gaps vanish, None when undefined."""
    if obj is None or bound is None or spend is None or not math.isfinite(obj) or not math.isfinite(bound):
        return None
    slack = max(obj - bound, 0.0)
    if slack <= 1e-12 * max(abs(obj), 1.0):
        return 0.0
    return slack / spend if spend > 0 else None


def _plan(h: highspy.Highs, comp: Compiled, duals: bool = True) -> Plan:
    sol = h.getSolution()
    x = np.array(sol.col_value)
    return Plan(x, comp.objective_of(x), comp.spend_of(x), np.array(sol.row_dual) / comp.objective_scale if duals else None)


def _relax_once(h: highspy.Highs, deadline: float) -> str:
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "off")
    status = run_until(h, deadline)
    if status == "error":
        h.setOptionValue("solver", "choose")
        h.setOptionValue("run_crossover", "on")
        status = run_until(h, deadline)
    return status


def relax(comp: Compiled, options: SolverOptions, log: bool, deadline: float, warnings: list[str],
          pricing: RoutePricing | None = None, notes: list[str] | None = None) -> tuple[highspy.Highs, str, float]:
    """Phase 1: the LP relaxation, interior point first, HiGHS's default solver if it stalls; with
    ``pricing``, on the generated routes until no dropped route prices out. Returns HiGHS, its status
    and what the dropped routes could still save (≤ 0, MUSD; 0 once generation is complete), so that
    the LP objective plus it is a valid bound."""
    h = new_highs(comp, options, log, integer=False, warnings=warnings)
    if pricing is None:
        return h, _relax_once(h, deadline), 0.0
    pricing.restrict(h)
    started, rounds = time.perf_counter(), 0
    while True:
        status = _relax_once(h, deadline)
        if status != "optimal":
            return h, status, 0.0
        rounds += 1
        sol = h.getSolution()
        row_dual = np.array(sol.row_dual)
        new = pricing.priced_out(row_dual)
        left = pricing.lagrangian_gap(row_dual) / comp.objective_scale if len(new) else 0.0
        close = -left <= GENERATION_STOP * options.mip_rel_gap * abs(comp.spend_of(np.array(sol.col_value)))
        late = time.perf_counter() - started > 0.5 * (deadline - started)
        if not len(new) or close or late:
            if notes is not None:
                why = "" if not len(new) else (f", stopped with the bound {-left:,.6g} MUSD below the LP" if close else ", stopped for time")
                notes.append(f"{pricing.summary()}, {rounds} LP round(s){why}")
            return h, status, left
        pricing.add(h, new)


def _fix_units(h: highspy.Highs, comp: Compiled, x: np.ndarray, deadline: float) -> Plan | None:
    idx, val = rounded_fixings(comp, x, units=True)
    h.changeColsBounds(len(idx), idx, val, val)
    return _plan(h, comp) if run_until(h, deadline) == "optimal" else None


def _free_units(h: highspy.Highs, comp: Compiled) -> None:
    cols = comp.rounding.round_up
    h.changeColsBounds(len(cols), cols, np.asarray(comp.lp.col_lower_)[cols], np.asarray(comp.lp.col_upper_)[cols])


def round_and_fix(h: highspy.Highs, comp: Compiled, x: np.ndarray, deadline: float, notes: list[str], keep_one_lp: bool = False) -> Plan | None:
    """Phase 2: fix the binaries and re-solve; fix the GPU units rounded up and re-solve with
    crossover: the rounded plan. Then, with the units free again, switch off what only a sliver
    used (tokensite.improve) and round again; the cheaper of the two plans is kept, so a deadline
    during the search never loses the rounded plan. Last, GPU purchases one unit too big are trimmed.
    With ``keep_one_lp`` the search and the trim stop early enough to leave the time of one more
    rounded LP before the deadline (route generation's final pricing, :func:`complete_routes`)."""
    drop_tightening_rows(h, comp)
    x_lp = x
    for one_of in ROUNDINGS:
        idx, val = rounded_fixings(comp, x_lp, units=False, one_of=one_of, needs=True)
        h.changeColsBounds(len(idx), idx, val, val)
        status = run_until(h, deadline)  # interior point, no crossover: 4x faster on the world case
        if status == "optimal":
            break
        if status not in ("infeasible", "infeasible_or_unbounded") or not comp.rounding.one_of:
            return None
        notes.append(f"rounding the training hosts by the {one_of!r} rule left no feasible plan; trying the next rule")
    else:
        return None
    x = np.array(h.getSolution().col_value)
    h.setOptionValue("run_crossover", "on")  # the rounded plan's LP leaves a basis for the search
    started = time.perf_counter()
    rounded = _fix_units(h, comp, x, deadline)
    if rounded is None:
        return None
    lp_s = time.perf_counter() - started
    keep = lp_s if keep_one_lp else 0.0
    reserve = 3 * lp_s + keep  # for rounding the searched plan at the end
    _free_units(h, comp)
    if run_until(h, deadline) != "optimal":
        notes.append("no time left for the local search")
        return _fix_units(h, comp, rounded.x, deadline) or rounded
    x, closed, tried = improve(h, comp, x_lp, np.array(h.getSolution().col_value), deadline - reserve)
    notes.append(f"local search switched off {closed} of {tried} sites or tranches tried")
    improved = _fix_units(h, comp, x, deadline) if closed else None
    if improved is None or improved.objective > rounded.objective:
        improved = _fix_units(h, comp, rounded.x, deadline)
        if improved is None:
            return rounded
    x, removed, tried = trim_units(h, comp, improved.x, deadline - keep)
    notes.append(f"{removed} GPU units trimmed in {tried} re-solves")
    return _plan(h, comp) if removed else improved


def branch_and_bound(
    comp: Compiled, options: SolverOptions, log: bool, start: Plan | None, bound: float, deadline: float, report: Report, warnings: list[str]
) -> tuple[Plan | None, float, str]:
    """Phase 3: HiGHS's MIP from ``start`` until ``deadline`` or until the incumbent is within
    ``mip_rel_gap`` of its spend. HiGHS stops on an absolute gap of mip_rel_gap × the
    incumbent's spend; if a better incumbent spends less, the run resumes from it with the gap
    recomputed. (An interrupt from HiGHS's MIP callback ends 1.16 in "Solve error", so the gap is
    set, not watched.) It always runs on every route, so its dual bound is a bound of the full
    problem. Returns the plan if it improved on ``start`` (without duals), the best valid bound, and
    why HiGHS stopped."""
    hm = new_highs(comp, options, log, integer=True, warnings=warnings)
    scale, offset = comp.objective_scale, comp.offset

    def improved(e: object) -> None:
        d = e.data_out
        report(d.objective_function_value / scale + offset, max(bound, d.mip_dual_bound / scale + offset))

    hm.cbMipImprovingSolution.subscribe(improved)
    best, status = start, "error"
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
            bound = max(bound, info.mip_dual_bound / scale + offset)
        if info.primal_solution_status == FEASIBLE:
            candidate = _plan(hm, comp, duals=False)
            if best is None or candidate.objective < best.objective - 1e-9 * max(1.0, abs(best.objective)):
                best = candidate
        gap = spend_gap_of(best.objective, bound, best.spend) if best else None
        if status != "optimal" or (gap is not None and gap <= options.mip_rel_gap):
            break
    return (best if best is not start else None), bound, status


def duals_with_integers_fixed(h: highspy.Highs, comp: Compiled, plan: Plan, deadline: float) -> Plan:
    """Phase 4: the LP with every integer fixed at the plan's value. Its solution replaces the
    plan's continuous values, so plan, objective and duals agree; if it cannot be solved in time
    the plan is kept without duals."""
    idx = np.flatnonzero(comp.integer).astype(np.int32)
    vals = np.round(plan.x[idx])
    h.changeColsBounds(len(idx), idx, vals, vals)
    drop_tightening_rows(h, comp)
    h.setOptionValue("run_crossover", "on")
    return _plan(h, comp) if run_until(h, deadline) == "optimal" else plan


def complete_routes(h: highspy.Highs, comp: Compiled, pricing: RoutePricing | None, plan: Plan, deadline: float, notes: list[str]) -> Plan:
    """The final check of route generation: with every integer fixed at the plan, add each dropped
    flow that prices out at that LP's duals and re-solve, until none does (or time runs out)."""
    if pricing is None:
        return plan
    idx = np.flatnonzero(comp.integer).astype(np.int32)
    vals = np.round(plan.x[idx])
    h.changeColsBounds(len(idx), idx, vals, vals)
    h.setOptionValue("run_crossover", "on")
    added = 0
    while run_until(h, deadline) == "optimal":
        current = _plan(h, comp)
        if current.objective <= plan.objective + 1e-9 * max(1.0, abs(plan.objective)):
            plan = current
        new = pricing.priced_out(np.array(h.getSolution().row_dual))
        if not len(new):
            notes.append(f"final plan priced against all {pricing.routes.n_routes} routes: {added} flows added")
            return plan
        added += len(new)
        pricing.add(h, new)
    notes.append(f"final plan not priced against every route (no time left; {added} flows added)")
    return plan


def classify(spend_gap: float | None, options: SolverOptions, out_of_time: bool, highs_status: str) -> str:
    """Phase 5: optimal when the gap is within mip_rel_gap of the plan's spend; otherwise why the search stopped."""
    if spend_gap is not None and spend_gap <= options.mip_rel_gap + 1e-12:
        return "optimal"
    return "time_limit" if out_of_time else highs_status


def _values(comp: Compiled, x: np.ndarray) -> dict[str, dict]:
    """{variable: {index: value}}, with the variables the compiler removed at their fixed value."""
    out: dict[str, dict] = {}
    for (name, key), v in list(comp.left_out.items()) + list(zip(comp.col_names, x.tolist())):
        out.setdefault(name, {})[key] = v if abs(v) > ZERO else 0.0
    return out


def _duals(comp: Compiled, row_dual: np.ndarray) -> dict[str, dict]:
    """{row group: {index: dual}}; a constraint the compiler split over two rows sums their duals."""
    out: dict[str, dict] = {}
    for (name, key), d in zip(comp.row_names, row_dual.tolist()):
        group = out.setdefault(name, {})
        group[key] = group.get(key, 0.0) + d
    return out


def _solution(comp: Compiled, status: str, plan: Plan | None, bound: float | None, t0: float, progress: list, warnings: list[str], message: str = "") -> Solution:
    values = _values(comp, plan.x) if plan else None
    duals = _duals(comp, plan.row_dual) if plan and plan.row_dual is not None else None
    obj, spend = (plan.objective, plan.spend) if plan else (None, None)
    return Solution(status, obj, bound, gap_of(obj, bound), values, duals, time.perf_counter() - t0, message, progress,
                    spend, spend_gap_of(obj, bound, spend), tuple(warnings), plan.x if plan else None)


def solution_at(comp: Compiled, x: np.ndarray, status: str, bound: float | None, solve_s: float, message: str = "") -> Solution:
    """A :class:`Solution` for a plan ``x`` found elsewhere (an alternative of :mod:`tokensite.alternatives`):
    its objective and spend at x against ``bound``, without duals."""
    plan = Plan(x, comp.objective_of(x), comp.spend_of(x), None)
    return _solution(comp, status, plan, bound, time.perf_counter() - solve_s, [], [], message)


def solve(comp: Compiled, options: SolverOptions, log: bool = False, on_incumbent: Callable[[dict], None] | None = None,
          routes: RouteSet | None = None) -> Solution:
    """Solve the compiled model; report status, objective, a valid bound and the true gaps. With
    ``routes`` (:func:`tokensite.routes.route_set`), flows are generated from that pruned set."""
    t0 = time.perf_counter()
    deadline = t0 + float(options.time_limit_s)
    progress: list[dict] = []
    warnings: list[str] = []

    def report(obj: float, bound: float | None) -> None:
        rec = {"t_s": round(time.perf_counter() - t0, 3), "objective": obj, "bound": bound, "gap": gap_of(obj, bound)}
        progress.append(rec)
        if on_incumbent:
            on_incumbent(rec)

    notes: list[str] = []
    pricing = RoutePricing(comp, routes) if routes is not None else None
    h, status, left = relax(comp, options, log, deadline, warnings, pricing, notes)
    if status != "optimal":
        msg = "no time left for the LP relaxation" if status == "time_limit" and time.perf_counter() >= deadline else h.modelStatusToString(h.getModelStatus())
        if status in ("infeasible", "unbounded", "infeasible_or_unbounded"):
            msg += ": the LP relaxation already fails, so no integer plan can exist (check demand, caps and eligibility)"
        return _solution(comp, status, None, None, t0, progress, warnings, msg)
    if not comp.integer.any() and not options.relax:  # a plain LP (e.g. a build held fixed): its plan is a vertex
        h.setOptionValue("run_crossover", "on")
        if run_until(h, deadline) != "optimal":
            return _solution(comp, "time_limit", None, None, t0, progress, warnings, "no time left for the LP's crossover")
    lp = _plan(h, comp)
    bound = lp.objective + left
    if options.relax or not comp.integer.any():
        report(lp.objective, bound)
        status = classify(spend_gap_of(lp.objective, bound, lp.spend), options, True, "time_limit") if left else "optimal"
        return _solution(comp, status, lp, bound, t0, progress, warnings, "; ".join(notes))

    plan = round_and_fix(h, comp, lp.x, deadline, notes, keep_one_lp=pricing is not None)
    if plan is not None:
        plan = complete_routes(h, comp, pricing, plan, deadline, notes)
        report(plan.objective, bound)
        if classify(spend_gap_of(plan.objective, bound, plan.spend), options, False, "") == "optimal":
            return _solution(comp, "optimal", plan, bound, t0, progress, warnings, "; ".join(notes))

    reserve = min(DUALS_RESERVE_S, 0.1 * options.time_limit_s)
    better, bound, highs_status = branch_and_bound(comp, options, log, plan, bound, deadline - reserve, report, warnings)
    out_of_time = highs_status == "time_limit" or time.perf_counter() >= deadline - reserve - 1e-3
    if better is not None:
        plan = complete_routes(h, comp, pricing, duals_with_integers_fixed(h, comp, better, deadline), deadline, notes)
    if plan is None:
        status = highs_status if highs_status in ("infeasible", "time_limit") else "error"
        msg = "no integer plan found" + (" in the time limit" if status == "time_limit" else "")
        return _solution(comp, status, None, bound, t0, progress, warnings, "; ".join([msg, *notes]))
    status = classify(spend_gap_of(plan.objective, bound, plan.spend), options, out_of_time, highs_status)
    return _solution(comp, status, plan, bound, t0, progress, warnings, "; ".join(notes))
