"""Great-circle distance and the latency estimate for pairs without a measured RTT.

``rtt_ms = OVERHEAD_MS + ROUTE_FACTOR * distance_km / 100``

* ``distance_km / 100`` is the fibre-minimum RTT: light in fibre covers about 200 km per
  ms, so a round trip costs 1 ms per 100 km (the convention of latency_calibration.csv).
* ``ROUTE_FACTOR = 1.655`` is the median ratio of measured RTT to that minimum over the
  128 published inter-region pairs in data/reference/latency_calibration.csv (IBM Cloud
  2024, AWS CloudPing): real paths are longer than great circles and add equipment delay.
* ``OVERHEAD_MS = 1.0`` covers switching and the last mile inside a metro (estimate,
  latency_rules.csv), so a site in the same city is never at 0 ms.
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0
ROUTE_FACTOR = 1.655
FIBRE_RTT_MS_PER_KM = 1.0 / 100.0
OVERHEAD_MS = 1.0


def great_circle_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Haversine distance in km between arrays of points given in degrees."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def estimate_rtt_ms(distance_km: np.ndarray) -> np.ndarray:
    return OVERHEAD_MS + ROUTE_FACTOR * FIBRE_RTT_MS_PER_KM * np.asarray(distance_km)


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
