"""Great-circle distance and the latency estimate for pairs without a measured RTT.

``rtt_ms = OVERHEAD_MS + ROUTE_FACTOR * distance_km / 100``

* ``distance_km / 100`` is the fibre-minimum RTT: light in fibre covers about 200 km per
  ms, so a round trip costs 1 ms per 100 km (the convention of latency_calibration.csv).
* ``ROUTE_FACTOR = 1.655`` is the median ratio of measured RTT to that minimum over the
  128 published inter-region pairs in data/reference/latency_calibration.csv (IBM Cloud
  2024, AWS CloudPing): real paths are longer than great circles and add equipment delay.
* ``OVERHEAD_MS = 1.0`` covers switching and the last mile inside a metro (estimate,
  latency_rules.csv), so a site in the same city is never at 0 ms.

Network transit for pairs whose ``transit_usd_per_mtok`` is blank (or missing from latency.csv):

``transit_usd_per_mtok = TRANSIT_USD_PER_MTOK_PER_1000KM * ROUTE_FACTOR * distance_km / 1000``

* ``GB_PER_MTOK = 0.04``: about 4 bytes of UTF-8 text per token, times 10 for the prompt's share,
  the streamed JSON framing and TCP/TLS overhead (estimate).
* ``USD_PER_GB_PER_1000KM = 0.002``: long-haul carriage of a gigabyte over 1,000 km of fibre path
  (estimate; wholesale IP transit in large markets is of the order of USD 0.0003-0.0015 per GB
  delivered, long-haul and subsea paths cost more).
* Their product, 8e-5 USD per Mtok per 1,000 km of path, is small beside what a token costs to make
  (about 0.02-0.06 USD per Mtok in the world plan): it breaks the ties between equally cheap sites
  by distance, the cost a network really adds, without steering the plan.
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0
ROUTE_FACTOR = 1.655
FIBRE_RTT_MS_PER_KM = 1.0 / 100.0
OVERHEAD_MS = 1.0
GB_PER_MTOK = 0.04
USD_PER_GB_PER_1000KM = 0.002
TRANSIT_USD_PER_MTOK_PER_1000KM = GB_PER_MTOK * USD_PER_GB_PER_1000KM


def great_circle_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Haversine distance in km between arrays of points given in degrees."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def estimate_rtt_ms(distance_km: np.ndarray) -> np.ndarray:
    return OVERHEAD_MS + ROUTE_FACTOR * FIBRE_RTT_MS_PER_KM * np.asarray(distance_km)


def estimate_transit_usd_per_mtok(distance_km: np.ndarray) -> np.ndarray:
    """The distance-based transit default (module docstring) for a great-circle distance."""
    return TRANSIT_USD_PER_MTOK_PER_1000KM * ROUTE_FACTOR * np.asarray(distance_km) / 1000.0


def continent(lat: float, lon: float) -> str:
    """A coarse region from a point: the split the dataset summary and the report use."""
    if lat < -10 and lon > 110:
        return "Oceania"
    if lon < -30:
        return "North America" if lat > 12 else "South America"
    if lon < 60 and lat < 37 and not (lon > 34 and lat > 12):
        return "Africa"
    if lon < 60 and lat >= 37 and lon < 45:
        return "Europe"
    return "Asia"
