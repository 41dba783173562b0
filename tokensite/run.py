"""``solve(case)``: read -> build -> hand-off -> solve -> extract, with stage timings.

What happens along the way reaches one :class:`Observer` (the CLI's live display, a study that
needs the plan's values): each stage as it ends, each incumbent, the compiled model, the plan.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from time import perf_counter
from types import MappingProxyType
from typing import Any

from pyomo.common.gc_manager import PauseGC

from tokensite.compile import Compiled, compile_model
from tokensite.config import Case, load_case
from tokensite.dataset import Dataset
from tokensite.dataset.checks import check_case
from tokensite.dataset.overrides import read_case_dataset
from tokensite.model import build_model
from tokensite.model.index import Index
from tokensite.model.params import Params
from tokensite.model.stages import fix_first_stage
from tokensite.results import Results
from tokensite.results.explain import explain
from tokensite.results.extract import extract
from tokensite.results.report import write_outputs
from tokensite.solver import Solution, route_set, rounding_groups, solve_compiled
from tokensite.units import optional_musd_to_usd


class Observer:
    """What a caller sees of a solve as it runs; every method does nothing unless overridden."""

    def stage(self, name: str, seconds: float) -> None:
        """A pipeline stage (read, build, hand_off, solve, extract) or a solve phase (``phase:<name>``) ended."""

    def incumbent(self, record: dict) -> None:
        """A new plan: ``t_s``, ``objective`` and ``bound`` (USD), ``gap``."""

    def progress(self, record: dict) -> None:
        """A solve phase started or moved on: ``phase``, ``t_s``, the plan's ``objective`` and the ``bound``
        so far (USD, None before there is one), ``gap``, and what the phase counts (e.g. ``done`` of ``total`` tries)."""

    def compiled(self, comp: Compiled) -> None:
        """The standard-form model HiGHS is handed (benchmarks save it for the bare peer)."""

    def values(self, values: dict[str, dict]) -> None:
        """The plan's variable values, {variable: {index: value}} (a study reads its build from them)."""


QUIET = Observer()


def _version(pkg: str) -> str:
    try:
        return version(pkg)
    except PackageNotFoundError:
        return "unknown"


def _in_usd(rec: dict) -> dict:
    """A progress or phase record (objective and bound in MUSD) in USD."""
    return {**rec, "objective": optional_musd_to_usd(rec["objective"]), "bound": optional_musd_to_usd(rec["bound"])}


@dataclass(frozen=True)
class Built:
    """A case read, built and handed off to standard form: what one solve, or a series of solves that
    change only the objective (:mod:`tokensite.scenarios.alternatives`), starts from."""

    case: Case
    ds: Dataset
    ix: Index
    par: Params
    comp: Compiled
    times: dict[str, float]
    skip_families: tuple[str, ...] = ()
    fixed_build: bool = False


def _stages(times: dict[str, float], observer: Observer) -> Callable[[str, float], None]:
    def stage(name: str, t0: float) -> None:
        times[f"{name}_s"] = round(perf_counter() - t0, 3)
        observer.stage(name, times[f"{name}_s"])

    return stage


def build(
    case_or_path: Case | str | Path,
    *,
    dataset: Dataset | None = None,
    observer: Observer = QUIET,
    skip_families: tuple[str, ...] = (),
    fixed_build: Mapping[str, Mapping] | None = None,
    **overrides: Any,
) -> Built:
    """Read, check, build and compile a case (the stages before HiGHS), timing each stage."""
    times: dict[str, float] = {}
    stage = _stages(times, observer)
    t = perf_counter()
    case = case_or_path if isinstance(case_or_path, Case) else load_case(case_or_path)
    case = case.with_solver(**overrides)
    ds = dataset or read_case_dataset(case)
    check_case(case, ds)
    stage("read", t)
    with PauseGC():  # the build makes millions of objects and frees none: the collector's passes find nothing (L: 14 s -> 9 s)
        t = perf_counter()
        m, ix, par = build_model(ds, case, skip=skip_families)
        if fixed_build is not None:
            fix_first_stage(m, fixed_build)
        stage("build", t)
        t = perf_counter()
        comp = compile_model(m, case.solver)
    del m
    gc.collect()  # nothing after the hand-off reads the Pyomo model, which is held in reference cycles: HiGHS runs without it
    stage("hand_off", t)
    return Built(case, ds, ix, par, comp, times, tuple(skip_families), fixed_build is not None)


def results_of(built: Built, out: Solution, times: dict[str, float], observer: Observer = QUIET) -> Results:
    """The :class:`Results` of a solution of ``built``: frames extracted, summary with ``times``."""
    times = dict(times)
    stage = _stages(times, observer)
    case, ds, comp = built.case, built.ds, built.comp
    case_summary = _case_summary(case, list(built.ix.L), built.skip_families)
    if built.fixed_build:
        case_summary["fixed_build"] = True  # operations only: never reopened as the case's own plan
    t = perf_counter()
    frames = extract(ds, built.ix, built.par, comp, out)
    if frames:
        frames["explain"] = explain(ds, Results(summary={"case": case_summary}, frames=MappingProxyType(frames)))
    stage("extract", t)
    n_int = int(comp.integer.sum())
    summary = {
        "status": out.status,
        "message": out.message,
        "objective_usd": optional_musd_to_usd(out.objective),
        "best_bound_usd": optional_musd_to_usd(out.bound),
        "mip_gap": out.gap,
        "spend_usd": optional_musd_to_usd(out.spend),
        "spend_gap": out.spend_gap,
        "solver_warnings": list(out.warnings),
        "warnings": [str(w) for w in ds.warnings],
        **times,
        "phases_s": dict(out.phases_s),
        "phases": [_in_usd(p) for p in out.phases],
        "variables": comp.lp.num_col_,
        "integer_variables": n_int,
        "constraints": comp.lp.num_row_,
        "nonzeros": len(comp.lp.a_matrix_.value_),
        "progress": [_in_usd(r) for r in out.progress],
        "versions": {"tokensite": _version("tokensite"), "pyomo": _version("pyomo"), "highspy": _version("highspy")},
        "case": case_summary,
        "inputs_sha256": inputs_digest(case_summary),
    }
    return Results(summary=summary, frames=MappingProxyType(frames))


