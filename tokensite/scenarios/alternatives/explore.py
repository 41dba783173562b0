"""Solving every direction under the cost cap: one row Σ c_j x_j + c_0 ≤ z* + slack · S* added to the
compiled model (:func:`with_cost_cap`, built the same way for HiGHS's MIP and for the phases), and
another objective per direction.

Each direction is one more run of the shared phases (:func:`tokensite.solver.solve_compiled`) on
the capped model with the direction as its objective: every LP with the GPU units free (the relaxation,
the LP with the rounded binaries fixed, the search) under a cap that keeps ``[solver] alternatives_cap_reserve``
of the slack back (:func:`reserve_cap`), every LP with the units fixed under the whole cap, so that rounding
the units up has room. On a large case, all of them from the
relaxation; below ``[solver] alternatives_phases_above_columns`` columns, and as the fallback when
that finds no plan, only the phases that improve a known plan (branch and bound, fixed-integer
duals, classify), warm-started from the optimum, which is feasible under the cap, so every run
starts with an incumbent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import highspy
import numpy as np

from tokensite.compile import Compiled
from tokensite.run import Built
from tokensite.scenarios.alternatives.directions import Direction, cost_vector, x_of
from tokensite.solver import RoundingColumns, Solution, solve_compiled

CAP_TOLERANCE = 1e-9  # relative: the optimum itself stays feasible under a 0 % cap
CAP_RHS_DECADE = 2  # the cost-cap row's right-hand side is scaled to about 10^2
METHODS = ("auto", "mip", "phases")


@dataclass
class Run:
    """One direction's outcome: the plan x (None if none was found), HiGHS's status, the direction's
    objective and bound (MW), seconds."""

    direction: Direction
    x: np.ndarray | None
    highs_status: str
    objective_mw: float | None
    bound_mw: float | None
    solve_s: float
    note: str = ""  # why the phases gave no plan, when the warm-started MIP was used instead


def cost_cap_musd(optimum: Solution, slack: float) -> float:
    """z* + slack · S*, widened by :data:`CAP_TOLERANCE` so the optimum itself stays feasible."""
    cap = optimum.objective + slack * max(optimum.spend or 0.0, 0.0)
    return cap + CAP_TOLERANCE * max(1.0, abs(cap))


def with_cost_cap(comp: Compiled, cap_musd: float) -> Compiled:
    """The compiled model with one more row, Σ c_j x_j ≤ (cap − c_0) · scale, named ``c_alternatives_cost_cap``,
    divided by the power of ten that brings its right-hand side (the objective's size) near 1e2, inside
    HiGHS's range of bounds (:mod:`tokensite.scaling`)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(comp.lp)
    cost = np.asarray(comp.lp.col_cost_)
    nz = np.flatnonzero(cost).astype(np.int32)
    rhs, unit = _cap_rhs(comp, cap_musd)
    h.addRow(-highspy.kHighsInf, rhs, len(nz), nz, cost[nz] * unit)
    row_unit = None if comp.row_unit is None else np.append(comp.row_unit, unit)
    return replace(comp, lp=h.getLp(), row_names=[*comp.row_names, ("c_alternatives_cost_cap", None)], row_unit=row_unit)


def _cap_rhs(comp: Compiled, cap_musd: float, unit: float | None = None) -> tuple[float, float]:
    """The cost-cap row's right-hand side in HiGHS's units, and the row's unit (chosen from this cap unless given)."""
    rhs = (cap_musd - comp.offset) * comp.objective_scale
    if unit is None:
        unit = 10.0 ** (CAP_RHS_DECADE - round(np.log10(abs(rhs)))) if rhs else 1.0
    return rhs * unit, unit


def reserve_cap(comp: Compiled, cap_musd: float, reserve_musd: float) -> dict[int, float]:
    """The cost-cap row that :func:`with_cost_cap` adds to ``comp`` at ``cap_musd`` (the row after ``comp``'s last), at
    ``reserve_musd`` instead, as the phases' ``free_units_row_upper``: the LPs that choose where to go spend at most
    that, rounding the GPU units may spend up to the cap."""
    unit = _cap_rhs(comp, cap_musd)[1]
    return {comp.lp.num_row_: _cap_rhs(comp, reserve_musd, unit)[0]}


def directed(capped: Compiled, c: np.ndarray) -> Compiled:
    """The ``capped`` model with ``c`` (MW per column) as its objective, for the phases. The objective
    is made nonnegative by a constant, Σ max(0, −c_j) · ub_j over finite bounds, so the phases'
    relative gap is defined."""
    lp = capped.lp  # one LP per exploration, its costs set per direction
    lp.col_cost_ = c
    ub = np.asarray(lp.col_upper_)
    neg = (c < 0) & np.isfinite(ub)
    return replace(capped, lp=lp, offset=float(np.dot(-c[neg], ub[neg])), objective_scale=1.0, unserved_cols=np.array([], dtype=np.int32))


def with_cap_row(basis: highspy.HighsBasis | None) -> highspy.HighsBasis | None:
    """The optimum's relaxation basis for the capped model: the cost-cap row basic (its slack is what the
    cap leaves over the relaxation's cost, nonnegative), so the basis stays primal feasible."""
    if basis is None or not basis.valid:
        return None
    out = highspy.HighsBasis()
    out.col_status = list(basis.col_status)
    out.row_status = [*basis.row_status, highspy.HighsBasisStatus.kBasic]
    out.valid = True
    return out


def _by_phases(built: Built, groups: RoundingColumns, capped: Compiled, c: np.ndarray, deadline: float, log: bool,
               basis: highspy.HighsBasis | None, basis_lp_s: float, reserve: dict[int, float]) -> tuple[np.ndarray | None, str]:
    """The direction solved by tokensite's phases on the ``capped`` model, its relaxation from ``basis``, every LP
    with the GPU units free under the ``reserve`` cap; (None, why) if they find no plan in time."""
    left = deadline - time.perf_counter()
    if left <= 1:
        return None, "no time left for the phases"
    sol = solve_compiled(directed(capped, c), replace(built.case.solver, time_limit_s=left), groups, log=log, basis=basis,
                         basis_lp_s=basis_lp_s, free_units_row_upper=reserve)
    return (None, f"phases: {sol.status}: {sol.message}") if sol.values is None else (x_of(built, sol.values), "")


def explore(built: Built, optimum: Solution, dirs: list[Direction], groups: dict, slack: float, time_limit_s: float,
            log: bool = False, on_run: Callable[[Run], None] | None = None, phases: bool = False,
            fallback_s: float = 0.0, rounding: RoundingColumns | None = None) -> tuple[list[Run], float, list[str]]:
    """Solve every direction: the compiled case with the cost cap added, its objective changed per
    direction. With ``phases`` (and the optimum's ``rounding`` groups) each direction is first tried
    by tokensite's phases under a cap that keeps ``[solver] alternatives_cap_reserve`` of the slack
    back for rounding (a large case, where branch and bound from the optimum rarely improves on it
    within the limit), and the warm-started MIP, for ``fallback_s`` more, only if they find no plan.
    Returns the runs, the cap (MUSD) and HiGHS's warnings."""
    comp, options = built.comp, built.case.solver
    warnings: list[str] = []
    cap = cost_cap_musd(optimum, slack)
    capped = with_cost_cap(comp, cap)  # one LP for the phases and the MIP: directed() sets the same costs for both
    x_opt = x_of(built, optimum.values)
    runs = []
    reserve = reserve_cap(comp, cap, cost_cap_musd(optimum, options.alternatives_cap_reserve * slack))
    basis = with_cap_row(optimum.basis) if options.alternatives_warm_share > 0 else None
    basis_lp_s = optimum.phases_s.get("relax", 0.0)
    for d in dirs:
        t0 = time.perf_counter()
        c = cost_vector(groups, d, comp.lp.num_col_)
        sign = -1.0 if d.kind == "max" else 1.0
        note = ""
        run = None
        if phases:
            x, note = _by_phases(built, rounding, capped, c, t0 + time_limit_s, log, basis, basis_lp_s, reserve)
            if x is not None:
                run = Run(d, x, "phases", sign * float(np.dot(c, x)), None, round(time.perf_counter() - t0, 3))
        if run is None:
            limit = t0 + time_limit_s + (fallback_s if phases else 0.0) - time.perf_counter()
            directed_mip = directed(capped, c)
            sol = solve_compiled(directed_mip, replace(options, time_limit_s=max(limit, 1e-9)), rounding, log=log, start=x_opt)
            warnings.extend(w for w in sol.warnings if w not in warnings)
            bound = (sol.bound - directed_mip.offset) * sign if sol.bound is not None and np.isfinite(sol.bound) else None
            x = sol.x
            run = Run(d, x, sol.status, None if x is None else sign * float(np.dot(c, x)), bound, round(time.perf_counter() - t0, 3), note)
        runs.append(run)
        if on_run:
            on_run(run)
    return runs, cap, warnings
