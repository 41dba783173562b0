"""Demand family (docs/formulation.md §1) on tiny cases solved by hand.

Common data (tests/tiny.py): metro M1 with 1,000 tokens/s of interactive demand worth
1,000 USD/Mtok; GPU G1 is one GPU per unit, 1,000 USD, 1 kW, 5-year life, 1,000 tokens/s;
util and power fraction 1; PUE 1; no facility, site or O&M cost; power 50 USD/MWh in both
12-hour slices; discount rate 0, so CRF(0, n) = 1/n. One unit for a year costs 1,000/5 = 200
USD of capex and 1 kW x 8,760 h x 50 USD/MWh = 438 USD of energy.
"""

from __future__ import annotations

import pytest

from tests.tiny import MTOK_PER_YEAR, add_batch, add_demand_year, base, both_sites_in_slo, set_price, set_site, solve_tiny

COVERS = {
    "c_demand_slice": ["test_interactive_demand_is_held_in_every_slice", "test_half_the_demand_may_shift"],
    "c_demand_year": ["test_interactive_demand_is_held_in_every_slice", "test_half_the_demand_may_shift"],
    "c_demand_pool_slice": ["test_batch_moves_to_the_curtailed_slice"],
    "c_demand_pool_year": ["test_batch_moves_to_the_curtailed_slice"],
}


def test_latency_slo_forces_nearer_dearer_site(tmp_path):
    """A (near, 100 USD/MWh) vs B (26 ms away, 10 USD/MWh), SLO 20 ms: A, 200 + 876 = 1076.
    With a 50 ms SLO B is eligible: 200 + 87.6 = 287.6."""
    fr = base()
    set_price(fr, "A", 100)
    set_price(fr, "B", 10)
    res = solve_tiny(tmp_path / "slo20", fr)
    assert res.objective_usd == pytest.approx(1076, rel=1e-6)
    assert set(res.flows.site_id) == {"A"}
    both_sites_in_slo(fr)
    assert solve_tiny(tmp_path / "slo50", fr).objective_usd == pytest.approx(287.6, rel=1e-6)


def test_residency_forbids_cheaper_foreign_site(tmp_path):
    """A is in CA at 10 USD/MWh, B in the US at 100; residency keeps M1 (US) at B: 200 + 876.
    Without residency A wins: 200 + 87.6."""
    fr = base()
    both_sites_in_slo(fr)
    set_site(fr, "A", jurisdiction="CA")
    set_price(fr, "A", 10)
    set_price(fr, "B", 100)
    assert solve_tiny(tmp_path / "free", fr).objective_usd == pytest.approx(287.6, rel=1e-6)
    fr["layers.csv"].loc[0, "residency"] = "jurisdiction"
    res = solve_tiny(tmp_path / "res", fr)
    assert res.objective_usd == pytest.approx(1076, rel=1e-6)
    assert set(res.flows.site_id) == {"B"}


@pytest.mark.parametrize("max_shift,expected", [(0, 681.8), (1, 487.6)])
def test_interactive_demand_is_held_in_every_slice(tmp_path, max_shift, expected):
    """A's power costs 10 USD/MWh by day and 100 by night. With max_shift 0 the slice rows, then
    equalities with no year row, hold 1,000 tokens/s in each slice: 1 unit (200) + 4.38 MWh x 10 +
    4.38 MWh x 100 = 681.8. With max_shift 1 there are no slice rows, only the year row, and all of
    it moves to the day: 2,000 tokens/s for 12 h needs 2 units (400) + 8.76 MWh x 10 = 487.6.
    (Without its rows either case need serve nothing: 0.)"""
    fr = base()
    set_price(fr, "A", 10, "day")
    set_price(fr, "A", 100, "night")
    fr["layers.csv"].loc[0, "max_shift"] = str(max_shift)
    assert solve_tiny(tmp_path, fr).objective_usd == pytest.approx(expected, rel=1e-6)


def test_half_the_demand_may_shift(tmp_path):
    """max_shift 0.5, power 10 USD/MWh by day and 200 by night: each slice holds at least 500
    tokens/s and the year's mean is 1,000, so the night keeps 500 and the day makes 1,500: 2 units
    (400) + 1.5 kW x 4,380 h x 10 + 0.5 kW x 4,380 h x 200 = 400 + 65.7 + 438 = 903.7 (holding
    1,000 in each slice would cost 200 + 43.8 + 876 = 1,119.8). Without the slice rows all moves to
    the day: 487.6; without the year row only the 500 minimum is served: 200 + 21.9 + 438 = 659.9."""
    fr = base()
    set_price(fr, "A", 10, "day")
    set_price(fr, "A", 200, "night")
    fr["layers.csv"].loc[0, "max_shift"] = "0.5"
    res = solve_tiny(tmp_path, fr)
    assert res.objective_usd == pytest.approx(903.7, rel=1e-6)


