"""Training family (docs/formulation.md §3): each program lands whole on one allowed campus.

.. math::
    Σ_r host[p,r] + skip[p] = 1                                                   ∀ p
    Σ_g alloc\\_train[r,g,l,y]\\,mtok\\_per\\_s\\_per\\_unit_{g,l,y} ≥ Σ_{p: l_p = l,\\ start_p ≤ y} host[p,r]\\,tokens_p   ∀ (r,l,y)
    host[p,r] ≤ open[r, y_p]      (y_p: first planning year ≥ start_p)
    facility\\_mw[r,y] ≥ min\\_campus\\_mw_p · host[p,r]                               ∀ y ≥ start_p
    host[p,r] exists only where r allows training, is on p's jurisdiction list and can
    hold min_campus_mw_p (by construction of PR).
    skip[p] = 0                                                                    ∀ committed p

Cost registered: a program left unhosted (skip = 1) loses its tokens at its value,
value_{p,y} · tokens_p · 8760 · 3600 in each year y from its start, where value_{p,y} is training.csv's
``value_usd_per_mtok`` of the program when given, else the layer's value by year value_{l_p,y}.

A committed program (training.csv ``committed``) must be hosted, whatever it costs: the row
``c_training_committed`` is the data's statement that skipping is not an option, so it cuts off only
plans that skip it (its unhosted cost is then never paid). Whether some campus can hold it at all is
checked from the data before the build (:mod:`tokensite.model.committed`); the rounding never
rounds its group to the skip (:mod:`tokensite.solver.rounding`, ``must_host``).
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.ledger import add_cost
from tokensite.model.params import Params
from tokensite.model.throughput import capacity_mtok_per_s
from tokensite.units import HOURS_PER_YEAR, mtok_per_year, tokens_to_mtok, usd_to_musd


def add_training(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    if not ix.P:
        return
    start, layer_of = par.program_start_year, par.program_layer
    hosts_of = defaultdict(list)
    for p, r in ix.PR:
        hosts_of[p].append(r)
    m.c_training_one_host = pyo.Constraint(ix.P, rule=lambda _, p: sum(m.host[p, r] for r in hosts_of[p]) + m.skip[p] == 1)

    alloc_at = defaultdict(list)
    for r, g, l, y in ix.RGLY_TRAIN:
        alloc_at[(r, l, y)].append((g, l, m.alloc_train[r, g, l, y]))
    need = defaultdict(list)
    for p, r in ix.PR:
        for y in ix.Y:
            if y >= start[p]:
                need[(r, layer_of[p], y)].append(p)
    m.c_training_throughput = pyo.Constraint(
        sorted(need),
        rule=lambda _, r, l, y: capacity_mtok_per_s(par, alloc_at.get((r, l, y), ()), y) >= sum(tokens_to_mtok(par.program_tokens_per_s[p]) * m.host[p, r] for p in need[(r, l, y)]),
    )
    m.c_training_open = pyo.Constraint(ix.PR, rule=lambda _, p, r: m.host[p, r] <= m.open[r, ix.first_year_from(start[p])])
    rows = [(p, r, y) for p, r in ix.PR for y in ix.Y if y >= start[p]]
    m.c_training_campus = pyo.Constraint(rows, rule=lambda _, p, r, y: m.facility_mw[r, y] >= par.program_min_campus_mw[p] * m.host[p, r])

    for p in ix.P:
        mtok = mtok_per_year(tokens_to_mtok(par.program_tokens_per_s[p]), HOURS_PER_YEAR)
        for y in ix.Y:
            if y >= start[p]:
                add_cost(m, "unhosted training", y, usd_to_musd(par.program_value_usd_per_mtok(p, y) * mtok) * m.skip[p])

    committed = [p for p in ix.P if p in par.program_committed]
    m.c_training_committed = pyo.Constraint(committed, rule=lambda _, p: m.skip[p] == 0)
