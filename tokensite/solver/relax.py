"""The LP relaxation, the first phase: a valid lower bound, and the point rounding starts from.

Interior point with crossover, HiGHS's default solver if it stalls. In the internal units
(:mod:`tokensite.scaling`) crossover costs little (world case: 4,509 iterations, about 2 s of CPU on
the interior point's 24 s; before, badly scaled, it ended "imprecise" and needed a simplex clean-up
of 20-30 s), and it gives a vertex with an exact objective (a valid bound, where an interior point's
primal objective is not) and a basis every later re-solve starts from
(:func:`tokensite.solver.highs.resolve`). Given a pruned route set
(:mod:`tokensite.solver.routes`), flows are generated: the restricted LP is solved, dropped flows
that price out are added back, until none does or what they could still save is below
``[solver] generation_stop`` of the gap target (mip_rel_gap × spend); the bound is the Lagrangian
bound of the full LP at every stage.
"""

from __future__ import annotations

import time

import highspy
import numpy as np

from tokensite.solver.highs import new_highs, run_until
from tokensite.solver.solution import classify, plan_of, spend_gap_of
from tokensite.solver.state import SolveState


def _relax_once(s: SolveState) -> str:
    h, deadline = s.h, s.deadline
    started = time.perf_counter()
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "on")
    status = run_until(h, deadline)
    if status == "error":
        h.setOptionValue("solver", "choose")
        h.setOptionValue("run_crossover", "on")
        status = run_until(h, deadline)
    s.lp_s = time.perf_counter() - started
    return status


def _from_basis(s: SolveState) -> str:
    """The relaxation by primal simplex from ``s.start_basis`` (primal feasible: the optimum's vertex under a cap
    it meets) for at most ``[solver] alternatives_warm_share`` of ``s.start_lp_s`` (what the same LP took from
    scratch), else by interior point from scratch. Measured on the world with
    a 1 % cap: maximising a campus's MW took 653 primal iterations (0.9 s) against 24.5 s of interior point,
    minimising it 69k (98 s) against 31 s; dual simplex from the basis did neither in 300 s."""
    h, budget_s = s.h, s.options.alternatives_warm_share * s.start_lp_s
    h.setBasis(s.start_basis)
    strategy = h.getOptionValue("simplex_strategy")[1]
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("simplex_strategy", 4)  # primal
    try:
        status = run_until(h, min(s.deadline, time.perf_counter() + budget_s))
    finally:
        h.setOptionValue("simplex_strategy", strategy)
    if status == "optimal" or time.perf_counter() >= s.deadline:
        s.lp_s = s.start_lp_s  # what a later re-solve's warm budget is measured against
        return status
    s.notes.append(f"the relaxation from the optimum's basis did not finish in {budget_s:.1f} s; interior point instead")
    return _relax_once(s)


def _next_round_late(s: SolveState, started: float, adding: int) -> bool:
    """Whether the next restricted LP would end past half of the time from ``started`` to the deadline: its time is
    predicted as the last LP's times the growth of the LP's columns (linear, optimistic for interior point). Measured
    on the continental XL (2026-12-07): the first restricted LP (527k columns after presolve) took 481 s, the
    flows it priced out made the second 1.19 M, whose interior point alone would have taken most of the 30 min."""
    active = s.comp.lp.num_col_ - len(s.pricing.dropped_cols)
    next_s = s.lp_s * (active + adding) / max(active, 1)
    return time.perf_counter() - started + next_s > 0.5 * (s.deadline - started)


def solve_relaxation(s: SolveState) -> tuple[str, float]:
    """The LP relaxation in ``s.h``, with route generation when ``s.pricing`` is set. Returns HiGHS's
    status and what the dropped routes could still save (≤ 0, MUSD; 0 once generation is complete),
    so that the LP objective plus it is a valid bound."""
    comp, options, pricing = s.comp, s.options, s.pricing
    h = s.h = new_highs(comp, options, s.log, integer=False, warnings=s.warnings)
    s.units_free_rows(True)
    if pricing is None:
        return (_from_basis(s) if s.start_basis is not None else _relax_once(s)), 0.0
    pricing.restrict(h)
    started, rounds = time.perf_counter(), 0
    while True:
        status = _relax_once(s)
        if status != "optimal":
            return status, 0.0
        rounds += 1
        sol = h.getSolution()
        row_dual = np.array(sol.row_dual)
        new = pricing.priced_out(row_dual)
        left = pricing.lagrangian_gap(row_dual) / comp.objective_scale if len(new) else 0.0
        close = -left <= options.generation_stop * options.mip_rel_gap * abs(comp.spend_of(np.array(sol.col_value)))
        late = _next_round_late(s, started, len(new))
        if not len(new) or close or late:
            why = "" if not len(new) else (f", stopped with the bound {-left:,.6g} MUSD below the LP" if close else ", stopped: the next LP would not end within half the time")
            s.notes.append(f"{pricing.summary()}, {rounds} LP round(s){why}")
            return status, left
        pricing.add(h, new)
        s.tell("relax", rounds=rounds, flows_added=len(new))


def relax(s: SolveState) -> None:
    """Phase ``relax``: the bound. Ends the solve when the LP fails, when only the relaxation was
    asked for (``[solver] relax``), and for a model with no integer column (its LP is its plan)."""
    status, left = solve_relaxation(s)
    h, comp, options = s.h, s.comp, s.options
    if status != "optimal":
        msg = "no time left for the LP relaxation" if status == "time_limit" and time.perf_counter() >= s.deadline else h.modelStatusToString(h.getModelStatus())
        if status in ("infeasible", "unbounded", "infeasible_or_unbounded"):
            msg += ": the LP relaxation already fails, so no integer plan can exist (check demand, caps and eligibility)"
            if s.groups.must_host:
                msg += ("; committed training programs must all be hosted: each was checked to fit some campus on its own, "
                        "but not together with the others (campus power and GPU supply are shared)")
        s.finish(status, None, msg, bound=None)
        return
    s.lp = plan_of(h, comp)
    s.lp_basis = h.getBasis()
    s.lp_col_dual = np.array(h.getSolution().col_dual)
    s.bound = s.lp.objective + left
    now = time.perf_counter()
    s.improve_until = max(s.t0 + options.improve_lp_multiple * (now - s.t0), now + options.improve_min_s)
    if options.relax or not comp.integer.any():
        s.report(s.lp.objective, s.bound)
        s.finish(classify(spend_gap_of(s.lp.objective, s.bound, s.lp.spend), options, True, "time_limit") if left else "optimal", s.lp)
