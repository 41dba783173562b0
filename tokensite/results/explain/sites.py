"""Why a candidate site stays unbuilt: lead time, power, GPU export bans, campus size, residency, demand in reach, or cost."""

from __future__ import annotations

import math

import pandas as pd

from tokensite.dataset import Dataset
from tokensite.dataset.residency import groups_by_id
from tokensite.model.index import Index
from tokensite.model.yardstick import delivered_usd_per_mtok, route_transit_usd_per_mtok, total_usd_per_mtok
from tokensite.results.explain.context import EPS, Context, fmt, largest_term, losing_term
from tokensite.results.explain.gpus import banned_site
from tokensite.units import tokens_to_mtok


def _in_slo(ds: Dataset, ix: Index) -> set[str]:
    """Sites within some metro-bound layer's SLO of some metro, residency aside."""
    out: set[str] = set()
    for row in ds.layers[ds.layers.layer.isin(ix.L_METRO)].itertuples():
        ok = ds.rtt if pd.isna(row.slo_rtt_ms) else ds.rtt[ds.rtt.rtt_ms <= row.slo_rtt_ms]
        out |= set(ok.site_id)
    return out


def _residency_detail(ds: Dataset, ix: Index, r: str) -> str:
    """Why the metros within site r's SLO are not its to serve: for each metro-bound layer with residency
    whose SLO reaches a metro from r, the grouping that keeps the data (market, jurisdiction or country) and r's own group."""
    plural = {"market": "markets", "jurisdiction": "jurisdictions", "country": "countries"}
    rtt, site_groups, parts = ds.rtt[ds.rtt.site_id == r], groups_by_id(ds.regions, "site_id"), []
    for row in ds.layers[ds.layers.layer.isin(ix.L_METRO) & (ds.layers.residency != "none")].itertuples():
        if not (rtt if pd.isna(row.slo_rtt_ms) else rtt[rtt.rtt_ms <= row.slo_rtt_ms]).empty:
            parts.append(f"other {plural[row.residency]} than {site_groups[row.residency][r]} ({row.layer})")
    if not parts:
        return "the metros within its SLO ask only for layers it does not serve (regions.csv layers)"
    return f"the metros within its SLO are all in {' or '.join(parts)}, and the layers' residency keeps their data at home"


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


class _Plan:
    """The plan's allocation and flows grouped once, and each built site's delivered cost kept, so that the reasons of
    every unbuilt site cost look-ups: scanning the frames per site and rival took XL (450 sites) over 5 min."""

    def __init__(self, c: Context) -> None:
        a, f = c.frames["allocation"], c.frames["flows"]
        self.rate = a.groupby(["site_id", "layer", "year"]).tokens_per_s.sum().to_dict()
        self.metros = f.groupby(["site_id", "layer", "year"]).metro_id.apply(list).to_dict()
        self.serving = f.groupby(["layer", "year", "metro_id"]).site_id.apply(set).to_dict()
        self.reach = c.ds.routes.groupby(["site_id", "layer"]).metro_id.apply(set).to_dict()
        self.served: dict[tuple[str, str, int], dict[str, float] | None] = {}

    def served_at(self, c: Context, r: str, l: str, y: int) -> dict[str, float] | None:
        """Delivered cost at a built site r for what it serves of layer l in year y."""
        if (r, l, y) not in self.served:
            rate = tokens_to_mtok(float(self.rate.get((r, l, y), 0.0)))
            transit = route_transit_usd_per_mtok(c.par, r, l, self.metros.get((r, l, y), []))
            self.served[(r, l, y)] = delivered_usd_per_mtok(c.ix, c.par, r, l, y, rate, transit) if rate > 0 else None
        return self.served[(r, l, y)]

    def rivals(self, r: str, l: str, y: int, built: set[str]) -> list[str]:
        """The built sites serving, in year y, the metros site r could reach with layer l."""
        near = set().union(*(self.serving.get((l, y, m), set()) for m in self.reach.get((r, l), set())))
        return sorted(near & built)


def _cost_detail(c: Context, r: str, built: set[str], plan: _Plan) -> str:
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
            rivals = plan.rivals(r, l, y, built)
        refs = [(total_usd_per_mtok(cost), s, cost) for s in rivals if (cost := plan.served_at(c, s, l, y)) is not None]
        if refs:
            ref_total, ref_site, ref = min(refs, key=lambda t: t[0])
            margin = total_usd_per_mtok(here) - ref_total
            if margin > 0:
                term = losing_term(here, ref)
                text = (f"{l} in {y}: {fmt(total_usd_per_mtok(here))} USD/Mtok delivered here against {fmt(ref_total)} at {ref_site}, which serves it; "
                        f"it loses on {term} ({fmt(here[term])} against {fmt(ref[term])} USD/Mtok)")
            else:
                opening = par.site_fixed_usd[r] + par.min_mw.get(r, 0.0) * par.facility_capex_usd_per_mw[r]
                text = (f"{l} in {y}: {fmt(total_usd_per_mtok(here))} USD/Mtok delivered here, no dearer than {fmt(ref_total)} at {ref_site}, "
                        f"but the demand in reach is already served there and opening this site costs {opening / 1e6:,.1f} M USD "
                        f"(site and its {par.min_mw.get(r, 0.0):g} MW minimum) that moving it would not repay")
        else:
            value = par.value_usd_per_mtok[(l, y)]
            margin = total_usd_per_mtok(here) - value
            term = largest_term(here)
            text = (f"{l} in {y}: nothing is built for it; {fmt(total_usd_per_mtok(here))} USD/Mtok delivered here against a value of {value:g} USD/Mtok, "
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
    plan = _Plan(c)
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
        elif (why := banned_site(c, r)) is not None:
            reason, detail = "banned", why
        elif r in needs and par.max_mw[r] < needs[r] and unreached:
            reason, detail = "min_campus", f"max {row.max_mw:g} MW is below the {needs[r]:g} MW the smallest training program it may host needs"
        elif unreached and r not in needs and r in in_slo:
            reason, detail = "residency", _residency_detail(ds, ix, r)
        elif unreached and r not in needs:
            reason, detail = "no_demand", "no metro within the SLO of a planned layer, no pooled layer and no training program it may host"
        else:
            reason, detail = "cost", _cost_detail(c, r, built, plan)
        rows.append(dict(kind="site", site_id=r, metro_id="", layer="", year=last, reason=reason, detail=detail))
    return rows
