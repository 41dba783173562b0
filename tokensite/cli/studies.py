"""The commands that solve a case many times: ``sweep``, ``stochastic``, ``alternatives``, ``rebound``.

Each checks its flags, loads the base case and names its folder the same way (:func:`study_case`),
then hands over to its study in :mod:`tokensite.scenarios`.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import typer

from tokensite.cli import render
from tokensite.cli.shared import CASE_HELP, check_solver_flags, gap, study_case, time_limit, user_errors
from tokensite.scenarios.alternatives import run_alternatives
from tokensite.scenarios.rebound import parse_efficiencies, run_rebound
from tokensite.scenarios.stochastic import read_scenarios, run_stochastic
from tokensite.scenarios.sweep import read_grid, run_sweep

BASE_CASE = typer.Argument(..., help="Base case: " + CASE_HELP)


def sweep(
    case: Path = BASE_CASE,
    grid: Path = typer.Option(..., "--grid", help="Grid file: [grid] lists to combine, or [cases.<name>] tables (docs/data-format.md)"),
    workers: int = typer.Option(None, "--workers", help="Start a local Dask cluster of N worker processes (one HiGHS thread each)"),
    scheduler: str = typer.Option(None, "--scheduler", help="Use an existing Dask cluster, e.g. tcp://10.0.0.5:8786"),
    out_dir: Path = typer.Option(None, "--out", help="Sweep folder (cases/, sweep.csv, sweep.png, report.html)", show_default="results/<case name>-sweep"),
    time_limit_s: float = time_limit("Seconds (> 0) per case"),
    no_report: bool = typer.Option(False, "--no-report", help="Write each case's results CSVs only (no plan tables, maps or report)"),
) -> None:
    """Solve many cases, each a set of overrides; rerun to finish what is missing (finished cases are skipped)."""
    with user_errors():
        check_solver_flags(time_limit_s)
        base, target = study_case(case, out_dir, "sweep")
        cases = read_grid(grid)
        with render.SweepProgress(len(cases)) as progress:
            frame = run_sweep(base, cases, target, workers=workers, scheduler=scheduler, time_limit_s=time_limit_s,
                              report=not no_report, on_start=progress.start, on_done=progress.done)
    render.sweep_done(frame, target / "sweep.csv")
    if (frame.status == "failed").any():
        raise typer.Exit(1)


def stochastic(
    case: Path = BASE_CASE,
    scenarios: Path = typer.Option(..., "--scenarios", help="CSV: name, probability, then one column per override key (docs/data-format.md)"),
    method: str = typer.Option("ef", "--method", help="ef: extensive form by tokensite's HiGHS phases; ef-mpisppy: mpi-sppy's extensive form by HiGHS branch and bound; ph: Progressive Hedging under mpiexec"),
    ranks: int = typer.Option(2, "--ranks", help="MPI ranks for --method ph (even: PH hub and xhat spoke)"),
    ph_iterations: int = typer.Option(50, "--ph-iterations", help="PH iteration limit (--method ph)"),
    out_dir: Path = typer.Option(None, "--out", help="Results folder", show_default="results/<case name>-stochastic"),
    time_limit_s: float = time_limit("Seconds (> 0) for the recourse problem and each deterministic solve"),
    mip_rel_gap: float = gap("Relative gap in [0, 1)"),
    no_report: bool = typer.Option(False, "--no-report", help="Scenario results CSVs only (no plan tables, maps or report per scenario)"),
) -> None:
    """One build for all scenarios (two-stage stochastic plan): expected cost, EVPI and VSS."""
    with user_errors():
        check_solver_flags(time_limit_s, mip_rel_gap)
        base, target = study_case(case, out_dir, "stochastic")
        scen = read_scenarios(scenarios)
        with render.busy(f"solving {len(scen)} scenario(s) by {method} ..."):
            s = run_stochastic(base, scen, target, method=method, ranks=ranks, time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap,
                               report=not no_report, ph_iterations=ph_iterations)
    render.stochastic_summary(s, target)


def alternatives(
    case: Path = BASE_CASE,
    slack: float = typer.Option(0.02, "--slack", help="Extra cost allowed, as a share of what the optimum spends (capex + opex), in [0, 1)"),
    count: int = typer.Option(4, "--count", help="Random directions (SPORES) after the min/max of each built group"),
    by: str = typer.Option("site", "--by", help="Group built MW by site, country, layer or gpu"),
    max_groups: int = typer.Option(None, "--groups", help="Min/max only the N largest groups built in the optimum", show_default="every built group"),
    seed: int = typer.Option(0, "--seed", help="Seed of the random directions"),
    out_dir: Path = typer.Option(None, "--out", help="Alternatives folder", show_default="results/<case name>-alternatives"),
    time_limit_s: float = time_limit("Seconds (> 0) for each alternative"),
    method: str = typer.Option("auto", "--method", help="mip: HiGHS's branch and bound from the optimum; phases: tokensite's phases under half the slack (then mip); auto: phases above 5,000 columns"),
    no_report: bool = typer.Option(False, "--no-report", help="Each plan's results CSVs only (no plan tables, maps or report per plan)"),
) -> None:
    """Near-optimal alternatives (MGA): plans within --slack of the optimum's spend that min/max each group's MW, and random directions."""
    with user_errors():
        base, target = study_case(case, out_dir, "alternatives")
        log = render.AlternativesLog()
        s = run_alternatives(base, target, slack=slack, count=count, by=by, seed=seed, max_groups=max_groups, time_limit_s=time_limit_s,
                             method=method, report=not no_report, observer=log, on_run=log.alternative)
    render.alternatives_summary(s, slack, target)


def rebound(
    case: Path = typer.Argument(..., help="Base case: " + CASE_HELP + "; give its dataset an elasticity.csv for demand that responds to price"),
    efficiency: str = typer.Option("1,1.5,2,3", "--efficiency", help="Multipliers of every GPU's tokens per watt (throughput at the same power)"),
    workers: int = typer.Option(None, "--workers", help="Start a local Dask cluster of N worker processes"),
    out_dir: Path = typer.Option(None, "--out", help="Rebound folder (cases/, rebound.csv, rebound.png, sweep.csv)", show_default="results/<case name>-rebound"),
    time_limit_s: float = time_limit("Seconds (> 0) per case"),
) -> None:
    """The rebound experiment: solve the case with tokens per watt scaled; plot energy, tokens served and cost per Mtok against efficiency."""
    with user_errors():
        check_solver_flags(time_limit_s)
        values = parse_efficiencies(efficiency)
        base, target = study_case(case, out_dir, "rebound")
        table = run_rebound(base, values, target, workers=workers, time_limit_s=time_limit_s,
                            on_done=partial(render.case_solved, objective=False))
    render.rebound_table(table, target / "rebound.csv")
    if table.empty or (table.status == "failed").any():
        raise typer.Exit(1)
