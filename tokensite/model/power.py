"""Power family (FORMULATION.md §4), MW throughout, with price tiers and bridge power.

.. math::
    IT[r,t,y] = Σ_{g,l} alloc[r,g,l,t,y]\\,n_g\\,kw_g\\,pf_l / 1000 + Σ_{g,l} alloc\\_train[r,g,l,y]\\,n_g\\,kw_g\\,pf_l / 1000
    draw[r,t,y] = IT · PUE_r
    draw ≤ mw[r,y] ≤ max\\_mw_r · open[r,y];\\quad mw[r,y-1] ≤ mw[r,y];\\quad open[r,y-1] ≤ open[r,y]
    draw = Σ_k energy[r,k,t,y] + bridge\\_energy[r,t,y];\\quad energy ≤ cap_{r,k,t};\\quad bridge\\_energy ≤ bridge[r,y] ≤ bridge\\_max_r
    Σ_k energy[r,k,t,y] ≤ grid[r,y]

FORMULATION.md writes the grid row as draw ≤ grid + bridge. With energy tiers free of the
grid that lets a sliver of bridge *capacity* license any amount of grid *energy*; the
sound row caps grid energy by the grid connection, and draw ≤ grid + bridge follows.

``open`` is indexed by year (a site, once developed, stays open): FORMULATION.md's
``open[r]`` cannot say *when* the development cost starts, so it is charged from the year
the site opens.

Costs registered: energy Σ w_t price·energy; bridge fuel Σ w_t price·bridge_energy; facility
capex CRF(facility life)·capex·mw plus fixed O&M·mw; site development CRF(site life)·fixed·open;
bridge capacity CRF(bridge life)·capex·bridge (MUSD per year).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.model.sets import MUSD, Sets, crf
from tokensite.model.variables import add_cost


def add_power(m: pyo.ConcreteModel, S: Sets, case: Case) -> None:
    regions, gpus, layers = S.params["regions"], S.params["gpus"], S.params["layers"]

    def mw_per_unit(g, l):
        return float(gpus.at[g, "gpus_per_unit"]) * float(gpus.at[g, "kw_per_gpu"]) * float(layers.at[l, "power_fraction"]) / 1000.0

    terms = defaultdict(list)
    for r, g, l, t, y in S.RGLTY:
        terms[(r, t, y)].append((mw_per_unit(g, l), m.alloc[r, g, l, t, y]))
    for r, g, l, y in S.RGLY_train:
        for t in S.T:
            terms[(r, t, y)].append((mw_per_unit(g, l), m.alloc_train[r, g, l, y]))
    rty = sorted(terms)
    pue = {r: float(regions.at[r, "pue"]) for r in S.R}
    m.draw_mw = pyo.Expression(rty, rule=lambda _, r, t, y: pue[r] * sum(c * v for c, v in terms[(r, t, y)]))
    bridge = set(S.BRIDGE_R)
    Y = S.Y

    m.c_power_facility = pyo.Constraint(rty, rule=lambda _, r, t, y: m.draw_mw[r, t, y] <= m.mw[r, y])
    m.c_power_site_open = pyo.Constraint(S.RY, rule=lambda _, r, y: m.mw[r, y] <= float(regions.at[r, "max_mw"]) * m.open[r, y])
    later = [(r, Y[i - 1], Y[i]) for r in S.R for i in range(1, len(Y))]
    m.c_power_mw_monotone = pyo.Constraint(later, rule=lambda _, r, y0, y1: m.mw[r, y0] <= m.mw[r, y1])
    m.c_power_open_monotone = pyo.Constraint(later, rule=lambda _, r, y0, y1: m.open[r, y0] <= m.open[r, y1])
    # grid_mw comes from the queue family; without it only today's connection exists
    grid = m.grid_mw if hasattr(m, "grid_mw") else {(r, y): float(regions.at[r, "existing_mw"]) for r, y in S.RY}
    tiers = defaultdict(list)
    for r, k, t, y in S.RKTY:
        tiers[(r, t, y)].append(k)
    m.c_power_grid = pyo.Constraint(rty, rule=lambda _, r, t, y: sum(m.energy[r, k, t, y] for k in tiers[(r, t, y)]) <= grid[r, y])
    m.c_power_energy = pyo.Constraint(
        rty, rule=lambda _, r, t, y: m.draw_mw[r, t, y] == sum(m.energy[r, k, t, y] for k in tiers[(r, t, y)]) + (m.bridge_energy[r, t, y] if r in bridge else 0)
    )
    m.c_power_bridge = pyo.Constraint([(r, t, y) for r in S.BRIDGE_R for t in S.T for y in Y], rule=lambda _, r, t, y: m.bridge_energy[r, t, y] <= m.bridge[r, y])

    price = S.params["price"]
    for r, k, t, y in S.RKTY:
        add_cost(m, f"energy:{k}", y, S.hours[t] * price[(r, k, t)] / MUSD * m.energy[r, k, t, y], site=r)
    f = case.finance
    rate = case.discount_rate
    for r in S.BRIDGE_R:
        p = float(regions.at[r, "bridge_price_usd_per_mwh"]) * case.scale.power_price
        capex = float(regions.at[r, "bridge_capex_usd_per_mw"]) * crf(rate, f.bridge_life_years) / MUSD
        for y in Y:
            add_cost(m, "bridge fuel", y, sum(S.hours[t] * p / MUSD * m.bridge_energy[r, t, y] for t in S.T), site=r)
            add_cost(m, "bridge capacity", y, capex * m.bridge[r, y], site=r)
    for r in S.R:
        facility = float(regions.at[r, "facility_capex_usd_per_mw"]) * crf(rate, f.facility_life_years) / MUSD
        om = float(regions.at[r, "fixed_om_usd_per_mw_year"]) / MUSD
        site = float(regions.at[r, "site_fixed_usd"]) * crf(rate, f.site_life_years) / MUSD
        for y in Y:
            add_cost(m, "facility", y, facility * m.mw[r, y], site=r)
            add_cost(m, "fixed O&M", y, om * m.mw[r, y], site=r)
            add_cost(m, "site development", y, site * m.open[r, y], site=r)
