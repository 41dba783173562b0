"""Model vs published: the calibration table of the world dataset (``tokensite/cases/world/CALIBRATION.md``).

``python data/build_world.py --calibrate RESULTS_DIR`` writes the table from a solved world plan;
``tests/test_world_calibration.py`` checks the bands on a fresh solve. The published bands are
read from ``data/reference`` through the builder's own functions, so the figures the demand was
calibrated to and the figures it is checked against are the same numbers.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from world_builder.loader import load_reference  # noqa: E402
from world_builder.power_path import IEA_REGIONS, geometric, region_of, region_share, world_band_gw  # noqa: E402

REF = Path(__file__).resolve().parent / "reference"

HOURS_PER_YEAR = 8760.0
US_EPRI_2025_GW = 5.0  # EPRI & Epoch AI: "around 5 GW" of US AI power today (2025)
US_EPRI_2030_GW = 50.0  # EPRI & Epoch AI: "could exceed 50 GW" (lower bound)


@dataclass(frozen=True)
class Band:
    """A published range of AI data-centre capacity (GW) for a region and year."""

    region: str
    year: int
    low_gw: float
    high_gw: float
    source: str


def bands(years: list[int]) -> list[Band]:
    """World: JLL-derived path (low) to McKinsey path (high). US: EPRI/Epoch path 5 -> 50 GW
    (low) to the McKinsey path x the IEA US share (high). Other regions: the world band x the
    IEA regional share of data-centre electricity."""
    ref = load_reference(REF)
    out = []
    for y in years:
        low, _, high = world_band_gw(ref, y)
        out.append(Band("World", y, low, high, "JLL-GDCO-2026 (low); MCK-COMPUTE-2025 (high)"))
        for region in IEA_REGIONS:
            share = region_share(ref, region, y)
            if region == "United States":
                us_low = geometric(y, 2025, US_EPRI_2025_GW, 2030, US_EPRI_2030_GW)
                out.append(Band(region, y, us_low, high * share, "EPRI-EPOCH-2025 (low); MCK-COMPUTE-2025 x IEA-EAI-REGION-GN share (high)"))
            else:
                out.append(Band(region, y, low * share, high * share, "world band x IEA-EAI-REGION-GN share"))
    return out


def model_by_region(sites: pd.DataFrame, allocation: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """GW (sum of site peak draws) and TWh (mean draw x 8,760 h) by IEA region and year, world included."""
    region_of_site = regions.set_index("site_id").country.map(region_of)
    s = sites.assign(region=sites.site_id.map(region_of_site))
    a = allocation.assign(region=allocation.site_id.map(region_of_site))
    gw = s.groupby(["region", "year"]).peak_draw_mw.sum() / 1000.0
    twh = a.groupby(["region", "year"]).draw_mw.sum() * HOURS_PER_YEAR / 1e6
    by_region = pd.DataFrame({"gw": gw, "twh": twh}).fillna(0.0).reset_index()
    world = by_region.groupby("year")[["gw", "twh"]].sum().reset_index().assign(region="World")
    return pd.concat([world, by_region], ignore_index=True)


def band_table(model: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    rows = []
    for b in bands(years):
        hit = model[(model.region == b.region) & (model.year == b.year)]
        gw = float(hit.gw.iloc[0]) if len(hit) else 0.0
        twh = float(hit.twh.iloc[0]) if len(hit) else 0.0
        rows.append(dict(region=b.region, year=b.year, model_gw=gw, low_gw=b.low_gw, high_gw=b.high_gw,
                         inside=b.low_gw <= gw <= b.high_gw, model_twh=twh, source=b.source))
    return pd.DataFrame(rows)


def _md(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in df.itertuples(index=False):
        lines.append("| " + " | ".join(f"{v:,.1f}" if isinstance(v, float) else str(v) for v in r) + " |")
    return "\n".join(lines)


def calibration_markdown(res_dir: Path, data_dir: Path) -> str:
    """The whole CALIBRATION.md text from a solved results folder and its dataset folder."""
    sites = pd.read_csv(res_dir / "sites.csv")
    alloc = pd.read_csv(res_dir / "allocation.csv")
    served = pd.read_csv(res_dir / "served.csv")
    plan = pd.read_csv(res_dir / "plan.csv")
    regions = pd.read_csv(data_dir / "regions.csv")
    gpus = pd.read_csv(data_dir / "gpus.csv")
    explain = pd.read_csv(res_dir / "explain.csv") if (res_dir / "explain.csv").exists() else pd.DataFrame()
    years = sorted(sites.year.unique())
    table = band_table(model_by_region(sites, alloc, regions), years)
    out = ["# World dataset calibration: model vs published", "",
           f"Written by `python data/build_world.py --calibrate {res_dir.name}` from a solved world plan. "
           "GW: sum of each site's peak facility draw; TWh: mean draw x 8,760 h. Bands: see `data/calibration.py` "
           "and `tokensite/cases/world/SOURCES.md`.", "", "## AI facility draw by region and year", "", _md(table), ""]
    # training campus sizes
    progs = pd.read_csv(REF / "training_programs.csv")[["program_id", "start_year", "mw", "lands_at"]]
    hosted = pd.read_csv(res_dir / "training.csv")[["program_id", "site_id", "hosted"]] if (res_dir / "training.csv").exists() else None
    if hosted is not None:
        progs = progs.merge(hosted, on="program_id", how="left")
    out += ["## Training programs (EPRI-EPOCH-2025: largest runs 100-150 MW in 2025, 1-2 GW by 2028, 4-16 GW by 2030)", "",
            _md(progs.astype({"mw": float})), ""]
    # GPUs per MW and cost per MW
    fleet = alloc.groupby("year").agg(units=("units_mean", "sum"), draw_mw=("draw_mw", "sum")).reset_index()
    per_unit = gpus.set_index("gpu").gpus_per_unit
    alloc_g = alloc.assign(gpus=alloc.units_mean * alloc.gpu.map(per_unit))
    g = alloc_g.groupby("year").gpus.sum()
    fleet["gpus_per_mw_mean_draw"] = fleet.year.map(g) / fleet.draw_mw
    spend = plan.groupby("year")[["capex_usd", "opex_usd"]].sum()
    fleet["capex_usd_per_mw_year"] = fleet.year.map(spend.capex_usd) / fleet.draw_mw
    out += ["## GPUs per MW of mean facility draw and capex per MW (model); published system power per GPU, before PUE: "
            "DGX H100 8 / 10.2 kW = 784 GPUs per MW, GB300 NVL72 72 / 132 kW = 545, Vera Rubin NVL72 72 / 190-230 kW = 313-379 "
            "(gpu_system_power.csv)", "", _md(fleet[["year", "gpus_per_mw_mean_draw", "capex_usd_per_mw_year"]]), ""]
    # token cost vs token price
    tokens = served.groupby("year").served_tokens_per_s.sum() if "served_tokens_per_s" in served else None
    if tokens is not None:
        mtok = tokens * 3600 * HOURS_PER_YEAR / 1e6
        cost = (spend.capex_usd + spend.opex_usd) / mtok
        tc = pd.DataFrame({"year": cost.index, "model_cost_usd_per_mtok": [f"{v:.4f}" for v in cost.values]})
        out += ["## Token cost vs token price", "", _md(tc), "",
                "Published: NVIDIA serving cost DeepSeek-R1 4.2 USD/Mtok (HGX H200) and 0.12 USD/Mtok (GB300 NVL72), 2026 "
                "(NVIDIA-TCO-2026); list prices 0.05-75 USD/Mtok (token_prices.csv); constant-capability price declines "
                "9-900x a year (EPOCH-PRICES-2025), 10x a year (A16Z-LLMFLATION-2024).", ""]
    # unserved by reason
    if not explain.empty and "reason" in explain:
        dem = explain[explain.get("kind", pd.Series(dtype=str)).astype(str).isin(["demand", "training"])] if "kind" in explain else explain
        out += ["## Unserved demand by reason (explain.csv)", "", _md(dem.groupby("reason").size().rename("rows").reset_index()), ""]
    total = ((plan.capex_usd + plan.opex_usd + plan.unserved_usd) * plan.discount_factor).sum()
    uns = (plan.unserved_usd * plan.discount_factor).sum()
    out += [f"Unserved value: {uns / 1e9:,.1f} G USD of an objective of {total / 1e9:,.1f} G USD ({uns / total:.1%}).", ""]
    return "\n".join(out)
