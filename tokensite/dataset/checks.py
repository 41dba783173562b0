"""Cross-file rules of docs/data-format.md: ids that must exist, rows that must be present.

Each check takes the validated frames (indexed by CSV line number; ``None`` for a file
that could not be used) and returns the problems it found. A check whose files are
unusable is skipped: their own problems are already reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import pandas as pd

from tokensite.dataset.contract import references, table_of
from tokensite.dataset.checks_gpu import GPU_RULES
from tokensite.dataset.dataset import parse_jurisdictions
from tokensite.dataset.schemas import TABLES
from tokensite.errors import DatasetError, Problem
from tokensite.units import HOURS_PER_YEAR

if TYPE_CHECKING:
    from tokensite.config import Case
    from tokensite.dataset.dataset import Dataset

Frames = dict[str, pd.DataFrame | None]


class DerivationProblems(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


def _line(frame: pd.DataFrame, mask: pd.Series | None = None) -> Iterable[int]:
    return (int(i) for i in (frame.index if mask is None else frame.index[mask]))


def unknown_ids(frames: Frames, raw_ids: dict[tuple[str, str], set], file: str, column: str, ref_file: str, ref_column: str) -> list[Problem]:
    """Ids in ``file.column`` must appear in ``ref_file.ref_column`` (as written, valid row or not)."""
    df = frames.get(file)
    if df is None or df.empty or (ref_file, ref_column) not in raw_ids:
        return []
    valid = raw_ids[(ref_file, ref_column)]
    bad = ~df[column].isin(valid)
    return [
        Problem(file, line, column, f"unknown {ref_column}", str(df.at[line, column]), f"use an id from {ref_file} or add it there")
        for line in _line(df, bad)
    ]


def duplicates(frames: Frames, file: str, key: list[str]) -> list[Problem]:
    df = frames.get(file)
    if df is None or df.empty:
        return []
    dup = df.duplicated(key, keep="first")
    return [
        Problem(file, line, key[-1], f"duplicate row for ({', '.join(key)})", "/".join("" if pd.isna(df.at[line, k]) else str(df.at[line, k]) for k in key), "keep one row per key")
        for line in _line(df, dup)
    ]


def _needs(*names: str) -> Callable:
    def wrap(fn: Callable[[Frames], list[Problem]]) -> Callable[[Frames], list[Problem]]:
        def run(frames: Frames) -> list[Problem]:
            if any(frames.get(n) is None for n in names):
                return []
            return fn(frames)

        run.__doc__ = fn.__doc__
        run.__name__ = fn.__name__
        run.needs = names  # type: ignore[attr-defined]
        return run

    return wrap


@_needs("timeslices.csv")
def slice_hours(frames: Frames) -> list[Problem]:
    """Slice hours sum to 8760."""
    ts = frames["timeslices.csv"]
    total = float(ts.hours.sum())
    if ts.empty or abs(total - HOURS_PER_YEAR) > 0.5:
        line = int(ts.index[-1]) if not ts.empty else 1
        return [Problem("timeslices.csv", line, "hours", "slice hours must sum to 8760", f"sum {total:g}", "scale the hours so they add up to 8760")]
    return []


@_needs("throughput.csv", "gpus.csv", "layers.csv")
def throughput_complete(frames: Frames) -> list[Problem]:
    """Throughput for every gpu x layer."""
    tp, gpus, layers = frames["throughput.csv"], frames["gpus.csv"], frames["layers.csv"]
    have = set(zip(tp.gpu, tp.layer))
    out = []
    for line, gpu in gpus.gpu.items():
        for layer in layers.layer:
            if (gpu, layer) not in have:
                out.append(Problem("gpus.csv", int(line), "gpu", f"no throughput.csv row for layer {layer}", gpu, f"add '{gpu},{layer},<tokens_per_s_per_gpu>' to throughput.csv"))
    return out


@_needs("power_prices.csv", "regions.csv", "timeslices.csv")
def uncapped_tier(frames: Frames) -> list[Problem]:
    """An uncapped price tier in every site x slice."""
    pp, regions, ts = frames["power_prices.csv"], frames["regions.csv"], frames["timeslices.csv"]
    uncapped = set(zip(pp.site_id[pp.cap_mw.isna()], pp.slice[pp.cap_mw.isna()]))
    out = []
    for line, site in regions.site_id.items():
        missing = [s for s in ts.slice if (site, s) not in uncapped]
        if missing:
            out.append(Problem("regions.csv", int(line), "site_id", f"no uncapped power_prices.csv tier in slice(s) {', '.join(missing)}", site, "add a tier with blank cap_mw for each slice"))
    return out


@_needs("demand.csv", "layers.csv", "metros.csv", "training.csv")
def demand_complete(frames: Frames) -> list[Problem]:
    """Demand rows for every metro-bound layer and year; none for training layers."""
    d, layers, metros, tr = frames["demand.csv"], frames["layers.csv"], frames["metros.csv"], frames["training.csv"]
    out = []
    training_layers = set(tr.layer)
    for line in _line(d, d.layer.isin(training_layers)):
        out.append(Problem("demand.csv", line, "layer", "training demand comes from training.csv, not demand.csv", d.at[line, "layer"], "remove the row or move it to training.csv"))
    years = sorted(set(d.year))
    have = set(zip(d.metro_id, d.layer, d.year))
    for layer in layers.layer[layers.metro_bound]:
        for line, metro in metros.metro_id.items():
            missing = [y for y in years if (metro, layer, y) not in have]
            if missing:
                out.append(Problem("metros.csv", int(line), "metro_id", f"no demand.csv row for layer {layer} in {', '.join(map(str, missing))}", metro, "add the rows (0 tokens_per_s if there is no demand)"))
    return out


@_needs("training.csv", "regions.csv", "layers.csv")
def training_programs(frames: Frames) -> list[Problem]:
    """Training jurisdictions exist, the training layer is not metro-bound, a site can host it."""
    tr, regions, layers = frames["training.csv"], frames["regions.csv"], frames["layers.csv"]
    out = []
    juris = set(regions.jurisdiction)
    if regions.empty:
        return []
    metro_bound = dict(zip(layers.layer, layers.metro_bound))
    for line, row in tr.iterrows():
        allowed = parse_jurisdictions(row.jurisdictions)
        for j in allowed:
            if j not in juris:
                out.append(Problem("training.csv", int(line), "jurisdictions", "unknown jurisdiction", j, f"use one of {', '.join(sorted(juris))}"))
        if row.layer not in metro_bound:
            out.append(Problem("training.csv", int(line), "layer", "unknown layer", row.layer, "use a layer from layers.csv (default training)"))
        elif metro_bound[row.layer]:
            out.append(Problem("training.csv", int(line), "layer", "training layer must not be metro-bound", row.layer, "set metro_bound=false for it in layers.csv"))
        hosts = regions[regions.training_allowed & (regions.jurisdiction.isin(allowed) if allowed else True)]
        if hosts.empty:
            out.append(Problem("training.csv", int(line), "jurisdictions", "no site with training_allowed=true in these jurisdictions", str(row.jurisdictions), "allow training at a site there or widen the list"))
    return out


@_needs("regions.csv")
def bridge_all_or_none(frames: Frames) -> list[Problem]:
    """Bridge power needs capex, price and max MW together."""
    r = frames["regions.csv"]
    cols = ["bridge_capex_usd_per_mw", "bridge_price_usd_per_mwh", "bridge_max_mw"]
    given = r[cols].notna()
    partial = given.any(axis=1) & ~given.all(axis=1)
    out = []
    for line in _line(r, partial):
        for c in cols:
            if pd.isna(r.at[line, c]):
                out.append(Problem("regions.csv", line, c, "is blank while other bridge columns are set", "", "fill in all three bridge columns or none"))
    return out


@_needs("regions.csv", "layers.csv")
def site_layers_exist(frames: Frames) -> list[Problem]:
    """Every layer a site lists in ``layers`` is in layers.csv."""
    r, known = frames["regions.csv"], set(frames["layers.csv"].layer)
    return [Problem("regions.csv", line, "layers", f"unknown layer {l!r}", str(r.at[line, "layers"]), f"use layers from layers.csv ({', '.join(sorted(known))}) separated by ';', or leave it blank for every layer")
            for line in _line(r) for l in parse_jurisdictions(r.at[line, "layers"]) if l not in known]


@_needs("profiles.csv", "timeslices.csv")
def profile_means(frames: Frames) -> list[Problem]:
    """Each layer's profile covers every slice with an hour-weighted mean of 1."""
    pr, ts = frames["profiles.csv"], frames["timeslices.csv"]
    if pr.empty:
        return []
    hours = dict(zip(ts.slice, ts.hours))
    out = []
    for layer, rows in pr.groupby("layer"):
        missing = sorted(set(hours) - set(rows.slice))
        last = int(rows.index[-1])
        if missing:
            out.append(Problem("profiles.csv", last, "slice", f"layer {layer} has no multiplier for slice(s) {', '.join(missing)}", layer, "add one row per slice"))
            continue
        rows = rows[rows.slice.isin(hours)].drop_duplicates(["slice"])
        mean = float((rows.multiplier * rows.slice.map(hours)).sum() / HOURS_PER_YEAR)
        if abs(mean - 1.0) > 1e-3:
            out.append(Problem("profiles.csv", last, "multiplier", f"hour-weighted mean of layer {layer} is {mean:.4f}, not 1", layer, "divide the multipliers by their weighted mean"))
    return out


