"""Typed model parameters: every coefficient computed once, its unit in its name.

Built from the Dataset and the Case before the model: the case's ``[scale]`` multipliers and
``[finance]`` lives are applied here and only here. Families, extract, the benchmark peers
and the checks read these mappings; none of them looks up a DataFrame cell or recomputes a
coefficient. Rates are in Mtok/s and money in USD unless the name says MUSD (see
:mod:`tokensite.units`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from tokensite.config import Case
from tokensite.dataset import Dataset
from tokensite.dataset.residency import groups_by_id
from tokensite.model.gpu_rules import access_by_site_year, throughput_at, throughput_base, unit_capex_at, world_supply_gpus
from tokensite.model.periods import demand_by_planning_year, token_value_by_period
from tokensite.units import KW_PER_MW, crf, tokens_to_mtok

Key = tuple


@dataclass(frozen=True)
class Params:
    # time and money
    hours: Mapping[str, float]  # w_t, hours of the year in slice t
    hour_share: Mapping[str, float]  # w_t / Σ w: the weight of slice t in a year row
    year_weight: Mapping[int, int]  # W_y, calendar years planning year y stands for
    discount_factor: Mapping[int, float]  # φ_y = Σ_{k<W_y} (1+rate)^-(y+k-y0)
    calendar_discount: Mapping[int, float]  # d_c = (1+rate)^-(c-y0) for every calendar year c of the horizon (φ_y = Σ_{k<W_y} d_{y+k})
    crf_facility: float
    crf_site: float
    crf_interconnect: float
    crf_bridge: float
    # layers
    value_usd_per_mtok: Mapping[Key, float]  # (l,y): token_values.csv's latest row by year y, else layers.csv
    max_shift: Mapping[str, float]
    max_site_share: Mapping[str, float]
    # GPUs (a unit is gpus_per_unit GPUs bought together)
    gpus_per_unit: Mapping[str, int]
    gpu_unit_capex_usd: Mapping[str, float]
    gpu_crf: Mapping[str, float]
    supply_units_per_year: Mapping[str, float]  # only GPUs with a supply limit and no world row in gpu_supply.csv (model/gpu_supply.py)
    mtok_per_s_per_unit: Mapping[Key, float]  # (g,l): n_g · tps_{g,l} · util_l, fully allocated (blank-year row, else earliest)
    mw_per_unit: Mapping[Key, float]  # (g,l): n_g · kw_g · pf_l / 1000, IT power before PUE
    nameplate_mw_per_unit: Mapping[str, float]  # g: n_g · kw_g / 1000, IT nameplate of a unit
    gpu_banned: frozenset  # (r,g,y) with no buy variable: gpu_access.csv bans g in r's country in y (model/gpu_rules.py)
    gpu_unit_capex_usd_at: Mapping[Key, float]  # (r,g,y) only where a licence or a price by year changes gpu_unit_capex_usd[g]
    mtok_per_s_per_unit_at: Mapping[Key, float]  # (g,l,y) only where throughput.csv's year rows change mtok_per_s_per_unit[(g,l)]
    # sites
    pue: Mapping[str, float]
    max_mw: Mapping[str, float]
    min_mw: Mapping[str, float]  # facility built once open (regions.csv, or the kind's default)
    existing_mw: Mapping[str, float]
    facility_capex_usd_per_mw: Mapping[str, float]
    fixed_om_usd_per_mw_year: Mapping[str, float]
    site_fixed_usd: Mapping[str, float]
    carbon_kg_per_mwh: Mapping[str, float]
    bridge_max_mw: Mapping[str, float]  # only sites with bridge power
    bridge_capex_usd_per_mw: Mapping[str, float]
    bridge_price_usd_per_mwh: Mapping[str, float]
    bridge_carbon_kg_per_mwh: Mapping[str, float]
    price_usd_per_mwh: Mapping[Key, float]  # (r,k,t)
    tier_cap_mw: Mapping[Key, float | None]  # (r,k,t); None = uncapped
    transit_usd_per_mtok: Mapping[Key, float]  # (r,m,l) on eligible routes
    existing_facility_mw: Mapping[str, float]  # only sites with halls standing today (regions.csv existing_facility_mw > 0)
    built_at_start: frozenset[str]  # sites open from the first planning year, with no site development cost (existing halls, installed units)
    installed_units: Mapping[Key, float]  # (r,g,v): GPU units installed in vintage v still alive in the first planning year (installed.csv)
    # demand
    demand_mtok_per_s: Mapping[Key, float]  # D_{m,l,y}
    profile: Mapping[Key, float]  # p_{m,l,t}, hour-weighted mean 1
    pool_demand_mtok_per_s: Mapping[Key, float]  # (l,j,t,y): pooled demand of group j in slice t
    demand_blocks: Mapping[Key, tuple[tuple[float, float], ...]]  # (l,y) -> K blocks (width_k, value_usd_per_mtok_k); only price-elastic layer-years
    elasticity: Mapping[Key, float]  # (l,y) -> ε, only price-elastic layer-years
    reference_price_usd_per_mtok: Mapping[Key, float]  # (l,y) -> P_ref, only price-elastic layer-years
    # queue tranches
    tranche_site: Mapping[str, str]
    tranche_mw: Mapping[str, float]
    tranche_online_year: Mapping[str, int]
    tranche_overnight_usd: Mapping[str, float]
    # training programs
    program_layer: Mapping[str, str]
    program_start_year: Mapping[str, int]
    program_tokens_per_s: Mapping[str, float]
    program_min_campus_mw: Mapping[str, float]
    program_committed: frozenset[str]  # programs that must be hosted (training.csv committed; model/committed.py)
    program_own_value_usd_per_mtok: Mapping[str, float]  # only programs with their own value (training.csv value_usd_per_mtok)
    # policy, only the years where given
    budget_usd_per_year: Mapping[int, float]
    co2_cap_t: Mapping[int, float]
    carbon_price_usd_per_t: Mapping[int, float]
    # coefficients a family computes for itself (tokensite.model.build.Family.params), by family name
    family: Mapping[str, Mapping] = field(default_factory=dict)

    def need_mtok_per_s(self, m: str, l: str, t: str, y: int) -> float:
        """D_{m,l,y} · p_{m,l,t}: metro demand held in slice t."""
        return self.demand_mtok_per_s[(m, l, y)] * self.profile.get((m, l, t), 1.0)

    def unit_capex_usd(self, r: str, g: str, y: int) -> float:
        """USD of a unit of g bought at r in y: its licence and price of the year, else gpus.csv's."""
        return self.gpu_unit_capex_usd_at.get((r, g, y), self.gpu_unit_capex_usd[g])

    def mtok_per_s_per_unit_in(self, g: str, l: str, y: int) -> float:
        """Mtok/s a fully allocated unit of g makes on layer l in year y (throughput.csv's row of the year)."""
        return self.mtok_per_s_per_unit_at.get((g, l, y), self.mtok_per_s_per_unit[(g, l)])

    def program_value_usd_per_mtok(self, p: str, y: int) -> float:
        """USD a trained Mtok of program p is worth in year y: its own value, else its layer's value by year."""
        return self.program_own_value_usd_per_mtok.get(p, self.value_usd_per_mtok[(self.program_layer[p], y)])

    def most_bought(self, l: str, y: int) -> float:
        """Σ_b width_b: the most demand of (l, y) that may be bought, in multiples of D (1 for fixed demand)."""
        blocks = self.demand_blocks.get((l, y))
        return sum(width for width, _v in blocks) if blocks else 1.0


