"""Candidate sites: the market sites of ``world_sites.csv``, the announced campuses of
``campus_announcements.csv`` + ``campus_sites.csv``, and one generated edge site per metro."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from .loader import Reference
from .metros import METROS, metro_figure
from .sourced import Sourced, estimate

BASE_YEAR = 2026
EDGE_SLO_MS = 5.0  # layers.csv edge SLO
EDGE_SITE_MW = 100.0  # estimate: the telco / colocation micro-sites of a metro of the median population together
METRO_PACE_SHARE = 0.25  # estimate: a colocation market may add a quarter of its size a year


@dataclass(frozen=True)
class Announcement:
    """What a campus announcement says about its grid schedule (campus_announcements.csv)."""

    filed_year: int  # year of the announcement (as_of)
    first_power_year: int
    basis: str
    source: str


@dataclass(frozen=True)
class Site:
    site_id: str
    name: str
    country: str
    grid_zone: str
    kind: str  # campus | metro | edge
    lat: Sourced
    lon: Sourced
    tz: str
    price: tuple[str, str, str | int | None]  # (region_id, sector, year) in power_prices.csv
    carbon: str  # region_id in carbon_intensity.csv
    capex: str  # facility capex market (regions.FACILITY_CAPEX)
    climate: str  # cold | temperate | hot | edge (PUE default)
    max_mw: Sourced
    earliest_year: Sourced
    bridge: bool = False
    training: bool = False
    existing: Sourced | None = None  # energised grid MW
    bridge_max: Sourced | None = None  # announced on-site generation MW
    full_power_year: Sourced | None = None  # year the announced MW is energised
    announcement: Announcement | None = None
    layers: str | None = None  # regions.csv ``layers``: the layers it may serve (None = every layer)
    pace: Sourced | None = None  # MW the site may add a year (regions.csv max_build_mw_per_year)


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


def _cluster(ref: Reference, cluster: str) -> tuple[Sourced, Sourced]:
    """Coordinates of a data-centre cluster (site_locations.csv); a city-centre proxy is an estimate."""
    r = ref.site_locations.loc[cluster]
    basis = "published" if r.basis == "published" else "estimate"
    return Sourced(float(r.lat), basis, r.ref_id), Sourced(float(r.lon), basis, r.ref_id)


def edge_mw(ref: Reference, metro_id: str) -> Sourced:
    """A metro's edge micro-sites together: EDGE_SITE_MW at the median metro's population, in proportion to its
    people above it (an estimate: micro-sites follow the people they serve within 5 ms; a flat 100 MW left Los
    Angeles' edge tokens unserved for want of micro-sites while smaller metros' stood idle)."""
    pop = metro_figure(ref, metro_id, "population")
    median = float(ref.metros.population.median())
    return estimate(round(EDGE_SITE_MW * max(1.0, pop.value / median), 1), f"{pop.source};TEAM-EST")


def metro_pace(max_mw: Sourced) -> Sourced:
    """A colocation market adds METRO_PACE_SHARE of its size a year (many developers at once)."""
    return estimate(round(max_mw.value * METRO_PACE_SHARE, 1), f"{max_mw.source};TEAM-EST")


def campus_pace(ref: Reference, row: object) -> Sourced:
    """A campus's own fastest phase (MW x 12 / months of build_pace.csv); else the fast end of Epoch's
    gigawatt campuses, 1 GW in 12 months (build_pace.csv#25): a campus that is not built faster is held back
    by its grid queue (interconnect_queue.csv), not by construction."""
    b = ref.build_pace
    if _blank(row):
        r = b[b.site.str.startswith("Gigawatt-scale")].iloc[0]
        months = float(str(r.months).split("-")[0])
        return Sourced(round(float(r.mw) * 12 / months, 1), "derived", r.ref_id)
    r = b.iloc[int(float(row)) - 1]
    return Sourced(round(float(r.mw) * 12 / float(r.months), 1), "derived" if r.basis != "estimate" else "estimate", r.ref_id)


def earliest_source(r: object) -> str:
    """What an estimated earliest year stands on: a colocation market's published size (it stands
    today), a campus's 18-36 months from groundbreaking to live load (build_pace.csv#27)."""
    if r.earliest_year_source != "TEAM-EST":
        return r.earliest_year_source
    return f"{r.max_mw_source};TEAM-EST" if r.kind == "metro" else "build_pace.csv#27;TEAM-EST"


