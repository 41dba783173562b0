"""Why not here: the binding reason, in words, for every unbuilt site and every (partly)
unserved metro x layer or training program.

Reads only the Results and the Dataset: the eligibility sets and parameters are the
model's own (:func:`tokensite.model.index.model_data` on the case in the summary), so a
results folder can be explained again without the solve. Reasons, in order of precedence:

sites      lead_time > no_power > min_campus > residency > no_demand > cost
demand     no_site_in_slo > residency > no_site_by_year > reliability > capacity > cost_above_value | within_gap
training   no_host_by_year > min_campus > campus_power > cost_above_value | within_gap
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from tokensite.config import case_from_summary
from tokensite.dataset import Dataset
from tokensite.model.index import Index, model_data
from tokensite.model.params import Params
from tokensite.results.delivered import delivered_usd_per_mtok, fmt, largest_term, losing_term, total
from tokensite.results.results import Results
from tokensite.units import tokens_to_mtok

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


def _pct(share: float) -> str:
    """A share in percent, in plain digits: 26%, 8.5%, 0.0074%."""
    return f"{share:.0f}%" if share >= 10 else f"{share:.2g}%" if share >= 1e-3 else "<0.001%"


def _in_slo(ds: Dataset, ix: Index) -> set[str]:
    """Sites within some metro-bound layer's SLO of some metro, residency aside."""
    out: set[str] = set()
    for row in ds.layers[ds.layers.layer.isin(ix.L_METRO)].itertuples():
        ok = ds.rtt if pd.isna(row.slo_rtt_ms) else ds.rtt[ds.rtt.rtt_ms <= row.slo_rtt_ms]
        out |= set(ok.site_id)
    return out


def _reach(c: Context, r: str, y: int) -> dict[str, tuple[float, list[float]]]:
    """Layer -> (demand in Mtok/s site r could serve in year y, transit USD/Mtok of its routes)."""
    ix, par = c.ix, c.par
    out: dict[str, tuple[float, list[float]]] = {}
    routes = c.ds.routes[(c.ds.routes.site_id == r) & c.ds.routes.layer.isin(ix.L_METRO)]
    for m, l in zip(routes.metro_id, routes.layer):
        d, tr = out.get(l, (0.0, []))
        out[l] = (d + par.demand_mtok_per_s.get((m, l, y), 0.0), tr + [par.transit_usd_per_mtok[(r, m, l)]])
    for l in ix.L_POOLED:
        j = ix.POOL_GROUP.get((r, l))
        if j is not None:
            out[l] = (sum(par.hour_share[t] * par.pool_demand_mtok_per_s.get((l, j, t, y), 0.0) for t in ix.T), [])
    return {l: v for l, v in out.items() if v[0] > 0}


def _served_at(c: Context, r: str, l: str, y: int) -> dict[str, float] | None:
    """Delivered cost at a built site r for what it serves of layer l in year y."""
    a = c.frames["allocation"]
    rate = tokens_to_mtok(float(a[(a.site_id == r) & (a.layer == l) & (a.year == y)].tokens_per_s.sum()))
    f = c.frames["flows"]
    transit = [c.par.transit_usd_per_mtok[(r, m, l)] for m in f[(f.site_id == r) & (f.layer == l) & (f.year == y)].metro_id if (r, m, l) in c.par.transit_usd_per_mtok]
    return delivered_usd_per_mtok(c.ix, c.par, r, l, y, rate, transit) if rate > 0 else None