def planned_layers(ds: Dataset, case: Case) -> pd.DataFrame:
    """The case's layers (all of layers.csv when the case names none), indexed by name."""
    layers = ds.layers if case.layers is None else ds.layers[ds.layers.layer.isin(case.layers)]
    return layers.set_index("layer", drop=False)


def planned_programs(ds: Dataset, case: Case) -> pd.DataFrame:
    """Training programs on a planned layer that start within the horizon."""
    tr = ds.training
    return tr[tr.layer.isin(planned_layers(ds, case).layer) & (tr.start_year <= case.years[-1])]


def pool_group_of(residency: str, groups: Mapping[str, Mapping[str, str]], key: str) -> str:
    """The pool group of a site or metro ``key`` on a pooled layer with this residency: its market,
    jurisdiction or country, or the world ("*") under none (``groups``: tokensite.dataset.residency.groups_by_id)."""
    return groups[residency][key]


def _col(frame: pd.DataFrame, key: str, col: str, scale: float = 1.0) -> dict:
    """{key: value · scale} for the rows where ``col`` is given (numpy keys made plain Python)."""
    rows = frame[frame[col].notna()]
    return {k: float(v) * scale for k, v in zip(rows[key].tolist(), rows[col])}


def _year_factor(case: Case) -> dict[int, float]:
    y0, weight = case.years[0], case.year_weights()
    return {y: sum((1 + case.discount_rate) ** -(y + k - y0) for k in range(weight[y])) for y in case.years}


