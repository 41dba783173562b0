"""Case files (``*.toml``; the shipped ones in ``tokensite/cases/``) -> frozen, typed case objects.

A case says which dataset to solve, for which years and layers, with which solver
options, finance assumptions and what-if multipliers. Unknown keys are errors so a
typo never silently falls back to a default.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_type_hints

from tokensite.errors import CaseError

PERIOD_DEMAND = ("first", "mean")


@dataclass(frozen=True)
class SolverOptions:
    time_limit_s: float = 300.0
    """Wall-clock limit for HiGHS; the best plan found by then is returned with its gap."""
    mip_rel_gap: float = 0.01
    """Stop when (objective - bound) / objective falls below this."""
    threads: int = 0
    """HiGHS threads; 0 lets HiGHS choose (all cores)."""
    relax: bool = False
    """Solve the LP relaxation only (integers and binaries made continuous)."""
    route_k: int = 0
    """Route generation from the k nearest and k cheapest eligible sites per metro and layer
    (tokensite/solver/routes.py); 0, the default, solves with every route."""

    # Tuned constants of the solve phases (docs/data-format.md, "Case file"); the defaults are the
    # values measured on the world case, and a case may set its own.
    round_used: float = 1e-6
    """An LP value above this counts as used when rounding (a binary set to 1, a unit rounded up)."""
    search_firm: float = 1 - 1e-6
    """A binary the LP set above this is a firm decision the local search leaves alone."""
    improve_lp_multiple: float = 1.8
    """The local search and the trim stop once the solve has run this multiple of its LP relaxation's time
    (issue 29's target is a plan in twice its LP's time; 1.8 leaves room for rounding the searched plan and
    for the final LP); the rounded plan is always finished first."""
    search_share: float = 0.5
    """Of the time from the rounded plan to that stop, the share the local search may use; the trim has the rest."""
    warm_share: float = 0.25
    """A re-solve from the last basis (dual simplex) that has not finished in this share of the relaxation's last
    LP starts again by interior point with crossover (world: 6 s warm against 15 s; L: warm did not finish in 250 s)."""
    improve_min_s: float = 2.0
    """Seconds the search and the trim may use whatever the multiple says (a small case's LP takes milliseconds)."""
    search_iterations_per_try: int = 10_000
    """Dual-simplex iterations per local-search or trim re-solve (about 6 s on the world case; the
    largest saving found, a whole campus, took 3,100-10,000)."""
    trim_batch: int = 8
    """GPU purchases the trim lowers together in its first re-solve; a batch that saves doubles, one that does not halves."""
    trim_saves_nothing: float = 1e-9
    """A GPU purchase whose reduced cost (MUSD per unit) is at or below this cannot save anything by trimming."""
    generation_stop: float = 0.1
    """Route generation stops once the dropped flows could save less than this share of the gap target."""
    duals_reserve_s: float = 30.0
    """Of a branch-and-bound run's time, the seconds kept for the final fixed-integer LP (at most 10 % of the limit)."""
    zero: float = 1e-9
    """Solution values (Mtok/s, MW, GPU units) below this are written as 0."""
    cost_centre: float = 0.625
    """Geometric centre of the objective's cost range HiGHS is handed, after the internal units (a power of 2 of money).
    20/32: centring at 20 left the world's largest effective cost at 5e6 once presolve moves a training program's lost
    value onto its host binaries, and the L benchmark's crossover ended 'imprecise'; 32 times smaller it ended optimal."""
    choose_units: bool = True
    """Measure each variable and row family in the power of ten of its model unit that keeps HiGHS's costs,
    bounds and right-hand sides in its range (tokensite/scaling.py); false hands HiGHS the model's own units."""
    units_margin_decades: float = 1.0
    """Decades kept inside HiGHS's [1e-4, 1e6] at each end when the internal units are chosen, so a case
    whose data drift by 10x still needs no scaling advice."""
    alternatives_phases_above_columns: int = 5000
    """tokensite alternatives --method auto: the phases for a case with more columns, HiGHS's MIP below."""
    alternatives_fallback_s: float = 30.0
    """tokensite alternatives: the warm-started MIP's extra time when the phases find no plan."""
    alternatives_warm_share: float = 0.5
    """tokensite alternatives: each direction's relaxation starts by primal simplex from the optimum's relaxation
    basis for at most this share of the optimum's relaxation time, then interior point from scratch (0: from scratch)."""
    alternatives_cap_reserve: float = 0.5
    """tokensite alternatives: share of the slack the phases' relaxation may use; the rest absorbs rounding."""


@dataclass(frozen=True)
class Finance:
    facility_life_years: int = 20
    site_life_years: int = 30
    interconnect_life_years: int = 30
    bridge_life_years: int = 10


@dataclass(frozen=True)
class Scale:
    """What-if multipliers applied to the dataset before the model is built."""

    demand: float = 1.0
    power_price: float = 1.0
    gpu_capex: float = 1.0


@dataclass(frozen=True)
class Case:
    name: str
    data_dir: Path
    """Dataset folder, resolved relative to the case file."""
    years: tuple[int, ...]
    discount_rate: float = 0.08
    layers: tuple[str, ...] | None = None
    """Subset of layers.csv to plan; None plans every layer."""
    period_demand: str = "first"
    """Which demand.csv rows a planning year serves: ``first``, its own year's; ``mean``, the mean of the
    calendar years it stands for that demand.csv has rows for (model/periods.py)."""
    solver: SolverOptions = field(default_factory=SolverOptions)
    finance: Finance = field(default_factory=Finance)
    scale: Scale = field(default_factory=Scale)
    path: Path | None = None
    overrides: tuple[tuple[str, Any], ...] = ()
    """Data overrides ``(key, value)`` of a scenario (docs/data-format.md, "Overrides"), applied to the
    dataset's raw cells before validation by :mod:`tokensite.dataset.overrides`; () for none."""

    def year_weights(self) -> dict[int, int]:
        """Calendar years each planning year stands for (gap to the next; 1 for the last)."""
        ys = self.years
        return {y: (ys[i + 1] - y if i + 1 < len(ys) else 1) for i, y in enumerate(ys)}

    def with_solver(self, **overrides: Any) -> "Case":
        """This case with solver options replaced; raises :class:`CaseError` for an option out of range."""
        given = {k: v for k, v in overrides.items() if v is not None}
        for problem in solver_option_problems(**given):
            raise CaseError(problem)
        return replace(self, solver=replace(self.solver, **given)) if given else self


def solver_option_problems(time_limit_s: float | None = None, mip_rel_gap: float | None = None, threads: int | None = None,
                           relax: bool | None = None, route_k: int | None = None, **tuned: Any) -> list[str]:
    """What is wrong with solver options (None = not given): a time limit > 0 s, a gap in [0, 1), threads >= 0."""
    out = []
    if time_limit_s is not None and not (math.isfinite(time_limit_s) and time_limit_s > 0):
        out.append(f"time limit {time_limit_s:g} s must be a positive number of seconds, e.g. 60")
    if mip_rel_gap is not None and not (math.isfinite(mip_rel_gap) and 0 <= mip_rel_gap < 1):
        out.append(f"gap {mip_rel_gap:g} must be in [0, 1), e.g. 0.01 for 1 %")
    if threads is not None and threads < 0:
        out.append(f"threads {threads} must be 0 (all cores) or a positive count")
    if route_k is not None and (isinstance(route_k, bool) or route_k < 0):
        out.append(f"route_k {route_k} must be 0 (every route) or a positive count of sites per metro and layer")
    return out


def _section(raw: dict, name: str, cls: type, path: Path) -> Any:
    table = raw.get(name, {})
    if not isinstance(table, dict):
        raise CaseError(f"{path}: [{name}] must be a table")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise CaseError(f"{path}: [{name}] has unknown key(s) {', '.join(unknown)} — known keys: {', '.join(sorted(known))}")
    values = {}
    types = get_type_hints(cls)
    for f in fields(cls):
        if f.name not in table:
            continue
        v, kind = table[f.name], types[f.name]
        want = {float: (int, float), int: (int,), bool: (bool,)}.get(kind, (object,))
        if isinstance(v, bool) and kind is not bool or not isinstance(v, want):
            raise CaseError(f"{path}: [{name}] {f.name} = {v!r} must be a {kind.__name__}")
        if kind in (float, int) and v < 0:
            raise CaseError(f"{path}: [{name}] {f.name} = {v!r} must not be negative")
        values[f.name] = v
    if cls is SolverOptions:
        for problem in solver_option_problems(**values):
            raise CaseError(f"{path}: [{name}] {problem}")
    return cls(**values)


def read_toml(path: Path, what: str, error: type[Exception] = CaseError) -> dict[str, Any]:
    """A TOML file's tables; raises ``error`` naming the file when it is missing or not TOML."""
    if not path.is_file():
        raise error(f"{path}: no such {what}")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise error(f"{path}: not valid TOML: {e}") from None


def load_case(path: str | Path) -> Case:
    """Read a case TOML file. Raises :class:`CaseError` naming the file and key at fault."""
    path = Path(path)
    raw = read_toml(path, "case file")
    unknown = sorted(set(raw) - {"case", "solver", "finance", "scale"})
    if unknown:
        raise CaseError(f"{path}: unknown table(s) {', '.join(unknown)} — known: [case], [solver], [finance], [scale]")
    c = raw.get("case")
    if not isinstance(c, dict):
        raise CaseError(f"{path}: missing [case] table with name, data and years")
    extra = sorted(set(c) - {"name", "data", "years", "discount_rate", "layers", "period_demand"})
    if extra:
        raise CaseError(f"{path}: [case] has unknown key(s) {', '.join(extra)}")
    for key in ("name", "data", "years"):
        if key not in c:
            raise CaseError(f"{path}: [case] needs '{key}'")
    years = c["years"]
    if not (isinstance(years, list) and years and all(isinstance(y, int) and not isinstance(y, bool) for y in years)):
        raise CaseError(f"{path}: [case] years = {years!r} must be a non-empty list of integers, e.g. [2026, 2028, 2030]")
    if sorted(set(years)) != years:
        raise CaseError(f"{path}: [case] years = {years!r} must be strictly increasing")
    rate = c.get("discount_rate", 0.08)
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
        raise CaseError(f"{path}: [case] discount_rate = {rate!r} must be a number in [0, 1), e.g. 0.08")
    layers = c.get("layers")
    if layers is not None and not (isinstance(layers, list) and layers and all(isinstance(x, str) for x in layers)):
        raise CaseError(f"{path}: [case] layers = {layers!r} must be a non-empty list of layer names")
    period_demand = c.get("period_demand", "first")
    if period_demand not in PERIOD_DEMAND:
        raise CaseError(f"{path}: [case] period_demand = {period_demand!r} must be one of {', '.join(map(repr, PERIOD_DEMAND))}")
    return Case(
        name=str(c["name"]),
        data_dir=(path.parent / str(c["data"])).resolve(),
        years=tuple(years),
        discount_rate=float(rate),
        layers=tuple(layers) if layers else None,
        period_demand=period_demand,
        solver=_section(raw, "solver", SolverOptions, path),
        finance=_section(raw, "finance", Finance, path),
        scale=_section(raw, "scale", Scale, path),
        path=path.resolve(),
    )


def case_from_summary(case: dict) -> Case:
    """The Case a results folder was solved with, from its summary.json ``case`` entry."""
    return Case(
        name=case["name"],
        data_dir=Path(case["data"]),
        years=tuple(case["years"]),
        discount_rate=float(case["discount_rate"]),
        layers=tuple(case["layers"]) if case.get("layers") else None,
        period_demand=case.get("period_demand", "first"),
        solver=SolverOptions(**case["solver"]),
        finance=Finance(**case["finance"]),
        scale=Scale(**case["scale"]),
        path=Path(case["path"]) if case.get("path") else None,
        overrides=tuple((str(k), v) for k, v in case.get("overrides", [])),
    )
