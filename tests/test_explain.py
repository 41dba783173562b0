"""Why not here: a tiny case built to have each reason gets that reason.

Base data as in tests/model/test_demand.py: A near M1, B a campus ~26 ms away (outside the 20 ms SLO).
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import add_training, base, both_sites_in_slo, set_price, set_site, solve_tiny


def rows(res, kind, **where):
    e = res.explain[res.explain.kind == kind]
    for k, v in where.items():
        e = e[e[k] == v]
    return e


def reasons(res, kind, **where):
    return list(rows(res, kind, **where).reason)


def details(res, kind, **where):
    return list(rows(res, kind, **where).detail)


def test_site_lead_time(tmp_path):
    fr = base()
    fr["regions.csv"].loc[1, "earliest_year"] = "2030"
    assert reasons(solve_tiny(tmp_path, fr), "site", site_id="B") == ["lead_time"]


def test_site_no_power_before_horizon(tmp_path):
    fr = base()
    fr["regions.csv"].loc[1, "existing_mw"] = "0"
    assert reasons(solve_tiny(tmp_path, fr), "site", site_id="B") == ["no_power"]


def test_site_no_demand_in_reach(tmp_path):
    assert reasons(solve_tiny(tmp_path, base()), "site", site_id="B") == ["no_demand"]


def test_site_cost(tmp_path):
    fr = base()
    both_sites_in_slo(fr)
    set_price(fr, "B", 500)
    assert reasons(solve_tiny(tmp_path, fr), "site", site_id="B") == ["cost"]


def test_site_min_campus(tmp_path):
    fr = base()
    add_training(fr)
    fr["regions.csv"].loc[1, "max_mw"] = "10"  # B is the only allowed US campus, P needs 50 MW
    res = solve_tiny(tmp_path, fr, layers=["training"])
    assert reasons(res, "site", site_id="B") == ["min_campus"]
    assert reasons(res, "training") == ["min_campus"]


def test_demand_no_site_in_slo(tmp_path):
    fr = base()
    fr["layers.csv"].loc[0, "slo_rtt_ms"] = "0.5"  # below the 1 ms metro overhead
    assert reasons(solve_tiny(tmp_path, fr), "demand", metro_id="M1") == ["no_site_in_slo"]


def test_demand_residency(tmp_path):
    fr = base()
    fr["regions.csv"].loc[0, "jurisdiction"] = "CA"
    fr["layers.csv"].loc[0, "residency"] = "jurisdiction"
    assert reasons(solve_tiny(tmp_path, fr), "demand", metro_id="M1") == ["residency"]


def test_demand_no_site_by_year(tmp_path):
    fr = base()
    fr["regions.csv"].loc[0, "earliest_year"] = "2030"
    assert reasons(solve_tiny(tmp_path, fr), "demand", metro_id="M1") == ["no_site_by_year"]


def test_demand_reliability(tmp_path):
    fr = base()
    fr["layers.csv"].loc[0, "max_site_share"] = "0.5"
    res = solve_tiny(tmp_path, fr)
    assert reasons(res, "demand", metro_id="M1") == ["reliability"]
    assert res.served.iloc[0].unserved_tokens_per_s == pytest.approx(500, rel=1e-6)


def test_demand_capacity(tmp_path):
    fr = base()
    fr["regions.csv"].loc[0, "max_mw"] = "0.0005"  # half of the 1 kW needed
    assert reasons(solve_tiny(tmp_path, fr), "demand", metro_id="M1") == ["capacity"]


def test_demand_cost_above_value(tmp_path):
    fr = base()
    fr["layers.csv"].loc[0, "value_usd_per_mtok"] = "0.01"
    assert reasons(solve_tiny(tmp_path, fr), "demand", metro_id="M1") == ["cost_above_value"]


def test_training_no_host_by_year(tmp_path):
    fr = base()
    add_training(fr)
    fr["regions.csv"].loc[1, "earliest_year"] = "2030"
    assert reasons(solve_tiny(tmp_path, fr, layers=["training"]), "training") == ["no_host_by_year"]


def test_training_cost_above_value(tmp_path):
    fr = base()
    add_training(fr)
    fr["layers.csv"].loc[1, "value_usd_per_mtok"] = "0.00001"
    assert reasons(solve_tiny(tmp_path, fr, layers=["training"]), "training") == ["cost_above_value"]


def test_served_demand_and_built_sites_have_no_reason(tmp_path):
    res = solve_tiny(tmp_path, base())
    assert reasons(res, "demand") == [] and "A" not in set(res.explain.site_id)
    assert isinstance(res.explain, pd.DataFrame)


def test_explain_is_rebuilt_from_a_results_folder(tmp_path):
    """why-not-here needs only the Results and the Dataset: read back from disk it is the same table."""
    from tokensite.dataset import read_dataset
    from tokensite.results import Results
    from tokensite.results.explain import explain

    fr = base()
    both_sites_in_slo(fr)
    set_price(fr, "B", 500)
    res = solve_tiny(tmp_path / "case", fr)
    folder = res.to_dir(tmp_path / "out")
    again = explain(read_dataset(tmp_path / "case" / "data"), Results.from_dir(folder))
    pd.testing.assert_frame_equal(again.fillna(""), res.explain.fillna(""), check_dtype=False)


def test_site_cost_names_the_losing_term(tmp_path):
    """B's power costs 500 USD/MWh against A's 50: 500/3600 = 0.139 against 0.0139 USD/Mtok at 1 MW per Mtok/s."""
    fr = base()
    both_sites_in_slo(fr)
    set_price(fr, "B", 500)
    (detail,) = details(solve_tiny(tmp_path, fr), "site", site_id="B")
    assert "at A, which serves it" in detail and "it loses on power (0.139 against 0.0139 USD/Mtok)" in detail, detail


def test_site_cost_when_nothing_is_built(tmp_path):
    """Nothing is worth building: the reason compares with the token's value, never with 'chosen' sites or nan."""
    fr = base()
    both_sites_in_slo(fr)
    fr["layers.csv"].loc[0, "value_usd_per_mtok"] = "0.01"
    res = solve_tiny(tmp_path, fr)
    assert reasons(res, "site") == ["cost", "cost"]
    for detail in details(res, "site"):
        assert "nothing is built" in detail and "value of 0.01 USD/Mtok" in detail, detail
        assert "chosen" not in detail and "nan" not in detail, detail


