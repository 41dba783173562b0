"""Throughput family (FORMULATION.md §2): tokens need allocated GPUs; GPUs need a fleet.

.. math::
    Σ_m flow[r,m,l,t,y] ≤ Σ_g alloc[r,g,l,t,y]\\,n_g\\,tps_{g,l}\\,util_l        ∀ (r,l,t,y),\\ l ∈ L^{metro}
    pool[r,l,t,y] ≤ Σ_g alloc[r,g,l,t,y]\\,n_g\\,tps_{g,l}\\,util_l              ∀ (r,l,t,y),\\ l ∈ L^{pooled}
    Σ_l alloc[r,g,l,t,y] + Σ_l alloc\\_train[r,g,l,y] ≤ fleet[r,g,y]            ∀ (r,g,t,y)
    fleet[r,g,y] = Σ_{y' ≤ y < y' + life_g} buy[r,g,y']

The same GPUs may serve interactive by day and batch by night (alloc is per slice);
training allocation has no slice index, so it is the same in every slice.

Cost registered: GPU capex of every active vintage, buy · n_g · capex_g · CRF(rate, life_g).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.model.sets import MTOK, MUSD, Sets, crf
from tokensite.model.variables import add_cost


def tokens_per_unit(S: Sets, g: str, l: str) -> float:
    """Mtok/s one fully allocated GPU unit of g delivers on layer l."""
    gpus, layers = S.params["gpus"], S.params["layers"]
    return float(gpus.at[g, "gpus_per_unit"]) * S.params["tput"][(g, l)] * float(layers.at[l, "util_max"]) / MTOK


def add_throughput(m: pyo.ConcreteModel, S: Sets, case: Case) -> None:
    alloc_at = defaultdict(list)
    for r, g, l, t, y in S.RGLTY:
        alloc_at[(r, l, t, y)].append(g)
    flow_at = defaultdict(list)
    for r, mm, l, t, y in S.E:
        flow_at[(r, l, t, y)].append(mm)

    def capacity(r, l, t, y):
        return sum(tokens_per_unit(S, g, l) * m.alloc[r, g, l, t, y] for g in alloc_at.get((r, l, t, y), ()))

    m.c_throughput_metro = pyo.Constraint(sorted(flow_at), rule=lambda _, r, l, t, y: sum(m.flow[r, mm, l, t, y] for mm in flow_at[(r, l, t, y)]) <= capacity(r, l, t, y))
    m.c_throughput_pool = pyo.Constraint(S.POOL, rule=lambda _, r, l, t, y: m.pool[r, l, t, y] <= capacity(r, l, t, y))

    layers_at = defaultdict(list)
    for r, g, l, t, y in S.RGLTY:
        layers_at[(r, g, t, y)].append(l)
    train_at = defaultdict(list)
    for r, g, l, y in S.RGLY_train:
        train_at[(r, g, y)].append(l)
    m.fleet = pyo.Expression(sorted(S.fleet_of), rule=lambda _, r, g, y: sum(m.buy[k] for k in S.fleet_of[(r, g, y)]))
    rows = [(r, g, t, y) for (r, g, y) in S.fleet_of for t in S.T if layers_at.get((r, g, t, y)) or train_at.get((r, g, y))]
    m.c_throughput_fleet = pyo.Constraint(
        rows,
        rule=lambda _, r, g, t, y: sum(m.alloc[r, g, l, t, y] for l in layers_at.get((r, g, t, y), ()))
        + sum(m.alloc_train[r, g, l, y] for l in train_at.get((r, g, y), ()))
        <= m.fleet[r, g, y],
    )

    gpus = S.params["gpus"]
    for (r, g, y), vintages in S.fleet_of.items():
        unit_usd = float(gpus.at[g, "gpus_per_unit"]) * float(gpus.at[g, "capex_usd_per_gpu"]) * case.scale.gpu_capex
        annual = unit_usd * crf(case.discount_rate, float(gpus.at[g, "lifetime_years"])) / MUSD
        add_cost(m, f"gpus:{g}", y, annual * sum(m.buy[k] for k in vintages), site=r)
