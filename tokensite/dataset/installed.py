"""Warnings on the installed base (installed.csv): GPUs standing today that their site's halls cannot hold.

Installed units draw power and need facility MW like any unit (docs/formulation.md, "Existing halls
and installed base"). A site whose installed units, at nameplate power times its PUE, need more than
its ``existing_facility_mw`` is reported: the plan must build the difference (or retire units) at
once, which usually means the hall size is missing from regions.csv.
"""

from __future__ import annotations

import pandas as pd

from tokensite.errors import Problem
from tokensite.units import KW_PER_MW

Frames = dict[str, pd.DataFrame | None]


def installed_warnings(frames: Frames) -> list[Problem]:
    """One warning per site whose installed units need more facility MW than its existing halls."""
    inst, regions, gpus = frames.get("installed.csv"), frames.get("regions.csv"), frames.get("gpus.csv")
    if inst is None or inst.empty or regions is None or gpus is None:
        return []
    mw_per_unit = {g: n * kw / KW_PER_MW for g, n, kw in zip(gpus.gpu, gpus.gpus_per_unit, gpus.kw_per_gpu)}
    pue = dict(zip(regions.site_id, regions.pue))
    halls = dict(zip(regions.site_id, regions.existing_facility_mw.fillna(0.0)))
    need: dict[str, float] = {}
    last: dict[str, int] = {}
    for line, r, g, u in zip(inst.index, inst.site_id, inst.gpu, inst.units):
        if r in pue and g in mw_per_unit:
            need[r] = need.get(r, 0.0) + float(u) * mw_per_unit[g] * float(pue[r])
            last[r] = int(line)
    return [Problem("installed.csv", last[r], "units", f"site {r}'s installed units need {mw:g} facility MW at nameplate, more than its existing_facility_mw ({halls[r]:g})",
                    f"{mw:g}", "give the site's standing halls in regions.csv existing_facility_mw, or check the units")
            for r, mw in need.items() if mw > halls[r] + 1e-9]
