"""Cross-row rules of the GPU market files (issue 27), run with the others by
:func:`tokensite.dataset.checks.cross_file` (listed in ``GPU_RULES`` with the files each needs).

Each takes the validated frames (indexed by CSV line number) and returns the problems it found.
"""

from __future__ import annotations

import pandas as pd

from tokensite.errors import Problem

Frames = dict[str, pd.DataFrame | None]


def access_years(frames: Frames) -> list[Problem]:
    """gpu_access.csv: to_year is not before from_year; a multiplier on a banned row means nothing."""
    acc = frames["gpu_access.csv"]
    out = []
    for line, lo, hi, access, k in zip(acc.index, acc.from_year, acc.to_year, acc.access, acc.capex_multiplier):
        if pd.notna(hi) and hi < lo:
            out.append(Problem("gpu_access.csv", int(line), "to_year", f"before from_year {int(lo)}", f"{hi:g}", "use a to_year at or after from_year, or leave it blank (open-ended)"))
        if access == "banned" and pd.notna(k) and k != 1:
            out.append(Problem("gpu_access.csv", int(line), "capex_multiplier", "a banned generation is not bought, so it has no multiplier", f"{k:g}",
                               "leave capex_multiplier blank on a banned row, or write access=licensed"))
    return out


GPU_RULES = [(access_years, ("gpu_access.csv",))]
"""(rule, the files it needs): a rule whose files are unusable is skipped."""
