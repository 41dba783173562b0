"""The cost yardstick: what a token delivered from a site costs per Mtok, term by term.

The one place outside the families that prices a token. Route seeding
(:func:`tokensite.solver.routes.running_cost_usd_per_mtok`) and "why not here"
(:mod:`tokensite.results.explain`) both read it, so a cost the families register reaches both
or neither. Every term is built from the :class:`~tokensite.model.params.Params` fields the
family that registers the cost reads, in the same products (:data:`PER_TOKEN` names them):

.. math::
    gpu      = capex_{r,g,y} · CRF_g / (mtok\\_per\\_s\\_per\\_unit_{g,l} · S)
    power    = (\\bar p_r + carbon\\_price_y · kg_r / 1000) · μ_{r,g,l} / 3600
    facility = (capex_r · CRF_{facility} + O\\&M_r) · μ_{r,g,l} / S
    grid     = (1 − existing_r / need) · min_q (overnight_q / mw_q) · CRF_{interconnect} · μ_{r,g,l} / S
    site     = site\\_fixed_r · CRF_{site} / (rate · S), 0 at a site already built
    transit  = mean transit over the routes given

with μ_{r,g,l} = PUE_r · mw\\_per\\_unit_{g,l} / mtok\\_per\\_s\\_per\\_unit_{g,l} (facility MW per Mtok/s),
S = 3600 · 8760 (Mtok in a year at 1 Mtok/s), \\bar p_r the hour-weighted price of the site's
cheapest uncapped tier (its bridge price when it has none), capex_{r,g,y} the unit capex the
throughput family charges for a unit bought at r in the last planning year ≤ y (its licence and
price of the year), g the generation on sale at r in that planning year (not banned there)
that makes the sum of gpu, power and facility smallest, and ``need`` the MW the rate draws; the
grid term's min runs over the site's tranches online by y and its bridge capacity
(bridge_capex · CRF_{bridge}).

These are annualised costs at one rate in one year, not the model's discounted objective: the
families decide, the yardstick ranks and explains. A registered cost category
(:data:`tokensite.model.ledger.COST_CATEGORIES`) is either carried by a term here
(:data:`PER_TOKEN`) or listed with the reason it is not a cost of making a token
(:data:`NOT_PER_TOKEN`); tests/test_yardstick.py fails on a category that is neither.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from tokensite.model.index import Index
from tokensite.model.params import Params
from tokensite.units import HOURS_PER_YEAR, KG_PER_T, SECONDS_PER_HOUR, mtok_per_year

TERMS = ("gpu", "power", "facility", "grid", "site", "transit")
MTOK_PER_YEAR_AT_1 = mtok_per_year(1.0, HOURS_PER_YEAR)

PER_TOKEN: dict[str, tuple[str, tuple[str, ...]]] = {
    # category: (term that carries it, the Params fields its family prices it with)
    "gpus:<gpu>": ("gpu", ("gpu_unit_capex_usd", "gpu_crf")),  # throughput.py
    "energy:<tier>": ("power", ("price_usd_per_mwh",)),  # power.py
    # power.py; only at a site without an uncapped tier, which the dataset checks rule out: bridge
    # power is otherwise priced as capacity (grid) and its energy at the grid's firm tier
    "bridge fuel": ("power", ("bridge_price_usd_per_mwh",)),
    "carbon": ("power", ("carbon_price_usd_per_t", "carbon_kg_per_mwh")),  # policy.py
    "facility": ("facility", ("facility_capex_usd_per_mw", "crf_facility")),  # power.py
    "fixed O&M": ("facility", ("fixed_om_usd_per_mw_year",)),  # power.py
    "interconnection": ("grid", ("tranche_overnight_usd", "crf_interconnect")),  # queue.py
    "bridge capacity": ("grid", ("bridge_capex_usd_per_mw", "crf_bridge")),  # power.py
    "site development": ("site", ("site_fixed_usd", "crf_site")),  # power.py
    "transit": ("transit", ("transit_usd_per_mtok",)),  # demand.py
}
NOT_PER_TOKEN: dict[str, str] = {
    "unserved tokens": "the value of a token not made (demand.py): what a delivered cost is weighed against, not part of it",
    "declined demand": "the value of demand the price curve declines (demand.py): a value forgone, not a cost of making a token",
    "unhosted training": "the value of a training program left unhosted (training.py): a value forgone, not a cost of making a token",
}


def uncovered(categories: Iterable[str]) -> list[str]:
    """The cost categories the yardstick neither carries in a term nor lists as not per token."""
    return [c for c in categories if c not in PER_TOKEN and c not in NOT_PER_TOKEN]


def firm_price_usd_per_mwh(par: Params, r: str) -> float:
    """Hour-weighted price of the cheapest uncapped tier in each slice (the bridge price without one)."""
    total = 0.0
    for t, share in par.hour_share.items():
        firm = [p for (rr, _k, tt), p in par.price_usd_per_mwh.items() if rr == r and tt == t and par.tier_cap_mw[(rr, _k, tt)] is None]
        price = min(firm) if firm else par.bridge_price_usd_per_mwh.get(r, math.inf)
        total += share * price
    return total


def energy_usd_per_mwh(par: Params, r: str, y: int) -> float:
    """A MWh drawn at r in y: the energy tier (or bridge fuel) plus the carbon price on the site's grid intensity."""
    return firm_price_usd_per_mwh(par, r) + par.carbon_price_usd_per_t.get(y, 0.0) * par.carbon_kg_per_mwh.get(r, 0.0) / KG_PER_T


