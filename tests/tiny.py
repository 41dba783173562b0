"""Tiny datasets written through the public CSV format, for tests.

``base()`` is a minimal valid dataset: one metro ``M1``, two US sites (``A`` a metro
site 10 km from M1, ``B`` a campus about 1,500 km away), one interactive layer, one GPU,
two 12-hour slices. Tests copy it, change a few cells, and write it with ``write()``.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

BASE_CSV = {
    "regions.csv": """site_id,name,lat,lon,country,jurisdiction,grid_zone,kind,pue,existing_mw,max_mw,site_fixed_usd,facility_capex_usd_per_mw,fixed_om_usd_per_mw_year,earliest_year,carbon_kg_per_mwh,training_allowed,bridge_capex_usd_per_mw,bridge_price_usd_per_mwh,bridge_max_mw
A,Site A,40.0,-75.0,US,US,PJM,metro,1.0,100,100,0,0,0,2020,0,false,,,
B,Site B,40.0,-93.0,US,US,MISO,campus,1.0,100,100,0,0,0,2020,0,true,,,
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
