"""Queue-timing family (docs/formulation.md §5): how "the grid makes you wait" enters.

.. math::
    grid[r,y] = existing\\_mw_r + Σ_{q ∈ Q_r,\\ online_q ≤ y} mw_q · take[q],\\qquad online_q = request_q + ⌈wait_q⌉

Each taken tranche is registered as grid supply from its online year on. Tranches that come
online after the horizon get no variable. Site lead time: buy[r,·,y] exists only for
y ≥ earliest_year_r (by construction of RGY).

Cost registered: taken tranches, overnight_q · CRF(rate, interconnect life) each year from the
tranche's online year (overnight_q = mw_q · 1000 · cost_usd_per_kw_q).
Investment registered: overnight_q in the first planning year at or after online_q.
"""

from __future__ import annotations

import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.ledger import add_cost, add_grid_supply, add_investment
from tokensite.model.params import Params
from tokensite.units import usd_to_musd


def add_queue(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    for q in ix.Q:
        r, online = par.tranche_site[q], par.tranche_online_year[q]
        annual = usd_to_musd(par.tranche_overnight_usd[q] * par.crf_interconnect)
        for y in ix.Y:
            if y >= online:
                add_grid_supply(m, r, y, par.tranche_mw[q] * m.take[q])
                add_cost(m, "interconnection", y, annual * m.take[q], site=r)
        add_investment(m, ix.first_year_from(online), usd_to_musd(par.tranche_overnight_usd[q]) * m.take[q])
