"""What the solve phases share: the compiled model, the clock, the LP session, the plan so far."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import highspy
import numpy as np

from tokensite.compile import Compiled
from tokensite.config import SolverOptions
from tokensite.solver.routes import RoutePricing
from tokensite.solver.rounding import RoundingColumns
from tokensite.solver.solution import Plan, Solution, gap_of, solution_of, spend_gap_of
from tokensite.solver.unit_prices import with_unit_prices


@dataclass
class SolveState:
    """One solve in progress. A phase reads and updates it; setting ``result`` ends the solve, and a
    phase may put later phases in ``skip`` (e.g. a failed rounding skips the search)."""

    comp: Compiled
    options: SolverOptions
    groups: RoundingColumns
    deadline: float
    log: bool = False
    pricing: RoutePricing | None = None
    on_incumbent: Callable[[dict], None] | None = None
    t0: float = field(default_factory=time.perf_counter)
    on_progress: Callable[[dict], None] | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    progress: list[dict] = field(default_factory=list)
    phases_s: dict[str, float] = field(default_factory=dict)
    phases: list[dict] = field(default_factory=list)  # {name, seconds, objective, bound} as each phase ends (MUSD)
    skip: set[str] = field(default_factory=set)
    h: highspy.Highs | None = None  # the LP session every phase but branch and bound re-solves
    start_basis: highspy.HighsBasis | None = None  # a basis the relaxation starts from (an alternative's: the optimum's)
    start_lp_s: float = 0.0  # what the LP of that basis took from scratch (the optimum's relaxation), seconds
    free_units_row_upper: dict[int, float] = field(default_factory=dict)  # row -> upper bound (HiGHS's units) while GPU units are free
    lp_basis: highspy.HighsBasis | None = None  # the relaxation's optimal basis
    lp_col_dual: np.ndarray | None = None  # the relaxation's reduced costs (HiGHS's cost units)
    units_free: highspy.HighsBasis | None = None  # the optimal basis of the LP with the rounded binaries fixed and GPU units free
    lp: Plan | None = None  # the LP relaxation's solution
    bound: float | None = None  # a valid lower bound of the full problem (MUSD)
    rounded: Plan | None = None  # the rounded plan, kept until the search has beaten it
    plan: Plan | None = None  # the best integer plan so far
    better: Plan | None = None  # a plan branch and bound found, not yet priced
    keep_s: float = 0.0  # time kept for one more rounded LP at the end (route generation's final pricing)
    reserve_s: float = 0.0  # time kept for rounding the searched plan
    improve_until: float = float("inf")  # when the search and the trim stop ([solver] improve_lp_multiple)
    lp_s: float = float("inf")  # seconds of the relaxation's last LP (interior point with crossover)
    highs_status: str = ""
    out_of_time: bool = False
    result: Solution | None = None

    def report(self, objective: float, bound: float | None) -> None:
        """Record an incumbent (MUSD) in the progress and pass it on; the same plan and bound again is not news."""
        if self.progress and (self.progress[-1]["objective"], self.progress[-1]["bound"]) == (objective, bound):
            return
        rec = {"t_s": round(time.perf_counter() - self.t0, 3), "objective": objective, "bound": bound, "gap": gap_of(objective, bound)}
        self.progress.append(rec)
        if self.on_incumbent:
            self.on_incumbent(rec)

    @property
    def warm_s(self) -> float:
        """How long a re-solve may try from the last basis before interior point from scratch ([solver] warm_share)."""
        return self.options.warm_share * self.lp_s

    def units_free_rows(self, free: bool) -> None:
        """Rows of ``free_units_row_upper`` at that bound while GPU units are free (the relaxation, the LP with the rounded
        binaries fixed, the search), at the model's own once they are fixed: what rounding the units costs has room."""
        lower, upper = np.asarray(self.comp.lp.row_lower_), np.asarray(self.comp.lp.row_upper_)
        for row, up in self.free_units_row_upper.items():
            self.h.changeRowBounds(int(row), float(lower[row]), float(up if free else upper[row]))

    def tell(self, phase: str, **detail: object) -> None:
        """Pass on a phase's progress: ``detail`` (e.g. ``done`` and ``total`` tries) with the plan and bound so far (MUSD)."""
        if self.on_progress:
            plan = self.plan if self.plan is not None else None
            obj, spend = (plan.objective, plan.spend) if plan is not None else (None, None)
            self.on_progress({"phase": phase, "t_s": round(time.perf_counter() - self.t0, 3), "objective": obj, "bound": self.bound,
                              "gap": gap_of(obj, self.bound), "spend_gap": spend_gap_of(obj, self.bound, spend), **detail})

    def finish(self, status: str, plan: Plan | None, message: str | None = None, bound: float | None = None) -> None:
        """End the solve with ``plan`` (None: no plan) and ``status``; the message defaults to the phases' notes."""
        text = "; ".join(self.notes) if message is None else message
        if not self.options.relax:  # the relaxation's own duals of the supply rows are already the LP's
            # gpu_supply's duals, in the phases' LP from the rounding's basis when every route is in it
            session = (self.h, self.units_free) if self.pricing is None and self.h is not None and self.units_free is not None else None
            plan = with_unit_prices(self.comp, self.options, plan, self.deadline, self.log, self.warnings, session, self.warm_s)
        self.result = solution_of(self.comp, status, plan, self.bound if bound is None else bound, self.t0, self.progress,
                                  self.warnings, text, self.options.zero, self.phases_s)
