"""HiGHS in memory, in named phases, with honest status, bound and gap.

``solve`` runs, each phase a function that respects the deadline:

1. :func:`relax` — the LP relaxation by interior point without crossover: a valid lower
   bound (measured 9.6 s against 44–52 s for dual simplex or crossover on the world LP).
2. :func:`round_and_fix` — the binaries fixed as the model's rounding groups say, the LP
   re-solved, then GPU units rounded up and fixed and the LP re-solved with crossover: a
   feasible plan whose LP (every integer fixed) also gives the duals.
3. :func:`branch_and_bound` — only if that plan misses ``mip_rel_gap``: HiGHS's MIP from the
   rounded plan for the time left, its improving solutions reported live.
4. :func:`duals_with_integers_fixed` — after branch and bound improved the plan: the LP with
   every integer fixed at the incumbent, for the marginal values.
5. :func:`classify` — optimal, time_limit or HiGHS's own verdict, from the gap and the clock.

The result is a neutral :class:`Solution`: values by variable, duals by row group.
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

FEASIBLE = highspy.SolutionStatus.kSolutionStatusFeasible
DUALS_RESERVE_S = 30.0  # of a branch-and-bound run's time, kept for the final fixed-integer LP
USED = 1e-6  # an LP value above this counts as "used" when rounding

_STATUS = {
    "Optimal": "optimal",
    "Time limit reached": "time_limit",
    "Infeasible": "infeasible",
    "Unbounded": "unbounded",
    "Primal infeasible or unbounded": "infeasible_or_unbounded",
    "Interrupted by user": "interrupted",
}
Report = Callable[[float, float | None], None]


@dataclass(frozen=True)
class Solution:
    status: str  # optimal | time_limit | infeasible | unbounded | infeasible_or_unbounded | interrupted | error
    objective: float | None  # internal units (MUSD)
    bound: float | None
    gap: float | None
    values: dict[str, dict] | None  # {variable: {index: value}}
    duals: dict[str, dict] | None  # {row group: {index: dual}}
    solve_s: float
    message: str = ""
    progress: list[dict] = field(default_factory=list)


@dataclass
class Plan:
    """An integer-feasible point of the compiled model and its objective (with the offset)."""

    x: np.ndarray
    objective: float
    row_dual: np.ndarray | None


def gap_of(obj: float | None, bound: float | None) -> float | None:
    if obj is None or bound is None or not math.isfinite(obj) or not math.isfinite(bound):
        return None
    return abs(obj - bound) / max(abs(obj), 1e-9)


def _highs(comp: Compiled, options: SolverOptions, log: bool, integer: bool) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(log))
    h.setOptionValue("mip_rel_gap", float(options.mip_rel_gap))
    h.setOptionValue("random_seed", 0)
    if options.threads:
        h.setOptionValue("threads", int(options.threads))
    h.passModel(comp.lp)
    if integer:
        cols = np.flatnonzero(comp.integer).astype(np.int32)
        h.changeColsIntegrality(len(cols), cols, np.full(len(cols), highspy.HighsVarType.kInteger))
    return h


def _status(h: highspy.Highs) -> str:
    return _STATUS.get(h.modelStatusToString(h.getModelStatus()), "error")


def _run(h: highspy.Highs, deadline: float) -> str:
    """Run HiGHS for the time left before ``deadline``; its status (time_limit if none is left)."""
    left = deadline - time.perf_counter()
    if left <= 0:
        return "time_limit"
    h.setOptionValue("time_limit", left)
    h.run()
    return _status(h)


def _objective(h: highspy.Highs, comp: Compiled) -> float:
    return h.getInfo().objective_function_value + comp.offset


def relax(comp: Compiled, options: SolverOptions, log: bool, deadline: float) -> tuple[highspy.Highs, str]:
    """Phase 1: the LP relaxation, interior point first, HiGHS's default solver if it stalls."""
    h = _highs(comp, options, log, integer=False)
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "off")
    status = _run(h, deadline)
    if status == "error":
        h.setOptionValue("solver", "choose")
        h.setOptionValue("run_crossover", "on")
        status = _run(h, deadline)
    return h, status


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


def round_and_fix(h: highspy.Highs, comp: Compiled, x: np.ndarray, deadline: float) -> Plan | None:
    """Phase 2: fix the binaries, re-solve, fix the GPU units, re-solve with crossover."""
    for units in (False, True):
        idx, val = rounded_fixings(comp, x, units)
        h.changeColsBounds(len(idx), idx, val, val)
        h.setOptionValue("run_crossover", "on" if units else "off")
        if _run(h, deadline) != "optimal":
            return None
        x = np.array(h.getSolution().col_value)
    return Plan(x, _objective(h, comp), np.array(h.getSolution().row_dual))


