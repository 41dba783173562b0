"""Location warnings: a site or metro whose point is not inside its country.

Each point of ``regions.csv`` and ``metros.csv`` is tested against its country's polygons in the
Natural Earth files shipped in the package (``tokensite/geo``, public domain): the 1:110m countries, plus the
1:50m states and provinces where Natural Earth has them (US, CA, AU, BR, CN, ID, IN, RU, ZA),
whose finer coasts matter for coastal cities. A point more than ``TOLERANCE_KM`` outside every
polygon of its country is reported, and if swapping lat and lon puts it inside, that is said.
Countries absent at this scale (Singapore, Hong Kong) are not checked; their swapped
coordinates fall outside the latitude range and are refused as errors anyway.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import affinity
from shapely.geometry import Point

from tokensite.errors import Problem
from tokensite.packaged import COUNTRIES, PROVINCES, boundaries_dir

TOLERANCE_KM = 25.0
"""Coast simplification at 1:110m puts real places up to 7 km outside (Luleå); a swap moves them 95 km or more."""
KM_PER_DEGREE = 111.2
ISO_FIXES = {"FRA": "FR", "NOR": "NO"}  # Natural Earth writes -99 as ISO_A2 for these


@lru_cache(maxsize=4)
def country_shapes(geo: Path) -> dict[str, list]:
    """ISO alpha-2 -> polygons (prepared for fast point tests)."""
    world = gpd.read_file(geo / COUNTRIES)
    iso = np.where(world.ISO_A2 == "-99", world.ADM0_A3.map(ISO_FIXES).fillna("-99"), world.ISO_A2)
    shapes: dict[str, list] = {}
    for code, geom in zip(iso, world.geometry):
        shapes.setdefault(str(code), []).append(geom)
    if (geo / PROVINCES).is_file():
        provinces = gpd.read_file(geo / PROVINCES, columns=["iso_a2"])
        for code, geom in zip(provinces.iso_a2, provinces.geometry):
            shapes.setdefault(str(code), []).append(geom)
    shapes.pop("-99", None)
    for geoms in shapes.values():
        shapely.prepare(geoms)
    return shapes


def km_outside(lat: float, lon: float, geoms: list) -> float:
    """Distance in km from a point to the nearest of ``geoms`` (0 inside), on a local flat projection."""
    if any(g.contains(Point(lon, lat)) for g in geoms):
        return 0.0
    f = float(np.cos(np.radians(lat)))
    p = affinity.scale(Point(lon, lat), xfact=f, yfact=1, origin=(0, 0))
    return min(affinity.scale(g, xfact=f, yfact=1, origin=(0, 0)).distance(p) for g in geoms) * KM_PER_DEGREE


def location_warnings(frames: dict[str, pd.DataFrame | None]) -> list[Problem]:
    """Sites and metros outside their country's polygons (see module doc), against the package's boundaries."""
    shapes = country_shapes(boundaries_dir())
    out = []
    for file in ("regions.csv", "metros.csv"):
        df = frames.get(file)
        if df is None:
            continue
        for line, row in df.iterrows():
            geoms = shapes.get(str(row.country))
            if not geoms:
                continue
            km = km_outside(float(row.lat), float(row.lon), geoms)
            if km <= TOLERANCE_KM:
                continue
            swapped = abs(row.lon) <= 90 and km_outside(float(row.lon), float(row.lat), geoms) <= TOLERANCE_KM
            fix = f"lat and lon look swapped: ({row.lon}, {row.lat}) is in {row.country}" if swapped else \
                "check lat and lon (degrees north and east) and the country code"
            out.append(Problem(file, int(line), "lat", f"point is {km:,.0f} km outside country {row.country}", f"{row.lat}, {row.lon}", fix))
    return out
