"""Why not here: the binding reason, in words, for every unbuilt site and every (partly)
unserved metro x layer or training program.

Reads only the Results and the Dataset: the eligibility sets and parameters are the
model's own (:func:`tokensite.model.index.model_data` on the case in the summary), so a
results folder can be explained again without the solve. Reasons, in order of precedence:

sites      lead_time > no_power > min_campus > no_demand > cost
demand     no_site_in_slo > residency > no_site_by_year > reliability > capacity > cost_above_value
training   no_host_by_year > min_campus > cost_above_value
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from tokensite.config import case_from_summary
from tokensite.dataset import Dataset
from tokensite.model.index import Index, model_data
from tokensite.model.params import Params
from tokensite.results.results import Results

COLUMNS = ["kind", "site_id", "metro_id", "layer", "year", "reason", "detail"]
EPS = 1e-6


@dataclass(frozen=True)
class Context:
    ds: Dataset
    ix: Index
    par: Params
    frames: dict
    powered_from: dict[str, float]  # site -> first year it has grid, tranche or bridge power
    earliest_year: dict[str, int]

    def usable_by(self, site: str, year: int) -> bool:
        """GPUs can be installed with power at ``site`` by ``year``."""
        return self.earliest_year[site] <= year and self.powered_from[site] <= year


def _powered_from(ds: Dataset, ix: Index, par: Params) -> dict[str, float]:
    first_tranche = ds.queue.groupby("site_id").online_year.min().to_dict()
    bridge = set(ix.R_BRIDGE)
    return {r: -math.inf if par.existing_mw[r] > 0 or r in bridge else float(first_tranche.get(r, math.inf)) for r in ix.R}


def explain_sites(c: Context) -> list[dict]:
    ds, ix, par = c.ds, c.ix, c.par
    sites = c.frames["sites"]
    built = set(sites[(sites.facility_mw > EPS) | (sites.gpus_active > 0)].site_id)
    regions = ds.regions.set_index("site_id", drop=False)
    last = ix.Y[-1]
    routed = set(ds.routes[ds.routes.layer.isin(ix.L_METRO)].site_id)
    needs: dict[str, float] = {}  # site -> smallest campus any program it may host needs
    allowed = ds.training_hosts[ds.training_hosts.program_id.isin(ix.P)]
    for p, r in zip(allowed.program_id, allowed.site_id):
        needs[r] = min(needs.get(r, math.inf), par.program_min_campus_mw[p])
    chosen = regions[regions.site_id.isin(built)]
    firm = ds.power_prices[ds.power_prices.cap_mw.isna()].groupby("site_id").price_usd_per_mwh.min()
    rows = []
    for r in ix.R:
        if r in built:
            continue
        row = regions.loc[r]
        if int(row.earliest_year) > last:
            reason, detail = "lead_time", f"earliest year {int(row.earliest_year)} is after the horizon ({last})"
        elif c.powered_from[r] > last:
            q = ds.queue[ds.queue.site_id == r]
            when = f"its first tranche comes online in {int(q.online_year.min())}" if not q.empty else "it has no queue tranche"
            reason, detail = "no_power", f"no grid or bridge power by {last}: {row.existing_mw:g} MW today and {when}"
        elif r in needs and par.max_mw[r] < needs[r] and r not in routed and not ix.L_POOLED:
            reason, detail = "min_campus", f"max {row.max_mw:g} MW is below the {needs[r]:g} MW the smallest training program it may host needs"
        elif r not in routed and not ix.L_POOLED and r not in needs:
            reason, detail = "no_demand", "no metro within the SLO of a planned layer, no pooled layer and no training program it may host"
        else:
            med_price = float(firm.reindex(chosen.site_id).median()) if not chosen.empty else float("nan")
            med_fac = float(chosen.facility_capex_usd_per_mw.median()) if not chosen.empty else float("nan")
            first = next((y for y in ix.Y if c.usable_by(r, y)), last)
            reason = "cost"
            detail = (f"not chosen on cost: first usable {first}; the chosen sites cover the demand it could reach more cheaply "
                      f"(here firm power {firm.get(r, float('nan')):.0f} USD/MWh, facility {row.facility_capex_usd_per_mw / 1e6:.1f} M USD/MW; "
                      f"chosen medians {med_price:.0f} USD/MWh, {med_fac / 1e6:.1f} M USD/MW)")
        rows.append(dict(kind="site", site_id=r, metro_id="", layer="", year=last, reason=reason, detail=detail))
    return rows


def _pool_sites(ix: Index) -> dict[tuple, list[str]]:
    out: dict[tuple, set] = {}
    for r, l, _t, y in ix.RLTY_POOL:
        out.setdefault((l, y), set()).add(r)
    return {k: sorted(v) for k, v in out.items()}


def _at_limit(c: Context, sites: pd.DataFrame, r: str, y: int) -> bool:
    s = sites.loc[(r, y)]
    spare_bridge = c.par.bridge_max_mw[r] - s.bridge_mw if r in c.par.bridge_max_mw else 0
    cap = min(c.par.max_mw[r], s.grid_mw + s.bridge_mw + spare_bridge)
    return s.peak_draw_mw >= cap - 1e-3 * max(cap, 1)


def explain_demand(c: Context) -> list[dict]:
    ds, ix, par, frames = c.ds, c.ix, c.par, c.frames
    served = frames["served"]
    short = served[served.unserved_tokens_per_s > EPS * served.demand_tokens_per_s.clip(lower=1.0)]
    sites = frames["sites"].set_index(["site_id", "year"])
    prices = frames["prices"]
    token_price = prices[prices.kind == "token"].set_index(["metro_id", "layer", "year"]).value.to_dict()
    metro_j = dict(zip(ds.metros.metro_id, ds.metros.jurisdiction))
    slo_of = dict(zip(ds.layers.layer, ds.layers.slo_rtt_ms))
    route = ds.routes[ds.routes.layer.isin(ix.L_METRO)]
    pool_sites = _pool_sites(ix)
    rows = []
    for row in short.itertuples():
        mm, l, y = row.metro_id, row.layer, int(row.year)
        share = 100 * row.unserved_tokens_per_s / max(row.demand_tokens_per_s, EPS)
        base = dict(kind="demand", site_id="", metro_id=mm, layer=l, year=y)
        if l in ix.L_METRO:
            slo = slo_of[l]
            rtt = ds.rtt[ds.rtt.metro_id == mm]
            within = rtt if pd.isna(slo) else rtt[rtt.rtt_ms <= slo]
            eligible = list(route[(route.metro_id == mm) & (route.layer == l)].site_id)
            if within.empty:
                near = rtt.loc[rtt.rtt_ms.idxmin()]
                rows.append({**base, "reason": "no_site_in_slo", "detail": f"no site within the {slo:g} ms SLO (nearest: {near.site_id} at {near.rtt_ms:.0f} ms); {share:.0f}% unserved"})
                continue
            if not eligible:
                rows.append({**base, "reason": "residency", "detail": f"the sites within the SLO are all outside jurisdiction {metro_j[mm]}; {share:.0f}% unserved"})
                continue
        else:
            eligible = pool_sites.get((l, y), [])
        usable = [r for r in eligible if c.usable_by(r, y)]
        if not usable:
            rows.append({**base, "reason": "no_site_by_year", "detail": f"none of the {len(eligible)} eligible sites can take GPUs with power by {y} (lead time or queue); {share:.0f}% unserved"})
            continue
        sh = par.max_site_share[l]
        if l in ix.L_METRO and sh < 1 and len(usable) * sh < 1 - EPS:
            rows.append({**base, "reason": "reliability", "detail": f"only {len(usable)} usable site(s), each limited to {100 * sh:.0f}% of the metro's load; {share:.0f}% unserved"})
            continue
        if all(_at_limit(c, sites, r, y) for r in usable):
            rows.append({**base, "reason": "capacity", "detail": f"every usable eligible site ({len(usable)}) is at its grid, bridge or size limit in {y}; {share:.0f}% unserved"})
            continue
        mc = token_price.get((mm, l, y))
        mc_txt = f"marginal cost {mc:.3g} USD/Mtok, " if mc is not None else ""
        rows.append({**base, "reason": "cost_above_value", "detail": f"serving costs more than the token is worth ({mc_txt}value {par.value_usd_per_mtok[l]:g} USD/Mtok); {share:.0f}% unserved"})
    return rows


def explain_training(c: Context) -> list[dict]:
    ds, ix, par = c.ds, c.ix, c.par
    tr = c.frames["training"]
    rows = []
    for row in tr[~tr.hosted.astype(bool)].itertuples():
        p = row.program_id
        start = par.program_start_year[p]
        allowed = list(ds.training_hosts[ds.training_hosts.program_id == p].site_id)
        base = dict(kind="training", site_id="", metro_id="", layer=par.program_layer[p], year=start)
        first = ix.first_year_from(start)
        big = [r for r in allowed if par.max_mw[r] >= par.program_min_campus_mw[p]]
        if not [r for r in allowed if c.usable_by(r, first)]:
            rows.append({**base, "reason": "no_host_by_year", "detail": f"none of the {len(allowed)} allowed campuses can take GPUs with power by {first}; program {p} unhosted"})
        elif not big:
            rows.append({**base, "reason": "min_campus", "detail": f"no allowed campus reaches the {par.program_min_campus_mw[p]:g} MW program {p} needs"})
        else:
            rows.append({**base, "reason": "cost_above_value", "detail": f"hosting program {p} costs more than its tokens are worth"})
    return rows


def explain(ds: Dataset, res: Results) -> pd.DataFrame:
    """The why-not-here table of a solved case (empty when the solve found no plan)."""
    if "sites" not in res.frames:
        return pd.DataFrame(columns=COLUMNS)
    ix, par = model_data(ds, case_from_summary(res.summary["case"]))
    earliest = {r: int(y) for r, y in zip(ds.regions.site_id, ds.regions.earliest_year)}
    c = Context(ds, ix, par, dict(res.frames), _powered_from(ds, ix, par), earliest)
    rows = explain_sites(c) + explain_demand(c) + explain_training(c)
    return pd.DataFrame(rows, columns=COLUMNS)
