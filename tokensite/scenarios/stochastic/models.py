"""One tokensite model per scenario, and their shared first stage in one order: what the extensive
form (ours or mpi-sppy's) and Progressive Hedging tie together across scenarios."""

from __future__ import annotations

import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.dataset.checks import check_case
from tokensite.dataset.overrides import read_case_dataset
from tokensite.errors import UserError
from tokensite.model import build_model
from tokensite.model.stages import FIRST_STAGE, Key, first_stage_cost, first_stage_vars

Models = dict[str, tuple]  # {scenario: (model, Index, Params)} as build_model returns them
AFTER_HORIZON = "take_after_horizon"
"""A tranche this scenario lacks; the solver rounds binaries of this name use-if-positive."""


def scenario_models(cases: dict[str, Case]) -> Models:
    """Each scenario's case read (overrides applied), checked and built."""
    out = {}
    for name, case in cases.items():
        ds = read_case_dataset(case)
        check_case(case, ds)
        out[name] = build_model(ds, case)
    return out


def first_stage_keys(models: Models) -> list[Key]:
    """The union of every scenario's first-stage (variable, index), in one order. Scenarios may differ
    only in queue tranches (a shift can move a tranche past the horizon); anything else raises."""
    per = {n: [k for k, _ in first_stage_vars(m)] for n, (m, _, _) in models.items()}
    union = sorted({k for ks in per.values() for k in ks}, key=lambda k: (FIRST_STAGE.index(k[0]), repr(k[1])))
    for n, ks in per.items():
        missing = [k for k in union if k not in set(ks) and k[0] != "take"]
        if missing:
            shown = ", ".join(f"{v}[{i}]" for v, i in missing[:5])
            raise UserError(f"scenario {n} lacks first-stage decisions the others have ({shown}{' ...' if len(missing) > 5 else ''}): "
                            "scenarios may change what a build costs or yields, but not which GPUs, sites or years exist")
    return union


def nonant_list(name: str, models: Models, keys: list[Key]) -> list[pyo.Var]:
    """One scenario's first-stage variables in the shared order. A tranche this scenario lacks is a free
    binary ``take_after_horizon[q]`` with no cost or effect (requested now, it lands after the horizon)."""
    m = models[name][0]
    if m.component(AFTER_HORIZON) is None:
        have = dict(first_stage_vars(m))
        absent = [k[1] for k in keys if k not in have]
        m.add_component(AFTER_HORIZON, pyo.Var(absent, domain=pyo.Binary, doc="tranche landing after this scenario's horizon"))
        after = m.component(AFTER_HORIZON)
        m._nonants = [have[k] if k in have else after[k[1]] for k in keys]
    return m._nonants


def attach(name: str, models: Models, keys: list[Key], probability: float) -> pyo.ConcreteModel:
    """One scenario's model with mpi-sppy's root node: the first-stage variables and their cost."""
    from mpisppy.utils import sputils  # optional extra: tokensite[stochastic]

    m, _, par = models[name]
    sputils.attach_root_node(m, first_stage_cost(m, par), nonant_list(name, models, keys))
    m._mpisppy_probability = probability
    return m
