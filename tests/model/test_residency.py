"""Residency by market, jurisdiction or country (docs/formulation.md, "Index sets" E and family 1's
pool groups; tokensite/dataset/residency.py) on tiny cases solved by hand (data: tests/tiny.py).

Residency adds no row: it decides which routes E and which pool groups exist, so each test solves
the same data with the rule and without it (or under another grouping) and the optimum moves.

Money, as in tests/model/test_demand.py: 1,000 tokens/s for a year is 31,536 Mtok; a unit (1 GPU,
1,000 USD, 5 years, rate 0) costs 200 USD a year and draws 1 kW, 8.76 MWh a year: 87.6 USD at
10 USD/MWh, 876 at 100. Unserved tokens cost their value, 1,000 USD/Mtok.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.tiny import MTOK_PER_YEAR, add_row, base, both_sites_in_slo, set_price, set_site, solve_tiny, write
from tokensite import read_dataset

CHEAP = 200 + 87.6  # one unit at 10 USD/MWh
DEAR = 200 + 876  # one unit at 100 USD/MWh


def _agentic(fr: dict[str, pd.DataFrame], residency: str) -> None:
    """base()'s one metro-bound layer, named agentic, with the given residency."""
    for name in ("layers.csv", "throughput.csv", "demand.csv"):
        fr[name].loc[fr[name].layer == "interactive", "layer"] = "agentic"
    fr["layers.csv"].loc[0, "residency"] = residency


def _metro(fr: dict[str, pd.DataFrame], metro: str, **values: object) -> None:
    m = fr["metros.csv"]
    if "market" not in m:
        m["market"] = ""
    for col, v in values.items():
        m.loc[m.metro_id == metro, col] = str(v)


def _markets(fr: dict[str, pd.DataFrame], **site_market: str) -> None:
    fr["regions.csv"]["market"] = fr["regions.csv"].site_id.map(site_market).fillna("")


def test_agentic_metro_is_served_only_from_its_market(tmp_path):
    """M1 (market NA) is within the 50 ms SLO of A (market X1, 10 USD/MWh) and B (market NA,
    100 USD/MWh); all three are US, jurisdiction US. Under residency = market only B may serve M1:
    one unit at B, 200 + 876 = 1,076. Under jurisdiction (or none) A is allowed and cheaper: 287.6.
    With the SLO back at 20 ms only A is within it, and A is outside NA: nothing may serve M1, whose
    31,536 Mtok stay unserved at 1,000 USD/Mtok (31,536,000), and explain says ``residency``, naming the market;
    A, within the SLO but in market X1, is kept out for residency too."""
    fr = base()
    _agentic(fr, "market")
    both_sites_in_slo(fr)
    set_price(fr, "A", 10)
    set_price(fr, "B", 100)
    _markets(fr, A="X1", B="NA")
    _metro(fr, "M1", market="NA")
    res = solve_tiny(tmp_path / "market", fr)
    assert res.objective_usd == pytest.approx(DEAR, rel=1e-6)
    assert set(res.flows.site_id) == {"B"}
    fr["layers.csv"].loc[0, "residency"] = "jurisdiction"
    assert solve_tiny(tmp_path / "jurisdiction", fr).objective_usd == pytest.approx(CHEAP, rel=1e-6)

    fr["layers.csv"].loc[0, ["residency", "slo_rtt_ms"]] = ["market", "20"]
    res = solve_tiny(tmp_path / "unserved", fr)
    assert res.objective_usd == pytest.approx(MTOK_PER_YEAR * 1000, rel=1e-6)
    ex = res.explain
    demand = ex[(ex.kind == "demand") & (ex.metro_id == "M1")]
    assert list(demand.reason) == ["residency"]
    assert "outside market NA" in demand.detail.iloc[0]
    site = ex[(ex.kind == "site") & (ex.site_id == "A")]
    assert list(site.reason) == ["residency"]
    assert "other markets than X1 (agentic)" in site.detail.iloc[0]


def test_blank_market_is_the_country(tmp_path):
    """A blank market is the row's country: M1 and B (blank) are in market US, A in X1, so under
    residency = market the routes of M1 are B's alone; A in market US too gives both."""
    fr = base()
    _agentic(fr, "market")
    both_sites_in_slo(fr)
    _markets(fr, A="X1")
    _metro(fr, "M1", market="")
    assert set(read_dataset(write(tmp_path / "x1", fr)).routes.site_id) == {"B"}
    _markets(fr, A="US")
    assert set(read_dataset(write(tmp_path / "us", fr)).routes.site_id) == {"A", "B"}


def _site_c(fr: dict[str, pd.DataFrame], usd_per_mwh: float) -> None:
    """Site C, a campus in Toronto (CA), free to build, power at ``usd_per_mwh``."""
    fr["regions.csv"] = add_row(fr["regions.csv"], site_id="C", name="C", lat=43.7, lon=-79.4, country="CA", jurisdiction="CA", grid_zone="IESO",
                                kind="campus", pue=1, existing_mw=100, max_mw=100, site_fixed_usd=0, facility_capex_usd_per_mw=0,
                                fixed_om_usd_per_mw_year=0, earliest_year=2020, carbon_kg_per_mwh=0, training_allowed="false", min_mw=0)
    for t in ("day", "night"):
        fr["power_prices.csv"] = add_row(fr["power_prices.csv"], site_id="C", slice=t, tier="firm", price_usd_per_mwh=usd_per_mwh)


