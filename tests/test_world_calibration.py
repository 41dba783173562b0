"""The world plan against the published AI power figures it was calibrated to (data/calibration.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from tokensite import read_dataset, shipped_dataset

ROOT = Path(__file__).resolve().parents[1]
WORLD_DIR = shipped_dataset()
sys.path.insert(0, str(ROOT / "data"))
import calibration  # noqa: E402


def test_bands_are_the_published_end_points():
    """Hand-checked: JLL 25.75 GW x 4 = 100 GW... the 2030 band is JLL's 100 GW to McKinsey's 156 GW;
    the US 2030 low end is EPRI/Epoch's 50 GW; 2025 ends are JLL 25.75 GW and 156 / 3.5 = 44.57 GW."""
    b = {(x.region, x.year): x for x in calibration.bands([2025, 2030])}
    assert b[("World", 2030)].low_gw == pytest.approx(100.0)
    assert b[("World", 2030)].high_gw == pytest.approx(156.0)
    assert b[("World", 2025)].low_gw == pytest.approx(25.75)
    assert b[("World", 2025)].high_gw == pytest.approx(156.0 / 3.5)
    assert b[("United States", 2030)].low_gw == pytest.approx(50.0)
    # the regions' AI shares: their shares of the installed base's facility MW (power_path.ai_shares)
    share = calibration.world_ai_shares()
    assert b[("United States", 2030)].high_gw == pytest.approx(156.0 * share["United States"])
    assert (b[("China", 2030)].low_gw, b[("China", 2030)].high_gw) == pytest.approx((100.0 * share["China"], 156.0 * share["China"]))
    assert sum(share.values()) == pytest.approx(1.0) and 0.65 < share["United States"] < 0.75 and share["China"] < 0.15


def test_model_by_region_sums_peaks_and_energy():
    regions = pd.DataFrame(dict(site_id=["a", "b", "c"], country=["US", "US", "DE"]))
    sites = pd.DataFrame(dict(site_id=["a", "b", "c"], year=[2030] * 3, peak_draw_mw=[1000.0, 500.0, 250.0]))
    alloc = pd.DataFrame(dict(site_id=["a", "c"], year=[2030] * 2, draw_mw=[800.0, 100.0]))
    m = calibration.model_by_region(sites, alloc, regions).set_index(["region", "year"])
    assert m.loc[("United States", 2030), "gw"] == pytest.approx(1.5)
    assert m.loc[("Europe", 2030), "gw"] == pytest.approx(0.25)
    assert m.loc[("World", 2030), "gw"] == pytest.approx(1.75)
    assert m.loc[("United States", 2030), "twh"] == pytest.approx(800 * 8760 / 1e6)


@pytest.fixture(scope="module")
def table(world_results):
    regions = read_dataset(shipped_dataset()).regions
    model = calibration.model_by_region(world_results.sites, world_results.allocation, regions)
    return calibration.band_table(model, sorted(world_results.sites.year.unique())).set_index(["region", "year"])


def test_world_draw_is_inside_the_published_band(table):
    """Issue 28: the world's facility draw inside the published band in 2026 and 2030 (36 of 33.8-57.3 GW and 106 of
    100-156 GW on 2026-12-07), and the US's inside its own in 2030. China's 2030 miss is CALIBRATION.md's to explain."""
    for region, y in (("World", 2026), ("World", 2030), ("United States", 2030)):
        row = table.loc[(region, y)]
        assert row.low_gw <= row.model_gw <= row.high_gw, (region, y, row.model_gw, row.low_gw, row.high_gw)


def test_tokens_are_between_one_and_five_times_the_disclosed():
    """On the calendar year: demand.csv's 2026 rows (the 2026 planning year serves the mean of 2026 and 2027)."""
    ref = calibration.load_reference(calibration.REF)
    disclosed = sum(v.value for v in calibration.disclosed_2026(ref).values())
    d = read_dataset(shipped_dataset()).demand
    demand = d[(d.year == 2026) & d.layer.isin(calibration.INFERENCE_LAYERS)].tokens_per_s.sum()
    assert disclosed <= demand <= 5 * disclosed, demand / disclosed


