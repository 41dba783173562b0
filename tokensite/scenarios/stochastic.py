"""``tokensite stochastic``: one build that holds up across futures, as a two-stage stochastic program.

A scenario is a name, a probability and overrides (as in a sweep). The first stage (what is built:
:data:`tokensite.model.stages.FIRST_STAGE`) is shared by every scenario; the second stage
(operations) is each scenario's own. The recourse problem (RP) is solved by

* ``ef``: the extensive form built here (:mod:`tokensite.model.extensive`) and solved by tokensite's own
  HiGHS phases (measured to find plans where the next one finds none in the same time);
* ``ef-mpisppy``: the extensive form built by mpi-sppy (``mpisppy.opt.ef.ExtensiveForm``) from one tokensite
  model per scenario, solved by HiGHS's branch and bound (``appsi_highs``); or
* ``ph``: Progressive Hedging with an xhat incumbent (:mod:`tokensite.scenarios.ph`, run under
  ``mpiexec -n N python -m mpi4py -m tokensite.stochastic``), proximal terms linearised.

Then, with the existing :func:`tokensite.solve` and results writer: each scenario's operations under
the here-and-now build (``fixed_build``), each scenario alone (wait-and-see), and the mean-value
plan (every override at its probability-weighted mean) evaluated in each scenario. Reported:
expected cost, EVPI = RP − WS, VSS = EEV − RP (docs/formulation.md, "Stages").
"""

from __future__ import annotations

import csv
import json
import math
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tokensite.config import Case, load_case
from tokensite.errors import UserError
from tokensite.scenarios.overrides import CellOverride, OverrideError, QueueShift, apply_to_case, check_overrides, parse

PROBABILITY_TOLERANCE = 1e-6
Build = dict[str, dict]  # {first-stage variable: {index: value}}


@dataclass(frozen=True)
class Scenario:
    name: str
    probability: float
    overrides: tuple[tuple[str, Any], ...]


