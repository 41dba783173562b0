"""One random cell of a random world CSV, corrupted in one of nine classes: validation reports it
(an error or a warning naming file, line and column) or the value is legitimately accepted.

Never a traceback; never a silent unit slip or swapped coordinate. Counts by class and outcome
are printed at the end (run with ``-s``) and written to $TOKENSITE_FUZZ_COUNTS if set; the number
of examples is $TOKENSITE_FUZZ_EXAMPLES (default 40, so the suite stays quick).

Classes and what counts as legitimately accepted:
- ``type``: text in a numeric or boolean cell. Always an error.
- ``blank``: an empty cell. Accepted only in a column that may be blank (optional, nullable or
  not in the schema, such as ``source``).
- ``range``: a number beyond the column's schema bound. Always an error.
- ``slip_x1000`` / ``slip_div1000``: a quantity (any numeric column but coordinates and years)
  multiplied or divided by 1000. Never accepted silently; a zero cell is unchanged and skipped.
- ``swap_coords``: lat and lon of a site or metro exchanged. Never accepted silently.
- ``unknown_id``: a reference to another file's id replaced by one that does not exist. Always an error.
- ``duplicate_key``: a row repeated. Always an error.
- ``misspelt_header``: two letters of a header swapped. Accepted only for a column outside the schema.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tokensite import DatasetError, read_dataset, shipped_dataset
from tokensite.dataset.checks import ID_RULES
from tokensite.dataset.schemas import OPTIONAL, OPTIONAL_COLUMNS, REQUIRED

WORLD = shipped_dataset()
SCHEMAS = {**REQUIRED, **OPTIONAL}
FILES = sorted(n for n in SCHEMAS if (WORLD / n).is_file())  # optional files the world does not ship (elasticity.csv) are not fuzzed
CLASSES = ["type", "blank", "range", "slip_x1000", "slip_div1000", "swap_coords", "unknown_id", "duplicate_key", "misspelt_header"]
NOT_QUANTITIES = {"lat", "lon", "year", "first_year", "earliest_year", "start_year", "request_year"}
REFERENCES = {(f, c) for f, c, _, _ in ID_RULES}
ELIGIBLE = {"swap_coords": ["metros.csv", "regions.csv"], "unknown_id": sorted({f for f, _ in REFERENCES} & set(FILES))}
COUNTS: Counter = Counter()


def read(name: str) -> list[list[str]]:
    with (WORLD / name).open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh))


ROWS = {name: read(name) for name in FILES}


def schema_columns(name: str) -> dict:
    return SCHEMAS[name].to_schema().columns


def numeric(name: str, col: str) -> bool:
    return str(schema_columns(name)[col].dtype) in ("float64", "int64")


def bound(name: str, col: str) -> str | None:
    """A value beyond the column's schema bound, or None if it has none."""
    for check in schema_columns(name)[col].checks:
        stats = check.statistics or {}
        if "max_value" in stats:
            return repr(float(stats["max_value"]) * 10 + 1)
        if "min_value" in stats:
            return repr(float(stats["min_value"]) - 1)
    return None


