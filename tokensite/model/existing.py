"""Existing family (docs/formulation.md, "Existing halls and installed base"): what stands at a site today.

.. math::
    facility\\_mw[r,y] ≥ E_r                       ∀ y,\\ r with E_r > 0

E_r is regions.csv's ``existing_facility_mw``: data halls standing today. Valid because the halls
exist whatever the plan does (a plan may leave them idle, not unbuild them; fixed O&M is paid on
them, :mod:`tokensite.model.power`). R^built (``Params.built_at_start``) are the sites with
existing halls: they are developed already, so they are open from the first planning year and
pay no site development cost (the power family leaves that term and the min_mw row out for
them; facility_mw ≥ E_r > 0 and the power family's facility_mw ≤ max_mw · open make them open).
Without existing halls the family builds no row.
"""

from __future__ import annotations

import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.params import Params

NAME = "existing"


def add_existing(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    halls = [(r, y) for r, y in ix.RY if par.existing_facility_mw.get(r, 0.0) > 0]
    m.c_existing_facility = pyo.Constraint(halls, rule=lambda _, r, y: m.facility_mw[r, y] >= par.existing_facility_mw[r])
