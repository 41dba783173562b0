"""What a solve returns: a plan as column values, its objective and spend, a bound and the honest gaps.

The gap a planner cares about is relative to what the plan spends (capex + opex), not to an
objective that is mostly the value of unserved tokens: ``optimal`` means
(objective − bound) ≤ mip_rel_gap × spend (:func:`spend_gap_of`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import highspy
import numpy as np

from tokensite.compile import Compiled
from tokensite.config import SolverOptions


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
    phases_s: dict[str, float] = field(default_factory=dict)  # seconds spent in each solve phase that ran
    phases: list[dict] = field(default_factory=list)  # each phase that ran: name, seconds, objective and bound (MUSD) as it ended
    basis: highspy.HighsBasis | None = None  # the relaxation's optimal basis (an alternative's relaxation starts from it)


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


def classify(spend_gap: float | None, options: SolverOptions, out_of_time: bool, highs_status: str) -> str:
    """Optimal when the gap is within mip_rel_gap of the plan's spend; otherwise why the search stopped."""
    if spend_gap is not None and spend_gap <= options.mip_rel_gap + 1e-12:
        return "optimal"
    return "time_limit" if out_of_time else highs_status


def plan_of(h: highspy.Highs, comp: Compiled, duals: bool = True) -> Plan:
    """The point HiGHS holds, as a :class:`Plan` (x in HiGHS's columns; row duals in MUSD per model row unit)."""
    sol = h.getSolution()
    x = np.array(sol.col_value)
    return Plan(x, comp.objective_of(x), comp.spend_of(x), comp.model_duals(np.array(sol.row_dual)) if duals else None)


def values_of(comp: Compiled, x: np.ndarray, zero: float) -> dict[str, dict]:
    """{variable: {index: value}}, with the variables the compiler removed at their fixed value and
    values below ``zero`` (internal units: Mtok/s, MW, GPU units) written as 0."""
    out: dict[str, dict] = {}
    for (name, key), v in list(comp.left_out.items()) + list(zip(comp.col_names, comp.model_x(x).tolist())):
        out.setdefault(name, {})[key] = v if abs(v) > zero else 0.0
    return out


def duals_of(comp: Compiled, row_dual: np.ndarray) -> dict[str, dict]:
    """{row group: {index: dual}}; a constraint the compiler split over two rows sums their duals."""
    out: dict[str, dict] = {}
    for (name, key), d in zip(comp.row_names, row_dual.tolist()):
        group = out.setdefault(name, {})
        group[key] = group.get(key, 0.0) + d
    return out


def solution_of(comp: Compiled, status: str, plan: Plan | None, bound: float | None, t0: float, progress: list,
                warnings: list[str], message: str = "", zero: float = 1e-9, phases_s: dict[str, float] | None = None) -> Solution:
    values = values_of(comp, plan.x, zero) if plan else None
    duals = duals_of(comp, plan.row_dual) if plan and plan.row_dual is not None else None
    obj, spend = (plan.objective, plan.spend) if plan else (None, None)
    return Solution(status, obj, bound, gap_of(obj, bound), values, duals, time.perf_counter() - t0, message, progress,
                    spend, spend_gap_of(obj, bound, spend), tuple(warnings), plan.x if plan else None, dict(phases_s or {}))


def solution_at(comp: Compiled, x: np.ndarray, status: str, bound: float | None, solve_s: float, message: str = "", zero: float = 1e-9) -> Solution:
    """A :class:`Solution` for a plan ``x`` found elsewhere (an alternative of :mod:`tokensite.scenarios.alternatives`):
    its objective and spend at x against ``bound``, without duals."""
    plan = Plan(x, comp.objective_of(x), comp.spend_of(x), None)
    return solution_of(comp, status, plan, bound, time.perf_counter() - solve_s, [], [], message, zero)
