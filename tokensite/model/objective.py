"""Objective (docs/formulation.md): minimise the discounted cost of meeting demand.

.. math::
    \\min Σ_y φ_y Σ_{c} cost_{c,y},\\qquad φ_y = Σ_{k=0}^{W_y-1} (1+rate)^{-(y+k-y_0)}

cost_{c,y} are the annual cost terms (MUSD) every family registered with ``add_cost``. A
planning year stands for the W_y calendar years until the next one; φ_y discounts each of
them. Built last: reading the cost registry seals it.
"""

from __future__ import annotations

import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.ledger import cost_terms
from tokensite.model.params import Params


def add_objective(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    phi = par.discount_factor
    total = pyo.quicksum(phi[y] * pyo.quicksum(terms) for (_, _, y), terms in cost_terms(m).items())
    m.objective = pyo.Objective(expr=total, sense=pyo.minimize)
