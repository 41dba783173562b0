"""The extensive form of a stochastic plan, built directly: one block per scenario model, the
non-anticipativity rows, and the probability-weighted objective (docs/formulation.md, "Stages").

.. math::
    \\min Σ_s π_s · cost_s \\quad s.t.\\quad x_{s,i} = x_{s_0,i}\\ ∀ s ≠ s_0, i ∈ first\\ stage

Its ledger merges the scenarios' cost terms and tightening rows, so the compiled model runs through the
same solve phases as a deterministic one (:mod:`tokensite.solver`, which rounds each scenario's block
``scenario_<s>`` with that scenario's Index and Params).
"""

from __future__ import annotations

import pyomo.environ as pyo

from tokensite.model.ledger import Ledger, ledger


def extensive_form(models: dict[str, pyo.ConcreteModel], probabilities: dict[str, float], nonants: dict[str, list]) -> pyo.ConcreteModel:
    """``models`` built by :func:`tokensite.model.build_model`; ``nonants[s]`` the first-stage variables of
    scenario s, in one order for all scenarios."""
    ef = pyo.ConcreteModel(name="extensive form")
    merged = Ledger()
    names = list(models)
    ef.S = pyo.Set(initialize=names)
    for s in names:
        m = models[s]
        m.objective.deactivate()
        ef.add_component(f"scenario_{s}", m)
        led = ledger(m)
        for (category, site, year), terms in led.costs.items():
            merged.costs[(category, f"{s}/{site}", year)] = list(terms)
        merged.tightening.extend(led.tightening)
    ef._ledger = merged
    first, n = names[0], len(nonants[names[0]])
    ef.c_nonant = pyo.Constraint([(s, i) for s in names[1:] for i in range(n)],
                                 rule=lambda _, s, i: nonants[s][i] == nonants[first][i])
    ef.objective = pyo.Objective(expr=pyo.quicksum(probabilities[s] * models[s].objective.expr for s in names), sense=pyo.minimize)
    return ef
