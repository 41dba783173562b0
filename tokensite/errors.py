"""Errors a user can act on: each names where the problem is and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


class UserError(Exception):
    """A problem with the user's input or request; the CLI prints it without a traceback."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as ``file:line: column``."""

    file: str
    line: int | None
    column: str
    problem: str
    value: str = ""
    fix: str = ""
    kind: str = ""
    """What the problem is, in words shared by every cell that has it (e.g. "100x or more below its peers"): problems
    of one kind in one column are shown as one line with their count and first cells. Blank: the ``problem`` itself."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        value = f" ({self.value})" if self.value != "" else ""
        fix = f" — {self.fix}" if self.fix else ""
        return f"{where}: {self.column}: {self.problem}{value}{fix}"


@dataclass(frozen=True)
class Kind:
    """The problems of one kind in one column of one file, in file order (:func:`by_kind`)."""

    file: str
    column: str
    kind: str
    fix: str
    cells: tuple[Problem, ...]

    def where(self, first: int = 3) -> str:
        """The first few cells as ``line (value)``, and how many more."""
        shown = ", ".join(f"{p.line} ({p.value})" if p.value != "" else str(p.line) for p in self.cells[:first])
        more = len(self.cells) - first
        return f"lines {shown}" + (f" and {more} more" if more > 0 else "")

    def __str__(self) -> str:
        if len(self.cells) == 1:
            return str(self.cells[0])
        fix = f" — {self.fix}" if self.fix else ""
        return f"{self.file}: {self.column}: {len(self.cells)} cells {self.kind}{fix}: {self.where()}"


def by_kind(problems: list[Problem]) -> list[Kind]:
    """Problems grouped by file, column and kind (a problem without a kind is its own), in file order."""
    groups: dict[tuple, list[Problem]] = {}
    for p in by_place(problems):
        groups.setdefault((p.file, p.column, p.kind or (p.problem, p.line, p.value)), []).append(p)
    return [Kind(ps[0].file, ps[0].column, ps[0].kind or ps[0].problem, ps[0].fix, tuple(ps)) for ps in groups.values()]


def by_place(problems: list[Problem]) -> list[Problem]:
    """Problems in file, line, column order."""
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column, p.problem))


class DatasetError(UserError):
    """Every root problem found in a dataset folder, reported at once.

    ``follow_ons`` are problems that a root problem explains (a check that needs rows which
    failed their own file's rules); they are counted, not listed, and return if still real
    once the roots are fixed. ``warnings`` are the plausibility warnings of the same read.
    """

    def __init__(self, folder: str, problems: list[Problem], follow_ons: list[Problem] | None = None,
                 warnings: list[Problem] | None = None):
        self.folder = folder
        self.problems = by_place(problems)
        self.follow_ons = by_place(follow_ons or [])
        self.warnings = by_place(warnings or [])
        lines = "\n".join(f"  {p}" for p in self.problems)
        more = f"\n  (and {len(self.follow_ons)} follow-on problem(s) that these explain)" if self.follow_ons else ""
        super().__init__(f"{len(self.problems)} problem(s) in dataset {folder}:\n{lines}{more}")


class CaseError(UserError):
    """A case file that cannot be used, with the file and key at fault."""


class CommittedProgramError(UserError):
    """Committed training programs that no allowed campus can host, each with its year and binding
    reason (in the words of the why-not-here reasons), found from the data before any solve."""

    def __init__(self, refusals: list[tuple[str, int | None, str, int, str, str]]):
        self.refusals = refusals  # (program, training.csv line, reason, year, detail, fix)
        lines = "\n".join(f"  training.csv:{line}: committed: program {p} cannot be hosted in {y} ({reason}): {detail} — {fix}"
                          for p, line, reason, y, detail, fix in refusals)
        super().__init__(f"{len(refusals)} committed training program(s) cannot be hosted:\n{lines}")
