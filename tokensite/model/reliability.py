"""Reliability family (FORMULATION.md §6): no site carries more than a share of a metro's load.

.. math::
    flow[r,m,l,t,y] ≤ max\\_site\\_share_l · D_{m,l,y} · p_{m,l,t}

Written as upper bounds on flow (a share of 0.5 forces at least two sites per metro).
"""

from __future__ import annotations

import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.model.sets import Sets


def add_reliability(m: pyo.ConcreteModel, S: Sets, case: Case) -> None:
    layers = S.params["layers"]
    share = {l: float(layers.at[l, "max_site_share"]) for l in S.LM}
    if all(s >= 1 for s in share.values()):
        return
    for r, mm, l, t, y in S.E:
        if share[l] < 1:
            m.flow[r, mm, l, t, y].setub(share[l] * S.demand.get((mm, l, y), 0.0) * S.profile.get((mm, l, t), 1.0))
