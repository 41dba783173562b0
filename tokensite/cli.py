"""The ``tokensite`` command: thin typer commands over the public API.

A user error (bad data, bad case, bad flag, missing file) prints one readable message and
exits with status 2; a solve that ends without a plan exits with status 1 and leaves any
existing results folder as it was. No traceback is shown.
"""

from __future__ import annotations

from pathlib import Path
from time import perf_counter

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tokensite import __version__
from tokensite.config import Case, SolverOptions, load_case, solver_option_problems
from tokensite.dataset import read_dataset
from tokensite.dataset.checks import check_case
from tokensite.errors import DatasetError, Problem, UserError
from tokensite.results import Results
from tokensite.results.maps import BBoxes, bbox_slug, layer_panels_png, map_png, parse_bbox
from tokensite.results.webmap import map_html
from tokensite.results.report import build_report, write_outputs
from tokensite.run import solve as solve_case

DEFAULT_CASE = Path("models/world.toml")
WIDE_COLUMNS = 120
"""Narrower terminals (and pipes) get one problem per line instead of a table."""
app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Plan AI token factories: where, how many GPUs, at what cost.")
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def _case_default(name: str) -> str:
    """The solver default a user gets: the default case's own value when it is readable."""
    fallback = getattr(SolverOptions(), name)
    try:
        value = getattr(load_case(DEFAULT_CASE).solver, name)
    except Exception:  # help must render with no case around
        return f"the case's [solver] {name}, else {fallback:g}"
    return f"the case's [solver] {name}; {value:g} in {DEFAULT_CASE}"


def _version(show: bool) -> None:
    if show:
        out.print(f"tokensite {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", help="Print the version and exit", callback=_version, is_eager=True)) -> None:
    """Plan AI token factories: where, how many GPUs, at what cost."""


def _print_problems(title: str, problems: list[Problem], kind: str = "problem") -> None:
    if err.is_terminal and err.width >= WIDE_COLUMNS:
        table = Table(title=title, show_lines=False)
        for col in ("file:line", "column", kind, "value", "how to fix"):
            table.add_column(col, overflow="fold")
        for p in problems:
            table.add_row(f"{p.file}:{p.line}" if p.line is not None else p.file, p.column, p.problem, p.value, p.fix)
        err.print(table)
        return
    err.print(escape(title), soft_wrap=True)
    for p in problems:
        err.print(escape(f"  {kind}: {p}" if kind != "problem" else f"  {p}"), soft_wrap=True)


def _warn(warnings: list[Problem] | tuple[Problem, ...]) -> None:
    if warnings:
        _print_problems(f"{len(warnings)} warning(s) (not errors; --strict makes them errors):", list(warnings), "warning")


def _fail(e: UserError) -> None:
    if isinstance(e, DatasetError):
        _warn(e.warnings)
        _print_problems(f"{len(e.problems)} problem(s) in {e.folder}", e.problems)
        if e.follow_ons:
            err.print(f"  (and {len(e.follow_ons)} follow-on problem(s) that these explain; they are checked again once these are fixed)")
    else:
        err.print(f"[red]error:[/red] {escape(str(e))}", soft_wrap=True)
    raise typer.Exit(2)


def _resolve(target: Path | None) -> tuple[Path, Case | None]:
    target = target or DEFAULT_CASE
    if target.is_dir():
        return target, None
    if not target.exists():
        raise UserError(f"{target}: no such case file or dataset folder" + (" (run from the repository root, or pass a path)" if target == DEFAULT_CASE else ""))
    case = load_case(target)
    return case.data_dir, case


STRICT = typer.Option(False, "--strict", help="Treat warnings (implausible units, points outside their country, misspelt columns) as errors")


@app.command()
def validate(target: Path = typer.Argument(None, help="Case file (.toml) or dataset folder; default models/world.toml"), strict: bool = STRICT) -> None:
    """Check a dataset (and case) and print a summary, or every problem found."""
    try:
        data_dir, case = _resolve(target)
        ds = read_dataset(data_dir, strict=strict)
        if case is not None:
            check_case(case, ds)
    except UserError as e:
        _fail(e)
        return
    _warn(ds.warnings)
    table = Table(title=f"dataset {data_dir} is valid" + (f" ({len(ds.warnings)} warning(s))" if ds.warnings else ""))
    table.add_column("item")
    table.add_column("count", justify="right")
    for k, v in ds.summary().items():
        table.add_row(k, str(v))
    if case is not None:
        table.add_row("case years", ", ".join(map(str, case.years)))
    out.print(table)


