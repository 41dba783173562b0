"""Read a dataset folder: every CSV through its schema, then the cross-file checks.

Rows are indexed by their line number in the CSV (the header is line 1), so every
problem can say ``file:line: column``. A file that fails its schema still takes part in
the cross-file checks with its valid rows, so one run reports as much as it can.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrorReason

from tokensite.dataset import checks
from tokensite.dataset.contract import Model, bool_columns, columns, optional_columns, required_columns, table_of
from tokensite.dataset.dataset import Dataset, derive
from tokensite.dataset.installed import installed_warnings
from tokensite.dataset.locations import location_warnings, swapped_coordinates
from tokensite.dataset.messages import MISSING_COLUMN, failures, schema_problems
from tokensite.dataset.names import header_row, header_warnings, missing_column_hints, unclean_names, unknown_files
from tokensite.dataset.plausibility import unit_warnings
from tokensite.dataset.schemas import TABLES
from tokensite.errors import DatasetError, Problem, by_place

TRUE = {"true", "yes", "1", "y", "t"}
FALSE = {"false", "no", "0", "n", "f"}


class WrongSeparator(Exception):
    """The file is not comma-separated (a spreadsheet exported with ';' or tabs)."""


def _check_separator(rows: list[list[str]], known: set[str]) -> None:
    """Raise WrongSeparator when the header only makes sense split on ';' or a tab."""
    if not rows or len(rows[0]) > 1 or any(h.strip() in known for h in rows[0]):
        return
    line = ",".join(rows[0])
    for sep, name in ((";", "semicolons"), ("\t", "tabs")):
        if known & {h.strip() for h in line.split(sep)}:
            cells = [c.strip() for r in rows[1:50] for c in ",".join(r).split(sep)]
            also = " and decimal commas (1,5)" if any(re.fullmatch(r"-?\d+,\d+", c) for c in cells) else ""
            raise WrongSeparator(f"is separated by {name}{also}, not commas (a spreadsheet export with a European locale?)")


def _read_raw(path: Path, known: set[str] = frozenset()) -> tuple[pd.DataFrame, list[str]]:
    """All cells as stripped strings (blank -> NA), indexed by CSV line number, in columns numbered from 0 (the
    cells beyond the header's joined in one more); and the header cells as written."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    _check_separator(rows, set(known))
    if not rows:
        return pd.DataFrame(), []
    header = rows[0]
    body = []
    lines = []
    for i, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        r = (r + [""] * len(header))[: len(header)] if len(r) <= len(header) else r
        body.append([c.strip() for c in r[: len(header)]] + ([",".join(r[len(header):])] if len(r) > len(header) else []))
        lines.append(i)
    width = max((len(b) for b in body), default=len(header))
    frame = pd.DataFrame(body, columns=range(width), index=pd.Index(lines, name="line"), dtype=object)
    return frame.replace({"": np.nan}), header


def _named(name: str, frame: pd.DataFrame, cells: list[str], problems: list[Problem], warnings: list[Problem]) -> pd.DataFrame:
    """The columns of a raw frame under their header names (:func:`~tokensite.dataset.names.header_row`); cells beyond
    the header under ``__extra__``."""
    names, errors, warns = header_row(name, cells, [bool(frame[j].notna().any()) if j in frame else False for j in range(len(cells))])
    problems += errors
    warnings += warns
    if len(cells) in frame:
        names[len(cells)] = "__extra__"
    return frame[list(names)].set_axis(list(names.values()), axis=1)


def _parse_bools(name: str, raw: pd.DataFrame, model: Model, problems: list[Problem]) -> set[int]:
    """Parse the ``bool`` columns in place; return the lines whose booleans could not be read."""
    bad: set[int] = set()
    for col in bool_columns(model):
        if col not in raw:
            continue
        blank = columns(model)[col].default  # an optional bool column's blank cells take its default
        parsed = []
        for line, v in raw[col].items():
            s = "" if pd.isna(v) else str(v).lower()
            if s == "" and blank is not None:
                parsed.append(bool(blank))
            elif s in TRUE:
                parsed.append(True)
            elif s in FALSE:
                parsed.append(False)
            else:
                parsed.append(None)
                bad.add(int(line))
                problems.append(Problem(name, int(line), col, "is not true or false", "" if pd.isna(v) else str(v), "write true or false"))
        raw[col] = parsed
    return bad


def _validate(name: str, raw: pd.DataFrame, model: Model, problems: list[Problem]) -> pd.DataFrame | None:
    """Validate one file; record its problems; return its valid rows, or None if unusable.

    An optional column the file leaves out is added blank, so its cells take the field's default.
    (pandera's ``add_missing_columns`` adds only *required* columns that are nullable or have a
    default, so it would silently accept a file without ``slo_rtt_ms``, ``cap_mw`` or ``rtt_ms``.)"""
    for col in optional_columns(model):
        if col not in raw:
            raw[col] = pd.Series(np.nan, index=raw.index, dtype=object)  # blank cells, as read
    bad_bool_lines = _parse_bools(name, raw, model, problems)
    try:
        return model.validate(raw.drop(index=list(bad_bool_lines)), lazy=True)
    except pa.errors.SchemaErrors as err:
        found = failures(err)
    except Exception as err:  # pandera raises plain errors on some malformed frames
        problems.append(Problem(name, None, "-", f"cannot be read ({type(err).__name__})", "", "check the file is a comma-separated table"))
        return None
    problems += schema_problems(name, raw, model, found)
    if any(f.reason == SchemaErrorReason.COLUMN_NOT_IN_DATAFRAME for f in found):
        return None
    bad = {f.line for f in found if f.line is not None} | bad_bool_lines
    try:
        return model.validate(raw.drop(index=[i for i in bad if i in raw.index]), lazy=True)
    except Exception:
        return None


def _empty(model: Model) -> pd.DataFrame:
    schema = model.to_schema()
    return schema.validate(pd.DataFrame({c: pd.Series([], dtype=object) for c in schema.columns}))


NEEDS_ROWS = {table_of(m).file for m in TABLES if table_of(m).required and not (table_of(m).may_be_empty or table_of(m).rows_for_demand)}
"""Required files that cannot be empty (a dataset may have no training program or queue tranche; metros and demand
are checked against the case's layers by check_case)."""
FORMAT_DOC = "docs/data-format.md"


Edit = Callable[[str, pd.DataFrame], pd.DataFrame]
"""A change to one file's raw cells (strings, blank = NA, indexed by CSV line) before it is validated."""


def _read_file(folder: Path, name: str, model: Model, problems: list[Problem], warnings: list[Problem],
               misspelt: list[tuple[Problem, str]], raw_ids: dict[tuple[str, str], set], edit: Edit | None = None) -> pd.DataFrame | None:
    """One file: its valid rows, indexed by CSV line (None if unusable); problems and warnings recorded (a misspelt
    column's warning with the column it was meant to be)."""
    file = folder / name
    if not file.is_file():
        if table_of(model).required:
            problems.append(Problem(name, None, "-", "required file is missing", "", f"add {name} (see {FORMAT_DOC})"))
            return None
        return _empty(model)
    known = list(model.to_schema().columns)
    try:
        raw, cells = _read_raw(file, set(known))
    except WrongSeparator as err:
        problems.append(Problem(name, 1, "-", str(err), "", "save it as CSV with comma separators and a decimal point (1.5)"))
        return None
    except (UnicodeDecodeError, csv.Error) as err:
        problems.append(Problem(name, None, "-", f"cannot be read ({err})", "", "save the file as UTF-8 CSV"))
        return None
    raw = _named(name, raw, cells, problems, warnings)
    if "__extra__" in raw:
        for line in raw.index[raw["__extra__"].notna()]:
            problems.append(Problem(name, int(line), "-", "has more cells than the header", str(raw.at[line, "__extra__"]),
                                    "remove the extra cells, or quote values that contain commas (a decimal comma?)"))
        raw = raw.drop(columns="__extra__")
    if edit is not None:
        raw = edit(name, raw)
    for col in raw.columns:
        raw_ids[(name, col)] = set(raw[col].dropna())
    if raw.empty and name in NEEDS_ROWS:
        problems.append(Problem(name, None, "-", "is empty: it has no data rows", "", f"add at least one row (see {FORMAT_DOC})"))
        return None
    misspelt += (found := header_warnings(name, list(raw.columns), known, set(required_columns(model))))
    first = len(problems)
    frame = _validate(name, raw, model, problems)
    problems[first:] = swapped_coordinates(name, raw, missing_column_hints(name, list(raw.columns), known, problems[first:]))
    named = {w.column for w, _ in found} | {p.value for p in problems[first:] if p.problem == MISSING_COLUMN}
    warnings += unclean_names(name, list(raw.columns), known, named)
    return frame


def read_dataset(path: str | Path, strict: bool = False, edit: Edit | None = None) -> Dataset:
    """Read and validate a dataset folder into a frozen :class:`Dataset`.

    ``edit`` changes each file's raw cells before validation (scenario overrides,
    :mod:`tokensite.scenarios.overrides`), so an edited value is checked like any input.

    Raises :class:`DatasetError` with every root problem found (file, line, column, value, fix),
    the count of follow-on problems they explain, and the plausibility warnings. The warnings of
    a valid dataset are on ``Dataset.warnings``; with ``strict`` they are errors.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DatasetError(str(folder), [Problem(str(folder), None, "-", "is not a folder", "", "pass a dataset folder, e.g. the world one `tokensite init DIR` copies")])
    problems: list[Problem] = []
    misspelt: list[tuple[Problem, str]] = []
    notes: list[Problem] = unknown_files(folder, [table_of(m).file for m in TABLES])  # warnings on names
    frames: dict[str, pd.DataFrame | None] = {}
    raw_ids: dict[tuple[str, str], set] = {}
    for model in TABLES:
        name = table_of(model).file
        frames[name] = _read_file(folder, name, model, problems, notes, misspelt, raw_ids, edit)
    damaged = {p.file for p in problems} | {n for n, f in frames.items() if f is None}
    roots, follow_ons = checks.cross_file(frames, raw_ids, damaged)
    problems += roots
    warnings = notes + [w for w, _ in misspelt] + unit_warnings(frames) + location_warnings(frames) + installed_warnings(frames)
    for w, meant in misspelt:  # a misspelt column that leaves errors behind is their root
        echoes = [p for p in problems if p.file == w.file and p.column == meant]
        if echoes:
            problems = [p for p in problems if p not in echoes] + [w]
            follow_ons += echoes
            warnings.remove(w)
    if problems:
        raise DatasetError(str(folder), problems, follow_ons, warnings)
    if strict and warnings:
        raise DatasetError(str(folder), warnings)
    try:
        return derive(folder, frames, tuple(by_place(warnings)))
    except checks.DerivationProblems as dp:
        raise DatasetError(str(folder), dp.problems, warnings=warnings) from None
