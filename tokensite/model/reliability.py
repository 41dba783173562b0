"""Reliability family (docs/formulation.md §6): no site carries more than a share of a metro's load.

.. math::
    flow[r,m,l,t,y] ≤ max\\_site\\_share_l · D_{m,l,y} · p_{m,l,t}

Written as upper bounds on flow (a share of 0.5 forces at least two sites per metro).
"""

from __future__ import annotations

import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.params import Params


def add_reliability(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    share = par.max_site_share
    for r, mm, l, t, y in ix.E:
        if share[l] < 1:
            m.flow[r, mm, l, t, y].setub(share[l] * par.demand_mtok_per_s.get((mm, l, y), 0.0) * par.profile.get((mm, l, t), 1.0))
