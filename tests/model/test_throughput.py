"""Throughput family (docs/formulation.md §2) on tiny cases solved by hand (data: tests/model/test_demand.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import add_batch, add_demand_year, add_row, base, solve_tiny

COVERS = {
    "c_throughput_metro": ["test_base_case"],
    "c_throughput_fleet": ["test_base_case"],
    "c_throughput_pool": ["test_interactive_and_batch_share_gpus_across_slices"],
}


def test_base_case(tmp_path):
    """One unit at A: 200 + 438 = 638. Without the metro rows flows need no GPUs (0); without the
    fleet rows GPUs need not be bought (energy only, 438)."""
    res = solve_tiny(tmp_path, base())
    assert res.objective_usd == pytest.approx(638, rel=1e-6)
    assert res.fleet.units_active.sum() == 1


def test_interactive_and_batch_share_gpus_across_slices(tmp_path):
    """Interactive runs only by day at 2,000 tokens/s (profile 2/0): 2 units. Batch (1,000 tokens/s,
    movable) fits on the same 2 units at night. 2 units = 400; 2 kW all year = 876 -> 1276. (Without
    the pool rows batch needs no GPUs: 400 + 438 = 838.)"""
    fr = base()
    add_batch(fr, 1)
    fr["power_prices.csv"] = fr["power_prices.csv"][fr["power_prices.csv"].tier != "curtailed"]
    fr["profiles.csv"] = pd.DataFrame({"layer": ["interactive", "interactive"], "slice": ["day", "night"], "multiplier": ["2", "0"]})
    res = solve_tiny(tmp_path, fr, layers=["interactive", "batch"])
    assert res.objective_usd == pytest.approx(1276, rel=1e-6)
    assert res.fleet.units_active.sum() == 2


def test_gpu_generation_availability_and_retirement(tmp_path):
    """G1 lives 1 year; G2 (500 USD, 5 years) exists from 2027. 2026: G1 (1,000) + 438; 2027 and 2028:
    G2 (100 a year) + 438 -> 1,438 + 538 + 538 = 2,514. G2 is never bought in 2026 and G1 is not active after 2026."""
    fr = base()
    fr["gpus.csv"].loc[0, "lifetime_years"] = "1"
    fr["gpus.csv"] = add_row(fr["gpus.csv"], gpu="G2", first_year=2027, gpus_per_unit=1, capex_usd_per_gpu=500, kw_per_gpu=1, lifetime_years=5)
    fr["throughput.csv"] = add_row(fr["throughput.csv"], gpu="G2", layer="interactive", tokens_per_s_per_gpu=1000)
    for y in (2027, 2028):
        add_demand_year(fr, y, 1000)
    res = solve_tiny(tmp_path, fr, years=(2026, 2027, 2028))
    assert res.objective_usd == pytest.approx(2514, rel=1e-6)
    f = res.fleet
    assert f[(f.gpu == "G2") & (f.year == 2026)].empty
    assert f[(f.gpu == "G1") & (f.year > 2026)].units_active.sum() == 0


def test_throughput_family_is_not_inert(tmp_path):
    """Without the throughput family tokens need no GPUs: 0."""
    assert solve_tiny(tmp_path, base(), skip=["throughput"]).objective_usd == pytest.approx(0, abs=1e-6)