def _calendar_discount(case: Case) -> dict[int, float]:
    """d_c for each calendar year c from the first planning year to the last (results/cash.py discounts cash with it)."""
    y0 = case.years[0]
    return {c: (1 + case.discount_rate) ** -(c - y0) for c in range(y0, case.years[-1] + 1)}


def _demand(ds: Dataset, case: Case, layers: pd.DataFrame) -> tuple[dict, dict, dict]:
    names = set(layers.layer)
    d = demand_by_planning_year(ds.demand[ds.demand.layer.isin(names)], case)
    demand = {(m, l, y): tokens_to_mtok(float(v) * case.scale.demand) for m, l, y, v in zip(d.metro_id, d.layer, d.year, d.tokens_per_s)}
    mp = ds.metro_profiles[ds.metro_profiles.layer.isin(names)]
    profile = {(m, l, t): float(v) for m, l, t, v in zip(mp.metro_id, mp.layer, mp.slice, mp.multiplier)}
    pooled = set(layers.layer[~layers.metro_bound.astype(bool)]) - set(ds.training.layer)
    metro_groups = groups_by_id(ds.metros, "metro_id")
    pool: dict[Key, float] = {}
    for (m, l, y), v in demand.items():
        if l not in pooled:
            continue
        j = pool_group_of(layers.at[l, "residency"], metro_groups, m)
        for t in ds.timeslices.slice:
            pool[(l, j, t, y)] = pool.get((l, j, t, y), 0.0) + v * profile.get((m, l, t), 1.0)
    return demand, profile, pool


def demand_blocks(elasticity: float, reference_price_usd_per_mtok: float, blocks: int, max_multiple: float) -> tuple[tuple[float, float], ...]:
    """K blocks of a constant-elasticity curve Q = Q_ref (P/P_ref)^-ε, as (width, value) pairs.

    .. math::
        q_k = k · max\\_multiple / K,\\qquad width_k = max\\_multiple / K,\\qquad v_k = P_{ref}\\, q_k^{-1/ε}

    Widths are in multiples of the reference quantity; block k is worth the curve's price at its
    upper edge, so at a clearing price P every block with v_k ≥ P is bought and the quantity is
    Q(P) rounded down to a block edge (never more than max_multiple x Q_ref)."""
    width = max_multiple / blocks
    return tuple((width, reference_price_usd_per_mtok * (k * width) ** (-1.0 / elasticity)) for k in range(1, blocks + 1))


