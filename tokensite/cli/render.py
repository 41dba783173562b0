"""Everything the ``tokensite`` command prints: summaries, live progress, problems and errors.

Commands (:mod:`tokensite.cli.plan`, :mod:`tokensite.cli.studies`) hand this module what the API
returned and never print themselves, so the wording and layout a user sees live in one place.
Results go to stdout, problems and errors to stderr.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tokensite.cli.live import LiveSolve
from tokensite.config import Case
from tokensite.dataset import Dataset
from tokensite.errors import DatasetError, Problem, UserError, by_kind
from tokensite.run import Observer
from tokensite.scenarios.alternatives import Run

WIDE_COLUMNS = 120
"""Narrower terminals (and pipes) get one problem per line instead of a table."""
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def line(text: str) -> None:
    """One plain line of output, e.g. ``report in <path>``."""
    out.print(text)


def _problems(title: str, problems: Sequence[Problem], kind: str = "problem") -> None:
    """Problems as a table (wide terminal) or one per line; problems of one kind in one column (a unit slip in six
    cells) are one row with their count and first cells (:func:`tokensite.errors.by_kind`)."""
    groups = by_kind(list(problems))
    if err.is_terminal and err.width >= WIDE_COLUMNS:
        table = Table(title=title, show_lines=False)
        for col in ("file:line", "column", kind, "value", "how to fix"):
            table.add_column(col, overflow="fold")
        for g in groups:
            p = g.cells[0]
            if len(g.cells) == 1:
                table.add_row(f"{p.file}:{p.line}" if p.line is not None else p.file, p.column, p.problem, p.value, p.fix)
            else:
                table.add_row(f"{g.file} ({len(g.cells)} cells)", g.column, g.kind, g.where(), g.fix)
        err.print(table)
        return
    err.print(escape(title), soft_wrap=True)
    for g in groups:
        err.print(escape(f"  {kind}: {g}" if kind != "problem" else f"  {g}"), soft_wrap=True)


def warnings(found: Sequence[Problem]) -> None:
    """Plausibility warnings: shown, not fatal (``--strict`` turns them into problems)."""
    if found:
        _problems(f"{len(found)} warning(s) (not errors; --strict makes them errors):", found, "warning")


def user_error(e: UserError) -> None:
    """Bad input: every problem of a dataset at once, or the one message of any other user error."""
    if isinstance(e, DatasetError):
        warnings(e.warnings)
        _problems(f"{len(e.problems)} problem(s) in {e.folder}", e.problems)
        if e.follow_ons:
            err.print(f"  (and {len(e.follow_ons)} follow-on problem(s) that these explain; they are checked again once these are fixed)")
    else:
        err.print(f"[red]error:[/red] {escape(str(e))}", soft_wrap=True)


def initialised(case_file: Path, data_dir: Path) -> None:
    """``init``'s answer: what was written, and what to run next."""
    out.print(f"wrote {case_file} and its dataset {data_dir} ({sum(1 for _ in data_dir.glob('*.csv'))} CSV files) to edit", soft_wrap=True)
    out.print(f"next: tokensite validate {case_file.parent}  and  tokensite solve {case_file.parent}", soft_wrap=True)


def dataset_summary(data_dir: Path, ds: Dataset, case: Case | None) -> None:
    """``validate``'s answer on good input: what the dataset holds, and the case's years."""
    warnings(ds.warnings)
    out.print(escape(f"dataset {data_dir} is valid" + (f" ({len(ds.warnings)} warning(s))" if ds.warnings else "")), soft_wrap=True)
    table = Table()
    table.add_column("item")
    table.add_column("count", justify="right")
    for k, v in ds.summary().items():
        table.add_row(k, str(v))
    if case is not None:
        table.add_row("case years", ", ".join(map(str, case.years)))
    out.print(table)


def _stage_line(name: str, seconds: float) -> None:
    out.print(f"  {name:<9} {seconds:8.2f} s")


def live_solve(read_s: float = 0.0, log: bool = False) -> LiveSolve:
    """The solve's live view on stdout (:mod:`tokensite.cli.live`); plain lines with ``--log``, whose HiGHS output shares stdout."""
    return LiveSolve(out, read_s, log)


def no_plan(summary: dict, target: Path) -> None:
    """A solve that ended without a plan, and what became of the results folder."""
    kept = f"; {target} was left as it was" if target.exists() else "; no results folder written"
    message = f": {summary['message']}" if summary["message"] else ""
    err.print(escape(f"error: no plan found (status {summary['status']}{message}){kept}"), soft_wrap=True)


def solved(summary: dict, path: Path) -> None:
    """A plan's headline: status, objective, gap, size, the solver's own words, and where it was written."""
    gap = "n/a" if summary["mip_gap"] is None else f"{100 * summary['mip_gap']:.2f} %"
    if summary.get("spend_gap") is not None:
        gap += f" of the objective, {100 * summary['spend_gap']:.2f} % of capex + opex"
    if summary.get("solver_warnings"):
        err.print(escape(solver_warnings_line(summary["solver_warnings"])), soft_wrap=True)
    out.print(f"[bold]{summary['status']}[/bold]: objective {summary['objective_usd']:,.0f} USD, gap {gap}; "
              f"{summary['variables']:,} variables, {summary['constraints']:,} constraints")
    if summary["message"]:
        out.print(escape(summary["message"]))
    out.print(f"results in {path}")


