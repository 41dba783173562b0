"""Training family (FORMULATION.md §3): each program lands whole on one allowed campus.

.. math::
    Σ_r host[p,r] + skip[p] = 1                                                   ∀ p
    Σ_g alloc\\_train[r,g,l,y]\\,n_g\\,tps_{g,l}\\,util_l ≥ Σ_{p: l_p = l,\\ start_p ≤ y} host[p,r]\\,tokens_p   ∀ (r,l,y)
    host[p,r] ≤ open[r, y_p]      (y_p: first planning year ≥ start_p)
    mw[r,y] ≥ min\\_campus\\_mw_p · host[p,r]                                         ∀ y ≥ start_p
    host[p,r] exists only where r allows training and is on p's jurisdiction list (by construction).

Cost registered: a program left unhosted (skip = 1) loses its tokens at the layer's value,
value_l · tokens_p · 8760 · 3600 per year from its start.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.model.sets import HOURS_PER_YEAR, MTOK, MUSD, SECONDS_PER_HOUR, Sets
from tokensite.model.throughput import tokens_per_unit
from tokensite.model.variables import add_cost


def add_training(m: pyo.ConcreteModel, S: Sets, case: Case) -> None:
    if not S.P:
        return
    programs, layers = S.params["programs"], S.params["layers"]
    hosts_of = defaultdict(list)
    for p, r in S.PR:
        hosts_of[p].append(r)
    m.c_training_one_host = pyo.Constraint(S.P, rule=lambda _, p: sum(m.host[p, r] for r in hosts_of[p]) + m.skip[p] == 1)

    alloc_at = defaultdict(list)
    for r, g, l, y in S.RGLY_train:
        alloc_at[(r, l, y)].append(g)
    start = {p: int(programs.at[p, "start_year"]) for p in S.P}
    need = defaultdict(list)
    for p, r in S.PR:
        for y in S.Y:
            if y >= start[p]:
                need[(r, programs.at[p, "layer"], y)].append(p)
    m.c_training_throughput = pyo.Constraint(
        sorted(need),
        rule=lambda _, r, l, y: sum(tokens_per_unit(S, g, l) * m.alloc_train[r, g, l, y] for g in alloc_at.get((r, l, y), ()))
        >= sum(float(programs.at[p, "tokens_per_s"]) / MTOK * m.host[p, r] for p in need[(r, l, y)]),
    )
    first_year = {p: next(y for y in S.Y if y >= start[p]) for p in S.P}
    m.c_training_open = pyo.Constraint(S.PR, rule=lambda _, p, r: m.host[p, r] <= m.open[r, first_year[p]])
    rows = [(p, r, y) for p, r in S.PR for y in S.Y if y >= start[p]]
    m.c_training_campus = pyo.Constraint(rows, rule=lambda _, p, r, y: m.mw[r, y] >= float(programs.at[p, "min_campus_mw"]) * m.host[p, r])

    for p in S.P:
        l = programs.at[p, "layer"]
        annual = float(layers.at[l, "value_usd_per_mtok"]) * float(programs.at[p, "tokens_per_s"]) / MTOK * SECONDS_PER_HOUR * HOURS_PER_YEAR / MUSD
        for y in S.Y:
            if y >= start[p]:
                add_cost(m, "unhosted training", y, annual * m.skip[p])