def corrupt(rows: list[list[str]], name: str, how: str, rnd: random.Random) -> tuple[int, str, str] | None:
    """Corrupt rows in place; return (line, column, expectation) or None if the class has no target here.
    expectation: "report" (must be reported), "maybe" (accepted only if legitimate, see module doc)."""
    header, body = rows[0], rows[1:]
    if not body:
        return None
    cols = [c for c in header if c in schema_columns(name)]
    i = rnd.randrange(len(body))
    line = i + 2
    if how == "duplicate_key":
        rows.append(list(body[i]))
        return len(rows), "*", "report"
    if how == "misspelt_header":
        j = rnd.randrange(len(header))
        h = header[j]
        k = rnd.randrange(max(len(h) - 1, 1))
        new = h[:k] + h[k + 1] + h[k] + h[k + 2:] if len(h) > 1 else h + h
        if new == h:
            return None
        header[j] = new
        return 1, h + "|" + new, "report" if h in schema_columns(name) else "maybe"
    if how == "swap_coords":
        if "lat" not in header:
            return None
        a, b = header.index("lat"), header.index("lon")
        body[i][a], body[i][b] = body[i][b], body[i][a]
        return line, "lat|lon", "report"
    if how == "unknown_id":
        refs = [c for c in cols if (name, c) in REFERENCES]
        if not refs:
            return None
        col = rnd.choice(refs)
        body[i][header.index(col)] = "no-such-id-zz"
        return line, col, "report"
    candidates = {
        "type": [c for c in cols if numeric(name, c) or str(schema_columns(name)[c].dtype) == "bool"],
        "blank": header,
        "range": [c for c in cols if numeric(name, c) and bound(name, c) is not None],
        "slip_x1000": [c for c in cols if numeric(name, c) and c not in NOT_QUANTITIES],
        "slip_div1000": [c for c in cols if numeric(name, c) and c not in NOT_QUANTITIES],
    }[how]
    if not candidates:
        return None
    col = rnd.choice(candidates)
    j = header.index(col)
    old = body[i][j]
    if how == "type":
        body[i][j] = "twelve"
    elif how == "blank":
        if old == "":
            return None
        body[i][j] = ""
        nullable = col not in schema_columns(name) or schema_columns(name)[col].nullable or col in OPTIONAL_COLUMNS.get(name, [])
        return line, col, "maybe" if nullable else "report"
    elif how == "range":
        body[i][j] = bound(name, col)
    else:
        if old == "" or float(old) == 0:
            return None  # unchanged by a slip
        v = float(old) * 1000 if how == "slip_x1000" else float(old) / 1000
        body[i][j] = repr(v)
    return line, col, "report"


def reported(err_or_ds, name: str, line: int, column: str) -> bool:
    problems = list(err_or_ds.problems) + list(err_or_ds.warnings) if isinstance(err_or_ds, DatasetError) else list(err_or_ds.warnings)
    columns = set(column.split("|"))
    for p in problems:
        if p.file != name:
            continue
        if column == "*" and p.line is not None:  # a duplicate row: the copy or its original is named
            return True
        if p.column in columns and (p.line == line or p.line is None):
            return True
    return False


@pytest.fixture(scope="module", autouse=True)
def counts_report():
    yield
    table = {c: dict(sorted((k[1], n) for k, n in COUNTS.items() if k[0] == c)) for c in CLASSES}
    print("\nfuzz classes (outcome counts):\n" + "\n".join(f"  {c:<16} {table[c]}" for c in CLASSES))
    if os.environ.get("TOKENSITE_FUZZ_COUNTS"):
        Path(os.environ["TOKENSITE_FUZZ_COUNTS"]).write_text(json.dumps(table, indent=2))


@settings(max_examples=int(os.environ.get("TOKENSITE_FUZZ_EXAMPLES", "40")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # one cell is already minimal; shrinking a 1 s example takes minutes
@given(how=st.sampled_from(CLASSES), data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_one_corrupt_cell_is_reported_or_legitimate(how, data, seed):
    name = data.draw(st.sampled_from(ELIGIBLE.get(how, FILES)), label="file")
    rows = [list(r) for r in ROWS[name]]
    target = corrupt(rows, name, how, random.Random(seed))
    if target is None:
        COUNTS[(how, "no target")] += 1
        return
    line, column, expect = target
    folder = Path(tempfile.mkdtemp()) / "world"
    try:
        shutil.copytree(WORLD, folder)
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
        try:
            outcome: object = read_dataset(folder)
            kind = "warning"
        except DatasetError as err:
            outcome, kind = err, "error"
        # any other exception is a traceback and fails the test here
        if reported(outcome, name, line, column):
            COUNTS[(how, f"reported ({kind})")] += 1
            return
        assert expect == "maybe", f"{how} at {name}:{line}: {column} was accepted silently"
        if kind == "error":
            # rejected, but not at the corrupted cell: acceptable only if it names the file
            assert any(p.file == name for p in outcome.problems), str(outcome)
        COUNTS[(how, "accepted (legitimate)" if kind == "warning" else "error elsewhere in file")] += 1
    finally:
        shutil.rmtree(folder.parent)
