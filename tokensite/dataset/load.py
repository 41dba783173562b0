"""Read a dataset folder: every CSV through its schema, then the cross-file checks.

Rows are indexed by their line number in the CSV (the header is line 1), so every
problem can say ``file:line: column``. A file that fails its schema still takes part in
the cross-file checks with its valid rows, so one run reports as much as it can.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from tokensite.dataset import checks
from tokensite.dataset.dataset import Dataset, derive
from tokensite.dataset.schemas import BOOL_COLUMNS, OPTIONAL, OPTIONAL_COLUMNS, REQUIRED
from tokensite.errors import DatasetError, Problem

TRUE = {"true", "yes", "1", "y", "t"}
FALSE = {"false", "no", "0", "n", "f"}


def _read_raw(path: Path) -> pd.DataFrame:
    """All cells as stripped strings (blank -> NA), indexed by CSV line number."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return pd.DataFrame()
    header = [h.strip() for h in rows[0]]
    body = []
    lines = []
    for i, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        r = (r + [""] * len(header))[: len(header)] if len(r) <= len(header) else r
        body.append([c.strip() for c in r[: len(header)]] + ([",".join(r[len(header):])] if len(r) > len(header) else []))
        lines.append(i)
    width = max((len(b) for b in body), default=len(header))
    cols = header + ["__extra__"] * (width - len(header))
    frame = pd.DataFrame(body, columns=cols, index=pd.Index(lines, name="line"), dtype=object)
    return frame.replace({"": np.nan})


_MESSAGES = [  # pandera check -> (what is wrong, how to fix); {0} is the check's argument
    (r"^coerce_dtype\('int64'\)|^dtype\('int64'\)", "is not a whole number", "write a whole number, e.g. 2028"),
    (r"^coerce_dtype|^dtype", "is not a number", "write a number, e.g. 1.5"),
    (r"^not_nullable", "is blank", "fill in a value; this column may not be blank"),
    (r"^field_uniqueness", "duplicate id", "make each id appear once"),
    (r"^greater_than_or_equal_to\((.*)\)", "is below the minimum {0}", "use a value >= {0}"),
    (r"^greater_than\((.*)\)", "must be greater than {0}", "use a value > {0}"),
    (r"^less_than_or_equal_to\((.*)\)", "is above the maximum {0}", "use a value <= {0} (check the unit)"),
    (r"^less_than\((.*)\)", "must be less than {0}", "use a value < {0}"),
    (r"^isin\((.*)\)", "is not an allowed value", "use one of {0}"),
    (r"^str_matches\((.*)\)", "has the wrong format", "use a two-letter ISO code such as US"),
    (r"^str_length", "is blank", "fill in a non-empty value"),
]


def _describe(check: str) -> tuple[str, str]:
    for pattern, what, fix in _MESSAGES:
        m = re.search(pattern, check)
        if m:
            return what.format(*m.groups()), fix.format(*m.groups())
    return f"fails the check {check}", "correct the value"


def _parse_bools(name: str, raw: pd.DataFrame, problems: list[Problem]) -> set[int]:
    """Parse boolean columns in place; return the lines whose booleans could not be read."""
    bad: set[int] = set()
    for col in BOOL_COLUMNS.get(name, []):
        if col not in raw:
            continue
        parsed = []
        for line, v in raw[col].items():
            s = "" if pd.isna(v) else str(v).lower()
            if s in TRUE:
                parsed.append(True)
            elif s in FALSE:
                parsed.append(False)
            else:
                parsed.append(None)
                bad.add(int(line))
                problems.append(Problem(name, int(line), col, "is not true or false", "" if pd.isna(v) else str(v), "write true or false"))
        raw[col] = parsed
    return bad


