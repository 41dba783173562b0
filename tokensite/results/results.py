"""The frozen Results object: tidy frames and a summary, no Pyomo inside.

``to_dir`` writes the results folder (docs/data-format.md) all or nothing: everything goes to
a hidden temporary folder beside the target, which replaces the target only when complete.
An existing folder is never touched by a solve that found no plan, by a failed write or by a
process killed part-way: it is swapped for the new one in a single rename (Linux
``renameat2(RENAME_EXCHANGE)``; elsewhere two renames a moment apart).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from tokensite.errors import UserError
from tokensite.results.cash import cash_by_year

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class NoPlanError(UserError):
    """A results folder was asked for a solve that found no plan; nothing was written."""


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically where the system can (Linux renameat2); False if it cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def write_atomically(out: str | Path, fill: Callable[[Path], None]) -> Path:
    """Write a folder all or nothing: ``fill(tmp)`` writes into a hidden temporary folder beside
    ``out``, which then replaces ``out`` in one rename (an older ``out`` is swapped out whole); if
    ``fill`` raises, the temporary folder is removed and ``out`` is left as it was."""
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        fill(tmp)
        if not out.exists():
            tmp.rename(out)
        elif _exchange(tmp, out):
            shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old folder
        else:
            old = out.parent / f".{out.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def no_negative_zero(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every float -0.0 written as 0.0 (adding 0.0 turns -0.0 into 0.0)."""
    floats = frame.select_dtypes(include=[np.floating]).columns
    return frame.assign(**{c: frame[c] + 0.0 for c in floats}) if len(floats) else frame


@dataclass(frozen=True)
class Results:
    summary: dict
    frames: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = object.__getattribute__(self, "frames")
        if name in frames:
            return frames[name]
        raise AttributeError(name)

    @property
    def status(self) -> str:
        return self.summary["status"]

    @property
    def objective_usd(self) -> float | None:
        """What the solve minimised, in USD: the discounted sum of annualised costs (capital as annuities over
        each asset's life, opex) plus the value of the tokens left unserved. Not cash (:meth:`cash_by_year`
        is) and not a cost: the unserved value is demand the plan declines, which no one pays."""
        return self.summary["objective_usd"]

    def cash_by_year(self) -> pd.DataFrame:
        """What the plan pays out, in USD, by calendar year (every year of the horizon, those between planning
        years included): the overnight investment by category (a column per GPU generation, facility, sites,
        interconnection, bridge), its sum, opex and cash = investment + opex (``cash.csv``, docs/formulation.md,
        "Cash and annuities")."""
        return cash_by_year(self.cash, self.summary["case"]["years"])

    @property
    def has_plan(self) -> bool:
        """False when the solve ended without a plan (objective ``None``)."""
        return self.summary.get("objective_usd", 0) is not None

    def to_dir(self, out: str | Path, extras: Callable[["Results", Path], None] | None = None) -> Path:
        """Write atomically: the folder is complete or absent, and an older one is replaced whole.

        ``extras(results, folder)`` may add files (plans, maps, report) before the folder appears.
        Raises :class:`NoPlanError` (and writes nothing) when the solve found no plan. The folder
        gets the mode a plain ``mkdir`` gives (the umask applies).
        """
        if not self.has_plan:
            raise NoPlanError(f"the solve found no plan (status {self.summary.get('status')}); nothing written to {out}")

        def fill(tmp: Path) -> None:
            for name, frame in self.frames.items():
                no_negative_zero(frame).to_csv(tmp / f"{name}.csv", index=False)
            (tmp / "summary.json").write_text(json.dumps(self.summary, indent=2, default=str))
            if extras is not None:
                extras(Results.from_dir(tmp), tmp)

        return write_atomically(out, fill)

    @classmethod
    def from_dir(cls, path: str | Path) -> "Results":
        path = Path(path)
        summary = json.loads((path / "summary.json").read_text())
        frames = {f.stem: pd.read_csv(f, keep_default_na=False, na_values=[""]) for f in sorted(path.glob("*.csv"))}
        return cls(summary=summary, frames=MappingProxyType(frames))
