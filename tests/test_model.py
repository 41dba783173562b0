"""Tiny instances whose optimum is derived by hand, one per behaviour of FORMULATION.md.

Common data (tests/tiny.py): metro M1 with 1,000 tokens/s of interactive demand; GPU G1 is
one GPU per unit, 1,000 USD, 1 kW, 5-year life, 1,000 tokens/s; util and power fraction 1;
PUE 1; no facility, site or O&M cost; power 50 USD/MWh; discount rate 0 unless stated, so
CRF(0, n) = 1/n. One unit for a year costs 1,000/5 = 200 USD of capex and
1 kW x 8,760 h x 50 USD/MWh = 438 USD of energy. A year of 1,000 tokens/s is 31,536 Mtok.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import add_row, base, write, write_case
from tokensite import solve

MTOK_PER_YEAR = 1000 * 3600 * 8760 / 1e6  # 31,536


def run(tmp_path, frames, years=(2026,), layers=None, rate=0.0, skip=(), extra=""):
    data = write(tmp_path / "data", frames)
    case = write_case(tmp_path, data, list(years), layers, extra=extra, rate=rate)
    res = solve(case, skip_families=tuple(skip), mip_rel_gap=1e-9, time_limit_s=60)
    assert res.status == "optimal", res.summary
    return res


def both_sites_in_slo(fr):
    fr["layers.csv"].loc[0, "slo_rtt_ms"] = "50"


def set_price(fr, site, usd):
    p = fr["power_prices.csv"]
    p.loc[p.site_id == site, "price_usd_per_mwh"] = str(usd)


def test_base_case(tmp_path):
    """One unit at A: 200 + 438 = 638 USD."""
    res = run(tmp_path, base())
    assert res.objective_usd == pytest.approx(638, rel=1e-6)
    assert res.fleet.units_active.sum() == 1


def test_latency_slo_forces_nearer_dearer_site(tmp_path):
    """A (near, 100 USD/MWh) vs B (26 ms away, 10 USD/MWh), SLO 20 ms: A, 200 + 876 = 1076.
    With a 50 ms SLO B is eligible: 200 + 87.6 = 287.6."""
    fr = base()
    set_price(fr, "A", 100)
    set_price(fr, "B", 10)
    res = run(tmp_path / "slo20", fr)
    assert res.objective_usd == pytest.approx(1076, rel=1e-6)
    assert set(res.flows.site_id) == {"A"}
    both_sites_in_slo(fr)
    assert run(tmp_path / "slo50", fr).objective_usd == pytest.approx(287.6, rel=1e-6)


def test_residency_forbids_cheaper_foreign_site(tmp_path):
    """A is in CA at 10 USD/MWh, B in the US at 100; residency keeps M1 (US) at B: 200 + 876.
    Without residency A wins: 200 + 87.6."""
    fr = base()
    both_sites_in_slo(fr)
    fr["regions.csv"].loc[0, "jurisdiction"] = "CA"
    set_price(fr, "A", 10)
    set_price(fr, "B", 100)
    free = run(tmp_path / "free", fr)
    assert free.objective_usd == pytest.approx(287.6, rel=1e-6)
    fr["layers.csv"].loc[0, "residency"] = "jurisdiction"
    res = run(tmp_path / "res", fr)
    assert res.objective_usd == pytest.approx(1076, rel=1e-6)
    assert set(res.flows.site_id) == {"B"}


def test_max_site_share_forces_two_sites_and_reliability_is_not_inert(tmp_path):
    """Share 0.5: 500 tokens/s at each site, one unit each (400), power 0.5 kW at 10 and 100 USD/MWh:
    43.8 + 438 -> 881.8. Without the reliability family all goes to A: 287.6."""
    fr = base()
    both_sites_in_slo(fr)
    set_price(fr, "A", 10)
    set_price(fr, "B", 100)
    fr["layers.csv"].loc[0, "max_site_share"] = "0.5"
    res = run(tmp_path / "on", fr)
    assert res.objective_usd == pytest.approx(881.8, rel=1e-6)
    assert set(res.flows.site_id) == {"A", "B"}
    assert run(tmp_path / "off", fr, skip=["reliability"]).objective_usd == pytest.approx(287.6, rel=1e-6)


def _no_grid(fr, online_wait):
    fr["regions.csv"]["existing_mw"] = "0"
    q = fr["interconnect_queue.csv"]
    q.loc[0, "request_year"] = "2025"
    q.loc[0, "wait_years"] = str(online_wait)


def test_late_tranche_is_unused_and_bridge_power_is_bought(tmp_path):
    """No grid today; A's tranche comes online in 2030 (after the 2026 horizon). Bridge power at A
    (1,000 USD/MW, 10-year life, 100 USD/MWh): 0.001 MW x 100 + 8.76 MWh x 100 = 0.1 + 876, plus 200
    of GPU: 1076.1 USD, far below 31.5 M USD of unserved value."""
    fr = base()
    _no_grid(fr, 5)
    r = fr["regions.csv"]
    r.loc[0, ["bridge_capex_usd_per_mw", "bridge_price_usd_per_mwh", "bridge_max_mw"]] = ["1000", "100", "5"]
    res = run(tmp_path, fr)
    assert res.objective_usd == pytest.approx(1076.1, rel=1e-6)
    a = res.sites.set_index("site_id").loc["A"]
    assert a.tranches == "" or pd.isna(a.tranches)
    assert a.bridge_mw == pytest.approx(0.001, rel=1e-6)


def test_queue_family_brings_the_grid(tmp_path):
    """No grid today; A's free 10 MW tranche is online in 2026: served at 638. Without the queue
    family only today's 0 MW exist and the demand is unserved: 31,536 Mtok x 1,000 USD."""
    fr = base()
    _no_grid(fr, 1)
    assert run(tmp_path / "on", fr).objective_usd == pytest.approx(638, rel=1e-6)
    off = run(tmp_path / "off", fr, skip=["queue"])
    assert off.objective_usd == pytest.approx(MTOK_PER_YEAR * 1000, rel=1e-6)


