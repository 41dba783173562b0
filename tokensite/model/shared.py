"""Expressions more than one family uses, built in one place.

.. math::
    fleet[r,g,y] = Σ_{y' ≤ y < y' + life_g} buy[r,g,y'] + Σ_{v:\\ y ≤ v + life_g − 1} (installed_{r,g,v} − retire[r,g,v,y])
    draw[r,t,y] = PUE_r \\Big( Σ_{g,l} alloc[r,g,l,t,y]\\,mw\\_per\\_unit_{g,l} + Σ_{g,l} alloc\\_train[r,g,l,y]\\,mw\\_per\\_unit_{g,l} \\Big)
    grid[r,y] = existing\\_mw_r + Σ (grid supply registered for (r, y))

``fleet`` and ``draw_mw`` exist before any family is built. ``grid_mw`` is built on first
use from the grid-supply registry (:mod:`tokensite.model.ledger`), which seals it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.ledger import add_readout, grid_supply_terms
from tokensite.model.params import Params


def add_shared_expressions(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    def fleet(_, r, g, y):
        bought = sum(m.buy[k] for k in ix.FLEET[(r, g, y)])
        vintages = ix.INSTALLED.get((r, g, y))
        return bought + sum(par.installed_units[(r, g, v)] - m.retire[r, g, v, y] for v in vintages) if vintages else bought

    m.fleet = pyo.Expression(sorted(ix.FLEET), rule=fleet)
    terms = defaultdict(list)
    for r, g, l, t, y in ix.RGLTY:
        terms[(r, t, y)].append((par.mw_per_unit[(g, l)], m.alloc[r, g, l, t, y]))
    for r, g, l, y in ix.RGLY_TRAIN:
        for t in ix.T:
            terms[(r, t, y)].append((par.mw_per_unit[(g, l)], m.alloc_train[r, g, l, y]))
    m.draw_mw = pyo.Expression(sorted(terms), rule=lambda _, r, t, y: par.pue[r] * sum(c * v for c, v in terms[(r, t, y)]))
    add_readout(m, "draw_mw", m.draw_mw)


def working_units(m: pyo.ConcreteModel, ix: Index) -> tuple[Callable[[str, str, str, int], object], Callable[[str, str, str, int], bool]]:
    """Σ_l alloc[r,g,l,t,y] + Σ_l alloc_train[r,g,l,y], the units of g at r working in slice t of year y
    (the throughput family's fleet row and the existing family's must-run row), and whether any can."""
    layers_at, train_at = defaultdict(list), defaultdict(list)
    for r, g, l, t, y in ix.RGLTY:
        layers_at[(r, g, t, y)].append(l)
    for r, g, l, y in ix.RGLY_TRAIN:
        train_at[(r, g, y)].append(l)

    def working(r: str, g: str, t: str, y: int) -> object:
        return sum(m.alloc[r, g, l, t, y] for l in layers_at.get((r, g, t, y), ())) + sum(m.alloc_train[r, g, l, y] for l in train_at.get((r, g, y), ()))

    def can_work(r: str, g: str, t: str, y: int) -> bool:
        return bool(layers_at.get((r, g, t, y)) or train_at.get((r, g, y)))

    return working, can_work


def grid_mw(m: pyo.ConcreteModel, ix: Index, par: Params) -> pyo.Expression:
    """grid[r,y] in MW: today's connection plus every registered supply. Seals the registry."""
    built = m.component("grid_mw")
    if built is None:
        built = m.grid_mw = pyo.Expression(ix.RY, rule=lambda _, r, y: par.existing_mw[r] + sum(grid_supply_terms(m, r, y)))
        add_readout(m, "grid_mw", built)
    return built
