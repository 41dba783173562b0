"""Route column generation (tokensite/solver/routes.py) on a case where pruning drops a route the optimum needs.

Sites, all within the 100 ms SLO of metro M1, one 1 kW GPU (1,000 tokens/s) per unit, demand 3,000
tokens/s (three units), power the only cost:

===== ============ ========== ==========================================
site  USD/MWh      max_mw     role
===== ============ ========== ==========================================
A     500          100        nearest (10 km)
B     10           0.001      cheapest, room for one unit only
C     20           100        second cheapest: pruned at k = 1
D, E  600, 700     100        far and dear
===== ============ ========== ==========================================

With k = 1 the starting routes are A (nearest) and B (cheapest): 2 of 5. The optimum is one unit at
B and two at C, 8,760 h × (1 kW × 10 + 2 kW × 20 USD/MWh) = 438 USD of power a year; the
restricted LP serves the two units at A (8,760 USD), so C's flow prices out and must be added.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.tiny import add_row, base, set_price, set_site, solve_tiny, write, write_case
from tokensite.compile import compile_model
from tokensite.config import load_case
from tokensite.dataset import read_dataset
from tokensite.solver.highs import new_highs, run_until
from tokensite.model import build_model
from tokensite.solver.routes import RoutePricing, route_set

POWER_USD = 8760 * (0.001 * 10 + 0.002 * 20)


def frames():
    fr = base()
    fr["layers.csv"].loc[0, "slo_rtt_ms"] = "100"
    fr["demand.csv"].loc[0, "tokens_per_s"] = "3000"
    set_site(fr, "B", max_mw=0.001, existing_mw=0.001)
    for site, lon, price in (("C", -85.0, 20), ("D", -80.0, 600), ("E", -82.0, 700)):
        fr["regions.csv"] = add_row(fr["regions.csv"], site_id=site, name=site, lat=40, lon=lon, country="US", jurisdiction="US",
                                    grid_zone="X", kind="metro", pue=1, existing_mw=100, max_mw=100, site_fixed_usd=0,
                                    facility_capex_usd_per_mw=0, fixed_om_usd_per_mw_year=0, earliest_year=2020,
                                    carbon_kg_per_mwh=0, training_allowed="false", min_mw=0)
        for t in ("day", "night"):
            fr["power_prices.csv"] = add_row(fr["power_prices.csv"], site_id=site, slice=t, tier="firm", price_usd_per_mwh=price)
        fr["latency.csv"] = add_row(fr["latency.csv"], site_id=site, metro_id="M1", transit_usd_per_mtok=0)
    set_price(fr, "A", 500)
    set_price(fr, "B", 10)
    fr["gpus.csv"].loc[0, "capex_usd_per_gpu"] = "0"
    return fr


def test_generation_reaches_the_full_optimum(tmp_path):
    full = solve_tiny(tmp_path / "full", frames(), route_k=0)
    gen = solve_tiny(tmp_path / "gen", frames(), route_k=1)
    assert full.objective_usd == pytest.approx(POWER_USD, rel=1e-9)
    assert gen.objective_usd == pytest.approx(full.objective_usd, rel=1e-9)
    assert gen.summary["best_bound_usd"] <= full.objective_usd * (1 + 1e-9)
    assert "of 5 routes (2 to start)" in gen.summary["message"]
    served_by = gen.flows.groupby("site_id").tokens_per_s.sum()
    assert served_by["C"] == pytest.approx(2000) and served_by["B"] == pytest.approx(1000)


def test_full_route_set_is_used_without_pruning(tmp_path):
    res = solve_tiny(tmp_path, frames(), route_k=0)
    assert "route generation" not in res.summary["message"]


def test_lagrangian_bound_of_the_restricted_lp_is_below_the_full_lp(tmp_path):
    data = write(tmp_path / "data", frames())
    case = load_case(write_case(tmp_path, data, [2026]))
    ds = read_dataset(case.data_dir)
    m, ix, par = build_model(ds, case)
    comp = compile_model(m)
    routes = route_set(comp, ix, par, ds.routes, k=1)
    assert routes is not None and {routes.keys[i][0] for i in np.flatnonzero(routes.start)} == {"A", "B"}

    full = new_highs(comp, case.solver, False, integer=False, warnings=[])
    assert run_until(full, 1e18) == "optimal"
    z_full = full.getInfo().objective_function_value

    pricing = RoutePricing(comp, routes)
    h = new_highs(comp, case.solver, False, integer=False, warnings=[])
    pricing.restrict(h)
    h.setOptionValue("solver", "simplex")
    assert run_until(h, 1e18) == "optimal"
    sol = h.getSolution()
    z_rmp = h.getInfo().objective_function_value
    row_dual = np.array(sol.row_dual)
    # our reduced costs are HiGHS's own column duals
    assert np.allclose(pricing.reduced_costs(row_dual), np.array(sol.col_dual)[routes.cols], atol=1e-9)
    bound = z_rmp + pricing.lagrangian_gap(row_dual)
    assert z_rmp > z_full * (1 + 1e-6)  # C was needed
    assert bound <= z_full * (1 + 1e-9)
    # the demand row caps C, D and E's flows together: the bound is at least the flow-by-flow one, Σ min(0, d_j) u_j,
    # which counts each of them as if it alone could carry all of M1's demand
    d, dropped = pricing.reduced_costs(row_dual), ~pricing.active
    per_flow = z_rmp + float(np.minimum(d[dropped], 0.0) @ routes.ub[dropped])
    assert bound >= per_flow - 1e-9 * abs(z_full)
    if np.sum(d[dropped] < -1e-9) > len(np.unique(routes.group[dropped & (d < -1e-9)])):  # two dropped flows of one row price out
        assert bound > per_flow + 1e-9 * abs(z_full)
    # C prices out; so may D and E, whose idle capacity rows are degenerate (dual 0): harmless, they stay unused
    assert "C" in {r for r, _m, _l in pricing.routes_of(pricing.priced_out(row_dual))}


def test_generation_stopped_early_keeps_a_true_bound_and_the_final_pricing_finds_the_optimum(tmp_path, monkeypatch):
    """Generation stopped after the first round (the stop threshold made huge): the restricted LP
    serves two units at A (8,760 USD), so a bound without the Lagrangian term would be 20× the
    optimum; the reported bound must stay at or below 438 USD, and the final pricing at the rounded
    plan must still add C and reach it."""
    gen = solve_tiny(tmp_path, frames(), route_k=1, generation_stop=1e12)
    assert "1 LP round(s), stopped with the bound" in gen.summary["message"]
    assert gen.summary["best_bound_usd"] <= POWER_USD * (1 + 1e-9)
    assert gen.objective_usd == pytest.approx(POWER_USD, rel=1e-9)
    assert "flows added" in gen.summary["message"]


def test_generation_stops_before_an_lp_that_would_not_end_in_half_the_time():
    """The next restricted LP's time is the last LP's times the growth of the LP's columns. 1,000 columns, 600 of
    them dropped: 400 in the LP. The last LP took 100 s, 50 s ago, with 400 s left to the deadline (the half: 225 s
    from the start). Adding 200 flows predicts 150 s (ends at 200 s: on); adding 400 predicts 200 s (250 s: stop)."""
    import time
    from types import SimpleNamespace

    from tokensite.solver.relax import _next_round_late

    now = time.perf_counter()
    s = SimpleNamespace(comp=SimpleNamespace(lp=SimpleNamespace(num_col_=1000)), pricing=SimpleNamespace(dropped_cols=np.arange(600)),
                        lp_s=100.0, deadline=now + 400.0)
    assert not _next_round_late(s, now - 50.0, adding=200)
    assert _next_round_late(s, now - 50.0, adding=400)
