"""Reliability family (docs/formulation.md §6): no site carries more than a share of a metro's load.

.. math::
    flow[r,m,l,t,y] ≤ max\\_site\\_share_l · D_{m,l,y} · p_{m,l,t}

Written as upper bounds on flow (a share of 0.5 forces at least two sites per metro). For a
price-elastic layer-year (§1) the load is the demand bought, so the share is a row instead:

.. math::
    flow[r,m,l,t,y] ≤ max\\_site\\_share_l · D_{m,l,y} · p_{m,l,t} · Σ_b width_b (1 − declined[m,l,b,y])

with the bound at the most that may be bought, max_site_share_l · D p Σ_b width_b, for the
linking rows to read.
"""

from __future__ import annotations

import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.params import Params


def add_reliability(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    share, blocks = par.max_site_share, par.demand_blocks
    elastic_rows = []
    for r, mm, l, t, y in ix.E:
        if share[l] < 1:
            m.flow[r, mm, l, t, y].setub(share[l] * par.demand_mtok_per_s.get((mm, l, y), 0.0) * par.profile.get((mm, l, t), 1.0) * par.most_bought(l, y))
            if (l, y) in blocks and par.demand_mtok_per_s.get((mm, l, y), 0.0) > 0:
                elastic_rows.append((r, mm, l, t, y))

    def elastic_share(_, r, mm, l, t, y):
        need = share[l] * par.need_mtok_per_s(mm, l, t, y)
        return m.flow[r, mm, l, t, y] <= need * sum(width * (1 - m.declined[mm, l, b, y]) for b, (width, _v) in enumerate(blocks[(l, y)]))

    if elastic_rows:
        m.c_reliability_elastic = pyo.Constraint(elastic_rows, rule=elastic_share)
