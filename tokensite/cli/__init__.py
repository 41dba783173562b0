"""The ``tokensite`` command: typer commands over the public API.

The commands (:mod:`.plan` for one plan, :mod:`.studies` for many) parse their arguments and call
the API; every line they print is drawn by :mod:`.render`. A user error (bad data, bad case, bad
flag, missing file) prints one readable message and exits with status 2; a solve that ends without a
plan exits with status 1 and leaves any existing results folder as it was. No traceback is shown.
"""

from __future__ import annotations

import typer

from tokensite import __version__
from tokensite.cli import plan, render, studies

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Plan AI token factories: where, how many GPUs, at what cost.")


def _version(show: bool) -> None:
    if show:
        render.line(f"tokensite {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", help="Print the version and exit", callback=_version, is_eager=True)) -> None:
    """Plan AI token factories: where, how many GPUs, at what cost."""


# In this order in --help: one plan first, then the studies that solve many.
app.command()(plan.init)
app.command()(plan.validate)
app.command()(plan.solve)
app.command()(plan.report)
app.command(name="map")(plan.map_)
app.command()(studies.sweep)
app.command()(studies.stochastic)
app.command()(studies.alternatives)
app.command()(studies.rebound)

__all__ = ["app"]
