"""Decision variables of docs/formulation.md, each on its sparse index set.

Units: GPU units (``gpus_per_unit`` GPUs), MW, Mtok/s. Variables carry the symbol's name;
those holding power say so (``facility_mw``, ``tier_mw``, ``bridge_mw``, ``bridge_draw_mw``).
How a rounded plan fixes each integer variable is the solver's business (tokensite/solver/rounding.py).
"""

from __future__ import annotations

import pyomo.environ as pyo

from tokensite.model.index import Index
from tokensite.model.ledger import Ledger
from tokensite.model.params import Params


def add_variables(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    m._ledger = Ledger()
    m.open = pyo.Var(ix.RY, domain=pyo.Binary, doc="site r is developed by year y")
    m.buy = pyo.Var(ix.RGY, domain=pyo.NonNegativeIntegers, doc="GPU units bought at r in year y")
    m.retire = pyo.Var(ix.RGVY, domain=pyo.NonNegativeIntegers, bounds=lambda _, r, g, v, y: (0, par.installed_units[(r, g, v)]),
                       doc="installed GPU units of vintage v retired at r by year y")
    m.alloc = pyo.Var(ix.RGLTY, domain=pyo.NonNegativeReals, doc="GPU units working on layer l in slice t")
    m.alloc_train = pyo.Var(ix.RGLY_TRAIN, domain=pyo.NonNegativeReals, doc="GPU units training, the same in every slice")
    m.flow = pyo.Var(ix.E, domain=pyo.NonNegativeReals, doc="Mtok/s served from r to metro m")
    m.pool = pyo.Var(ix.RLTY_POOL, domain=pyo.NonNegativeReals, doc="pooled-layer (batch) Mtok/s run at r")
    m.unserved = pyo.Var(ix.MLTY, domain=pyo.NonNegativeReals, doc="metro demand not served, Mtok/s")
    m.unserved_pool = pyo.Var(ix.LJTY, domain=pyo.NonNegativeReals, doc="pooled demand of group j not served, Mtok/s")
    m.declined = pyo.Var(ix.MLBY, bounds=(0, 1), doc="share of demand block b of a price-elastic metro layer not bought (worth less than it costs)")
    m.declined_pool = pyo.Var(ix.LJBY, bounds=(0, 1), doc="share of demand block b of a price-elastic pooled layer of group j not bought")
    m.host = pyo.Var(ix.PR, domain=pyo.Binary, doc="training program p runs at campus r")
    m.skip = pyo.Var(ix.P, bounds=(0, 1), doc="program p is not hosted (its tokens count as unserved)")
    m.facility_mw = pyo.Var(ix.RY, bounds=lambda _, r, y: (0, par.max_mw[r]), doc="facility MW built at r by y")
    m.take = pyo.Var(ix.Q, domain=pyo.Binary, doc="queue tranche q is taken")
    m.tier_mw = pyo.Var(ix.RKTY, bounds=lambda _, r, k, t, y: (0, par.tier_cap_mw[(r, k, t)]), doc="MW drawn from price tier k")
    bridge_ry = [(r, y) for r in ix.R_BRIDGE for y in ix.Y]
    m.bridge_mw = pyo.Var(bridge_ry, bounds=lambda _, r, y: (0, par.bridge_max_mw[r]), doc="on-site generation capacity, MW")
    m.bridge_draw_mw = pyo.Var([(r, t, y) for r in ix.R_BRIDGE for t in ix.T for y in ix.Y], domain=pyo.NonNegativeReals, doc="on-site generation output, MW")
