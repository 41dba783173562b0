"""The reference figures: every file of ``data/reference`` read once, and the lookups that turn
one of their rows into a :class:`Sourced` figure."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .sourced import Sourced


@dataclass(frozen=True)
class Reference:
    """The reference tables the builder uses, as read (keyed where a lookup is by id)."""

    metros: pd.DataFrame  # index metro_id
    power_prices: pd.DataFrame
    tariffs: pd.DataFrame
    carbon: pd.DataFrame  # index region_id
    gpus: pd.DataFrame
    system_power: pd.DataFrame  # index system
    benchmarks: pd.DataFrame
    token_demand: pd.DataFrame
    token_prices: pd.DataFrame
    ai_power: pd.DataFrame
    compute_mix: pd.DataFrame
    latency: pd.DataFrame
    world_sites: pd.DataFrame
    campus_announcements: pd.DataFrame  # index campus
    campus_sites: pd.DataFrame
    queue_rules: pd.DataFrame
    training_programs: pd.DataFrame
    # 2026-12-06 additions (issue 28); each frame has ``ref_id`` = "<file>#<1-based data row>", the
    # source id the builder cites (the row carries the source's name and url)
    token_volumes: pd.DataFrame
    ai_revenue: pd.DataFrame
    export_controls: pd.DataFrame
    gpu_shipments: pd.DataFrame
    installed_base: pd.DataFrame
    build_pace: pd.DataFrame
    site_locations: pd.DataFrame  # index cluster


def row_ids(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``ref_id``: the file name and 1-based data row, e.g. ``token_volumes.csv#6``."""
    return frame.assign(ref_id=[f"{name}#{i + 1}" for i in range(len(frame))])


def ref_row(frame: pd.DataFrame, **match: object) -> pd.Series:
    """The one row of ``frame`` whose columns equal ``match`` (a missing or repeated row is an error)."""
    rows = frame
    for col, val in match.items():
        rows = rows[rows[col] == val]
    assert len(rows) == 1, f"{match}: {len(rows)} rows"
    return rows.iloc[0]


def load_reference(ref_dir: Path) -> Reference:
    def read(name: str, **kw: object) -> pd.DataFrame:
        return pd.read_csv(ref_dir / name, **kw)

    return Reference(
        metros=read("metros.csv").set_index("metro_id"),
        power_prices=read("power_prices.csv"),
        tariffs=read("large_load_tariffs.csv"),
        carbon=read("carbon_intensity.csv").set_index("region_id"),
        gpus=read("gpus.csv"),
        system_power=read("gpu_system_power.csv").set_index("system"),
        benchmarks=read("inference_benchmarks.csv"),
        token_demand=read("token_demand.csv"),
        token_prices=read("token_prices.csv"),
        ai_power=read("ai_power_projections.csv"),
        compute_mix=read("compute_mix.csv"),
        latency=read("latency_calibration.csv"),
        world_sites=read("world_sites.csv", dtype={"price_year": str, "at_metro": str, "vacancy_market": str}),
        campus_announcements=read("campus_announcements.csv").set_index("campus"),
        campus_sites=read("campus_sites.csv", dtype={"price_year": str}),
        queue_rules=read("queue_rules.csv", dtype={"mw": str}),
        training_programs=read("training_programs.csv"),
        **{name: row_ids(f"{name}.csv", read(f"{name}.csv")) for name in
           ("token_volumes", "ai_revenue", "export_controls", "gpu_shipments", "installed_base", "build_pace")},
        site_locations=row_ids("site_locations.csv", read("site_locations.csv")).set_index("cluster"),
    )


def power_price(ref: Reference, region_id: str, sector: str, year: str | int | None = None) -> Sourced:
    """USD/MWh of a power_prices.csv row. A published figure converted from another currency at
    the team's rate (HQ-COMP CAD, Eurostat EUR) is derived."""
    p = ref.power_prices
    rows = p[(p.region_id == region_id) & (p.sector == sector)]
    if year is not None:
        rows = rows[rows.year.astype(str) == str(year)]
    row = rows.iloc[0]
    basis = row.basis
    if basis == "published" and row.unit != "US cents/kWh" and row.unit != "USD/MWh":
        basis = "derived"
    return Sourced(float(str(row.usd_per_mwh_approx).lstrip("~")), basis, row.source)


def tariff(ref: Reference, country: str, tariff_class: str) -> Sourced:
    """USD/MWh of the last large_load_tariffs.csv row of a country whose class starts with
    ``tariff_class``; a conversion at the team's FX rate makes it derived."""
    t = ref.tariffs
    row = t[(t.country_iso2 == country) & t.tariff_class.str.startswith(tariff_class)].iloc[-1]
    basis = row.basis
    if basis == "published" and str(row.fx_basis).startswith("team approx"):
        basis = "derived"
    return Sourced(float(row.usd_per_mwh), basis, row.source)


def carbon(ref: Reference, region_id: str) -> Sourced:
    row = ref.carbon.loc[region_id]
    return Sourced(float(row.gco2_per_kwh), row.basis, row.source)


def gpu_attr(ref: Reference, gpu_id: str, attribute: str) -> Sourced:
    g = ref.gpus
    row = g[(g.gpu_id == gpu_id) & (g.attribute == attribute)].iloc[0]
    return Sourced(float(row.value), row.basis, row.source)


def system_kw_per_gpu(ref: Reference, system: str, midpoint: bool) -> Sourced:
    """kW per accelerator of a gpu_system_power.csv system; with ``midpoint`` and a published
    range (Max-Q to Max-P), the middle of it."""
    r = ref.system_power.loc[system]
    if midpoint and pd.notna(r.kw_per_accelerator_high):
        return Sourced(round((float(r.kw_per_accelerator) + float(r.kw_per_accelerator_high)) / 2, 3), "derived", r.source)
    return Sourced(float(r.kw_per_accelerator), r.basis, r.source)


def benchmark(ref: Reference, system_prefix: str, model: str, scenario: str) -> Sourced:
    """Tokens/s per GPU of the first inference_benchmarks.csv row that matches."""
    b = ref.benchmarks
    r = b[b.system.str.startswith(system_prefix) & b.model.str.startswith(model) & (b.scenario == scenario)].iloc[0]
    return Sourced(float(r.tokens_per_s_per_gpu), r.basis, r.source)


def projection(ref: Reference, region: str, metric: str, year: int, source: str) -> float:
    p = ref.ai_power
    r = p[(p.region == region) & (p.metric == metric) & (p.year == year) & (p.source == source)]
    return float(r.iloc[0].value)
