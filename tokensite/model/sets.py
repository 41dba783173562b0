"""Index sets and parameters of the model, built sparse from the Dataset and the Case.

Everything here is pandas/Python; Pyomo never sees an ineligible tuple. Internal units:
token rates in **Mtok/s** (million tokens per second) and money in **MUSD**, which keeps
the matrix coefficients near 1; results convert back to tokens/s and USD.

Naming (FORMULATION.md): R sites, M metros, L layers, G gpus, Y years, T slices, K tiers,
Q tranches, P programs, E eligible routes. A tuple set is named by its index letters,
e.g. ``RGY`` holds (r, g, y) where a GPU unit can be bought.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tokensite.config import Case
from tokensite.dataset import Dataset

SECONDS_PER_HOUR = 3600.0
HOURS_PER_YEAR = 8760.0
MUSD = 1e6
MTOK = 1e6


def crf(rate: float, life_years: float) -> float:
    """Capital recovery factor: the annual payment that repays 1 over ``life_years``."""
    if rate == 0:
        return 1.0 / life_years
    return rate / (1 - (1 + rate) ** -life_years)


@dataclass
class Sets:
    Y: list[int]
    T: list[str]
    L: list[str]
    R: list[str]
    G: list[str]
    M: list[str]
    LM: list[str]  # metro-bound layers
    LP: list[str]  # pooled layers (not metro-bound, not training), e.g. batch
    LT: list[str]  # training layers
    year_factor: dict[int, float]  # Σ of discount factors of the calendar years y stands for
    year_weight: dict[int, int]
    hours: dict[str, float]
    RGY: list[tuple]  # buy[r,g,y]
    fleet_of: dict[tuple, list[tuple]]  # (r,g,y) -> buy tuples active in y
    RGLTY: list[tuple]  # alloc[r,g,l,t,y] for served (non-training) layers
    RGLY_train: list[tuple]  # alloc_train[r,g,l,y]
    E: list[tuple]  # flow[r,m,l,t,y]
    POOL: list[tuple]  # pool[r,l,t,y]: pooled-layer tokens at r
    pool_group: dict[tuple, str]  # (r,l) -> pool group id
    MLTY: list[tuple]  # unserved[m,l,t,y]
    GLTY: list[tuple]  # unserved_pool[l,group,t,y]
    RKTY: list[tuple]  # energy[r,k,t,y]
    RY: list[tuple]
    BRIDGE_R: list[str]
    Q: list[str]
    PR: list[tuple]  # host[p,r]
    P: list[str]
    demand: dict[tuple, float]  # (m,l,y) -> Mtok/s
    profile: dict[tuple, float]  # (m,l,t)
    pool_demand: dict[tuple, float]  # (l,group,t,y) -> Mtok/s in slice t
    route: pd.DataFrame
    params: dict = field(default_factory=dict)


def _layers(ds: Dataset, case: Case) -> pd.DataFrame:
    layers = ds.layers if case.layers is None else ds.layers[ds.layers.layer.isin(case.layers)]
    return layers.set_index("layer", drop=False)


def build_sets(ds: Dataset, case: Case) -> Sets:
    Y = list(case.years)
    ylast = Y[-1]
    rate = case.discount_rate
    weight = case.year_weights()
    year_factor = {y: sum((1 + rate) ** -(y + k - Y[0]) for k in range(weight[y])) for y in Y}
    ts = ds.timeslices
    T = list(ts.slice)
    hours = dict(zip(ts.slice, ts.hours.astype(float)))
    layers = _layers(ds, case)
    L = list(layers.layer)
    programs = ds.training[(ds.training.layer.isin(L)) & (ds.training.start_year <= ylast)]
    LT = sorted(set(programs.layer))
    LM = [l for l in L if bool(layers.at[l, "metro_bound"])]
    LP = [l for l in L if not bool(layers.at[l, "metro_bound"]) and l not in set(ds.training.layer)]
    regions = ds.regions.set_index("site_id", drop=False)
    R = list(regions.site_id)
    gpus = ds.gpus.set_index("gpu", drop=False)
    tput = ds.throughput.set_index(["gpu", "layer"]).tokens_per_s_per_gpu.to_dict()
    G = [g for g in gpus.gpu if any(tput.get((g, l), 0) > 0 for l in L)]

    # buy[r,g,y]: from the later of the GPU's first year and the site's earliest year
    RGY = [(r, g, y) for r in R for g in G for y in Y if y >= gpus.at[g, "first_year"] and y >= regions.at[r, "earliest_year"]]
    life = gpus.lifetime_years.to_dict()
    fleet_of: dict[tuple, list[tuple]] = {}
    for r, g, y0 in RGY:
        for y in Y:
            if y0 <= y < y0 + life[g]:
                fleet_of.setdefault((r, g, y), []).append((r, g, y0))

    # routes restricted to the case's metro-bound layers
    route = ds.routes[ds.routes.layer.isin(LM)]
    served_at = route.groupby("site_id").layer.unique().map(set).to_dict()
    route_groups = {(r, l): list(ms) for (r, l), ms in route.groupby(["site_id", "layer"]).metro_id}

    # pooled layers: residency "jurisdiction" pools demand per jurisdiction
    pool_group: dict[tuple, str] = {}
    for l in LP:
        by_j = layers.at[l, "residency"] == "jurisdiction"
        for r in R:
            pool_group[(r, l)] = regions.at[r, "jurisdiction"] if by_j else "*"
    # a host must be able to hold the program's minimum campus
    hosts = ds.training_hosts[ds.training_hosts.program_id.isin(programs.program_id)]
    fits = [float(regions.at[r, "max_mw"]) >= float(programs.set_index("program_id").at[p, "min_campus_mw"]) for p, r in zip(hosts.program_id, hosts.site_id)]
    hosts = hosts[np.array(fits, dtype=bool)]
    train_sites = set(hosts.site_id)
    prog_layer = dict(zip(programs.program_id, programs.layer))
    train_layers_at: dict[str, set] = {}
    for p_id, r in zip(hosts.program_id, hosts.site_id):
        train_layers_at.setdefault(r, set()).add(prog_layer[p_id])

    RGLTY, RGLY_train, POOL = [], [], []
    for (r, g, y), _ in fleet_of.items():
        served = [l for l in LM if l in served_at.get(r, ()) and tput.get((g, l), 0) > 0]
        served += [l for l in LP if tput.get((g, l), 0) > 0]
        RGLTY += [(r, g, l, t, y) for l in served for t in T]
        if r in train_sites:
            RGLY_train += [(r, g, l, y) for l in sorted(train_layers_at[r]) if tput.get((g, l), 0) > 0]
    has_fleet = {(r, y) for (r, g, y) in fleet_of}
    E = [(r, m, l, t, y) for (r, l), ms in route_groups.items() for y in Y if (r, y) in has_fleet for m in ms for t in T]
    POOL = sorted({(r, l, t, y) for (r, g, l, t, y) in RGLTY if l in LP})

    # demand (Mtok/s) and profiles
    scale = case.scale.demand
    d = ds.demand[ds.demand.layer.isin(LM + LP) & ds.demand.year.isin(Y)]
    demand = {(m, l, y): float(v) * scale / MTOK for m, l, y, v in zip(d.metro_id, d.layer, d.year, d.tokens_per_s)}
    mp = ds.metro_profiles[ds.metro_profiles.layer.isin(LM + LP)]
    profile = {(m, l, t): float(v) for m, l, t, v in zip(mp.metro_id, mp.layer, mp.slice, mp.multiplier)}
    M = list(ds.metros.metro_id)
    MLTY = [(m, l, t, y) for m in M for l in LM for y in Y for t in T if demand.get((m, l, y), 0) > 0]
    metro_j = dict(zip(ds.metros.metro_id, ds.metros.jurisdiction))
    pool_demand: dict[tuple, float] = {}
    for (m, l, y), v in demand.items():
        if l not in LP:
            continue
        grp = metro_j[m] if layers.at[l, "residency"] == "jurisdiction" else "*"
        for t in T:
            key = (l, grp, t, y)
            pool_demand[key] = pool_demand.get(key, 0.0) + v * profile.get((m, l, t), 1.0)
    GLTY = sorted(k for k, v in pool_demand.items() if v > 0)

    pp = ds.power_prices[ds.power_prices.slice.isin(T)]
    tiers = list(zip(pp.site_id, pp.tier, pp.slice))
    RY = [(r, y) for r in R for y in Y]
    RKTY = [(r, k, t, y) for (r, k, t) in tiers for y in Y]
    BRIDGE_R = list(regions.site_id[regions.bridge_max_mw.fillna(0) > 0])
    queue = ds.queue[ds.queue.online_year <= ylast]
    P = list(programs.program_id)
    PR = list(zip(hosts.program_id, hosts.site_id))

    return Sets(
        Y=Y, T=T, L=L, R=R, G=G, M=M, LM=LM, LP=LP, LT=LT, year_factor=year_factor, year_weight=weight, hours=hours,
        RGY=RGY, fleet_of=fleet_of, RGLTY=RGLTY, RGLY_train=RGLY_train, E=E, POOL=POOL, pool_group=pool_group,
        MLTY=MLTY, GLTY=GLTY, RKTY=RKTY, RY=RY, BRIDGE_R=BRIDGE_R, Q=list(queue.tranche_id),
        PR=PR, P=P, demand=demand, profile=profile, pool_demand=pool_demand, route=route,
        params=dict(
            regions=regions, gpus=gpus, tput=tput, layers=layers, programs=programs.set_index("program_id", drop=False),
            queue=queue.set_index("tranche_id", drop=False),
            price={(r, k, t): float(p) * case.scale.power_price for r, k, t, p in zip(pp.site_id, pp.tier, pp.slice, pp.price_usd_per_mwh)},
            cap={(r, k, t): (None if np.isnan(c) else float(c)) for r, k, t, c in zip(pp.site_id, pp.tier, pp.slice, pp.cap_mw.astype(float))},
            transit={(r, m, l): float(c) for r, m, l, c in zip(route.site_id, route.metro_id, route.layer, route.transit_usd_per_mtok)},
            policy=ds.policy.set_index("year"),
        ),
    )
