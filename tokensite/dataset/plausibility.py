"""Plausibility warnings: values that pass every rule but look like a unit slip or a typo.

A warning never stops a solve (``--strict`` makes it one); it names ``file:line: column`` like
an error. Two kinds (the names of columns and files are :mod:`tokensite.dataset.names`'s):

* **Column medians.** Each numeric column has a plausible range in its own unit, declared on its
  field (``Plausible``, tokensite/dataset/schemas.py; collected in ``PLAUSIBLE``).
  A column whose median of non-zero values is off that range by ``SLIP_FACTOR`` or more is
  reported once: "median 0.09 looks like USD/kWh; this column is USD/MWh".
* **Single cells.** A non-zero cell that differs by ``SLIP_FACTOR`` or more from its peers
  (the median of the other non-zero cells of its group: the same metro and layer for demand,
  the same grid zone for grid carbon; else the whole column) is reported;
  ``rtt_ms`` is compared with the great-circle estimate of its pair instead. A cell with no
  peer is held against the plausible range.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tokensite.dataset.contract import Plausible, plausible_ranges
from tokensite.dataset.geo import estimate_rtt_ms, great_circle_km
from tokensite.dataset.schemas import TABLES
from tokensite.errors import Problem

SLIP_FACTOR = 100.0
"""How far off (x or ÷) a value must be to warn: a 1000x unit slip always is, real spread is not."""




def plausible() -> dict[tuple[str, str], Plausible]:
    """Every column's plausible range, from its field (made on first use; schemas.py says why)."""
    return plausible_ranges(TABLES)


def __getattr__(name: str) -> object:
    if name == "PLAUSIBLE":
        return plausible()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
"""(file, column) -> its plausible range and unit, read from each field's contract (schemas.py)."""
PEER_WORDS = {"great_circle": "the great-circle estimate", "adjacent_years": "the median of its peers", "median": "the median of its peers"}
PEER_KINDS = {"great_circle": "the great-circle estimates", "adjacent_years": "the median of their peers", "median": "the median of their peers"}
"""The same reference for a group of cells (a warning's ``kind``)."""


def off_by(value: float, lo: float, hi: float) -> float:
    """How many times a positive value lies outside [lo, hi] (1 inside)."""
    return lo / value if value < lo else (value / hi if value > hi else 1.0)


