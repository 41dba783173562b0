"""The LP relaxation, the first phase: a valid lower bound, and the point rounding starts from.

Interior point without crossover (measured 9.6 s against 44–52 s for dual simplex or crossover on
the world LP), HiGHS's default solver with crossover if it stalls. Given a pruned route set
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


def _relax_once(h: highspy.Highs, deadline: float) -> str:
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "off")
    status = run_until(h, deadline)
    if status == "error":
        h.setOptionValue("solver", "choose")
        h.setOptionValue("run_crossover", "on")
        status = run_until(h, deadline)
    return status


def solve_relaxation(s: SolveState) -> tuple[str, float]:
    """The LP relaxation in ``s.h``, with route generation when ``s.pricing`` is set. Returns HiGHS's
    status and what the dropped routes could still save (≤ 0, MUSD; 0 once generation is complete),
    so that the LP objective plus it is a valid bound."""
    comp, options, pricing = s.comp, s.options, s.pricing
    h = s.h = new_highs(comp, options, s.log, integer=False, warnings=s.warnings)
    if pricing is None:
        return _relax_once(h, s.deadline), 0.0
    pricing.restrict(h)
    started, rounds = time.perf_counter(), 0
    while True:
        status = _relax_once(h, s.deadline)
        if status != "optimal":
            return status, 0.0
        rounds += 1
        sol = h.getSolution()
        row_dual = np.array(sol.row_dual)
        new = pricing.priced_out(row_dual)
        left = pricing.lagrangian_gap(row_dual) / comp.objective_scale if len(new) else 0.0
        close = -left <= options.generation_stop * options.mip_rel_gap * abs(comp.spend_of(np.array(sol.col_value)))
        late = time.perf_counter() - started > 0.5 * (s.deadline - started)
        if not len(new) or close or late:
            why = "" if not len(new) else (f", stopped with the bound {-left:,.6g} MUSD below the LP" if close else ", stopped for time")
            s.notes.append(f"{pricing.summary()}, {rounds} LP round(s){why}")
            return status, left
        pricing.add(h, new)


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
    if not comp.integer.any() and not options.relax:  # a plain LP (e.g. a build held fixed): its plan is a vertex
        h.setOptionValue("run_crossover", "on")
        if run_until(h, s.deadline) != "optimal":
            s.finish("time_limit", None, "no time left for the LP's crossover", bound=None)
            return
    s.lp = plan_of(h, comp)
    s.bound = s.lp.objective + left
    if options.relax or not comp.integer.any():
        s.report(s.lp.objective, s.bound)
        s.finish(classify(spend_gap_of(s.lp.objective, s.bound, s.lp.spend), options, True, "time_limit") if left else "optimal", s.lp)
