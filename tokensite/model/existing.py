"""Existing family (docs/formulation.md, "Existing halls and installed base"): what stands at a site today.

.. math::
    facility\\_mw[r,y] ≥ E_r                       ∀ y,\\ r with E_r > 0
    retire[r,g,v,y_{i-1}] ≤ retire[r,g,v,y_i]       (a unit retired stays retired)
    Σ_l alloc[r,g,l,t,y] + Σ_l alloc\\_train[r,g,l,y] ≥ Σ_v (installed_{r,g,v} − retire[r,g,v,y])   ∀ (r,g,y) with installed units, t
    open[r,y] = 1 (a lower bound, not a row)       ∀ y,\\ r ∈ R^{built}

E_r is regions.csv's ``existing_facility_mw``: data halls standing today. Valid because the halls
exist whatever the plan does (a plan may leave them idle, not unbuild them; fixed O&M is paid on
them, :mod:`tokensite.model.power`). R^built (``Params.built_at_start``) are the sites with
existing halls: they are developed already, so they are open from the first planning year and
pay no site development cost (the power family leaves that term and the min_mw row out for
them; facility_mw ≥ E_r > 0 and the power family's facility_mw ≤ max_mw · open make them open).

Installed units (installed.csv, ``Params.installed_units``) are in the fleet (:mod:`tokensite.model.shared`)
from the first planning year until vintage + lifetime − 1, less those retired; retire[r,g,v,y] ∈
{0 … installed} (its bound) is non-decreasing in y. Their capex is sunk: no cost, no investment. The
last row (implementation) makes a kept installed unit work in every slice, so it draws power and
needs facility MW like any working unit; stopping it means retiring it. Without it keeping an idle
unit would cost exactly what retiring it does and ``retire`` would say nothing; with it the plan
retires an installed unit exactly when its slot (power, facility) is worth more to a newer generation,
or its energy more than its tokens. Bought units are untouched: they only draw what they are
allocated, as before. Sites with installed units alive at the start are in R^built too. Without
installed.csv and existing halls the family builds no row and sets no bound.
"""

from __future__ import annotations


import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.params import Params
from tokensite.model.shared import working_units

NAME = "existing"


def add_existing(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    halls = [(r, y) for r, y in ix.RY if par.existing_facility_mw.get(r, 0.0) > 0]
    m.c_existing_facility = pyo.Constraint(halls, rule=lambda _, r, y: m.facility_mw[r, y] >= par.existing_facility_mw[r])
    for r, y in ix.RY:
        if r in par.built_at_start:
            m.open[r, y].setlb(1)

    later = [(r, g, v, ix.previous_year(y), y) for (r, g, v, y) in ix.RGVY if (r, g, v, ix.previous_year(y)) in m.retire]
    m.c_existing_retire = pyo.Constraint(later, rule=lambda _, r, g, v, y0, y1: m.retire[r, g, v, y0] <= m.retire[r, g, v, y1])

    working, _can_work = working_units(m, ix)

    def kept(r, g, y):
        return sum(par.installed_units[(r, g, v)] - m.retire[r, g, v, y] for v in ix.INSTALLED[(r, g, y)])

    rows = [(r, g, t, y) for (r, g, y) in ix.INSTALLED for t in ix.T]
    m.c_existing_run = pyo.Constraint(rows, rule=lambda _, r, g, t, y: working(r, g, t, y) >= kept(r, g, y))
