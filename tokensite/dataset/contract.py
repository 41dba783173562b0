"""How an input column and an input file declare their contract, once, on their pandera model.

A column is a pandera ``Field`` built by :func:`column`: its checks (bounds, ``isin``, ``unique``),
its ``nullable``, its ``default`` and its optional status (pandera's own ``required=False``) are
pandera's; what pandera has no word for rides in the field's ``metadata``:

* ``unit`` — the column's unit in words, as the plausibility warnings name it;
* ``plausible`` — a :class:`Plausible` range: values outside it by 100x look like a unit slip;
* ``references`` — ``(file, column)`` whose ids the column must use (a foreign key);
* ``hint`` — what a well-formed value looks like, for a format check's fix;
* ``fill`` — a default that depends on the row (a function of the validated frame), where a
  constant ``default`` cannot say it.

A file is a model whose ``Config.metadata`` is a :func:`table`: its file name, the ``Dataset``
attribute that holds it, whether it is required, its composite key and whether it may be empty. Columns of one row
with an implied order (``min_mw`` ≤ ``max_mw``) are declared on the model too, as ``Config.row_order =
ordered(Order(...), ...)``: a pandera dataframe-level check (:func:`row_order`, registered with pandera) that refuses
the row, whose failures :mod:`tokensite.dataset.messages` words from the same :class:`Order`.
The loader, the cross-file checks, the plausibility warnings and the column reference of
docs/data-format.md all read these declarations through the functions below, so a new column or a
new file is one declaration in ``tokensite/dataset/schemas.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera import extensions

from tokensite.errors import Problem

Model = type[pa.DataFrameModel]
YEAR = {"ge": 1990, "le": 2200}
"""The bounds of every year column."""


class Base(pa.DataFrameModel):
    """Every input file's model: cells coerced to the field's type, columns beyond the fields kept
    (a misspelt header is a warning of the plausibility checks, not a refusal)."""

    class Config:
        coerce = True
        strict = False


@dataclass(frozen=True)
class Plausible:
    """Where a column's values usually lie, in its unit (tokensite.dataset.plausibility)."""

    lo: float
    hi: float
    too_low: str = ""
    """What a value far below the range looks like (e.g. "USD/kWh")."""
    too_high: str = ""
    groups: tuple[tuple[str, ...], ...] = ()
    """Groupings tried in turn for a cell's peers (first with another non-zero value wins)."""
    whole_column: bool = True
    """Then the whole column as peers; False where real values spread too widely (demand by metro)."""
    peers: str = "median"
    """How a cell's reference is found: ``median`` of its peers, ``adjacent_years`` (demand grows by
    year) or ``great_circle`` (a round-trip time against the distance estimate of its pair)."""
    unit: str = ""
    """Filled from the column's ``unit`` by :func:`plausible_ranges`."""


def column(description: str, *, unit: str | None = None, optional: bool = False, plausible: Plausible | None = None,
           references: tuple[str, str] | None = None, hint: str | None = None,
           fill: Callable[[pd.DataFrame], pd.Series] | None = None, **field: Any) -> Any:
    """A pandera ``Field`` carrying the column's whole contract (module docstring).

    ``optional`` columns may be left out of the file (pandera's ``required=False``); the loader adds
    them blank, and blank cells take the ``default`` (a pandera keyword, passed on in ``field``)."""
    meta = {"unit": unit, "plausible": plausible, "references": references, "hint": hint, "fill": fill}
    return pa.Field(description=description, required=not optional, metadata={k: v for k, v in meta.items() if v is not None}, **field)


@dataclass(frozen=True)
class Table:
    file: str
    attr: str
    """The ``Dataset`` attribute that holds the validated frame."""
    required: bool
    key: tuple[str, ...] = ()
    """Columns that together name one row (checked as "duplicate row for (...)")."""
    may_be_empty: bool = False
    """A required file that may have a header only (a dataset may have no training program)."""
    rows_for_demand: bool = False
    """A required file that may have a header only when the case plans no layer served from demand.csv (a
    training-only study); :func:`tokensite.dataset.checks.check_case` refuses it empty otherwise."""


def table(file: str, *, required: bool, attr: str | None = None, key: Iterable[str] = (), may_be_empty: bool = False,
          rows_for_demand: bool = False) -> dict:
    """The ``Config.metadata`` of a file's model."""
    return {"table": Table(file, attr or file.removesuffix(".csv"), required, tuple(key), may_be_empty, rows_for_demand)}