def test_revenue_2026_is_inside_the_published_band(world_dir):
    """Calendar 2026's revenue: the plan's served shares x demand.csv's 2026 tokens x the 2026 values."""
    low, high, _ = calibration.revenue_band_usd()
    res = calibration.read_results(world_dir)
    rev = calibration.calendar_revenue_usd(res, shipped_dataset(), 2026)
    assert low <= rev <= high, rev / 1e9


def test_no_banned_purchase_and_no_purchase_above_supply(world_dir):
    text = calibration.hardware_section(calibration.read_results(world_dir), WORLD_DIR)
    md = "\n".join(text)
    assert "where it is banned (gpu_access.csv): **0**" in md
    assert "| False |" not in md  # every generation x year within its supply
    assert "Active in 2026: **" in md and int(md.split("Active in 2026: **")[1].split()[0]) >= 3


def test_no_interactive_or_agentic_token_crosses_markets(world_dir):
    md = "\n".join(calibration.markets_section(calibration.read_results(world_dir), WORLD_DIR))
    assert "(US-aligned <-> CN): **0**" in md


def test_cost_decides(world_dir):
    """2030: at most 40 % of open sites at max_mw; at least 10 % of candidates never built, each explained."""
    res = calibration.read_results(world_dir)
    s = res["sites"]
    last = s[(s.year == s.year.max()) & s.open]
    assert (last.facility_mw >= last.max_mw - 1e-6).mean() <= 0.4
    ever = s.assign(built=(s.facility_mw > 1e-6) | (s.gpus_active > 0)).groupby("site_id").built.any()
    unbuilt = set(ever[~ever].index)
    assert len(unbuilt) >= 0.1 * len(ever)
    assert unbuilt <= set(res["explain"][res["explain"].kind == "site"].site_id)


def test_outside_china_almost_every_metro_token_is_served(world_results):
    """Issue 10 held unserved value under a fifth of the objective. In the token-true world (issue 28) most of
    what is unserved is China's: its interactive and agentic tokens after 2026, its post-training and its
    programs, which Ascend cannot make at the world's token values (CALIBRATION.md, "Where the plan's power
    stands"). Outside China's market, from the second planning year on, the metro-bound tokens left unserved
    are under 1 % of the objective. The first planning year serves the mean of 2026 and 2027 (period_demand =
    "mean"): its interactive and edge tokens are served (98 % and more); what it leaves is agentic (62 % of
    calendar 2026's agentic rate served on 2026-12-07: at the period's value a GPU-hour earns more on interactive
    and post-training, and new GPUs cost more per agentic token than it is worth; CALIBRATION.md says so)."""
    s = world_results.served
    ds = read_dataset(WORLD_DIR)
    market = ds.metros.set_index("metro_id").market
    value = {(l, int(y)): float(v) for l, y, v in zip(world_results.token_values.layer, world_results.token_values.year,
                                                          world_results.token_values.value_usd_per_mtok)}
    discount = world_results.plan.groupby("year").discount_factor.first()
    us = s[s.metro_id.map(market).eq("US-aligned")]  # metros only: pooled rows ("pool:...") are no metro
    first = int(us.year.min())
    later = us[us.year > first]
    usd = (later.unserved_tokens_per_s * 3600 * 8760 / 1e6 * [value[(l, int(y))] for l, y in zip(later.layer, later.year)]
           * later.year.map(discount)).sum()
    assert usd < 0.01 * world_results.objective_usd, usd / world_results.objective_usd
    by_layer = us[us.year == first].groupby("layer")[["demand_tokens_per_s", "served_tokens_per_s"]].sum()
    for layer in ("interactive", "edge"):
        assert by_layer.served_tokens_per_s[layer] >= 0.98 * by_layer.demand_tokens_per_s[layer], layer
    short = by_layer.demand_tokens_per_s - by_layer.served_tokens_per_s
    assert short["agentic"] >= 0.9 * short.sum(), short


def test_no_metro_is_unserved_for_want_of_a_candidate(world_results):
    """Every metro x layer has a site in its SLO and jurisdiction: what is left unserved is left for
    capacity, time or cost, reasons a planner can act on."""
    ex = world_results.explain
    assert not ex[ex.kind.eq("demand") & ex.reason.isin(["no_site_in_slo", "residency"])].size