def test_site_residency(tmp_path):
    """B (Canada) is within the SLO of M1 (US) but the layer keeps data in its jurisdiction: residency, not no_demand."""
    fr = base()
    both_sites_in_slo(fr)
    set_site(fr, "B", lat=45.5, lon=-73.6, country="CA", jurisdiction="CA")
    fr["layers.csv"].loc[0, "residency"] = "jurisdiction"
    res = solve_tiny(tmp_path, fr)
    assert reasons(res, "site", site_id="B") == ["residency"]


def test_demand_cost_above_value_states_the_cheapest_site(tmp_path):
    """At A a unit (1 GPU, 1,000 USD, 5 years, no discount) costs 200 USD a year for 31,536 Mtok: 0.00634 USD/Mtok;
    its 1 kW at 50 USD/MWh is 0.0139 USD/Mtok; A has power and no facility cost; with transit the total is above 0.01."""
    fr = base()
    fr["layers.csv"].loc[0, "value_usd_per_mtok"] = "0.01"
    res = solve_tiny(tmp_path, fr)
    (detail,) = details(res, "demand", metro_id="M1")
    assert "at the cheapest eligible site, A, serving it would cost 0.0" in detail and "against a value of 0.01 USD/Mtok" in detail, detail
    assert "marginal cost" not in detail


def test_training_campus_power(tmp_path):
    """Program P needs 2 GPUs of 1 kW (2 kW at PUE 1) on US campus B; with B's grid cut to 1 kW and no
    tranche or bridge, no allowed campus can power it by 2026, and that is the reason given."""
    fr = base()
    add_training(fr, min_campus_mw=0.001)
    set_site(fr, "B", existing_mw=0.001)
    assert reasons(solve_tiny(tmp_path, fr, layers=["training"]), "training") == ["campus_power"]
