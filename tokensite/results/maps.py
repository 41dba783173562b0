"""Static siting maps from a :class:`Results` (geopandas + matplotlib) on the Natural Earth
boundaries shipped in the package (``tokensite/geo``); the interactive HTML map is :mod:`tokensite.results.webmap`.

Sites are circles sized by facility MW (a size key in every panel, scaled to the sites in view) and
coloured by their dominant layer (most GPU units), the largest labelled (labels placed by adjustText);
flows to metros are great circles split at the antimeridian, weighted by tokens/s (with a width key);
unbuilt candidates are faint; metros are squares. The legend lists only what the view draws
(:mod:`tokensite.results.mapkeys`).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from tokensite.packaged import COUNTRIES, boundaries_dir  # noqa: E402
from tokensite.results.mapkeys import SIZE_MIN_PT2, SIZE_SPAN_PT2, circle_area, draw_flows, flow_key, label_sites, layer_key, size_key  # noqa: E402
from tokensite.results.results import Results  # noqa: E402

LAYER_COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
SLIDE_DPI = 200
"""map.png and map_layers.png: at least 2,400 px wide for a slide (``tokensite map --dpi``)."""
REPORT_DPI = 110
"""The maps embedded in report.html (a page, not a slide)."""
BBoxes = {"world": (-180, -58, 180, 80), "north-america": (-130, 10, -55, 60), "europe": (-25, 34, 40, 71), "asia": (40, -12, 150, 55)}


def countries(res: Results) -> gpd.GeoDataFrame:
    return gpd.read_file(boundaries_dir() / COUNTRIES)


def layer_colours(res: Results) -> dict[str, str]:
    return {l: LAYER_COLOURS[i % len(LAYER_COLOURS)] for i, l in enumerate(res.layers.layer)}


def built_sites(res: Results, year: int | None = None, layer: str | None = None) -> pd.DataFrame:
    """Sites with facility MW in ``year`` (default: the last year), with dominant layer and tokens/s."""
    y = year or int(res.sites.year.max())
    s = res.sites[(res.sites.year == y) & (res.sites.facility_mw > 1e-6)].copy()
    a = res.allocation[res.allocation.year == y]
    if layer:
        a = a[a.layer == layer]
    by = a.groupby(["site_id", "layer"]).agg(units=("units_mean", "sum"), tokens=("tokens_per_s", "sum"), draw=("draw_mw", "sum")).reset_index()
    dom = by.sort_values("units").groupby("site_id").tail(1).set_index("site_id").layer
    s["dominant_layer"] = s.site_id.map(dom)
    s["tokens_per_s"] = s.site_id.map(by.groupby("site_id").tokens.sum()).fillna(0.0)
    s["layer_draw_mw"] = s.site_id.map(by.groupby("site_id").draw.sum()).fillna(0.0)
    if layer:
        s = s[s.tokens_per_s > 0]
    return s.reset_index(drop=True)


def flow_lines(res: Results, year: int | None = None, layer: str | None = None) -> pd.DataFrame:
    y = year or int(res.sites.year.max())
    f = res.flows[(res.flows.year == y) & ~res.flows.metro_id.astype(str).str.startswith("pool:")]
    if layer:
        f = f[f.layer == layer]
    f = f.groupby(["site_id", "metro_id", "layer"], as_index=False).tokens_per_s.sum()
    sites = res.sites.drop_duplicates("site_id").set_index("site_id")[["lat", "lon"]]
    metros = res.metros.set_index("metro_id")[["lat", "lon"]]
    return f.join(sites, on="site_id").join(metros.rename(columns={"lat": "lat_metro", "lon": "lon_metro"}), on="metro_id")


def in_box(df: pd.DataFrame, bbox: tuple | None, lat: str = "lat", lon: str = "lon") -> pd.Series:
    minx, miny, maxx, maxy = bbox or BBoxes["world"]
    return df[lon].between(minx, maxx) & df[lat].between(miny, maxy)


def _draw(ax, res: Results, world: gpd.GeoDataFrame, year: int | None, layer: str | None, bbox: tuple | None, legend: bool) -> pd.DataFrame:
    """Draw one map on ``ax``; return the built sites inside the box (what the title may count). Circles and
    keys are scaled to the sites in the box; the legend lists only what the box shows."""
    colours = layer_colours(res)
    world.plot(ax=ax, color="#f2f2f2", edgecolor="#bbbbbb", linewidth=0.3)
    y = year or int(res.sites.year.max())
    cand = res.sites[(res.sites.year == y) & (res.sites.facility_mw <= 1e-6)]
    cand = cand[in_box(cand, bbox)]
    if not cand.empty:
        ax.scatter(cand.lon, cand.lat, s=6, color="#999999", alpha=0.35, zorder=2)
    metros = res.metros[in_box(res.metros, bbox)]
    lines = flow_lines(res, year, layer)
    lines = lines[in_box(lines, bbox) | in_box(lines, bbox, "lat_metro", "lon_metro")]
    if not lines.empty:
        draw_flows(ax, lines, colours, float(lines.tokens_per_s.max()))
    s = built_sites(res, year, layer)
    shown = s[in_box(s, bbox)] if not s.empty else s
    size = (shown.layer_draw_mw if layer else shown.facility_mw) if not shown.empty else pd.Series(dtype=float)
    biggest = float(size.max()) if not shown.empty else 0.0
    if not s.empty:
        all_size = s.layer_draw_mw if layer else s.facility_mw
        ax.scatter(s.lon, s.lat, s=circle_area(all_size.clip(upper=max(biggest, 1e-9)), biggest), c=[colours.get(l, "grey") for l in s.dominant_layer],
                   alpha=0.75, edgecolor="black", linewidth=0.5, zorder=4)
    if not metros.empty:
        ax.scatter(metros.lon, metros.lat, s=6, color="black", marker="s", edgecolor="white", linewidth=0.4, zorder=5)
    minx, miny, maxx, maxy = bbox or BBoxes["world"]
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    size_key(ax, biggest, "MW drawn for this layer" if layer and not legend else "facility MW", "lower right")
    if legend:
        if not lines.empty:
            flow_key(ax, float(lines.tokens_per_s.max()), "lower center")
        layer_key(ax, colours, set(shown.dominant_layer.dropna()) if not shown.empty else set(), not cand.empty, not metros.empty)
        if not shown.empty:
            label_sites(ax, shown)
    return shown


def bbox_slug(text: str) -> str:
    """A file-name part for a --bbox value: its name (``europe``) or its numbers joined by ``_``."""
    return text if text in BBoxes else "_".join(f"{float(x):g}" for x in text.split(","))


def parse_bbox(text: str | None) -> tuple | None:
    if not text:
        return None
    if text in BBoxes:
        return BBoxes[text]
    parts = [float(x) for x in text.split(",")]
    if len(parts) != 4:
        raise ValueError("bbox is minlon,minlat,maxlon,maxlat or one of " + ", ".join(BBoxes))
    return tuple(parts)


def _figsize(bbox: tuple | None, width_in: float) -> tuple[float, float]:
    """A figure as wide as asked and as tall as the box's aspect needs (no blank bands)."""
    minx, miny, maxx, maxy = bbox or BBoxes["world"]
    return width_in, max(2.5, width_in * (maxy - miny) / (maxx - minx)) + 0.6


