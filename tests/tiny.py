"""Tiny datasets written through the public CSV format, for tests.

``base()`` is a minimal valid dataset: one metro ``M1``, two US sites (``A`` a metro
site 10 km from M1, ``B`` a campus about 1,500 km away), one interactive layer, one GPU,
two 12-hour slices. Sites have no minimum size (``min_mw`` 0), so a 1 kW plan is allowed. Its
latency.csv makes both paths free (transit 0, RTT estimated), so hand-derived optima need no
distance-based transit term. Tests
copy it, change a few cells, and write it with ``write()``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

BASE_CSV = {
    "regions.csv": """site_id,name,lat,lon,country,jurisdiction,grid_zone,kind,pue,existing_mw,max_mw,site_fixed_usd,facility_capex_usd_per_mw,fixed_om_usd_per_mw_year,earliest_year,carbon_kg_per_mwh,training_allowed,bridge_capex_usd_per_mw,bridge_price_usd_per_mwh,bridge_max_mw,min_mw
A,Site A,40.0,-75.0,US,US,PJM,metro,1.0,100,100,0,0,0,2020,0,false,,,,0
B,Site B,40.0,-93.0,US,US,MISO,campus,1.0,100,100,0,0,0,2020,0,true,,,,0
""",
    "metros.csv": """metro_id,name,lat,lon,country,jurisdiction,utc_offset_h,population_m
M1,Metro 1,40.05,-75.05,US,US,0,1.0
""",
    "layers.csv": """layer,metro_bound,slo_rtt_ms,max_site_share,util_max,power_fraction,value_usd_per_mtok,residency,max_shift
interactive,true,20,1.0,1.0,1.0,1000,none,0
""",
    "gpus.csv": """gpu,first_year,gpus_per_unit,capex_usd_per_gpu,kw_per_gpu,lifetime_years,supply_units_per_year
G1,2020,1,1000,1,5,
""",
    "throughput.csv": """gpu,layer,tokens_per_s_per_gpu
G1,interactive,1000
""",
    "timeslices.csv": """slice,hours,utc_hour_start
day,4380,0
night,4380,12
""",
    "power_prices.csv": """site_id,slice,tier,price_usd_per_mwh,cap_mw
A,day,firm,50,
A,night,firm,50,
B,day,firm,50,
B,night,firm,50,
""",
    "demand.csv": """metro_id,layer,year,tokens_per_s
M1,interactive,2026,1000
""",
    "interconnect_queue.csv": """tranche_id,site_id,mw,request_year,wait_years,cost_usd_per_kw
A-q1,A,10,2020,1,0
""",
    "training.csv": """program_id,start_year,tokens_per_s,min_campus_mw,jurisdictions
""",
    "latency.csv": """site_id,metro_id,rtt_ms,transit_usd_per_mtok
