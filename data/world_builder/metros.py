"""Demand metros: their time zones and jurisdictions, their corrected coordinates, ``metros.csv``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from .loader import Reference
from .sourced import Sourced, Table, estimate, table

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
    "FI": "EU", "NO": "NO", "IS": "IS", "DK": "EU", "AE": "GCC", "SA": "GCC", "QA": "GCC",
    "IN": "IN", "JP": "JP", "SG": "SG", "MY": "MY", "KR": "KR", "TW": "TW", "HK": "HK", "ID": "ID",
    "AU": "AU", "ZA": "ZA", "KE": "KE", "NG": "NG", "CN": "CN", "PE": "PE",
}
# Santiago: the reference row SCL holds Santiago de los Caballeros (Dominican Republic,
# 19.46 N, 0.7 M) -- a transcription error. Santiago de Chile's coordinates and UN WUP
# 2025 projection (about 6.9 M) are used instead and marked as an estimate.
METRO_CORRECTIONS = {"SCL": {"lat": -33.4489, "lon": -70.6693, "population": 6_900_000}}


def market_of(country: str) -> str:
    """Two markets (decision 6 of issue 28): China's (the mainland, and Hong Kong: an estimate, as
    the US has applied the mainland's export rules to Hong Kong since 2020, which export_controls.csv
    does not cite) and the US-aligned one, every other country: the rest of the world buys NVIDIA's
    parts under the May-2025 regime (export_controls.csv#4) and serves its users in that market."""
    return "CN" if JURISDICTION.get(country) in ("CN", "HK") else "US-aligned"


def metro_figure(ref: Reference, metro_id: str, column: str) -> Sourced:
    """``lat``, ``lon`` or ``population`` of a reference metro, or the team's correction of it."""
    fix = METRO_CORRECTIONS.get(metro_id)
    if fix is not None:
        return estimate(fix[column])
    r = ref.metros.loc[metro_id]
    return Sourced(float(r[column]), r.basis, r.source)


def utc_offset_h(tz: str) -> float:
    """Standard-time UTC offset (mid-January) from the IANA time-zone database."""
    return ZoneInfo(tz).utcoffset(datetime(2026, 1, 15, 12)).total_seconds() / 3600.0


def build_metros(ref: Reference) -> Table:
    rows = []
    for mid, tz in METROS.items():
        r = ref.metros.loc[mid]
        lat, lon, pop = (metro_figure(ref, mid, c) for c in ("lat", "lon", "population"))
        rows.append(dict(metro_id=mid, name=r["name"], lat=lat, lon=lon, country=r.country_iso2,
                         jurisdiction=JURISDICTION[r.country_iso2], utc_offset_h=Sourced(utc_offset_h(tz), "published", "IANA-TZ"),
                         population_m=pop.with_value(round(pop.value / 1e6, 3)), market=market_of(r.country_iso2),
                         source=f"{pop.source};IANA-TZ"))
    return table("metros.csv", rows)