@pytest.mark.parametrize("value,served", [(0.01, False), (0.03, True)])
def test_unserved_exactly_when_cost_exceeds_value(tmp_path, value, served):
    """Serving costs 638 USD for 31,536 Mtok (0.0202 USD/Mtok). At 0.01 USD/Mtok leaving it unserved
    costs 315.36 (cheaper); at 0.03 it costs 946.08 (dearer), so it is served for 638."""
    fr = base()
    fr["layers.csv"].loc[0, "value_usd_per_mtok"] = str(value)
    res = solve_tiny(tmp_path, fr)
    s = res.served.iloc[0]
    if served:
        assert res.objective_usd == pytest.approx(638, rel=1e-6) and s.unserved_tokens_per_s == pytest.approx(0, abs=1e-6)
    else:
        assert res.objective_usd == pytest.approx(MTOK_PER_YEAR * value, rel=1e-6) and s.served_tokens_per_s == pytest.approx(0, abs=1e-6)


def test_batch_moves_to_the_curtailed_slice(tmp_path):
    """Curtailed power is free by day at A. With max_shift 1 all batch runs by day: 2,000 tokens/s for
    12 h needs 2 units (400) and free energy -> 400. With max_shift 0 the pooled slice rows hold it in
    both slices: 1 unit (200), night energy 4.38 MWh x 50 = 219 -> 419."""
    fr = base()
    add_batch(fr, 1)
    assert solve_tiny(tmp_path / "shift", fr, layers=["batch"]).objective_usd == pytest.approx(400, rel=1e-6)
    fr["layers.csv"].loc[1, "max_shift"] = "0"
    assert solve_tiny(tmp_path / "fixed", fr, layers=["batch"]).objective_usd == pytest.approx(419, rel=1e-6)


def test_demand_family_is_not_inert(tmp_path):
    """Without the demand family nothing needs serving: 0 instead of 638."""
    assert solve_tiny(tmp_path, base(), skip=["demand"]).objective_usd == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize("rows,served", [([(2025, 0.03), (2027, 0.01)], True), ([(2020, 0.03), (2026, 0.01)], False), ([(2027, 0.01)], True)])
def test_token_value_is_the_latest_row_by_year(tmp_path, rows, served):
    """token_values.csv: the value of 2026 is the row with the latest year ≤ 2026 (layers.csv's 1,000
    USD/Mtok if none). Serving costs 638 USD for 31,536 Mtok (0.0202 USD/Mtok): at 0.03 (2025's row)
    it is served for 638; at 0.01 (2026's row) it is left unserved for 315.36; a row of 2027 alone
    leaves 2026 at 1,000 USD/Mtok, so it is served. profit.csv prices the served tokens the same way."""
    import pandas as pd

    fr = base()
    fr["token_values.csv"] = pd.DataFrame([("interactive", str(y), str(v)) for y, v in rows], columns=["layer", "year", "value_usd_per_mtok"])
    res = solve_tiny(tmp_path, fr)
    value_2026 = res.token_values.set_index(["layer", "year"]).value_usd_per_mtok[("interactive", 2026)]
    if served:
        assert res.objective_usd == pytest.approx(638, rel=1e-6)
        from tokensite.results.plans import profit
        assert profit(res).revenue_usd.iloc[0] == pytest.approx(MTOK_PER_YEAR * value_2026, rel=1e-6)
    else:
        assert value_2026 == 0.01 and res.objective_usd == pytest.approx(MTOK_PER_YEAR * 0.01, rel=1e-6)


def test_a_site_serves_only_the_layers_it_lists(tmp_path):
    """regions.csv ``layers``: A (10 USD/MWh) and B (100 USD/MWh) are both within the SLO. Open to every
    layer, A serves M1: 200 + 1 kW x 8,760 h x 10 = 287.6. Listed for agentic only, A has no route for
    interactive and B serves it: 200 + 876 = 1,076."""
    import pandas as pd

    fr = base()
    both_sites_in_slo(fr)
    set_price(fr, "A", 10)
    set_price(fr, "B", 100)
    fr["regions.csv"]["layers"] = ""
    assert solve_tiny(tmp_path / "open", fr).objective_usd == pytest.approx(287.6, rel=1e-6)
    for f in ("layers.csv", "throughput.csv"):
        fr[f] = pd.concat([fr[f], fr[f].assign(layer="agentic")], ignore_index=True)
    fr["demand.csv"] = pd.concat([fr["demand.csv"], fr["demand.csv"].assign(layer="agentic", tokens_per_s="0")], ignore_index=True)  # a layer with no demand
    set_site(fr, "A", layers="agentic")
    res = solve_tiny(tmp_path / "batch_only", fr)
    assert res.objective_usd == pytest.approx(1076, rel=1e-6) and set(res.flows.site_id) == {"B"}