WARNING_MEANINGS = (
    (("scal", "excessively"), "HiGHS found the model badly scaled: the plan is still checked against its bound, "
                              "but its prices and the last digits of its cost may be off"),
    (("imprecise", "optimality conditions", "claims optimality", "changed from"),
     "an LP ended outside HiGHS's tolerances: the plan's cost and prices may be off in their last digits"),
    (("threads",), "HiGHS ran with another thread count than asked: the plan is the same, its time may not be"),
)


def solver_warnings_line(warnings: list[str]) -> str:
    """HiGHS's warnings as one line saying what they mean for the plan (their text is in summary.json)."""
    meant = [text for keys, text in WARNING_MEANINGS if any(k in w.lower() for w in warnings for k in keys)]
    what = "; ".join(meant) or "they do not change the plan's status, which is judged against its bound"
    return f"HiGHS warned {len(warnings)} time(s): {what} (full text: summary.json solver_warnings)"


def case_solved(row: dict, *, objective: bool = True) -> None:
    """One case of a sweep (or of a study made of one) has finished: its status, objective and any error."""
    obj = "" if not objective or row.get("objective_usd") is None else f"  objective {row['objective_usd']:,.0f} USD"
    why = f"  {row['error']}" if row.get("status") == "failed" else ""
    out.print(escape(f"  {row['case']}: {row['status']}{obj}{why}"), soft_wrap=True)


class SweepProgress:
    """A sweep as it runs: a bar over the cases, a line per case solved (cases skipped count, silently)."""

    def __init__(self, total: int) -> None:
        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=out)
        self._task = self._bar.add_task("sweep", total=total)

    def __enter__(self) -> SweepProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def start(self, todo: int, skipped: int) -> None:
        if skipped:
            out.print(f"  {skipped} case(s) already solved from the same inputs: skipped")

    def done(self, row: dict) -> None:
        self._bar.advance(self._task)
        if not row.get("skipped"):
            case_solved(row)


def sweep_done(frame: pd.DataFrame, csv: Path) -> None:
    """How many cases the sweep holds, how many failed, and where its table is."""
    out.print(f"{len(frame)} case(s), {int((frame.status == 'failed').sum())} failed; sweep in {csv}")


@contextmanager
def busy(what: str) -> Iterator[None]:
    """A spinner while a long call that reports nothing runs."""
    with out.status(what):
        yield


def stochastic_summary(s: dict, target: Path) -> None:
    """The stochastic plan's status, expected cost, EVPI and VSS."""

    def usd(key: str) -> str:
        return "n/a" if s.get(key) is None else f"{s[key]:,.0f} USD"

    gap = "n/a" if s["recourse_gap"] is None else f"{100 * s['recourse_gap']:.3f} %"
    out.print(f"[bold]{s['status']}[/bold] ({s['method']}, gap {gap}): expected cost {usd('expected_cost_usd')}; "
              f"EVPI {usd('evpi_usd')}; VSS {usd('vss_usd')}")
    out.print(f"results in {target}")


class AlternativesLog(Observer):
    """Alternatives as they are found: the optimum's pipeline stages, then one line per direction."""

    def stage(self, name: str, seconds: float) -> None:
        if not name.startswith("phase:"):
            _stage_line(name, seconds)

    def alternative(self, run: Run) -> None:
        mw = "no plan" if run.objective_mw is None else f"{run.objective_mw:,.1f} MW"
        note = f" ({run.note})" if run.note else ""
        out.print(escape(f"  {run.direction.name}: {run.highs_status}, {mw}, {run.solve_s:.1f} s{note}"), soft_wrap=True)


def alternatives_summary(s: dict, slack: float, target: Path) -> None:
    """The optimum, how many alternatives moved from it, and the must-build/flexible/never-build count."""
    o, c, t = s["optimum"], s["classes_last_year"], s["times"]
    gap = "n/a" if o["spend_gap"] is None else f"{100 * o['spend_gap']:.2f} %"
    out.print(f"optimum {o['status']}: {o['objective_usd']:,.0f} USD, gap {gap} of spend; {s['alternatives_found']} of {s['alternatives_asked']} alternatives "
              f"({s['alternatives_moved']} moved from the optimum) within {100 * slack:g} % of spend in {t['alternatives_solve_s']:.1f} s "
              f"(one build, {t['rebuild_avoided_s']:.1f} s of rebuilds avoided)")
    out.print(f"{c['year']}: {c['must_build']} must-build, {c['flexible']} flexible, {c['never_build']} never-build sites; results in {target}")


def rebound_table(table: pd.DataFrame, csv: Path) -> None:
    """The rebound experiment's last planning year: energy, tokens served and cost per Mtok by efficiency."""
    last = table[table.year == table.year.max()] if not table.empty else table
    t = Table(title=f"rebound, {int(last.year.max()) if not last.empty else ''}")
    for col in ("efficiency", "energy TWh/yr", "M tokens/s", "USD per Mtok"):
        t.add_column(col, justify="right")
    for r in last.itertuples():
        t.add_row(f"{r.efficiency:g}", f"{r.energy_twh:,.3f}", f"{r.tokens_per_s / 1e6:,.3f}", f"{r.cost_usd_per_mtok:,.4f}")
    out.print(t)
    out.print(f"rebound in {csv}")
