"""The hand-off keeps what extract reads as arrays, and lets the Pyomo model go before HiGHS runs."""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest

from tests.tiny import add_batch, add_demand_year, add_training, base, set_site, write, write_case
from tokensite.compile import compile_model
from tokensite.config import load_case
from tokensite.dataset import read_dataset
from tokensite.model import build_model
from tokensite.model.ledger import cost_terms


def _case(tmp_path):
    fr = base()
    add_batch(fr, 0.5)
    add_training(fr)
    add_demand_year(fr, 2027, 1000)
    set_site(fr, "A", bridge_capex_usd_per_mw=1e6, bridge_price_usd_per_mwh=100, bridge_max_mw=5)
    fr["policy.csv"] = pd.DataFrame({"year": ["2026"], "budget_usd": [""], "co2_cap_t": [""], "carbon_price_usd_per_t": ["10"]})
    return write_case(tmp_path, write(tmp_path / "data", fr), [2026, 2027])


def test_readouts_are_the_model_expressions_at_any_point(tmp_path):
    """Costs, draw and grid read off the arrays equal Pyomo's own evaluation of the expressions, at a
    random point x of HiGHS's columns (the model's variables at ``model_x(x)``, each family in its internal
    unit) and with a variable the compiler removed (fixed at 3 units) counted at its value."""
    case = load_case(_case(tmp_path))
    m, _, _ = build_model(read_dataset(case.data_dir), case)
    fixed = next(iter(m.buy.values()))
    fixed.fix(3)
    comp = compile_model(m)
    assert (fixed.parent_component().local_name, fixed.index()) in comp.left_out
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 7, comp.lp.num_col_)
    cols = {id(v): j for j, v in enumerate(v for v in m.component_data_objects(pyo.Var) if not v.fixed)}
    assert len(cols) == comp.lp.num_col_
    names = {name: j for j, name in enumerate(comp.col_names)}
    x_model = comp.model_x(x)
    for v in m.component_data_objects(pyo.Var):
        if not v.fixed:
            v.set_value(float(x_model[names[(v.parent_component().local_name, v.index())]]), skip_validation=True)
    costs = comp.readouts["costs"].items_at(x)
    assert set(costs) == set(cost_terms(m))
    for key, terms in cost_terms(m).items():
        assert costs[key] == pytest.approx(sum(pyo.value(e) for e in terms), rel=1e-12, abs=1e-12)
    for name in ("draw_mw", "grid_mw"):
        read = comp.readouts[name].items_at(x)
        expressions = m.component(name)
        assert set(read) == set(expressions.keys())
        for key, e in expressions.items():
            assert read[key] == pytest.approx(pyo.value(e), rel=1e-12, abs=1e-12), (name, key)


def test_the_pyomo_model_is_gone_before_the_solve(tmp_path, monkeypatch):
    import tokensite.run as run

    seen = []

    def spy(m, *args, **kwargs):
        seen.append(weakref.ref(m))
        return compile_model(m, *args, **kwargs)

    monkeypatch.setattr(run, "compile_model", spy)
    built = run.build(_case(tmp_path))
    assert seen and seen[0]() is None, "the Pyomo model outlives the hand-off"
    assert built.comp.readouts["costs"].matrix.shape == (len(built.comp.readouts["costs"].keys), built.comp.lp.num_col_)
