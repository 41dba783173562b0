"""What every command shares: which case file a CASE argument names, options that read the same everywhere,
turning a user error into one message and exit status 2, and where a command's results go by default."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from typer.models import OptionInfo

from tokensite.cli import render
from tokensite.config import Case, SolverOptions, load_case, solver_option_problems
from tokensite.errors import UserError
from tokensite.packaged import DEFAULT_CASE, shipped_case, shipped_cases

CASE_HELP = f"Case file (.toml), a folder holding one (as `tokensite init` writes), or a shipped case: {DEFAULT_CASE} (default)"


def case_file(target: Path | None) -> Path:
    """The case file a CASE argument names: the file given; the one case file of a folder (``tokensite init``
    writes one); else a shipped case by name (none given: the world case)."""
    if target is None:
        return shipped_case()
    if target.is_file():
        return target
    if target.is_dir():
        found = sorted(target.glob("*.toml"))
        if len(found) != 1:
            raise UserError(f"{target}: a folder holding {len(found)} case files (.toml); name the one to use" if found else
                            f"{target}: no case file (.toml) in this folder; `tokensite init {target}` writes one")
        return found[0]
    if str(target) in shipped_cases():
        return shipped_case(str(target))
    raise UserError(f"{target}: no such case file (the package ships the cases {', '.join(shipped_cases())})")


def case_default(name: str) -> str:
    """The solver default a user gets, for ``--help``: the default case's own value when it is readable."""
    fallback = getattr(SolverOptions(), name)
    try:
        value = getattr(load_case(shipped_case()).solver, name)
    except Exception:  # help must render even from a broken install
        return f"the case's [solver] {name}, else {fallback:g}"
    return f"the case's [solver] {name}; {value:g} in the {DEFAULT_CASE} case"


STRICT = typer.Option(False, "--strict", help="Treat warnings (implausible units, points outside their country, misspelt columns) as errors")


def time_limit(text: str) -> OptionInfo:
    """``--time-limit``, whose default is the case's own (shown in ``--help``)."""
    return typer.Option(None, "--time-limit", help=text, show_default=case_default("time_limit_s"))


def gap(text: str) -> OptionInfo:
    """``--gap``, whose default is the case's own (shown in ``--help``)."""
    return typer.Option(None, "--gap", help=text, show_default=case_default("mip_rel_gap"))


@contextmanager
def user_errors() -> Iterator[None]:
    """A :class:`UserError` raised inside becomes its message on stderr and exit status 2, with no traceback."""
    try:
        yield
    except UserError as e:
        render.user_error(e)
        raise typer.Exit(2) from None


def check_solver_flags(time_limit_s: float | None = None, mip_rel_gap: float | None = None, threads: int | None = None) -> None:
    """Refuse a bad ``--time-limit``, ``--gap`` or ``--threads`` before anything is read (the first one found)."""
    for problem in solver_option_problems(time_limit_s, mip_rel_gap, threads):
        raise UserError(problem)


def study_case(case: Path, out_dir: Path | None, kind: str) -> tuple[Case, Path]:
    """A study's base case (:func:`case_file`) and its folder: ``--out``, else ``results/<case name>-<kind>``."""
    base = load_case(case_file(case))
    return base, out_dir or Path("results") / f"{base.name}-{kind}"