@app.command()
def solve(
    case: Path = typer.Argument(None, help="Case file; default models/world.toml"),
    out_dir: Path = typer.Option(None, "--out", help="Results folder", show_default="results/<case name>"),
    time_limit_s: float = typer.Option(None, "--time-limit", help="Seconds (> 0) before the best plan found is returned",
                                       show_default=_case_default("time_limit_s")),
    mip_rel_gap: float = typer.Option(None, "--gap", help="Relative gap in [0, 1) at which to stop", show_default=_case_default("mip_rel_gap")),
    threads: int = typer.Option(None, "--threads", help="HiGHS threads (0 = all cores)", show_default=_case_default("threads")),
    relax: bool = typer.Option(False, "--relax", help="Solve the LP relaxation only (screening)"),
    log: bool = typer.Option(False, "--log", help="Stream the HiGHS log"),
    no_report: bool = typer.Option(False, "--no-report", help="Skip plan tables, workbook, maps and report.html"),
    strict: bool = STRICT,
) -> None:
    """Build and solve a case; write its results folder (all or nothing; an existing one is kept if no plan is found)."""
    for problem in solver_option_problems(time_limit_s, mip_rel_gap, threads):
        _fail(UserError(problem))
    case = case or DEFAULT_CASE
    try:
        if not case.is_file():
            raise UserError(f"{case}: no such case file" + (" (run from the repository root, or pass a path)" if case == DEFAULT_CASE else ""))
        loaded = load_case(case)
        t0 = perf_counter()
        ds = read_dataset(loaded.data_dir, strict=strict)
        read_s = perf_counter() - t0  # the dataset is read here (for its warnings) and handed to the solve
        _warn(ds.warnings)
        target = out_dir or Path("results") / loaded.name
        with out.status("solving ...") as status:
            def on_stage(name: str, seconds: float) -> None:
                seconds += read_s if name == "read" else 0.0
                out.print(f"  {name:<9} {seconds:8.2f} s")
                status.update(f"{name} done ...")

            def on_incumbent(rec: dict) -> None:
                gap = "" if rec["gap"] is None else f"  gap {100 * rec['gap']:.2f} %"
                out.print(f"  incumbent {rec['objective']:,.0f} USD  bound {(rec['bound'] or 0):,.0f}{gap}  at {rec['t_s']:.1f} s")

            res = solve_case(case, dataset=ds, log=log, on_stage=on_stage, on_incumbent=on_incumbent, time_limit_s=time_limit_s,
                             mip_rel_gap=mip_rel_gap, threads=threads, relax=relax or None)
    except UserError as e:
        _fail(e)
        return
    s = res.summary
    if not res.has_plan:
        kept = f"; {target} was left as it was" if target.exists() else "; no results folder written"
        err.print(escape(f"error: no plan found (status {s['status']}{': ' + s['message'] if s['message'] else ''}){kept}"), soft_wrap=True)
        raise typer.Exit(1)
    s = {**s, "read_s": round(s["read_s"] + read_s, 3)}
    res = Results(summary=s, frames=res.frames)
    path = res.to_dir(target, extras=None if no_report else write_outputs)
    gap = "n/a" if s["mip_gap"] is None else f"{100 * s['mip_gap']:.2f} %"
    if s.get("spend_gap") is not None:
        gap += f" of the objective, {100 * s['spend_gap']:.2f} % of capex + opex"
    for w in s.get("solver_warnings", []):
        err.print(escape(f"HiGHS: {w}"), soft_wrap=True)
    out.print(f"[bold]{s['status']}[/bold]: objective {s['objective_usd']:,.0f} USD, gap {gap}; {s['variables']:,} variables, {s['constraints']:,} constraints")
    if s["message"]:
        out.print(escape(s["message"]))
    out.print(f"results in {path}")
    if s["status"] not in ("optimal", "time_limit"):
        raise typer.Exit(1)