@dataclass(frozen=True)
class Order:
    """Two columns of one row with an implied order, ``lo`` ≤ ``hi``; a blank cell on either side is not compared."""

    lo: str
    hi: str
    at: str
    """The column a row that breaks the order is reported at: the one more likely wrong (an optional column)."""
    means: str
    """Why the order holds, as docs/data-format.md lists it."""
    fix: str
    words: tuple[str, str] = ("below", "above")
    """How ``at`` stands to the other column when the order fails: (at is ``lo``: above; at is ``hi``: below)."""

    def broken(self, frame: pd.DataFrame) -> pd.Series:
        """Rows whose ``lo`` is above their ``hi`` (cells as numbers; a blank or unreadable cell is not compared)."""
        if self.lo not in frame or self.hi not in frame:
            return pd.Series(False, index=frame.index)
        return pd.to_numeric(frame[self.lo], errors="coerce") > pd.to_numeric(frame[self.hi], errors="coerce")

    def problem(self, file: str, line: int, row: pd.Series) -> Problem:
        """The broken order of one row (``row``: its cells as written) at ``file:line: at``."""
        other = self.hi if self.at == self.lo else self.lo
        way = self.words[1] if self.at == self.lo else self.words[0]
        return Problem(file, line, self.at, f"is {way} {other} = {row[other]}", str(row[self.at]), self.fix, kind=f"{way} {other}")


@extensions.register_check_method(statistics=["orders"], supported_types=pd.DataFrame)
def row_order(frame: pd.DataFrame, *, orders: tuple[Order, ...]) -> pd.DataFrame:
    """pandera's dataframe check of a model's ordered columns: False in the ``at`` cell of each row that breaks one."""
    ok = pd.DataFrame(True, index=frame.index, columns=frame.columns)
    for o in orders:
        if o.at in ok:
            ok[o.at] &= ~o.broken(frame)
    return ok


def ordered(*orders: Order) -> dict:
    """A model's ``Config.row_order``: the orders its rows keep (:func:`row_order`)."""
    return {"orders": orders}


def orders_of(model: Model) -> tuple[Order, ...]:
    """The ordered columns a model declares (``Config.row_order``), () for none."""
    return tuple(getattr(model.Config, "row_order", {}).get("orders", ()))


def table_of(model: Model) -> Table:
    return model.Config.metadata["table"]


def meta(model: Model, col: str) -> dict:
    """The contract metadata of one column ({} when it declares none)."""
    return columns(model)[col].metadata or {}


@cache
def columns(model: Model) -> dict[str, Any]:
    """Column name -> pandera ``Column`` of the model, in declaration order."""
    return dict(model.to_schema().columns)


def optional_columns(model: Model) -> list[str]:
    return [c for c, col in columns(model).items() if not col.required]


def required_columns(model: Model) -> list[str]:
    return [c for c, col in columns(model).items() if col.required]


def bool_columns(model: Model) -> list[str]:
    """Columns typed ``bool``: the loader parses their cells (pandas reads any non-empty text as True)."""
    return [c for c, col in columns(model).items() if str(col.dtype) == "bool"]


def references(models: Iterable[Model]) -> list[tuple[str, str, str, str]]:
    """(file, column, referenced file, referenced column) for every foreign key."""
    return [(table_of(m).file, c, *meta(m, c)["references"]) for m in models for c in columns(m) if "references" in meta(m, c)]


def plausible_ranges(models: Iterable[Model]) -> dict[tuple[str, str], Plausible]:
    """(file, column) -> its plausible range, carrying the column's unit."""
    out = {}
    for m in models:
        for c in columns(m):
            p = meta(m, c).get("plausible")
            if p is not None:
                out[(table_of(m).file, c)] = replace(p, unit=meta(m, c).get("unit", ""))
    return out


def fill_defaults(model: Model, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its row-dependent defaults (``fill``) in its blank cells; constant defaults
    are pandera's and are already in place after validation."""
    fills = {c: meta(model, c)["fill"] for c in columns(model) if "fill" in meta(model, c)}
    return frame.assign(**{c: frame[c].fillna(fill(frame)) for c, fill in fills.items()}) if fills else frame
