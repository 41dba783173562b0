"""The build order of the planning model, as one readable list."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.dataset import Dataset
from tokensite.model.demand import add_demand
from tokensite.model.objective import add_objective
from tokensite.model.policy import add_policy
from tokensite.model.power import add_power
from tokensite.model.queue import add_queue
from tokensite.model.reliability import add_reliability
from tokensite.model.sets import Sets, build_sets
from tokensite.model.throughput import add_throughput
from tokensite.model.training import add_training
from tokensite.model.variables import add_variables

Family = Callable[[pyo.ConcreteModel, Sets, Case], None]

FAMILIES: list[tuple[str, Family]] = [
    ("demand", add_demand),
    ("throughput", add_throughput),
    ("training", add_training),
    ("queue", add_queue),  # defines grid_mw, which power uses
    ("power", add_power),
    ("reliability", add_reliability),
    ("policy", add_policy),
]


def build_model(ds: Dataset, case: Case, skip: Iterable[str] = ()) -> tuple[pyo.ConcreteModel, Sets]:
    """Build the MILP. ``skip`` names families to leave out (tests use it to show none is inert)."""
    S = build_sets(ds, case)
    m = pyo.ConcreteModel(name=case.name)
    add_variables(m, S)
    skip = set(skip)
    for name, add in FAMILIES:
        if name not in skip:
            add(m, S, case)
    add_objective(m, S, case)
    return m, S