def branch_and_bound(
    comp: Compiled, options: SolverOptions, log: bool, start: Plan | None, bound: float, deadline: float, report: Report
) -> tuple[Plan | None, float, str]:
    """Phase 3: HiGHS's MIP from ``start`` until ``deadline``. Returns the plan if it improved
    on ``start`` (without duals), the best valid bound, and HiGHS's status."""
    hm = _highs(comp, options, log, integer=True)
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = list(start.x)
        sol.value_valid = True
        hm.setSolution(sol)

    def improved(e: object) -> None:
        d = e.data_out
        report(d.objective_function_value + comp.offset, max(bound, d.mip_dual_bound + comp.offset))

    hm.cbMipImprovingSolution.subscribe(improved)
    status = _run(hm, deadline)
    info = hm.getInfo()
    if math.isfinite(info.mip_dual_bound):
        bound = max(bound, info.mip_dual_bound + comp.offset)
    better = None
    incumbent = start.objective if start else math.inf
    if info.primal_solution_status == FEASIBLE and _objective(hm, comp) < incumbent - 1e-9:
        better = Plan(np.array(hm.getSolution().col_value), _objective(hm, comp), None)
    return better, bound, status


def duals_with_integers_fixed(h: highspy.Highs, comp: Compiled, plan: Plan, deadline: float) -> np.ndarray | None:
    """Phase 4: the LP with every integer fixed at the plan's value; its row duals, if solved."""
    idx = np.flatnonzero(comp.integer).astype(np.int32)
    vals = np.round(plan.x[idx])
    h.changeColsBounds(len(idx), idx, vals, vals)
    h.setOptionValue("run_crossover", "on")
    return np.array(h.getSolution().row_dual) if _run(h, deadline) == "optimal" else None


def classify(gap: float | None, options: SolverOptions, out_of_time: bool, highs_status: str) -> str:
    """Phase 5: optimal when the requested gap is met; otherwise why the search stopped."""
    if gap is not None and gap <= options.mip_rel_gap + 1e-12:
        return "optimal"
    return "time_limit" if out_of_time else highs_status


def _values(comp: Compiled, x: np.ndarray) -> dict[str, dict]:
    """{variable: {index: value}}, with the variables the compiler removed at their fixed value."""
    out: dict[str, dict] = {}
    for (name, key), v in list(comp.left_out.items()) + list(zip(comp.col_names, x.tolist())):
        out.setdefault(name, {})[key] = v
    return out


def _duals(comp: Compiled, row_dual: np.ndarray) -> dict[str, dict]:
    """{row group: {index: dual}}; a constraint the compiler split over two rows sums their duals."""
    out: dict[str, dict] = {}
    for (name, key), d in zip(comp.row_names, row_dual.tolist()):
        group = out.setdefault(name, {})
        group[key] = group.get(key, 0.0) + d
    return out


def _solution(comp: Compiled, status: str, plan: Plan | None, bound: float | None, t0: float, progress: list, message: str = "") -> Solution:
    values = _values(comp, plan.x) if plan else None
    duals = _duals(comp, plan.row_dual) if plan and plan.row_dual is not None else None
    obj = plan.objective if plan else None
    return Solution(status, obj, bound, gap_of(obj, bound), values, duals, time.perf_counter() - t0, message, progress)


def solve(comp: Compiled, options: SolverOptions, log: bool = False, on_incumbent: Callable[[dict], None] | None = None) -> Solution:
    """Solve the compiled model; report status, objective, a valid bound and the true gap."""
    t0 = time.perf_counter()
    deadline = t0 + float(options.time_limit_s)
    progress: list[dict] = []

    def report(obj: float, bound: float | None) -> None:
        rec = {"t_s": round(time.perf_counter() - t0, 3), "objective": obj, "bound": bound, "gap": gap_of(obj, bound)}
        progress.append(rec)
        if on_incumbent:
            on_incumbent(rec)

    h, status = relax(comp, options, log, deadline)
    if status != "optimal":
        msg = "no time left for the LP relaxation" if status == "time_limit" and time.perf_counter() >= deadline else h.modelStatusToString(h.getModelStatus())
        if status in ("infeasible", "unbounded", "infeasible_or_unbounded"):
            msg += ": the LP relaxation already fails, so no integer plan can exist (check demand, caps and eligibility)"
        return _solution(comp, status, None, None, t0, progress, msg)
    bound = _objective(h, comp)
    x = np.array(h.getSolution().col_value)
    if options.relax or not comp.integer.any():
        report(bound, bound)
        return _solution(comp, "optimal", Plan(x, bound, np.array(h.getSolution().row_dual)), bound, t0, progress)

    plan = round_and_fix(h, comp, x, deadline)
    if plan is not None:
        report(plan.objective, bound)
        if classify(gap_of(plan.objective, bound), options, False, "") == "optimal":
            return _solution(comp, "optimal", plan, bound, t0, progress)

    reserve = min(DUALS_RESERVE_S, 0.1 * options.time_limit_s)
    better, bound, highs_status = branch_and_bound(comp, options, log, plan, bound, deadline - reserve, report)
    out_of_time = highs_status == "time_limit" or time.perf_counter() >= deadline - reserve - 1e-3
    if better is not None:
        better.row_dual = duals_with_integers_fixed(h, comp, better, deadline)
        plan = better
    if plan is None:
        status = highs_status if highs_status in ("infeasible", "time_limit") else "error"
        return _solution(comp, status, None, bound, t0, progress, "no integer plan found" + (" in the time limit" if status == "time_limit" else ""))
    status = classify(gap_of(plan.objective, bound), options, out_of_time, highs_status)
    return _solution(comp, status, plan, bound, t0, progress)
