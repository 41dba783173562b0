"""Objective (FORMULATION.md): minimise the discounted cost of meeting demand.

.. math::
    \\min Σ_y φ_y Σ_{c} cost_{c,y},\\qquad φ_y = Σ_{k=0}^{W_y-1} (1+rate)^{-(y+k-y_0)}

cost_{c,y} are the annual cost terms (MUSD) every family registered with ``add_cost``. A
planning year stands for the W_y calendar years until the next one; φ_y discounts each of
them (FORMULATION.md's δ_y times the weight, made exact per calendar year).
"""

from __future__ import annotations

import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.model.sets import Sets


def add_objective(m: pyo.ConcreteModel, S: Sets, case: Case) -> None:
    total = pyo.quicksum(S.year_factor[y] * pyo.quicksum(terms) for (_, _, y), terms in m.cost_terms.items())
    m.objective = pyo.Objective(expr=total, sense=pyo.minimize)
