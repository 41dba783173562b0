"""``tokensite alternatives``: near-optimal plans by modelling to generate alternatives (MGA).

Method (docs/formulation.md, "Near-optimal alternatives"): the case is solved once (the optimum,
cost z*, spend S*, with its honest gap). Then one row is added to the *same* HiGHS model, the cost
cap

.. math::
    Σ_j c_j x_j + c_0 ≤ z^* + slack · S^*

and only the objective changes: for each group g (a site, a country, a layer or a GPU generation)
built in the optimum, min and max of its built MW, M_g(x) (Brill, Chang & Hopkins 1982's
Hop-Skip-Jump MGA, in the per-technology min/max form of PyPSA, Neumann & Brown 2021), then
``count`` random directions Σ_g w_g M_g(x), w_g uniform on [−1, 1] over every group (the
random-vector MGA of Berntsen & Trutnevyte 2017, the random-direction SPORES of Lombardi et al.
2020). The slack is a share of what the optimum *spends* (capex + opex), the measure the solver's
gap uses; when all demand is served that is (1 + slack) z*.

The model is built and handed to HiGHS once: each alternative changes the column costs and
re-solves the MIP from the optimum (feasible under the cap, so every run starts with an
incumbent), for at most ``time_limit_s``. Min/max is solved only for groups built in the
optimum: an unbuilt group's minimum is 0, and its maximum would mostly ask how much of a site
nobody needs can be afforded; unbuilt groups are explored by the random directions, which weigh
every group. ``max_groups`` keeps the largest built groups when there are many (the world has
about 30 built sites; each min/max is a MIP of its own).

Each alternative is a full results folder; ``alternatives.csv`` gives each site's optimum, min
and max facility MW by year over the optimum and every alternative, classed ``must_build``
(built in every one), ``never_build`` (in none) or ``flexible``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from tokensite.config import Case, load_case
from tokensite.errors import UserError
from tokensite.highs import new_highs, run_until, status_of
from tokensite.results import Results
from tokensite.results.results import write_atomically
from tokensite.run import Built, build, results_of, solve_built
from tokensite.compile import Compiled
from tokensite.solve import Solution, solution_at
from tokensite.solve import solve as phases_solve
from tokensite.units import optional_musd_to_usd

GROUPINGS = ("site", "country", "layer", "gpu")
BUILT_MW = 1e-6  # a site with more facility MW than this in a year is built that year
CAP_TOLERANCE = 1e-9  # relative: the optimum itself stays feasible under a 0 % cap
CITATIONS = (
    "E. D. Brill, S.-Y. Chang, L. D. Hopkins (1982), Modeling to generate alternatives: the HSJ approach and an illustration "
    "using a problem in land use planning, Management Science 28(3); F. Neumann, T. Brown (2021), The near-optimal feasible "
    "space of a renewable power system model, Electric Power Systems Research 190 (PyPSA's MGA); F. Lombardi, B. Pickering, "
    "E. Colombo, S. Pfenninger (2020), Policy decision support for renewables deployment through spatially explicit "
    "practically optimal alternatives, Joule 4(10) (SPORES); J. Berntsen, E. Trutnevyte (2017), Ensuring diversity of "
    "national energy scenarios, Energy 126 (random-vector MGA)."
)


@dataclass(frozen=True)
class Direction:
    """One alternative's objective: Σ_g weight_g · M_g(x), minimised."""

    name: str
    kind: str  # min | max | random
    group: str | None
    weights: dict[str, float]