def solve(
    case_or_path: Case | str | Path,
    *,
    dataset: Dataset | None = None,
    observer: Observer | None = None,
    skip_families: tuple[str, ...] = (),
    fixed_build: Mapping[str, Mapping] | None = None,
    log: bool = False,
    **overrides: Any,
) -> Results:
    """Solve a case and return its :class:`Results`.

    ``observer`` sees the stages, incumbents, compiled model and plan values as they come (:class:`Observer`).
    ``fixed_build`` ({first-stage variable: {index: value}}, :mod:`tokensite.model.stages`) fixes what
    is built, so only operations are solved (a stochastic plan's build evaluated in one scenario).
    ``overrides`` set solver options (``time_limit_s``, ``mip_rel_gap``, ``threads``, ``relax``, and the
    tuned constants of ``[solver]``). The dataset is read with the case's data overrides applied
    (``Case.overrides``); a ``dataset`` passed in is used as given.
    Raises :class:`~tokensite.errors.UserError` subclasses for bad input.
    """
    observer = observer or QUIET
    built = build(case_or_path, dataset=dataset, observer=observer, skip_families=skip_families, fixed_build=fixed_build, **overrides)
    observer.compiled(built.comp)
    out = solve_built(built, log=log, observer=observer)
    if out.values is not None:
        observer.values(out.values)
    return results_of(built, out, built.times, observer)


def solve_built(built: Built, *, log: bool = False, observer: Observer = QUIET) -> Solution:
    """The solve phases (:mod:`tokensite.solver`) on a built case; records ``solve_s`` in ``built.times``."""
    stage = _stages(built.times, observer)
    t = perf_counter()
    routes = route_set(built.comp, built.ix, built.par, built.ds.routes, built.case.solver.route_k)
    groups = rounding_groups(built.comp, {"": (built.ix, built.par)})
    out = solve_compiled(built.comp, built.case.solver, groups, log=log, routes=routes,
                         on_incumbent=lambda rec: observer.incumbent(_in_usd(rec)),
                         on_phase=lambda name, seconds: observer.stage(f"phase:{name}", seconds),
                         on_progress=lambda rec: observer.progress(_in_usd(rec)))
    stage("solve", t)
    return out


def inputs_digest(case_summary: dict) -> str:
    """SHA-256 of what a plan depends on: the case as solved (names, years, solver, finance, scale)
    and the bytes of every file in its dataset folder. Two solves with the same digest had the same inputs.
    Where the case file and the dataset folder are is not an input: the world solved from the package and from
    a ``tokensite init`` copy of the same bytes is one plan."""
    h = hashlib.sha256(json.dumps({k: v for k, v in case_summary.items() if k not in ("path", "data", "layers")}, sort_keys=True, default=str).encode())
    for f in sorted(Path(case_summary["data"]).glob("*.csv")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def load_or_solve(case_path: str | Path, out: str | Path | None = None, **overrides: Any) -> Results:
    """The plan in ``out`` if it was solved from exactly these inputs, else a new solve written there (with maps and
    report). ``out`` defaults to ``results/<case name>`` under the working folder, where ``tokensite solve`` run from
    that folder writes it; nothing searches for a repository, so a notebook passes the folder it means (the examples
    pass ``../results/world``, the repository's). For notebooks: solve once, reopen many times; an edited CSV or case
    means a new solve."""
    case = load_case(case_path)
    folder = Path(out) if out is not None else Path("results") / case.name
    if (folder / "summary.json").is_file():
        cached = Results.from_dir(folder)
        if cached.summary.get("inputs_sha256") and cached.summary.get("inputs_sha256") == case_digest(case, **overrides):
            return cached
    res = solve(case, **overrides)
    if res.objective_usd is not None:
        res.to_dir(folder, extras=write_outputs)
    return res


def _case_summary(case: Case, layers: list[str], skip_families: tuple[str, ...]) -> dict:
    """The case as solved; ``overrides`` only when there are some (so a plain case's digest is as before)."""
    out = {
        "name": case.name, "path": str(case.path) if case.path else None, "data": str(case.data_dir), "years": list(case.years),
        "discount_rate": case.discount_rate, "layers": layers, "solver": asdict(case.solver), "finance": asdict(case.finance),
        "scale": asdict(case.scale), "skipped_families": list(skip_families),
    }
    if case.overrides:
        out["overrides"] = [list(o) for o in case.overrides]
    if case.period_demand != "first":
        out["period_demand"] = case.period_demand
    return out


def case_digest(case: Case, **overrides: Any) -> str:
    """The ``inputs_sha256`` a solve of ``case`` with solver ``overrides`` would record, without solving."""
    return inputs_digest(_case_summary(case.with_solver(**overrides), [], ()))
