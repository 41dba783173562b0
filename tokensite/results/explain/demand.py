"""Why a metro x layer is (partly) unserved: SLO, residency, year, reliability, build pace or capacity, or cost against value."""

from __future__ import annotations

import math

import pandas as pd

from tokensite.dataset.dataset import site_serves
from tokensite.dataset.residency import groups_by_id
from tokensite.model.index import Index
from tokensite.model.pace import pace_mw_per_year, paced_mw
from tokensite.model.yardstick import (
    delivered_usd_per_mtok,
    route_transit_usd_per_mtok,
    total_usd_per_mtok,
)
from tokensite.results.explain.context import EPS, Context, fmt, largest_term, pct
from tokensite.results.explain.gpus import banned_at, supply_used_up
from tokensite.units import tokens_to_mtok


def _pool_sites(ix: Index) -> dict[tuple, list[str]]:
    """(layer, pool group, year) -> the sites with pool variables there."""
    out: dict[tuple, set] = {}
    for r, l, _t, y in ix.RLTY_POOL:
        out.setdefault((l, ix.POOL_GROUP[(r, l)], y), set()).add(r)
    return {k: sorted(v) for k, v in out.items()}



def _limits(c: Context, site: dict, r: str, y: int, pace: dict[str, float]) -> tuple[float, float]:
    """(the site's size, grid and bridge limit, its build-pace limit) in year y; ``site``: the sites frame's row of (r, y), as a dict."""
    spare_bridge = c.par.bridge_max_mw[r] - site["bridge_mw"] if r in c.par.bridge_max_mw else 0
    cap = min(c.par.max_mw[r], site["grid_mw"] + site["bridge_mw"] + spare_bridge)
    paced = paced_mw(pace[r], c.par.existing_facility_mw.get(r, 0.0), c.ix.Y[0], y) if r in pace else math.inf
    return cap, paced


def _at_limit(site: dict, cap: float) -> bool:
    return site["peak_draw_mw"] >= cap - 1e-3 * max(cap, 1)