def _cost_detail(c: Context, r: str, built: set[str]) -> str:
    """Why an eligible, powered site stays out: its delivered cost per Mtok against the built
    site that serves the same layer (for a metro-bound layer, to the metros it could reach) most cheaply (or, with none, against the token's value),
    naming the term that loses."""
    ix, par = c.ix, c.par
    y = next((yy for yy in ix.Y if c.usable_by(r, yy)), ix.Y[-1])
    best: tuple[float, str] | None = None
    for l, (rate, transit) in sorted(_reach(c, r, y).items()):
        here = delivered_usd_per_mtok(ix, par, r, l, y, rate, transit)
        if here is None:
            continue
        rivals = sorted(built)
        if l in ix.L_METRO:  # the built sites serving the metros this one could reach
            reach = set(c.ds.routes[(c.ds.routes.site_id == r) & (c.ds.routes.layer == l)].metro_id)
            f = c.frames["flows"]
            rivals = sorted(set(f[(f.layer == l) & (f.year == y) & f.metro_id.isin(reach)].site_id) & built)
        refs = [(total(cost), s, cost) for s in rivals if (cost := _served_at(c, s, l, y)) is not None]
        if refs:
            ref_total, ref_site, ref = min(refs, key=lambda t: t[0])
            margin = total(here) - ref_total
            if margin > 0:
                term = losing_term(here, ref)
                text = (f"{l} in {y}: {fmt(total(here))} USD/Mtok delivered here against {fmt(ref_total)} at {ref_site}, which serves it; "
                        f"it loses on {term} ({fmt(here[term])} against {fmt(ref[term])} USD/Mtok)")
            else:
                opening = par.site_fixed_usd[r] + par.min_mw.get(r, 0.0) * par.facility_capex_usd_per_mw[r]
                text = (f"{l} in {y}: {fmt(total(here))} USD/Mtok delivered here, no dearer than {fmt(ref_total)} at {ref_site}, "
                        f"but the demand in reach is already served there and opening this site costs {opening / 1e6:,.1f} M USD "
                        f"(site and its {par.min_mw.get(r, 0.0):g} MW minimum) that moving it would not repay")
        else:
            value = par.value_usd_per_mtok[(l, y)]
            margin = total(here) - value
            term = largest_term(here)
            text = (f"{l} in {y}: nothing is built for it; {fmt(total(here))} USD/Mtok delivered here against a value of {value:g} USD/Mtok, "
                    f"the largest term {term} ({fmt(here[term])} USD/Mtok)")
        if best is None or margin < best[0]:
            best = (margin, text)
    return "kept out on cost: " + (best[1] if best else f"no GPU generation on sale there by {y} serves a layer in reach")


def explain_sites(c: Context) -> list[dict]:
    ds, ix, par = c.ds, c.ix, c.par
    sites = c.frames["sites"]
    built = set(sites[(sites.facility_mw > EPS) | (sites.gpus_active > 0)].site_id)
    regions = ds.regions.set_index("site_id", drop=False)
    last = ix.Y[-1]
    routed = set(ds.routes[ds.routes.layer.isin(ix.L_METRO)].site_id)
    in_slo = _in_slo(ds, ix)
    needs: dict[str, float] = {}  # site -> smallest campus any program it may host needs
    allowed = ds.training_hosts[ds.training_hosts.program_id.isin(ix.P)]
    for p, r in zip(allowed.program_id, allowed.site_id):
        needs[r] = min(needs.get(r, math.inf), par.program_min_campus_mw[p])
    rows = []
    for r in ix.R:
        if r in built:
            continue
        row = regions.loc[r]
        unreached = r not in routed and not ix.L_POOLED
        if int(row.earliest_year) > last:
            reason, detail = "lead_time", f"earliest year {int(row.earliest_year)} is after the horizon ({last})"
        elif c.powered_from[r] > last:
            q = ds.queue[ds.queue.site_id == r]
            when = f"its first tranche comes online in {int(q.online_year.min())}" if not q.empty else "it has no queue tranche"
            reason, detail = "no_power", f"no grid or bridge power by {last}: {row.existing_mw:g} MW today and {when}"
        elif r in needs and par.max_mw[r] < needs[r] and unreached:
            reason, detail = "min_campus", f"max {row.max_mw:g} MW is below the {needs[r]:g} MW the smallest training program it may host needs"
        elif unreached and r not in needs and r in in_slo:
            reason, detail = "residency", f"the metros within its SLO are all in other jurisdictions than {row.jurisdiction}, and the layers' residency keeps their data at home"
        elif unreached and r not in needs:
            reason, detail = "no_demand", "no metro within the SLO of a planned layer, no pooled layer and no training program it may host"
        else:
            reason, detail = "cost", _cost_detail(c, r, built)
        rows.append(dict(kind="site", site_id=r, metro_id="", layer="", year=last, reason=reason, detail=detail))
    return rows