def _batch(fr, max_shift):
    fr["layers.csv"] = add_row(fr["layers.csv"], layer="batch", metro_bound="false", slo_rtt_ms="", max_site_share=1, util_max=1,
                               power_fraction=1, value_usd_per_mtok=1000, residency="none", max_shift=max_shift)
    fr["throughput.csv"] = add_row(fr["throughput.csv"], gpu="G1", layer="batch", tokens_per_s_per_gpu=1000)
    fr["demand.csv"] = add_row(fr["demand.csv"], metro_id="M1", layer="batch", year=2026, tokens_per_s=1000)
    fr["power_prices.csv"] = add_row(fr["power_prices.csv"], site_id="A", slice="day", tier="curtailed", price_usd_per_mwh=0, cap_mw=10)


def test_batch_moves_to_the_curtailed_slice(tmp_path):
    """Curtailed power is free by day at A. With max_shift 1 all batch runs by day: 2,000 tokens/s for
    12 h needs 2 units (400 USD) and free energy -> 400. With max_shift 0: 1 unit (200), night energy
    4.38 MWh x 50 = 219 -> 419."""
    fr = base()
    _batch(fr, 1)
    res = run(tmp_path / "shift", fr, layers=["batch"])
    assert res.objective_usd == pytest.approx(400, rel=1e-6)
    fr["layers.csv"].loc[1, "max_shift"] = "0"
    assert run(tmp_path / "fixed", fr, layers=["batch"]).objective_usd == pytest.approx(419, rel=1e-6)


def test_interactive_and_batch_share_gpus_across_slices(tmp_path):
    """Interactive runs only by day at 2,000 tokens/s (profile 2/0): 2 units. Batch (1,000 tokens/s,
    movable) fits on the same 2 units at night. 2 units = 400; 2 kW all year = 876 -> 1276."""
    fr = base()
    _batch(fr, 1)
    fr["power_prices.csv"] = fr["power_prices.csv"][fr["power_prices.csv"].tier != "curtailed"]
    fr["profiles.csv"] = pd.DataFrame({"layer": ["interactive", "interactive"], "slice": ["day", "night"], "multiplier": ["2", "0"]})
    res = run(tmp_path, fr, layers=["interactive", "batch"])
    assert res.objective_usd == pytest.approx(1276, rel=1e-6)
    assert res.fleet.units_active.sum() == 2