def group_measures(built: Built, by: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{group: (columns, MW per unit of column)}, the built MW M_g(x) = Σ coef · x[cols] of each group.

    site / country: facility MW summed over the planning years; layer: the mean MW drawn for the
    layer (GPU allocation × MW per unit × PUE, slices weighted by their share of the year), summed
    over the years; gpu: nameplate IT MW of the units alive, summed over the years."""
    if by not in GROUPINGS:
        raise UserError(f"--by {by!r}: group by one of {', '.join(GROUPINGS)}")
    par, ix = built.par, built.ix
    col = {name: j for j, name in enumerate(built.comp.col_names)}
    country = dict(zip(built.ds.regions.site_id, built.ds.regions.country))
    terms: dict[str, dict[int, float]] = {}

    def add(group: str, name: tuple, coef: float) -> None:
        j = col.get(name)
        if j is not None and coef:
            g = terms.setdefault(group, {})
            g[j] = g.get(j, 0.0) + coef

    if by in ("site", "country"):
        for r, y in ix.RY:
            add(r if by == "site" else country[r], ("facility_mw", (r, y)), 1.0)
    elif by == "layer":
        for r, g, l, t, y in ix.RGLTY:
            add(l, ("alloc", (r, g, l, t, y)), par.mw_per_unit[(g, l)] * par.pue[r] * par.hour_share[t])
        for r, g, l, y in ix.RGLY_TRAIN:
            add(l, ("alloc_train", (r, g, l, y)), par.mw_per_unit[(g, l)] * par.pue[r])
    else:
        for (r, g, _y), vintages in ix.FLEET.items():
            for k in vintages:
                add(g, ("buy", k), par.nameplate_mw_per_unit[g])
    return {g: (np.array(sorted(t), dtype=np.int32), np.array([t[j] for j in sorted(t)])) for g, t in sorted(terms.items())}


def measure(groups: dict[str, tuple[np.ndarray, np.ndarray]], x: np.ndarray) -> dict[str, float]:
    return {g: float(np.dot(coef, x[cols])) for g, (cols, coef) in groups.items()}


def directions(groups: dict[str, tuple[np.ndarray, np.ndarray]], x_opt: np.ndarray, count: int, seed: int,
               max_groups: int | None = None) -> list[Direction]:
    """min and max for each group built in the optimum (the ``max_groups`` largest), then ``count`` random directions."""
    at_opt = measure(groups, x_opt)
    built_groups = sorted((g for g, v in at_opt.items() if v > BUILT_MW), key=lambda g: (-at_opt[g], g))
    if max_groups is not None:
        built_groups = built_groups[:max_groups]
    out = []
    for g in built_groups:
        out.append(Direction(f"min_{g}", "min", g, {g: 1.0}))
        out.append(Direction(f"max_{g}", "max", g, {g: -1.0}))
    rng = np.random.default_rng(seed)
    width = len(str(max(count, 1)))
    for i in range(1, count + 1):
        out.append(Direction(f"random_{i:0{width}d}", "random", None, {g: float(w) for g, w in zip(groups, rng.uniform(-1, 1, len(groups)))}))
    return out


def _cost_vector(groups: dict[str, tuple[np.ndarray, np.ndarray]], d: Direction, n: int) -> np.ndarray:
    c = np.zeros(n)
    for g, w in d.weights.items():
        cols, coef = groups[g]
        np.add.at(c, cols, w * coef)
    return c


def _x_of(built: Built, values: dict[str, dict]) -> np.ndarray:
    return np.array([values[name][key] for name, key in built.comp.col_names])


@dataclass
class Run:
    direction: Direction
    x: np.ndarray | None
    highs_status: str
    objective_mw: float | None
    bound_mw: float | None
    solve_s: float
    note: str = ""  # why the phases gave no plan, when the warm-started MIP was used instead


def add_cost_cap(h: highspy.Highs, built: Built, optimum: Solution, slack: float) -> float:
    """Add the one row Σ c_j x_j ≤ (z* + slack · S* − c_0) · scale to ``h``; return the cap (MUSD)."""
    comp = built.comp
    cap = optimum.objective + slack * max(optimum.spend or 0.0, 0.0)
    cap += CAP_TOLERANCE * max(1.0, abs(cap))
    cost = np.asarray(comp.lp.col_cost_)
    nz = np.flatnonzero(cost).astype(np.int32)
    h.addRow(-highspy.kHighsInf, (cap - comp.offset) * comp.objective_scale, len(nz), nz, cost[nz])
    return cap


def _polish(lp: highspy.Highs, comp, c: np.ndarray, x: np.ndarray, deadline: float) -> np.ndarray | None:
    """The LP of direction ``c`` under the cap with every integer fixed at ``x``; None if it cannot be solved in time."""
    idx = np.flatnonzero(comp.integer).astype(np.int32)
    lp.changeColsCost(len(c), np.arange(len(c), dtype=np.int32), c)
    vals = np.round(x[idx])
    lp.changeColsBounds(len(idx), idx, vals, vals)
    return np.array(lp.getSolution().col_value) if run_until(lp, deadline) == "optimal" else None


METHODS = ("auto", "mip", "phases")
PHASES_ABOVE_COLUMNS = 5000  # auto: the phases for a case this large (the world has 113k columns), HiGHS's MIP below
FALLBACK_S = 30.0  # the warm-started MIP's extra time when the phases find no plan
CAP_RESERVE = 0.5  # share of the slack the phases' relaxation may use; the rest absorbs rounding


def capped_lp(comp: Compiled, cap_musd: float) -> highspy.HighsLp:
    """The compiled LP with the cost row Σ c_j x_j ≤ (cap − c_0) · scale appended (built once per exploration)."""
    lp = comp.lp
    cost = np.asarray(lp.col_cost_)
    A = sparse.csc_matrix((np.asarray(lp.a_matrix_.value_), np.asarray(lp.a_matrix_.index_), np.asarray(lp.a_matrix_.start_)), shape=(lp.num_row_, lp.num_col_))
    A = sparse.vstack([A, sparse.csr_matrix(cost.reshape(1, -1))]).tocsc()
    new = highspy.HighsLp()
    new.num_col_, new.num_row_ = lp.num_col_, lp.num_row_ + 1
    new.col_cost_ = cost
    new.col_lower_, new.col_upper_ = lp.col_lower_, lp.col_upper_
    new.row_lower_ = np.append(np.asarray(lp.row_lower_), -highspy.kHighsInf)
    new.row_upper_ = np.append(np.asarray(lp.row_upper_), (cap_musd - comp.offset) * comp.objective_scale)
    new.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    new.a_matrix_.start_ = A.indptr.astype(np.int32)
    new.a_matrix_.index_ = A.indices.astype(np.int32)
    new.a_matrix_.value_ = A.data.astype(float)
    return new


def directed(comp: Compiled, capped: highspy.HighsLp, c: np.ndarray) -> Compiled:
    """The compiled model on the ``capped`` LP with ``c`` (MW per column) as its objective, for
    :func:`tokensite.solve.solve`'s phases. The objective is made nonnegative by a constant,
    Σ max(0, −c_j) · ub_j over finite bounds, so the phases' relative gap is defined."""
    capped.col_cost_ = c
    ub = np.asarray(capped.col_upper_)
    neg = (c < 0) & np.isfinite(ub)
    return replace(comp, lp=capped, offset=float(np.dot(-c[neg], ub[neg])), objective_scale=1.0,
                   row_names=[*comp.row_names, ("c_alternatives_cost_cap", None)], unserved_cols=np.array([], dtype=np.int32))


def _by_phases(built: Built, capped: highspy.HighsLp, c: np.ndarray, deadline: float, log: bool) -> tuple[np.ndarray | None, str]:
    """The direction solved by tokensite's phases (relax, round, local search, branch and bound if time is left)
    on the ``capped`` LP; (None, why) if they find no plan in time."""
    left = deadline - time.perf_counter()
    if left <= 1:
        return None, "no time left for the phases"
    sol = phases_solve(directed(built.comp, capped, c), replace(built.case.solver, time_limit_s=left), log=log)
    return (None, f"phases: {sol.status}: {sol.message}") if sol.values is None else (_x_of(built, sol.values), "")


def _run_mip_until(h: highspy.Highs, deadline: float) -> str:
    """One MIP run of a reused Highs object until ``deadline``. HiGHS 1.16 applies ``time_limit`` to each
    MIP run while ``getRunTime`` counts every run (measured on the world: the n-th alternative ran the
    limit plus all earlier runs), so the limit set is the time left, not :func:`run_until`'s running total."""
    left = deadline - time.perf_counter()
    if left <= 0:
        return "time_limit"
    h.setOptionValue("time_limit", left)
    h.run()
    return status_of(h)


def explore(built: Built, optimum: Solution, dirs: list[Direction], groups: dict, slack: float, time_limit_s: float,
            log: bool = False, on_run: Callable[[Run], None] | None = None, phases: bool = False,
            fallback_s: float = 0.0) -> tuple[list[Run], float, list[str]]:
    """Solve every direction on one HiGHS model: the compiled case with the cost cap added once,
    its column costs changed per direction, warm-started from the optimum. With ``phases`` each
    direction is first tried by tokensite's phases on the same compiled arrays (a large case, where
    branch and bound from the optimum rarely improves on it within the limit), and the warm-started
    MIP, for ``fallback_s`` more, only if they find no plan. Returns the runs, the cap (MUSD) and
    HiGHS's warnings."""
    comp = built.comp
    warnings: list[str] = []
    h = new_highs(comp, built.case.solver, log, integer=True, warnings=warnings)
    h.setOptionValue("mip_rel_gap", float(built.case.solver.mip_rel_gap))
    cap = add_cost_cap(h, built, optimum, slack)
    lp: highspy.Highs | None = None
    x_opt = _x_of(built, optimum.values)
    all_cols = np.arange(comp.lp.num_col_, dtype=np.int32)
    start = highspy.HighsSolution()
    start.col_value = list(x_opt)
    start.value_valid = True
    runs = []
    capped = None
    if phases:  # under a cap that keeps CAP_RESERVE of the slack back for rounding
        reserved = optimum.objective + CAP_RESERVE * slack * max(optimum.spend or 0.0, 0.0)
        capped = capped_lp(comp, reserved + CAP_TOLERANCE * max(1.0, abs(reserved)))
    for d in dirs:
        t0 = time.perf_counter()
        c = _cost_vector(groups, d, comp.lp.num_col_)
        sign = -1.0 if d.kind == "max" else 1.0
        note = ""
        if capped is not None:
            x, note = _by_phases(built, capped, c, t0 + time_limit_s, log)
            if x is not None:
                run = Run(d, x, "phases", sign * float(np.dot(c, x)), None, round(time.perf_counter() - t0, 3))
                runs.append(run)
                if on_run:
                    on_run(run)
                continue
        h.changeColsCost(len(all_cols), all_cols, c)
        h.setSolution(start)
        status = _run_mip_until(h, t0 + time_limit_s + (fallback_s if phases else 0.0))
        info = h.getInfo()
        x = np.array(h.getSolution().col_value) if info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible else None
        bound = float(info.mip_dual_bound) * sign if np.isfinite(info.mip_dual_bound) else None
        if x is not None and abs(float(np.dot(c, x)) - info.objective_function_value) > 1e-6 * max(1.0, abs(info.objective_function_value)):
            # HiGHS 1.16 with presolve and a start solution can report the improved objective with the start's
            # values (seen on a tiny case that presolve solves outright): re-solve the continuous part with the
            # integers fixed at what it returned, so the plan written is the objective reported or better.
            if lp is None:
                lp = new_highs(comp, built.case.solver, log, integer=False, warnings=warnings)
                add_cost_cap(lp, built, optimum, slack)
            polished = _polish(lp, comp, c, x, t0 + time_limit_s)
            x = x if polished is None else polished
        obj = None if x is None else sign * float(np.dot(c, x))
        run = Run(d, x, status, obj, bound, round(time.perf_counter() - t0, 3), note)
        runs.append(run)
        if on_run:
            on_run(run)
    return runs, cap, warnings


def site_ranges(plans: dict[str, Results]) -> pd.DataFrame:
    """Each site's facility MW by year in the optimum, its min and max over all plans, and its class."""
    frames = []
    for name, res in plans.items():
        s = res.sites[["site_id", "name", "country", "lat", "lon", "year", "facility_mw"]].assign(plan=name)
        frames.append(s)
    s = pd.concat(frames, ignore_index=True)
    s["built"] = s.facility_mw > BUILT_MW
    g = s.groupby(["site_id", "year"])
    out = g.agg(name=("name", "first"), country=("country", "first"), lat=("lat", "first"), lon=("lon", "first"),
                min_mw=("facility_mw", "min"), max_mw=("facility_mw", "max"), plans_built=("built", "sum"), plans=("plan", "count")).reset_index()
    opt = s[s.plan == "optimum"].set_index(["site_id", "year"]).facility_mw
    out["optimum_mw"] = [float(opt.get((r, y), 0.0)) for r, y in zip(out.site_id, out.year)]
    out["class"] = np.where(out.plans_built == out.plans, "must_build", np.where(out.plans_built == 0, "never_build", "flexible"))
    cols = ["site_id", "name", "country", "lat", "lon", "year", "optimum_mw", "min_mw", "max_mw", "plans_built", "plans", "class"]
    return out[cols].sort_values(["year", "class", "site_id"]).reset_index(drop=True)


def _alternative_results(built: Built, optimum_res: Results, run: Run, optimum: Solution, slack: float, cap: float) -> Results:
    comp = built.comp
    spend_opt = optimum.spend or 0.0
    d = run.direction
    sol = solution_at(comp, run.x, "feasible", optimum.bound, run.solve_s,
                      f"alternative {d.name} ({d.kind}{' ' + d.group if d.group else ''}) within {100 * slack:g} % of the optimum's spend")
    times = {k: v for k, v in optimum_res.summary.items() if k.endswith("_s") and k != "extract_s"}
    res = results_of(built, replace(sol, solve_s=run.solve_s), {**times, "solve_s": run.solve_s})
    extra = {
        "direction": d.name, "kind": d.kind, "group": d.group, "weights": d.weights, "slack": slack,
        "cost_cap_usd": optional_musd_to_usd(cap), "highs_status": run.highs_status,
        "direction_objective_mw": run.objective_mw, "direction_bound_mw": run.bound_mw,
        "cost_over_optimum_of_spend": (sol.objective - optimum.objective) / spend_opt if spend_opt > 0 else None,
    }
    return Results(summary={**res.summary, "alternative": extra}, frames=res.frames)


def run_alternatives(case: str | Path | Case, out: str | Path, *, slack: float = 0.02, count: int = 4, by: str = "site",
                     seed: int = 0, max_groups: int | None = None, time_limit_s: float | None = None, method: str = "auto", report: bool = True,
                     log: bool = False, on_stage: Callable[[str, float], None] | None = None,
                     on_run: Callable[[Run], None] | None = None, **overrides: Any) -> dict:
    """Solve the case, then its near-optimal alternatives; write ``out`` all or nothing. Returns ``alternatives.json``'s content.

    ``time_limit_s`` is per alternative (default: the case's own limit); ``overrides`` set the
    optimum's solver options. Raises :class:`UserError` for a bad slack, count or grouping, or when
    the optimum has no plan."""
    from tokensite.results.alternatives import ranges_png, write_alternatives_report
    from tokensite.results.report import write_outputs

    if not (np.isfinite(slack) and 0 <= slack < 1):
        raise UserError(f"--slack {slack:g} must be in [0, 1), e.g. 0.02 for 2 % of what the optimum spends")
    if count < 0:
        raise UserError(f"--count {count} must be 0 or more random directions")
    if by not in GROUPINGS:
        raise UserError(f"--by {by!r}: group by one of {', '.join(GROUPINGS)}")
    if method not in METHODS:
        raise UserError(f"--method {method!r}: one of {', '.join(METHODS)}")
    if max_groups is not None and max_groups < 0:
        raise UserError(f"--groups {max_groups} must be 0 or more")
    if time_limit_s is not None and not (np.isfinite(time_limit_s) and time_limit_s > 0):
        raise UserError(f"--time-limit {time_limit_s:g} must be a positive number of seconds")
    t_wall = time.perf_counter()
    case = case if isinstance(case, Case) else load_case(case)
    built = build(case, on_stage=on_stage, **overrides)
    optimum = solve_built(built, log=log, on_stage=on_stage)
    if optimum.values is None:
        raise UserError(f"the optimum found no plan (status {optimum.status}{': ' + optimum.message if optimum.message else ''}); no alternatives")
    optimum_res = results_of(built, optimum, built.times, on_stage)
    groups = group_measures(built, by)
    x_opt = _x_of(built, optimum.values)
    dirs = directions(groups, x_opt, count, seed, max_groups)
    limit = float(time_limit_s or built.case.solver.time_limit_s)
    t0 = time.perf_counter()
    use_phases = method == "phases" or (method == "auto" and built.comp.lp.num_col_ > PHASES_ABOVE_COLUMNS)
    runs, cap, warnings = explore(built, optimum, dirs, groups, slack, limit, log, on_run, phases=use_phases, fallback_s=FALLBACK_S if use_phases else 0.0)
    explore_s = time.perf_counter() - t0
    found = [r for r in runs if r.x is not None]
    alternatives = {r.direction.name: _alternative_results(built, optimum_res, r, optimum, slack, cap) for r in found}
    plans = {"optimum": optimum_res, **alternatives}
    ranges = site_ranges(plans)
    at_opt = measure(groups, x_opt)
    runs_frame = pd.DataFrame([dict(
        alternative=r.direction.name, kind=r.direction.kind, group=r.direction.group or "", highs_status=r.highs_status,
        group_mw_optimum=at_opt.get(r.direction.group) if r.direction.group else None,
        direction_objective_mw=r.objective_mw, direction_bound_mw=r.bound_mw,
        objective_usd=alternatives[r.direction.name].objective_usd if r.x is not None else None,
        cost_over_optimum_of_spend=alternatives[r.direction.name].summary["alternative"]["cost_over_optimum_of_spend"] if r.x is not None else None,
        moved=r.x is not None and any(abs(v - at_opt[g]) > BUILT_MW for g, v in measure(groups, r.x).items()),
        solve_s=r.solve_s, note=r.note) for r in runs],
        columns=["alternative", "kind", "group", "highs_status", "group_mw_optimum", "direction_objective_mw", "direction_bound_mw",
                 "objective_usd", "cost_over_optimum_of_spend", "moved", "solve_s", "note"])
    last = int(max(built.ix.Y))
    counts = ranges[ranges.year == last]["class"].value_counts().to_dict()
    s = optimum_res.summary
    rebuild_s = sum(s.get(k, 0.0) for k in ("read_s", "build_s", "hand_off_s"))
    summary = {
        "case": built.case.name, "slack_of_spend": slack, "by": by, "count": count, "seed": seed, "max_groups": max_groups,
        "time_limit_per_alternative_s": limit, "solver": "phases (relax, round, local search) under a cap of half the slack, else HiGHS's MIP warm-started from the optimum" if use_phases else "HiGHS's MIP warm-started from the optimum",
        "method": "min/max built MW per group built in the optimum (HSJ/PyPSA MGA) + random directions (SPORES)",
        "citations": CITATIONS,
        "optimum": {k: s.get(k) for k in ("status", "objective_usd", "best_bound_usd", "mip_gap", "spend_usd", "spend_gap")},
        "cost_cap_usd": optional_musd_to_usd(cap),
        "alternatives_asked": len(runs), "alternatives_found": len(found),
        "alternatives_moved": int(runs_frame.moved.sum()),  # a plan whose groups' MW differ from the optimum's; the others stayed at the warm start
        "classes_last_year": {"year": last, **{k: int(counts.get(k, 0)) for k in ("must_build", "flexible", "never_build")}},
        "times": {
            "read_s": s.get("read_s"), "build_s": s.get("build_s"), "hand_off_s": s.get("hand_off_s"), "optimum_solve_s": s.get("solve_s"),
            "alternatives_solve_s": round(explore_s, 3), "mean_alternative_s": round(explore_s / max(len(runs), 1), 3),
            "rebuild_avoided_s": round(rebuild_s * len(runs), 3),
            "wall_s": None,
        },
        "solver_warnings": warnings,
    }

    def fill(tmp: Path) -> None:
        optimum_res.to_dir(tmp / "optimum", extras=write_outputs if report else None)
        for name, res in alternatives.items():
            res.to_dir(tmp / "alternatives" / name, extras=write_outputs if report else None)
        ranges.to_csv(tmp / "alternatives.csv", index=False)
        runs_frame.to_csv(tmp / "runs.csv", index=False)
        ranges_png(optimum_res, ranges, tmp / "map_ranges.png")
        summary["times"]["wall_s"] = round(time.perf_counter() - t_wall, 3)
        (tmp / "alternatives.json").write_text(json.dumps(summary, indent=2, default=str))
        write_alternatives_report(summary, ranges, runs_frame, tmp)

    write_atomically(out, fill)
    return summary
