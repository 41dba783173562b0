"""Objective (docs/formulation.md): discounting and the plan's reconciliation with it."""

from __future__ import annotations

import pytest

from tests.tiny import add_demand_year, base, solve_tiny

COVERS: dict[str, list[str]] = {}


def test_discounted_objective_equals_hand_computation(tmp_path):
    """Years 2026 and 2028 at 10 %: one unit bought in 2026 serves both. Annual cost
    1,000 x CRF(0.1, 5) + 438; 2026 stands for 2026-2027 (1 + 1/1.1), 2028 for itself (1/1.1^2)."""
    fr = base()
    add_demand_year(fr, 2028, 1000)
    res = solve_tiny(tmp_path, fr, years=(2026, 2028), rate=0.1)
    crf = 0.1 / (1 - 1.1**-5)
    expected = (1000 * crf + 438) * ((1 + 1 / 1.1) + 1.1**-2)
    assert res.objective_usd == pytest.approx(expected, rel=1e-9)
    assert res.fleet[res.fleet.year == 2026].units_bought.sum() == 1


def test_plan_reconciles_with_objective(tmp_path):
    fr = base()
    add_demand_year(fr, 2028, 3000)
    res = solve_tiny(tmp_path, fr, years=(2026, 2028), rate=0.08)
    p = res.plan
    total = ((p.capex_usd + p.opex_usd + p.unserved_usd) * p.discount_factor).sum()
    assert total == pytest.approx(res.objective_usd, rel=1e-6)