def _cell(text: str) -> Any:
    text = text.strip()
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def read_scenarios(path: str | Path) -> list[Scenario]:
    """Scenarios from a CSV: ``name``, ``probability``, then one column per override key (a blank
    cell leaves that key at the base). Probabilities are in (0, 1] and sum to 1.
    Raises :class:`UserError` naming the file, line and column at fault."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such scenarios file")
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    if not rows or [h.strip() for h in rows[0][:2]] != ["name", "probability"]:
        raise UserError(f"{path}:1: the header must start with name,probability then one column per override key")
    keys = [h.strip() for h in rows[0][2:]]
    for k in keys:
        try:
            parse(k, 1 if k.startswith("queue_shift:") else 1.0)
        except OverrideError as e:
            raise UserError(f"{path}:1: {e}") from None
    out = []
    for line, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        r = r + [""] * (len(keys) + 2 - len(r))
        name = r[0].strip()
        try:
            p = float(r[1])
        except ValueError:
            raise UserError(f"{path}:{line}: probability {r[1]!r} is not a number") from None
        if not name or not (0 < p <= 1):
            raise UserError(f"{path}:{line}: needs a name and a probability in (0, 1] (got {name!r}, {r[1]!r})")
        given = tuple((k, _cell(v)) for k, v in zip(keys, r[2:]) if v.strip())
        for k, v in given:
            try:
                parse(k, v)
            except OverrideError as e:
                raise UserError(f"{path}:{line}: {e}") from None
        out.append(Scenario(name, p, given))
    names = [s.name for s in out]
    if not out:
        raise UserError(f"{path}: no scenarios")
    if len(set(names)) != len(names):
        raise UserError(f"{path}: scenario names repeat: {', '.join(sorted({n for n in names if names.count(n) > 1}))}")
    total = sum(s.probability for s in out)
    if abs(total - 1) > PROBABILITY_TOLERANCE:
        raise UserError(f"{path}: probabilities sum to {total:g}, not 1")
    return out


def scenario_case(base: Case, sc: Scenario, **solver: Any) -> Case:
    return apply_to_case(base, list(sc.overrides), name=sc.name).with_solver(**solver)


def mean_value_overrides(base: Case, scenarios: list[Scenario]) -> list[tuple[str, Any]]:
    """Every override at its probability-weighted mean; where a scenario leaves a key out it counts at
    the base: the case's own [scale] value, 1 for a multiplying cell override, 0 for a queue shift.
    A cell set to a value has no base to average with, so it must be given in every scenario."""
    keys = list(dict.fromkeys(k for s in scenarios for k, _ in s.overrides))
    out = []
    for k in keys:
        parsed = parse(k, 1 if k.startswith("queue_shift:") else 1.0)
        if isinstance(parsed, tuple):
            at_base: Any = getattr(base.scale, parsed[0])
        elif isinstance(parsed, QueueShift):
            at_base = 0
        elif isinstance(parsed, CellOverride) and parsed.multiply:
            at_base = 1.0
        else:
            at_base = None
        values = []
        for s in scenarios:
            v = dict(s.overrides).get(k, at_base)
            if v is None or isinstance(v, str):
                raise UserError(f"the mean-value plan needs {k} as a number in every scenario (scenario {s.name} has {v!r})")
            values.append(s.probability * float(v))
        mean = sum(values)
        out.append((k, round(mean, 12) if not isinstance(parsed, QueueShift) else mean))
    return out


# ---------------------------------------------------------------- extensive form (mpi-sppy)

def _models(cases: dict[str, Case]) -> dict[str, tuple]:
    from tokensite.dataset.checks import check_case
    from tokensite.model import build_model
    from tokensite.scenarios.overrides import read_case_dataset

    out = {}
    for name, case in cases.items():
        ds = read_case_dataset(case)
        check_case(case, ds)
        out[name] = build_model(ds, case)
    return out


def first_stage_keys(models: dict[str, tuple]) -> list[tuple[str, object]]:
    """The union of every scenario's first-stage (variable, index), in one order. Scenarios may differ
    only in queue tranches (a shift can move a tranche past the horizon); anything else raises."""
    from tokensite.model.stages import FIRST_STAGE, first_stage_vars

    per = {n: [k for k, _ in first_stage_vars(m)] for n, (m, _, _) in models.items()}
    union = sorted({k for ks in per.values() for k in ks}, key=lambda k: (FIRST_STAGE.index(k[0]), repr(k[1])))
    for n, ks in per.items():
        missing = [k for k in union if k not in set(ks) and k[0] != "take"]
        if missing:
            shown = ", ".join(f"{v}[{i}]" for v, i in missing[:5])
            raise UserError(f"scenario {n} lacks first-stage decisions the others have ({shown}{' ...' if len(missing) > 5 else ''}): "
                            "scenarios may change what a build costs or yields, but not which GPUs, sites or years exist")
    return union


def nonant_list(name: str, models: dict[str, tuple], keys: list) -> list:
    """One scenario's first-stage variables in the shared order. A tranche this scenario lacks is a free
    binary ``take_after_horizon[q]`` with no cost or effect (requested now, it lands after the horizon)."""
    import pyomo.environ as pyo

    from tokensite.model.ledger import ledger
    from tokensite.model.stages import first_stage_vars

    m = models[name][0]
    if m.component("take_after_horizon") is None:
        have = dict(first_stage_vars(m))
        absent = [k[1] for k in keys if k not in have]
        m.take_after_horizon = pyo.Var(absent, domain=pyo.Binary, doc="tranche landing after this scenario's horizon")
        ledger(m).rounding.use_if_positive += list(m.take_after_horizon.values())
        m._nonants = [have[k] if k in have else m.take_after_horizon[k[1]] for k in keys]
    return m._nonants


def _attach(name: str, models: dict[str, tuple], keys: list, probability: float):
    """One scenario's model with mpi-sppy's root node: the first-stage variables and their cost."""
    from mpisppy.utils import sputils

    from tokensite.model.stages import first_stage_cost

    m, _, par = models[name]
    sputils.attach_root_node(m, first_stage_cost(m, par), nonant_list(name, models, keys))
    m._mpisppy_probability = probability
    return m


def _ef_solver_options(case: Case) -> dict:
    return {"time_limit": float(case.solver.time_limit_s), "mip_rel_gap": float(case.solver.mip_rel_gap)}


@dataclass(frozen=True)
class RecourseSolution:
    """The here-and-now build of the recourse problem and how well it was solved (MUSD)."""

    build: Build
    objective: float | None
    bound: float | None
    status: str
    method: str
    seconds: float
    detail: dict


def build_of(keys: list, values: dict[tuple, float]) -> Build:
    out: Build = {}
    for (name, idx) in keys:
        out.setdefault(name, {})[idx] = values[(name, idx)]
    return out


def solve_ef_direct(cases: dict[str, Case], probabilities: dict[str, float]) -> RecourseSolution:
    """The extensive form built here (:func:`tokensite.model.extensive.extensive_form`) and solved by
    tokensite's own HiGHS phases (interior-point bound, rounding, local search, branch and bound if the
    gap is missed) to the first case's gap (of the expected spend) and time limit."""
    from tokensite.compile import compile_model
    from tokensite.model.extensive import extensive_form
    from tokensite.solve import solve as solve_compiled

    t0 = time.perf_counter()
    models = _models(cases)
    keys = first_stage_keys(models)
    nonants = {n: nonant_list(n, models, keys) for n in cases}
    ef = extensive_form({n: m for n, (m, _, _) in models.items()}, probabilities, nonants)
    comp = compile_model(ef)
    built_s = time.perf_counter() - t0
    out = solve_compiled(comp, cases[next(iter(cases))].solver)
    detail = {"engine": "tokensite phases", "ef_variables": int(comp.lp.num_col_), "ef_constraints": int(comp.lp.num_row_),
              "build_s": round(built_s, 3), "spend_gap": out.spend_gap, "message": out.message}
    if out.values is None:
        return RecourseSolution({}, None, out.bound, out.status, "ef", time.perf_counter() - t0, detail)
    values = {k: float(out.values[k[0]][k[1]]) for k in keys}
    return RecourseSolution(build_of(keys, values), out.objective, out.bound, out.status, "ef", time.perf_counter() - t0, detail)