def _pool_sites(ix: Index) -> dict[tuple, list[str]]:
    out: dict[tuple, set] = {}
    for r, l, _t, y in ix.RLTY_POOL:
        out.setdefault((l, y), set()).add(r)
    return {k: sorted(v) for k, v in out.items()}


def _at_limit(c: Context, site: dict, r: str) -> bool:
    """``site``: the sites frame's row of (r, year), as a dict."""
    spare_bridge = c.par.bridge_max_mw[r] - site["bridge_mw"] if r in c.par.bridge_max_mw else 0
    cap = min(c.par.max_mw[r], site["grid_mw"] + site["bridge_mw"] + spare_bridge)
    return site["peak_draw_mw"] >= cap - 1e-3 * max(cap, 1)


def explain_demand(c: Context) -> list[dict]:
    ds, ix, par, frames = c.ds, c.ix, c.par, c.frames
    served = frames["served"]
    short = served[served.unserved_tokens_per_s > EPS * served.demand_tokens_per_s.clip(lower=1.0)]
    sites = frames["sites"].set_index(["site_id", "year"])[["bridge_mw", "grid_mw", "peak_draw_mw", "facility_mw"]].to_dict("index")
    metro_j = dict(zip(ds.metros.metro_id, ds.metros.jurisdiction))
    slo_of = dict(zip(ds.layers.layer, ds.layers.slo_rtt_ms))
    route = ds.routes[ds.routes.layer.isin(ix.L_METRO)]
    eligible_of = route.groupby(["metro_id", "layer"]).site_id.agg(list).to_dict()
    rtt_of = dict(tuple(ds.rtt.groupby("metro_id"))) if not short.empty else {}
    pool_sites = _pool_sites(ix)
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
                rows.append({**base, "reason": "no_site_in_slo", "detail": f"no site within the {slo:g} ms SLO (nearest: {near.site_id} at {near.rtt_ms:.0f} ms); {_pct(share)} unserved"})
                continue
            if not eligible:
                rows.append({**base, "reason": "residency", "detail": f"the sites within the SLO are all outside jurisdiction {metro_j[mm]}; {_pct(share)} unserved"})
                continue
        else:
            eligible = pool_sites.get((l, y), [])
        usable = [r for r in eligible if c.usable_by(r, y)]
        if not usable:
            rows.append({**base, "reason": "no_site_by_year", "detail": f"none of the {len(eligible)} eligible sites can take GPUs with power by {y} (lead time or queue); {_pct(share)} unserved"})
            continue
        sh = par.max_site_share[l]
        if l in ix.L_METRO and sh < 1 and len(usable) * sh < 1 - EPS:
            rows.append({**base, "reason": "reliability", "detail": f"only {len(usable)} usable site(s), each limited to {100 * sh:.0f}% of the metro's load; {_pct(share)} unserved"})
            continue
        if all(_at_limit(c, sites[(r, y)], r) for r in usable):
            rows.append({**base, "reason": "capacity", "detail": f"every usable eligible site ({len(usable)}) is at its grid, bridge or size limit in {y}; {_pct(share)} unserved"})
            continue
        rate = tokens_to_mtok(row.unserved_tokens_per_s)
        transit = {r: [par.transit_usd_per_mtok[(r, mm, l)]] if (r, mm, l) in par.transit_usd_per_mtok else [] for r in usable}
        open_now = {r for r in usable if (r, y) in sites and sites[(r, y)]["facility_mw"] > EPS}
        costs = [(total(cost), r, cost) for r in usable if (cost := delivered_usd_per_mtok(ix, par, r, l, y, rate, transit[r], built=r in open_now)) is not None]
        value = par.value_usd_per_mtok[(l, y)]
        if not costs:
            rows.append({**base, "reason": "cost_above_value", "detail": f"no GPU generation on sale by {y} at an eligible site serves {l}; {_pct(share)} unserved"})
            continue
        cheapest, r, cost = min(costs, key=lambda t: t[0])
        term = largest_term(cost)
        where = f"at the cheapest eligible site, {r}{' (built)' if r in open_now else ''}, serving it would cost {fmt(cheapest)} USD/Mtok against a value of {value:g} USD/Mtok"
        if cheapest > value:
            rows.append({**base, "reason": "cost_above_value", "detail": f"{where} (largest term {term}, {fmt(cost[term])} USD/Mtok); {_pct(share)} unserved"})
        else:
            rows.append({**base, "reason": "within_gap", "detail": f"{where}: by this yardstick worth serving; the plan is within its gap of the optimum, not at it, and may leave such a sliver; {_pct(share)} unserved"})
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
        need_mw = par.program_min_campus_mw[p]
        big = [r for r in allowed if par.max_mw[r] >= need_mw]
        draw = {r: _program_draw_mw(c, p, r, first) for r in big}
        powered = [r for r in big if _power_by_mw(c, r, first) >= draw[r]]
        if not [r for r in allowed if c.usable_by(r, first)]:
            rows.append({**base, "reason": "no_host_by_year", "detail": f"none of the {len(allowed)} allowed campuses can take GPUs with power by {first}; program {p} unhosted"})
        elif not big:
            rows.append({**base, "reason": "min_campus", "detail": f"no allowed campus reaches the {par.program_min_campus_mw[p]:g} MW program {p} needs"})
        elif not powered:
            best = max(big, key=lambda r: _power_by_mw(c, r, first))
            rows.append({**base, "reason": "campus_power", "detail": (
                f"no allowed campus can power program {p} by {first}: at the best, {best}, it draws {draw[best]:,.0f} MW on the "
                f"newest GPUs against {_power_by_mw(c, best, first):,.0f} MW of existing grid, queue tranches online by then and bridge power")})
        else:
            rate = tokens_to_mtok(par.program_tokens_per_s[p])
            l = par.program_layer[p]
            value = par.value_usd_per_mtok[(l, first)]
            costs = [(total(cost), r, cost) for r in powered if c.usable_by(r, first) and (cost := delivered_usd_per_mtok(ix, par, r, l, first, rate)) is not None]
            if not costs:
                rows.append({**base, "reason": "cost_above_value", "detail": f"no allowed campus can host program {p} with a GPU generation on sale by {first}"})
                continue
            cheapest, r, cost = min(costs, key=lambda t: t[0])
            where = f"hosting program {p} at the cheapest allowed campus, {r}, would cost {fmt(cheapest)} USD/Mtok against a value of {value:g} USD/Mtok"
            if cheapest > value:
                rows.append({**base, "reason": "cost_above_value", "detail": f"{where} (largest term {largest_term(cost)})"})
            else:
                rows.append({**base, "reason": "within_gap", "detail": (
                    f"{where}: by this yardstick worth hosting; the campus it needs competes for the same grid with the other layers, "
                    f"and the plan is within its gap of the optimum, not at it")})
    return rows


