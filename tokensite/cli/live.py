"""The solve as it runs, for ``tokensite solve``: one line per pipeline stage and per finished phase, and
the running phase live (rich's Live display): its name, its elapsed time, what it has counted, the plan
and the bound so far, e.g. ``search  12.4 s  23/85 tries, plan 2.701 T USD, bound 2.695 T, gap 0.26 % of spend``.

Off a terminal (a pipe, a test) or with HiGHS's own log on stdout (``--log``), nothing is redrawn: each
phase prints its line when it ends.
"""

from __future__ import annotations

import time

from rich.console import Console, Group
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from tokensite.run import Observer

SUFFIXES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))


def usd(value: float) -> str:
    """``2.701 T`` for 2.701e12 (T, G, M, k), the plain number below 1,000."""
    for size, suffix in SUFFIXES:
        if abs(value) >= size:
            return f"{value / size:,.4g} {suffix}"
    return f"{value:,.4g}"


def phase_text(record: dict) -> str:
    """What a phase has to say: its count, the plan, the bound and the spend gap, whichever it has."""
    parts = []
    if "done" in record and "total" in record:
        parts.append(f"{record['done']}/{record['total']} tries")
    elif "done" in record:
        parts.append(f"{record['done']} re-solves" + (f", {record['units']} units trimmed" if "units" in record else ""))
    if "rule" in record:
        parts.append(f"rule {record['rule']}")
    if "rounds" in record:
        parts.append(f"{record['rounds']} LP rounds, {record.get('flows_added', 0):,} flows added")
    elif "flows_added" in record:
        parts.append(f"{record['flows_added']:,} flows added")
    if record.get("objective") is not None:
        parts.append(f"plan {usd(record['objective'])} USD")
    if record.get("bound") is not None:
        parts.append(f"bound {usd(record['bound'])}" + ("" if record.get("objective") is not None else " USD"))
    if record.get("spend_gap") is not None:
        parts.append(f"gap {100 * record['spend_gap']:.2f} % of spend")
    return ", ".join(parts)


def _line(name: str, seconds: float, text: str = "") -> str:
    return f"  {name:<16} {seconds:8.2f} s  {text}".rstrip()


class _Running:
    """The running phase's line, its elapsed time read at each redraw."""

    def __init__(self) -> None:
        self.name, self.started, self.text = "", time.perf_counter(), ""
        self.spinner = Spinner("dots")

    def __rich__(self) -> Table:
        row = Table.grid(padding=(0, 1))
        text = _line(self.name, time.perf_counter() - self.started, self.text).lstrip() if self.name else "..."
        row.add_row(self.spinner, Text(text))
        return row


class LiveSolve(Observer):
    """A solve as it runs (see the module docstring). ``read_s`` is the time the command spent reading the
    dataset itself (for its warnings), added to the pipeline's own ``read`` stage so the line shows the
    whole read."""

    def __init__(self, console: Console, read_s: float = 0.0, log: bool = False) -> None:
        self.console, self.read_s = console, read_s
        self.running = _Running()
        self.last: dict = {}
        self.live = Live(Group(self.running), console=console, refresh_per_second=4, transient=True) if console.is_terminal and not log else None

    def __enter__(self) -> LiveSolve:
        if self.live:
            self.live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.live.stop()

    def stage(self, name: str, seconds: float) -> None:
        if name.startswith("phase:"):
            name = name.removeprefix("phase:")
            self.console.print(_line(name, seconds, phase_text({k: v for k, v in self.last.items() if k in ("objective", "bound", "spend_gap")})),
                               highlight=False)
            return
        self.console.print(_line(name, seconds + (self.read_s if name == "read" else 0.0)), highlight=False)

    def progress(self, record: dict) -> None:
        self.last = record
        if record.get("ended"):
            self.running.name = ""
            return
        if record["phase"] != self.running.name:
            self.running.name, self.running.started = record["phase"], time.perf_counter()
        self.running.text = phase_text(record)