def explain_demand(c: Context) -> list[dict]:
    ds, ix, par, frames = c.ds, c.ix, c.par, c.frames
    served = frames["served"]
    short = served[served.unserved_tokens_per_s > EPS * served.demand_tokens_per_s.clip(lower=1.0)]
    sites = frames["sites"].set_index(["site_id", "year"])[["bridge_mw", "grid_mw", "peak_draw_mw", "facility_mw"]].to_dict("index")
    metro_groups = groups_by_id(ds.metros, "metro_id")
    residency = dict(zip(ds.layers.layer, ds.layers.residency))
    serves = site_serves(ds.regions)
    slo_of = dict(zip(ds.layers.layer, ds.layers.slo_rtt_ms))
    route = ds.routes[ds.routes.layer.isin(ix.L_METRO)]
    eligible_of = route.groupby(["metro_id", "layer"]).site_id.agg(list).to_dict()
    rtt_of = dict(tuple(ds.rtt.groupby("metro_id"))) if not short.empty else {}
    pool_sites = _pool_sites(ix)
    pace = pace_mw_per_year(ds)
    rows = []
    for row in short.itertuples():
        mm, l, y = row.metro_id, row.layer, int(row.year)
        share = 100 * row.unserved_tokens_per_s / max(row.demand_tokens_per_s, EPS)
        base = dict(kind="demand", site_id="", metro_id=mm, layer=l, year=y)
        if l in ix.L_METRO:
            slo = slo_of[l]
            rtt = rtt_of.get(mm, ds.rtt.iloc[:0])
            within = rtt if pd.isna(slo) else rtt[rtt.rtt_ms <= slo]
            eligible = eligible_of.get((mm, l), [])
            if within.empty:
                near = rtt.loc[rtt.rtt_ms.idxmin()]
                rows.append({**base, "reason": "no_site_in_slo", "detail": f"no site within the {slo:g} ms SLO (nearest: {near.site_id} at {near.rtt_ms:.0f} ms); {pct(share)} unserved"})
                continue
            if not eligible:
                group = metro_groups[residency[l]][mm]
                rows.append({**base, "reason": "residency", "detail": f"the sites within the SLO are all outside {residency[l]} {group}; {pct(share)} unserved"})
                continue
        else:
            j = mm.removeprefix("pool:")
            eligible = pool_sites.get((l, j, y), [])
            if residency[l] != "none" and not any(ix.POOL_GROUP[(r, l)] == j and (serves[r] is None or l in serves[r]) for r in ix.R):
                rows.append({**base, "reason": "residency", "detail": f"no site in {residency[l]} {j} may serve {l}, and its residency keeps the data there; {pct(share)} unserved"})
                continue
        usable = [r for r in eligible if c.usable_by(r, y)]
        if not usable:
            rows.append({**base, "reason": "no_site_by_year", "detail": f"none of the {len(eligible)} eligible sites can take GPUs with power by {y} (lead time or queue); {pct(share)} unserved"})
            continue
        if (why := banned_at(c, usable, l, y)) is not None:
            rows.append({**base, "reason": "banned", "detail": f"{why}; {pct(share)} unserved"})
            continue
        sh = par.max_site_share[l]
        if l in ix.L_METRO and sh < 1 and len(usable) * sh < 1 - EPS:
            rows.append({**base, "reason": "reliability", "detail": f"only {len(usable)} usable site(s), each limited to {100 * sh:.0f}% of the metro's load; {pct(share)} unserved"})
            continue
        limits = {r: _limits(c, sites[(r, y)], r, y, pace) for r in usable}
        if all(_at_limit(sites[(r, y)], min(limits[r])) for r in usable):
            paced = sorted(r for r, (cap, by_pace) in limits.items() if by_pace < cap)
            if paced:
                rows.append({**base, "reason": "build_pace", "detail": f"every usable eligible site ({len(usable)}) is at its limit in {y}, and {', '.join(paced)} "
                             f"at its build pace (regions.csv max_build_mw_per_year: at most {', '.join(f'{limits[r][1]:g}' for r in paced)} MW by {y}); {pct(share)} unserved"})
            else:
                rows.append({**base, "reason": "capacity", "detail": f"every usable eligible site ({len(usable)}) is at its grid, bridge or size limit in {y}; {pct(share)} unserved"})
            continue
        if (why := supply_used_up(c, usable, l, y)) is not None:
            rows.append({**base, "reason": "supply", "detail": f"{why}; {pct(share)} unserved"})
            continue
        rate = tokens_to_mtok(row.unserved_tokens_per_s)
        open_now = {r for r in usable if (r, y) in sites and sites[(r, y)]["facility_mw"] > EPS}
        costs = [(total_usd_per_mtok(cost), r, cost) for r in usable
                 if (cost := delivered_usd_per_mtok(ix, par, r, l, y, rate, route_transit_usd_per_mtok(par, r, l, [mm]), built=r in open_now)) is not None]
        value = par.value_usd_per_mtok[(l, y)]
        if not costs:
            rows.append({**base, "reason": "cost_above_value", "detail": f"no GPU generation on sale by {y} at an eligible site serves {l}; {pct(share)} unserved"})
            continue
        cheapest, r, cost = min(costs, key=lambda t: t[0])
        term = largest_term(cost)
        where = f"at the cheapest eligible site, {r}{' (built)' if r in open_now else ''}, serving it would cost {fmt(cheapest)} USD/Mtok against a value of {value:g} USD/Mtok"
        if cheapest > value:
            rows.append({**base, "reason": "cost_above_value", "detail": f"{where} (largest term {term}, {fmt(cost[term])} USD/Mtok); {pct(share)} unserved"})
        else:
            rows.append({**base, "reason": "within_gap", "detail": f"{where}: by this yardstick worth serving; the plan is within its gap of the optimum, not at it, and may leave such a sliver; {pct(share)} unserved"})
    return rows
