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
from tokensite.dataset.checks import case_problems
from tokensite.errors import DatasetError, UserError

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
            problems = case_problems(str(case.path), case.years, case.layers, {"layers.csv": ds.layers, "demand.csv": ds.demand})
            if problems:
                raise DatasetError(str(case.path), problems)
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
