"""Flows drawn as great circles, split where they cross the antimeridian (pyproj's geodesics).

A straight line between lon 139.7 (Tokyo) and lon −118.2 (Los Angeles) on a lon/lat map runs west across
Eurasia and the Atlantic; the shortest path crosses the Pacific and the ±180° meridian. :func:`great_circle`
samples the geodesic (WGS84, pyproj's ``Geod``) and cuts it at ±180°, so that no drawn piece spans more than
180° of longitude and each piece stays on the map's one copy of the world. The static maps
(:mod:`tokensite.results.maps`) and the HTML map (:mod:`tokensite.results.webmap`) draw the same pieces.
"""

from __future__ import annotations

import numpy as np
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
STEP_KM = 250.0
"""About one point per this many km of the route (at least the two ends)."""


def split_at_antimeridian(lons: np.ndarray, lats: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The polyline cut where consecutive points jump more than 180° in longitude; each cut ends at ±180° at the
    latitude interpolated across the jump, and the next piece starts at the opposite edge."""
    pieces, xs, ys = [], [float(lons[0])], [float(lats[0])]
    for a, b, ya, yb in zip(lons[:-1], lons[1:], lats[:-1], lats[1:]):
        if abs(b - a) > 180:
            edge = 180.0 if a > 0 else -180.0
            b_unwrapped = b + 360.0 if a > 0 else b - 360.0
            y_edge = float(ya + (yb - ya) * (edge - a) / (b_unwrapped - a))
            xs.append(edge)
            ys.append(y_edge)
            pieces.append((np.array(xs), np.array(ys)))
            xs, ys = [-edge], [y_edge]
        xs.append(float(b))
        ys.append(float(yb))
    pieces.append((np.array(xs), np.array(ys)))
    return pieces


def great_circle(lon1: float, lat1: float, lon2: float, lat2: float, step_km: float = STEP_KM) -> list[tuple[np.ndarray, np.ndarray]]:
    """The shortest path from (lon1, lat1) to (lon2, lat2) as pieces of (lons, lats), split at the antimeridian."""
    _, _, metres = GEOD.inv(lon1, lat1, lon2, lat2)
    n = int(metres / 1000.0 / step_km)
    inner = GEOD.npts(lon1, lat1, lon2, lat2, n) if n > 0 else []
    lons = np.array([lon1, *(p[0] for p in inner), lon2], dtype=float)
    lats = np.array([lat1, *(p[1] for p in inner), lat2], dtype=float)
    return split_at_antimeridian(lons, lats)
