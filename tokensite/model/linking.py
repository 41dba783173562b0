"""Linking family (docs/formulation.md §7): nothing is made, bought or connected at a closed site.

These rows cut off no integer plan that could be optimal; they tighten the LP relaxation, the
way x_ij ≤ d_j y_i tightens the textbook capacitated facility-location problem:

.. math::
    Σ_t h_t flow[r,m,l,t,y] ≤ Σ_t h_t U_{m,l,t,y} · open[r,y],\\qquad U = \\min\\big(ub(flow),\\ (1 − s_l) \\bar D_{m,l,y} p_{m,l,t} + s_l N_{m,l,y} / w_t\\big)
    pool[r,l,t,y] ≤ U^{pool}_{l,j,t,y} · open[r,y]                 (the same bound on group j's pooled demand)
    take[q] ≤ open[r_q, y_{last}]
    bridge\\_mw[r,y] ≤ bridge\\_max_r · open[r,y]

The flow row is summed over the slices with their hour shares h_t: one row per route and year
keeps the disaggregation by metro that gives facility location its strength, with a sixth of
the rows of one per slice (which tripled the interior point's time on the world case). s_l is
max_shift and N = Σ_t w_t D̄ p the year's demand, with D̄ = D, or for a price-elastic layer the most
that may be bought, D Σ_b width_b (§1): the demand rows let slice t carry at
most its own share plus everything the other slices may shift into it. ub(flow) is the
reliability family's share bound where it set one. Allocation needs no row of its own:
draw ≤ facility_mw ≤ max_mw · open already links it. A tranche's row uses the last year
because a tranche may be taken before the site it serves opens.

With the binaries fixed every row here is implied by the others (the demand rows cap each
flow; a closed site has no facility, so no draw), so they are registered as tightening rows
and left out of the fixed-integer LPs whose duals become prices.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.ledger import register_tightening
from tokensite.model.params import Params


def most_in_slice(need: dict[str, float], hours: dict[str, float], shift: float) -> dict[str, float]:
    """The most a slice can carry of a demand ``need[t]`` (Mtok/s) whose share ``shift`` may move."""
    year = sum(hours[t] * v for t, v in need.items())
    return {t: (1 - shift) * v + shift * year / hours[t] for t, v in need.items()}


def metro_slice_caps(ix: Index, par: Params) -> dict[tuple, float]:
    """U_{m,l,t,y}: the most the demand rows let all routes to metro m carry of layer l in slice t (Mtok/s)."""
    cap: dict[tuple, float] = {}
    for mm, l, y in {(mm, l, y) for (mm, l, _, y) in ix.MLTY}:
        need = {t: par.need_mtok_per_s(mm, l, t, y) * par.most_bought(l, y) for t in ix.T}
        cap.update({(mm, l, t, y): v for t, v in most_in_slice(need, par.hours, par.max_shift[l]).items()})
    return cap


def add_linking(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    w = par.hours
    metro_cap = metro_slice_caps(ix, par)
    pool_need = defaultdict(dict)
    for (l, j, t, y), v in par.pool_demand_mtok_per_s.items():
        pool_need[(l, j, y)][t] = v * par.most_bought(l, y)
    pool_cap = {(l, j, t, y): v for (l, j, y), need in pool_need.items() for t, v in most_in_slice(need, w, par.max_shift[l]).items()}

    def flow_cap(r, mm, l, t, y):
        ub = m.flow[r, mm, l, t, y].ub
        return min(metro_cap.get((mm, l, t, y), 0.0), ub if ub is not None else float("inf"))

    h = par.hour_share
    routes = sorted({(r, mm, l, y) for (r, mm, l, _t, y) in ix.E})
    m.c_linking_flow = pyo.Constraint(
        routes, rule=lambda _, r, mm, l, y: sum(h[t] * m.flow[r, mm, l, t, y] for t in ix.T) <= sum(h[t] * flow_cap(r, mm, l, t, y) for t in ix.T) * m.open[r, y]
    )
    pool_rows = [k for k in ix.RLTY_POOL if not m.pool[k].fixed]
    m.c_linking_pool = pyo.Constraint(
        pool_rows, rule=lambda _, r, l, t, y: m.pool[r, l, t, y] <= pool_cap.get((l, ix.POOL_GROUP[(r, l)], t, y), 0.0) * m.open[r, y]
    )
    last = ix.Y[-1]
    m.c_linking_tranche = pyo.Constraint(ix.Q, rule=lambda _, q: m.take[q] <= m.open[par.tranche_site[q], last])
    m.c_linking_bridge = pyo.Constraint([(r, y) for r in ix.R_BRIDGE for y in ix.Y], rule=lambda _, r, y: m.bridge_mw[r, y] <= par.bridge_max_mw[r] * m.open[r, y])
    for rows in (m.c_linking_flow, m.c_linking_pool, m.c_linking_tranche, m.c_linking_bridge):
        register_tightening(m, rows)
