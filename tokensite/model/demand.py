"""Demand family (FORMULATION.md §1).

With served[m,l,t,y] = Σ_{r:(r,m,l)∈E} flow[r,m,l,t,y] (Mtok/s):

.. math::
    served + unserved ≥ (1 − max\\_shift_l)\\,D_{m,l,y}\\,p_{m,l,t}      ∀ (m,l,t,y),\\ max\\_shift_l < 1
    Σ_t w_t (served + unserved) = Σ_t w_t\\,D_{m,l,y}\\,p_{m,l,t}       ∀ (m,l,y)

Pooled layers (not metro-bound, e.g. batch) obey the same two rows for their demand summed
over metros (per jurisdiction when residency applies), served by pool[r,l,t,y] at any site.

Costs registered: unserved tokens at the layer's value, value_l · unserved · 3600 w_t, and
network transit, transit_usd_per_mtok · flow · 3600 w_t (both per year, MUSD).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.model.sets import MUSD, SECONDS_PER_HOUR, Sets
from tokensite.model.variables import add_cost


def add_demand(m: pyo.ConcreteModel, S: Sets, case: Case) -> None:
    layers = S.params["layers"]
    w = S.hours
    served = defaultdict(list)
    for r, mm, l, t, y in S.E:
        served[(mm, l, t, y)].append(r)
    mly = sorted({(mm, l, y) for (mm, l, t, y) in S.MLTY})

    def lhs(mm, l, t, y):
        return sum(m.flow[r, mm, l, t, y] for r in served.get((mm, l, t, y), ())) + m.unserved[mm, l, t, y]

    def need(mm, l, t, y):
        return S.demand[(mm, l, y)] * S.profile.get((mm, l, t), 1.0)

    slice_rows = [(mm, l, t, y) for (mm, l, t, y) in S.MLTY if layers.at[l, "max_shift"] < 1]
    m.c_demand_slice = pyo.Constraint(slice_rows, rule=lambda _, mm, l, t, y: lhs(mm, l, t, y) >= (1 - layers.at[l, "max_shift"]) * need(mm, l, t, y))
    m.c_demand_year = pyo.Constraint(mly, rule=lambda _, mm, l, y: sum(w[t] * lhs(mm, l, t, y) for t in S.T) == sum(w[t] * need(mm, l, t, y) for t in S.T))

    pool_at = defaultdict(list)
    for r, l, t, y in S.POOL:
        pool_at[(l, S.pool_group[(r, l)], t, y)].append(r)

    def plhs(l, g, t, y):
        return sum(m.pool[r, l, t, y] for r in pool_at.get((l, g, t, y), ())) + m.unserved_pool[l, g, t, y]

    glty = set(S.GLTY)
    gly = sorted({(l, g, y) for (l, g, t, y) in S.GLTY})
    pslice = [k for k in S.GLTY if layers.at[k[0], "max_shift"] < 1]
    m.c_demand_pool_slice = pyo.Constraint(pslice, rule=lambda _, l, g, t, y: plhs(l, g, t, y) >= (1 - layers.at[l, "max_shift"]) * S.pool_demand[(l, g, t, y)])
    m.c_demand_pool_year = pyo.Constraint(
        gly, rule=lambda _, l, g, y: sum(w[t] * plhs(l, g, t, y) for t in S.T if (l, g, t, y) in glty) == sum(w[t] * S.pool_demand.get((l, g, t, y), 0.0) for t in S.T)
    )

    # pooled tokens produced where there is no pooled demand in that group are useless; forbid them
    orphan = [k for k in S.POOL if not any((k[1], S.pool_group[(k[0], k[1])], t, k[3]) in glty for t in S.T)]
    for k in orphan:
        m.pool[k].fix(0)

    value = {l: float(layers.at[l, "value_usd_per_mtok"]) for l in S.L}
    tok_per_mtoks = {t: SECONDS_PER_HOUR * w[t] for t in S.T}  # Mtok in a year per Mtok/s held in slice t
    for mm, l, t, y in S.MLTY:
        add_cost(m, "unserved tokens", y, value[l] * tok_per_mtoks[t] / MUSD * m.unserved[mm, l, t, y])
    for l, g, t, y in S.GLTY:
        add_cost(m, "unserved tokens", y, value[l] * tok_per_mtoks[t] / MUSD * m.unserved_pool[l, g, t, y])
    for r, mm, l, t, y in S.E:
        c = S.params["transit"].get((r, mm, l), 0.0)
        if c:
            add_cost(m, "transit", y, c * tok_per_mtoks[t] / MUSD * m.flow[r, mm, l, t, y], site=r)