def _validate(name: str, raw: pd.DataFrame, model: type[pa.DataFrameModel], problems: list[Problem]) -> pd.DataFrame | None:
    """Validate one file; record its problems; return its valid rows, or None if unusable."""
    for col in OPTIONAL_COLUMNS.get(name, []):
        if col not in raw:
            raw[col] = np.nan
    bad_bool_lines = _parse_bools(name, raw, problems)
    try:
        return model.validate(raw.drop(index=list(bad_bool_lines)), lazy=True)
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
    except Exception as err:  # pandera raises plain errors on some malformed frames
        problems.append(Problem(name, None, "-", f"cannot be read ({type(err).__name__})", "", "check the file is a comma-separated table"))
        return None
    unusable = False
    seen: set[tuple] = set()
    coerce_failed = set()
    for r in fc.itertuples():
        check = str(r.check)
        if check.startswith("coerce_dtype"):
            coerce_failed.add((r.column, r.index))
    for r in fc.itertuples():
        check = str(r.check)
        line = None if r.index is None or (isinstance(r.index, float) and np.isnan(r.index)) else int(r.index)
        column = str(r.failure_case) if check == "column_in_dataframe" else str(r.column)
        if line is None:
            if check == "column_in_dataframe":
                unusable = True
                problems.append(Problem(name, 1, column, "required column is missing", "", "add the column to the header"))
            elif not any(c == r.column for c, _ in coerce_failed):
                problems.append(Problem(name, None, column, f"fails {check}", "", "correct the column"))
            continue
        if check.startswith("dtype(") and (r.column, r.index) in coerce_failed:
            continue
        key = (line, column, check)
        if key in seen:
            continue
        seen.add(key)
        what, fix = _describe(check)
        value = raw.at[line, column] if column in raw and line in raw.index else r.failure_case
        problems.append(Problem(name, line, column, what, "" if pd.isna(value) else str(value), fix))
    if unusable:
        return None
    bad = {int(i) for i in fc["index"].dropna()} | bad_bool_lines
    try:
        return model.validate(raw.drop(index=[i for i in bad if i in raw.index]), lazy=True)
    except Exception:
        return None


def _empty(model: type[pa.DataFrameModel]) -> pd.DataFrame:
    schema = model.to_schema()
    return schema.validate(pd.DataFrame({c: pd.Series([], dtype=object) for c in schema.columns}))


def read_dataset(path: str | Path) -> Dataset:
    """Read and validate a dataset folder into a frozen :class:`Dataset`.

    Raises :class:`DatasetError` with every problem found (file, line, column, value, fix).
    """
    folder = Path(path)
    if not folder.is_dir():
        raise DatasetError(str(folder), [Problem(str(folder), None, "-", "is not a folder", "", "pass a dataset folder such as data/world")])
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame | None] = {}
    raw_ids: dict[tuple[str, str], set] = {}
    for name, model in {**REQUIRED, **OPTIONAL}.items():
        file = folder / name
        if not file.is_file():
            if name in REQUIRED:
                problems.append(Problem(name, None, "-", "required file is missing", "", f"add {name} (see DATA_FORMAT.md)"))
                frames[name] = None
            else:
                frames[name] = _empty(model)
            continue
        try:
            raw = _read_raw(file)
        except (UnicodeDecodeError, csv.Error) as err:
            problems.append(Problem(name, None, "-", f"cannot be read ({err})", "", "save the file as UTF-8 CSV"))
            frames[name] = None
            continue
        if "__extra__" in raw:
            for line in raw.index[raw["__extra__"].notna()]:
                problems.append(Problem(name, int(line), "-", "has more cells than the header", str(raw.at[line, "__extra__"]), "remove the extra cells or quote values that contain commas"))
            raw = raw.drop(columns="__extra__")
        for col in raw.columns:
            raw_ids[(name, col)] = set(raw[col].dropna())
        if name == "training.csv" and "layer" not in raw:
            raw["layer"] = "training"
        frames[name] = _validate(name, raw, model, problems)
    problems += checks.cross_file(frames, raw_ids)
    if problems:
        raise DatasetError(str(folder), problems)
    try:
        return derive(folder, frames)
    except checks.DerivationProblems as dp:
        raise DatasetError(str(folder), dp.problems) from None