@_needs("elasticity.csv", "training.csv")
def elastic_layers(frames: Frames) -> list[Problem]:
    """Price-elastic demand is for layers with demand.csv rows, not training layers (programs are fixed)."""
    el, tr = frames["elasticity.csv"], frames["training.csv"]
    training = set(tr.layer)
    return [Problem("elasticity.csv", line, "layer", "a training layer's demand comes from training.csv and cannot respond to price", el.at[line, "layer"],
                    "remove the row; elasticity applies to layers with demand.csv rows")
            for line in _line(el, el.layer.isin(training))]


def id_rules() -> list[tuple[str, str, str, str]]:
    """(file, column, referenced file, referenced column) of every foreign key, from the fields' ``references``."""
    return references(TABLES)


def __getattr__(name: str) -> object:
    """``ID_RULES`` is made on first use (building schemas imports dask where installed; schemas.py says why)."""
    if name == "ID_RULES":
        return id_rules()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""(file, column, referenced file, referenced column): every field's ``references`` (schemas.py)."""
KEYS = [(table_of(m).file, list(table_of(m).key)) for m in TABLES if table_of(m).key]
"""(file, key columns): every table's composite ``key`` (schemas.py)."""
RULES = [slice_hours, throughput_complete, uncapped_tier, demand_complete, training_programs, bridge_all_or_none, site_layers_exist, profile_means, elastic_layers]
"""The cross-file and cross-row rules; the orders of columns within a row are the schemas' (``row_order``)."""
RULES += [_needs(*needs)(rule) for rule, needs in GPU_RULES]


