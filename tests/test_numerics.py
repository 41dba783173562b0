"""HiGHS is handed a model it needs no scaling advice for, whatever the case's magnitudes (issue 29).

The internal units (tokensite/scaling.py) are chosen from the case's own coefficients. The world's
data in its first planning year, with every money cell (each column with ``usd`` in its name, and the
routes' transit) times 1e-3 or 1e3, solves with no HiGHS warning at all: no "badly scaled" advice,
no imprecise interior point, no status changed after a clean-up. In the model's own units
(``choose_units = false``) the same LP draws HiGHS's "excessively small/large" warnings, so the check has teeth. The whole
world case's run is checked in tests/test_world_solve.py.
"""

from __future__ import annotations

from dataclasses import replace
import pytest

from tokensite import solve
from tokensite.config import load_case
from tokensite.dataset import Dataset, read_dataset
from tokensite.packaged import shipped_case

WORLD = shipped_case("world")


def _money_times(ds: Dataset, factor: float) -> Dataset:
    tables = {name: t.assign(**{c: t[c] * factor for c in t.columns if "usd" in c}) for name, t in ds.tables.items()}
    return replace(ds, tables=tables, routes=ds.routes.assign(transit_usd_per_mtok=ds.routes.transit_usd_per_mtok * factor))


@pytest.fixture(scope="module")
def one_year():
    case = load_case(WORLD)
    return replace(case, years=case.years[:1]), read_dataset(case.data_dir)


@pytest.mark.parametrize("factor", [1e-3, 1e3])  # x1 is the world fixture's own solve (tests/test_world_solve.py)
def test_money_scaled_world_year_needs_no_scaling_advice(one_year, factor):
    case, ds = one_year
    res = solve(case, dataset=_money_times(ds, factor))
    assert res.status == "optimal"
    assert res.summary["solver_warnings"] == []


def test_in_the_models_own_units_highs_asks_for_scaling(one_year):
    case, ds = one_year
    res = solve(case, dataset=ds, relax=True, choose_units=False)
    assert any("excessively" in w for w in res.summary["solver_warnings"])
