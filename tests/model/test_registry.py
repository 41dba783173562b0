"""Every constraint group of the model has a hand-solved test (Calliope's test-the-math register).

Each family's test module declares ``COVERS = {constraint group: [test names]}``. Building a tiny
case that exercises every family must give exactly the declared groups, and each named test must
exist; a new ``c_*`` group without a test, or a test list naming a group that no longer exists,
fails here.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import pkgutil

import pandas as pd
import pyomo.environ as pyo
import pytest

import tests.model
from tests.tiny import add_batch, add_demand_year, add_training, base, set_site, write, write_case
from tokensite.config import load_case
from tokensite.dataset import read_dataset
from tokensite.model import build_model
from tokensite.model.ledger import add_grid_supply, add_investment, ledger


def _modules() -> list:
    return [importlib.import_module(f"tests.model.{info.name}") for info in pkgutil.iter_modules(tests.model.__path__)]


def _covers() -> dict[str, list[tuple[object, str]]]:
    out: dict[str, list[tuple[object, str]]] = {}
    for mod in _modules():
        for group, names in getattr(mod, "COVERS", {}).items():
            out.setdefault(group, []).extend((mod, t) for t in names)
    return out


@pytest.fixture(scope="module")
def full_model(tmp_path_factory):
    """A tiny case with every family active: interactive, batch (partly movable) and training layers,
    bridge power, a GPU supply limit, a budget and a CO2 cap; interactive is price-elastic in 2027
    with a site share below 1."""
    tmp = tmp_path_factory.mktemp("full")
    fr = base()
    add_batch(fr, 0.5)
    add_training(fr)
    add_demand_year(fr, 2027, 1000)
    set_site(fr, "A", bridge_capex_usd_per_mw=1e6, bridge_price_usd_per_mwh=100, bridge_max_mw=5)
    fr["gpus.csv"].loc[0, "supply_units_per_year"] = "100"
    fr["policy.csv"] = pd.DataFrame({"year": ["2026"], "budget_usd": ["1e9"], "co2_cap_t": ["1e6"], "carbon_price_usd_per_t": ["10"]})
    fr["layers.csv"].loc[0, "max_site_share"] = "0.5"
    fr["elasticity.csv"] = pd.DataFrame({"layer": ["interactive"], "year": ["2027"], "elasticity": ["1"], "reference_price_usd_per_mtok": ["1"]})
    for mod in _modules():  # a family's own test module adds the inputs that make its rows (``add_to_full_case(frames)``)
        getattr(mod, "add_to_full_case", lambda _fr: None)(fr)
    case = load_case(write_case(tmp, write(tmp / "data", fr), [2026, 2027]))
    m, _, _ = build_model(read_dataset(case.data_dir), case)
    return m


def test_every_constraint_group_has_a_test(full_model):
    built = {c.local_name for c in full_model.component_objects(pyo.Constraint) if c.local_name.startswith("c_")}
    covers = _covers()
    assert sorted(built - set(covers)) == [], "constraint groups without a test: add them to a COVERS dict"
    assert sorted(set(covers) - built) == [], "COVERS names groups the model no longer builds"
    missing = [f"{mod.__name__}.{name}" for named in covers.values() for mod, name in named if not callable(getattr(mod, name, None))]
    assert missing == []


def test_registries_seal_when_read(full_model):
    """The grid row and the budget row have read their registries: a late registration raises."""
    with pytest.raises(RuntimeError, match="grid supply registered after it was read"):
        add_grid_supply(full_model, "A", 2026, 1.0)
    with pytest.raises(RuntimeError, match="investment registered after it was read"):
        add_investment(full_model, 2026, 1.0)
    assert set(ledger(full_model).price_rows) == {"grid_mw", "facility_mw", "token_year", "token_slice", "site_token_capacity", "gpu_supply"}



def _calls(fn) -> list[dict]:
    """The keyword arguments of each case of a (possibly parametrized) test function."""
    grids = []
    for mark in getattr(fn, "pytestmark", []):
        if mark.name == "parametrize":
            names = [n.strip() for n in mark.args[0].split(",")] if isinstance(mark.args[0], str) else list(mark.args[0])
            grids.append([dict(zip(names, v if len(names) > 1 else (v,))) for v in mark.args[1]])
    return [{k: v for d in combo for k, v in d.items()} for combo in itertools.product(*grids)] or [{}]


@pytest.mark.parametrize("group", sorted(_covers()))
def test_removing_a_group_breaks_its_tests(group, monkeypatch, tmp_path):
    """Each covering test really depends on its group: with the group deactivated in every model the
    solve compiles, at least one case of its tests fails."""
    import tokensite.run as run
    from tokensite.compile import compile_model

    def without_group(m, *args, **kwargs):
        m.component(group).deactivate()
        return compile_model(m, *args, **kwargs)

    monkeypatch.setattr(run, "compile_model", without_group)
    failed = 0
    for k, (mod, name) in enumerate(_covers()[group]):
        fn = getattr(mod, name)
        for j, kwargs in enumerate(_calls(fn)):
            if "tmp_path" in inspect.signature(fn).parameters:
                kwargs = {**kwargs, "tmp_path": tmp_path / f"{k}-{j}"}
            try:
                fn(**kwargs)
            except Exception:  # any failure of the test counts, as it would under pytest
                failed += 1
    assert failed, f"{group}: its tests still pass without it"
