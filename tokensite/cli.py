"""The ``tokensite`` command: thin typer commands over the public API.

A user error (bad data, bad case, missing file) prints one readable message and exits
with status 2; no traceback is shown.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from tokensite.config import load_case
from tokensite.dataset import read_dataset
from tokensite.dataset.checks import check_case
from tokensite.errors import DatasetError, UserError
from tokensite.results import Results
from tokensite.results.maps import BBoxes, layer_panels_png, map_html, map_png, parse_bbox
from tokensite.results.report import build_report, write_outputs
from tokensite.run import solve as solve_case

DEFAULT_CASE = Path("models/world.toml")
app = typer.Typer(add_completion=False, no_args_is_help=True, help="Plan AI token factories: where, how many GPUs, at what cost.")
out = Console()
err = Console(stderr=True)


@app.callback()
def _root() -> None:
    """Plan AI token factories: where, how many GPUs, at what cost."""


def _fail(e: UserError) -> None:
    if isinstance(e, DatasetError):
        table = Table(title=f"{len(e.problems)} problem(s) in {e.folder}", show_lines=False)
        for col in ("file:line", "column", "problem", "value", "how to fix"):
            table.add_column(col, overflow="fold")
        for p in e.problems:
            table.add_row(f"{p.file}:{p.line}" if p.line is not None else p.file, p.column, p.problem, p.value, p.fix)
        err.print(table)
    else:
        err.print(f"[red]error:[/red] {e}")
    raise typer.Exit(2)


def _resolve(target: Path | None) -> tuple[Path, object | None]:
    target = target or DEFAULT_CASE
    if target.is_dir():
        return target, None
    if not target.exists():
        raise UserError(f"{target}: no such case file or dataset folder" + (" (run from the repository root, or pass a path)" if target == DEFAULT_CASE else ""))
    case = load_case(target)
    return case.data_dir, case


@app.command()
def validate(target: Path = typer.Argument(None, help="Case file (.toml) or dataset folder; default models/world.toml")) -> None:
    """Check a dataset (and case) and print a summary, or every problem found."""
    try:
        data_dir, case = _resolve(target)
        ds = read_dataset(data_dir)
        if case is not None:
            check_case(case, ds)
    except UserError as e:
        _fail(e)
        return
    table = Table(title=f"dataset {data_dir} is valid")
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
    out_dir: Path = typer.Option(None, "--out", help="Results folder; default results/<case name>"),
    time_limit_s: float = typer.Option(None, "--time-limit", help="Seconds before the best plan found is returned"),
    mip_rel_gap: float = typer.Option(None, "--gap", help="Relative gap at which to stop"),
    threads: int = typer.Option(None, "--threads", help="HiGHS threads (0 = all)"),
    relax: bool = typer.Option(False, "--relax", help="Solve the LP relaxation only (screening)"),
    log: bool = typer.Option(False, "--log", help="Stream the HiGHS log"),
    no_report: bool = typer.Option(False, "--no-report", help="Skip plan tables, workbook, maps and report.html"),
) -> None:
    """Build and solve a case; write its results folder (all or nothing)."""
    case = case or DEFAULT_CASE
    if not case.exists():
        _fail(UserError(f"{case}: no such case file" + (" (run from the repository root, or pass a path)" if case == DEFAULT_CASE else "")))
    try:
        with out.status("solving ...") as status:
            def on_stage(name: str, seconds: float) -> None:
                out.print(f"  {name:<9} {seconds:8.2f} s")
                status.update(f"{name} done ...")

            def on_incumbent(rec: dict) -> None:
                gap = "" if rec["gap"] is None else f"  gap {100 * rec['gap']:.2f} %"
                out.print(f"  incumbent {rec['objective']:,.0f} USD  bound {(rec['bound'] or 0):,.0f}{gap}  at {rec['t_s']:.1f} s")

            res = solve_case(case, log=log, on_stage=on_stage, on_incumbent=on_incumbent, time_limit_s=time_limit_s,
                             mip_rel_gap=mip_rel_gap, threads=threads, relax=relax or None)
    except UserError as e:
        _fail(e)
        return
    target = out_dir or Path("results") / res.summary["case"]["name"]
    path = res.to_dir(target, extras=None if no_report or res.summary["objective_usd"] is None else write_outputs)
    s = res.summary
    gap = "n/a" if s["mip_gap"] is None else f"{100 * s['mip_gap']:.2f} %"
    if s.get("spend_gap") is not None:
        gap += f" of the objective, {100 * s['spend_gap']:.2f} % of capex + opex"
    for w in s.get("solver_warnings", []):
        err.print(f"[yellow]HiGHS:[/yellow] {w}")
    obj = "none" if s["objective_usd"] is None else f"{s['objective_usd']:,.0f} USD"
    out.print(f"[bold]{s['status']}[/bold]: objective {obj}, gap {gap}; {s['variables']:,} variables, {s['constraints']:,} constraints")
    if s["message"]:
        out.print(s["message"])
    out.print(f"results in {path}")
    if s["status"] not in ("optimal", "time_limit"):
        raise typer.Exit(1)


def _load_results(results_dir: Path) -> Results:
    if not (results_dir / "summary.json").is_file():
        _fail(UserError(f"{results_dir}: not a results folder (no summary.json); run `tokensite solve` first"))
    res = Results.from_dir(results_dir)
    if res.summary.get("objective_usd") is None:
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
    layer: str = typer.Option(None, "--layer", help="Only this layer"),
    year: int = typer.Option(None, "--year", help="Planning year (default: the last)"),
    html_map: bool = typer.Option(False, "--html", help="Interactive HTML map instead of PNG"),
    bbox: str = typer.Option(None, "--bbox", help=f"minlon,minlat,maxlon,maxlat or one of {', '.join(BBoxes)}"),
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
    suffix = f"_{layer}" if layer else ""
    if html_map:
        path = map_html(res, results_dir / f"map{suffix}.html", year, layer)
    elif panels:
        path = layer_panels_png(res, results_dir / "map_layers.png", year, box)
    else:
        path = map_png(res, results_dir / f"map{suffix}.png", year, layer, box)
    out.print(f"map in {path}")