def _load_results(results_dir: Path) -> Results:
    if not (results_dir / "summary.json").is_file():
        _fail(UserError(f"{results_dir}: not a results folder (no summary.json); run `tokensite solve` first"))
    res = Results.from_dir(results_dir)
    if not res.has_plan:
        _fail(UserError(f"{results_dir}: the solve found no plan (status {res.summary.get('status')}); nothing to draw"))
    return res


@app.command()
def report(results_dir: Path = typer.Argument(..., help="Results folder written by `tokensite solve`")) -> None:
    """Write a self-contained report.html into the results folder."""
    res = _load_results(results_dir)
    out.print(f"report in {build_report(res, results_dir / 'report.html')}")


@app.command(name="map")
def map_cmd(
    results_dir: Path = typer.Argument(..., help="Results folder written by `tokensite solve`"),
    layer: str = typer.Option(None, "--layer", help="Only this layer", show_default="all layers"),
    year: int = typer.Option(None, "--year", help="Planning year", show_default="the last"),
    html_map: bool = typer.Option(False, "--html", help="Interactive HTML map instead of PNG"),
    bbox: str = typer.Option(None, "--bbox", help=f"minlon,minlat,maxlon,maxlat or one of {', '.join(BBoxes)}", show_default="world"),
    panels: bool = typer.Option(False, "--panels", help="One panel per layer (PNG)"),
) -> None:
    """Draw the siting map of a results folder."""
    res = _load_results(results_dir)
    if layer and layer not in set(res.layers.layer):
        _fail(UserError(f"unknown layer {layer!r}; the results have {', '.join(res.layers.layer)}"))
    if year and year not in set(res.sites.year):
        _fail(UserError(f"year {year} is not a planning year of these results ({', '.join(map(str, sorted(set(res.sites.year))))})"))
    try:
        box = parse_bbox(bbox)
    except ValueError as e:
        _fail(UserError(str(e)))
        return
    suffix = (f"_{layer}" if layer else "") + (f"_{bbox_slug(bbox)}" if bbox else "")
    if html_map:
        path = map_html(res, results_dir / f"map{'_' + layer if layer else ''}.html", year, layer)
    elif panels:
        path = layer_panels_png(res, results_dir / f"map_layers{suffix}.png", year, box)
    else:
        path = map_png(res, results_dir / f"map{suffix}.png", year, layer, box)
    out.print(f"map in {path}")


