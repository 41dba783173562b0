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
    total = 0
    for by_year in m.cost_terms.values():
        for y, expr in by_year.items():
            total += S.year_factor[y] * expr
    m.objective = pyo.Objective(expr=total, sense=pyo.minimize)