def market_sites(ref: Reference) -> list[Site]:
    """The candidate sites as data (``reference/world_sites.csv``), one named column per field."""
    sites = []
    for r in ref.world_sites.itertuples(index=False):
        if not _blank(r.cluster):
            lat, lon = _cluster(ref, r.cluster)
        elif _blank(r.at_metro):
            lat, lon = estimate(float(r.lat)), estimate(float(r.lon))
        else:
            lat, lon = metro_figure(ref, r.at_metro, "lat"), metro_figure(ref, r.at_metro, "lon")
        year = None if _blank(r.price_year) else (int(r.price_year) if r.price_year.isdigit() else r.price_year)
        sites.append(Site(site_id=r.site_id, name=r.name, country=r.country, grid_zone=r.grid_zone, kind=r.kind,
                          lat=lat, lon=lon, tz=r.tz, price=(r.price_region, r.price_sector, year), carbon=r.carbon_region,
                          capex=r.capex_market, climate=r.climate, max_mw=Sourced(r.max_mw, r.max_mw_basis, r.max_mw_source),
                          earliest_year=Sourced(int(r.earliest_year), r.earliest_year_basis, earliest_source(r)),
                          bridge=bool(r.bridge), training=bool(r.training_allowed)))
        max_mw = edge_mw(ref, r.at_metro) if r.kind == "edge" else sites[-1].max_mw
        pace = metro_pace(max_mw) if r.kind == "metro" else campus_pace(ref, None) if r.kind == "campus" else None
        sites[-1] = replace(sites[-1], pace=pace, max_mw=max_mw)
    return sites


def campus_sites(ref: Reference) -> list[Site]:
    """Every announced AI campus as a candidate site at its real location, with its announced MW,
    first-power year, energised grid and bridge power. ``campus_sites.csv`` adds what the
    announcement does not say: grid zone, price area, climate."""
    sites = []
    for r in ref.campus_sites.itertuples(index=False):
        if r.status != "active":
            continue  # an idle or cancelled campus is not a candidate (SOURCES.md names them)
        a = ref.campus_announcements.loc[r.campus]
        src = a.source
        coord_basis = "published" if a.coord_source != "TEAM-EST" else "estimate"
        existing = None
        if not _blank(r.energised_mw) and float(r.energised_mw) > 0:
            existing = Sourced(float(r.energised_mw), r.energised_basis, src)
        bridge = None
        if not _blank(r.bridge_max_mw):
            bridge = Sourced(float(r.bridge_max_mw), r.bridge_basis, src if r.bridge_basis != "estimate" else "TEAM-EST")
        full = None
        if not _blank(a.full_build_year):
            full = Sourced(int(a.full_build_year), "published", src)
        elif not _blank(r.full_power_year):
            full = estimate(int(r.full_power_year))
        announcement = Announcement(int(str(a.as_of)[:4]), int(a.first_power_year), a.basis, a.source)
        sites.append(Site(site_id=r.site_id, name=f"{r.campus} ({a.operator})", country=a.country_iso2,
                          grid_zone=r.grid_zone, kind="campus", lat=Sourced(float(a.lat), coord_basis, a.coord_source),
                          lon=Sourced(float(a.lon), coord_basis, a.coord_source), tz=r.tz,
                          price=(r.price_region, r.price_sector, None if _blank(r.price_year) else int(r.price_year)),
                          carbon=r.carbon_region, capex=r.capex_market, climate=r.climate,
                          max_mw=Sourced(float(a.announced_mw), a.basis, src),
                          earliest_year=Sourced(max(BASE_YEAR, int(a.first_power_year)), a.basis, src),
                          bridge=bridge is not None, training=bool(r.training_allowed), existing=existing,
                          bridge_max=bridge, full_power_year=full, announcement=announcement,
                          pace=campus_pace(ref, r.pace_row)))
    return sites


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0 * math.acos(max(-1.0, min(1.0, c)))


def edge_sites(ref: Reference, sites: list[Site]) -> list[Site]:
    """One edge candidate (telco / colocation micro-sites) in every metro, since every metro has
    edge demand: a colocation hall within the edge SLO also sells to the interactive and agentic
    layers and may be full (issue 10: NYC, LAX, MIA and DEL edge were unserved for capacity with
    only their metro hall in reach). A micro-site serves the edge layer only (regions.csv
    ``layers``): a telco cabinet does not host chat or agents for a whole jurisdiction, and
    serving those from 45 more sites made the world case too large to solve in 10 minutes. It
    copies the price area, carbon and cost market of the nearest site in its country."""
    out = []
    for mid, tz in METROS.items():
        lat, lon = metro_figure(ref, mid, "lat"), metro_figure(ref, mid, "lon")
        near = [(_km(lat.value, lon.value, x.lat.value, x.lon.value), x) for x in sites]
        if any(x.kind == "edge" and 1.0 + 1.655 * d / 100.0 <= EDGE_SLO_MS for d, x in near):
            continue
        country = ref.metros.loc[mid].country_iso2
        same_country = [(d, x) for d, x in near if x.country == country]
        assert same_country, f"no site in {country} to take the prices of edge site for {mid}"
        parent = min(same_country, key=lambda t: (t[0], t[1].site_id))[1]
        out.append(Site(site_id=f"{country.lower()}-{mid.lower()}-edge",
                        name=f"{ref.metros.loc[mid]['name']} edge (telco/colocation micro-sites)",
                        country=country, grid_zone=parent.grid_zone, kind="edge", lat=lat, lon=lon, tz=tz,
                        price=parent.price, carbon=parent.carbon, capex=parent.capex, climate="edge",
                        max_mw=edge_mw(ref, mid), earliest_year=estimate(BASE_YEAR), layers="edge"))
    return out


def all_sites(ref: Reference) -> list[Site]:
    """Market sites, then campuses, then the generated edge sites, in regions.csv order."""
    sites = market_sites(ref) + campus_sites(ref)
    return sites + edge_sites(ref, sites)

