"""Power family (docs/formulation.md §4), MW throughout, with price tiers and bridge power.

.. math::
    draw[r,t,y] ≤ facility\\_mw[r,y] ≤ max\\_mw_r · open[r,y]
    facility\\_mw[r,y] ≥ min\\_mw_r · open[r,y]
    facility\\_mw[r,y-1] ≤ facility\\_mw[r,y];\\quad open[r,y-1] ≤ open[r,y]
    draw[r,t,y] = Σ_k tier\\_mw[r,k,t,y] + bridge\\_draw\\_mw[r,t,y];\\quad tier\\_mw ≤ cap_{r,k,t}
    bridge\\_draw\\_mw[r,t,y] ≤ bridge\\_mw[r,y] ≤ bridge\\_max_r
    Σ_k tier\\_mw[r,k,t,y] ≤ grid[r,y]

draw and grid are the shared expressions of :mod:`tokensite.model.shared`. The grid row caps
grid energy by the grid connection (the original draw ≤ grid + bridge let a sliver of
bridge capacity license any amount of grid energy; it follows from these rows).

Costs registered: energy Σ w_t price·tier_mw; bridge fuel Σ w_t price·bridge_draw_mw; facility
capex CRF(facility life)·capex·facility_mw plus fixed O&M·facility_mw; site development
CRF(site life)·fixed·open; bridge capacity CRF(bridge life)·capex·bridge_mw (MUSD per year).
Existing halls (regions.csv ``existing_facility_mw`` E_r > 0; rows in :mod:`tokensite.model.existing`):
facility capex on facility_mw − E_r only (the halls standing are sunk), fixed O&M on all of facility_mw;
a site built at the start (``Params.built_at_start``) pays no site development and has no min_mw row
(its first phase stands). Without existing halls every term is built as before.
Investment registered: facility MW added (beyond E_r in the first year) and sites opened in each year.
Price rows: ``c_power_grid`` (grid_mw) and ``c_power_facility`` (facility_mw).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.ledger import add_cost, add_investment, register_price_rows
from tokensite.model.params import Params
from tokensite.model.shared import grid_mw
from tokensite.units import usd_to_musd


def add_power(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    rty = list(m.draw_mw.keys())
    Y = ix.Y
    m.c_power_facility = pyo.Constraint(rty, rule=lambda _, r, t, y: m.draw_mw[r, t, y] <= m.facility_mw[r, y])
    m.c_power_site_open = pyo.Constraint(ix.RY, rule=lambda _, r, y: m.facility_mw[r, y] <= par.max_mw[r] * m.open[r, y])
    sized = [(r, y) for r, y in ix.RY if par.min_mw[r] > 0 and r not in par.built_at_start]
    m.c_power_min_size = pyo.Constraint(sized, rule=lambda _, r, y: m.facility_mw[r, y] >= par.min_mw[r] * m.open[r, y])
    later = [(r, Y[i - 1], Y[i]) for r in ix.R for i in range(1, len(Y))]
    m.c_power_mw_monotone = pyo.Constraint(later, rule=lambda _, r, y0, y1: m.facility_mw[r, y0] <= m.facility_mw[r, y1])
    m.c_power_open_monotone = pyo.Constraint(later, rule=lambda _, r, y0, y1: m.open[r, y0] <= m.open[r, y1])
    tiers = defaultdict(list)
    for r, k, t, y in ix.RKTY:
        tiers[(r, t, y)].append(k)
    grid = grid_mw(m, ix, par)
    m.c_power_grid = pyo.Constraint(rty, rule=lambda _, r, t, y: sum(m.tier_mw[r, k, t, y] for k in tiers[(r, t, y)]) <= grid[r, y])
    bridge = set(ix.R_BRIDGE)
    m.c_power_energy = pyo.Constraint(
        rty, rule=lambda _, r, t, y: m.draw_mw[r, t, y] == sum(m.tier_mw[r, k, t, y] for k in tiers[(r, t, y)]) + (m.bridge_draw_mw[r, t, y] if r in bridge else 0)
    )
    m.c_power_bridge = pyo.Constraint([(r, t, y) for r in ix.R_BRIDGE for t in ix.T for y in Y], rule=lambda _, r, t, y: m.bridge_draw_mw[r, t, y] <= m.bridge_mw[r, y])
    register_price_rows(m, "grid_mw", m.c_power_grid)
    register_price_rows(m, "facility_mw", m.c_power_facility)

    w = par.hours
    for r, k, t, y in ix.RKTY:
        add_cost(m, f"energy:{k}", y, usd_to_musd(w[t] * par.price_usd_per_mwh[(r, k, t)]) * m.tier_mw[r, k, t, y], site=r)
    for r in ix.R_BRIDGE:
        fuel = par.bridge_price_usd_per_mwh[r]
        capex = usd_to_musd(par.bridge_capex_usd_per_mw[r] * par.crf_bridge)
        for y in Y:
            add_cost(m, "bridge fuel", y, sum(usd_to_musd(w[t] * fuel) * m.bridge_draw_mw[r, t, y] for t in ix.T), site=r)
            add_cost(m, "bridge capacity", y, capex * m.bridge_mw[r, y], site=r)
    for r in ix.R:
        facility = usd_to_musd(par.facility_capex_usd_per_mw[r] * par.crf_facility)
        om = usd_to_musd(par.fixed_om_usd_per_mw_year[r])
        site = usd_to_musd(par.site_fixed_usd[r] * par.crf_site)
        sunk_mw = par.existing_facility_mw.get(r, 0.0)
        for y in Y:
            add_cost(m, "facility", y, facility * (m.facility_mw[r, y] - sunk_mw if sunk_mw else m.facility_mw[r, y]), site=r)
            add_cost(m, "fixed O&M", y, om * m.facility_mw[r, y], site=r)
            if r not in par.built_at_start:
                add_cost(m, "site development", y, site * m.open[r, y], site=r)
    for r in ix.R:
        site_usd = 0.0 if r in par.built_at_start else par.site_fixed_usd[r]
        for y in Y:
            prev = ix.previous_year(y)
            added_mw = m.facility_mw[r, y] - (m.facility_mw[r, prev] if prev else par.existing_facility_mw.get(r, 0))
            opened = m.open[r, y] - (m.open[r, prev] if prev else 0)
            add_investment(m, y, usd_to_musd(par.facility_capex_usd_per_mw[r]) * added_mw + usd_to_musd(site_usd) * opened)