def loo_median(values: np.ndarray) -> np.ndarray:
    """For each element, the median of the others (NaN when there are none)."""
    n = len(values)
    if n < 2:
        return np.full(n, np.nan)
    order = np.argsort(values, kind="stable")
    s = values[order]
    k = np.arange(n)
    rest = n - 1

    def nth(j: int) -> np.ndarray:  # j-th smallest of the others, for every left-out rank k
        return s[j + (j >= k)]

    med = (nth((rest - 1) // 2) + nth(rest // 2)) / 2
    out = np.empty(n)
    out[order] = med
    return out


def _hint(p: Plausible, low: bool) -> str:
    looks = p.too_low if low else p.too_high
    return f"looks like {looks}; this column is {p.unit}" if looks else f"check the unit: this column is {p.unit}"


def _adjacent_years(df: pd.DataFrame, col: str) -> pd.Series:
    """Demand grows year on year (up to about 2.5x in the world data), so a demand cell is compared
    with the geometric mean of its non-zero neighbours in year order within its metro and layer:
    a 1000x slip stands out even in the first or last year, where a median of the group would
    be pulled by years of a very different size."""
    values = pd.to_numeric(df[col], errors="coerce")
    ref = pd.Series(np.nan, index=df.index)
    rows = df[values > 0].assign(_year=pd.to_numeric(df.year, errors="coerce")).sort_values("_year")
    for _, g in rows.groupby(["metro_id", "layer"]):
        logs = np.log(values.loc[g.index].to_numpy(dtype=float))
        for i, k in enumerate(g.index):
            near = logs[max(i - 1, 0): i + 2]
            near = np.delete(near, min(i, 1))
            if len(near):
                ref.loc[k] = float(np.exp(near.mean()))
    return ref


def _peer_reference(df: pd.DataFrame, col: str, p: Plausible, frames: dict) -> pd.Series:
    """The value each cell is compared with (``Plausible.peers``): its peers' median, the adjacent
    years for demand, or for a round-trip time the distance estimate of its pair."""
    if p.peers == "adjacent_years" and {"metro_id", "layer", "year"} <= set(df.columns):
        return _adjacent_years(df, col)
    if p.peers == "great_circle":
        regions, metros = frames.get("regions.csv"), frames.get("metros.csv")
        if regions is None or metros is None:
            return pd.Series(np.nan, index=df.index)
        r = regions.drop_duplicates("site_id").set_index("site_id")
        m = metros.drop_duplicates("metro_id").set_index("metro_id")
        pair = df[df.site_id.isin(r.index) & df.metro_id.isin(m.index)]
        km = great_circle_km(r.lat.reindex(pair.site_id).to_numpy(), r.lon.reindex(pair.site_id).to_numpy(),
                             m.lat.reindex(pair.metro_id).to_numpy(), m.lon.reindex(pair.metro_id).to_numpy())
        return pd.Series(estimate_rtt_ms(km), index=pair.index).reindex(df.index)
    values = df[col].astype(float).abs()
    nonzero = values[values > 0]
    ref = pd.Series(np.nan, index=df.index)
    levels = [list(g) for g in p.groups] + ([[]] if p.whole_column else [])
    for keys in levels:
        todo = nonzero[ref.loc[nonzero.index].isna()]
        if todo.empty:
            break
        groups = nonzero.groupby([df.loc[nonzero.index, k] for k in keys]) if keys else [(None, nonzero)]
        for _, g in groups:
            med = pd.Series(loo_median(g.to_numpy()), index=g.index)
            fill = med.index.intersection(todo.index)
            ref.loc[fill] = med.loc[fill]
    return ref


def unit_warnings(frames: dict[str, pd.DataFrame | None]) -> list[Problem]:
    """Column medians off their plausible range, and cells far from their peers (see module doc)."""
    out: list[Problem] = []
    for (file, col), p in plausible().items():
        df = frames.get(file)
        if df is None or df.empty or col not in df:
            continue
        values = pd.to_numeric(df[col], errors="coerce").abs()
        nonzero = values[values > 0]
        if nonzero.empty:
            continue
        median = float(nonzero.median())
        factor = off_by(median, p.lo, p.hi)
        if factor >= SLIP_FACTOR:
            out.append(Problem(file, None, col, f"median {median:.4g} is {factor:,.0f}x outside the plausible {p.lo:g}-{p.hi:g} {p.unit}",
                               f"{median:.4g}", _hint(p, median < p.lo)))
            continue
        ref = _peer_reference(df, col, p, frames)
        for line, v in nonzero.items():
            r = ref.get(line, np.nan)
            if pd.notna(r) and r > 0:
                ratio = max(v / r, r / v)
                if ratio >= SLIP_FACTOR:
                    way = "below" if v < r else "above"
                    out.append(Problem(file, int(line), col, f"is {ratio:,.0f}x {way} {PEER_WORDS[p.peers]}, {r:.4g}", f"{df.at[line, col]}",
                                       _hint(p, v < r), kind=f"{SLIP_FACTOR:,.0f}x or more {way} {PEER_KINDS[p.peers]}"))
            elif pd.isna(r) and off_by(v, p.lo, p.hi) >= SLIP_FACTOR:
                out.append(Problem(file, int(line), col, f"is {off_by(v, p.lo, p.hi):,.0f}x outside the plausible {p.lo:g}-{p.hi:g} {p.unit}",
                                   f"{df.at[line, col]}", _hint(p, v < p.lo), kind=f"{SLIP_FACTOR:,.0f}x or more outside the plausible {p.lo:g}-{p.hi:g} {p.unit}"))
    return out
