"""The cost yardstick prices every registered cost category, with the coefficients its family uses,
and it is the only one: route seeding and why-not-here both import it from the model.

Sites for the term-by-term checks: A has an uncapped grid tier and a queue tranche, B bridge power and
only a capped tier (made on the Params: the dataset checks insist on an uncapped tier at every site,
so bridge fuel prices a token only in Params built without them); both have next to no grid today
(0.1 kW), so the 1 kW served needs new supply.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from tests.tiny import MTOK_PER_YEAR, base, both_sites_in_slo, set_site, write, write_case
from tokensite.config import load_case
from tokensite.dataset import read_dataset
from tokensite.model.index import model_data
from tokensite.model.ledger import COST_CATEGORIES
from tokensite.model.params import Params
from tokensite.model.yardstick import NOT_PER_TOKEN, PER_TOKEN, TERMS, delivered_usd_per_mtok, route_transit_usd_per_mtok, uncovered

RATE_MTOK_PER_S = 0.001  # 1,000 tokens/s: one G1 unit, 1 kW
PACKAGE = Path(__file__).resolve().parents[1] / "tokensite"


def test_every_registered_cost_category_is_priced_or_set_aside():
    assert uncovered(COST_CATEGORIES) == []
    assert not set(PER_TOKEN) & set(NOT_PER_TOKEN)
    assert set(PER_TOKEN) | set(NOT_PER_TOKEN) <= set(COST_CATEGORIES), "a category the ledger no longer registers"
    assert {term for term, _fields in PER_TOKEN.values()} == set(TERMS), "a term no registered cost carries"


def test_a_new_cost_category_is_caught():
    assert uncovered((*COST_CATEGORIES, "water")) == ["water"]


def test_one_unit_at_a_site_with_power(tmp_path):
    """At A (base case): a unit (1 GPU, 1,000 USD, 5 years, no discount) costs 200 USD a year for 31,536 Mtok;
    its 1 kW at 50 USD/MWh is 50/3600 USD/Mtok; A has the grid, no facility or site cost, free transit."""
    ix, par = _model_data(tmp_path, base())
    cost = delivered_usd_per_mtok(ix, par, "A", "interactive", 2026, RATE_MTOK_PER_S, route_transit_usd_per_mtok(par, "A", "interactive", ["M1"]))
    assert cost == pytest.approx(dict(gpu=200 / MTOK_PER_YEAR, power=50 / 3600, facility=0, grid=0, site=0, transit=0), abs=1e-12)


def _priced_sites(tmp_path: Path) -> tuple:
    fr = base()
    both_sites_in_slo(fr)
    for site in ("A", "B"):
        set_site(fr, site, existing_mw=0.0001, facility_capex_usd_per_mw=1e6, fixed_om_usd_per_mw_year=1e4, site_fixed_usd=1e6, carbon_kg_per_mwh=400)
    set_site(fr, "B", bridge_capex_usd_per_mw=1e6, bridge_price_usd_per_mwh=80, bridge_max_mw=10)
    fr["interconnect_queue.csv"].loc[0, "cost_usd_per_kw"] = "100"
    fr["latency.csv"]["transit_usd_per_mtok"] = "0.05"
    fr["policy.csv"] = pd.DataFrame([{"year": "2026", "budget_usd": "", "co2_cap_t": "", "carbon_price_usd_per_t": "50"}])
    ix, par = _model_data(tmp_path, fr)
    return ix, replace(par, tier_cap_mw={k: 10.0 if k[0] == "B" else cap for k, cap in par.tier_cap_mw.items()})


def _model_data(tmp_path: Path, frames: dict) -> tuple:
    data = write(tmp_path / "data", frames)
    case = load_case(write_case(tmp_path, data, [2026]))
    return model_data(read_dataset(data), case)


def _terms(ix, par: Params) -> dict[str, dict[str, float]]:
    return {r: delivered_usd_per_mtok(ix, par, r, "interactive", 2026, RATE_MTOK_PER_S, route_transit_usd_per_mtok(par, r, "interactive", ["M1"]))
            for r in ("A", "B")}


def _doubled(par: Params, field: str) -> Params:
    value = getattr(par, field)
    if isinstance(value, float):
        return replace(par, **{field: 2 * value})
    return replace(par, **{field: {k: 2 * v for k, v in value.items()}})


@pytest.mark.parametrize("category", sorted(PER_TOKEN))
def test_each_category_moves_the_term_that_carries_it(tmp_path, category):
    """Doubling a Params field the category's family prices with changes its term at some site, and no other term."""
    ix, par = _priced_sites(tmp_path)
    before = _terms(ix, par)
    assert all(v > 0 for cost in before.values() for v in cost.values()), before
    term, fields = PER_TOKEN[category]
    for field in fields:
        after = _terms(ix, _doubled(par, field))
        moved = {(r, k) for r in before for k in TERMS if after[r][k] != pytest.approx(before[r][k], rel=1e-12)}
        assert moved and {k for _r, k in moved} == {term}, (category, field, moved)


def _imports_of(name: str) -> dict[str, str]:
    """Module file -> the module it imports ``name`` from, across the package."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and any(a.name == name for a in node.names):
                out[str(path.relative_to(PACKAGE.parent))] = node.module
    return out


def test_route_seeding_and_explanations_use_the_one_yardstick():
    """No second cost model: whoever prices a delivered token imports the model's yardstick (route
    seeding and why-not-here among them)."""
    users = _imports_of("delivered_usd_per_mtok")
    assert {m for m in users.values()} == {"tokensite.model.yardstick"}, users
    assert any("routes" in f for f in users) and any("explain" in f for f in users), users
