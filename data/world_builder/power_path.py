"""Published AI data-centre power that the demand is scaled to (and checked against).

World AI data-centre capacity (GW): the low path runs from JLL's 25.75 GW (2025) to JLL's 100 GW
(2030), the high path from McKinsey's 156 GW (2030) / 3.5 = 44.6 GW (2025) to 156 GW; both
geometric between their end points. The demand aims at the geometric path from JLL's 2025 figure
to the geometric mean of the two 2030 figures (124.9 GW), inside the band each year. IEA base
case data-centre electricity by region (TWh) 2024 and 2030: each region's share of the world,
linear in between, splits the world figure (AI is taken to sit where data centres do)."""

from __future__ import annotations

import math

import pandas as pd

from .loader import Reference, projection

CALIBRATION_SOURCES = "JLL-GDCO-2026;MCK-COMPUTE-2025;IEA-EAI-REGION-GN;DELOITTE-TMT-2026;MCK-WORKLOADS-2025"
IEA_REGIONS = ["United States", "China", "Europe", "Asia Pacific excl. China", "Rest of world"]
REGION_OF_COUNTRY = {
    "US": "United States", "CN": "China",
    **{c: "Europe" for c in ("GB", "FR", "DE", "ES", "IT", "NL", "IE", "SE", "FI", "NO", "IS", "DK")},
    **{c: "Asia Pacific excl. China" for c in ("JP", "IN", "KR", "TW", "SG", "MY", "ID", "AU", "HK")},
}
MCK_2030_OVER_2025 = 3.5  # "3.5x 2025 level" (notes of the McKinsey row)


def geometric(y: int, y0: int, v0: float, y1: int, v1: float) -> float:
    return v0 * (v1 / v0) ** ((y - y0) / (y1 - y0))


def world_band_gw(ref: Reference, y: int) -> tuple[float, float, float]:
    """(low, target, high) world AI data-centre GW in year y."""
    jll_2025 = projection(ref, "World", "AI data-centre capacity", 2025, "JLL-GDCO-2026")
    jll_2030 = projection(ref, "World", "AI data-centre capacity", 2030, "JLL-GDCO-2026")
    mck_2030 = projection(ref, "World", "AI-related data-centre capacity demand", 2030, "MCK-COMPUTE-2025")
    target_2030 = math.sqrt(jll_2030 * mck_2030)
    return (geometric(y, 2025, jll_2025, 2030, jll_2030), geometric(y, 2025, jll_2025, 2030, target_2030),
            geometric(y, 2025, mck_2030 / MCK_2030_OVER_2025, 2030, mck_2030))


def region_of(country: str) -> str:
    return REGION_OF_COUNTRY.get(country, "Rest of world")


def region_share(ref: Reference, region: str, y: int) -> float:
    """IEA region's share of world data-centre electricity, linear from 2024 to 2030."""
    def share(year: int) -> float:
        metric = "data-centre electricity consumption"
        total = sum(projection(ref, r, metric, year, "IEA-EAI-REGION-GN") for r in IEA_REGIONS)
        return projection(ref, region, metric, year, "IEA-EAI-REGION-GN") / total
    return share(2024) + (share(2030) - share(2024)) * (y - 2024) / 6


def ai_shares(installed: pd.DataFrame, regions: pd.DataFrame, gpus: pd.DataFrame) -> dict[str, float]:
    """Each IEA region's share of the installed base's facility MW (units x GPUs per unit x kW x the site's PUE)."""
    site = regions.set_index("site_id")
    g = gpus.set_index("gpu")
    mw = (installed.units * installed.gpu.map(g.gpus_per_unit) * installed.gpu.map(g.kw_per_gpu)
          * installed.site_id.map(site.pue) / 1000.0)
    by_region = mw.groupby(installed.site_id.map(site.country).map(region_of)).sum()
    return {r: float(by_region.get(r, 0.0) / by_region.sum()) for r in IEA_REGIONS}


def inference_share(ref: Reference, y: int) -> float:
    """Inference share of AI compute: Deloitte two-thirds (2026), McKinsey more than half by 2030
    (its lower bound, 50 %), linear in between."""
    mix = ref.compute_mix
    rows = mix[mix.metric == "inference share of AI compute"].set_index(["year", "source"]).value
    s26, s30 = rows[(2026, "DELOITTE-TMT-2026")] / 100, rows[(2030, "MCK-WORKLOADS-2025")] / 100
    return s26 + (s30 - s26) * (min(max(y, 2026), 2030) - 2026) / 4
