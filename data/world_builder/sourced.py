"""Values that carry their provenance, and output tables built from them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

BASES = ("published", "derived", "estimate")
TEAM_EST = "TEAM-EST"


@dataclass(frozen=True)
class Sourced:
    """A figure with its basis (published | derived | estimate) and its ``;``-joined source ids."""

    value: Any
    basis: str
    source: str

    def __post_init__(self) -> None:
        assert self.basis in BASES, self.basis

    def with_value(self, value: Any) -> Sourced:
        """The same provenance on a value computed from this one alone (a rounding, a unit change)."""
        return replace(self, value=value)


def estimate(value: Any, source: str = TEAM_EST) -> Sourced:
    return Sourced(value, "estimate", source)


def worst(*bases: str) -> str:
    """The basis of a figure computed from figures of these bases: two published figures make a
    derived one."""
    b = max(bases, key=BASES.index)
    return "derived" if b == "published" and len(bases) > 1 else b


def combine(value: Any, *parts: Sourced) -> Sourced:
    """``value`` computed from ``parts``: their worst basis and the union of their sources, in
    order of first appearance."""
    sources = dict.fromkeys(i for p in parts for i in p.source.split(";"))
    return Sourced(value, worst(*(p.basis for p in parts)), ";".join(sources))


@dataclass(frozen=True)
class Table:
    """One output file: its values, and one (column, basis, source) per counted numeric cell."""

    name: str
    frame: pd.DataFrame
    cells: tuple[tuple[str, str, str], ...]

    def provenance(self) -> Counter[tuple[str, str, str, str]]:
        """Cell counts by (file, column, basis, source)."""
        return Counter((self.name, *c) for c in self.cells)


def table(name: str, rows: Iterable[Mapping[str, Any]]) -> Table:
    """Split rows whose counted cells are :class:`Sourced` into the file's frame and its cells."""
    values, cells = [], []
    for row in rows:
        values.append({k: v.value if isinstance(v, Sourced) else v for k, v in row.items()})
        cells += [(k, v.basis, v.source) for k, v in row.items() if isinstance(v, Sourced)]
    return Table(name, pd.DataFrame(values), tuple(cells))
