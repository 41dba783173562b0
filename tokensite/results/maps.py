"""Static siting maps from a :class:`Results` (geopandas + matplotlib) on the Natural Earth
boundaries shipped in the package (``tokensite/geo``); the interactive HTML map is :mod:`tokensite.results.webmap`.

Sites are circles sized by facility MW (a size key in every panel) and coloured by their
dominant layer (most GPU units), the largest labelled; flows to metros are lines weighted by
tokens/s (with a width key); unbuilt candidates are faint; metros are squares.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from tokensite.packaged import COUNTRIES, boundaries_dir  # noqa: E402
from tokensite.results.results import Results  # noqa: E402

LAYER_COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
BBoxes = {"world": (-170, -58, 180, 80), "north-america": (-130, 10, -55, 60), "europe": (-25, 34, 40, 71), "asia": (40, -12, 150, 55)}


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


SIZE_MIN_PT2, SIZE_SPAN_PT2 = 20.0, 600.0
"""Circle area in pt²: SIZE_MIN_PT2 + SIZE_SPAN_PT2 x MW / the largest MW on the map."""
FLOW_MIN_PT, FLOW_SPAN_PT = 0.3, 2.7
"""Flow width in pt: FLOW_MIN_PT + FLOW_SPAN_PT x tokens/s / the largest flow on the map."""
LABELLED_SITES = 8


def in_box(df: pd.DataFrame, bbox: tuple | None, lat: str = "lat", lon: str = "lon") -> pd.Series:
    minx, miny, maxx, maxy = bbox or BBoxes["world"]
    return df[lon].between(minx, maxx) & df[lat].between(miny, maxy)


def _size_key(ax, biggest_mw: float, what: str, loc: str) -> None:
    """A legend of three circle sizes in MW, for this axes alone."""
    if biggest_mw <= 0:
        return
    steps = [biggest_mw, biggest_mw / 2, biggest_mw / 8]
    handles = [Line2D([], [], marker="o", linestyle="", color="white", markeredgecolor="black",
                      markersize=(SIZE_MIN_PT2 + SIZE_SPAN_PT2 * mw / biggest_mw) ** 0.5, label=f"{mw:,.0f} MW") for mw in steps]
    key = ax.legend(handles=handles, loc=loc, fontsize=6, title=what, title_fontsize=6, framealpha=0.9, labelspacing=1.3, borderpad=0.9, handlelength=3, handletextpad=1.2)
    ax.add_artist(key)


def _flow_key(ax, biggest: float, loc: str) -> None:
    steps = [biggest, biggest / 4]
    handles = [Line2D([], [], color="grey", linewidth=FLOW_MIN_PT + FLOW_SPAN_PT * v / biggest, label=f"{v / 1e6:,.1f} M tokens/s") for v in steps]
    key = ax.legend(handles=handles, loc=loc, fontsize=6, title="flow width", title_fontsize=6, framealpha=0.9)
    ax.add_artist(key)


def _draw(ax, res: Results, world: gpd.GeoDataFrame, year: int | None, layer: str | None, bbox: tuple | None, legend: bool) -> pd.DataFrame:
    """Draw one map on ``ax``; return the built sites inside the box (what the title may count)."""
    colours = layer_colours(res)
    world.plot(ax=ax, color="#f2f2f2", edgecolor="#bbbbbb", linewidth=0.3)
    y = year or int(res.sites.year.max())
    cand = res.sites[res.sites.year == y]
    ax.scatter(cand.lon, cand.lat, s=6, color="#999999", alpha=0.35, zorder=2, label="candidate site (not built)")
    ax.scatter(res.metros.lon, res.metros.lat, s=5, color="black", marker="s", zorder=3, label="metro")
    lines = flow_lines(res, year, layer)
    if not lines.empty:
        wmax = lines.tokens_per_s.max()
        for r in lines.itertuples():
            ax.plot([r.lon, r.lon_metro], [r.lat, r.lat_metro], color=colours.get(r.layer, "grey"), alpha=0.35,
                    linewidth=FLOW_MIN_PT + FLOW_SPAN_PT * r.tokens_per_s / wmax, zorder=2)
    s = built_sites(res, year, layer)
    size = (s.layer_draw_mw if layer else s.facility_mw) if not s.empty else pd.Series(dtype=float)
    biggest = float(size.max()) if not s.empty else 0.0
    if not s.empty:
        ax.scatter(s.lon, s.lat, s=SIZE_MIN_PT2 + SIZE_SPAN_PT2 * size / max(biggest, 1e-9), c=[colours.get(l, "grey") for l in s.dominant_layer],
                   alpha=0.75, edgecolor="black", linewidth=0.5, zorder=4)
    shown = s[in_box(s, bbox)] if not s.empty else s
    minx, miny, maxx, maxy = bbox or BBoxes["world"]
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    _size_key(ax, biggest, "MW drawn for this layer" if layer and not legend else "facility MW", "lower right")
    if legend:
        if not shown.empty:
            for r in shown.nlargest(LABELLED_SITES, "facility_mw").itertuples():
                ax.annotate(f"{r.name} {r.facility_mw:,.0f} MW", (r.lon, r.lat), fontsize=6, xytext=(5, 5), textcoords="offset points", zorder=5,
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
        if not lines.empty:
            _flow_key(ax, float(lines.tokens_per_s.max()), "lower center")
        handles = [Line2D([], [], marker="o", linestyle="", color=c, markeredgecolor="black", markersize=8, label=l) for l, c in colours.items()]
        handles += [Line2D([], [], marker="o", linestyle="", color="#999999", alpha=0.4, label="candidate, not built"),
                    Line2D([], [], marker="s", linestyle="", color="black", markersize=3, label="metro")]
        ax.legend(handles=handles, loc="lower left", fontsize=7, title="dominant layer", title_fontsize=7, framealpha=0.9)
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
    fig, ax = plt.subplots(figsize=_figsize(box, 14)) if ax is None else (ax.figure, ax)
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
        ax.set_title(f"{layer}: {tok / 1e6:,.1f} M tokens/s in {y}", fontsize=10)
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


def map_png(res: Results, path: str | Path, year: int | None = None, layer: str | None = None, bbox: tuple | None = None) -> Path:
    """Static siting map; ``layer`` restricts to one layer, ``bbox`` zooms (minlon, minlat, maxlon, maxlat)."""
    fig = plot_map(res, year, layer, bbox)
    fig.savefig(path, dpi=110, bbox_inches="tight", pad_inches=0.1)
    plt.close(fig)
    return Path(path)


def layer_panels_png(res: Results, path: str | Path, year: int | None = None, bbox: tuple | None = None) -> Path:
    fig = plot_layers(res, year, bbox)
    fig.savefig(path, dpi=100, bbox_inches="tight", pad_inches=0.1)
    plt.close(fig)
    return Path(path)
