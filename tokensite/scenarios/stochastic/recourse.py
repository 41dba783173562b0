"""The here-and-now build of a stochastic plan, whichever method found it, and its tidy table."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from tokensite.model.stages import FIRST_STAGE

Build = dict[str, dict]  # {first-stage variable: {index: value}}
BUILD_INDEX = {"open": ("site_id", "year"), "facility_mw": ("site_id", "year"), "bridge_mw": ("site_id", "year"),
               "buy": ("site_id", "gpu", "year"), "take": ("tranche_id",), "host": ("program_id", "site_id"), "skip": ("program_id",),
               "retire": ("site_id", "gpu", "vintage", "year")}
"""What each first-stage variable's index holds, as columns of ``build.csv``."""
BUILD_COLUMNS = ["variable", "site_id", "gpu", "vintage", "year", "tranche_id", "program_id", "value"]


@dataclass(frozen=True)
class RecourseSolution:
    """The here-and-now build of the recourse problem and how well it was solved (MUSD)."""

    build: Build
    objective: float | None
    bound: float | None
    status: str
    method: str
    seconds: float
    detail: dict


def build_of(keys: list, values: dict[tuple, float]) -> Build:
    """``values`` keyed by (variable, index) regrouped by variable, in the order of ``keys``."""
    out: Build = {}
    for (name, idx) in keys:
        out.setdefault(name, {})[idx] = values[(name, idx)]
    return out


def build_from_values(values: dict[str, dict]) -> Build:
    """The first-stage part of a deterministic plan's values ({variable: {index: value}})."""
    return {name: dict(values.get(name, {})) for name in FIRST_STAGE}


def build_table(build: Build) -> pd.DataFrame:
    """The here-and-now build as a tidy table, nonzero decisions only."""
    rows = []
    for name, values in build.items():
        for idx, v in values.items():
            if abs(v) <= 1e-9:
                continue
            parts = idx if isinstance(idx, tuple) else (idx,)
            rows.append({"variable": name, **dict(zip(BUILD_INDEX[name], parts)), "value": v})
    return pd.DataFrame(rows, columns=BUILD_COLUMNS)