def cross_file(frames: Frames, raw_ids: dict[tuple[str, str], set], damaged: set[str] | frozenset = frozenset()) -> tuple[list[Problem], list[Problem]]:
    """Run every cross-file rule; return (root problems, follow-on problems).

    ``damaged`` names the files with problems of their own (rows refused or the file unusable).
    A rule that reads a damaged file works on its valid rows only, so what it finds may be
    the echo of those problems ("no uncapped tier" after a refused price row): it is a
    follow-on. An id check against a file that could not be used at all (empty, unreadable)
    is a follow-on too; against a file with some refused rows it is exact (ids are read raw).
    """
    roots: list[Problem] = []
    follow: list[Problem] = []
    for rule in id_rules():
        found = unknown_ids(frames, raw_ids, *rule)
        (follow if frames.get(rule[2]) is None else roots).extend(found)
    for file, key in KEYS:
        roots += duplicates(frames, file, key)
    for rule in RULES:
        found = rule(frames)
        (follow if damaged & set(rule.needs) else roots).extend(found)
    return roots, follow


def demand_rows(ds: "Dataset", layers: Iterable[str] | None = None) -> list[Problem]:
    """The files a layer served from demand.csv needs rows in (``rows_for_demand``), when ``layers`` (default: every
    layer) plan one and the file has none: a training-only study may leave them with their header only."""
    served = [l for l in (ds.layers.layer if layers is None else layers) if l not in set(ds.training.layer)]
    if not served:
        return []
    return [Problem(table_of(m).file, None, "-", f"is empty: it has no data rows, and layer(s) {', '.join(served)} take their demand from demand.csv", "",
                    "add rows (see docs/data-format.md), or plan only training layers: [case] layers = [" + ", ".join(f'"{l}"' for l in sorted(set(ds.training.layer))) + "]")
            for m in TABLES if table_of(m).rows_for_demand and getattr(ds, table_of(m).attr).empty]


def check_case(case: "Case", ds: "Dataset") -> None:
    """A case must name known layers and only years the demand data cover, no installed vintage after its first
    year, and rows in demand.csv and metros.csv if it plans a layer served from demand.csv; raises DatasetError."""
    where = str(case.path or case.name)
    out = demand_rows(ds, [l for l in case.layers or ds.layers.layer if l in set(ds.layers.layer)])
    known = set(ds.layers.layer)
    for layer in case.layers or ():
        if layer not in known:
            out.append(Problem(where, None, "case.layers", "unknown layer", layer, f"use one of {', '.join(sorted(known))}"))
    first = case.years[0]
    for i, v in zip(ds.installed.index, ds.installed.vintage):
        if int(v) > first:
            out.append(Problem("installed.csv", int(i) + 2, "vintage", f"is after the first planning year {first}", str(v),
                               "list only GPUs installed by the start of the plan; purchases in the planning years are the plan's to make"))
    have = set(ds.demand.year)
    missing = [y for y in case.years if y not in have]
    if missing and have:
        out.append(Problem(where, None, "case.years", f"demand.csv has no rows for {', '.join(map(str, missing))}", str(list(case.years)), f"use years within {min(have)}-{max(have)} or add demand rows"))
    if out:
        raise DatasetError(where, out)