def plot_map(res: Results, year: int | None = None, layer: str | None = None, bbox: tuple | str | None = None, ax=None):
    """The siting map as a matplotlib Figure (one call in a notebook). ``bbox``: a name in
    BBoxes or (minlon, minlat, maxlon, maxlat); the title counts only what the box shows."""
    y = year or int(res.sites.year.max())
    box = parse_bbox(bbox) if isinstance(bbox, str) else bbox
    if ax is None:
        fig, ax = plt.subplots(figsize=_figsize(box, 14))
        fig.subplots_adjust(left=0.005, right=0.995, bottom=0.01, top=0.94)  # the map fills the width (before labels are placed)
    fig = ax.figure
    shown = _draw(ax, res, countries(res), y, layer, box, legend=True)
    mw = shown.facility_mw.sum() if not shown.empty else 0.0
    what = f"layer {layer}" if layer else "all layers"
    where = "" if box is None else " in this view"
    ax.set_title(f"{res.summary['case']['name']}: token factories in {y} ({what}); {len(shown)} sites, {mw:,.0f} MW built{where}")
    return fig


def plot_layers(res: Results, year: int | None = None, bbox: tuple | None = None):
    """Small multiples: one panel per layer, circles sized by the MW drawn for that layer (each panel its own key)."""
    y = year or int(res.sites.year.max())
    layers = list(res.layers.layer)
    cols = 2 if len(layers) > 1 else 1
    rows = (len(layers) + cols - 1) // cols
    w, h = _figsize(bbox, 7)
    fig, axes = plt.subplots(rows, cols, figsize=(w * cols, (h - 0.2) * rows), squeeze=False)
    world = countries(res)
    for ax, layer in zip(axes.ravel(), layers):
        shown = _draw(ax, res, world, y, layer, bbox, legend=False)
        tok = shown.tokens_per_s.sum() if not shown.empty else 0.0
        ax.set_title(f"{layer}: {tok / 1e9:,.1f} G tokens/s in {y}", fontsize=10)
    for ax in axes.ravel()[len(layers):]:
        ax.axis("off")
    fig.suptitle(f"{res.summary['case']['name']}: where each layer is made ({y}); circle area ∝ MW drawn for that layer")
    fig.tight_layout()
    return fig


