"""Token-economics KPIs (tokensite/results/plans.py ``token_economics``, docs/formulation.md "Token economics")
on the tiny base case, by hand: one GPU unit (1 GPU, 1 kW, PUE 1) makes M1's 1,000 tokens/s, 31,536 Mtok
a year, for 200 USD of capex and 438 USD of energy; tokens are worth 1,000 USD/Mtok."""

from __future__ import annotations

import pytest

from tests.tiny import MTOK_PER_YEAR, base, solve_tiny
from tokensite.results.plans import plan_tables, token_values


def test_kpis_by_hand(tmp_path):
    """tokens per watt 1,000 / 1,000 W = 1; cost 638 / 31,536 = 0.02023 USD/Mtok, margin 1,000 − that;
    revenue 31.536 M USD over 1 kW = 1e-6 GW: 3.1536e13 USD per GW-year; 31,536e6 tokens per 200 USD of
    capex; 8,760 GPU-hours; 8,760 kWh over 31,536 Mtok = 0.2778 kWh/Mtok."""
    res = solve_tiny(tmp_path, base())
    k = plan_tables(res)["token_economics"].iloc[0]
    assert (k.layer, k.year) == ("interactive", 2026)
    assert k.tokens_per_watt == pytest.approx(1.0)
    assert k.cost_usd_per_mtok == pytest.approx(638 / MTOK_PER_YEAR) and k.margin_usd_per_mtok == pytest.approx(1000 - 638 / MTOK_PER_YEAR)
    assert k.revenue_usd_per_gw_year == pytest.approx(1000 * MTOK_PER_YEAR / 1e-6)
    assert k.tokens_per_usd_capex == pytest.approx(MTOK_PER_YEAR * 1e6 / 200)
    assert k.gpu_hours == pytest.approx(8760) and k.energy_kwh_per_mtok == pytest.approx(8760 / MTOK_PER_YEAR)
    assert plan_tables(res)["gpu_hours"].to_dict("records") == [{"layer": "interactive", "year": 2026, "gpu": "G1", "gpu_hours": pytest.approx(8760)}]
    assert token_values(res).to_dict("records") == [{"layer": "interactive", "year": 2026, "value_usd_per_mtok": 1000.0}]


def test_kpis_are_in_the_workbook_and_the_report(tmp_path):
    from openpyxl import load_workbook

    from tokensite.results.report import write_outputs

    res = solve_tiny(tmp_path / "solve", base())
    folder = res.to_dir(tmp_path / "out", extras=write_outputs)
    assert {"token_economics", "gpu_hours"} <= set(load_workbook(folder / "plan.xlsx").sheetnames)
    assert (folder / "token_economics.csv").is_file()
    assert "Token economics by layer and year" in (folder / "report.html").read_text()


def test_a_generations_gpu_cost_goes_to_the_layers_that_use_it():
    """One site: 10 installed (sunk) G_old units make interactive at 10 MW, 2 new G_new units train at 2 MW.
    G_new's 1,000 USD is training's alone; the 120 USD facility splits by draw (100 / 20); an idle generation's
    60 USD by the site's units (50 / 10). Interactive 150, training 1,030 (by units alone: 988.3 / 191.7)."""
    import pandas as pd

    from tokensite.results.plans import _layer_costs
    from tokensite.results.results import Results

    alloc = pd.DataFrame(dict(site_id="S", gpu=["G_old", "G_new"], layer=["interactive", "training"], year=2026,
                              units_mean=[10.0, 2.0], tokens_per_s=[1.0, 1.0], draw_mw=[10.0, 2.0]))
    costs = pd.DataFrame(dict(year=2026, category=["gpus:G_new", "facility", "gpus:G_idle"], site_id="S", kind="capex",
                              usd=[1000.0, 120.0, 60.0], discount_factor=1.0))
    got = _layer_costs(Results(summary={}, frames={"allocation": alloc, "costs": costs})).set_index("layer").cost_usd
    assert got.to_dict() == pytest.approx({"interactive": 150.0, "training": 1030.0})
