"""Benchmark instances written through the public CSV format (DATA_FORMAT.md), fixed seeds.

Size S is the shipped world case. M, L and XL are synthetic continental cases: sites and
metros scattered over a North-America-sized box, so most (site, metro) pairs fall inside the
interactive and agentic SLOs and the route set grows with sites x metros — the shape that
makes continental screening large. Layers, GPUs, time slices and profiles are the world
dataset's; prices, queue tranches, demand and site costs are drawn from ranges seen there.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tokensite.packaged import shipped_dataset

ROOT = Path(__file__).resolve().parents[1]
WORLD = shipped_dataset()


@dataclass(frozen=True)
class Size:
    name: str
    sites: int
    metros: int
    years: tuple[int, ...]
    relax_only: bool = False
    route_k: int = 0  # [solver] route_k: route generation pays from L up (docs/formulation.md, "Route generation")
    solver: tuple[tuple[str, float], ...] = ()  # more [solver] lines of its case


SIZES = {
    "M": Size("M", 60, 50, (2026, 2028, 2030)),
    "L": Size("L", 200, 150, (2026, 2028, 2030), route_k=10),
    # XL's plan (issue 29): 30 min of wall, so 25 of solve after about 3 of build and hand-off. One restricted LP
    # takes about 8 (route generation stops before a second that would not end in half the time); the search and
    # the trim stop at 1.2x its time; re-solves go straight to interior point (warm_share 0): dual simplex from a
    # basis runs without presolve on 4.9 M columns, 3.7 M of them dropped flows, and did not end in its 130 s budget
    "XL": Size("XL", 450, 330, (2026, 2028, 2030), relax_only=True, route_k=10,
               solver=(("time_limit_s", 1500), ("improve_lp_multiple", 1.2), ("warm_share", 0.0))),
}
BOX = (28.0, 48.0, -122.0, -72.0)  # lat min, lat max, lon min, lon max


def _sites(rng: np.random.Generator, n: int) -> pd.DataFrame:
    kind = rng.choice(["campus", "metro", "edge"], size=n, p=[0.25, 0.55, 0.20])
    lat = rng.uniform(BOX[0], BOX[1], n)
    lon = rng.uniform(BOX[2], BOX[3], n)
    campus, edge = kind == "campus", kind == "edge"
    bridge = campus & (rng.random(n) < 0.5)
    return pd.DataFrame({
        "site_id": [f"s{i:04d}" for i in range(n)], "name": [f"site {i}" for i in range(n)],
        "lat": lat.round(4), "lon": lon.round(4), "country": "US",
        "jurisdiction": np.where(lon < -97, "US-W", "US-E"), "grid_zone": np.where(lon < -97, "WEST", "EAST"), "kind": kind,
        "pue": np.where(edge, 1.45, np.where(campus, 1.2, 1.4)).round(2),
        "existing_mw": np.where(campus, 0.0, rng.uniform(2, 30, n)).round(1),
        "max_mw": np.where(campus, rng.uniform(300, 1500, n), np.where(edge, 20.0, rng.uniform(100, 400, n))).round(0),
        "site_fixed_usd": np.where(campus, 5.5e7, np.where(edge, 2e6, 1e7)),
        "facility_capex_usd_per_mw": rng.uniform(8e6, 15e6, n).round(-4),
        "fixed_om_usd_per_mw_year": 3.5e5,
        "earliest_year": np.where(campus, 2027, 2026),
        "carbon_kg_per_mwh": rng.uniform(20, 600, n).round(0),
        "training_allowed": np.where(campus, "true", "false"),
        "bridge_capex_usd_per_mw": np.where(bridge, 1.2e6, np.nan),
        "bridge_price_usd_per_mwh": np.where(bridge, 85.0, np.nan),
        "bridge_max_mw": np.where(bridge, 300.0, np.nan),
    })


def _metros(rng: np.random.Generator, n: int) -> pd.DataFrame:
    lon = rng.uniform(BOX[2], BOX[3], n)
    return pd.DataFrame({
        "metro_id": [f"m{i:04d}" for i in range(n)], "name": [f"metro {i}" for i in range(n)],
        "lat": rng.uniform(BOX[0], BOX[1], n).round(4), "lon": lon.round(4), "country": "US",
        "jurisdiction": np.where(lon < -97, "US-W", "US-E"), "utc_offset_h": np.round(lon / 15.0),
        "population_m": rng.lognormal(0.5, 0.8, n).round(3),
    })


def generate(size: Size, folder: Path, seed: int = 7) -> Path:
    """Write the dataset of ``size`` into ``folder/data`` and a case file ``folder/case.toml``."""
    rng = np.random.default_rng(seed)
    data = folder / "data"
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    for name in ("layers.csv", "gpus.csv", "throughput.csv", "timeslices.csv", "profiles.csv"):
        shutil.copy(WORLD / name, data / name)
    sites, metros = _sites(rng, size.sites), _metros(rng, size.metros)
    sites.to_csv(data / "regions.csv", index=False)
    metros.to_csv(data / "metros.csv", index=False)
    slices = pd.read_csv(WORLD / "timeslices.csv")
    rows = []
    base = rng.uniform(40, 150, len(sites))
    night = rng.random(len(sites)) < 0.3
    curtailed = rng.random(len(sites)) < 0.2
    for i, sid in enumerate(sites.site_id):
        for t in slices.itertuples():
            local = (t.utc_hour_start + 2 + sites.lon.iloc[i] / 15.0) % 24
            rows.append((sid, t.slice, "firm", round(base[i], 2), np.nan))
            if night[i] and (local < 6 or local >= 22):
                rows.append((sid, t.slice, "offpeak", round(base[i] - 20, 2), np.nan))
            if curtailed[i] and 10 <= local < 14:
                rows.append((sid, t.slice, "curtailed", 20.0, 500.0))
    pd.DataFrame(rows, columns=["site_id", "slice", "tier", "price_usd_per_mwh", "cap_mw"]).to_csv(data / "power_prices.csv", index=False)
    world_demand = pd.read_csv(WORLD / "demand.csv")
    totals = world_demand.groupby(["layer", "year"]).tokens_per_s.sum() * 0.3  # a continent's share
    share = metros.population_m / metros.population_m.sum()
    rows = [(m, l, y, round(v * s, 1)) for (l, y), v in totals.items() for m, s in zip(metros.metro_id, share)]
    pd.DataFrame(rows, columns=["metro_id", "layer", "year", "tokens_per_s"]).to_csv(data / "demand.csv", index=False)
    rows = []
    for sid, kind in zip(sites.site_id, sites.kind):
        for k, req in enumerate((2025, 2026)):
            mw = {"campus": 500.0, "metro": 100.0, "edge": 10.0}[kind]
            rows.append((f"{sid}-q{k + 1}", sid, mw, req, float(rng.integers(1, 6)), 150.0))
    pd.DataFrame(rows, columns=["tranche_id", "site_id", "mw", "request_year", "wait_years", "cost_usd_per_kw"]).to_csv(data / "interconnect_queue.csv", index=False)
    pd.DataFrame({"program_id": ["p1", "p2", "p3"], "start_year": [2027, 2028, 2030], "tokens_per_s": [1e8, 2e8, 3e8],
                  "min_campus_mw": [100.0, 200.0, 300.0], "jurisdictions": ["US-E;US-W", "US-E", "US-W"]}).to_csv(data / "training.csv", index=False)
    case = folder / "case.toml"
    solver = {"time_limit_s": 600, "mip_rel_gap": 0.01, "route_k": size.route_k, **dict(size.solver)}
    case.write_text(f'[case]\nname = "bench-{size.name}"\ndata = "data"\nyears = {list(size.years)}\ndiscount_rate = 0.08\n\n'
                    "[solver]\n" + "".join(f"{k} = {v}\n" for k, v in solver.items()))
    return case
