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

The model is built and compiled once: each alternative is the compiled model with the cap row and
its own objective, solved by the shared phases (:mod:`tokensite.scenarios.alternatives.explore`)
for at most ``time_limit_s``. Min/max is solved only for groups built in the
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
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tokensite.config import Case, load_case
from tokensite.errors import UserError
from tokensite.results import Results
from tokensite.results.alternatives import ranges_png, write_alternatives_report
from tokensite.results.report import write_outputs
from tokensite.results.results import write_atomically
from tokensite.run import QUIET, Built, Observer, build, results_of, solve_built
from tokensite.scenarios.alternatives.directions import BUILT_MW, GROUPINGS, directions, group_measures, measure, x_of
from tokensite.scenarios.alternatives.explore import METHODS, Run, explore
from tokensite.solver import Solution, rounding_groups, solution_at
from tokensite.units import optional_musd_to_usd

CITATIONS = (
    "E. D. Brill, S.-Y. Chang, L. D. Hopkins (1982), Modeling to generate alternatives: the HSJ approach and an illustration "
    "using a problem in land use planning, Management Science 28(3); F. Neumann, T. Brown (2021), The near-optimal feasible "
    "space of a renewable power system model, Electric Power Systems Research 190 (PyPSA's MGA); F. Lombardi, B. Pickering, "
    "E. Colombo, S. Pfenninger (2020), Policy decision support for renewables deployment through spatially explicit "
    "practically optimal alternatives, Joule 4(10) (SPORES); J. Berntsen, E. Trutnevyte (2017), Ensuring diversity of "
    "national energy scenarios, Energy 126 (random-vector MGA)."
)


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
                     log: bool = False, observer: Observer = QUIET,
                     on_run: Callable[[Run], None] | None = None, **overrides: Any) -> dict:
    """Solve the case, then its near-optimal alternatives; write ``out`` all or nothing. Returns ``alternatives.json``'s content.

    ``time_limit_s`` is per alternative (default: the case's own limit); ``overrides`` set the
    optimum's solver options; ``observer`` sees the optimum's stages (:class:`tokensite.run.Observer`). Raises :class:`UserError` for a bad slack, count or grouping, or when
    the optimum has no plan."""
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
    built = build(case, observer=observer, **overrides)
    optimum = solve_built(built, log=log, observer=observer)
    if optimum.values is None:
        raise UserError(f"the optimum found no plan (status {optimum.status}{': ' + optimum.message if optimum.message else ''}); no alternatives")
    optimum_res = results_of(built, optimum, built.times, observer)
    groups = group_measures(built, by)
    x_opt = x_of(built, optimum.values)
    dirs = directions(groups, x_opt, count, seed, max_groups)
    limit = float(time_limit_s or built.case.solver.time_limit_s)
    t0 = time.perf_counter()
    options = built.case.solver
    use_phases = method == "phases" or (method == "auto" and built.comp.lp.num_col_ > options.alternatives_phases_above_columns)
    runs, cap, warnings = explore(built, optimum, dirs, groups, slack, limit, log, on_run, phases=use_phases,
                                  fallback_s=options.alternatives_fallback_s if use_phases else 0.0,
                                  rounding=rounding_groups(built.comp, {"": (built.ix, built.par)}))
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
