"""GPU export rules, prices by year and throughput by year (docs/formulation.md, "GPU export rules,
prices and throughput by year"), computed once from gpu_access.csv, gpu_prices.csv and throughput.csv's
``year``; :mod:`tokensite.model.params` stores what they give and the families read it there.

.. math::
    capex_{r,g,y} = n_g · price_{g,y} · scale · mult_{c_r,g,y}
    rate_{g,l,y} = n_g · tps_{g,l,y} · util_l / 10^6

* price_{g,y} is gpu_prices.csv's row of g with the latest ``year`` ≤ y, else gpus.csv's
  ``capex_usd_per_gpu``;
* mult_{c,g,y} is the largest ``capex_multiplier`` of the ``licensed`` rows of gpu_access.csv for
  (g, country c) whose years hold y, else 1; a ``banned`` row whose years hold y removes ``buy[r,g,y]``
  at every site r of country c (a ban wins over a licence for the same year);
* tps_{g,l,y} is throughput.csv's row of (g, l) with the latest ``year`` ≤ y, a blank ``year``
  counting as before every year; a year before a pair's first row takes that first row.

Each mapping holds only the keys whose value differs from the one the model used before these
files existed (``Params.gpu_unit_capex_usd[g]``, ``Params.mtok_per_s_per_unit[(g,l)]``), so without
them every coefficient is the same number as before, term for term.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from tokensite.config import Case
from tokensite.dataset import Dataset
from tokensite.units import tokens_to_mtok

Key = tuple
WORLD = "*"  # gpu_supply.csv's blank market: every site


def latest_at_or_before(rows: Iterable[tuple[float, float]], y: int) -> float | None:
    """The value of the row with the latest year ≤ y among (year, value) pairs (NaN year = before every year); None if none."""
    best = None
    for year, value in rows:
        at = -float("inf") if pd.isna(year) else float(year)
        if at <= y and (best is None or at >= best[0]):
            best = (at, float(value))
    return None if best is None else best[1]


def _holds(from_year: float, to_year: float, y: int) -> bool:
    return from_year <= y and (pd.isna(to_year) or y <= to_year)


def access_by_site_year(ds: Dataset, years: Iterable[int]) -> tuple[frozenset, dict[Key, float]]:
    """(banned (r, g, y), {(r, g, y): licence multiplier > 1}) over the sites and the given years."""
    acc = ds.gpu_access
    banned: set[Key] = set()
    mult: dict[Key, float] = {}
    if acc.empty:
        return frozenset(), mult
    sites_of: dict[str, list[str]] = {}
    for r, c in zip(ds.regions.site_id, ds.regions.country):
        sites_of.setdefault(str(c), []).append(str(r))
    for g, c, lo, hi, access, k in zip(acc.gpu, acc.country, acc.from_year, acc.to_year, acc.access, acc.capex_multiplier):
        for y in years:
            if not _holds(float(lo), hi, y):
                continue
            for r in sites_of.get(str(c), ()):
                if access == "banned":
                    banned.add((r, str(g), int(y)))
                elif float(k) > mult.get((r, str(g), int(y)), 1.0):
                    mult[(r, str(g), int(y))] = float(k)
    return frozenset(banned), {key: v for key, v in mult.items() if key not in banned}


def unit_capex_at(ds: Dataset, case: Case, base_usd: Mapping[str, float], multiplier: Mapping[Key, float]) -> dict[Key, float]:
    """{(r, g, y): USD per unit} where gpu_prices.csv or a licence changes the unit capex from ``base_usd[g]``."""
    gp, n = ds.gpu_prices, dict(zip(ds.gpus.gpu, ds.gpus.gpus_per_unit.astype(int)))
    price = {}
    for g, f in (gp.groupby("gpu") if not gp.empty else ()):
        for y in case.years:
            p = latest_at_or_before(zip(f.year, f.capex_usd_per_gpu), y)
            if p is not None:
                price[(str(g), int(y))] = float(n[g]) * p * case.scale.gpu_capex
    out = {}
    for r in ds.regions.site_id:
        for g in base_usd:
            for y in case.years:
                usd = price.get((g, int(y)), base_usd[g])
                k = multiplier.get((str(r), g, int(y)))
                usd = usd * k if k is not None else usd
                if usd != base_usd[g]:
                    out[(str(r), g, int(y))] = usd
    return out
def throughput_base(tp: pd.DataFrame) -> pd.DataFrame:
    """The throughput row each (gpu, layer) has without a year: its blank-year row, else its earliest."""
    if "year" not in tp.columns or tp.year.isna().all():
        return tp
    return tp.assign(_y=tp.year.fillna(-1)).sort_values("_y").drop_duplicates(["gpu", "layer"]).drop(columns="_y")


def throughput_at(ds: Dataset, case: Case, n: Mapping[str, int], util: Mapping[str, float], base: Mapping[Key, float]) -> dict[Key, float]:
    """{(g, l, y): Mtok/s per unit} where throughput.csv's year rows change the rate from ``base[(g, l)]``."""
    tp = ds.throughput
    if "year" not in tp.columns or tp.year.isna().all():
        return {}
    out = {}
    for (g, l), f in tp[tp.layer.isin(list(util))].groupby(["gpu", "layer"]):
        pairs = list(zip(f.year, f.tokens_per_s_per_gpu))
        for y in case.years:
            tps = latest_at_or_before(pairs, y)
            rate = tokens_to_mtok(float(n[g]) * tps * util[l]) if tps is not None else base[(g, l)]
            if rate != base[(g, l)]:
                out[(g, l, int(y))] = rate
    return out


def world_supply_gpus(supply: pd.DataFrame) -> set[str]:
    """The GPUs with a world row (blank market) in gpu_supply.csv."""
    return set(supply.gpu[supply.market.isna()]) if not supply.empty else set()
