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

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        value = f" ({self.value})" if self.value != "" else ""
        fix = f" — {self.fix}" if self.fix else ""
        return f"{where}: {self.column}: {self.problem}{value}{fix}"


class DatasetError(UserError):
    """Every problem found in a dataset folder, reported at once."""

    def __init__(self, folder: str, problems: list[Problem]):
        self.folder = folder
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.column, p.problem))
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in dataset {folder}:\n{lines}")


class CaseError(UserError):
    """A case file that cannot be used, with the file and key at fault."""
