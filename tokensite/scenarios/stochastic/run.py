"""``tokensite stochastic`` end to end: find the here-and-now build, evaluate it, the wait-and-see plans
and the mean-value plan in every scenario with the ordinary pipeline, and write the outputs
(docs/data-format.md, "Stochastic results")."""

from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path

import pandas as pd

from tokensite.config import Case, load_case
from tokensite.dataset.overrides import apply_to_case, check_overrides
from tokensite.errors import UserError
from tokensite.results import Results
from tokensite.results.report import write_outputs
from tokensite.run import Observer, solve
from tokensite.scenarios.report import write_stochastic_report
from tokensite.scenarios.stochastic.ef import solve_ef, solve_ef_direct
from tokensite.scenarios.stochastic.ph import MAX_ITERATIONS, run_ph_mpi
from tokensite.scenarios.stochastic.recourse import Build, RecourseSolution, build_from_values, build_table
from tokensite.scenarios.stochastic.scenarios import Scenario, mean_value_overrides, scenario_case
from tokensite.units import optional_musd_to_usd

METHODS = ("ef", "ef-mpisppy", "ph")


class _KeepValues(Observer):
    """Keeps the plan's variable values, from which the build of a deterministic plan is read."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[str, dict] = {}

    def values(self, values: dict[str, dict]) -> None:
        self.seen.update(values)


def _deterministic(case: Case, fixed: Build | None = None) -> tuple[Results, dict[str, dict]]:
    keep = _KeepValues()
    res = solve(case, fixed_build=fixed, observer=keep)
    return res, keep.seen


def _recourse(method: str, base: Case, scenarios: list[Scenario], cases: dict[str, Case], out: Path, ranks: int,
              time_limit_s: float | None, mip_rel_gap: float | None, ph_iterations: int | None) -> RecourseSolution:
    probs = {s.name: s.probability for s in scenarios}
    if method == "ef":
        return solve_ef_direct(cases, probs)
    if method == "ef-mpisppy":
        return solve_ef(cases, probs)
    return run_ph_mpi(base, scenarios, out, ranks=ranks, time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap,
                      iterations=ph_iterations or MAX_ITERATIONS)


def _summary(recourse: RecourseSolution, scenarios: list[Scenario], frame: pd.DataFrame, mv_res: Results,
             mv_overrides: list, seconds: float) -> dict:
    """Expected cost (RP), wait-and-see (WS), EVPI = RP − WS, EEV and VSS = EEV − RP, in USD."""
    p = frame.probability
    expected = float((p * frame.objective_usd).sum())
    ws = float((p * frame.wait_and_see_usd).sum()) if frame.wait_and_see_usd.notna().all() else None
    eev = float((p * frame.mean_value_plan_usd).sum()) if frame.mean_value_plan_usd.notna().all() else None
    obj, bound = recourse.objective, recourse.bound
    return {
        "method": recourse.method, "status": recourse.status, "scenarios": {s.name: s.probability for s in scenarios},
        "recourse_objective_usd": optional_musd_to_usd(obj), "recourse_bound_usd": optional_musd_to_usd(bound),
        "recourse_gap": None if obj is None or bound is None else abs(obj - bound) / max(abs(obj), 1e-9),
        "expected_cost_usd": expected, "wait_and_see_usd": ws, "evpi_usd": None if ws is None else expected - ws,
        "mean_value_plan_objective_usd": mv_res.objective_usd, "eev_usd": eev, "vss_usd": None if eev is None else eev - expected,
        "recourse_s": round(recourse.seconds, 3), "total_s": round(seconds, 3), "detail": recourse.detail,
        "mean_value_overrides": [list(o) for o in mv_overrides],
    }


def run_stochastic(case: str | Path | Case, scenarios: list[Scenario], out: str | Path, *, method: str = "ef",
                   ranks: int = 2, time_limit_s: float | None = None, mip_rel_gap: float | None = None,
                   report: bool = True, recourse: RecourseSolution | None = None, ph_iterations: int | None = None) -> dict:
    """Solve the stochastic plan and write ``out`` (docs/data-format.md, "Stochastic results").

    ``recourse`` is a build already found (the PH runner passes its own); otherwise ``method``
    (``ef``, ``ef-mpisppy``, or ``ph`` on ``ranks`` MPI ranks) finds it. Returns the summary written to ``stochastic.json``."""
    if method not in METHODS:
        raise UserError(f"--method {method!r} must be ef, ef-mpisppy or ph")
    base = case if isinstance(case, Case) else load_case(case)
    out = Path(out)
    check_overrides(base, [kv for s in scenarios for kv in s.overrides])
    solver = {"time_limit_s": time_limit_s, "mip_rel_gap": mip_rel_gap}
    cases = {s.name: scenario_case(base, s, **solver) for s in scenarios}
    t0 = time.perf_counter()
    if recourse is None:
        recourse = _recourse(method, base, scenarios, cases, out, ranks, time_limit_s, mip_rel_gap, ph_iterations)
    if not recourse.build:
        bound = "none" if recourse.bound is None else f"{optional_musd_to_usd(recourse.bound):,.0f} USD"
        raise UserError(f"the {method} solve found no build in {recourse.seconds:,.0f} s (status {recourse.status}; best bound {bound}); "
                        "give it more time (--time-limit) or fewer scenarios")
    rows = []
    mv_overrides = mean_value_overrides(base, scenarios)
    mv_case = apply_to_case(base, mv_overrides, name="mean_value").with_solver(**solver)
    mv_res, mv_values = _deterministic(mv_case)
    mv_build = build_from_values(mv_values) if mv_res.has_plan else None
    for s in scenarios:
        res, _ = _deterministic(cases[s.name], recourse.build)
        if not res.has_plan:
            raise UserError(f"the build cannot be operated in scenario {s.name} (status {res.status}: {res.summary.get('message')})")
        res.to_dir(out / "scenarios" / s.name, extras=write_outputs if report else None)
        alone, _ = _deterministic(cases[s.name])
        mv = _deterministic(cases[s.name], mv_build)[0] if mv_build is not None else None
        rows.append({"scenario": s.name, "probability": s.probability, **dict(s.overrides),
                     "objective_usd": res.objective_usd, "status": res.status,
                     "wait_and_see_usd": alone.objective_usd, "wait_and_see_gap": alone.summary["spend_gap"],
                     "mean_value_plan_usd": mv.objective_usd if mv is not None and mv.has_plan else None})
    frame = pd.DataFrame(rows)
    summary = _summary(recourse, scenarios, frame, mv_res, mv_overrides, time.perf_counter() - t0)
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
