"""The model's sparse index sets, built once in pandas/Python from the Dataset and Case.

Pyomo never sees an ineligible tuple: no variable exists for a route outside the SLO or
residency rule, a GPU before its first year or where an export rule bans it (gpu_access.csv), a
site before its earliest year, or a tranche that comes online after the horizon.

Letters (docs/formulation.md): R sites, M metros, L layers, G GPU generations, Y years,
T slices, K price tiers, B demand blocks (price-elastic layers), Q tranches, P programs, J pool groups (a market, jurisdiction or
country by the pooled layer's residency, or "*" where it has none), E eligible routes. A tuple set is named by its
letters: ``RGY`` holds the (r, g, y) where a GPU unit can be bought.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tokensite.config import Case
from tokensite.dataset import Dataset
from tokensite.dataset.dataset import site_serves
from tokensite.dataset.residency import groups_by_id
from tokensite.model.params import Params, build_params, planned_layers, planned_programs, pool_group_of

Key = tuple


@dataclass(frozen=True)
class Index:
    Y: tuple[int, ...]
    T: tuple[str, ...]
    L: tuple[str, ...]
    R: tuple[str, ...]
    G: tuple[str, ...]
    M: tuple[str, ...]
    L_METRO: tuple[str, ...]  # served along routes to metros
    L_POOLED: tuple[str, ...]  # not metro-bound and not training, e.g. batch
    L_TRAIN: tuple[str, ...]  # layers some planned program trains on
    P: tuple[str, ...]
    Q: tuple[str, ...]
    RY: tuple[Key, ...]
    RGY: tuple[Key, ...]  # buy[r,g,y]
    FLEET: Mapping[Key, tuple[Key, ...]]  # (r,g,y) -> the buy tuples active in y (none where only installed units are)
    RGLTY: tuple[Key, ...]  # alloc[r,g,l,t,y] on metro-bound and pooled layers
    RGLY_TRAIN: tuple[Key, ...]  # alloc_train[r,g,l,y]
    E: tuple[Key, ...]  # flow[r,m,l,t,y]
    RLTY_POOL: tuple[Key, ...]  # pool[r,l,t,y]
    POOL_GROUP: Mapping[Key, str]  # (r,l) -> j
    MLTY: tuple[Key, ...]  # unserved[m,l,t,y]
    LJTY: tuple[Key, ...]  # unserved_pool[l,j,t,y]
    MLBY: tuple[Key, ...]  # declined[m,l,b,y]: demand blocks of price-elastic metro layer-years
    LJBY: tuple[Key, ...]  # declined_pool[l,j,b,y]: demand blocks of price-elastic pooled layer-years
    RKTY: tuple[Key, ...]  # tier_mw[r,k,t,y]
    R_BRIDGE: tuple[str, ...]  # sites that may build on-site generation
    PR: tuple[Key, ...]  # host[p,r]
    INSTALLED: Mapping[Key, tuple[int, ...]]  # (r,g,y) -> the installed vintages v still alive in y (installed.csv)
    RGVY: tuple[Key, ...]  # retire[r,g,v,y]: installed units of vintage v retired by y

    def previous_year(self, y: int) -> int | None:
        i = self.Y.index(y)
        return self.Y[i - 1] if i else None

    def first_year_from(self, year: int) -> int:
        """The first planning year at or after ``year``."""
        return next(y for y in self.Y if y >= year)


def build_index(ds: Dataset, case: Case, par: Params) -> Index:
    Y = tuple(case.years)
    T = tuple(ds.timeslices.slice)
    layers = planned_layers(ds, case)
    L = tuple(layers.layer)
    programs = planned_programs(ds, case)
    train_layers = set(ds.training.layer)
    L_METRO = tuple(l for l in L if bool(layers.at[l, "metro_bound"]))
    L_POOLED = tuple(l for l in L if not bool(layers.at[l, "metro_bound"]) and l not in train_layers)
    regions = ds.regions
    R = tuple(regions.site_id)
    earliest = dict(zip(regions.site_id, regions.earliest_year))
    site_groups = groups_by_id(regions, "site_id")
    makes = par.mtok_per_s_per_unit
    G = tuple(g for g in ds.gpus.gpu if any(makes.get((g, l), 0) > 0 for l in L))
    first = dict(zip(ds.gpus.gpu, ds.gpus.first_year))
    life = dict(zip(ds.gpus.gpu, ds.gpus.lifetime_years))

    RGY = tuple((r, g, y) for r in R for g in G for y in Y if y >= first[g] and y >= earliest[r] and (r, g, y) not in par.gpu_banned)
    fleet: dict[Key, list[Key]] = {}
    for r, g, y0 in RGY:
        for y in Y:
            if y0 <= y < y0 + life[g]:
                fleet.setdefault((r, g, y), []).append((r, g, y0))

    installed: dict[Key, list[int]] = {}
    for r, g, v in sorted(par.installed_units):
        for y in Y:
            if g in G and y <= v + life[g] - 1:
                fleet.setdefault((r, g, y), [])
                installed.setdefault((r, g, y), []).append(v)
    RGVY = tuple((r, g, v, y) for (r, g, y), vs in installed.items() for v in vs)

    route = ds.routes[ds.routes.layer.isin(L_METRO)]
    served_at = route.groupby("site_id").layer.unique().map(set).to_dict()
    route_metros = {(r, l): list(ms) for (r, l), ms in route.groupby(["site_id", "layer"]).metro_id}
    pool_group = {(r, l): pool_group_of(layers.at[l, "residency"], site_groups, r) for l in L_POOLED for r in R}

    hosts = ds.training_hosts[ds.training_hosts.program_id.isin(programs.program_id)]
    PR = tuple((p, r) for p, r in zip(hosts.program_id, hosts.site_id) if par.max_mw[r] >= par.program_min_campus_mw[p])
    train_layers_at: dict[str, set] = {}
    for p, r in PR:
        train_layers_at.setdefault(r, set()).add(par.program_layer[p])

    serves = site_serves(ds.regions)
    RGLTY, RGLY_TRAIN = [], []
    for r, g, y in fleet:
        served = [l for l in L_METRO if l in served_at.get(r, ()) and makes.get((g, l), 0) > 0]
        served += [l for l in L_POOLED if makes.get((g, l), 0) > 0 and (serves[r] is None or l in serves[r])]
        RGLTY += [(r, g, l, t, y) for l in served for t in T]
        RGLY_TRAIN += [(r, g, l, y) for l in sorted(train_layers_at.get(r, ())) if makes.get((g, l), 0) > 0]
    has_fleet = {(r, y) for (r, g, y) in fleet}
    E = tuple((r, m, l, t, y) for (r, l), ms in route_metros.items() for y in Y if (r, y) in has_fleet for m in ms for t in T)
    pooled = set(L_POOLED)
    RLTY_POOL = tuple(sorted({(r, l, t, y) for (r, g, l, t, y) in RGLTY if l in pooled}))

    demand = par.demand_mtok_per_s
    M = tuple(ds.metros.metro_id)
    MLTY = tuple((m, l, t, y) for m in M for l in L_METRO for y in Y for t in T if demand.get((m, l, y), 0) > 0)
    LJTY = tuple(sorted(k for k, v in par.pool_demand_mtok_per_s.items() if v > 0))
    RKTY = tuple((r, k, t, y) for (r, k, t) in par.price_usd_per_mwh for y in Y)
    blocks = par.demand_blocks
    MLBY = tuple((m, l, b, y) for (m, l, y) in sorted({(m, l, y) for (m, l, _t, y) in MLTY}) if (l, y) in blocks for b in range(len(blocks[(l, y)])))
    LJBY = tuple((l, j, b, y) for (l, j, y) in sorted({(l, j, y) for (l, j, _t, y) in LJTY}) if (l, y) in blocks for b in range(len(blocks[(l, y)])))

    return Index(
        Y=Y, T=T, L=L, R=R, G=G, M=M, L_METRO=L_METRO, L_POOLED=L_POOLED, L_TRAIN=tuple(sorted(set(programs.layer))),
        P=tuple(programs.program_id), Q=tuple(q for q, y in par.tranche_online_year.items() if y <= Y[-1]),
        RY=tuple((r, y) for r in R for y in Y), RGY=RGY, FLEET={k: tuple(v) for k, v in fleet.items()},
        RGLTY=tuple(RGLTY), RGLY_TRAIN=tuple(RGLY_TRAIN), E=E, RLTY_POOL=RLTY_POOL, POOL_GROUP=pool_group,
        MLTY=MLTY, LJTY=LJTY, MLBY=MLBY, LJBY=LJBY, RKTY=RKTY, R_BRIDGE=tuple(par.bridge_max_mw), PR=PR,
        INSTALLED={k: tuple(v) for k, v in installed.items()}, RGVY=RGVY,
    )


def model_data(ds: Dataset, case: Case) -> tuple[Index, Params]:
    """The index sets and typed parameters of a case, without building the Pyomo model."""
    par = build_params(ds, case)
    return build_index(ds, case, par), par