A,M1,,0
B,M1,,0
""",
}


def base() -> dict[str, pd.DataFrame]:
    """The minimal valid dataset as frames of strings (blank cells are empty strings)."""
    return {k: pd.read_csv(io.StringIO(v), dtype=str, keep_default_na=False) for k, v in BASE_CSV.items()}


def write(folder: Path, frames: dict[str, pd.DataFrame]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(folder / name, index=False)
    return folder


def add_row(frame: pd.DataFrame, **values: object) -> pd.DataFrame:
    row = {c: "" for c in frame.columns}
    row.update({k: str(v) for k, v in values.items()})
    return pd.concat([frame, pd.DataFrame([row])], ignore_index=True)


def write_case(folder: Path, data: Path, years: list[int], layers: list[str] | None = None, extra: str = "", rate: float = 0.0) -> Path:
    lay = f"\nlayers = {layers!r}".replace("'", '"') if layers else ""
    text = f'[case]\nname = "t"\ndata = "{data.as_posix()}"\nyears = {years}\ndiscount_rate = {rate}{lay}\n{extra}\n'
    path = folder / "case.toml"
    path.write_text(text)
    return path


MTOK_PER_YEAR = 1000 * 3600 * 8760 / 1e6  # a year of 1,000 tokens/s: 31,536 Mtok


def solve_tiny(tmp_path: Path, frames: dict[str, pd.DataFrame], years=(2026,), layers=None, rate: float = 0.0, skip=(), extra: str = "", **solver):
    """Write the frames and a case, solve to a 1e-9 gap, and insist on an optimal plan."""
    from tokensite import solve

    data = write(tmp_path / "data", frames)
    case = write_case(tmp_path, data, list(years), layers, extra=extra, rate=rate)
    res = solve(case, skip_families=tuple(skip), **{"mip_rel_gap": 1e-9, "time_limit_s": 60, **solver})
    assert res.status == "optimal", res.summary
    return res


def both_sites_in_slo(fr: dict[str, pd.DataFrame]) -> None:
    fr["layers.csv"].loc[0, "slo_rtt_ms"] = "50"


def set_price(fr: dict[str, pd.DataFrame], site: str, usd_per_mwh: float, slice_: str | None = None) -> None:
    p = fr["power_prices.csv"]
    rows = (p.site_id == site) & ((p.slice == slice_) if slice_ else True)
    p.loc[rows, "price_usd_per_mwh"] = str(usd_per_mwh)


def set_site(fr: dict[str, pd.DataFrame], site: str, **values: object) -> None:
    r = fr["regions.csv"]
    for col, v in values.items():
        r.loc[r.site_id == site, col] = str(v)


def add_demand_year(fr: dict[str, pd.DataFrame], year: int, tokens_per_s: float, layer: str = "interactive") -> None:
    fr["demand.csv"] = add_row(fr["demand.csv"], metro_id="M1", layer=layer, year=year, tokens_per_s=tokens_per_s)


def add_batch(fr: dict[str, pd.DataFrame], max_shift: float) -> None:
    """A pooled batch layer (1,000 tokens/s at M1, worth 1,000 USD/Mtok) and free curtailed power by day at A."""
    fr["layers.csv"] = add_row(fr["layers.csv"], layer="batch", metro_bound="false", slo_rtt_ms="", max_site_share=1, util_max=1,
                               power_fraction=1, value_usd_per_mtok=1000, residency="none", max_shift=max_shift)
    fr["throughput.csv"] = add_row(fr["throughput.csv"], gpu="G1", layer="batch", tokens_per_s_per_gpu=1000)
    fr["demand.csv"] = add_row(fr["demand.csv"], metro_id="M1", layer="batch", year=2026, tokens_per_s=1000)
    fr["power_prices.csv"] = add_row(fr["power_prices.csv"], site_id="A", slice="day", tier="curtailed", price_usd_per_mwh=0, cap_mw=10)


def add_training(fr: dict[str, pd.DataFrame], power_fraction: float = 1, min_campus_mw: float = 50) -> None:
    """Program P: 2,000 tokens/s from 2026 on a US campus of at least ``min_campus_mw``; site C (CA)
    is cheaper but not allowed; A does not allow training; B's facility costs 1,000 USD/MW."""
    fr["layers.csv"] = add_row(fr["layers.csv"], layer="training", metro_bound="false", slo_rtt_ms="", max_site_share=1, util_max=1,
                               power_fraction=power_fraction, value_usd_per_mtok=1000, residency="none", max_shift=0)
    fr["throughput.csv"] = add_row(fr["throughput.csv"], gpu="G1", layer="training", tokens_per_s_per_gpu=1000)
    fr["regions.csv"] = add_row(fr["regions.csv"], site_id="C", name="C", lat=45, lon=-73, country="CA", jurisdiction="CA", grid_zone="HQ",
                                kind="campus", pue=1, existing_mw=100, max_mw=100, site_fixed_usd=0, facility_capex_usd_per_mw=0,
                                fixed_om_usd_per_mw_year=0, earliest_year=2020, carbon_kg_per_mwh=0, training_allowed="true", min_mw=0)
    for t in ("day", "night"):
        fr["power_prices.csv"] = add_row(fr["power_prices.csv"], site_id="C", slice=t, tier="firm", price_usd_per_mwh=1)
    set_site(fr, "B", facility_capex_usd_per_mw=1000)
    fr["training.csv"] = pd.DataFrame({"program_id": ["P"], "start_year": ["2026"], "tokens_per_s": ["2000"], "min_campus_mw": [str(min_campus_mw)], "jurisdictions": ["US"]})


def no_grid_today(fr: dict[str, pd.DataFrame], tranche_wait_years: float) -> None:
    """A has no grid today; its one free 10 MW tranche (requested 2025) waits ``tranche_wait_years``."""
    set_site(fr, "A", existing_mw=0)
    set_site(fr, "B", existing_mw=0)
    q = fr["interconnect_queue.csv"]
    q.loc[0, "request_year"] = "2025"
    q.loc[0, "wait_years"] = str(tranche_wait_years)
