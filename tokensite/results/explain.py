"""Why not here: the binding reason, in words, for every unbuilt site and every (partly)
unserved metro x layer or training program.

Derived from the eligibility sets (routes, hosts), the data (lead times, queue dates, caps)
and the solution and duals, in this order of precedence:

sites      lead_time > no_power > min_campus > no_demand > cost
demand     no_site_in_slo > residency > no_site_by_year > reliability > capacity > cost_above_value
training   no_host_by_year > min_campus > cost_above_value
"""

from __future__ import annotations

import pandas as pd

from tokensite.dataset import Dataset
from tokensite.model.sets import Sets

COLUMNS = ["kind", "site_id", "metro_id", "layer", "year", "reason", "detail"]
EPS = 1e-6


def _powered_by(ds: Dataset, S: Sets, site: str, year: int) -> bool:
    r = S.params["regions"].loc[site]
    q = ds.queue[(ds.queue.site_id == site) & (ds.queue.online_year <= year)]
    return float(r.existing_mw) > 0 or not q.empty or site in S.BRIDGE_R


def _usable_by(ds: Dataset, S: Sets, site: str, year: int) -> bool:
    return int(S.params["regions"].at[site, "earliest_year"]) <= year and _powered_by(ds, S, site, year)


def explain_sites(ds: Dataset, S: Sets, frames: dict[str, pd.DataFrame]) -> list[dict]:
    sites = frames["sites"]
    built = set(sites[(sites.facility_mw > EPS) | (sites.gpus_active > 0)].site_id)
    regions = S.params["regions"]
    last = S.Y[-1]
    routed = set(S.route.site_id)
    programs = S.params["programs"]
    needs = {}  # site -> smallest campus any program it may host needs
    allowed = ds.training_hosts[ds.training_hosts.program_id.isin(S.P)]
    for p, r in zip(allowed.program_id, allowed.site_id):
        needs[r] = min(needs.get(r, float("inf")), float(programs.at[p, "min_campus_mw"]))
    chosen = regions[regions.site_id.isin(built)]
    firm = ds.power_prices[ds.power_prices.cap_mw.isna()].groupby("site_id").price_usd_per_mwh.min()
    rows = []
    for r in S.R:
        if r in built:
            continue
        row = regions.loc[r]
        if int(row.earliest_year) > last:
            reason, detail = "lead_time", f"earliest year {int(row.earliest_year)} is after the horizon ({last})"
        elif not _powered_by(ds, S, r, last):
            q = ds.queue[ds.queue.site_id == r]
            when = f"its first tranche comes online in {int(q.online_year.min())}" if not q.empty else "it has no queue tranche"
            reason, detail = "no_power", f"no grid or bridge power by {last}: {row.existing_mw:g} MW today and {when}"
        elif r in needs and float(row.max_mw) < needs[r] and r not in routed and not S.LP:
            reason, detail = "min_campus", f"max {row.max_mw:g} MW is below the {needs[r]:g} MW the smallest training program it may host needs"
        elif r not in routed and not S.LP and r not in needs:
            reason, detail = "no_demand", "no metro within the SLO of a planned layer, no pooled layer and no training program it may host"
        else:
            med_price = float(firm.reindex(chosen.site_id).median()) if not chosen.empty else float("nan")
            med_fac = float(chosen.facility_capex_usd_per_mw.median()) if not chosen.empty else float("nan")
            first = next((y for y in S.Y if _usable_by(ds, S, r, y)), last)
            reason = "cost"
            detail = (f"not chosen on cost: first usable {first}; the chosen sites cover the demand it could reach more cheaply "
                      f"(here firm power {firm.get(r, float('nan')):.0f} USD/MWh, facility {row.facility_capex_usd_per_mw / 1e6:.1f} M USD/MW; "
                      f"chosen medians {med_price:.0f} USD/MWh, {med_fac / 1e6:.1f} M USD/MW)")
        rows.append(dict(kind="site", site_id=r, metro_id="", layer="", year=last, reason=reason, detail=detail))
    return rows