def solve_ef(cases: dict[str, Case], probabilities: dict[str, float]) -> RecourseSolution:
    """The extensive form through mpi-sppy, solved by HiGHS's branch and bound to the first case's gap and time limit."""
    try:
        import pyomo.environ as pyo
        from mpisppy.opt.ef import ExtensiveForm
    except ImportError:
        raise UserError("tokensite stochastic needs mpi-sppy: pip install 'tokensite[stochastic]'") from None
    t0 = time.perf_counter()
    models = _models(cases)
    keys = first_stage_keys(models)
    names = list(cases)
    # mpi-sppy matches first-stage variables by position; their names differ only where a tranche is
    # take_after_horizon in some scenarios (first_stage_keys puts every scenario in one order)
    ef = ExtensiveForm({"solver": "appsi_highs", "turn_off_names_check": True}, names, lambda name, **_: _attach(name, models, keys, probabilities[name]))
    first = cases[names[0]]
    results = ef.solve_extensive_form(solver_options=_ef_solver_options(first))
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


# ---------------------------------------------------------------- evaluation and outputs

def _deterministic(case: Case, fixed: Build | None = None):
    from tokensite.run import solve

    seen: dict = {}
    res = solve(case, fixed_build=fixed, on_values=lambda v: seen.update(v))
    return res, seen


def build_from_values(values: dict[str, dict]) -> Build:
    from tokensite.model.stages import FIRST_STAGE

    return {name: dict(values.get(name, {})) for name in FIRST_STAGE}


def build_table(build: Build) -> pd.DataFrame:
    """The here-and-now build as a tidy table, nonzero decisions only."""
    shape = {"open": ("site_id", "year"), "facility_mw": ("site_id", "year"), "bridge_mw": ("site_id", "year"),
             "buy": ("site_id", "gpu", "year"), "take": ("tranche_id",), "host": ("program_id", "site_id"), "skip": ("program_id",)}
    rows = []
    for name, values in build.items():
        for idx, v in values.items():
            if abs(v) <= 1e-9:
                continue
            parts = idx if isinstance(idx, tuple) else (idx,)
            rows.append({"variable": name, **dict(zip(shape[name], parts)), "value": v})
    cols = ["variable", "site_id", "gpu", "year", "tranche_id", "program_id", "value"]
    return pd.DataFrame(rows, columns=cols)


def _usd(musd: float | None) -> float | None:
    from tokensite.units import optional_musd_to_usd

    return optional_musd_to_usd(musd)