def gpu_usd_per_unit_year(par: Params, g: str, r: str, y: int) -> float:
    """A GPU unit bought at r in y, its annual capex, as the throughput family registers it."""
    return par.unit_capex_usd(r, g, y) * par.gpu_crf[g]


def facility_usd_per_mw_year(par: Params, r: str) -> float:
    """A facility MW a year at r: annualised capex plus fixed O&M, as the power family registers them."""
    return par.facility_capex_usd_per_mw[r] * par.crf_facility + par.fixed_om_usd_per_mw_year[r]


def online_tranches(par: Params, r: str, y: int) -> list[str]:
    """The queue tranches of site r online by year y."""
    return [q for q, site in par.tranche_site.items() if site == r and par.tranche_online_year[q] <= y and par.tranche_mw[q] > 0]


def grid_usd_per_mw_year(par: Params, r: str, online: list[str]) -> float:
    """The cheapest new MW of supply a year at r: an ``online`` tranche (queue family) or bridge capacity
    (power family), annualised; 0 with neither."""
    tranches = [par.tranche_overnight_usd[q] / par.tranche_mw[q] * par.crf_interconnect for q in online]
    bridge = [par.bridge_capex_usd_per_mw[r] * par.crf_bridge] if r in par.bridge_max_mw else []
    return min(tranches + bridge, default=0.0)


def site_usd_per_year(par: Params, r: str) -> float:
    """Opening site r, annualised, as the power family registers site development."""
    return par.site_fixed_usd[r] * par.crf_site


def route_transit_usd_per_mtok(par: Params, r: str, l: str, metros: Iterable[str]) -> list[float]:
    """Transit of the routes from site r to ``metros`` for layer l, in the order given (routes that do not exist skipped)."""
    return [par.transit_usd_per_mtok[(r, m, l)] for m in metros if (r, m, l) in par.transit_usd_per_mtok]


def delivered_usd_per_mtok(ix: Index, par: Params, r: str, l: str, y: int, mtok_per_s: float, transit: list[float] | None = None,
                           built: bool = False) -> dict[str, float] | None:
    """USD/Mtok by term (:data:`TERMS`) of serving ``mtok_per_s`` of layer ``l`` at site ``r`` in
    year ``y`` (at most what the site can power by then); the site term is 0 where the site is
    already ``built``; ``transit`` is the transit of the routes served
    (:func:`route_transit_usd_per_mtok`). None when no GPU generation that serves ``l`` is on sale
    there by then."""
    bought_in = max((yy for yy in ix.Y if yy <= y), default=None)  # the planning year whose purchases serve y
    gens = {g for (rr, g, yy) in ix.RGY if rr == r and yy == bought_in and (g, l) in par.mtok_per_s_per_unit}
    if not gens:
        return None
    price = energy_usd_per_mwh(par, r, y)
    facility_mw_year = facility_usd_per_mw_year(par, r)

    def running(g: str) -> tuple[float, float, float, float]:
        rate = par.mtok_per_s_per_unit_in(g, l, bought_in)
        mw_per = par.pue[r] * par.mw_per_unit[(g, l)] / rate
        gpu = gpu_usd_per_unit_year(par, g, r, bought_in) / (rate * MTOK_PER_YEAR_AT_1)
        return gpu, price * mw_per / SECONDS_PER_HOUR, facility_mw_year * mw_per / MTOK_PER_YEAR_AT_1, mw_per

    gpu, power, facility, mw_per = min((running(g) for g in sorted(gens)), key=lambda c: c[0] + c[1] + c[2])
    online = online_tranches(par, r, y)
    powerable_mw = par.existing_mw[r] + sum(par.tranche_mw[q] for q in online) + par.bridge_max_mw.get(r, 0.0)
    carried = min(mtok_per_s, min(par.max_mw[r], powerable_mw) / mw_per) if mw_per > 0 else mtok_per_s
    need_mw = mw_per * carried
    grid = 0.0
    if need_mw > par.existing_mw[r] + 1e-9:
        grid = (1 - par.existing_mw[r] / need_mw) * grid_usd_per_mw_year(par, r, online) * mw_per / MTOK_PER_YEAR_AT_1
    site = 0.0 if built else site_usd_per_year(par, r) / (carried * MTOK_PER_YEAR_AT_1) if carried > 0 else math.inf
    mean_transit = sum(transit) / len(transit) if transit else 0.0
    return dict(zip(TERMS, (gpu, power, facility, grid, site, mean_transit)))


def total_usd_per_mtok(cost: dict[str, float]) -> float:
    """The delivered cost: the sum of the terms."""
    return sum(cost.values())
