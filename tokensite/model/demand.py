"""Demand family (docs/formulation.md §1).

With served[m,l,t,y] = Σ_{r:(r,m,l)∈E} flow[r,m,l,t,y] (Mtok/s):

.. math::
    served + unserved ≥ (1 − max\\_shift_l)\\,D_{m,l,y}\\,p_{m,l,t}      ∀ (m,l,t,y),\\ 0 < max\\_shift_l < 1
    Σ_t h_t (served + unserved) = Σ_t h_t\\,D_{m,l,y}\\,p_{m,l,t}       ∀ (m,l,y),\\ max\\_shift_l > 0,\\quad h_t = w_t / Σ_t w_t
    served + unserved = D_{m,l,y}\\,p_{m,l,t}                          ∀ (m,l,t,y),\\ max\\_shift_l = 0

A layer that cannot shift has its slice rows as equalities and no year row: the year row is
then the h-weighted sum of the slice rows, which forces every ≥ slice row tight, so the LP had
no strict interior and an unbounded set of optimal duals (interior point slowed 3× per
iteration on the continental benchmark; issue 12).

The year row is weighted by each slice's share of the year's hours, h_t, rather than by its
hours w_t: the same row divided by 8,760, with coefficients and right-hand side near the
Mtok/s they count (hour weights put right-hand sides near 10^7, which HiGHS flags as badly
scaled and which stalled its interior point once the linking rows were added).

Pooled layers (not metro-bound, e.g. batch) obey the same two rows for their demand summed
over the metros of pool group j (a jurisdiction where residency applies, else the world),
served by pool[r,l,t,y] at any site of the group. Pooled tokens made where the group has
no demand are fixed at 0.

Costs registered: unserved tokens at the layer's value in that year, value_{l,y} · unserved · 3600 w_t, and
network transit, transit_usd_per_mtok · flow · 3600 w_t (both per year, MUSD).
Price rows: ``c_demand_year`` (token_year) and ``c_demand_slice`` (token_slice).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.ledger import add_cost, register_price_rows
from tokensite.model.params import Params
from tokensite.units import SECONDS_PER_HOUR, usd_to_musd


def add_demand(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    w, shift = par.hour_share, par.max_shift
    served = defaultdict(list)
    for r, mm, l, t, y in ix.E:
        served[(mm, l, t, y)].append(r)
    mly = sorted({(mm, l, y) for (mm, l, t, y) in ix.MLTY})

    def lhs(mm, l, t, y):
        return sum(m.flow[r, mm, l, t, y] for r in served.get((mm, l, t, y), ())) + m.unserved[mm, l, t, y]

    def slice_rule(_, mm, l, t, y):
        need = (1 - shift[l]) * par.need_mtok_per_s(mm, l, t, y)
        return lhs(mm, l, t, y) == need if shift[l] == 0 else lhs(mm, l, t, y) >= need

    slice_rows = [(mm, l, t, y) for (mm, l, t, y) in ix.MLTY if shift[l] < 1]
    m.c_demand_slice = pyo.Constraint(slice_rows, rule=slice_rule)
    m.c_demand_year = pyo.Constraint(
        [k for k in mly if shift[k[1]] > 0],
        rule=lambda _, mm, l, y: sum(w[t] * lhs(mm, l, t, y) for t in ix.T) == sum(w[t] * par.need_mtok_per_s(mm, l, t, y) for t in ix.T)
    )
    register_price_rows(m, "token_slice", m.c_demand_slice)
    register_price_rows(m, "token_year", m.c_demand_year)

    pool_at = defaultdict(list)
    for r, l, t, y in ix.RLTY_POOL:
        pool_at[(l, ix.POOL_GROUP[(r, l)], t, y)].append(r)
    pool_need = par.pool_demand_mtok_per_s

    def plhs(l, j, t, y):
        return sum(m.pool[r, l, t, y] for r in pool_at.get((l, j, t, y), ())) + m.unserved_pool[l, j, t, y]

    ljty = set(ix.LJTY)
    ljy = sorted({(l, j, y) for (l, j, t, y) in ix.LJTY})
    def pool_slice_rule(_, l, j, t, y):
        need = (1 - shift[l]) * pool_need[(l, j, t, y)]
        return plhs(l, j, t, y) == need if shift[l] == 0 else plhs(l, j, t, y) >= need

    pslice = [k for k in ix.LJTY if shift[k[0]] < 1]
    m.c_demand_pool_slice = pyo.Constraint(pslice, rule=pool_slice_rule)
    m.c_demand_pool_year = pyo.Constraint(
        [k for k in ljy if shift[k[0]] > 0], rule=lambda _, l, j, y: sum(w[t] * plhs(l, j, t, y) for t in ix.T if (l, j, t, y) in ljty) == sum(w[t] * pool_need.get((l, j, t, y), 0.0) for t in ix.T)
    )
    for k in ix.RLTY_POOL:
        r, l, _, y = k
        if not any((l, ix.POOL_GROUP[(r, l)], t, y) in ljty for t in ix.T):
            m.pool[k].fix(0)

    mtok_per_year = {t: SECONDS_PER_HOUR * par.hours[t] for t in ix.T}  # Mtok in a year per Mtok/s held in slice t
    value = par.value_usd_per_mtok
    for mm, l, t, y in ix.MLTY:
        add_cost(m, "unserved tokens", y, usd_to_musd(value[(l, y)] * mtok_per_year[t]) * m.unserved[mm, l, t, y])
    for l, j, t, y in ix.LJTY:
        add_cost(m, "unserved tokens", y, usd_to_musd(value[(l, y)] * mtok_per_year[t]) * m.unserved_pool[l, j, t, y])
    for r, mm, l, t, y in ix.E:
        c = par.transit_usd_per_mtok.get((r, mm, l), 0.0)
        if c:
            add_cost(m, "transit", y, usd_to_musd(c * mtok_per_year[t]) * m.flow[r, mm, l, t, y], site=r)
