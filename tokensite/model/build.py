"""The build order of the planning model, as one readable list.

Index sets and parameters come first (pure pandas/Python), then the variables and the
expressions several families share, then each family in order, then the objective. A family
that consumes a registry (the grid row, the budget row, the objective) comes after every
family that adds to it; the ledger raises if that order is ever broken.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.dataset import Dataset
from tokensite.model.co2_caps import NAME as CO2_CAPS, add_co2_caps, co2_cap_params
from tokensite.model.committed import check_committed
from tokensite.model.demand import add_demand
from tokensite.model.gpu_supply import NAME as GPU_SUPPLY, add_gpu_supply, gpu_supply_params
from tokensite.model.existing import NAME as EXISTING, add_existing
from tokensite.model.index import Index, model_data
from tokensite.model.linking import add_linking
from tokensite.model.objective import add_objective
from tokensite.model.pace import NAME as PACE, add_pace, pace_params
from tokensite.model.params import Params
from tokensite.model.policy import add_policy
from tokensite.model.power import add_power
from tokensite.model.queue import add_queue
from tokensite.model.reliability import add_reliability
from tokensite.model.shared import add_shared_expressions, grid_mw
from tokensite.model.throughput import add_throughput
from tokensite.model.training import add_training
from tokensite.model.variables import add_variables



@dataclass(frozen=True)
class Family:
    name: str
    add: Callable[[pyo.ConcreteModel, Index, Params], None]
    params: Callable[[Dataset, Case], Mapping] | None = None
    """The family's own coefficients from the dataset, read in ``add`` as ``par.family[name]``."""


FAMILIES: list[Family] = [
    Family("demand", add_demand),
    Family("throughput", add_throughput),
    Family("training", add_training),
    Family("queue", add_queue),  # registers grid supply, which the power family's grid row reads
    Family("power", add_power),
    Family("reliability", add_reliability),  # sets flow bounds, which the linking rows use
    Family("linking", add_linking),
    Family("policy", add_policy),  # reads the investment every family above registered
    Family(CO2_CAPS, add_co2_caps, co2_cap_params),
    Family(GPU_SUPPLY, add_gpu_supply, gpu_supply_params),
    Family(EXISTING, add_existing),
    Family(PACE, add_pace, pace_params),
]


def case_data(ds: Dataset, case: Case) -> tuple[Index, Params]:
    """The index sets and parameters the families are built on: :func:`~tokensite.model.index.model_data`
    with each family's own coefficients (``par.family``), for the build and for whoever reads the
    model's numbers without building it (explain, the pre-build checks)."""
    ix, par = model_data(ds, case)
    return ix, replace(par, family={f.name: f.params(ds, case) for f in FAMILIES if f.params is not None})


def check_committed_programs(ds: Dataset, case: Case) -> None:
    """The pre-build check of committed training programs on its own (``tokensite validate``): raises
    :class:`~tokensite.errors.CommittedProgramError` as :func:`build_model` would."""
    if "committed" not in ds.training or not ds.training.committed.astype(bool).any():
        return
    check_committed(ds, *case_data(ds, case))


def build_model(ds: Dataset, case: Case, skip: Iterable[str] = ()) -> tuple[pyo.ConcreteModel, Index, Params]:
    """Build the MILP. ``skip`` names families to leave out (tests use it to show none is inert)."""
    skip = set(skip)
    unknown = skip - {f.name for f in FAMILIES}
    if unknown:
        raise ValueError(f"unknown famil(ies) {', '.join(sorted(unknown))}; known: {', '.join(f.name for f in FAMILIES)}")
    ix, par = case_data(ds, case)
    if "training" not in skip:
        check_committed(ds, ix, par, pace=PACE not in skip)  # before the model: a committed program no campus can host is refused here
    m = pyo.ConcreteModel(name=case.name)
    add_variables(m, ix, par)
    add_shared_expressions(m, ix, par)
    for family in FAMILIES:
        if family.name not in skip:
            family.add(m, ix, par)
    add_objective(m, ix, par)
    grid_mw(m, ix, par)  # a readout of every plan, even when the power family that uses it is skipped
    return m, ix, par
