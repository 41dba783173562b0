"""Supply and policy family (FORMULATION.md §8), all optional and data-driven.

.. math::
    Σ_r buy[r,g,y] ≤ supply_g · W_y                                  (supply_units_per_year given)
    capex\\_spent_y / W_y ≤ budget_y                                   (policy.csv budget_usd given)
    Σ_{r,t} w_t (Σ_k energy\\,c_r + bridge\\_energy\\,c^{bridge}_r) / 1000 ≤ cap_y   (co2_cap_t given)

W_y is the number of calendar years planning year y stands for, so supply and budget are per
calendar year. capex_spent_y is the overnight investment made in y: GPUs bought, facility MW
added, sites opened, tranches energised. The carbon price adds price · emissions to the cost.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.model.sets import MUSD, Sets
from tokensite.model.variables import add_cost


def emissions_t(m: pyo.ConcreteModel, S: Sets, y: int):
    regions = S.params["regions"]
    e = sum(S.hours[t] * float(regions.at[r, "carbon_kg_per_mwh"]) / 1000 * m.energy[r, k, t, yy] for r, k, t, yy in S.RKTY if yy == y)
    e += sum(S.hours[t] * float(regions.at[r, "bridge_carbon_kg_per_mwh"]) / 1000 * m.bridge_energy[r, t, y] for r in S.BRIDGE_R for t in S.T)
    return e


def add_policy(m: pyo.ConcreteModel, S: Sets, case: Case) -> None:
    gpus, regions, queue = S.params["gpus"], S.params["regions"], S.params["queue"]
    policy = S.params["policy"]
    W = S.year_weight
    buys = defaultdict(list)
    for r, g, y in S.RGY:
        buys[(g, y)].append(r)
    supply = [(g, y) for (g, y) in buys if pd.notna(gpus.at[g, "supply_units_per_year"])]
    m.c_policy_supply = pyo.Constraint(supply, rule=lambda _, g, y: sum(m.buy[r, g, y] for r in buys[(g, y)]) <= float(gpus.at[g, "supply_units_per_year"]) * W[y])

    def col(y, name):
        return float(policy.at[y, name]) if y in policy.index and pd.notna(policy.at[y, name]) else None

    Y = S.Y

    def spent(y):
        i = Y.index(y)
        prev = Y[i - 1] if i else None
        gpu = sum(float(gpus.at[g, "gpus_per_unit"]) * float(gpus.at[g, "capex_usd_per_gpu"]) * case.scale.gpu_capex * m.buy[r, g, yy] for r, g, yy in S.RGY if yy == y)
        fac = sum(float(regions.at[r, "facility_capex_usd_per_mw"]) * (m.mw[r, y] - (m.mw[r, prev] if prev else 0)) for r in S.R)
        site = sum(float(regions.at[r, "site_fixed_usd"]) * (m.open[r, y] - (m.open[r, prev] if prev else 0)) for r in S.R)
        tr = sum(float(queue.at[q, "mw"]) * 1000 * float(queue.at[q, "cost_usd_per_kw"]) * m.take[q] for q in S.Q if (prev or -1) < int(queue.at[q, "online_year"]) <= y)
        return (gpu + fac + site + tr) / MUSD

    budget = [y for y in Y if col(y, "budget_usd") is not None]
    m.c_policy_budget = pyo.Constraint(budget, rule=lambda _, y: spent(y) <= col(y, "budget_usd") * W[y] / MUSD)
    cap = [y for y in Y if col(y, "co2_cap_t") is not None]
    m.c_policy_co2 = pyo.Constraint(cap, rule=lambda _, y: emissions_t(m, S, y) <= col(y, "co2_cap_t"))
    for y in Y:
        price = col(y, "carbon_price_usd_per_t")
        if not price:
            continue
        for r, k, t, yy in S.RKTY:
            if yy == y:
                add_cost(m, "carbon", y, price / MUSD * S.hours[t] * float(regions.at[r, "carbon_kg_per_mwh"]) / 1000 * m.energy[r, k, t, y], site=r)
        for r in S.BRIDGE_R:
            add_cost(m, "carbon", y, price / MUSD * sum(S.hours[t] * float(regions.at[r, "bridge_carbon_kg_per_mwh"]) / 1000 * m.bridge_energy[r, t, y] for t in S.T), site=r)