def _elastic(ds: Dataset, case: Case, layers: pd.DataFrame) -> tuple[dict, dict, dict]:
    el = ds.elasticity[ds.elasticity.layer.isin(set(layers.layer) - set(ds.training.layer)) & ds.elasticity.year.isin(case.years)]
    keys = list(zip(el.layer, el.year.astype(int)))
    eps = {k: float(v) for k, v in zip(keys, el.elasticity)}
    ref = {k: float(v) for k, v in zip(keys, el.reference_price_usd_per_mtok)}
    blocks = {k: demand_blocks(eps[k], ref[k], int(K), float(mm)) for k, K, mm in zip(keys, el.blocks, el.max_multiple)}
    return blocks, eps, ref


def installed_units(ds: Dataset, case: Case) -> dict[Key, float]:
    """{(site, gpu, vintage): units} of installed.csv with units > 0 still alive in the first planning year
    (vintage + lifetime − 1 ≥ y_0), summed over duplicate rows."""
    life = dict(zip(ds.gpus.gpu, ds.gpus.lifetime_years.astype(int)))
    out: dict[Key, float] = {}
    for r, g, v, u in zip(ds.installed.site_id, ds.installed.gpu, ds.installed.vintage.astype(int), ds.installed.units):
        if float(u) > 0 and int(v) + life[g] - 1 >= case.years[0]:
            out[(str(r), str(g), int(v))] = out.get((str(r), str(g), int(v)), 0.0) + float(u)
    return out


