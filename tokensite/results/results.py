"""The frozen Results object: tidy frames and a summary, no Pyomo inside.

``to_dir`` writes the results folder of DATA_FORMAT.md all or nothing: everything goes to a
hidden temporary folder beside the target, which is renamed into place only when complete.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pandas as pd



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
        return self.summary["objective_usd"]

    def to_dir(self, out: str | Path, extras: Callable[["Results", Path], None] | None = None) -> Path:
        """Write atomically: the folder is complete or absent (an older one is replaced whole).

        ``extras(results, folder)`` may add files (plans, maps, report) before the folder appears.
        """
        out = Path(out).resolve()
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
        try:
            for name, frame in self.frames.items():
                frame.to_csv(tmp / f"{name}.csv", index=False)
            (tmp / "summary.json").write_text(json.dumps(self.summary, indent=2, default=str))
            if extras is not None:
                extras(Results.from_dir(tmp), tmp)
            old = None
            if out.exists():
                old = out.parent / f".{out.name}.old-{os.getpid()}"
                out.rename(old)
            tmp.rename(out)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return out

    @classmethod
    def from_dir(cls, path: str | Path) -> "Results":
        path = Path(path)
        summary = json.loads((path / "summary.json").read_text())
        frames = {f.stem: pd.read_csv(f, keep_default_na=False, na_values=[""]) for f in sorted(path.glob("*.csv"))}
        return cls(summary=summary, frames=MappingProxyType(frames))
