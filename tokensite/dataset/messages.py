"""A file's schema failures as problems a user can act on: what is wrong, the value, how to fix it.

The words come from pandera's own failure data, not from its check names: each
``SchemaErrors.schema_errors`` entry carries a reason code, the failing ``Check`` (whose ``name``
and ``statistics`` give the bound or the allowed values) and a failure-case frame of CSV line
(``index``) and ``failure_case``. A format check's fix is the column's ``hint``
(tokensite.dataset.contract). A row that breaks a declared order (the dataframe check ``row_order``) is worded by
its :class:`~tokensite.dataset.contract.Order`, at the column it names. A renamed check string in pandera changes no
message.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrorReason as Reason

from tokensite.dataset.contract import columns, meta
from tokensite.errors import Problem

CHECK_WORDS = {  # Check.name -> (what is wrong, how to fix), formatted with the check's statistics
    "greater_than_or_equal_to": ("is below the minimum {min_value}", "use a value >= {min_value}"),
    "greater_than": ("must be greater than {min_value}", "use a value > {min_value}"),
    "less_than_or_equal_to": ("is above the maximum {max_value}", "use a value <= {max_value} (check the unit)"),
    "less_than": ("must be less than {max_value}", "use a value < {max_value}"),
    "isin": ("is not an allowed value", "use one of {allowed_values}"),
    "str_matches": ("has the wrong format", "use {hint}"),
    "str_length": ("is blank", "fill in a non-empty value"),
}
NOT_A_NUMBER = {"int64": ("is not a whole number", "write a whole number, e.g. 2028")}
REASON_WORDS = {
    Reason.SERIES_CONTAINS_NULLS: ("is blank", "fill in a value; this column may not be blank"),
    Reason.SERIES_CONTAINS_DUPLICATES: ("duplicate id", "make each id appear once"),
}
MISSING_COLUMN = "required column is missing"


@dataclass(frozen=True)
class Failure:
    """One failing cell (or column, where ``line`` is None) of one schema error."""

    reason: Reason
    column: str
    line: int | None
    case: object
    check: object


def failures(err: pa.errors.SchemaErrors) -> list[Failure]:
    """Every failing cell of a lazy validation, with its reason code and Check."""
    out = []
    for e in err.schema_errors:
        column = str(e.failure_cases if e.reason_code == Reason.COLUMN_NOT_IN_DATAFRAME else (e.column_name or getattr(e.schema, "name", "-")))
        cases = e.failure_cases if isinstance(e.failure_cases, pd.DataFrame) else pd.DataFrame({"index": [None], "failure_case": [e.failure_cases]})
        for line, case in zip(cases["index"], cases["failure_case"]):
            blank = line is None or (isinstance(line, float) and np.isnan(line))
            out.append(Failure(e.reason_code, column, None if blank else int(line), case, e.check))
    return out


def _words(f: Failure, model: type[pa.DataFrameModel]) -> tuple[str, str]:
    if f.reason in (Reason.DATATYPE_COERCION, Reason.WRONG_DATATYPE):
        dtype = str(columns(model)[f.column].dtype)
        return NOT_A_NUMBER.get(dtype, ("is not a number", "write a number, e.g. 1.5"))
    if f.reason in REASON_WORDS:
        return REASON_WORDS[f.reason]
    name = getattr(f.check, "name", None)
    if name in CHECK_WORDS:
        stats = {**(f.check.statistics or {}), **meta(model, f.column)}
        stats.setdefault("hint", f"the pattern {stats.get('pattern')}")
        what, fix = CHECK_WORDS[name]
        return what.format(**stats), fix.format(**stats)
    return f"fails the check {_text(f.check)}", "correct the value"


def _text(check: object) -> str:
    """A check as pandera writes it, e.g. ``greater_than(0)``."""
    return str(getattr(check, "error", None) or check)


def schema_problems(name: str, raw: pd.DataFrame, model: type[pa.DataFrameModel], found: list[Failure]) -> list[Problem]:
    """One problem per failing cell of ``name`` (cells of ``raw`` indexed by CSV line); a failure of
    a whole column is reported once, unless it only echoes a column whose cells could not be read."""
    unreadable = {f.column for f in found if f.reason == Reason.DATATYPE_COERCION}
    out: list[Problem] = []
    seen: set[tuple] = set()
    for f in found:
        if getattr(f.check, "name", None) == "row_order" and f.line is not None and f.line in raw.index:
            row = raw.loc[f.line]
            for order in f.check.statistics["orders"]:
                if (f.line, order.at, "order") not in seen and order.broken(raw.loc[[f.line]]).any():
                    seen.add((f.line, order.at, "order"))
                    out.append(order.problem(name, f.line, row))
        elif f.reason == Reason.COLUMN_NOT_IN_DATAFRAME:
            out.append(Problem(name, 1, f.column, MISSING_COLUMN, "", "add the column to the header"))
        elif f.line is None:
            if f.column not in unreadable:
                out.append(Problem(name, None, f.column, f"fails {_text(f.check)}", "", "correct the column"))
        else:
            what, fix = _words(f, model)
            if (f.line, f.column, what) in seen:
                continue
            seen.add((f.line, f.column, what))
            value = raw.at[f.line, f.column] if f.column in raw and f.line in raw.index else f.case
            out.append(Problem(name, f.line, f.column, what, "" if pd.isna(value) else str(value), fix))
    return out