def _training(fr):
    fr["layers.csv"] = add_row(fr["layers.csv"], layer="training", metro_bound="false", slo_rtt_ms="", max_site_share=1, util_max=1,
                               power_fraction=1, value_usd_per_mtok=1000, residency="none", max_shift=0)
    fr["throughput.csv"] = add_row(fr["throughput.csv"], gpu="G1", layer="training", tokens_per_s_per_gpu=1000)
    fr["regions.csv"] = add_row(fr["regions.csv"], site_id="C", name="C", lat=45, lon=-73, country="CA", jurisdiction="CA", grid_zone="HQ",
                                kind="campus", pue=1, existing_mw=100, max_mw=100, site_fixed_usd=0, facility_capex_usd_per_mw=0,
                                fixed_om_usd_per_mw_year=0, earliest_year=2020, carbon_kg_per_mwh=0, training_allowed="true")
    for t in ("day", "night"):
        fr["power_prices.csv"] = add_row(fr["power_prices.csv"], site_id="C", slice=t, tier="firm", price_usd_per_mwh=1)
    fr["regions.csv"].loc[1, "facility_capex_usd_per_mw"] = "1000"
    fr["training.csv"] = pd.DataFrame({"program_id": ["P"], "start_year": ["2026"], "tokens_per_s": ["2000"], "min_campus_mw": ["50"], "jurisdictions": ["US"]})


def test_training_lands_whole_on_an_allowed_campus(tmp_path):
    """P needs 2,000 tokens/s on a US campus of >= 50 MW. C (CA) is cheaper but not allowed; A does not
    allow training; so B: 2 units (400) + 2 kW energy (876) + 50 MW x 1,000 USD x CRF(0, 20) = 2,500 -> 3,776.
    Without the training family nothing needs building: 0."""
    fr = base()
    _training(fr)
    res = run(tmp_path / "on", fr, layers=["training"])
    assert res.objective_usd == pytest.approx(3776, rel=1e-6)
    assert res.training.set_index("program_id").loc["P", "site_id"] == "B"
    assert res.fleet.set_index("site_id").units_active.to_dict() == {"B": 2}
    assert run(tmp_path / "off", fr, layers=["training"], skip=["training"]).objective_usd == pytest.approx(0, abs=1e-6)


def test_gpu_generation_availability_and_retirement(tmp_path):
    """G1 lives 1 year; G2 (500 USD, 5 years) exists from 2027. 2026: G1 (1,000) + 438; 2027 and 2028:
    G2 (100 a year) + 438 -> 1,438 + 538 + 538 = 2,514. G2 is never bought in 2026 and G1 is not active after 2026."""
    fr = base()
    fr["gpus.csv"].loc[0, "lifetime_years"] = "1"
    fr["gpus.csv"] = add_row(fr["gpus.csv"], gpu="G2", first_year=2027, gpus_per_unit=1, capex_usd_per_gpu=500, kw_per_gpu=1, lifetime_years=5)
    fr["throughput.csv"] = add_row(fr["throughput.csv"], gpu="G2", layer="interactive", tokens_per_s_per_gpu=1000)
    for y in (2027, 2028):
        fr["demand.csv"] = add_row(fr["demand.csv"], metro_id="M1", layer="interactive", year=y, tokens_per_s=1000)
    res = run(tmp_path, fr, years=(2026, 2027, 2028))
    assert res.objective_usd == pytest.approx(2514, rel=1e-6)
    f = res.fleet
    assert f[(f.gpu == "G2") & (f.year == 2026)].empty
    assert f[(f.gpu == "G1") & (f.year > 2026)].units_active.sum() == 0


@pytest.mark.parametrize("value,served", [(0.01, False), (0.03, True)])
def test_unserved_exactly_when_cost_exceeds_value(tmp_path, value, served):
    """Serving costs 638 USD for 31,536 Mtok (0.0202 USD/Mtok). At 0.01 USD/Mtok leaving it unserved
    costs 315.36 (cheaper); at 0.03 it costs 946.08 (dearer), so it is served for 638."""
    fr = base()
    fr["layers.csv"].loc[0, "value_usd_per_mtok"] = str(value)
    res = run(tmp_path, fr)
    s = res.served.iloc[0]
    if served:
        assert res.objective_usd == pytest.approx(638, rel=1e-6) and s.unserved_tokens_per_s == pytest.approx(0, abs=1e-6)
    else:
        assert res.objective_usd == pytest.approx(MTOK_PER_YEAR * value, rel=1e-6) and s.served_tokens_per_s == pytest.approx(0, abs=1e-6)


