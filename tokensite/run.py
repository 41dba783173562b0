"""``solve(case)``: read -> build -> hand-off -> solve -> extract, with stage timings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from time import perf_counter
from types import MappingProxyType
from typing import Any

from tokensite.config import Case, load_case
from tokensite.dataset import Dataset, read_dataset
from tokensite.dataset.checks import check_case
from tokensite.model import build_model
from tokensite.results import Results
from tokensite.results.extract import extract
from tokensite.solve import Compiled, compile_model, run_highs

Stage = Callable[[str, float], None]


def _version(pkg: str) -> str:
    try:
        return version(pkg)
    except PackageNotFoundError:
        return "unknown"


def solve(
    case_or_path: Case | str | Path,
    *,
    dataset: Dataset | None = None,
    log: bool = False,
    on_stage: Stage | None = None,
    on_incumbent: Callable[[dict], None] | None = None,
    skip_families: tuple[str, ...] = (),
    on_compiled: Callable[[Compiled], None] | None = None,
    **overrides: Any,
) -> Results:
    """Solve a case and return its :class:`Results`.

    ``on_compiled`` receives the standard-form model (benchmarks save it for the bare peer).
    ``overrides`` set solver options (``time_limit_s``, ``mip_rel_gap``, ``threads``, ``relax``).
    Raises :class:`~tokensite.errors.UserError` subclasses for bad input.
    """
    times: dict[str, float] = {}

    def stage(name: str, t0: float) -> None:
        times[f"{name}_s"] = round(perf_counter() - t0, 3)
        if on_stage:
            on_stage(name, times[f"{name}_s"])

    t = perf_counter()
    case = case_or_path if isinstance(case_or_path, Case) else load_case(case_or_path)
    case = case.with_solver(**overrides)
    ds = dataset or read_dataset(case.data_dir)
    check_case(case, ds)
    stage("read", t)
    t = perf_counter()
    m, S = build_model(ds, case, skip=skip_families)
    stage("build", t)
    t = perf_counter()
    comp = compile_model(m)
    stage("hand_off", t)
    if on_compiled:
        on_compiled(comp)
    t = perf_counter()
    out = run_highs(comp, case.solver, log=log, on_incumbent=on_incumbent)
    stage("solve", t)
    t = perf_counter()
    frames = extract(ds, case, m, S, comp, out)
    stage("extract", t)
    n_int = int(comp.integer.sum())
    summary = {
        "status": out.status,
        "message": out.message,
        "objective_usd": None if out.objective is None else out.objective * 1e6,
        "best_bound_usd": None if out.bound is None else out.bound * 1e6,
        "mip_gap": out.gap,
        **times,
        "variables": comp.lp.num_col_,
        "integer_variables": n_int,
        "constraints": comp.lp.num_row_,
        "nonzeros": len(comp.lp.a_matrix_.value_),
        "progress": [{**r, "objective": r["objective"] * 1e6, "bound": None if r["bound"] is None else r["bound"] * 1e6} for r in out.progress],
        "versions": {"tokensite": _version("tokensite"), "pyomo": _version("pyomo"), "highspy": _version("highspy")},
        "case": {
            "name": case.name, "path": str(case.path) if case.path else None, "data": str(case.data_dir), "years": list(case.years),
            "discount_rate": case.discount_rate, "layers": list(S.L), "solver": asdict(case.solver), "finance": asdict(case.finance),
            "scale": asdict(case.scale), "skipped_families": list(skip_families),
        },
    }
    return Results(summary=summary, frames=MappingProxyType(frames))
