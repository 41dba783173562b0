"""Reliability family (docs/formulation.md §6) on a tiny case solved by hand (data: tests/model/test_demand.py)."""

from __future__ import annotations

import pytest

from tests.tiny import base, both_sites_in_slo, set_price, solve_tiny

COVERS: dict[str, list[str]] = {}  # written as upper bounds on flow, no rows


def test_max_site_share_forces_two_sites(tmp_path):
    """Share 0.5: 500 tokens/s at each site, one unit each (400), power 0.5 kW at 10 and 100 USD/MWh:
    43.8 + 438 -> 881.8. Without the reliability family all goes to A: 287.6."""
    fr = base()
    both_sites_in_slo(fr)
    set_price(fr, "A", 10)
    set_price(fr, "B", 100)
    fr["layers.csv"].loc[0, "max_site_share"] = "0.5"
    res = solve_tiny(tmp_path / "on", fr)
    assert res.objective_usd == pytest.approx(881.8, rel=1e-6)
    assert set(res.flows.site_id) == {"A", "B"}
    assert solve_tiny(tmp_path / "off", fr, skip=["reliability"]).objective_usd == pytest.approx(287.6, rel=1e-6)
