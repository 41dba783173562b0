"""Issue 30: two corruption classes of the world data, caught as classes (hypothesis).

- **Header rows**: one header cell of a random world CSV made not one clean, unique name per column: repeated
  (another column's name), blank, padded with spaces, in the wrong case, or with junk inside. Never accepted
  silently: an error or a warning at the file's line 1 naming the column.
- **Ordered columns**: one row given a contradicting pair of every declared order (``row_order`` of the schemas:
  ``min_mw`` ≤ ``max_mw``, ...). Always refused, at the row's line and the order's column. An order of a file the
  world does not ship (gpu_access.csv) is tried on a one-row file of it made from the world's ids.

Counts by class and outcome are printed at the end (run with ``-s``); the number of examples of each is
$TOKENSITE_FUZZ_EXAMPLES (default 25, so the suite stays quick).
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tokensite import DatasetError, read_dataset, shipped_dataset
from tokensite.dataset.contract import orders_of, table_of
from tokensite.dataset.schemas import TABLES

WORLD = shipped_dataset()
FILES = sorted(table_of(m).file for m in TABLES if (WORLD / table_of(m).file).is_file())
HEADER_CLASSES = ["repeated", "blank", "spaces", "wrong_case", "junk"]
JUNK = ["-", "#", ".", "(", "/", "%", "'", "é", " ", "\u00a0", "\t"]
ORDERS = [(table_of(m).file, o) for m in TABLES for o in orders_of(m)]
MADE = {"gpu_access.csv": lambda ids: [["gpu", "country", "from_year", "to_year", "access", "capex_multiplier"], [ids["gpu"], "CN", "2026", "", "banned", ""]]}
"""A valid one-row file of an ordered file the world does not ship, from the world's ids."""
COUNTS: Counter = Counter()
EXAMPLES = int(os.environ.get("TOKENSITE_FUZZ_EXAMPLES", "25"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    phases=[Phase.explicit, Phase.reuse, Phase.generate])  # one corruption is already minimal


def read(name: str) -> list[list[str]]:
    with (WORLD / name).open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh))


def outcome(files: dict[str, list[list[str]]]) -> tuple[str, list]:
    """Write the world with ``files`` replaced; ("error", problems and warnings) or ("warning", warnings)."""
    folder = Path(tempfile.mkdtemp()) / "world"
    try:
        shutil.copytree(WORLD, folder)
        for name, rows in files.items():
            with (folder / name).open("w", newline="", encoding="utf-8") as fh:
                csv.writer(fh).writerows(rows)
        try:
            return "warning", list(read_dataset(folder).warnings)
        except DatasetError as err:  # any other exception is a traceback and fails the test
            return "error", list(err.problems) + list(err.warnings)
    finally:
        shutil.rmtree(folder.parent)


@pytest.fixture(scope="module", autouse=True)
def counts_report():
    yield
    lines = [f"  {c:<28} {dict(sorted((k[1], n) for k, n in COUNTS.items() if k[0] == c))}" for c in sorted({k[0] for k in COUNTS})]
    unordered = sorted(set(FILES) - {f for f, _ in ORDERS})
    tried = {c: sum(n for k, n in COUNTS.items() if k[0].startswith(c)) for c in ("header", "order")}
    print(f"\ncorruption classes (outcome counts by case; an example accepted silently fails its test):\n" + "\n".join(lines)
          + f"\n  tried: {tried['header']} corrupt headers, {tried['order']} contradicting rows; accepted silently: 0"
          + f"\n  world files with no ordered pair declared: {', '.join(unordered)}")


@SETTINGS
@given(how=st.sampled_from(HEADER_CLASSES), name=st.sampled_from(FILES), data=st.data())
def test_a_header_that_is_not_one_clean_unique_name_per_column_is_reported(how, name, data):
    rows = [list(r) for r in read(name)]
    header = rows[0]
    j = data.draw(st.integers(0, len(header) - 1), label="column")
    old = header[j]
    if how == "repeated":
        new = data.draw(st.sampled_from([h for h in header if h != old]), label="name")
    elif how == "blank":
        new = data.draw(st.sampled_from(["", " "]), label="blank")
    elif how == "spaces":
        new = data.draw(st.sampled_from([f" {old}", f"{old} ", f" {old} ", f"\t{old}"]), label="padded")
    elif how == "wrong_case":
        new = data.draw(st.sampled_from([old.upper(), old.title(), old[0].upper() + old[1:]]), label="cased")
    else:
        k = data.draw(st.integers(0, len(old)), label="at")
        new = old[:k] + data.draw(st.sampled_from(JUNK), label="junk") + old[k:]
    header[j] = new
    kind, found = outcome({name: rows})
    named = {old, new, new.strip(), f"column {j + 1}"}
    hit = any(p.file == name and p.line == 1 and (p.column in named or p.value in (new, repr(new))) for p in found)
    assert hit, f"header {how}: {name} column {j + 1} {old!r} -> {new!r} was accepted silently ({kind}: {[str(p) for p in found]})"
    COUNTS[(f"header {how}", f"reported ({kind})")] += 1


@SETTINGS
@given(pick=st.sampled_from(ORDERS), data=st.data())
def test_a_row_whose_ordered_columns_contradict_is_refused(pick, data):
    file, order = pick
    years = "year" in order.lo
    rows = [list(r) for r in read(file)] if file in FILES else MADE[file]({"gpu": read("gpus.csv")[1][0]})
    header = rows[0]
    for col in (order.lo, order.hi):
        if col not in header:  # an optional column the world leaves out: added, blank but in the row corrupted
            header.append(col)
            for r in rows[1:]:
                r.append("")
    i = data.draw(st.integers(1, len(rows) - 1), label="row")
    if years:
        hi = data.draw(st.integers(1990, 2199), label="hi")
        lo = data.draw(st.integers(hi + 1, 2200), label="lo")
    else:
        hi = data.draw(st.floats(0.5, 90_000, allow_nan=False), label="hi")
        lo = hi + data.draw(st.floats(1e-3, 10_000, allow_nan=False), label="by")
    rows[i][header.index(order.lo)], rows[i][header.index(order.hi)] = repr(lo), repr(hi)
    kind, found = outcome({file: rows})
    hit = [p for p in found if p.file == file and p.line == i + 1 and p.column == order.at]
    assert kind == "error" and hit, f"{file}:{i + 1}: {order.lo} {lo!r} > {order.hi} {hi!r} was accepted ({kind}: {[str(p) for p in found]})"
    assert (order.hi if order.at == order.lo else order.lo) in hit[0].problem  # it names the other column
    COUNTS[(f"order {file} {order.lo}<={order.hi}", "refused (error)")] += 1
