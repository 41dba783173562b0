"""The delivered cost of a token at a site: what serving a layer there costs per Mtok, term by term.

Used by the why-not-here table to say which term loses, in the model's own coefficients
(:class:`tokensite.model.params.Params`), for one site, layer and year at a given rate:

.. math::
    gpu      = capex_g · CRF_g / (mtok\\_per\\_s\\_per\\_unit_{g,l} · S)
    power    = (\\bar p_r + carbon\\_price_y · kg_r / 1000) · μ_{r,g,l} / 3600
    facility = (capex_r · CRF_{facility} + O\\&M_r) · μ_{r,g,l} / S
    grid     = (1 − existing_r / need) · min_q (overnight_q / mw_q) · CRF_{interconnect} · μ_{r,g,l} / S
    site     = site\\_fixed_r · CRF_{site} / (rate · S), 0 at a site already built
    transit  = mean transit over the routes given

with μ_{r,g,l} = PUE_r · mw\\_per\\_unit_{g,l} / mtok\\_per\\_s\\_per\\_unit_{g,l} (facility MW per Mtok/s),
S = 3600 · 8760 (Mtok in a year at 1 Mtok/s), \\bar p_r the hour-weighted price of the site's
cheapest uncapped tier (its bridge price when it has none), g the generation on sale by y
that makes the sum of gpu, power and facility smallest, and ``need`` the MW the rate draws.
These are annualised costs, not the model's discounted objective: a yardstick for words,
not a second model.
"""

from __future__ import annotations

import math

from tokensite.model.index import Index
from tokensite.model.params import Params
from tokensite.units import HOURS_PER_YEAR, KG_PER_T, SECONDS_PER_HOUR, mtok_per_year

TERMS = ("gpu", "power", "facility", "grid", "site", "transit")
MTOK_PER_YEAR_AT_1 = mtok_per_year(1.0, HOURS_PER_YEAR)


def firm_price_usd_per_mwh(par: Params, r: str) -> float:
    """Hour-weighted price of the cheapest uncapped tier in each slice (the bridge price without one)."""
    total = 0.0
    for t, share in par.hour_share.items():
        firm = [p for (rr, _k, tt), p in par.price_usd_per_mwh.items() if rr == r and tt == t and par.tier_cap_mw[(rr, _k, tt)] is None]
        price = min(firm) if firm else par.bridge_price_usd_per_mwh.get(r, math.inf)
        total += share * price
    return total


def delivered_usd_per_mtok(ix: Index, par: Params, r: str, l: str, y: int, mtok_per_s: float, transit: list[float] | None = None,
                           built: bool = False) -> dict[str, float] | None:
    """USD/Mtok by term (:data:`TERMS`) of serving ``mtok_per_s`` of layer ``l`` at site ``r`` in
    year ``y`` (at most what the site can power by then); the site term is 0 where the site is
    already ``built``. None when no GPU generation that serves ``l`` is on sale there by then."""
    gens = {g for (rr, g, yy) in ix.RGY if rr == r and yy <= y and (g, l) in par.mtok_per_s_per_unit}
    if not gens:
        return None
    price = firm_price_usd_per_mwh(par, r) + par.carbon_price_usd_per_t.get(y, 0.0) * par.carbon_kg_per_mwh.get(r, 0.0) / KG_PER_T
    facility_usd_per_mw_year = par.facility_capex_usd_per_mw[r] * par.crf_facility + par.fixed_om_usd_per_mw_year[r]

    def running(g: str) -> tuple[float, float, float, float]:
        rate = par.mtok_per_s_per_unit[(g, l)]
        mw_per = par.pue[r] * par.mw_per_unit[(g, l)] / rate
        gpu = par.gpu_unit_capex_usd[g] * par.gpu_crf[g] / (rate * MTOK_PER_YEAR_AT_1)
        return gpu, price * mw_per / SECONDS_PER_HOUR, facility_usd_per_mw_year * mw_per / MTOK_PER_YEAR_AT_1, mw_per

    gpu, power, facility, mw_per = min((running(g) for g in sorted(gens)), key=lambda c: c[0] + c[1] + c[2])
    online = [q for q, site in par.tranche_site.items() if site == r and par.tranche_online_year[q] <= y and par.tranche_mw[q] > 0]
    powerable_mw = par.existing_mw[r] + sum(par.tranche_mw[q] for q in online) + par.bridge_max_mw.get(r, 0.0)
    carried = min(mtok_per_s, min(par.max_mw[r], powerable_mw) / mw_per) if mw_per > 0 else mtok_per_s
    need_mw = mw_per * carried
    grid = 0.0
    if need_mw > par.existing_mw[r] + 1e-9:
        tranches = [par.tranche_overnight_usd[q] / par.tranche_mw[q] * par.crf_interconnect for q in online]
        bridge = [par.bridge_capex_usd_per_mw[r] * par.crf_bridge] if r in par.bridge_max_mw else []
        per_mw_year = min(tranches + bridge, default=0.0)
        grid = (1 - par.existing_mw[r] / need_mw) * per_mw_year * mw_per / MTOK_PER_YEAR_AT_1
    site = 0.0 if built else par.site_fixed_usd[r] * par.crf_site / (carried * MTOK_PER_YEAR_AT_1) if carried > 0 else math.inf
    mean_transit = sum(transit) / len(transit) if transit else 0.0
    return dict(zip(TERMS, (gpu, power, facility, grid, site, mean_transit)))


def total(cost: dict[str, float]) -> float:
    return sum(cost.values())


def losing_term(here: dict[str, float], there: dict[str, float]) -> str:
    """The term by which ``here`` exceeds ``there`` the most."""
    return max(TERMS, key=lambda k: here[k] - there[k])


def largest_term(cost: dict[str, float]) -> str:
    return max(TERMS, key=lambda k: cost[k])


def fmt(usd_per_mtok: float) -> str:
    return "unbounded" if not math.isfinite(usd_per_mtok) else f"{usd_per_mtok:.3g}"