def run_stochastic(case: str | Path | Case, scenarios: list[Scenario], out: str | Path, *, method: str = "ef",
                   ranks: int = 2, time_limit_s: float | None = None, mip_rel_gap: float | None = None,
                   report: bool = True, recourse: RecourseSolution | None = None, ph_iterations: int | None = None) -> dict:
    """Solve the stochastic plan and write ``out`` (docs/data-format.md, "Stochastic results").

    ``recourse`` is a build already found (the PH runner passes its own); otherwise ``method``
    (``ef`` or ``ph`` on ``ranks`` MPI ranks) finds it. Returns the summary written to ``stochastic.json``."""
    from tokensite.results.report import write_outputs
    from tokensite.scenarios.report import write_stochastic_report

    if method not in ("ef", "ef-mpisppy", "ph"):
        raise UserError(f"--method {method!r} must be ef, ef-mpisppy or ph")
    base = case if isinstance(case, Case) else load_case(case)
    out = Path(out)
    check_overrides(base, [kv for s in scenarios for kv in s.overrides])
    solver = {"time_limit_s": time_limit_s, "mip_rel_gap": mip_rel_gap}
    cases = {s.name: scenario_case(base, s, **solver) for s in scenarios}
    probs = {s.name: s.probability for s in scenarios}
    t0 = time.perf_counter()
    if recourse is None:
        if method == "ef":
            recourse = solve_ef_direct(cases, probs)
        elif method == "ef-mpisppy":
            recourse = solve_ef(cases, probs)
        else:
            from tokensite.scenarios.ph import MAX_ITERATIONS, run_ph_mpi

            recourse = run_ph_mpi(base, scenarios, out, ranks=ranks, time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap,
                                  iterations=ph_iterations or MAX_ITERATIONS)
    if not recourse.build:
        bound = "none" if recourse.bound is None else f"{_usd(recourse.bound):,.0f} USD"
        raise UserError(f"the {method} solve found no build in {recourse.seconds:,.0f} s (status {recourse.status}; best bound {bound}); "
                        "give it more time (--time-limit) or fewer scenarios")
    rows, plans = [], {}
    mv_case = apply_to_case(base, mean_value_overrides(base, scenarios), name="mean_value").with_solver(**solver)
    mv_res, mv_values = _deterministic(mv_case)
    mv_build = build_from_values(mv_values) if mv_res.has_plan else None
    for s in scenarios:
        res, _ = _deterministic(cases[s.name], recourse.build)
        if not res.has_plan:
            raise UserError(f"the build cannot be operated in scenario {s.name} (status {res.status}: {res.summary.get('message')})")
        plans[s.name] = res.to_dir(out / "scenarios" / s.name, extras=write_outputs if report else None)
        alone, _ = _deterministic(cases[s.name])
        mv = _deterministic(cases[s.name], mv_build)[0] if mv_build is not None else None
        rows.append({"scenario": s.name, "probability": s.probability, **dict(s.overrides),
                     "objective_usd": res.objective_usd, "status": res.status,
                     "wait_and_see_usd": alone.objective_usd, "wait_and_see_gap": alone.summary["spend_gap"],
                     "mean_value_plan_usd": mv.objective_usd if mv is not None and mv.has_plan else None})
    frame = pd.DataFrame(rows)
    p = frame.probability
    expected = float((p * frame.objective_usd).sum())
    ws = float((p * frame.wait_and_see_usd).sum()) if frame.wait_and_see_usd.notna().all() else None
    eev = float((p * frame.mean_value_plan_usd).sum()) if frame.mean_value_plan_usd.notna().all() else None
    summary = {
        "method": recourse.method, "status": recourse.status, "scenarios": {s.name: s.probability for s in scenarios},
        "recourse_objective_usd": _usd(recourse.objective), "recourse_bound_usd": _usd(recourse.bound),
        "recourse_gap": None if recourse.objective is None or recourse.bound is None else abs(recourse.objective - recourse.bound) / max(abs(recourse.objective), 1e-9),
        "expected_cost_usd": expected, "wait_and_see_usd": ws, "evpi_usd": None if ws is None else expected - ws,
        "mean_value_plan_objective_usd": mv_res.objective_usd, "eev_usd": eev, "vss_usd": None if eev is None else eev - expected,
        "recourse_s": round(recourse.seconds, 3), "total_s": round(time.perf_counter() - t0, 3), "detail": recourse.detail,
        "mean_value_overrides": [list(o) for o in mean_value_overrides(base, scenarios)],
    }
    out.mkdir(parents=True, exist_ok=True)
    _atomic_write(out / "scenarios.csv", frame.to_csv(index=False))
    _atomic_write(out / "build.csv", build_table(recourse.build).to_csv(index=False))
    if mv_build is not None:
        _atomic_write(out / "build_mean_value.csv", build_table(mv_build).to_csv(index=False))
    _atomic_write(out / "stochastic.json", json.dumps(summary, indent=2, default=str))
    write_stochastic_report(summary, frame, out)
    return summary


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(4)}")
    tmp.write_text(text)
    os.replace(tmp, path)