def _program_draw_mw(c: Context, p: str, r: str, y: int) -> float:
    """Facility draw of program p at site r in year y on the most power-efficient GPU on sale there (inf if none)."""
    par, l = c.par, c.par.program_layer[p]
    rate = tokens_to_mtok(par.program_tokens_per_s[p])
    gens = {g for (rr, g, ll, yy) in c.ix.RGLY_TRAIN if rr == r and ll == l and yy == y}
    return min((rate / par.mtok_per_s_per_unit[(g, l)] * par.mw_per_unit[(g, l)] * par.pue[r] for g in gens), default=math.inf)


def _power_by_mw(c: Context, r: str, y: int) -> float:
    """The most a site can draw in year y: existing grid, queue tranches online by y and bridge power, within max_mw."""
    par = c.par
    grid = par.existing_mw.get(r, 0.0) + sum(par.tranche_mw[q] for q, s in par.tranche_site.items() if s == r and par.tranche_online_year[q] <= y)
    return min(par.max_mw[r], grid + par.bridge_max_mw.get(r, 0.0))


def explain(ds: Dataset, res: Results) -> pd.DataFrame:
    """The why-not-here table of a solved case (empty when the solve found no plan)."""
    if "sites" not in res.frames:
        return pd.DataFrame(columns=COLUMNS)
    ix, par = model_data(ds, case_from_summary(res.summary["case"]))
    earliest = {r: int(y) for r, y in zip(ds.regions.site_id, ds.regions.earliest_year)}
    c = Context(ds, ix, par, dict(res.frames), _powered_from(ds, ix, par), earliest)
    rows = explain_sites(c) + explain_demand(c) + explain_training(c)
    return pd.DataFrame(rows, columns=COLUMNS)
