"""Throughput family (docs/formulation.md §2): tokens need allocated GPUs; GPUs need a fleet.

.. math::
    Σ_m flow[r,m,l,t,y] ≤ Σ_g alloc[r,g,l,t,y]\\,mtok\\_per\\_s\\_per\\_unit_{g,l,y}      ∀ (r,l,t,y),\\ l ∈ L^{metro}
    pool[r,l,t,y] ≤ Σ_g alloc[r,g,l,t,y]\\,mtok\\_per\\_s\\_per\\_unit_{g,l,y}            ∀ (r,l,t,y),\\ l ∈ L^{pooled}
    Σ_l alloc[r,g,l,t,y] + Σ_l alloc\\_train[r,g,l,y] ≤ fleet[r,g,y]                  ∀ (r,g,t,y)

with mtok_per_s_per_unit_{g,l,y} = n_g · tps_{g,l,y} · util_l / 10^6, tps_{g,l,y} throughput.csv's row of
(g, l) with the latest ``year`` ≤ y (a blank year holds for every year; model/gpu_rules.py): every
vintage of g makes more tokens as its software improves, at the same power. The same GPUs may serve
interactive by day and batch by night (alloc is per slice); training allocation has no
slice index, so it is the same in every slice.

Cost registered: GPU capex of every active vintage, buy[r,g,y'] · capex_{r,g,y'} · CRF(rate, life_g), with
capex_{r,g,y'} the unit capex of the vintage's year and site (``Params.unit_capex_usd``: gpus.csv's price,
or gpu_prices.csv's of the year, times a licence multiplier of gpu_access.csv; model/gpu_rules.py).
Investment registered: buy · capex_{r,g,y} in the year bought.
Price rows: ``c_throughput_metro`` (site_token_capacity).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.ledger import add_cost, add_investment, register_price_rows
from tokensite.model.params import Params
from tokensite.model.shared import working_units
from tokensite.units import usd_to_musd


def capacity_mtok_per_s(par: Params, alloc: list[tuple[str, str, object]], y: int) -> object:
    """Σ mtok_per_s_per_unit[g,l,y] · alloc over (g, l, alloc variable) triples of year y."""
    return sum(par.mtok_per_s_per_unit_in(g, l, y) * v for g, l, v in alloc)


def add_throughput(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    alloc_at = defaultdict(list)
    for r, g, l, t, y in ix.RGLTY:
        alloc_at[(r, l, t, y)].append((g, l, m.alloc[r, g, l, t, y]))
    flow_at = defaultdict(list)
    for r, mm, l, t, y in ix.E:
        flow_at[(r, l, t, y)].append(mm)

    def capacity(r, l, t, y):
        return capacity_mtok_per_s(par, alloc_at.get((r, l, t, y), ()), y)

    m.c_throughput_metro = pyo.Constraint(sorted(flow_at), rule=lambda _, r, l, t, y: sum(m.flow[r, mm, l, t, y] for mm in flow_at[(r, l, t, y)]) <= capacity(r, l, t, y))
    m.c_throughput_pool = pyo.Constraint(ix.RLTY_POOL, rule=lambda _, r, l, t, y: m.pool[r, l, t, y] <= capacity(r, l, t, y))
    register_price_rows(m, "site_token_capacity", m.c_throughput_metro)

    working, can_work = working_units(m, ix)
    rows = [(r, g, t, y) for (r, g, y) in ix.FLEET for t in ix.T if can_work(r, g, t, y)]
    m.c_throughput_fleet = pyo.Constraint(rows, rule=lambda _, r, g, t, y: working(r, g, t, y) <= m.fleet[r, g, y])

    for (r, g, y), vintages in ix.FLEET.items():
        capex = [par.unit_capex_usd(*k) for k in vintages]
        if all(c == par.gpu_unit_capex_usd[g] for c in capex):  # one price for every vintage: the term as before issue 27
            annual = usd_to_musd(par.gpu_unit_capex_usd[g] * par.gpu_crf[g])
            add_cost(m, f"gpus:{g}", y, annual * sum(m.buy[k] for k in vintages), site=r)
        else:
            add_cost(m, f"gpus:{g}", y, sum(usd_to_musd(c * par.gpu_crf[g]) * m.buy[k] for c, k in zip(capex, vintages)), site=r)
    for r, g, y in ix.RGY:
        add_investment(m, y, usd_to_musd(par.unit_capex_usd(r, g, y)) * m.buy[r, g, y])
