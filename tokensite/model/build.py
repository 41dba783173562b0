"""The build order of the planning model, as one readable list.

Index sets and parameters come first (pure pandas/Python), then the variables and the
expressions several families share, then each family in order, then the objective. A family
that consumes a registry (the grid row, the budget row, the objective) comes after every
family that adds to it; the ledger raises if that order is ever broken.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.dataset import Dataset
from tokensite.model.demand import add_demand
from tokensite.model.index import Index, model_data
from tokensite.model.linking import add_linking
from tokensite.model.objective import add_objective
from tokensite.model.params import Params
from tokensite.model.policy import add_policy
from tokensite.model.power import add_power
from tokensite.model.queue import add_queue
from tokensite.model.reliability import add_reliability
from tokensite.model.shared import add_shared_expressions, grid_mw
from tokensite.model.throughput import add_throughput
from tokensite.model.training import add_training
from tokensite.model.variables import add_variables

Family = Callable[[pyo.ConcreteModel, Index, Params], None]

FAMILIES: list[tuple[str, Family]] = [
    ("demand", add_demand),
    ("throughput", add_throughput),
    ("training", add_training),
    ("queue", add_queue),  # registers grid supply, which the power family's grid row reads
    ("power", add_power),
    ("reliability", add_reliability),  # sets flow bounds, which the linking rows use
    ("linking", add_linking),
    ("policy", add_policy),  # reads the investment every family above registered
]


def build_model(ds: Dataset, case: Case, skip: Iterable[str] = ()) -> tuple[pyo.ConcreteModel, Index, Params]:
    """Build the MILP. ``skip`` names families to leave out (tests use it to show none is inert)."""
    skip = set(skip)
    unknown = skip - {name for name, _ in FAMILIES}
    if unknown:
        raise ValueError(f"unknown famil(ies) {', '.join(sorted(unknown))}; known: {', '.join(n for n, _ in FAMILIES)}")
    ix, par = model_data(ds, case)
    m = pyo.ConcreteModel(name=case.name)
    add_variables(m, ix, par)
    add_shared_expressions(m, ix, par)
    for name, add in FAMILIES:
        if name not in skip:
            add(m, ix, par)
    add_objective(m, ix, par)
    grid_mw(m, ix, par)  # a readout of every plan, even when the power family that uses it is skipped
    return m, ix, par