def build_params(ds: Dataset, case: Case) -> Params:
    layers = planned_layers(ds, case)
    gpus, regions, f, rate = ds.gpus, ds.regions, case.finance, case.discount_rate
    n = dict(zip(gpus.gpu, gpus.gpus_per_unit.astype(int)))
    util = dict(zip(layers.layer, layers.util_max.astype(float)))
    pf = dict(zip(layers.layer, layers.power_fraction.astype(float)))
    kw = dict(zip(gpus.gpu, gpus.kw_per_gpu.astype(float)))
    tp = throughput_base(ds.throughput)
    tput = {(g, l): float(v) for g, l, v in zip(tp.gpu, tp.layer, tp.tokens_per_s_per_gpu) if l in util}
    pp = ds.power_prices
    route = ds.routes[ds.routes.layer.isin(layers.layer)]
    queue = ds.queue
    programs = planned_programs(ds, case)
    policy = ds.policy
    bridge = regions[regions.bridge_max_mw.fillna(0) > 0]
    halls = regions[regions.existing_facility_mw > 0]
    installed = installed_units(ds, case)
    demand, profile, pool = _demand(ds, case, layers)
    blocks, eps, ref_price = _elastic(ds, case, layers)
    makes = {(g, l): tokens_to_mtok(float(n[g]) * v * util[l]) for (g, l), v in tput.items()}
    unit_capex = {g: float(n[g]) * float(c) * case.scale.gpu_capex for g, c in zip(gpus.gpu, gpus.capex_usd_per_gpu)}
    banned, licence = access_by_site_year(ds, case.years)
    return Params(
        hours=dict(zip(ds.timeslices.slice, ds.timeslices.hours.astype(float))),
        hour_share=dict(zip(ds.timeslices.slice, ds.timeslices.hours.astype(float) / ds.timeslices.hours.sum())),
        year_weight=case.year_weights(),
        discount_factor=_year_factor(case),
        calendar_discount=_calendar_discount(case),
        crf_facility=crf(rate, f.facility_life_years),
        crf_site=crf(rate, f.site_life_years),
        crf_interconnect=crf(rate, f.interconnect_life_years),
        crf_bridge=crf(rate, f.bridge_life_years),
        value_usd_per_mtok=token_value_by_period(layers, ds.token_values, ds.demand, case),
        max_shift=_col(layers, "layer", "max_shift"),
        max_site_share=_col(layers, "layer", "max_site_share"),
        gpus_per_unit=n,
        gpu_unit_capex_usd=unit_capex,
        gpu_crf={g: crf(rate, float(life)) for g, life in zip(gpus.gpu, gpus.lifetime_years)},
        supply_units_per_year=_col(gpus[~gpus.gpu.isin(world_supply_gpus(ds.gpu_supply))], "gpu", "supply_units_per_year"),
        mtok_per_s_per_unit=makes,
        mtok_per_s_per_unit_at=throughput_at(ds, case, n, util, makes),
        mw_per_unit={(g, l): float(n[g]) * kw[g] * pf[l] / KW_PER_MW for (g, l) in tput},
        nameplate_mw_per_unit={g: float(n[g]) * kw[g] / KW_PER_MW for g in n},
        gpu_banned=banned,
        gpu_unit_capex_usd_at=unit_capex_at(ds, case, unit_capex, licence),
        pue=_col(regions, "site_id", "pue"),
        max_mw=_col(regions, "site_id", "max_mw"),
        min_mw=_col(regions, "site_id", "min_mw"),
        existing_mw=_col(regions, "site_id", "existing_mw"),
        facility_capex_usd_per_mw=_col(regions, "site_id", "facility_capex_usd_per_mw"),
        fixed_om_usd_per_mw_year=_col(regions, "site_id", "fixed_om_usd_per_mw_year"),
        site_fixed_usd=_col(regions, "site_id", "site_fixed_usd"),
        carbon_kg_per_mwh=_col(regions, "site_id", "carbon_kg_per_mwh"),
        bridge_max_mw=_col(bridge, "site_id", "bridge_max_mw"),
        bridge_capex_usd_per_mw=_col(bridge, "site_id", "bridge_capex_usd_per_mw"),
        bridge_price_usd_per_mwh=_col(bridge, "site_id", "bridge_price_usd_per_mwh", case.scale.power_price),
        bridge_carbon_kg_per_mwh=_col(regions, "site_id", "bridge_carbon_kg_per_mwh"),
        price_usd_per_mwh={(r, k, t): float(p) * case.scale.power_price for r, k, t, p in zip(pp.site_id, pp.tier, pp.slice, pp.price_usd_per_mwh)},
        tier_cap_mw={(r, k, t): (None if pd.isna(c) else float(c)) for r, k, t, c in zip(pp.site_id, pp.tier, pp.slice, pp.cap_mw)},
        transit_usd_per_mtok={(r, m, l): float(c) for r, m, l, c in zip(route.site_id, route.metro_id, route.layer, route.transit_usd_per_mtok)},
        existing_facility_mw=_col(halls, "site_id", "existing_facility_mw"),
        built_at_start=frozenset(halls.site_id) | {r for r, _g, _v in installed},
        installed_units=installed,
        demand_mtok_per_s=demand,
        profile=profile,
        pool_demand_mtok_per_s=pool,
        demand_blocks=blocks,
        elasticity=eps,
        reference_price_usd_per_mtok=ref_price,
        tranche_site=dict(zip(queue.tranche_id, queue.site_id)),
        tranche_mw=_col(queue, "tranche_id", "mw"),
        tranche_online_year={q: int(y) for q, y in zip(queue.tranche_id, queue.online_year)},
        tranche_overnight_usd={q: float(mw) * KW_PER_MW * float(c) for q, mw, c in zip(queue.tranche_id, queue.mw, queue.cost_usd_per_kw)},
        program_layer=dict(zip(programs.program_id, programs.layer)),
        program_start_year={p: int(y) for p, y in zip(programs.program_id, programs.start_year)},
        program_tokens_per_s=_col(programs, "program_id", "tokens_per_s"),
        program_min_campus_mw=_col(programs, "program_id", "min_campus_mw"),
        program_committed=frozenset(programs.program_id[programs.committed.astype(bool)] if "committed" in programs else ()),
        program_own_value_usd_per_mtok=_col(programs, "program_id", "value_usd_per_mtok") if "value_usd_per_mtok" in programs else {},
        budget_usd_per_year=_col(policy, "year", "budget_usd"),
        co2_cap_t=_col(policy, "year", "co2_cap_t"),
        carbon_price_usd_per_t=_col(policy, "year", "carbon_price_usd_per_t"),
    )
