"""The frozen Dataset: validated frames plus the sparse index sets derived from them.

Derived here, once, and nowhere else:

* ``rtt``: round-trip time for every site x metro pair, measured (latency.csv) or
  estimated from the great-circle distance (:mod:`tokensite.dataset.geo`).
* ``routes``: the eligible set E ⊆ R×M×L of docs/formulation.md — pairs within the layer's
  SLO whose residency rule allows the site (same market, jurisdiction or country as the metro:
  :mod:`tokensite.dataset.residency`), at sites that may serve the layer (regions.csv ``layers``). No model variable exists outside it.
* ``metro_profiles``: each layer's local-time profile shifted to every metro's UTC offset
  and renormalised to an hour-weighted mean of 1.
* ``training_hosts``: the (program, site) pairs a program may run on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tokensite.dataset.contract import fill_defaults, table_of
from tokensite.dataset.geo import continent, estimate_rtt_ms, estimate_transit_usd_per_mtok, great_circle_km
from tokensite.dataset.residency import group_by_id
from tokensite.dataset.schemas import TABLES
from tokensite.errors import Problem
from tokensite.units import DAYS_PER_YEAR, HOURS_PER_DAY


@dataclass(frozen=True)
class Dataset:
    """The validated input tables and what is derived from them.

    Each input file is an attribute named by its schema's ``table`` (tokensite/dataset/schemas.py):
    ``ds.regions``, ``ds.metros``, ``ds.layers``, ``ds.gpus``, ``ds.throughput``, ``ds.timeslices``,
    ``ds.power_prices``, ``ds.demand``, ``ds.queue``, ``ds.training``, ``ds.latency``, ``ds.profiles``,
    ``ds.policy``, ``ds.token_values``, ``ds.on_device``, ``ds.elasticity``, and any file declared
    there later, with no change here. Blank optional cells hold their defaults; ``regions`` adds
    ``continent`` and ``queue`` adds ``online_year``.
    """

    folder: Path
    tables: Mapping[str, pd.DataFrame]
    """Input tables by attribute name (a missing optional file is an empty table)."""
    rtt: pd.DataFrame
    routes: pd.DataFrame
    metro_profiles: pd.DataFrame
    training_hosts: pd.DataFrame
    warnings: tuple[Problem, ...] = ()
    """Plausibility warnings of the read (tokensite.dataset.plausibility, .locations); none are errors."""

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables")  # absent while unpickling: no recursion through __getattr__
        if tables is not None and name in tables:
            return tables[name]
        raise AttributeError(f"{type(self).__name__!r} has no attribute {name!r}")

    def summary(self) -> dict[str, int]:
        return {
            "sites": len(self.regions),
            "continents": int(self.regions.continent.nunique()),
            "metros": len(self.metros),
            "layers": len(self.layers),
            "gpus": len(self.gpus),
            "time slices": len(self.timeslices),
            "price tiers": int(self.power_prices.tier.nunique()),
            "queue tranches": len(self.queue),
            "training programs": len(self.training),
            "measured latency pairs": len(self.latency),
            "eligible routes": len(self.routes),
            "demand years": int(self.demand.year.nunique()),
        }


def _rtt_all_pairs(regions: pd.DataFrame, metros: pd.DataFrame, latency: pd.DataFrame) -> pd.DataFrame:
    pairs = regions[["site_id", "lat", "lon"]].merge(metros[["metro_id", "lat", "lon"]], how="cross", suffixes=("_site", "_metro"))
    km = great_circle_km(pairs.lat_site.to_numpy(), pairs.lon_site.to_numpy(), pairs.lat_metro.to_numpy(), pairs.lon_metro.to_numpy())
    out = pd.DataFrame(
        {
            "site_id": pairs.site_id,
            "metro_id": pairs.metro_id,
            "distance_km": km,
            "rtt_ms": estimate_rtt_ms(km),
            "transit_usd_per_mtok": estimate_transit_usd_per_mtok(km),
            "rtt_measured": False,
        }
    )
    if not latency.empty:
        lat = latency[["site_id", "metro_id", "rtt_ms", "transit_usd_per_mtok"]].rename(columns={"rtt_ms": "m_rtt", "transit_usd_per_mtok": "m_tr"})
        out = out.merge(lat, on=["site_id", "metro_id"], how="left")
        has = out.m_rtt.notna()
        out.loc[has, "rtt_ms"] = out.loc[has, "m_rtt"]
        out.loc[has, "rtt_measured"] = True
        out["transit_usd_per_mtok"] = out.m_tr.fillna(out.transit_usd_per_mtok).astype(float)
        out = out.drop(columns=["m_rtt", "m_tr"])
    return out.reset_index(drop=True)


def _routes(rtt: pd.DataFrame, layers: pd.DataFrame, regions: pd.DataFrame, metros: pd.DataFrame) -> pd.DataFrame:
    """Pairs within the layer's SLO whose site is in the metro's residency group (tokensite.dataset.residency)."""
    parts = []
    for row in layers[layers.metro_bound].itertuples():
        ok = pd.Series(True, index=rtt.index)
        if pd.notna(row.slo_rtt_ms):
            ok &= rtt.rtt_ms <= row.slo_rtt_ms
        if row.residency != "none":
            ok &= rtt.site_id.map(group_by_id(regions, "site_id", row.residency)) == rtt.metro_id.map(group_by_id(metros, "metro_id", row.residency))
        parts.append(rtt.loc[ok, ["site_id", "metro_id", "rtt_ms", "transit_usd_per_mtok"]].assign(layer=row.layer))
    cols = ["site_id", "metro_id", "layer", "rtt_ms", "transit_usd_per_mtok"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def _metro_profiles(metros: pd.DataFrame, layers: pd.DataFrame, ts: pd.DataFrame, profiles: pd.DataFrame) -> pd.DataFrame:
    """p[m,l,t]: the multiplier of the local-time slice holding the UTC slice's midpoint."""
    ts = ts.sort_values("utc_hour_start")
    length_h = (ts.hours / DAYS_PER_YEAR).to_numpy()
    start = ts.utc_hour_start.to_numpy()
    mid_utc = start + length_h / 2
    rows = []
    for layer in layers.layer:
        prof = profiles[profiles.layer == layer]
        mult = dict(zip(prof.slice, prof.multiplier))
        for m in metros.itertuples():
            local = (mid_utc + m.utc_offset_h) % HOURS_PER_DAY
            # local slice: the last slice starting at or before the local hour (wrapping)
            idx = np.searchsorted(start, local, side="right") - 1
            idx[idx < 0] = len(start) - 1
            values = np.array([mult.get(ts.slice.iloc[i], 1.0) for i in idx], dtype=float)
            mean = float((values * ts.hours.to_numpy()).sum() / ts.hours.sum())
            values = values / mean if mean > 0 else np.ones_like(values)
            rows.append(pd.DataFrame({"metro_id": m.metro_id, "layer": layer, "slice": ts.slice.to_numpy(), "multiplier": values}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["metro_id", "layer", "slice", "multiplier"])


def parse_jurisdictions(cell: object) -> list[str]:
    """A semicolon-separated cell (training.csv's ``jurisdictions``, regions.csv's ``layers``); blank = []."""
    return [j.strip() for j in str(cell).split(";") if j.strip()] if pd.notna(cell) else []


def site_serves(regions: pd.DataFrame) -> dict[str, frozenset[str] | None]:
    """{site: the layers it may serve}, None where regions.csv's ``layers`` is blank (every layer)."""
    return {r: (frozenset(parse_jurisdictions(c)) if parse_jurisdictions(c) else None) for r, c in zip(regions.site_id, regions.layers)}


def _serves(regions: pd.DataFrame, frame: pd.DataFrame, layer: pd.Series | str) -> pd.Series:
    """Rows of ``frame`` (by site_id) whose site may serve ``layer``."""
    allowed = site_serves(regions)
    layers = layer if isinstance(layer, pd.Series) else pd.Series(layer, index=frame.index)
    return pd.Series([allowed.get(r) is None or l in allowed[r] for r, l in zip(frame.site_id, layers)], index=frame.index, dtype=bool)


def _training_hosts(training: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for p in training.itertuples():
        allowed = parse_jurisdictions(p.jurisdictions)
        ok = regions.training_allowed & (regions.jurisdiction.isin(allowed) if allowed else True) & _serves(regions, regions, p.layer)
        rows += [(p.program_id, s) for s in regions.site_id[ok]]
    return pd.DataFrame(rows, columns=["program_id", "site_id"])


def derive(folder: Path, frames: dict[str, pd.DataFrame], warnings: tuple[Problem, ...] = ()) -> Dataset:
    """Build the Dataset from validated frames (re-indexed from CSV lines to 0..n-1), each under its
    schema's attribute with its row-dependent defaults filled (tokensite.dataset.contract)."""
    t = {table_of(m).attr: fill_defaults(m, frames[table_of(m).file].reset_index(drop=True)) for m in TABLES}
    t["regions"] = t["regions"].assign(continent=[continent(a, b) for a, b in zip(t["regions"].lat, t["regions"].lon)])
    t["queue"] = t["queue"].assign(online_year=t["queue"].request_year + np.ceil(t["queue"].wait_years).astype(int))
    regions = t["regions"]
    rtt = _rtt_all_pairs(regions, t["metros"], t["latency"])
    routes = _routes(rtt, t["layers"], regions, t["metros"])
    return Dataset(
        folder=Path(folder),
        tables=t,
        rtt=rtt,
        routes=routes[_serves(regions, routes, routes.layer)].reset_index(drop=True),
        metro_profiles=_metro_profiles(t["metros"], t["layers"], t["timeslices"], t["profiles"]),
        training_hosts=_training_hosts(t["training"], regions),
        warnings=warnings,
    )