@app.command()
def sweep(
    case: Path = typer.Argument(..., help="Base case file (.toml)"),
    grid: Path = typer.Option(..., "--grid", help="Grid file: [grid] lists to combine, or [cases.<name>] tables (docs/data-format.md)"),
    workers: int = typer.Option(None, "--workers", help="Start a local Dask cluster of N worker processes (one HiGHS thread each)"),
    scheduler: str = typer.Option(None, "--scheduler", help="Use an existing Dask cluster, e.g. tcp://10.0.0.5:8786"),
    out_dir: Path = typer.Option(None, "--out", help="Sweep folder (cases/, sweep.csv, sweep.png, report.html)", show_default="results/<case name>-sweep"),
    time_limit_s: float = typer.Option(None, "--time-limit", help="Seconds (> 0) per case", show_default=_case_default("time_limit_s")),
    no_report: bool = typer.Option(False, "--no-report", help="Write each case's results CSVs only (no plan tables, maps or report)"),
) -> None:
    """Solve many cases, each a set of overrides; rerun to finish what is missing (finished cases are skipped)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from tokensite.scenarios.sweep import read_grid, run_sweep

    for problem in solver_option_problems(time_limit_s):
        _fail(UserError(problem))
    try:
        base = load_case(case)
        cases = read_grid(grid)
        target = out_dir or Path("results") / f"{base.name}-sweep"
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=out) as bar:
            task = bar.add_task("sweep", total=len(cases))

            def on_start(todo: int, skipped: int) -> None:
                if skipped:
                    out.print(f"  {skipped} case(s) already solved from the same inputs: skipped")

            def on_done(row: dict) -> None:
                bar.advance(task)
                if not row.get("skipped"):
                    obj = "" if row.get("objective_usd") is None else f"  objective {row['objective_usd']:,.0f} USD"
                    why = f"  {row['error']}" if row.get("status") == "failed" else ""
                    out.print(escape(f"  {row['case']}: {row['status']}{obj}{why}"), soft_wrap=True)

            frame = run_sweep(base, cases, target, workers=workers, scheduler=scheduler, time_limit_s=time_limit_s,
                              report=not no_report, on_start=on_start, on_done=on_done)
    except UserError as e:
        _fail(e)
        return
    failed = int((frame.status == "failed").sum())
    out.print(f"{len(frame)} case(s), {failed} failed; sweep in {target / 'sweep.csv'}")
    if failed:
        raise typer.Exit(1)


@app.command()
def stochastic(
    case: Path = typer.Argument(..., help="Base case file (.toml)"),
    scenarios: Path = typer.Option(..., "--scenarios", help="CSV: name, probability, then one column per override key (docs/data-format.md)"),
    method: str = typer.Option("ef", "--method", help="ef: extensive form by tokensite's HiGHS phases; ef-mpisppy: mpi-sppy's extensive form by HiGHS branch and bound; ph: Progressive Hedging under mpiexec"),
    ranks: int = typer.Option(2, "--ranks", help="MPI ranks for --method ph (even: PH hub and xhat spoke)"),
    ph_iterations: int = typer.Option(50, "--ph-iterations", help="PH iteration limit (--method ph)"),
    out_dir: Path = typer.Option(None, "--out", help="Results folder", show_default="results/<case name>-stochastic"),
    time_limit_s: float = typer.Option(None, "--time-limit", help="Seconds (> 0) for the recourse problem and each deterministic solve",
                                       show_default=_case_default("time_limit_s")),
    mip_rel_gap: float = typer.Option(None, "--gap", help="Relative gap in [0, 1)", show_default=_case_default("mip_rel_gap")),
    no_report: bool = typer.Option(False, "--no-report", help="Scenario results CSVs only (no plan tables, maps or report per scenario)"),
) -> None:
    """One build for all scenarios (two-stage stochastic plan): expected cost, EVPI and VSS."""
    from tokensite.scenarios.stochastic import read_scenarios, run_stochastic

    for problem in solver_option_problems(time_limit_s, mip_rel_gap):
        _fail(UserError(problem))
    try:
        base = load_case(case)
        scen = read_scenarios(scenarios)
        target = out_dir or Path("results") / f"{base.name}-stochastic"
        with out.status(f"solving {len(scen)} scenario(s) by {method} ..."):
            s = run_stochastic(base, scen, target, method=method, ranks=ranks, time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap,
                               report=not no_report, ph_iterations=ph_iterations)
    except UserError as e:
        _fail(e)
        return

    def usd(key: str) -> str:
        return "n/a" if s.get(key) is None else f"{s[key]:,.0f} USD"

    gap = "n/a" if s["recourse_gap"] is None else f"{100 * s['recourse_gap']:.3f} %"
    out.print(f"[bold]{s['status']}[/bold] ({s['method']}, gap {gap}): expected cost {usd('expected_cost_usd')}; "
              f"EVPI {usd('evpi_usd')}; VSS {usd('vss_usd')}")
    out.print(f"results in {target}")


@app.command()
def alternatives(
    case: Path = typer.Argument(..., help="Case file (.toml)"),
    slack: float = typer.Option(0.02, "--slack", help="Extra cost allowed, as a share of what the optimum spends (capex + opex), in [0, 1)"),
    count: int = typer.Option(4, "--count", help="Random directions (SPORES) after the min/max of each built group"),
    by: str = typer.Option("site", "--by", help="Group built MW by site, country, layer or gpu"),
    max_groups: int = typer.Option(None, "--groups", help="Min/max only the N largest groups built in the optimum", show_default="every built group"),
    seed: int = typer.Option(0, "--seed", help="Seed of the random directions"),
    out_dir: Path = typer.Option(None, "--out", help="Alternatives folder", show_default="results/<case name>-alternatives"),
    time_limit_s: float = typer.Option(None, "--time-limit", help="Seconds (> 0) for each alternative", show_default=_case_default("time_limit_s")),
    method: str = typer.Option("auto", "--method", help="mip: HiGHS's branch and bound from the optimum; phases: tokensite's phases under half the slack (then mip); auto: phases above 5,000 columns"),
    no_report: bool = typer.Option(False, "--no-report", help="Each plan's results CSVs only (no plan tables, maps or report per plan)"),
) -> None:
    """Near-optimal alternatives (MGA): plans within --slack of the optimum's spend that min/max each group's MW, and random directions."""
    from tokensite.alternatives import run_alternatives

    try:
        if not case.is_file():
            raise UserError(f"{case}: no such case file")
        base = load_case(case)
        target = out_dir or Path("results") / f"{base.name}-alternatives"

        def on_stage(name: str, seconds: float) -> None:
            out.print(f"  {name:<9} {seconds:8.2f} s")

        def on_run(run) -> None:
            mw = "no plan" if run.objective_mw is None else f"{run.objective_mw:,.1f} MW"
            out.print(escape(f"  {run.direction.name}: {run.highs_status}, {mw}, {run.solve_s:.1f} s" + (f" ({run.note})" if run.note else "")), soft_wrap=True)

        s = run_alternatives(base, target, slack=slack, count=count, by=by, seed=seed, max_groups=max_groups, time_limit_s=time_limit_s,
                             method=method, report=not no_report, on_stage=on_stage, on_run=on_run)
    except UserError as e:
        _fail(e)
        return
    o, c, t = s["optimum"], s["classes_last_year"], s["times"]
    gap = "n/a" if o["spend_gap"] is None else f"{100 * o['spend_gap']:.2f} %"
    out.print(f"optimum {o['status']}: {o['objective_usd']:,.0f} USD, gap {gap} of spend; {s['alternatives_found']} of {s['alternatives_asked']} alternatives "
              f"({s['alternatives_moved']} moved from the optimum) within {100 * slack:g} % of spend in {t['alternatives_solve_s']:.1f} s (one build, {t['rebuild_avoided_s']:.1f} s of rebuilds avoided)")
    out.print(f"{c['year']}: {c['must_build']} must-build, {c['flexible']} flexible, {c['never_build']} never-build sites; results in {target}")


@app.command()
def rebound(
    case: Path = typer.Argument(..., help="Case file (.toml); give its dataset an elasticity.csv for demand that responds to price"),
    efficiency: str = typer.Option("1,1.5,2,3", "--efficiency", help="Multipliers of every GPU's tokens per watt (throughput at the same power)"),
    workers: int = typer.Option(None, "--workers", help="Start a local Dask cluster of N worker processes"),
    out_dir: Path = typer.Option(None, "--out", help="Rebound folder (cases/, rebound.csv, rebound.png, sweep.csv)", show_default="results/<case name>-rebound"),
    time_limit_s: float = typer.Option(None, "--time-limit", help="Seconds (> 0) per case", show_default=_case_default("time_limit_s")),
) -> None:
    """The rebound experiment: solve the case with tokens per watt scaled; plot energy, tokens served and cost per Mtok against efficiency."""
    from tokensite.scenarios.rebound import parse_efficiencies, run_rebound

    for problem in solver_option_problems(time_limit_s):
        _fail(UserError(problem))
    try:
        values = parse_efficiencies(efficiency)
        if not case.is_file():
            raise UserError(f"{case}: no such case file")
        base = load_case(case)
        target = out_dir or Path("results") / f"{base.name}-rebound"

        def on_done(row: dict) -> None:
            why = f"  {row['error']}" if row.get("status") == "failed" else ""
            out.print(escape(f"  {row['case']}: {row['status']}{why}"), soft_wrap=True)

        table = run_rebound(base, values, target, workers=workers, time_limit_s=time_limit_s, on_done=on_done)
    except UserError as e:
        _fail(e)
        return
    last = table[table.year == table.year.max()] if not table.empty else table
    t = Table(title=f"rebound, {int(last.year.max()) if not last.empty else ''}")
    for col in ("efficiency", "energy TWh/yr", "M tokens/s", "USD per Mtok"):
        t.add_column(col, justify="right")
    for r in last.itertuples():
        t.add_row(f"{r.efficiency:g}", f"{r.energy_twh:,.3f}", f"{r.tokens_per_s / 1e6:,.3f}", f"{r.cost_usd_per_mtok:,.4f}")
    out.print(t)
    out.print(f"rebound in {target / 'rebound.csv'}")
    if table.empty or (table.status == "failed").any():
        raise typer.Exit(1)
