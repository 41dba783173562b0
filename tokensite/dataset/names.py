"""Names the input contract knows: each file's header row, and the files of a dataset folder.

* **A header row is one clean, unique name per column** (:func:`header_row`). A column with values but no name, and
  a name two columns share, are errors: which column the model would read is a guess. Spaces around a name are a
  warning (the name is read without them).
* **An unknown column is ignored**, as docs/data-format.md allows, but not silently when it looks like a slip: a name
  close to a column the file leaves out ("bridge_max_mv") is a warning with the name it was probably meant to be
  (:func:`header_warnings`), a missing required column names the close header it probably is
  (:func:`missing_column_hints`), and any other unknown name that is not clean (lower-case letters, digits and ``_``:
  "Max_MW", "max-mw", "max_mw#") is a warning too (:func:`unclean_names`).
* **An unknown file is ignored, and named** (:func:`unknown_files`): ``instaled.csv`` is warned about with "did you
  mean installed.csv?". Documentation (``*.md``), case files (``*.toml``), hidden files and the files of
  ``NOT_INPUTS`` are not.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from pathlib import Path

from tokensite.dataset.messages import MISSING_COLUMN
from tokensite.errors import Problem

CLOSE_NAME_CUTOFF = 0.75
"""difflib similarity above which an unknown header is taken for a misspelt known column."""
CLOSE_FILE_CUTOFF = 0.6
"""difflib similarity above which an unknown file is taken for a misspelt input file."""
CLEAN = re.compile(r"[a-z][a-z0-9_]*")
"""A clean column name: how every column of the contract is written."""
NOT_INPUTS = {"provenance.csv": "the world builder's count of the dataset's values by basis and source"}
"""Files a dataset folder may hold that are not inputs, and what they are (read by no one, warned about by no one)."""


def close_name(name: str, known: list[str], cutoff: float = CLOSE_NAME_CUTOFF) -> str | None:
    """The known column ``name`` was probably meant to be, if any (case and spacing ignored;
    two letters swapped always count as close)."""
    lowered = {k.lower(): k for k in known}
    key = name.strip().lower().replace(" ", "_")
    swapped = [k for k in lowered if len(k) == len(key) and sorted(k) == sorted(key) and sum(a != b for a, b in zip(k, key)) == 2]
    hit = swapped or difflib.get_close_matches(key, list(lowered), n=1, cutoff=cutoff)
    return lowered[hit[0]] if hit else None


def header_row(file: str, cells: list[str], filled: list[bool]) -> tuple[dict[int, str], list[Problem], list[Problem]]:
    """The header cells of ``file`` (as written; ``filled[j]``: column j holds a value) read as names.

    Returns the columns to read (position -> name, spaces stripped; a nameless or repeated column is left out), the
    errors (a nameless column with values, a repeated name) and the warnings (spaces around a name, a nameless
    empty column)."""
    names: dict[int, str] = {}
    errors: list[Problem] = []
    warnings: list[Problem] = []
    first: dict[str, int] = {}
    for j, cell in enumerate(cells):
        name = cell.strip()
        if not name:
            (errors if filled[j] else warnings).append(
                Problem(file, 1, f"column {j + 1}", "has no name" + (" but holds values" if filled[j] else " and no values, so it is ignored"),
                        repr(cell) if cell else "", "write its name in the header row" if filled[j] else "delete the empty column", kind="nameless"))
        elif name in first:
            errors.append(Problem(file, 1, name, f"names two columns ({first[name] + 1} and {j + 1}), so which one is read is a guess", name,
                                  "keep one column of this name: rename or delete the other", kind="repeated name"))
        else:
            first[name] = j
            names[j] = name
            if cell != name:
                warnings.append(Problem(file, 1, name, "has spaces around it; it is read without them", repr(cell), "remove the spaces",
                                        kind="spaces around the name"))
    return names, errors, warnings


def header_warnings(file: str, header: list[str], known: list[str], required: set[str]) -> list[tuple[Problem, str]]:
    """Unknown headers close to an optional column the file leaves out (probably misspelt, so
    ignored), each with the column it was probably meant to be."""
    out = []
    for h in header:
        if h in known:
            continue
        meant = close_name(h, known)
        if meant is not None and meant not in header and meant not in required:
            out.append((Problem(file, 1, h, f"unknown column, so it is ignored and {meant} takes its default", h, f"did you mean `{meant}`? rename it to {meant}"), meant))
    return out


def missing_column_hints(file: str, header: list[str], known: list[str], problems: list[Problem]) -> list[Problem]:
    """``problems`` with "did you mean" added to ``file``'s missing-column problems where an unknown header is close."""
    unknown = [c for c in header if c not in known]
    out = []
    for p in problems:
        meant = close_name(p.column, unknown, cutoff=0.6) if p.file == file and p.problem == MISSING_COLUMN else None
        out.append(replace(p, value=meant, fix=f"did you mean `{p.column}`? rename it to {p.column}") if meant is not None else p)
    return out


def unclean_names(file: str, header: list[str], known: list[str], named: set[str]) -> list[Problem]:
    """Unknown headers that are not clean names, except those another message already names (``named``)."""
    out = []
    for h in header:
        if h in known or h in named or CLEAN.fullmatch(h):
            continue
        meant = close_name(h, known)
        fix = f"did you mean `{meant}`? rename it to {meant}" if meant else "write it in lower case with _ for spaces, or delete the column"
        out.append(Problem(file, 1, h, f"is not a column of {file} nor a clean name (lower-case letters, digits, _), so it is ignored", h, fix,
                           kind="unknown and not clean"))
    return out


def unknown_files(folder: Path, known: list[str]) -> list[Problem]:
    """Files in a dataset folder the contract does not read, each named, with the input file it may be meant to be."""
    out = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if not path.is_file() or name in known or name in NOT_INPUTS or name.startswith(".") or path.suffix in (".md", ".toml"):
            continue
        meant = difflib.get_close_matches(name.lower(), known, n=1, cutoff=CLOSE_FILE_CUTOFF)
        fix = f"did you mean {meant[0]}? rename it to {meant[0]}" if meant else "the input files are listed in docs/data-format.md; move it out of the folder"
        out.append(Problem(name, None, "-", "is not a file of the input contract, so it is ignored", "", fix, kind="unknown file"))
    return out
