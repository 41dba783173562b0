"""Scenario overrides, applied as data: to the case's ``[scale]`` or to the raw CSV cells before the
dataset is validated, so an overridden value is checked like any input (docs/data-format.md, "Overrides").

Keys (one override = key and value):

* ``scale.<field>`` — the case's ``[scale]`` multiplier (``demand``, ``power_price``, ``gpu_capex``);
* ``<file>.csv:<column>`` — every row's cell set to the value; ``<file>.csv:<column>[<col>=<v>]``
  only the rows whose ``<col>`` is ``<v>``; a trailing ``*`` multiplies the cells by the value instead
  (blank cells stay blank): ``power_prices.csv:price_usd_per_mwh[site_id=us-nova-campus]*``;
* ``queue_shift:<site_id>`` — years added to the wait of every queue tranche of that site (its online
  year is the request year plus the wait rounded up).

A key naming an unknown file, column, filter value or site raises :class:`OverrideError` naming it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

import pandas as pd

from tokensite.config import Case, Scale
from tokensite.dataset import Dataset, read_dataset
from tokensite.dataset.schemas import OPTIONAL, REQUIRED
from tokensite.errors import DatasetError, UserError

Value = float | int | str
CELL = re.compile(r"^(?P<file>[\w.-]+\.csv):(?P<column>\w+)(?:\[(?P<where>\w+)=(?P<equals>[^\]]+)\])?(?P<times>\*)?$")
SCALE = re.compile(r"^scale\.(?P<field>\w+)$")
QUEUE = re.compile(r"^queue_shift:(?P<site>.+)$")
SYNTAX = "scale.<field>, <file>.csv:<column>[<col>=<value>] (a trailing * multiplies) or queue_shift:<site_id>"


class OverrideError(UserError):
    """An override that cannot be applied: unknown key, file, column, row or site, or a bad value."""


@dataclass(frozen=True)
class CellOverride:
    file: str
    column: str
    where: str | None
    equals: str | None
    multiply: bool
    value: Value
    key: str


@dataclass(frozen=True)
class QueueShift:
    site: str
    years: float
    key: str


DataOverride = CellOverride | QueueShift


def _number(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise OverrideError(f"override {key} = {value!r}: must be a number")
    return float(value)


def parse(key: str, value: object) -> DataOverride | tuple[str, float]:
    """One override: a data override, or ``(scale field, multiplier)``. Raises :class:`OverrideError`."""
    if m := SCALE.match(key):
        known = [f.name for f in fields(Scale)]
        if m["field"] not in known:
            raise OverrideError(f"override {key}: unknown scale field {m['field']!r}; known: {', '.join('scale.' + k for k in known)}")
        v = _number(key, value)
        if v < 0:
            raise OverrideError(f"override {key} = {value!r}: a multiplier must not be negative")
        return m["field"], v
    if m := QUEUE.match(key):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise OverrideError(f"override {key} = {value!r}: a queue shift is a number of years, e.g. 2")
        return QueueShift(m["site"], value, key)
    if m := CELL.match(key):
        files = {**REQUIRED, **OPTIONAL}
        if m["file"] not in files:
            raise OverrideError(f"override {key}: unknown file {m['file']!r}; known: {', '.join(sorted(files))}")
        if m["times"]:
            _number(key, value)
        elif isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise OverrideError(f"override {key} = {value!r}: must be a number or a string")
        return CellOverride(m["file"], m["column"], m["where"], m["equals"], bool(m["times"]), value, key)
    raise OverrideError(f"override {key!r}: not an override key; write {SYNTAX}")


def neutral_value(key: str) -> int | float:
    """A value every key accepts (1 year for a queue shift, 1.0 otherwise): to parse a key alone."""
    return 1 if QUEUE.match(key) else 1.0


def parse_key(key: str) -> DataOverride | tuple[str, float]:
    """What ``key`` overrides, whatever value it will be given. Raises :class:`OverrideError`."""
    return parse(key, neutral_value(key))


def parse_all(overrides: Iterable[tuple[str, object]], where: str) -> None:
    """Parse every override of a grid or scenarios file before anything is solved, so a misspelt key
    stops the study at once; raises :class:`UserError` prefixed by ``where`` (the file, or file:line)."""
    for key, value in overrides:
        try:
            parse(key, value)
        except OverrideError as e:
            raise UserError(f"{where}: {e}") from None


def apply_to_case(case: Case, overrides: dict[str, object] | list[tuple[str, object]], name: str | None = None) -> Case:
    """The case with ``overrides`` applied: scale fields set, data overrides recorded on
    ``Case.overrides`` (read by :func:`read_case_dataset`), renamed to ``name`` if given."""
    items = list(overrides.items()) if isinstance(overrides, dict) else list(overrides)
    scale: dict[str, float] = {}
    data: list[tuple[str, Any]] = list(case.overrides)
    for key, value in items:
        parsed = parse(key, value)
        if isinstance(parsed, tuple):
            scale[parsed[0]] = parsed[1]
        else:
            data.append((key, value))
    return replace(case, name=name or case.name, scale=replace(case.scale, **scale), overrides=tuple(data))


def _format(x: float) -> str:
    return repr(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


class _Editor:
    """Applies data overrides to raw frames as :func:`read_dataset` reads them; remembers which ran."""

    def __init__(self, overrides: list[DataOverride]):
        self.overrides = overrides
        self.applied: set[str] = set()

    def __call__(self, name: str, raw: pd.DataFrame) -> pd.DataFrame:
        raw = raw.copy()
        for o in self.overrides:
            if isinstance(o, CellOverride) and o.file == name:
                raw = self._cells(o, raw)
            elif isinstance(o, QueueShift) and name == "interconnect_queue.csv":
                raw = self._queue(o, raw)
        return raw

    def _cells(self, o: CellOverride, raw: pd.DataFrame) -> pd.DataFrame:
        for col in (o.column, o.where):
            if col is not None and col not in raw.columns:
                raise OverrideError(f"override {o.key}: {o.file} has no column {col!r}; its columns: {', '.join(map(str, raw.columns))}")
        rows = raw.index if o.where is None else raw.index[raw[o.where].astype(str) == o.equals]
        if o.where is not None and len(rows) == 0:
            raise OverrideError(f"override {o.key}: no row of {o.file} has {o.where} = {o.equals!r}")
        for line in rows:
            cell = raw.at[line, o.column]
            if not o.multiply:
                raw.at[line, o.column] = _format(o.value) if isinstance(o.value, (int, float)) else str(o.value)
            elif pd.notna(cell):
                try:
                    raw.at[line, o.column] = _format(float(cell) * float(o.value))
                except ValueError:
                    raise OverrideError(f"override {o.key}: {o.file}:{line}: {o.column} = {cell!r} is not a number to multiply") from None
        self.applied.add(o.key)
        return raw

    def _queue(self, o: QueueShift, raw: pd.DataFrame) -> pd.DataFrame:
        rows = raw.index[raw["site_id"].astype(str) == o.site] if "site_id" in raw.columns else []
        if len(rows) == 0:
            sites = sorted(set(raw["site_id"].dropna())) if "site_id" in raw.columns else []
            raise OverrideError(f"override {o.key}: site {o.site!r} has no tranche in interconnect_queue.csv; sites with tranches: {', '.join(sites)}")
        for line in rows:
            try:
                raw.at[line, "wait_years"] = _format(float(raw.at[line, "wait_years"]) + o.years)
            except (TypeError, ValueError):
                pass  # not a number: validation reports interconnect_queue.csv:line: wait_years
        self.applied.add(o.key)
        return raw


def read_case_dataset(case: Case, strict: bool = False) -> Dataset:
    """The case's dataset with its data overrides applied to the raw cells, then validated.

    A problem the overrides cause is reported like any data problem, the folder named "with overrides ..."."""
    if not case.overrides:
        return read_dataset(case.data_dir, strict=strict)
    parsed = [parse(k, v) for k, v in case.overrides]
    data = [p for p in parsed if not isinstance(p, tuple)]
    editor = _Editor(data)
    label = f"{case.data_dir} with overrides {', '.join(f'{k}={v}' for k, v in case.overrides)}"
    try:
        ds = read_dataset(case.data_dir, strict=strict, edit=editor)
    except DatasetError as e:
        raise DatasetError(label, e.problems, e.follow_ons, e.warnings) from None
    missing = [o.key for o in data if o.key not in editor.applied]
    if missing:
        raise OverrideError(f"override(s) {', '.join(missing)}: the file is not in {case.data_dir}")
    return ds


def check_overrides(case: Case, overrides: list[tuple[str, object]]) -> None:
    """Raise :class:`OverrideError` for an override naming an unknown file, column, row or site of the
    case's dataset, before any case is solved. Reads only the files named; values are checked per case."""
    seen = set()
    for key, value in overrides:
        parsed = parse(key, value)
        if isinstance(parsed, tuple) or key in seen:
            continue
        seen.add(key)
        name = parsed.file if isinstance(parsed, CellOverride) else "interconnect_queue.csv"
        path = case.data_dir / name
        if not path.is_file():
            raise OverrideError(f"override {key}: the file {name} is not in {case.data_dir}")
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], skipinitialspace=True)
        raw.columns = [c.strip() for c in raw.columns]
        probe = replace(parsed, value=1.0) if isinstance(parsed, CellOverride) and parsed.multiply else parsed
        _Editor([probe])(name, raw)
