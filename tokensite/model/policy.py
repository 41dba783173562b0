"""Supply and policy family (docs/formulation.md §8), all optional and data-driven.

.. math::
    Σ_r buy[r,g,y] ≤ supply_g · W_y                                  (supply_units_per_year given)
    investment_y ≤ budget_y · W_y                                      (policy.csv budget_usd given)
    emissions_y = Σ_{r,t} w_t (Σ_k tier\\_mw · c_r + bridge\\_draw\\_mw · c^{bridge}_r) / 1000 ≤ cap_y   (co2_cap_t given)

A GPU with a world row in gpu_supply.csv has its supply rows in :mod:`tokensite.model.gpu_supply` instead
(``Params.supply_units_per_year`` leaves it out). W_y is the number of calendar years planning year y stands for, so supply and budget are per
calendar year. investment_y is the overnight investment the other families registered for y
(GPUs bought, facility MW added, sites opened, tranches energised; :mod:`tokensite.model.ledger`).
The carbon price adds price · emissions (grid tiers only) to the cost.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.ledger import add_cost, investment_terms
from tokensite.model.params import Params
from tokensite.units import KG_PER_T, usd_to_musd


def grid_emissions_t(m: pyo.ConcreteModel, ix: Index, par: Params, r: str, k: str, t: str, y: int) -> object:
    """Tonnes of CO2 in a year from tier k at r held in slice t."""
    return par.hours[t] * par.carbon_kg_per_mwh[r] / KG_PER_T * m.tier_mw[r, k, t, y]


def emissions_t(m: pyo.ConcreteModel, ix: Index, par: Params, y: int) -> object:
    e = sum(grid_emissions_t(m, ix, par, r, k, t, yy) for r, k, t, yy in ix.RKTY if yy == y)
    e += sum(par.hours[t] * par.bridge_carbon_kg_per_mwh[r] / KG_PER_T * m.bridge_draw_mw[r, t, y] for r in ix.R_BRIDGE for t in ix.T)
    return e


def add_policy(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    W = par.year_weight
    buys = defaultdict(list)
    for r, g, y in ix.RGY:
        buys[(g, y)].append(r)
    supply = [(g, y) for (g, y) in buys if g in par.supply_units_per_year]
    m.c_policy_supply = pyo.Constraint(supply, rule=lambda _, g, y: sum(m.buy[r, g, y] for r in buys[(g, y)]) <= par.supply_units_per_year[g] * W[y])

    budget = [y for y in ix.Y if y in par.budget_usd_per_year]
    m.c_policy_budget = pyo.Constraint(budget, rule=lambda _, y: sum(investment_terms(m, y)) <= usd_to_musd(par.budget_usd_per_year[y] * W[y]))
    cap = [y for y in ix.Y if y in par.co2_cap_t]
    m.c_policy_co2 = pyo.Constraint(cap, rule=lambda _, y: emissions_t(m, ix, par, y) <= par.co2_cap_t[y])
    for r, k, t, y in ix.RKTY:
        price = par.carbon_price_usd_per_t.get(y)
        if price:
            add_cost(m, "carbon", y, usd_to_musd(price) * grid_emissions_t(m, ix, par, r, k, t, y), site=r)