def _pooled_two_countries(residency: str) -> dict[str, pd.DataFrame]:
    """A pooled batch layer (max_shift 0, 1,000 USD/Mtok) with 1,000 tokens/s at M1 (US) and at M2
    (Toronto, CA); A (US) at 10 USD/MWh, B (US) and C (CA) at 100. Only batch is planned."""
    fr = base()
    set_price(fr, "A", 10)
    set_price(fr, "B", 100)
    _site_c(fr, 100)
    fr["metros.csv"] = add_row(fr["metros.csv"], metro_id="M2", name="Metro 2", lat=43.65, lon=-79.38, country="CA", jurisdiction="CA",
                               utc_offset_h=0, population_m=1)
    fr["layers.csv"] = add_row(fr["layers.csv"], layer="batch", metro_bound="false", slo_rtt_ms="", max_site_share=1, util_max=1,
                               power_fraction=1, value_usd_per_mtok=1000, residency=residency, max_shift=0)
    fr["throughput.csv"] = add_row(fr["throughput.csv"], gpu="G1", layer="batch", tokens_per_s_per_gpu=1000)
    for m in ("M1", "M2"):
        fr["demand.csv"] = add_row(fr["demand.csv"], metro_id=m, layer="batch", year=2026, tokens_per_s=1000)
    fr["demand.csv"] = add_row(fr["demand.csv"], metro_id="M2", layer="interactive", year=2026, tokens_per_s=0)
    return fr


@pytest.mark.parametrize("residency,expected,sites", [
    ("none", 400 + 175.2, {"A"}),  # one world pool of 2,000 tokens/s: 2 units at A, 2 x 87.6 of power
    ("country", CHEAP + DEAR, {"A", "C"}),  # US pool at A (287.6), CA pool at C (1,076)
    ("market", 400 + 175.2, {"A"}),  # A, C, M1 and M2 all in market NA: one pool, as the world's
])
def test_pooled_layer_pools_per_market_or_country(tmp_path, residency, expected, sites):
    """Batch pools per the layer's residency. Worldwide (none) the 2,000 tokens/s all go to A, the
    cheapest: 2 units (400) + 2 kW x 8,760 h x 10 USD/MWh (175.2) = 575.2. Per country the US pool
    goes to A (287.6) and the CA pool may only go to C (1,076): 1,363.6. Per market, with A, C, M1
    and M2 in one market NA spanning both countries, it is one pool again: 575.2."""
    fr = _pooled_two_countries(residency)
    _markets(fr, A="NA", B="NA", C="NA")
    _metro(fr, "M1", market="NA")
    _metro(fr, "M2", market="NA")
    res = solve_tiny(tmp_path, fr, layers=["batch"])
    assert res.objective_usd == pytest.approx(expected, rel=1e-6)
    assert set(res.allocation[res.allocation.tokens_per_s > 0].site_id) == sites


def test_pooled_market_without_a_site_is_unserved_for_residency(tmp_path):
    """As above per market, but M2 is in market Z, where no site is: pool NA (M1) goes to A
    (287.6) and pool Z's 31,536 Mtok stay unserved (31,536,000); explain names market Z."""
    fr = _pooled_two_countries("market")
    _markets(fr, A="NA", B="NA", C="NA")
    _metro(fr, "M1", market="NA")
    _metro(fr, "M2", market="Z")
    res = solve_tiny(tmp_path, fr, layers=["batch"])
    assert res.objective_usd == pytest.approx(CHEAP + MTOK_PER_YEAR * 1000, rel=1e-6)
    ex = res.explain[(res.explain.kind == "demand") & (res.explain.metro_id == "pool:Z")]
    assert list(ex.reason) == ["residency"]
    assert "no site in market Z" in ex.detail.iloc[0]


def test_country_is_not_jurisdiction(tmp_path):
    """Two countries in one jurisdiction: M1 in Frankfurt (DE), A in Strasbourg (FR, 10 USD/MWh), B
    in Mainz (DE, 100 USD/MWh), all jurisdiction EU and within the 20 ms SLO. Under jurisdiction A
    may serve M1 and is cheaper: 287.6. Under country only B may: 1,076, and A, within the SLO,
    is kept out for residency, naming its country."""
    fr = base()
    set_site(fr, "A", lat=48.58, lon=7.75, country="FR", jurisdiction="EU", grid_zone="FR")
    set_site(fr, "B", lat=50.0, lon=8.27, country="DE", jurisdiction="EU", grid_zone="DE")
    _metro(fr, "M1", lat=50.11, lon=8.68, country="DE", jurisdiction="EU", utc_offset_h=1)
    set_price(fr, "A", 10)
    set_price(fr, "B", 100)
    fr["layers.csv"].loc[0, "residency"] = "jurisdiction"
    res = solve_tiny(tmp_path / "jurisdiction", fr)
    assert res.objective_usd == pytest.approx(CHEAP, rel=1e-6)
    assert set(res.flows.site_id) == {"A"}
    fr["layers.csv"].loc[0, "residency"] = "country"
    res = solve_tiny(tmp_path / "country", fr)
    assert res.objective_usd == pytest.approx(DEAR, rel=1e-6)
    assert set(res.flows.site_id) == {"B"}
    site = res.explain[(res.explain.kind == "site") & (res.explain.site_id == "A")]
    assert list(site.reason) == ["residency"]
    assert "other countries than FR (interactive)" in site.detail.iloc[0]
