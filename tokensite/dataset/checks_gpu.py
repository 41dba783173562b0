"""Cross-row rules of the GPU market files (issue 27), run with the others by
:func:`tokensite.dataset.checks.cross_file` (listed in ``GPU_RULES`` with the files each needs).

Each takes the validated frames (indexed by CSV line number) and returns the problems it found.
"""

from __future__ import annotations

import pandas as pd

from tokensite.errors import Problem

Frames = dict[str, pd.DataFrame | None]


def access_years(frames: Frames) -> list[Problem]:
    """gpu_access.csv: a multiplier on a banned row means nothing (to_year ≥ from_year is the schema's ``row_order``)."""
    acc = frames["gpu_access.csv"]
    out = []
    for line, access, k in zip(acc.index, acc.access, acc.capex_multiplier):
        if access == "banned" and pd.notna(k) and k != 1:
            out.append(Problem("gpu_access.csv", int(line), "capex_multiplier", "a banned generation is not bought, so it has no multiplier", f"{k:g}",
                               "leave capex_multiplier blank on a banned row, or write access=licensed"))
    return out


def supply_markets(frames: Frames) -> list[Problem]:
    """gpu_supply.csv: a market is one of regions.csv's (its market column, blank = the site's country)."""
    sup, regions = frames["gpu_supply.csv"], frames["regions.csv"]
    markets = set(regions.market.fillna(regions.country)) if "market" in regions else set(regions.country)
    return [Problem("gpu_supply.csv", int(line), "market", "unknown market", str(mk), f"use a market of regions.csv ({', '.join(sorted(markets))}) or leave it blank for the world")
            for line, mk in zip(sup.index, sup.market) if pd.notna(mk) and mk not in markets]


GPU_RULES = [(access_years, ("gpu_access.csv",)), (supply_markets, ("gpu_supply.csv", "regions.csv"))]
"""(rule, the files it needs): a rule whose files are unusable is skipped."""
