"""Time slices, local demand profiles and each site's power price tiers by slice."""

from __future__ import annotations

from .loader import Reference, power_price, tariff
from .metros import utc_offset_h
from .sites import Site
from .sourced import Sourced, Table, estimate, table

SLICE_STARTS = [0, 4, 8, 12, 16, 20]  # UTC hour each 4-hour block of the day starts
HOURS_PER_YEAR = 8760

# Local-time demand multipliers (estimates: diurnal shape of chat traffic; hour-weighted mean 1).
PROFILES = {
    "interactive": [0.35, 0.60, 1.30, 1.40, 1.35, 1.00],
    "agentic": [0.70, 0.80, 1.20, 1.20, 1.10, 1.00],
    "edge": [0.40, 0.70, 1.20, 1.30, 1.30, 1.10],
}

# Large-load tariffs (large_load_tariffs.csv) for countries outside the US and the EU core: the row
# used per country (tariff_class prefix).
TARIFF_ROW = {
    "KR": "industrial (B)", "TW": "industrial average (rate review)", "SA": "industrial", "AE": "industrial slab",
    "MY": "average base tariff", "IN": "HT I(A)", "CN": "industrial average", "ID": "I-4/TT", "ZA": "average standard",
    "KE": "C15", "NG": "Band A", "AR": "average industrial", "CO": "average unit cost", "MX": "average electricity",
    "CL": "average electricity", "PE": "average electricity", "BR": "average industrial", "IT": "non-domestic",
    "HK": "average net tariff", "JP": "overall average",
}
# Off-peak spreads (curtailment_and_spreads.csv, estimates) by price area, and
# curtailed energy (published) for CAISO and ERCOT.
SPREADS = {"US-CAISO": 60.0, "US-ERCOT": 40.0, "NO": 15.0, "SE": 15.0, "SE-SE1": 15.0, "DE": 80.0}
CURTAILED = {
    # zone: (cap MW, source)
    # CAISO 3.4 TWh curtailed in 2024, concentrated 10:00-14:00 local -> 3.4e6 / (365 * 4 h)
    "US-CAISO": (3.4e6 / (365 * 4), "EIA-TIE-CAISO-2025"),
    # ERCOT 1.2 GW average hourly curtailment (2024)
    "US-ERCOT": (1200.0, "FACTSET-ERCOT-2025"),
}
CURTAILED_PRICE_USD_PER_MWH = 20.0  # delivery charges only; energy near zero (ENERGYGPS-2024); estimate


def slice_name(utc_start: int) -> str:
    return f"h{utc_start:02d}"


def build_timeslices() -> Table:
    return table("timeslices.csv", [dict(slice=slice_name(h), hours=Sourced(HOURS_PER_YEAR / 6, "derived", "definition"),
                                         utc_hour_start=h) for h in SLICE_STARTS])


def build_profiles() -> Table:
    return table("profiles.csv", [dict(layer=layer, slice=slice_name(h), multiplier=estimate(m), source="TEAM-EST")
                                  for layer, mults in PROFILES.items() for h, m in zip(SLICE_STARTS, mults)])


def firm_price(ref: Reference, s: Site) -> Sourced:
    """The large-load tariff of the site's country where one is published, else the
    power_prices.csv row the site names."""
    if s.country in TARIFF_ROW:
        return tariff(ref, s.country, TARIFF_ROW[s.country])
    return power_price(ref, *s.price)


def local_midpoint_hour(utc_start: int, tz: str) -> float:
    return (utc_start + 2 + utc_offset_h(tz)) % 24


def build_power_prices(ref: Reference, sites: list[Site]) -> Table:
    """Firm price in every slice; an off-peak tier at half the spread below it in local night
    slices of areas with a spread; a curtailed tier at midday in CAISO and ERCOT (not at edge sites)."""
    rows = []
    for s in sites:
        firm = firm_price(ref, s)
        base, src = firm.value, firm.source
        spread = SPREADS.get(s.carbon)
        for h in SLICE_STARTS:
            sl, local = slice_name(h), local_midpoint_hour(h, s.tz)
            rows.append(dict(site_id=s.site_id, slice=sl, tier="firm", price_usd_per_mwh=firm, cap_mw=None, source=src))
            if spread and (local < 6 or local >= 22):
                rows.append(dict(site_id=s.site_id, slice=sl, tier="offpeak", price_usd_per_mwh=estimate(round(base - spread / 2, 2)),
                                 cap_mw=None, source=f"{src};TEAM-EST"))
            if s.carbon in CURTAILED and 10 <= local < 14 and s.kind != "edge":
                cap, csrc = CURTAILED[s.carbon]
                rows.append(dict(site_id=s.site_id, slice=sl, tier="curtailed", price_usd_per_mwh=estimate(CURTAILED_PRICE_USD_PER_MWH),
                                 cap_mw=Sourced(round(cap, 1), "derived", csrc), source=f"{csrc};TEAM-EST"))
    return table("power_prices.csv", rows)
