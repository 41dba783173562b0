"""Decision variables of FORMULATION.md, each on its sparse index set.

Units: GPU units (``gpus_per_unit`` GPUs), MW, Mtok/s. Prefixes: variables carry the
symbol's name (``buy``, ``alloc``, ``flow`` ...); constraints are ``c_<family>_<what>``;
cost expressions are registered with :func:`add_cost`.
"""

from __future__ import annotations

import pyomo.environ as pyo

from tokensite.model.sets import Sets


def add_variables(m: pyo.ConcreteModel, S: Sets) -> None:
    regions = S.params["regions"]
    m.open = pyo.Var(S.RY, domain=pyo.Binary, doc="site r is developed by year y")
    m.buy = pyo.Var(S.RGY, domain=pyo.NonNegativeIntegers, doc="GPU units bought at r in year y")
    m.alloc = pyo.Var(S.RGLTY, domain=pyo.NonNegativeReals, doc="GPU units working on layer l in slice t")
    m.alloc_train = pyo.Var(S.RGLY_train, domain=pyo.NonNegativeReals, doc="GPU units training, the same in every slice")
    m.flow = pyo.Var(S.E, domain=pyo.NonNegativeReals, doc="Mtok/s served from r to metro m")
    m.pool = pyo.Var(S.POOL, domain=pyo.NonNegativeReals, doc="pooled-layer (batch) Mtok/s run at r")
    m.unserved = pyo.Var(S.MLTY, domain=pyo.NonNegativeReals, doc="metro demand not served, Mtok/s")
    m.unserved_pool = pyo.Var(S.GLTY, domain=pyo.NonNegativeReals, doc="pooled demand not served, Mtok/s")
    m.host = pyo.Var(S.PR, domain=pyo.Binary, doc="training program p runs at campus r")
    m.skip = pyo.Var(S.P, bounds=(0, 1), doc="program p is not hosted (its tokens count as unserved)")
    m.mw = pyo.Var(S.RY, bounds=lambda _, r, y: (0, float(regions.at[r, "max_mw"])), doc="facility MW built at r by y")
    m.take = pyo.Var(S.Q, domain=pyo.Binary, doc="queue tranche q is taken")
    m.energy = pyo.Var(S.RKTY, domain=pyo.NonNegativeReals, bounds=lambda _, r, k, t, y: (0, S.params["cap"][(r, k, t)]), doc="MW drawn from tier k")
    m.bridge = pyo.Var([(r, y) for r in S.BRIDGE_R for y in S.Y], bounds=lambda _, r, y: (0, float(regions.at[r, "bridge_max_mw"])), doc="on-site generation MW")
    m.bridge_energy = pyo.Var([(r, t, y) for r in S.BRIDGE_R for t in S.T for y in S.Y], domain=pyo.NonNegativeReals, doc="on-site generation output, MW")
    m.cost_terms = {}


def add_cost(m: pyo.ConcreteModel, category: str, year: int, expr: object, site: str = "") -> None:
    """Register an annual cost term (MUSD per calendar year of planning year ``year``).

    Terms are kept by (category, site, year) so plans can be read off the very expressions the
    objective sums. Categories: ``gpus:<gpu>``, ``facility``, ``fixed O&M``, ``site development``,
    ``interconnection``, ``bridge capacity``, ``bridge fuel``, ``energy:<tier>``, ``transit``,
    ``carbon``, ``unserved tokens``, ``unhosted training``.
    """
    m.cost_terms.setdefault((category, site, year), []).append(expr)
