"""The commands about one plan: ``init`` an editable copy of a shipped case, ``validate`` its inputs, ``solve`` it,
draw its ``report`` and ``map``."""

from __future__ import annotations

from pathlib import Path
from time import perf_counter

import typer

from tokensite.cli import render
from tokensite.cli.shared import CASE_HELP, STRICT, case_default, case_file, check_solver_flags, gap, time_limit, user_errors
from tokensite.config import Case, load_case
from tokensite.dataset import read_dataset
from tokensite.dataset.checks import check_case, demand_rows
from tokensite.errors import DatasetError, UserError
from tokensite.model.build import check_committed_programs
from tokensite.packaged import DEFAULT_CASE, init_case
from tokensite.results import Results
from tokensite.results.maps import SLIDE_DPI, BBoxes, bbox_slug, layer_panels_png, map_png, parse_bbox
from tokensite.results.report import build_report, write_outputs
from tokensite.results.webmap import map_html
from tokensite.run import solve as solve_case


def _resolve(target: Path | None) -> tuple[Path, Case | None]:
    """A dataset folder (a folder with CSV files) as given, or a case (:func:`case_file`) with the folder it names."""
    if target is not None and target.is_dir() and any(target.glob("*.csv")):
        return target, None
    case = load_case(case_file(target))
    return case.data_dir, case


def init(
    folder: Path = typer.Argument(..., help="New (or empty) folder to write the copy into"),
    case: str = typer.Option(DEFAULT_CASE, "--case", help="Shipped case to copy"),
) -> None:
    """Write an editable copy of a shipped case (its case file and dataset) into a new folder."""
    with user_errors():
        copied = init_case(folder, case)
    render.initialised(copied, load_case(copied).data_dir)


def validate(target: Path = typer.Argument(None, help=CASE_HELP + "; or a dataset folder"), strict: bool = STRICT) -> None:
    """Check a dataset (and case) and print a summary, or every problem found."""
    with user_errors():
        data_dir, case = _resolve(target)
        ds = read_dataset(data_dir, strict=strict)
        if case is not None:
            check_case(case, ds)
            check_committed_programs(ds, case)
        elif found := demand_rows(ds):  # a dataset alone: every layer is planned
            raise DatasetError(str(data_dir), found)
    render.dataset_summary(data_dir, ds, case)


def _with_read_time(res: Results, read_s: float) -> Results:
    """The plan with the command's own dataset read counted in its ``read_s``."""
    return Results(summary={**res.summary, "read_s": round(res.summary["read_s"] + read_s, 3)}, frames=res.frames)


def solve(
    case: Path = typer.Argument(None, help=CASE_HELP),
    out_dir: Path = typer.Option(None, "--out", help="Results folder", show_default="results/<case name>"),
    time_limit_s: float = time_limit("Seconds (> 0) before the best plan found is returned"),
    mip_rel_gap: float = gap("Relative gap in [0, 1) at which to stop"),
    threads: int = typer.Option(None, "--threads", help="HiGHS threads (0 = all cores)", show_default=case_default("threads")),
    relax: bool = typer.Option(False, "--relax", help="Solve the LP relaxation only (screening)"),
    log: bool = typer.Option(False, "--log", help="Stream the HiGHS log"),
    no_report: bool = typer.Option(False, "--no-report", help="Skip plan tables, workbook, maps and report.html"),
    strict: bool = STRICT,
) -> None:
    """Build and solve a case; write its results folder (all or nothing; an existing one is kept if no plan is found)."""
    with user_errors():
        check_solver_flags(time_limit_s, mip_rel_gap, threads)
        case = case_file(case)
        loaded = load_case(case)
        t0 = perf_counter()
        ds = read_dataset(loaded.data_dir, strict=strict)  # read here for its warnings, then handed to the solve
        read_s = perf_counter() - t0
        render.warnings(ds.warnings)
        target = out_dir or Path("results") / loaded.name
        with render.live_solve(read_s, log) as live:
            res = solve_case(case, dataset=ds, log=log, observer=live, time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap,
                             threads=threads, relax=relax or None)
    if not res.has_plan:
        render.no_plan(res.summary, target)
        raise typer.Exit(1)
    res = _with_read_time(res, read_s)
    path = res.to_dir(target, extras=None if no_report else write_outputs)
    render.solved(res.summary, path)
    if res.status not in ("optimal", "time_limit"):
        raise typer.Exit(1)


def _load_results(results_dir: Path) -> Results:
    """A results folder with a plan in it, or a :class:`UserError` saying why not."""
    if not (results_dir / "summary.json").is_file():
        raise UserError(f"{results_dir}: not a results folder (no summary.json); run `tokensite solve` first")
    res = Results.from_dir(results_dir)
    if not res.has_plan:
        raise UserError(f"{results_dir}: the solve found no plan (status {res.summary.get('status')}); nothing to draw")
    return res


RESULTS_DIR = typer.Argument(..., help="Results folder written by `tokensite solve`")


def report(results_dir: Path = RESULTS_DIR) -> None:
    """Write a self-contained report.html into the results folder."""
    with user_errors():
        res = _load_results(results_dir)
    render.line(f"report in {build_report(res, results_dir / 'report.html')}")


def map_(
    results_dir: Path = RESULTS_DIR,
    layer: str = typer.Option(None, "--layer", help="Only this layer", show_default="all layers"),
    year: int = typer.Option(None, "--year", help="Planning year", show_default="the last"),
    html_map: bool = typer.Option(False, "--html", help="Interactive HTML map instead of PNG"),
    bbox: str = typer.Option(None, "--bbox", help=f"minlon,minlat,maxlon,maxlat or one of {', '.join(BBoxes)}", show_default="world"),
    panels: bool = typer.Option(False, "--panels", help="One panel per layer (PNG)"),
    dpi: int = typer.Option(SLIDE_DPI, "--dpi", min=30, max=1200, help="PNG resolution, dots per inch (the world map is 14 in wide)"),
) -> None:
    """Draw the siting map of a results folder."""
    with user_errors():
        res = _load_results(results_dir)
        if layer and layer not in set(res.layers.layer):
            raise UserError(f"unknown layer {layer!r}; the results have {', '.join(res.layers.layer)}")
        if year and year not in set(res.sites.year):
            raise UserError(f"year {year} is not a planning year of these results ({', '.join(map(str, sorted(set(res.sites.year))))})")
        try:
            box = parse_bbox(bbox)
        except ValueError as e:
            raise UserError(str(e)) from None
    suffix = (f"_{layer}" if layer else "") + (f"_{bbox_slug(bbox)}" if bbox else "")
    if html_map:
        path = map_html(res, results_dir / f"map{'_' + layer if layer else ''}.html", year, layer)
    elif panels:
        path = layer_panels_png(res, results_dir / f"map_layers{suffix}.png", year, box, dpi=dpi)
    else:
        path = map_png(res, results_dir / f"map{suffix}.png", year, layer, box, dpi=dpi)
    render.line(f"map in {path}")
