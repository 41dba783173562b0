"""Build ``data/world/`` from the reference figures in ``data/reference/``.

Run ``python data/build_world.py`` from the repository root. The script is the
derivation: every value it writes is either copied from a reference row
(``published``), computed only from published figures (``derived``), or rests on
at least one team estimate (``estimate``). Besides the CSV files it writes
``provenance.csv`` (one row per file x column x basis x source with a cell count)
so the share of values that trace to a published source can be counted.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

HERE = Path(__file__).resolve().parent
REF = HERE / "reference"
OUT = HERE / "world"

YEARS = [2026, 2027, 2028, 2029, 2030]
BASE_YEAR = 2026

# --- provenance bookkeeping -------------------------------------------------
_cells: dict[tuple[str, str, str, str], int] = defaultdict(int)


def mark(file: str, column: str, basis: str, source: str, n: int = 1) -> None:
    """Record ``n`` numeric cells of ``file``/``column`` with their basis and source."""
    assert basis in {"published", "derived", "estimate"}, basis
    _cells[(file, column, basis, source)] += n


# --- reference lookups ------------------------------------------------------
ref_metros = pd.read_csv(REF / "metros.csv").set_index("metro_id")
ref_prices = pd.read_csv(REF / "power_prices.csv")
ref_carbon = pd.read_csv(REF / "carbon_intensity.csv").set_index("region_id")
ref_gpus = pd.read_csv(REF / "gpus.csv")
ref_bench = pd.read_csv(REF / "inference_benchmarks.csv")
ref_tokens = pd.read_csv(REF / "token_demand.csv")
ref_costs = pd.read_csv(REF / "dc_costs.csv")
ref_markets = pd.read_csv(REF / "dc_markets.csv")
ref_lat = pd.read_csv(REF / "latency_calibration.csv")


def price(region_id: str, sector: str, year: str | int | None = None) -> tuple[float, str, str]:
    rows = ref_prices[(ref_prices.region_id == region_id) & (ref_prices.sector == sector)]
    if year is not None:
        rows = rows[rows.year.astype(str) == str(year)]
    row = rows.iloc[0]
    value = float(str(row.usd_per_mwh_approx).lstrip("~"))
    # HQ-COMP rows convert CAD at an estimated rate; Eurostat rows convert EUR at an estimated rate.
    basis = row.basis
    if basis == "published" and row.unit != "US cents/kWh" and row.unit != "USD/MWh":
        basis = "derived"
    return value, basis, row.source


# Large-load tariffs (large_load_tariffs.csv) for countries outside the US and the EU core: the row
# used per country (tariff_class prefix). A conversion at the team's FX rate makes it derived.
ref_tariffs = pd.read_csv(REF / "large_load_tariffs.csv")
TARIFF_ROW = {
    "KR": "industrial (B)", "TW": "industrial average (rate review)", "SA": "industrial", "AE": "industrial slab",
    "MY": "average base tariff", "IN": "HT I(A)", "CN": "industrial average", "ID": "I-4/TT", "ZA": "average standard",
    "KE": "C15", "NG": "Band A", "AR": "average industrial", "CO": "average unit cost", "MX": "average electricity",
    "CL": "average electricity", "PE": "average electricity", "BR": "average industrial", "IT": "non-domestic",
    "HK": "average net tariff", "JP": "overall average",
}


def tariff(country: str) -> tuple[float, str, str]:
    rows = ref_tariffs[(ref_tariffs.country_iso2 == country) & ref_tariffs.tariff_class.str.startswith(TARIFF_ROW[country])]
    row = rows.iloc[-1]
    basis = row.basis
    if basis == "published" and str(row.fx_basis).startswith("team approx"):
        basis = "derived"
    return float(row.usd_per_mwh), basis, row.source


def site_price(s: "Site") -> tuple[float, str, str]:
    """Firm price of a site: the large-load tariff of its country where one is published, else
    the power_prices.csv row the site names."""
    if s.country in TARIFF_ROW:
        return tariff(s.country)
    return price(*s.price)


def carbon(region_id: str) -> tuple[float, str, str]:
    row = ref_carbon.loc[region_id]
    return float(row.gco2_per_kwh), row.basis, row.source


def gpu_attr(gpu_id: str, attribute: str) -> tuple[float, str, str]:
    row = ref_gpus[(ref_gpus.gpu_id == gpu_id) & (ref_gpus.attribute == attribute)].iloc[0]
    return float(row.value), row.basis, row.source


def worst(*bases: str) -> str:
    order = {"published": 0, "derived": 1, "estimate": 2}
    b = max(bases, key=order.__getitem__)
    return "derived" if b == "published" and len(bases) > 1 else b


def utc_offset_h(tz: str) -> float:
    """Standard-time UTC offset (mid-January) from the IANA time-zone database."""
    return ZoneInfo(tz).utcoffset(datetime(2026, 1, 15, 12)).total_seconds() / 3600.0


# --- metros -----------------------------------------------------------------
METROS: dict[str, str] = {  # reference metro id -> IANA time zone
    "TYO": "Asia/Tokyo", "DEL": "Asia/Kolkata", "SAO": "America/Sao_Paulo", "MEX": "America/Mexico_City",
    "BOM": "Asia/Kolkata", "OSA": "Asia/Tokyo", "BUE": "America/Argentina/Buenos_Aires", "LOS": "Africa/Lagos",
    "PAR": "Europe/Paris", "JKT": "Asia/Jakarta", "LON": "Europe/London", "SEL": "Asia/Seoul",
    "BLR": "Asia/Kolkata", "BOG": "America/Bogota", "KUL": "Asia/Kuala_Lumpur", "HKG": "Asia/Hong_Kong",
    "RUH": "Asia/Riyadh", "SCL": "America/Santiago", "MAD": "Europe/Madrid", "SIN": "Asia/Singapore",
    "TOR": "America/Toronto", "JNB": "Africa/Johannesburg", "MEL": "Australia/Melbourne",
    "SYD": "Australia/Sydney", "NBO": "Africa/Nairobi", "MTY": "America/Monterrey", "MTL": "America/Montreal",
    "BER": "Europe/Berlin", "DXB": "Asia/Dubai", "MIL": "Europe/Rome", "TPE": "Asia/Taipei",
    "YVR": "America/Vancouver", "STO": "Europe/Stockholm", "ABU": "Asia/Dubai", "HEL": "Europe/Helsinki",
    "DUB": "Europe/Dublin", "AMS": "Europe/Amsterdam", "OSL": "Europe/Oslo", "FRA": "Europe/Berlin",
    "DOH": "Asia/Qatar", "NYC": "America/New_York", "LAX": "America/Los_Angeles", "CHI": "America/Chicago",
    "DFW": "America/Chicago", "HOU": "America/Chicago", "MIA": "America/New_York", "WAS": "America/New_York",
    "ATL": "America/New_York", "PHX": "America/Phoenix", "BOS": "America/New_York",
    "SFO": "America/Los_Angeles", "SEA": "America/Los_Angeles", "DEN": "America/Denver",
    # 2026-12: mainland China and Peru (issue 10: regions missing from the demand)
    "SHA": "Asia/Shanghai", "BJS": "Asia/Shanghai", "CAN": "Asia/Shanghai", "SZX": "Asia/Shanghai",
    "LIM": "America/Lima",
}
# Jurisdiction groups used by residency rules (EU/EEA members share one).
JURISDICTION = {
    "US": "US", "CA": "CA", "MX": "MX", "BR": "BR", "AR": "AR", "CO": "CO", "CL": "CL",
    "GB": "GB", "FR": "EU", "DE": "EU", "ES": "EU", "IT": "EU", "NL": "EU", "IE": "EU", "SE": "EU",
    "FI": "EU", "NO": "EU", "IS": "EU", "DK": "EU", "AE": "GCC", "SA": "GCC", "QA": "GCC",
    "IN": "IN", "JP": "JP", "SG": "SG", "MY": "MY", "KR": "KR", "TW": "TW", "HK": "HK", "ID": "ID",
    "AU": "AU", "ZA": "ZA", "KE": "KE", "NG": "NG", "CN": "CN", "PE": "PE",
}
# Santiago: the reference row SCL holds Santiago de los Caballeros (Dominican Republic,
# 19.46 N, 0.7 M) -- a transcription error. Santiago de Chile's coordinates and UN WUP
# 2025 projection (about 6.9 M) are used instead and marked as an estimate.
SCL_FIX = {"lat": -33.4489, "lon": -70.6693, "population": 6_900_000}


def build_metros() -> pd.DataFrame:
    rows = []
    for mid, tz in METROS.items():
        r = ref_metros.loc[mid]
        lat, lon, pop = float(r.lat), float(r.lon), float(r.population)
        basis, src = r.basis, r.source
        if mid == "SCL":
            lat, lon, pop = SCL_FIX["lat"], SCL_FIX["lon"], SCL_FIX["population"]
            basis, src = "estimate", "TEAM-EST"
        rows.append(
            dict(metro_id=mid, name=r["name"], lat=lat, lon=lon, country=r.country_iso2,
                 jurisdiction=JURISDICTION[r.country_iso2], utc_offset_h=utc_offset_h(tz),
                 population_m=round(pop / 1e6, 3), source=f"{src};IANA-TZ")
        )
        mark("metros.csv", "lat", basis, src)
        mark("metros.csv", "lon", basis, src)
        mark("metros.csv", "population_m", basis, src)
        mark("metros.csv", "utc_offset_h", "published", "IANA-TZ")
    return pd.DataFrame(rows)


# --- sites ------------------------------------------------------------------
@dataclass(frozen=True)
class Site:
    site_id: str
    name: str
    country: str
    grid_zone: str
    kind: str  # campus | metro | edge
    at: str | tuple[float, float]  # reference metro id (published coordinates) or (lat, lon) estimate
    tz: str
    price: tuple[str, str, str | None]  # (region_id, sector, year) in power_prices.csv
    carbon: str  # region_id in carbon_intensity.csv
    capex: str  # key into FACILITY_CAPEX
    climate: str  # cold | temperate | hot (PUE default for campuses)
    max_mw: float
    earliest_year: int
    market: str | None = None  # vacancy market name (world_sites.csv; no longer used for existing_mw)
    bridge: bool = False
    training: bool = False
    max_mw_basis: tuple[str, str] = ("estimate", "TEAM-EST")
    existing: tuple[float, str, str] | None = None  # energised grid MW (value, basis, source)
    bridge_max: tuple[float, str, str] | None = None  # announced on-site generation MW
    coord_basis: tuple[str, str] | None = None  # basis and source of (lat, lon) when not a reference metro
    earliest_basis: tuple[str, str] = ("estimate", "TEAM-EST")
    full_power_year: tuple[int, str, str] | None = None  # year the announced MW is energised
    layers: str | None = None  # regions.csv ``layers``: the layers it may serve (None = every layer)


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


def load_sites(path: Path) -> list[Site]:
    """The candidate sites as data (``reference/world_sites.csv``), one named column per field."""
    df = pd.read_csv(path, dtype={"price_year": str, "at_metro": str, "vacancy_market": str})
    sites = []
    for r in df.itertuples(index=False):
        at = r.at_metro if not _blank(r.at_metro) else (float(r.lat), float(r.lon))
        year = None if _blank(r.price_year) else (int(r.price_year) if r.price_year.isdigit() else r.price_year)
        sites.append(Site(site_id=r.site_id, name=r.name, country=r.country, grid_zone=r.grid_zone, kind=r.kind, at=at,
                          tz=r.tz, price=(r.price_region, r.price_sector, year), carbon=r.carbon_region,
                          capex=r.capex_market, climate=r.climate, max_mw=r.max_mw, earliest_year=int(r.earliest_year),
                          market=None if _blank(r.vacancy_market) else r.vacancy_market,
                          bridge=bool(r.bridge), training=bool(r.training_allowed),
                          max_mw_basis=(r.max_mw_basis, r.max_mw_source),
                          earliest_basis=(r.earliest_year_basis, r.earliest_year_source)))
    return sites


def load_campuses(announcements: Path, overlay: Path) -> list[Site]:
    """Every announced AI campus (``campus_announcements.csv``) as a candidate site at its real
    location, with its announced MW, first-power year, energised grid and bridge power.
    ``campus_sites.csv`` adds what the announcement does not say: grid zone, price area, climate."""
    ann = pd.read_csv(announcements).set_index("campus")
    extra = pd.read_csv(overlay, dtype={"price_year": str})
    sites = []
    for r in extra.itertuples(index=False):
        a = ann.loc[r.campus]
        src = a.source
        year = None if _blank(r.price_year) else int(r.price_year)
        coord_src = a.coord_source if a.coord_source != "TEAM-EST" else "TEAM-EST"
        coord_basis = ("published" if coord_src != "TEAM-EST" else "estimate", coord_src)
        first = int(a.first_power_year)
        existing = None
        if not _blank(r.energised_mw) and float(r.energised_mw) > 0:
            existing = (float(r.energised_mw), r.energised_basis, src)
        bridge = None
        if not _blank(r.bridge_max_mw):
            bridge = (float(r.bridge_max_mw), r.bridge_basis, src if r.bridge_basis != "estimate" else "TEAM-EST")
        full = None
        if not _blank(a.full_build_year):
            full = (int(a.full_build_year), "published", src)
        elif not _blank(r.full_power_year):
            full = (int(r.full_power_year), "estimate", "TEAM-EST")
        sites.append(Site(site_id=r.site_id, name=f"{r.campus} ({a.operator})", country=a.country_iso2,
                          grid_zone=r.grid_zone, kind="campus", at=(float(a.lat), float(a.lon)), tz=r.tz,
                          price=(r.price_region, r.price_sector, year), carbon=r.carbon_region, capex=r.capex_market,
                          climate=r.climate, max_mw=float(a.announced_mw), earliest_year=max(BASE_YEAR, first),
                          bridge=bridge is not None, training=bool(r.training_allowed),
                          max_mw_basis=(a.basis, src), existing=existing, bridge_max=bridge,
                          coord_basis=coord_basis, earliest_basis=(a.basis, src), full_power_year=full))
    return sites


SITES: list[Site] = load_sites(REF / "world_sites.csv") + load_campuses(REF / "campus_announcements.csv", REF / "campus_sites.csv")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0 * math.acos(max(-1.0, min(1.0, c)))


EDGE_SLO_MS = 5.0  # layers.csv edge SLO
EDGE_SITE_MW = 100.0  # estimate: the telco / colocation micro-sites of one metro together


def _coords(at: str | tuple[float, float]) -> tuple[float, float]:
    if isinstance(at, tuple):
        return at
    if at == "SCL":
        return SCL_FIX["lat"], SCL_FIX["lon"]
    r = ref_metros.loc[at]
    return float(r.lat), float(r.lon)


def edge_sites(sites: list[Site]) -> list[Site]:
    """One edge candidate (telco / colocation micro-sites) in every metro, since every metro has
    edge demand: a colocation hall within the edge SLO also sells to the interactive and agentic
    layers and may be full (issue 10: NYC, LAX, MIA and DEL edge were unserved for capacity with
    only their metro hall in reach). A micro-site serves the edge layer only (regions.csv
    ``layers``): a telco cabinet does not host chat or agents for a whole jurisdiction, and
    serving those from 45 more sites made the world case too large to solve in 10 minutes. It
    copies the price area, carbon and cost market of the nearest site in its country."""
    out = []
    for mid, tz in METROS.items():
        lat, lon = _coords(mid)
        near = [(_km(lat, lon, *_coords(x.at)), x) for x in sites]
        if any(x.kind == "edge" and 1.0 + 1.655 * d / 100.0 <= EDGE_SLO_MS for d, x in near):
            continue
        country = ref_metros.loc[mid].country_iso2
        parent = min(((d, x) for d, x in near if x.country == country), key=lambda t: (t[0], t[1].site_id))[1] if any(x.country == country for _, x in near) else None
        assert parent is not None, f"no site in {country} to take the prices of edge site for {mid}"
        out.append(Site(site_id=f"{country.lower()}-{mid.lower()}-edge", name=f"{ref_metros.loc[mid]['name']} edge (telco/colocation micro-sites)",
                        country=country, grid_zone=parent.grid_zone, kind="edge", at=mid, tz=tz, price=parent.price,
                        carbon=parent.carbon, capex=parent.capex, climate="edge", max_mw=EDGE_SITE_MW, earliest_year=BASE_YEAR,
                        layers="edge"))
    return out


SITES += edge_sites(SITES)

# Facility capex (USD per MW of facility): Cushman & Wakefield US average and range,
# Turner & Townsend market figures (USD per W = USD million per MW), team default for
# low-cost markets.
FACILITY_CAPEX = {
    "us": (11.7e6, "published", "CW-DCCOST-2025"),
    "san_antonio": (9.3e6, "published", "CW-DCCOST-2025"),
    "reno": (15.0e6, "published", "CW-DCCOST-2025"),
    "silicon_valley": (13.3e6, "published", "TT-DCCI-2025"),
    "london": (12.0e6, "published", "TT-DCCI-2025"),
    "frankfurt": (11.6e6, "published", "TT-DCCI-2025"),
    "tokyo": (15.2e6, "published", "TT-DCCI-2025"),
    "osaka": (14.1e6, "published", "TT-DCCI-2025"),
    "singapore": (14.5e6, "published", "TT-DCCI-2025"),
    "low_cost": (8.0e6, "estimate", "TEAM-EST"),
}
# PUE: campuses use Uptime's figure for new large facilities (published); colocation
# metros the industry average (published); Germany/Singapore their regulatory caps;
# edge sites the team's air-cooled default.
PUE = {
    "cold": (1.10, "estimate", "TEAM-EST"),
    "temperate": (1.30, "published", "UPTIME-2024-REPORT"),
    "hot": (1.30, "published", "UPTIME-2024-REPORT"),
    "metro": (1.54, "published", "UPTIME-PUE"),
    "edge": (1.45, "estimate", "TEAM-EST"),
}
# Site development cost: US campuses buy the average parcel (224 acres) at the average
# price per acre (Cushman & Wakefield, both published); elsewhere team estimates.
US_CAMPUS_SITE_USD = 224 * 244_000
AI_SHARE_2025 = 0.25  # JLL-GDCO-2026: AI share of data-centre capacity in 2025
EDGE_CAPEX_PREMIUM = 1.5  # small telco/colocation micro-sites cost more per MW than a hall (estimate)
FIXED_OM_USD_PER_MW_YEAR = 0.35e6  # dc_costs.csv, estimate
CONSTRUCTION_YEARS = 2  # dc_costs.csv, 24 months, estimate
BRIDGE = {  # on-site gas generation while the grid connection is pending (estimates)
    "capex_usd_per_mw": 1.2e6,
    "price_usd_per_mwh": 85.0,
    "max_mw": 300.0,
}


def site_coords(site: Site) -> tuple[float, float, str, str]:
    if isinstance(site.at, str):
        r = ref_metros.loc[site.at]
        if site.at == "SCL":
            return SCL_FIX["lat"], SCL_FIX["lon"], "estimate", "TEAM-EST"
        return float(r.lat), float(r.lon), "published", r.source
    if site.coord_basis:
        return site.at[0], site.at[1], *site.coord_basis
    return site.at[0], site.at[1], "estimate", "TEAM-EST"


def build_regions() -> pd.DataFrame:
    f = "regions.csv"
    rows = []
    for s in SITES:
        lat, lon, b, src = site_coords(s)
        mark(f, "lat", b, src)
        mark(f, "lon", b, src)
        if s.kind == "campus":
            pue = PUE[s.climate]
        elif s.kind == "edge":
            pue = PUE["edge"]
        else:
            pue = PUE["metro"]
        if s.country == "DE":
            pue = (1.2, "published", "DATACENTRES-EU-GUIDE")
        if s.country == "SG":
            pue = (1.3, "published", "STRAITSTIMES-SG-2022")
        mark(f, "pue", pue[1], pue[2])
        if s.existing:
            existing = s.existing
        elif s.kind == "campus":
            existing = (0.0, "estimate", "TEAM-EST")
        elif s.kind == "metro" and s.max_mw_basis[0] != "estimate":
            # the AI share of the market's capacity is energised today: JLL's 25 % (2025) x the
            # market figure of max_mw (operational, or operational + pipeline; derived)
            existing = (AI_SHARE_2025 * float(s.max_mw), "derived", f"JLL-GDCO-2026;{s.max_mw_basis[1]}")
        elif s.kind == "metro":  # the same AI share of a market size that is itself an estimate
            existing = (AI_SHARE_2025 * float(s.max_mw), "estimate", "JLL-GDCO-2026;TEAM-EST")
        else:
            existing = (2.0, "estimate", "TEAM-EST")
        mark(f, "existing_mw", existing[1], existing[2])
        mark(f, "max_mw", *s.max_mw_basis)
        capex = FACILITY_CAPEX[s.capex]
        if s.kind == "edge":  # telco / colocation micro-site: the market figure times the edge premium
            capex = (capex[0] * EDGE_CAPEX_PREMIUM, "estimate", f"{capex[2]};TEAM-EST")
        mark(f, "facility_capex_usd_per_mw", capex[1], capex[2])
        if s.kind == "campus" and s.country == "US":
            site_fixed = (US_CAMPUS_SITE_USD, "derived", "CW-DCCOST-2025")
        elif s.kind == "campus":
            site_fixed = (40e6, "estimate", "TEAM-EST")
        elif s.kind == "metro":
            site_fixed = (10e6, "estimate", "TEAM-EST")
        else:
            site_fixed = (2e6, "estimate", "TEAM-EST")
        mark(f, "site_fixed_usd", site_fixed[1], site_fixed[2])
        mark(f, "fixed_om_usd_per_mw_year", "estimate", "TEAM-EST")
        mark(f, "earliest_year", *s.earliest_basis)
        ci, cb, cs = carbon(s.carbon)
        mark(f, "carbon_kg_per_mwh", cb, cs)
        row = dict(
            site_id=s.site_id, name=s.name, lat=lat, lon=lon, country=s.country,
            jurisdiction=JURISDICTION[s.country], grid_zone=s.grid_zone, kind=s.kind,
            pue=pue[0], existing_mw=round(existing[0], 2), max_mw=s.max_mw,
            site_fixed_usd=site_fixed[0], facility_capex_usd_per_mw=capex[0],
            fixed_om_usd_per_mw_year=FIXED_OM_USD_PER_MW_YEAR, earliest_year=s.earliest_year,
            carbon_kg_per_mwh=ci, training_allowed=s.training,
            bridge_capex_usd_per_mw=BRIDGE["capex_usd_per_mw"] if s.bridge else None,
            bridge_price_usd_per_mwh=BRIDGE["price_usd_per_mwh"] if s.bridge else None,
            bridge_max_mw=(s.bridge_max[0] if s.bridge_max else BRIDGE["max_mw"]) if s.bridge else None,
            layers=s.layers,
        )
        if s.bridge:
            for c in ("bridge_capex_usd_per_mw", "bridge_price_usd_per_mwh"):
                mark(f, c, "estimate", "TEAM-EST")
            mark(f, "bridge_max_mw", *(s.bridge_max[1:] if s.bridge_max else ("estimate", "TEAM-EST")))
        srcs = sorted({*src.split(";"), pue[2], *capex[2].split(";"), cs, site_fixed[2], *existing[2].split(";"), *s.max_mw_basis[1].split(";"), "TEAM-EST"})
        row["source"] = ";".join(srcs)
        rows.append(row)
    return pd.DataFrame(rows)


# --- time slices and profiles -------------------------------------------------
SLICE_STARTS = [0, 4, 8, 12, 16, 20]  # UTC hour each 4-hour block of the day starts


def build_timeslices() -> pd.DataFrame:
    return pd.DataFrame(
        dict(slice=[f"h{h:02d}" for h in SLICE_STARTS], hours=[8760 / 6] * 6, utc_hour_start=SLICE_STARTS)
    )


# Local-time demand multipliers (estimates: diurnal shape of chat traffic; hour-weighted mean 1).
PROFILES = {
    "interactive": [0.35, 0.60, 1.30, 1.40, 1.35, 1.00],
    "agentic": [0.70, 0.80, 1.20, 1.20, 1.10, 1.00],
    "edge": [0.40, 0.70, 1.20, 1.30, 1.30, 1.10],
}


def build_profiles() -> pd.DataFrame:
    rows = []
    for layer, mults in PROFILES.items():
        for h, m in zip(SLICE_STARTS, mults):
            rows.append(dict(layer=layer, slice=f"h{h:02d}", multiplier=m, source="TEAM-EST"))
            mark("profiles.csv", "multiplier", "estimate", "TEAM-EST")
    return pd.DataFrame(rows)


# --- power prices ---------------------------------------------------------------
# Off-peak spreads (curtailment_and_spreads.csv, estimates) by price area, and
# curtailed energy (published) for CAISO and ERCOT.
SPREADS = {"US-CAISO": 60.0, "US-ERCOT": 40.0, "NO": 15.0, "SE": 15.0, "SE-SE1": 15.0, "DE": 80.0}
CURTAILED = {
    # zone: (cap MW, price USD/MWh, basis, source)
    # CAISO 3.4 TWh curtailed in 2024, concentrated 10:00-14:00 local -> 3.4e6 / (365 * 4 h)
    "US-CAISO": (3.4e6 / (365 * 4), "EIA-TIE-CAISO-2025"),
    # ERCOT 1.2 GW average hourly curtailment (2024)
    "US-ERCOT": (1200.0, "FACTSET-ERCOT-2025"),
}
CURTAILED_PRICE_USD_PER_MWH = 20.0  # delivery charges only; energy near zero (ENERGYGPS-2024); estimate


def local_midpoint_hour(utc_start: int, tz: str) -> float:
    return (utc_start + 2 + utc_offset_h(tz)) % 24


def build_power_prices() -> pd.DataFrame:
    f = "power_prices.csv"
    rows = []
    for s in SITES:
        base, b, src = site_price(s)
        spread = SPREADS.get(s.carbon)
        for h in SLICE_STARTS:
            sl = f"h{h:02d}"
            local = local_midpoint_hour(h, s.tz)
            rows.append(dict(site_id=s.site_id, slice=sl, tier="firm", price_usd_per_mwh=base, cap_mw=None, source=src))
            mark(f, "price_usd_per_mwh", b, src)
            if spread and (local < 6 or local >= 22):
                rows.append(dict(site_id=s.site_id, slice=sl, tier="offpeak", price_usd_per_mwh=round(base - spread / 2, 2), cap_mw=None, source=f"{src};TEAM-EST"))
                mark(f, "price_usd_per_mwh", "estimate", "TEAM-EST")
            if s.carbon in CURTAILED and 10 <= local < 14 and s.kind != "edge":
                cap, csrc = CURTAILED[s.carbon]
                rows.append(dict(site_id=s.site_id, slice=sl, tier="curtailed", price_usd_per_mwh=CURTAILED_PRICE_USD_PER_MWH, cap_mw=round(cap, 1), source=f"{csrc};TEAM-EST"))
                mark(f, "price_usd_per_mwh", "estimate", "TEAM-EST")
                mark(f, "cap_mw", "derived", csrc)
    return pd.DataFrame(rows)


# --- interconnection queue ----------------------------------------------------
# Load-side connection waits (load_connection_waits.csv), not generator-queue durations. The
# market exceptions are data: reference/queue_rules.csv (scope site or zone, one row per tranche,
# ``share:x`` = that share of max_mw - existing_mw). Sites without a rule: an announced campus
# gets its announced schedule; other campuses three equal tranches filed 2022/2024/2026 and
# metros two filed 2022/2024 (filing years and sizes are estimates), each online after the JLL
# 4-year wait for primary markets; edge micro-sites one tranche in a year (below large-load size).
PJM_COST = (240.0, "published", "LBNL-IC-PJM")
MISO_COST = (156.0, "published", "LBNL-IC-MISO")
LARGE_LOAD_COST = (150.0, "estimate", "TEAM-EST")
LOAD_WAIT = (4.0, "published", "JLL-GDCO-2026")
ref_queue_rules = pd.read_csv(REF / "queue_rules.csv", dtype={"mw": str})
ref_campuses = pd.read_csv(REF / "campus_announcements.csv")


def _tranches_for(s: Site, remaining_mw: float) -> list[dict]:
    rules = ref_queue_rules[(ref_queue_rules.scope == "site") & (ref_queue_rules.key == s.site_id)]
    if rules.empty and s.full_power_year is None and not s.existing and s.site_id not in _announced_ids():
        rules = ref_queue_rules[(ref_queue_rules.scope == "zone") & (ref_queue_rules.key == s.grid_zone)]
    out = []
    for r in rules.itertuples(index=False):
        share = r.mw.startswith("share:")
        mw = remaining_mw * float(r.mw[6:]) if share else float(r.mw)
        years = range(r.request_year, 2030) if r.tranche == "yearly" else [r.request_year]
        for req in years:
            out.append(dict(mw=mw, req=int(req), wait=(float(r.wait_years), r.wait_basis, r.wait_source), mw_basis=(r.mw_basis, r.mw_source)))
    if out:
        return out
    if s.site_id in _announced_ids():
        a = _announcement(s.site_id)
        filed = int(str(a.as_of)[:4])
        first = max(BASE_YEAR, int(a.first_power_year))
        full = s.full_power_year[0] if s.full_power_year else first + CONSTRUCTION_YEARS
        full_basis = s.full_power_year[1:] if s.full_power_year else ("estimate", "TEAM-EST")
        filed = min(filed, first - 1)
        half = remaining_mw / 2
        return [dict(mw=half, req=filed, wait=(float(first - filed), a.basis, a.source), mw_basis=("estimate", "TEAM-EST")),
                dict(mw=remaining_mw - half, req=filed, wait=(float(max(full, first) - filed), *full_basis), mw_basis=("estimate", "TEAM-EST"))]
    if s.kind == "campus":
        return [dict(mw=remaining_mw / 3, req=y, wait=LOAD_WAIT, mw_basis=("estimate", "TEAM-EST")) for y in (2022, 2024, 2026)]
    if s.kind == "metro":
        return [dict(mw=remaining_mw / 2, req=y, wait=LOAD_WAIT, mw_basis=("estimate", "TEAM-EST")) for y in (2022, 2024)]
    return [dict(mw=remaining_mw, req=2025, wait=(1.0, "estimate", "TEAM-EST"), mw_basis=("estimate", "TEAM-EST"))]


def _announced_ids() -> set[str]:
    return set(pd.read_csv(REF / "campus_sites.csv").site_id)


def _announcement(site_id: str) -> pd.Series:
    overlay = pd.read_csv(REF / "campus_sites.csv").set_index("site_id")
    return ref_campuses.set_index("campus").loc[overlay.loc[site_id, "campus"]]


def build_queue(regions: pd.DataFrame) -> pd.DataFrame:
    f = "interconnect_queue.csv"
    existing = regions.set_index("site_id").existing_mw
    rows = []
    for s in SITES:
        cost = PJM_COST if s.grid_zone.startswith("PJM") else MISO_COST if s.grid_zone == "MISO" else LARGE_LOAD_COST
        remaining = max(float(s.max_mw) - float(existing[s.site_id]), 0.0)
        for n, t in enumerate(_tranches_for(s, remaining), start=1):
            if t["mw"] <= 0:
                continue
            wait, mw_basis = t["wait"], t["mw_basis"]
            rows.append(dict(tranche_id=f"{s.site_id}-q{n}", site_id=s.site_id, mw=round(t["mw"], 1), request_year=t["req"],
                             wait_years=wait[0], cost_usd_per_kw=cost[0],
                             source=";".join(sorted({*wait[2].split(";"), *cost[2].split(";"), *mw_basis[1].split(";")}))))
            mark(f, "mw", *mw_basis)
            mark(f, "request_year", "estimate", "TEAM-EST")  # a scenario choice: when the developer files
            mark(f, "wait_years", wait[1], wait[2])
            mark(f, "cost_usd_per_kw", cost[1], cost[2])
    return pd.DataFrame(rows)


# --- GPUs and throughput --------------------------------------------------------
GPUS = [  # (gpu, reference id, price attribute, gpus_per_unit, unit source)
    ("H100", "H100-SXM", "unit_price", 8),
    ("H200", "H200-SXM", "unit_price", 8),
    ("B200", "B200-HGX", "unit_price", 8),
    ("GB300", "GB300-NVL72", "unit_price_allin", 72),
    ("VR200", "VR200-NVL72", "unit_price_allin", 72),
]
# GB200 NVL72: 120 kW per 72-GPU rack at 1,200 W GPU TDP -> facility draw per GPU = 1.389 x TDP.
RACK_OVER_TDP = (120.0 / 72) / 1.2
NETWORK_USD_PER_GPU = 5000.0  # dc_costs.csv, estimate (HGX only; NVL72 rack price includes NVLink)
GPU_LIFETIME_YEARS = 5  # dc_costs.csv, estimate


# kW per GPU at system level (gpu_system_power.csv): the DGX/NVL system or rack power per
# accelerator, host CPUs, NVLink/network trays and fans included; cooling plant is in the PUE.
SYSTEM_POWER_ROW = {
    "H100": "NVIDIA DGX H100 / H200", "H200": "NVIDIA DGX H100 / H200", "B200": "NVIDIA DGX B200",
    "GB300": "NVIDIA GB300 NVL72 (Supermicro)", "VR200": "NVIDIA Vera Rubin NVL72",
}
ref_system_power = pd.read_csv(REF / "gpu_system_power.csv").set_index("system")


def system_kw_per_gpu(gpu: str) -> tuple[float, str, str]:
    r = ref_system_power.loc[SYSTEM_POWER_ROW[gpu]]
    if pd.notna(r.kw_per_accelerator_high) and gpu == "VR200":  # Max-Q to Max-P range: its midpoint
        return round((float(r.kw_per_accelerator) + float(r.kw_per_accelerator_high)) / 2, 3), "derived", r.source
    return float(r.kw_per_accelerator), r.basis, r.source


def build_gpus() -> pd.DataFrame:
    f = "gpus.csv"
    rows = []
    for gpu, ref, price_attr, per_unit in GPUS:
        first, fb, fs = gpu_attr(ref, "availability_year")
        p, pb, ps = gpu_attr(ref, price_attr)
        if per_unit == 8:
            p += NETWORK_USD_PER_GPU
            pb = "estimate"
        kw, kb, ks = system_kw_per_gpu(gpu)
        rows.append(dict(gpu=gpu, first_year=int(first), gpus_per_unit=per_unit, capex_usd_per_gpu=p,
                         kw_per_gpu=kw, lifetime_years=GPU_LIFETIME_YEARS, supply_units_per_year=None,
                         source=";".join(sorted({fs, ps, ks}))))
        mark(f, "first_year", fb, fs)
        mark(f, "gpus_per_unit", "published", "MLPERF-v4.1" if per_unit == 8 else "AWESOMEAGENTS-GB200")
        mark(f, "capex_usd_per_gpu", pb, ps)
        mark(f, "kw_per_gpu", kb, ks)
        mark(f, "lifetime_years", "estimate", "TEAM-EST")
    return pd.DataFrame(rows)


def bench(system_prefix: str, model: str, scenario: str) -> float:
    r = ref_bench[ref_bench.system.str.startswith(system_prefix) & (ref_bench.model.str.startswith(model)) & (ref_bench.scenario == scenario)]
    return float(r.iloc[0].tokens_per_s_per_gpu)


TRAIN_MFU = 0.40  # model FLOPs utilisation, estimate
TRAIN_FLOPS_PER_TOKEN = 6 * 70e9  # dense 70B-parameter reference model
LAYER_FACTOR = {"agentic": 0.8, "edge": 0.5}  # orchestration / small-batch penalties, estimates


def build_throughput() -> pd.DataFrame:
    f = "throughput.csv"
    h100 = bench("DGX H100", "Llama-2-70B", "Offline")
    h200 = bench("H200", "Llama-2-70B", "Offline")
    b200 = bench("B200-SXM", "Llama-2-70B", "Offline")
    gb200 = bench("GB200", "Llama-2-70B", "Offline-like")
    gb300_fp4, _, _ = gpu_attr("GB300-NVL72", "fp4_dense")
    gb200_fp4, _, _ = gpu_attr("GB200-NVL72", "fp4_dense")
    gb300 = gb200 * gb300_fp4 / gb200_fp4
    vr_ratio = bench("VR-NVL72", "DeepSeek-R1", "Offline") / bench("72x GB300", "DeepSeek-R1", "Offline")
    vr = gb300 * vr_ratio
    server_over_offline = bench("VR-NVL72", "DeepSeek-R1", "Server") / bench("VR-NVL72", "DeepSeek-R1", "Offline")
    offline = {
        "H100": (h100, "published", "MLPERF-v4.1"),
        "H200": (h200, "published", "MLPERF-v4.1"),
        "B200": (b200, "published", "MLPERF-v4.1"),
        "GB300": (gb300, "derived", "AZURE-GB200-2025;KLOCKWOOD-B200;ITKB-H200-B300"),
        "VR200": (vr, "derived", "AZURE-GB200-2025;ITKB-H200-B300;MLPERF-v6.1;NVIDIA-MLPERF-v5.1-SUMMARY"),
    }
    fp8 = {"H100": "H100-SXM", "H200": "H200-SXM", "B200": "B200-HGX", "GB300": "GB300-NVL72", "VR200": "VR200-NVL72"}
    rows = []
    for gpu, (tps, b, src) in offline.items():
        interactive = tps * server_over_offline
        rows += [
            dict(gpu=gpu, layer="batch", tokens_per_s_per_gpu=round(tps, 1), source=src),
            dict(gpu=gpu, layer="interactive", tokens_per_s_per_gpu=round(interactive, 1), source=f"{src};MLPERF-v6.1"),
            dict(gpu=gpu, layer="agentic", tokens_per_s_per_gpu=round(interactive * LAYER_FACTOR["agentic"], 1), source=f"{src};TEAM-EST"),
            dict(gpu=gpu, layer="edge", tokens_per_s_per_gpu=round(interactive * LAYER_FACTOR["edge"], 1), source=f"{src};TEAM-EST"),
        ]
        mark(f, "tokens_per_s_per_gpu", b, src)
        mark(f, "tokens_per_s_per_gpu", "derived", f"{src};MLPERF-v6.1")
        mark(f, "tokens_per_s_per_gpu", "estimate", "TEAM-EST", 2)
        flops, fb, fs = gpu_attr(fp8[gpu], "fp8_dense")
        train = flops * 1e12 * TRAIN_MFU / TRAIN_FLOPS_PER_TOKEN
        rows.append(dict(gpu=gpu, layer="training", tokens_per_s_per_gpu=round(train, 1), source=f"{fs};TEAM-EST"))
        mark(f, "tokens_per_s_per_gpu", "estimate", "TEAM-EST")
    return pd.DataFrame(rows)


# --- layers, demand, training -------------------------------------------------
LAYERS = pd.DataFrame(
    [
        # layer, metro_bound, slo_rtt_ms, max_site_share, util_max, power_fraction, value_usd_per_mtok, residency, max_shift
        ("training", False, None, 1.0, 0.90, 1.00, 0.50, "none", 0.0),
        ("batch", False, None, 1.0, 0.90, 0.85, 0.40, "none", 1.0),
        ("interactive", True, 50.0, 1.0, 0.60, 0.75, 2.00, "jurisdiction", 0.0),
        ("agentic", True, 150.0, 0.5, 0.70, 0.80, 4.00, "none", 0.2),
        ("edge", True, 5.0, 1.0, 0.50, 0.70, 6.00, "none", 0.0),
    ],
    columns=["layer", "metro_bound", "slo_rtt_ms", "max_site_share", "util_max", "power_fraction",
             "value_usd_per_mtok", "residency", "max_shift"],
)
LAYER_SHARE_2026 = {"batch": 0.30, "interactive": 0.45, "agentic": 0.20, "edge": 0.05}  # estimates
LAYER_GROWTH_PER_YEAR = {"batch": 1.8, "interactive": 1.6, "agentic": 2.5, "edge": 2.0}  # estimates


def global_tokens_per_s_2026() -> float:
    """Sum of the newest figure of each provider in token_demand.csv, as tokens/s."""
    seconds = {"tokens/month": 30.44 * 86400, "tokens/quarter": 91.3 * 86400, "tokens/day": 86400, "tokens/minute": 60}
    latest = ref_tokens[ref_tokens.provider != "Google Gemini API (direct customers)"]  # a subset of Google's total
    latest = latest.groupby("provider").tail(1)
    return float(sum(float(r.value) / seconds[r.unit] for r in latest.itertuples()))


def build_layers() -> pd.DataFrame:
    for c in ["slo_rtt_ms", "max_site_share", "util_max", "power_fraction", "value_usd_per_mtok", "max_shift"]:
        mark("layers.csv", c, "estimate", "TEAM-EST", int(LAYERS[c].notna().sum()))
    return LAYERS.assign(source="TEAM-EST;latency_rules.csv")


# --- calibration to published AI power -------------------------------------------
# World AI data-centre capacity (GW): the low path runs from JLL's 25.75 GW (2025) to JLL's
# 100 GW (2030), the high path from McKinsey's 156 GW (2030) / 3.5 = 44.6 GW (2025) to 156 GW;
# both geometric between their end points. The demand aims at the geometric path from JLL's
# 2025 figure to the geometric mean of the two 2030 figures (124.9 GW), inside the band each year.
ref_power = pd.read_csv(REF / "ai_power_projections.csv")
ref_mix = pd.read_csv(REF / "compute_mix.csv")


def _proj(region: str, metric: str, year: int, source: str) -> float:
    r = ref_power[(ref_power.region == region) & (ref_power.metric == metric) & (ref_power.year == year) & (ref_power.source == source)]
    return float(r.iloc[0].value)


def _geometric(y: int, y0: int, v0: float, y1: int, v1: float) -> float:
    return v0 * (v1 / v0) ** ((y - y0) / (y1 - y0))


JLL_2025 = _proj("World", "AI data-centre capacity", 2025, "JLL-GDCO-2026")
JLL_2030 = _proj("World", "AI data-centre capacity", 2030, "JLL-GDCO-2026")
MCK_2030 = _proj("World", "AI-related data-centre capacity demand", 2030, "MCK-COMPUTE-2025")
MCK_2025 = MCK_2030 / 3.5  # "3.5x 2025 level" (notes of the same row)
TARGET_2030 = math.sqrt(JLL_2030 * MCK_2030)
CALIBRATION_SOURCES = "JLL-GDCO-2026;MCK-COMPUTE-2025;IEA-EAI-REGION-GN;DELOITTE-TMT-2026;MCK-WORKLOADS-2025"


def world_band_gw(y: int) -> tuple[float, float, float]:
    """(low, target, high) world AI data-centre GW in year y."""
    return (_geometric(y, 2025, JLL_2025, 2030, JLL_2030), _geometric(y, 2025, JLL_2025, 2030, TARGET_2030),
            _geometric(y, 2025, MCK_2025, 2030, MCK_2030))


# IEA base case, data-centre electricity by region (TWh) 2024 and 2030: each region's share of
# the world, linear in between, splits the world AI figure (AI is taken to sit where data centres do).
IEA_REGIONS = ["United States", "China", "Europe", "Asia Pacific excl. China", "Rest of world"]
REGION_OF_COUNTRY = {
    "US": "United States", "CN": "China",
    **{c: "Europe" for c in ("GB", "FR", "DE", "ES", "IT", "NL", "IE", "SE", "FI", "NO", "IS", "DK")},
    **{c: "Asia Pacific excl. China" for c in ("JP", "IN", "KR", "TW", "SG", "MY", "ID", "AU", "HK")},
}


def region_of(country: str) -> str:
    return REGION_OF_COUNTRY.get(country, "Rest of world")


def region_share(region: str, y: int) -> float:
    def share(year: int) -> float:
        total = sum(_proj(r, "data-centre electricity consumption", year, "IEA-EAI-REGION-GN") for r in IEA_REGIONS)
        return _proj(region, "data-centre electricity consumption", year, "IEA-EAI-REGION-GN") / total
    return share(2024) + (share(2030) - share(2024)) * (y - 2024) / 6


def inference_share(y: int) -> float:
    """Inference share of AI compute: Deloitte two-thirds (2026), McKinsey more than half by 2030
    (its lower bound, 50 %), linear in between."""
    rows = ref_mix[ref_mix.metric == "inference share of AI compute"].set_index(["year", "source"]).value
    s26, s30 = rows[(2026, "DELOITTE-TMT-2026")] / 100, rows[(2030, "MCK-WORKLOADS-2025")] / 100
    return s26 + (s30 - s26) * (min(max(y, 2026), 2030) - 2026) / 4


PUE_REFERENCE = 1.30  # UPTIME-2024-REPORT, the PUE of new large facilities (regions.csv)


def _newest_gpu(gpus: pd.DataFrame, y: int) -> pd.Series:
    return gpus[gpus.first_year <= y].sort_values("first_year").iloc[-1]


def tokens_per_s_per_mw(gpus: pd.DataFrame, throughput: pd.DataFrame, layer: str, y: int) -> float:
    """Tokens/s one MW of facility draw makes on the newest GPU of year y (PUE_REFERENCE)."""
    g = _newest_gpu(gpus, y)
    tps = float(throughput[(throughput.gpu == g.gpu) & (throughput.layer == layer)].tokens_per_s_per_gpu.iloc[0])
    pf = float(LAYERS.set_index("layer").power_fraction[layer])
    return tps / (g.kw_per_gpu / 1000.0 * pf * PUE_REFERENCE)


def layer_split(y: int) -> dict[str, float]:
    """Share of inference power by metro layer in year y (estimates: no published split exists)."""
    raw = {l: LAYER_SHARE_2026[l] * LAYER_GROWTH_PER_YEAR[l] ** (y - BASE_YEAR) for l in LAYER_SHARE_2026}
    total = sum(raw.values())
    return {l: v / total for l, v in raw.items()}


DEMAND_SCALE = 1.0  # correction of the newest-GPU assumption from the solved plan (CALIBRATION.md)


ON_DEVICE_SHARE = 0.5  # estimate (no published split): share of edge tokens made on the device itself


def build_on_device(demand: pd.DataFrame) -> pd.DataFrame:
    """Edge tokens made on phones, cars, factory machines and homes: reported, not planned. The
    edge rows of demand.csv are the near-edge share served from metro edge sites; with an on-device
    share s of all edge tokens, on-device = near-edge x s / (1 - s)."""
    edge = demand[demand.layer == "edge"]
    out = edge.assign(tokens_per_s=(edge.tokens_per_s * ON_DEVICE_SHARE / (1 - ON_DEVICE_SHARE)).round(1),
                      source=edge.source + ";TEAM-EST (on-device share)")
    mark("on_device.csv", "tokens_per_s", "estimate", "TEAM-EST", len(out))
    return out[["metro_id", "layer", "year", "tokens_per_s", "source"]].reset_index(drop=True)


# Token values fall over time. The frontier list prices of token_prices.csv fall at a median rate
# of the three flagship series (OpenAI GPT-4 8K -> GPT-5 output price, Claude Opus 3 -> Opus 4.5
# output price, Claude Sonnet 3 -> 4 unchanged); each layer's 2026 value (layers.csv, an estimate)
# falls at that rate. The constant-capability declines (9-900x a year, EPOCH-PRICES-2025; 10x,
# A16Z-LLMFLATION-2024) measure a fixed capability getting cheaper, not the value of the tokens
# a layer sells, and would put every layer below its cost within two years.
ref_token_prices = pd.read_csv(REF / "token_prices.csv")


def _months(a: str, b: str) -> float:
    """Months from a to b ("2024-03", or a bare year read as its middle)."""
    (ya, ma), (yb, mb) = ((int(d[:4]), int(d[5:7]) if len(d) >= 7 else 6) for d in (a, b))
    return (yb - ya) * 12 + (mb - ma)


def flagship_decline_per_year() -> tuple[float, str]:
    """Median yearly decline factor of the flagship output-price series, with their sources."""
    def row(key: str) -> pd.Series:
        return ref_token_prices[ref_token_prices.key == key].iloc[0]

    series = [("gpt-4 (8K)", "gpt-5"), ("Claude 3 Opus", "Claude Opus 4.5"), ("Claude Sonnet (3 to 4)", "Claude Sonnet (3 to 4)")]
    rates, sources = [], []
    for a, b in series:
        ra, rb = row(a), row(b)
        years = max(_months(str(ra.as_of).split("..")[0], str(rb.as_of).split("..")[-1]), 12) / 12
        rates.append((float(ra.output_usd_per_mtok) / float(rb.output_usd_per_mtok)) ** (1 / years))
        sources += [ra.source, rb.source]
    return sorted(rates)[1], ";".join(dict.fromkeys(sources))


def build_token_values() -> pd.DataFrame:
    decline, src = flagship_decline_per_year()
    rows = []
    for l, v in zip(LAYERS.layer, LAYERS.value_usd_per_mtok):
        for y in YEARS:
            rows.append(dict(layer=l, year=y, value_usd_per_mtok=round(v / decline ** (y - BASE_YEAR), 4),
                             source="TEAM-EST" if y == BASE_YEAR else f"TEAM-EST;{src}"))
    mark("token_values.csv", "value_usd_per_mtok", "estimate", "TEAM-EST", len(LAYERS))
    mark("token_values.csv", "value_usd_per_mtok", "estimate", f"TEAM-EST;{src}", len(rows) - len(LAYERS))
    return pd.DataFrame(rows)


def build_demand(metros: pd.DataFrame, regions: pd.DataFrame, queue: pd.DataFrame, gpus: pd.DataFrame, throughput: pd.DataFrame) -> pd.DataFrame:
    """Token demand with the token construction's shape (population within a region, layer mix)
    and the published power's scale: region r's inference MW in year y is world AI GW x IEA
    regional share x inference share; a layer's tokens/s is its MW x tokens/s per MW of the
    newest GPU, divided by the layer's peak profile multiplier so that the peak draw, not the
    mean, meets the capacity figure."""
    m = metros.assign(region=metros.country.map(region_of))
    pop_share = m.population_m / m.groupby("region").population_m.transform("sum")
    peak = {l: max(PROFILES.get(l, [1.0])) for l in LAYER_SHARE_2026}
    residual = {(r, y): residual_training_mw(r, y) for r in IEA_REGIONS for y in YEARS}
    rows = []
    src = f"{CALIBRATION_SOURCES};MLPERF-v4.1;UN-WUP-2018;TEAM-EST"
    for y in YEARS:
        world_gw = world_band_gw(y)[1] * DEMAND_SCALE
        split = layer_split(y)
        for layer in LAYER_SHARE_2026:
            per_mw = tokens_per_s_per_mw(gpus, throughput, layer, y)
            for mid, region, ps in zip(m.metro_id, m.region, pop_share):
                mw = world_gw * 1000 * region_share(region, y) * inference_share(y) * split[layer] * ps
                if layer == "batch":
                    mw += residual[(region, y)] * ps
                rows.append(dict(metro_id=mid, layer=layer, year=y, tokens_per_s=round(mw * per_mw / peak[layer], 1), source=src))
                mark("demand.csv", "tokens_per_s", "estimate", src)
    return pd.DataFrame(rows)


# Training: (1 - inference share) of the AI target. Frontier runs are whole programs
# (reference/training_programs.csv) of the size EPRI/Epoch give for the largest runs (1 GW in 2026,
# as Colossus 2 and Prometheus; 1.5 GW in 2028, the middle of 1-2 GW; 2 GW in 2030, since the
# 4-16 GW runs of 2030 exceed any one campus). A program's min_campus_mw is the size of the campus a
# real programme runs at, so that it can land only there: the solver rounds a program onto the
# campus its relaxation used most and fixes the tranches the relaxation left untouched, so a
# program split between campuses would leave no plan (tokensite/improve.py, ``one_of``). The rest of
# the training share (fine-tuning, post-training, experiments: no single campus, no latency) rides on
# the pooled batch layer, as batch tokens of the same MW (see SOURCES.md).
PROGRAM_REGION = {"US": "United States", "CN": "China", "EU;GB": "Europe", "GCC;CA;MX": "Rest of world",
                  "JP;IN;KR;MY;AU;SG": "Asia Pacific excl. China"}


def residual_training_mw(region: str, y: int) -> float:
    """Training MW of region in year y beyond the frontier programs running then (>= 0)."""
    programs = sum(float(p.mw) for p in program_rows().itertuples() if PROGRAM_REGION[p.jurisdictions] == region and p.start_year <= y)
    return max(world_band_gw(y)[1] * DEMAND_SCALE * 1000 * region_share(region, y) * (1 - inference_share(y)) - programs, 0.0)


def program_rows() -> pd.DataFrame:
    return pd.read_csv(REF / "training_programs.csv")


def build_training(regions: pd.DataFrame, queue: pd.DataFrame, gpus: pd.DataFrame, throughput: pd.DataFrame) -> pd.DataFrame:
    """The frontier programs of reference/training_programs.csv; tokens/s = MW x training tokens/s
    per MW of the newest GPU of the start year at PUE 1.3."""
    rows = []
    for r in program_rows().itertuples(index=False):
        per_mw = tokens_per_s_per_mw(gpus, throughput, "training", r.start_year)
        rows.append(dict(program_id=r.program_id, start_year=r.start_year, tokens_per_s=round(r.mw * per_mw, -3),
                         min_campus_mw=float(r.min_campus_mw), jurisdictions=r.jurisdictions, layer="training", source=r.source))
        mark("training.csv", "start_year", "estimate", "TEAM-EST")
        mark("training.csv", "tokens_per_s", r.basis if r.basis != "published" else "derived", r.source)
        mark("training.csv", "min_campus_mw", r.min_campus_mw_basis, r.source)
    return pd.DataFrame(rows)


# --- latency ----------------------------------------------------------------------
# Reference RTT endpoints -> site ids placed in that city, and metro ids there.
LAT_CITY_SITES = {
    "Dallas": ["us-dfw-metro"], "Toronto": ["ca-toronto-metro"], "Washington DC": ["us-nova-metro"],
    "N. Virginia": ["us-nova-metro"], "Frankfurt": ["de-frankfurt-metro"], "Frankfurt (eu-central-1)": ["de-frankfurt-metro"],
    "London": ["gb-london-metro"], "London (eu-west-2)": ["gb-london-metro"], "Madrid": ["es-madrid-metro"],
    "Osaka": ["jp-osaka-metro"], "Osaka (ap-northeast-3)": ["jp-osaka-metro"], "Sydney": ["au-sydney-metro"],
    "Sydney (ap-southeast-2)": ["au-sydney-metro"], "Tokyo": ["jp-tokyo-metro"], "Tokyo (ap-northeast-1)": ["jp-tokyo-metro"],
    "Sao Paulo": ["br-saopaulo-metro"], "Sao Paulo (sa-east-1)": ["br-saopaulo-metro"], "Ireland": ["ie-dublin-metro"],
    "Mumbai": ["in-mumbai-metro"], "Seoul": ["kr-seoul-metro"], "Singapore": ["sg-singapore-metro"],
    "Stockholm": ["se-stockholm-metro"], "Paris": ["fr-paris-metro"], "UAE": ["ae-dubai-metro"],
    "Ohio": ["us-prometheus-meta"], "Oregon": ["us-hillsboro-metro"], "N. California": ["us-siliconvalley-metro"],
}
LAT_CITY_METROS = {
    "Dallas": "DFW", "Toronto": "TOR", "Washington DC": "WAS", "N. Virginia": "WAS", "Frankfurt": "FRA",
    "Frankfurt (eu-central-1)": "FRA", "London": "LON", "London (eu-west-2)": "LON", "Madrid": "MAD", "Osaka": "OSA",
    "Osaka (ap-northeast-3)": "OSA", "Sydney": "SYD", "Sydney (ap-southeast-2)": "SYD", "Tokyo": "TYO",
    "Tokyo (ap-northeast-1)": "TYO", "Sao Paulo": "SAO", "Sao Paulo (sa-east-1)": "SAO", "Hong Kong": "HKG",
    "Ireland": "DUB", "Mumbai": "BOM", "Seoul": "SEL", "Singapore": "SIN", "Stockholm": "STO", "Paris": "PAR",
}


def build_latency() -> pd.DataFrame:
    """Measured RTTs between a city with a candidate site and a city with a demand metro."""
    seen: dict[tuple[str, str], dict] = {}
    for r in ref_lat.itertuples():
        for a, b in ((r._1, r.to), (r.to, r._1)):
            for site in LAT_CITY_SITES.get(a, []):
                metro = LAT_CITY_METROS.get(b)
                if metro is None or (site, metro) in seen:
                    continue
                seen[(site, metro)] = dict(site_id=site, metro_id=metro, rtt_ms=float(r.rtt_ms), transit_usd_per_mtok=None, source=r.source)
    out = pd.DataFrame(seen.values()).sort_values(["site_id", "metro_id"])
    for src in out.source:
        mark("latency.csv", "rtt_ms", "published", src)
    return out


def build_policy() -> pd.DataFrame:
    return pd.DataFrame(dict(year=YEARS, budget_usd=[None] * 5, co2_cap_t=[None] * 5, carbon_price_usd_per_t=[None] * 5,
                             source=["no policy constraint in the default world case"] * 5))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    metros = build_metros()
    regions = build_regions()
    gpus, throughput = build_gpus(), build_throughput()
    queue = build_queue(regions)
    frames = {
        "regions.csv": regions,
        "metros.csv": metros,
        "layers.csv": build_layers(),
        "gpus.csv": gpus,
        "throughput.csv": throughput,
        "timeslices.csv": build_timeslices(),
        "power_prices.csv": build_power_prices(),
        "demand.csv": build_demand(metros, regions, queue, gpus, throughput),
        "interconnect_queue.csv": queue,
        "training.csv": build_training(regions, queue, gpus, throughput),
        "latency.csv": build_latency(),
        "profiles.csv": build_profiles(),
        "policy.csv": build_policy(),
        "token_values.csv": build_token_values(),
    }
    frames["on_device.csv"] = build_on_device(frames["demand.csv"])
    mark("timeslices.csv", "hours", "derived", "definition", 6)
    for name, frame in frames.items():
        frame.to_csv(OUT / name, index=False)
    prov = pd.DataFrame([dict(file=k[0], column=k[1], basis=k[2], source=k[3], cells=n) for k, n in sorted(_cells.items())])
    prov.to_csv(OUT / "provenance.csv", index=False)
    strict = prov[prov.basis != "estimate"].cells.sum() / prov.cells.sum()
    has_published = prov.source.str.split(";").map(lambda ids: any(i not in {"TEAM-EST", "definition"} for i in ids))
    loose = prov[has_published].cells.sum() / prov.cells.sum()
    print(f"wrote {len(frames)} files to {OUT}; {prov.cells.sum()} counted values")
    print(f"  {strict:.1%} published or derived only from published figures (strict)")
    print(f"  {loose:.1%} with at least one published input (the rest rests on team estimates alone)")
    print(prov.groupby(["file", "basis"]).cells.sum().unstack(fill_value=0))


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calibrate", metavar="RESULTS_DIR", type=Path,
                    help="write data/world/CALIBRATION.md from a solved world plan instead of rebuilding")
    args = ap.parse_args()
    if args.calibrate:
        from calibration import calibration_markdown

        (OUT / "CALIBRATION.md").write_text(calibration_markdown(args.calibrate, OUT) + "\n")
        print(f"wrote {OUT / 'CALIBRATION.md'}")
    else:
        main()
