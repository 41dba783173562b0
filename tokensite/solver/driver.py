"""The solve as one ordered list of phases, the way :mod:`tokensite.model.build` lists the families.

Each phase is a function of the shared :class:`~tokensite.solver.state.SolveState`; it may end the
solve (``state.finish``) or skip later phases (a rounding that fails skips the search). Money is
scaled by a power of 2 before HiGHS sees it (:func:`tokensite.compile.objective_scale`) and scaled
back on the way out; HiGHS's own warnings are collected, not printed, and reported with the solution.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace

import highspy
import numpy as np

from tokensite.compile import Compiled
from tokensite.config import SolverOptions
from tokensite.solver.finish import branch_and_bound, classify_plan, complete_routes, duals
from tokensite.solver.phases import round_lp, search, trim
from tokensite.solver.relax import relax
from tokensite.solver.routes import RoutePricing, RouteSet
from tokensite.solver.rounding import RoundingColumns
from tokensite.solver.solution import Plan, Solution
from tokensite.solver.state import SolveState

Phase = Callable[[SolveState], None]

PHASES: list[tuple[str, Phase]] = [
    ("relax", relax),  # the LP relaxation (with route generation): the bound
    ("round", round_lp),  # binaries, then GPU units, fixed from the LP: the rounded plan
    ("search", search),  # switch off what the LP only touched
    ("trim", trim),  # GPU purchases one unit too big
    ("complete_routes", complete_routes),  # the plan priced against every route; ends the solve within the gap
    ("branch_and_bound", branch_and_bound),  # HiGHS's MIP from the plan, for the time left
    ("duals", duals),  # the fixed-integer LP of a plan branch and bound found
    ("classify", classify_plan),  # optimal, time_limit or HiGHS's verdict
]


FROM_A_PLAN = ("branch_and_bound", "duals", "classify")
"""The phases that improve a known integer plan (an alternative warm-started from the optimum)."""


def solve_compiled(comp: Compiled, options: SolverOptions, groups: RoundingColumns, *, log: bool = False,
                   on_incumbent: Callable[[dict], None] | None = None, on_phase: Callable[[str, float], None] | None = None,
                   routes: RouteSet | None = None, start: np.ndarray | None = None,
                   on_progress: Callable[[dict], None] | None = None, basis: highspy.HighsBasis | None = None,
                   basis_lp_s: float = 0.0, free_units_row_upper: dict[int, float] | None = None) -> Solution:
    """Solve the compiled model by :data:`PHASES`; report status, objective, a valid bound and the
    true gaps. ``groups`` say how its integers are rounded (:func:`tokensite.solver.rounding_groups`);
    with ``routes`` (:func:`tokensite.solver.routes.route_set`), flows are generated from that pruned set.
    Given a ``start`` plan (integer-feasible column values), only :data:`FROM_A_PLAN` run, from it; given a
    ``basis`` (of the same rows and columns: an alternative's from the optimum's relaxation), the relaxation
    starts from it by primal simplex, for at most ``[solver] alternatives_warm_share`` of ``basis_lp_s``, the
    seconds that LP took from scratch. ``free_units_row_upper`` tightens rows (index -> upper bound in HiGHS's
    units) while GPU units are free: the relaxation, the LP with the rounded binaries fixed and the search; every
    LP with the units fixed sees the model's own bounds (an alternative's cost cap: the LPs that choose where to go
    spend part of the slack, rounding the units may use the rest). The bound is then the tightened relaxation's,
    not a bound of the model.
    ``on_phase`` receives each phase's name and seconds as it ends; ``on_progress`` each phase's start and
    progress (:meth:`SolveState.tell`). The solution's ``phases`` give each phase's seconds, and the plan's
    objective and the bound (MUSD) as it ended."""
    t0 = time.perf_counter()
    s = SolveState(comp, options, groups, t0 + float(options.time_limit_s), log,
                   RoutePricing(comp, routes) if routes is not None else None, on_incumbent, t0, on_progress, start_basis=basis,
                   start_lp_s=basis_lp_s, free_units_row_upper=dict(free_units_row_upper or {}))
    if start is not None:
        s.plan = Plan(start, comp.objective_of(start), comp.spend_of(start), None)
        s.bound = -math.inf
        s.skip |= {name for name, _ in PHASES if name not in FROM_A_PLAN}
    for name, phase in PHASES:
        if s.result is not None:
            break
        if name in s.skip:
            continue
        started = time.perf_counter()
        s.tell(name)
        phase(s)
        s.phases_s[name] = round(time.perf_counter() - started, 3)
        plan = s.result if s.result is not None else s.plan
        s.phases.append({"name": name, "seconds": s.phases_s[name], "objective": plan.objective if plan is not None else None,
                         "bound": s.result.bound if s.result is not None else s.bound})
        s.tell(name, ended=True)
        if on_phase:
            on_phase(name, s.phases_s[name])
    if s.result is None:
        raise RuntimeError("the solve phases ended without a result: the classify phase must end every solve")
    return replace(s.result, phases_s=dict(s.phases_s), phases=list(s.phases), basis=s.lp_basis)
