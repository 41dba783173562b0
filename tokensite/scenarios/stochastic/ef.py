"""The recourse problem as one extensive form: every scenario's model side by side, their first
stages tied equal, the probability-weighted cost minimised. Built here and solved by tokensite's own
HiGHS phases (``ef``), or built by mpi-sppy and solved by HiGHS's branch and bound (``ef-mpisppy``)."""

from __future__ import annotations

import math
import time

import pyomo.environ as pyo

from tokensite.compile import compile_model
from tokensite.config import Case
from tokensite.errors import UserError
from tokensite.model.extensive import extensive_form
from tokensite.scenarios.stochastic.models import attach, first_stage_keys, nonant_list, scenario_models
from tokensite.scenarios.stochastic.recourse import RecourseSolution, build_of
from tokensite.solver import rounding_groups, solve_compiled


def block(scenario: str) -> str:
    """The name of a scenario's block in the extensive form, which prefixes its compiled column names."""
    return f"scenario_{scenario}"


def solve_ef_direct(cases: dict[str, Case], probabilities: dict[str, float]) -> RecourseSolution:
    """The extensive form built here (:func:`tokensite.model.extensive.extensive_form`) and solved by
    tokensite's own HiGHS phases (interior-point bound, rounding, local search, branch and bound if the
    gap is missed) to the first case's gap (of the expected spend) and time limit."""
    t0 = time.perf_counter()
    models = scenario_models(cases)
    keys = first_stage_keys(models)
    nonants = {n: nonant_list(n, models, keys) for n in cases}
    first = next(iter(cases))
    columns = [(f"{block(first)}.{v.parent_component().local_name}", v.index()) for v in nonants[first]]  # compiled names are block-qualified
    ef = extensive_form({n: m for n, (m, _, _) in models.items()}, probabilities, nonants)
    comp = compile_model(ef, cases[first].solver)
    groups = rounding_groups(comp, {block(n): (ix, par) for n, (_, ix, par) in models.items()})
    built_s = time.perf_counter() - t0
    out = solve_compiled(comp, cases[first].solver, groups=groups)
    detail = {"engine": "tokensite phases", "ef_variables": int(comp.lp.num_col_), "ef_constraints": int(comp.lp.num_row_),
              "build_s": round(built_s, 3), "spend_gap": out.spend_gap, "message": out.message}
    if out.values is None:
        return RecourseSolution({}, None, out.bound, out.status, "ef", time.perf_counter() - t0, detail)
    values = {k: float(out.values[var][idx]) for k, (var, idx) in zip(keys, columns)}  # tied equal: the first scenario's stand for all
    return RecourseSolution(build_of(keys, values), out.objective, out.bound, out.status, "ef", time.perf_counter() - t0, detail)


def _ef_solver_options(case: Case) -> dict:
    return {"time_limit": float(case.solver.time_limit_s), "mip_rel_gap": float(case.solver.mip_rel_gap)}


def solve_ef(cases: dict[str, Case], probabilities: dict[str, float]) -> RecourseSolution:
    """The extensive form through mpi-sppy, solved by HiGHS's branch and bound to the first case's gap and time limit."""
    try:
        from mpisppy.opt.ef import ExtensiveForm  # optional extra: tokensite[stochastic]
    except ImportError:
        raise UserError("tokensite stochastic needs mpi-sppy: pip install 'tokensite[stochastic]'") from None
    t0 = time.perf_counter()
    models = scenario_models(cases)
    keys = first_stage_keys(models)
    names = list(cases)
    # mpi-sppy matches first-stage variables by position; their names differ only where a tranche is
    # take_after_horizon in some scenarios (first_stage_keys puts every scenario in one order)
    ef = ExtensiveForm({"solver": "appsi_highs", "turn_off_names_check": True}, names,
                       lambda name, **_: attach(name, models, keys, probabilities[name]))
    results = ef.solve_extensive_form(solver_options=_ef_solver_options(cases[names[0]]))
    cond = str(results.solver.termination_condition)
    lower = results.problem.lower_bound
    bound = float(lower) if lower is not None and math.isfinite(float(lower)) else None
    if not ef.tree_solution_available:
        return RecourseSolution({}, None, bound, cond, "ef-mpisppy", time.perf_counter() - t0, {})
    values = {}
    for name in names:
        m = ef.local_scenarios[name]
        for k, v in zip(keys, m._mpisppy_node_list[0].nonant_vardata_list):
            values.setdefault(k, float(pyo.value(v)))
    objective = float(ef.get_objective_value())
    status = "optimal" if cond == "optimal" else "time_limit" if "Limit" in cond or cond == "maxTimeLimit" else cond
    detail = {"termination": cond, "ef_variables": int(ef.ef.nvariables()), "ef_constraints": int(ef.ef.nconstraints())}
    return RecourseSolution(build_of(keys, values), objective, bound, status, "ef-mpisppy", time.perf_counter() - t0, detail)