def test_discounted_objective_equals_hand_computation(tmp_path):
    """Years 2026 and 2028 at 10 %: one unit bought in 2026 serves both. Annual cost
    1,000 x CRF(0.1, 5) + 438; 2026 stands for 2026-2027 (1 + 1/1.1), 2028 for itself (1/1.1^2)."""
    fr = base()
    fr["demand.csv"] = add_row(fr["demand.csv"], metro_id="M1", layer="interactive", year=2028, tokens_per_s=1000)
    res = run(tmp_path, fr, years=(2026, 2028), rate=0.1)
    crf = 0.1 / (1 - 1.1**-5)
    expected = (1000 * crf + 438) * ((1 + 1 / 1.1) + 1.1**-2)
    assert res.objective_usd == pytest.approx(expected, rel=1e-9)
    assert res.fleet[res.fleet.year == 2026].units_bought.sum() == 1


def test_demand_throughput_power_families_are_not_inert(tmp_path):
    """Base 638. Without demand nothing is needed (0); without throughput tokens need no GPUs (0);
    without power the GPU costs only its capex (200)."""
    fr = base()
    assert run(tmp_path / "d", fr, skip=["demand"]).objective_usd == pytest.approx(0, abs=1e-6)
    assert run(tmp_path / "t", fr, skip=["throughput"]).objective_usd == pytest.approx(0, abs=1e-6)
    assert run(tmp_path / "p", fr, skip=["power"]).objective_usd == pytest.approx(200, rel=1e-6)


def test_policy_supply_limit_and_carbon_price(tmp_path):
    """No G1 supply: all unserved (31,536 Mtok x 1,000). Carbon 1 t/MWh at 100 USD/t adds 8.76 x 100
    = 876 to the base 638. Without the policy family both effects vanish (638)."""
    fr = base()
    fr["gpus.csv"].loc[0, "supply_units_per_year"] = "0"
    assert run(tmp_path / "s", fr).objective_usd == pytest.approx(MTOK_PER_YEAR * 1000, rel=1e-6)
    fr["gpus.csv"].loc[0, "supply_units_per_year"] = ""
    fr["regions.csv"]["carbon_kg_per_mwh"] = "1000"
    fr["policy.csv"] = pd.DataFrame({"year": ["2026"], "budget_usd": [""], "co2_cap_t": [""], "carbon_price_usd_per_t": ["100"]})
    assert run(tmp_path / "c", fr).objective_usd == pytest.approx(1514, rel=1e-6)
    assert run(tmp_path / "off", fr, skip=["policy"]).objective_usd == pytest.approx(638, rel=1e-6)


def test_co2_cap_binds(tmp_path):
    """A cap of 4.38 t with 1 t/MWh allows half the energy: half the tokens are served (1 unit,
    200 + 219 energy) and half unserved (15,768 Mtok x 1 USD): 419 + 15,768 = 16,187."""
    fr = base()
    fr["layers.csv"].loc[0, "value_usd_per_mtok"] = "1"
    fr["regions.csv"]["carbon_kg_per_mwh"] = "1000"
    fr["policy.csv"] = pd.DataFrame({"year": ["2026"], "budget_usd": [""], "co2_cap_t": ["4.38"], "carbon_price_usd_per_t": [""]})
    assert run(tmp_path, fr).objective_usd == pytest.approx(419 + MTOK_PER_YEAR / 2, rel=1e-6)


def test_plan_reconciles_with_objective(tmp_path):
    fr = base()
    fr["demand.csv"] = add_row(fr["demand.csv"], metro_id="M1", layer="interactive", year=2028, tokens_per_s=3000)
    res = run(tmp_path, fr, years=(2026, 2028), rate=0.08)
    p = res.plan
    total = ((p.capex_usd + p.opex_usd + p.unserved_usd) * p.discount_factor).sum()
    assert total == pytest.approx(res.objective_usd, rel=1e-6)
