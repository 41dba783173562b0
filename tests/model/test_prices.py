"""Marginal values (tokensite/results/prices.py) against hand-computed duals."""

from __future__ import annotations

import pytest

from tests.tiny import base, set_site, solve_tiny

COVERS: dict[str, list[str]] = {}


def test_token_and_facility_prices_equal_the_marginal_costs(tmp_path):
    """500 tokens/s at A: the rounded plan buys one unit, half of it idle, so one more token needs no
    GPU. A's facility costs 1 M USD/MW (CRF(0, 20): 50,000 USD per MW-year). One more Mtok/s held all
    year draws 1 MW more: 438,000 USD of energy and 50,000 of facility for 31,536,000 Mtok, so the
    token price is 488,000 / 31,536,000 = 0.015474 USD/Mtok. One more MW of facility is worth its
    annual cost, 50,000 USD per MW-year; the grid (100 MW) has slack: 0. One more Mtok/s of token
    capacity at A saves what the allocated GPUs cost to run: the same 0.015474 USD per Mtok."""
    fr = base()
    fr["demand.csv"].loc[0, "tokens_per_s"] = "500"
    set_site(fr, "A", facility_capex_usd_per_mw=1e6)
    res = solve_tiny(tmp_path, fr)
    p = res.prices
    token = p[(p.kind == "token") & (p.metro_id == "M1")].value.item()
    assert token == pytest.approx(488_000 / 31_536_000, rel=1e-6)
    at_a = p[p.site_id == "A"].set_index("kind").value
    assert at_a["facility_mw"] == pytest.approx(50_000, rel=1e-6)
    assert at_a["grid_mw"] == pytest.approx(0, abs=1e-6)
    assert at_a["site_token_capacity"] == pytest.approx(488_000 / 31_536_000, rel=1e-6)