def explain_demand(ds: Dataset, S: Sets, frames: dict[str, pd.DataFrame]) -> list[dict]:
    served = frames["served"]
    short = served[served.unserved_tokens_per_s > EPS * served.demand_tokens_per_s.clip(lower=1.0)]
    layers = S.params["layers"]
    regions = S.params["regions"]
    sites = frames["sites"].set_index(["site_id", "year"])
    prices = frames["prices"]
    token_price = prices[prices.kind == "token"].set_index(["metro_id", "layer", "year"]).value.to_dict()
    metro_j = dict(zip(ds.metros.metro_id, ds.metros.jurisdiction))
    rows = []
    for row in short.itertuples():
        mm, l, y = row.metro_id, row.layer, int(row.year)
        value = float(layers.at[l, "value_usd_per_mtok"])
        share = 100 * row.unserved_tokens_per_s / max(row.demand_tokens_per_s, EPS)
        base = dict(kind="demand", site_id="", metro_id=mm, layer=l, year=y)
        if l in S.LM:
            slo = layers.at[l, "slo_rtt_ms"]
            rtt = ds.rtt[ds.rtt.metro_id == mm]
            within = rtt if pd.isna(slo) else rtt[rtt.rtt_ms <= slo]
            eligible = list(S.route[(S.route.metro_id == mm) & (S.route.layer == l)].site_id)
            if within.empty:
                near = rtt.loc[rtt.rtt_ms.idxmin()]
                rows.append({**base, "reason": "no_site_in_slo", "detail": f"no site within the {slo:g} ms SLO (nearest: {near.site_id} at {near.rtt_ms:.0f} ms); {share:.0f}% unserved"})
                continue
            if not eligible:
                rows.append({**base, "reason": "residency", "detail": f"the sites within the SLO are all outside jurisdiction {metro_j[mm]}; {share:.0f}% unserved"})
                continue
        else:
            eligible = sorted({r for (r, ll, t, yy) in S.POOL if ll == l and yy == y})
        usable = [r for r in eligible if _usable_by(ds, S, r, y)]
        if not usable:
            rows.append({**base, "reason": "no_site_by_year", "detail": f"none of the {len(eligible)} eligible sites can take GPUs with power by {y} (lead time or queue); {share:.0f}% unserved"})
            continue
        sh = float(layers.at[l, "max_site_share"])
        if l in S.LM and sh < 1 and len(usable) * sh < 1 - EPS:
            rows.append({**base, "reason": "reliability", "detail": f"only {len(usable)} usable site(s), each limited to {100 * sh:.0f}% of the metro's load; {share:.0f}% unserved"})
            continue

        def at_limit(r: str) -> bool:
            s = sites.loc[(r, y)]
            cap = min(float(regions.at[r, "max_mw"]), s.grid_mw + s.bridge_mw + (float(regions.at[r, "bridge_max_mw"]) - s.bridge_mw if r in S.BRIDGE_R else 0))
            return s.peak_draw_mw >= cap - 1e-3 * max(cap, 1)

        if all(at_limit(r) for r in usable):
            rows.append({**base, "reason": "capacity", "detail": f"every usable eligible site ({len(usable)}) is at its grid, bridge or size limit in {y}; {share:.0f}% unserved"})
            continue
        mc = token_price.get((mm, l, y))
        mc_txt = f"marginal cost {mc:.3g} USD/Mtok, " if mc is not None else ""
        rows.append({**base, "reason": "cost_above_value", "detail": f"serving costs more than the token is worth ({mc_txt}value {value:g} USD/Mtok); {share:.0f}% unserved"})
    return rows


def explain_training(ds: Dataset, S: Sets, frames: dict[str, pd.DataFrame]) -> list[dict]:
    tr = frames["training"]
    programs, regions = S.params["programs"], S.params["regions"]
    rows = []
    for row in tr[~tr.hosted].itertuples():
        p = row.program_id
        start = int(programs.at[p, "start_year"])
        allowed = list(ds.training_hosts[ds.training_hosts.program_id == p].site_id)
        base = dict(kind="training", site_id="", metro_id="", layer=programs.at[p, "layer"], year=start)
        first = next(y for y in S.Y if y >= start)
        big = [r for r in allowed if float(regions.at[r, "max_mw"]) >= float(programs.at[p, "min_campus_mw"])]
        if not [r for r in allowed if _usable_by(ds, S, r, first)]:
            rows.append({**base, "reason": "no_host_by_year", "detail": f"none of the {len(allowed)} allowed campuses can take GPUs with power by {first}; program {p} unhosted"})
        elif not big:
            rows.append({**base, "reason": "min_campus", "detail": f"no allowed campus reaches the {programs.at[p, 'min_campus_mw']:g} MW program {p} needs"})
        else:
            rows.append({**base, "reason": "cost_above_value", "detail": f"hosting program {p} costs more than its tokens are worth"})
    return rows


def explain(ds: Dataset, S: Sets, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = explain_sites(ds, S, frames) + explain_demand(ds, S, frames) + explain_training(ds, S, frames)
    return pd.DataFrame(rows, columns=COLUMNS)