def plot_difference(base: Results, other: Results, year: int | None = None, bbox: tuple | str | None = None, ax=None):
    """Facility MW of ``other`` minus ``base`` per site: green grew, red shrank; area ∝ |Δ MW|."""
    y = year or int(base.sites.year.max())
    a = base.sites[base.sites.year == y].set_index("site_id")
    b = other.sites[other.sites.year == y].set_index("site_id")
    d = b.facility_mw.sub(a.facility_mw, fill_value=0.0)
    pos = a[["lat", "lon"]].combine_first(b[["lat", "lon"]]).loc[d.index]
    d = d[d.abs() > 1e-3]
    fig, ax = plt.subplots(figsize=(14, 7.5)) if ax is None else (ax.figure, ax)
    countries(base).plot(ax=ax, color="#f2f2f2", edgecolor="#bbbbbb", linewidth=0.3)
    if not d.empty:
        ax.scatter(pos.loc[d.index].lon, pos.loc[d.index].lat, s=20 + 600 * d.abs() / d.abs().max(),
                   c=["#2ca02c" if v > 0 else "#d62728" for v in d], alpha=0.75, edgecolor="black", linewidth=0.5, zorder=3)
        for sid, v in d.abs().sort_values().tail(8).items():
            ax.annotate(f"{sid} {d[sid]:+,.0f} MW", (pos.at[sid, "lon"], pos.at[sid, "lat"]), fontsize=7, xytext=(4, 4), textcoords="offset points")
    minx, miny, maxx, maxy = (parse_bbox(bbox) if isinstance(bbox, str) else bbox) or BBoxes["world"]
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"{other.summary['case']['name']} minus {base.summary['case']['name']}, {y}: facility MW (green more, red less)")
    return fig


def map_png(res: Results, path: str | Path, year: int | None = None, layer: str | None = None, bbox: tuple | None = None,
            dpi: int = SLIDE_DPI) -> Path:
    """Static siting map; ``layer`` restricts to one layer, ``bbox`` zooms (minlon, minlat, maxlon, maxlat); at
    the default ``dpi`` the world map is more than 2,400 px wide."""
    fig = plot_map(res, year, layer, bbox)
    fig.savefig(path, dpi=dpi, bbox_inches="tight", pad_inches=0.1)
    plt.close(fig)
    return Path(path)


def layer_panels_png(res: Results, path: str | Path, year: int | None = None, bbox: tuple | None = None, dpi: int = SLIDE_DPI) -> Path:
    fig = plot_layers(res, year, bbox)
    fig.savefig(path, dpi=dpi, bbox_inches="tight", pad_inches=0.1)
    plt.close(fig)
    return Path(path)
