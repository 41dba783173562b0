"""Location warnings: a site or metro whose point is not inside its country.

Each point of ``regions.csv`` and ``metros.csv`` is tested against its country's polygons in the
Natural Earth files shipped in the package (``tokensite/geo``, public domain): the 1:110m countries, plus the
1:50m states and provinces where Natural Earth has them (US, CA, AU, BR, CN, ID, IN, RU, ZA),
whose finer coasts matter for coastal cities. A point more than ``TOLERANCE_KM`` outside every
polygon of its country is reported, and if swapping lat and lon puts it inside, that is said.
Countries absent at this scale (Singapore, Hong Kong) are not checked. A swap that puts a longitude beyond ±90 in
the latitude is refused by the schema's range; :func:`swapped_coordinates` names that refusal a swap too.
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
SWAPPED = "they look swapped: exchange the lat and lon cells"
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
            where = f"point is {km:,.0f} km outside country {row.country}"
            if abs(row.lon) <= 90 and km_outside(float(row.lon), float(row.lat), geoms) <= TOLERANCE_KM:
                out.append(Problem(file, int(line), "lat", f"{where}, and inside it with lat and lon swapped", f"{row.lat}, {row.lon}",
                                   SWAPPED, kind="with lat and lon swapped"))
            else:
                out.append(Problem(file, int(line), "lat", where, f"{row.lat}, {row.lon}", "check lat and lon (degrees north and east) and the country code",
                                   kind="outside their country"))
    return out


def swapped_coordinates(file: str, raw: pd.DataFrame, problems: list[Problem]) -> list[Problem]:
    """``problems`` with a latitude refused for its range, whose longitude is a latitude (within ±90) and whose own
    value is a longitude (within ±180), and which swapped lies in its country (where the boundaries have it), said
    to be a swapped pair instead of "above the maximum 90"."""
    if not {"lat", "lon", "country"} <= set(raw.columns):
        return problems
    lat, lon = pd.to_numeric(raw.lat, errors="coerce"), pd.to_numeric(raw.lon, errors="coerce")
    shapes = country_shapes(boundaries_dir())
    swapped = {line for line in raw.index[(lat.abs() > 90) & (lat.abs() <= 180) & (lon.abs() <= 90)]
               if not shapes.get(str(raw.at[line, "country"])) or km_outside(lon[line], lat[line], shapes[str(raw.at[line, "country"])]) <= TOLERANCE_KM}
    return [Problem(file, p.line, "lat", "lat and lon look swapped: a latitude beyond ±90 beside a longitude within it",
                    f"{raw.at[p.line, 'lat']}, {raw.at[p.line, 'lon']}", SWAPPED) if p.file == file and p.column == "lat" and p.line in swapped else p
            for p in problems]
