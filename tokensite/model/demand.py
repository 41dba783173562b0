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
over the metros of pool group j (by the layer's residency, layers.csv: a market, a jurisdiction or
a country, or the world under none; :mod:`tokensite.dataset.residency`), served by pool[r,l,t,y]
at any site of the group. Pooled tokens made where the group has
no demand are fixed at 0.

**Price-elastic demand** (optional ``elasticity.csv``; docs/formulation.md §1). For a layer-year
(l, y) with a row, the fixed demand D p_t is replaced, in both rows above, by the demand bought,

.. math::
    D_{m,l,y}\\,p_{m,l,t} \\; Σ_b width_b\\,(1 − declined[m,l,b,y]),\\qquad 0 ≤ declined ≤ 1

with the blocks b of :func:`tokensite.model.params.demand_blocks` (width_b in multiples of D,
value v_b falling in b), and ``unserved`` fixed at 0: a block not worth serving is declined at
its own value instead. The declined terms move to the left-hand side, so a row reads
served + unserved + (1 − s_l) D p_t Σ_b width_b declined_b ≥ (1 − s_l) D p_t Σ_b width_b. Because
v_b falls with b the LP declines the last blocks first; no integer is needed. Pooled layers get
the same blocks on their group's pooled demand (``declined_pool``). A layer-year without a row is
built exactly as above, term for term.

Costs registered: unserved tokens at the layer's value in that year, value_{l,y} · unserved · 3600 w_t; declined
demand, v_b · width_b · declined_b · Σ_t 3600 w_t D p_t; and network transit,
transit_usd_per_mtok · flow · 3600 w_t (all per year, MUSD).
Price rows: ``c_demand_year`` (token_year) and ``c_demand_slice`` (token_slice).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.ledger import add_cost, register_price_rows
from tokensite.model.params import Params
from tokensite.units import SECONDS_PER_HOUR, usd_to_musd


def _declined_mtok_per_s(declined: pyo.Var, blocks: dict, key: tuple, l: str, y: int) -> object | None:
    """Σ_b width_b · declined_b: the share of the reference demand declined (None for fixed demand)."""
    if (l, y) not in blocks:
        return None
    return sum(width * declined[(*key, b, y)] for b, (width, _v) in enumerate(blocks[(l, y)]))


def add_demand(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    w, shift, blocks = par.hour_share, par.max_shift, par.demand_blocks
    served = defaultdict(list)
    for r, mm, l, t, y in ix.E:
        served[(mm, l, t, y)].append(r)
    mly = sorted({(mm, l, y) for (mm, l, t, y) in ix.MLTY})

    def lhs(mm, l, t, y):
        return sum(m.flow[r, mm, l, t, y] for r in served.get((mm, l, t, y), ())) + m.unserved[mm, l, t, y]

    def held(made, need, declined, l, y):
        """A slice row: equality for a layer that cannot shift, else at least its share; an elastic
        demand's declined blocks count as held, against the most that may be bought."""
        row, rhs = (made, need) if declined is None else (made + need * declined, need * par.most_bought(l, y))
        return row == rhs if shift[l] == 0 else row >= rhs

    def slice_rule(_, mm, l, t, y):
        need = (1 - shift[l]) * par.need_mtok_per_s(mm, l, t, y)
        return held(lhs(mm, l, t, y), need, _declined_mtok_per_s(m.declined, blocks, (mm, l), l, y), l, y)

    def year_rule(_, mm, l, y):
        need = sum(w[t] * par.need_mtok_per_s(mm, l, t, y) for t in ix.T)
        declined = _declined_mtok_per_s(m.declined, blocks, (mm, l), l, y)
        if declined is None:
            return sum(w[t] * lhs(mm, l, t, y) for t in ix.T) == need
        return sum(w[t] * lhs(mm, l, t, y) for t in ix.T) + need * declined == need * par.most_bought(l, y)

    slice_rows = [(mm, l, t, y) for (mm, l, t, y) in ix.MLTY if shift[l] < 1]
    m.c_demand_slice = pyo.Constraint(slice_rows, rule=slice_rule)
    m.c_demand_year = pyo.Constraint([k for k in mly if shift[k[1]] > 0], rule=year_rule)
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
        return held(plhs(l, j, t, y), need, _declined_mtok_per_s(m.declined_pool, blocks, (l, j), l, y), l, y)

    def pool_year_rule(_, l, j, y):
        need = sum(w[t] * pool_need.get((l, j, t, y), 0.0) for t in ix.T)
        made = sum(w[t] * plhs(l, j, t, y) for t in ix.T if (l, j, t, y) in ljty)
        declined = _declined_mtok_per_s(m.declined_pool, blocks, (l, j), l, y)
        if declined is None:
            return made == need
        return made + need * declined == need * par.most_bought(l, y)

    pslice = [k for k in ix.LJTY if shift[k[0]] < 1]
    m.c_demand_pool_slice = pyo.Constraint(pslice, rule=pool_slice_rule)
    m.c_demand_pool_year = pyo.Constraint([k for k in ljy if shift[k[0]] > 0], rule=pool_year_rule)
    for k in ix.RLTY_POOL:
        r, l, _, y = k
        if not any((l, ix.POOL_GROUP[(r, l)], t, y) in ljty for t in ix.T):
            m.pool[k].fix(0)

    mtok_per_year = {t: SECONDS_PER_HOUR * par.hours[t] for t in ix.T}  # Mtok in a year per Mtok/s held in slice t
    value = par.value_usd_per_mtok
    for mm, l, t, y in ix.MLTY:
        if (l, y) in blocks:
            m.unserved[mm, l, t, y].fix(0)
        else:
            add_cost(m, "unserved tokens", y, usd_to_musd(value[(l, y)] * mtok_per_year[t]) * m.unserved[mm, l, t, y])
    for l, j, t, y in ix.LJTY:
        if (l, y) in blocks:
            m.unserved_pool[l, j, t, y].fix(0)
        else:
            add_cost(m, "unserved tokens", y, usd_to_musd(value[(l, y)] * mtok_per_year[t]) * m.unserved_pool[l, j, t, y])
    for mm, l, b, y in ix.MLBY:
        width, v = blocks[(l, y)][b]
        reference_mtok = sum(par.need_mtok_per_s(mm, l, t, y) * mtok_per_year[t] for t in ix.T)
        add_cost(m, "declined demand", y, usd_to_musd(v * width * reference_mtok) * m.declined[mm, l, b, y])
    for l, j, b, y in ix.LJBY:
        width, v = blocks[(l, y)][b]
        reference_mtok = sum(pool_need.get((l, j, t, y), 0.0) * mtok_per_year[t] for t in ix.T)
        add_cost(m, "declined demand", y, usd_to_musd(v * width * reference_mtok) * m.declined_pool[l, j, b, y])
    for r, mm, l, t, y in ix.E:
        c = par.transit_usd_per_mtok.get((r, mm, l), 0.0)
        if c:
            add_cost(m, "transit", y, usd_to_musd(c * mtok_per_year[t]) * m.flow[r, mm, l, t, y], site=r)