def test_a_blank_transit_costs_the_distance(tmp_path):
    """Both sites in the SLO at the same price: without transit the plan could take either. With
    latency.csv's transit blank, each path pays 8e-5 USD per Mtok per 1,000 km of route (1.655 x
    great circle): A (about 7 km from M1) wins, and the objective is 638 USD plus A's transit on
    31,536 Mtok a year. Writing 0 in the column makes the path free again."""
    from tokensite.dataset.geo import great_circle_km

    fr = base()
    both_sites_in_slo(fr)
    fr["latency.csv"]["transit_usd_per_mtok"] = ""
    res = solve_tiny(tmp_path / "blank", fr)
    km_a = float(great_circle_km(40.0, -75.0, 40.05, -75.05))
    transit_usd = MTOK_PER_YEAR * 8e-5 * 1.655 * km_a / 1000
    assert transit_usd == pytest.approx(0.0292, abs=1e-3)
    assert res.objective_usd == pytest.approx(638 + transit_usd, rel=1e-9)
    assert set(res.flows.site_id) == {"A"}
    fr["latency.csv"]["transit_usd_per_mtok"] = "0"
    assert solve_tiny(tmp_path / "free", fr).objective_usd == pytest.approx(638, rel=1e-9)


@pytest.mark.parametrize("period_demand,served_2026,expected", [("first", 1000, 1914.0), ("mean", 2000, 3390.0)])
def test_a_planning_year_serves_its_period_mean(tmp_path, period_demand, served_2026, expected):
    """demand.csv asks 1,000 tokens/s in 2026, 3,000 in 2027 and 1,000 in 2028; the case plans 2026 (standing
    for 2026-27, W = 2) and 2028 (W = 1). ``first`` serves 1,000 in 2026: one unit, (200 + 438) x 2 years, then
    the same unit in 2028, 200 + 438: 1,914. ``mean`` serves (1,000 + 3,000) / 2 = 2,000 in 2026: two units,
    (400 + 876) x 2 = 2,552, both still alive in 2028 (5-year life) where one works: 400 + 438 = 838; 3,390."""
    fr = base()
    add_demand_year(fr, 2027, 3000)
    add_demand_year(fr, 2028, 1000)
    res = solve_tiny(tmp_path, fr, years=(2026, 2028), extra=f'period_demand = "{period_demand}"')
    served = res.served.groupby("year").served_tokens_per_s.sum()
    assert served[2026] == pytest.approx(served_2026, rel=1e-6)
    assert served[2028] == pytest.approx(1000, rel=1e-6)
    assert res.objective_usd == pytest.approx(expected, rel=1e-6)


def test_period_mean_counts_a_missing_calendar_row_as_no_demand():
    """Rows for 2026 and 2027 at M1, only 2026 at M2: the 2026 planning year (2026-27) asks M1 the mean and
    M2 half its 2026 rate; a dataset with rows for its planning years only is read as before."""
    import pandas as pd

    from tokensite.config import Case
    from tokensite.model.periods import demand_by_planning_year

    d = pd.DataFrame(dict(metro_id=["M1", "M1", "M2", "M1"], layer="l", year=[2026, 2027, 2026, 2028], tokens_per_s=[10.0, 30.0, 8.0, 5.0]))
    case = Case(name="t", data_dir=None, years=(2026, 2028), period_demand="mean")
    got = demand_by_planning_year(d, case).set_index(["metro_id", "year"]).tokens_per_s.to_dict()
    assert got == {("M1", 2026): 20.0, ("M2", 2026): 4.0, ("M1", 2028): 5.0}
    only = d[d.year != 2027]
    assert demand_by_planning_year(only, case).sort_values(["metro_id", "year"]).tokens_per_s.tolist() == [10.0, 5.0, 8.0]


def test_period_value_is_the_demand_weighted_mean_of_its_calendar_values():
    """Agentic is worth 0.4 USD/Mtok in 2026 and 0.2 from 2027, asked 1,000 then 3,000 tokens/s: the 2026
    planning year (2026-27) values it (0.4 x 1,000 + 0.2 x 3,000) / 4,000 = 0.25, so value x mean demand is the
    period's mean revenue; 2028 (no value row of its own) keeps 2027's 0.2; ``first`` keeps 2026's 0.4."""
    import pandas as pd

    from tokensite.config import Case
    from tokensite.model.periods import token_value_by_period

    layers = pd.DataFrame(dict(layer=["agentic"], value_usd_per_mtok=[9.0]))
    values = pd.DataFrame(dict(layer="agentic", year=[2026, 2027], value_usd_per_mtok=[0.4, 0.2]))
    d = pd.DataFrame(dict(metro_id="M1", layer="agentic", year=[2026, 2027, 2028], tokens_per_s=[1000.0, 3000.0, 500.0]))
    mean = token_value_by_period(layers, values, d, Case(name="t", data_dir=None, years=(2026, 2028), period_demand="mean"))
    assert mean == pytest.approx({("agentic", 2026): 0.25, ("agentic", 2028): 0.2})
    first = token_value_by_period(layers, values, d, Case(name="t", data_dir=None, years=(2026, 2028)))
    assert first == pytest.approx({("agentic", 2026): 0.4, ("agentic", 2028): 0.2})
