"""The two stages of a stochastic plan (docs/formulation.md, "Stages"): what is built here and now,
and what is operated in each future.

First stage (decided once, before the future is known): ``open[r,y]``, ``facility_mw[r,y]``,
``take[q]``, ``bridge_mw[r,y]``, ``buy[r,g,y]``, ``host[p,r]``, ``skip[p]`` and ``retire[r,g,v,y]`` (installed units retired). Second stage (per
scenario): ``alloc``, ``alloc_train``, ``flow``, ``pool``, ``unserved``, ``unserved_pool``,
``declined``, ``declined_pool`` (demand blocks of price-elastic layers), ``tier_mw`` and ``bridge_draw_mw``. Every integer variable is first stage, so the second stage is
an LP. A program's host is first stage because the campus is built for it (``min_campus_mw``).
"""

from __future__ import annotations

from collections.abc import Mapping

import pyomo.environ as pyo

from tokensite.model.ledger import ledger
from tokensite.model.params import Params

FIRST_STAGE = ("open", "facility_mw", "take", "bridge_mw", "buy", "host", "skip", "retire")
SECOND_STAGE = ("alloc", "alloc_train", "flow", "pool", "unserved", "unserved_pool", "declined", "declined_pool", "tier_mw", "bridge_draw_mw")
Key = tuple[str, object]  # (variable name, index)


def first_stage_vars(m: pyo.ConcreteModel) -> list[tuple[Key, pyo.Var]]:
    """Every first-stage variable of a built model with its (name, index), in a fixed order."""
    out = []
    for name in FIRST_STAGE:
        comp = m.component(name)
        for idx in sorted(comp.keys(), key=repr):
            out.append(((name, idx), comp[idx]))
    return out


def first_stage_cost(m: pyo.ConcreteModel, par: Params) -> pyo.Expression:
    """The discounted cost terms that hold first-stage variables only (capex, fixed O&M, an unhosted
    program's lost tokens): what the build costs whatever the future."""
    first = {id(v) for _, v in first_stage_vars(m)}
    terms = []
    for (_, _, y), group in ledger(m).costs.items():
        for e in group:
            if all(id(v) in first for v in pyo.expr.identify_variables(e)):
                terms.append(par.discount_factor[y] * e)
    return pyo.quicksum(terms) if terms else 0.0


def fix_first_stage(m: pyo.ConcreteModel, values: Mapping[str, Mapping]) -> int:
    """Fix the first-stage variables at ``values`` ({name: {index: value}}; integers rounded, values
    clipped to the bounds). A tranche missing from ``values`` was not in the plan's own world (a
    queue shift put it after that horizon), so it was not taken: 0. Any other first-stage variable
    missing raises ValueError; a value for an index the model lacks (a tranche that lands after this
    scenario's horizon) is ignored. Returns how many variables were fixed."""
    n = 0
    for (name, idx), v in first_stage_vars(m):
        given = values.get(name, {})
        if idx not in given and name != "take":
            raise ValueError(f"no value for first-stage variable {name}[{idx}]")
        x = float(given.get(idx, 0.0))
        # integers rounded; a continuous value to 1e-6 (MW), so a solver's 1193.7999999 fixes at the 1193.8
        # a row of this model asks for (c_existing_facility) instead of making it trivially infeasible
        x = round(x) if v.is_integer() or v.is_binary() else round(x, 6)
        lb, ub = v.lb, v.ub
        x = max(x, lb) if lb is not None else x
        x = min(x, ub) if ub is not None else x
        v.fix(x)
        n += 1
    return n

