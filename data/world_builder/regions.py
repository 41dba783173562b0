"""Candidate sites as ``regions.csv``: location, PUE, energised and maximum MW, costs, carbon."""

from __future__ import annotations

from .loader import Reference, carbon
from .metros import JURISDICTION, market_of
from .sites import Site
from .sourced import Sourced, Table, combine, estimate, table

# Facility capex (USD per MW of facility): Cushman & Wakefield US average and range,
# Turner & Townsend market figures (USD per W = USD million per MW), team default for
# low-cost markets.
FACILITY_CAPEX = {
    "us": Sourced(11.7e6, "published", "CW-DCCOST-2025"),
    "san_antonio": Sourced(9.3e6, "published", "CW-DCCOST-2025"),
    "reno": Sourced(15.0e6, "published", "CW-DCCOST-2025"),
    "silicon_valley": Sourced(13.3e6, "published", "TT-DCCI-2025"),
    "london": Sourced(12.0e6, "published", "TT-DCCI-2025"),
    "frankfurt": Sourced(11.6e6, "published", "TT-DCCI-2025"),
    "tokyo": Sourced(15.2e6, "published", "TT-DCCI-2025"),
    "osaka": Sourced(14.1e6, "published", "TT-DCCI-2025"),
    "singapore": Sourced(14.5e6, "published", "TT-DCCI-2025"),
    "low_cost": estimate(8.0e6),
}
# PUE: campuses use Uptime's figure for new large facilities (published) by climate; colocation
# metros the industry average (published); edge sites the team's air-cooled default; Germany and
# Singapore their regulatory caps, whatever the kind.
PUE_BY_CLIMATE = {
    "cold": estimate(1.10, "UPTIME-2024-REPORT;TEAM-EST"),  # below Uptime's 1.30 for new large facilities: free cooling
    "temperate": Sourced(1.30, "published", "UPTIME-2024-REPORT"),
    "hot": Sourced(1.30, "published", "UPTIME-2024-REPORT"),
}
PUE_BY_KIND = {"metro": Sourced(1.54, "published", "UPTIME-PUE"), "edge": estimate(1.45, "UPTIME-PUE;TEAM-EST")}  # edge: air-cooled, near the industry average
PUE_BY_COUNTRY = {
    "DE": Sourced(1.2, "published", "DATACENTRES-EU-GUIDE"),
    "SG": Sourced(1.3, "published", "STRAITSTIMES-SG-2022"),
}
# Site development cost: US campuses buy the average parcel (224 acres) at the average
# price per acre (Cushman & Wakefield, both published); elsewhere team estimates.
US_CAMPUS_SITE_USD = Sourced(224 * 244_000, "derived", "CW-DCCOST-2025")
# elsewhere estimates scaled from the US parcel (CW-DCCOST-2025)
SITE_FIXED_USD_BY_KIND = {"campus": estimate(40e6, "CW-DCCOST-2025;TEAM-EST"), "metro": estimate(10e6, "CW-DCCOST-2025;TEAM-EST"),
                          "edge": estimate(2e6, "CW-DCCOST-2025;TEAM-EST")}
AI_SHARE_2025 = Sourced(0.25, "published", "JLL-GDCO-2026")  # AI share of data-centre capacity in 2025
EXISTING_EDGE_MW = estimate(2.0)
EDGE_CAPEX_PREMIUM = estimate(1.5)  # small telco/colocation micro-sites cost more per MW than a hall
FIXED_OM_USD_PER_MW_YEAR = 0.35e6  # dc_costs.csv, estimate: 2-4 % of the facility capex a year
BRIDGE_CAPEX_USD_PER_MW = 1.2e6  # on-site gas generation while the grid connection is pending (estimates)
BRIDGE_PRICE_USD_PER_MWH = 85.0
BRIDGE_MAX_MW = 300.0


def pue(s: Site) -> Sourced:
    if s.country in PUE_BY_COUNTRY:
        return PUE_BY_COUNTRY[s.country]
    return PUE_BY_CLIMATE[s.climate] if s.kind == "campus" else PUE_BY_KIND[s.kind]


def existing_mw(s: Site) -> Sourced:
    """Energised grid MW: the campus's announced figure (else none); for a metro, the AI share of
    the market's capacity is energised today: JLL's 25 % (2025) x the market figure of max_mw."""
    if s.existing:
        return s.existing
    if s.kind == "campus":
        return estimate(0.0)
    if s.kind == "metro":
        return combine(AI_SHARE_2025.value * float(s.max_mw.value), AI_SHARE_2025, s.max_mw)
    return EXISTING_EDGE_MW


def facility_capex(s: Site) -> Sourced:
    """The market figure; a telco / colocation micro-site pays it times the edge premium."""
    capex = FACILITY_CAPEX[s.capex]
    if s.kind == "edge":
        # the committed provenance keeps the market's source whole, so a low-cost market reads TEAM-EST;TEAM-EST
        return estimate(capex.value * EDGE_CAPEX_PREMIUM.value, f"{capex.source};TEAM-EST")
    return capex


def site_fixed_usd(s: Site) -> Sourced:
    return US_CAMPUS_SITE_USD if s.kind == "campus" and s.country == "US" else SITE_FIXED_USD_BY_KIND[s.kind]


def build_regions(ref: Reference, sites: list[Site]) -> Table:
    rows = []
    for s in sites:
        p, existing, capex, fixed, ci = pue(s), existing_mw(s), facility_capex(s), site_fixed_usd(s), carbon(ref, s.carbon)
        row = dict(
            site_id=s.site_id, name=s.name, lat=s.lat, lon=s.lon, country=s.country,
            jurisdiction=JURISDICTION[s.country], grid_zone=s.grid_zone, kind=s.kind,
            pue=p, existing_mw=existing.with_value(round(existing.value, 2)), max_mw=s.max_mw,
            site_fixed_usd=fixed, facility_capex_usd_per_mw=capex,
            fixed_om_usd_per_mw_year=estimate(FIXED_OM_USD_PER_MW_YEAR, f"{capex.source};TEAM-EST"), earliest_year=s.earliest_year,
            carbon_kg_per_mwh=ci, training_allowed=s.training,
            bridge_capex_usd_per_mw=estimate(BRIDGE_CAPEX_USD_PER_MW) if s.bridge else None,
            bridge_price_usd_per_mwh=estimate(BRIDGE_PRICE_USD_PER_MWH) if s.bridge else None,
            bridge_max_mw=(s.bridge_max or estimate(BRIDGE_MAX_MW)) if s.bridge else None,
            layers=s.layers, market=market_of(s.country),
            existing_facility_mw=s.existing if s.kind == "campus" and s.existing else None,
            max_build_mw_per_year=s.pace,
        )
        ids = (s.lat.source, p.source, capex.source, ci.source, fixed.source, existing.source, s.max_mw.source, "TEAM-EST")
        row["source"] = ";".join(sorted({i for x in ids for i in x.split(";")}))
        rows.append(row)
    return table("regions.csv", rows)
