"""Siting maps from a :class:`Results`: static PNG (geopandas + matplotlib) and interactive
HTML (folium), both on the Natural Earth boundaries shipped in ``data/geo``.

Sites are circles sized by facility MW and coloured by their dominant layer (most GPU units);
flows to metros are lines weighted by tokens/s; unbuilt candidates are faint; metros are dots.
The HTML map inlines Leaflet (``tokensite/static``, MIT) and draws no web tiles, so it opens
with no network.
"""

from __future__ import annotations

import html
import json
from importlib.resources import files
from pathlib import Path

import folium
import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from tokensite.results.plans import cost_per_mtok_site  # noqa: E402
from tokensite.results.results import Results  # noqa: E402

LAYER_COLOURS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
COUNTRIES = "ne_110m_admin_0_countries.geojson"
JQUERY_SHIM = ("<script>window.$ = window.$ || function (html) { var t = document.createElement('template'); "
               "t.innerHTML = String(html).trim(); return t.content.childNodes; };</script>")
BBoxes = {"world": (-170, -58, 180, 80), "north-america": (-130, 10, -55, 60), "europe": (-25, 34, 40, 71), "asia": (40, -12, 150, 55)}


def geo_dir(res: Results) -> Path:
    """data/geo beside the case's dataset folder, else data/geo in the working folder or a parent."""
    data = res.summary.get("case", {}).get("data")
    here = Path.cwd().resolve()
    for cand in ([Path(data).parent / "geo"] if data else []) + [p / "data" / "geo" for p in (here, *here.parents)]:
        if (cand / COUNTRIES).is_file():
            return cand
    raise FileNotFoundError(f"Natural Earth boundaries ({COUNTRIES}) not found beside the dataset or in ./data/geo")


def countries(res: Results) -> gpd.GeoDataFrame:
    return gpd.read_file(geo_dir(res) / COUNTRIES)


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


def _draw(ax, res: Results, world: gpd.GeoDataFrame, year: int | None, layer: str | None, bbox: tuple | None, legend: bool) -> None:
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
                    linewidth=0.3 + 2.7 * r.tokens_per_s / wmax, zorder=2)
    s = built_sites(res, year, layer)
    if not s.empty:
        size = s.layer_draw_mw if layer else s.facility_mw
        ax.scatter(s.lon, s.lat, s=20 + 600 * size / max(size.max(), 1e-9), c=[colours.get(l, "grey") for l in s.dominant_layer],
                   alpha=0.75, edgecolor="black", linewidth=0.5, zorder=4)
    minx, miny, maxx, maxy = bbox or BBoxes["world"]
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    if legend:
        handles = [Line2D([], [], marker="o", linestyle="", color=c, markeredgecolor="black", markersize=8, label=l) for l, c in colours.items()]
        handles += [Line2D([], [], marker="o", linestyle="", color="#999999", alpha=0.4, label="candidate, not built"),
                    Line2D([], [], marker="s", linestyle="", color="black", markersize=3, label="metro"),
                    Line2D([], [], color="grey", linewidth=2, label="flow (width ∝ tokens/s)")]
        if not s.empty:
            big = float(s.facility_mw.max())
            handles.append(Line2D([], [], marker="o", linestyle="", color="white", markeredgecolor="black", markersize=14, label=f"site; area ∝ MW (largest {big:,.0f} MW)"))
        ax.legend(handles=handles, loc="lower left", fontsize=7, title="dominant layer", title_fontsize=7, framealpha=0.9)


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


def plot_map(res: Results, year: int | None = None, layer: str | None = None, bbox: tuple | str | None = None, ax=None):
    """The siting map as a matplotlib Figure (one call in a notebook). ``bbox``: a name in
    BBoxes or (minlon, minlat, maxlon, maxlat)."""
    y = year or int(res.sites.year.max())
    box = parse_bbox(bbox) if isinstance(bbox, str) else bbox
    fig, ax = plt.subplots(figsize=(14, 7.5)) if ax is None else (ax.figure, ax)
    _draw(ax, res, countries(res), y, layer, box, legend=True)
    mw = built_sites(res, y, layer).facility_mw.sum()
    what = f"layer {layer}" if layer else "all layers"
    ax.set_title(f"{res.summary['case']['name']}: optimal token factories in {y} ({what}); {mw:,.0f} MW built; flows in tokens/s")
    return fig


def plot_layers(res: Results, year: int | None = None, bbox: tuple | None = None):
    """Small multiples: one panel per layer, circles sized by the MW drawn for that layer."""
    y = year or int(res.sites.year.max())
    layers = list(res.layers.layer)
    cols = 2 if len(layers) > 1 else 1
    rows = (len(layers) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(7 * cols, 3.8 * rows), squeeze=False)
    world = countries(res)
    for ax, layer in zip(axes.ravel(), layers):
        _draw(ax, res, world, y, layer, bbox, legend=False)
        tok = built_sites(res, y, layer).tokens_per_s.sum()
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
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def layer_panels_png(res: Results, path: str | Path, year: int | None = None, bbox: tuple | None = None) -> Path:
    fig = plot_layers(res, year, bbox)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)


def _popup(res: Results, site: pd.Series, y: int, cpm: dict, mw_value: dict) -> str:
    fleet = res.fleet[(res.fleet.site_id == site.site_id) & (res.fleet.year == y)]
    gpus = "<br>".join(f"{r.gpu}: {int(r.gpus_active):,} GPUs" for r in fleet.itertuples()) or "none"
    tr = site.tranches if isinstance(site.tranches, str) and site.tranches else "none"
    c = cpm.get(site.site_id)
    v = mw_value.get(site.site_id)
    return (f"<b>{html.escape(str(site['name']))}</b> ({site.site_id})<br>{site.facility_mw:,.0f} MW facility, "
            f"{site.grid_mw:,.0f} MW grid, {site.bridge_mw:,.0f} MW bridge<br><b>GPUs</b><br>{gpus}<br><b>queue tranches</b>: {html.escape(tr)}<br>"
            f"<b>cost</b>: {'n/a' if c is None else f'{c:,.3f} USD/Mtok'}<br>"
            f"<b>value of one more grid MW</b>: {'n/a' if v is None else f'{v:,.0f} USD/MW-year'}<br>dominant layer: {site.dominant_layer}")


def map_html(res: Results, path: str | Path, year: int | None = None, layer: str | None = None) -> Path:
    """Interactive map with one popup per built site (class ``site-marker``)."""
    y = year or int(res.sites.year.max())
    colours = layer_colours(res)
    fmap = folium.Map(location=[25, 0], zoom_start=2, tiles=None, prefer_canvas=False)
    fmap.default_js = []
    fmap.default_css = []
    static = files("tokensite") / "static"
    root = fmap.get_root()
    root.header.add_child(folium.Element(f"<style>{(static / 'leaflet.css').read_text()}</style>"))
    root.header.add_child(folium.Element(f"<script>{(static / 'leaflet.js').read_text()}</script>"))
    # folium builds HTML popups with jQuery's $(html)[0]; this is the one call it makes
    root.header.add_child(folium.Element(JQUERY_SHIM))
    world = countries(res)
    folium.GeoJson(json.loads(world[["geometry"]].to_json()), name="countries",
                   style_function=lambda _: {"fillColor": "#f2f2f2", "color": "#aaaaaa", "weight": 0.5, "fillOpacity": 1}).add_to(fmap)
    for r in flow_lines(res, y, layer).itertuples():
        folium.PolyLine([(r.lat, r.lon), (r.lat_metro, r.lon_metro)], color=colours.get(r.layer, "grey"), weight=1, opacity=0.4,
                        tooltip=f"{r.site_id} → {r.metro_id} {r.layer}: {r.tokens_per_s:,.0f} tokens/s").add_to(fmap)
    for m in res.metros.itertuples():
        folium.CircleMarker((m.lat, m.lon), radius=2, color="black", fill=True, fill_opacity=1, tooltip=m.name, class_name="metro-marker").add_to(fmap)
    cand = res.sites[(res.sites.year == y) & (res.sites.facility_mw <= 1e-6)]
    for c in cand.itertuples():
        folium.CircleMarker((c.lat, c.lon), radius=3, color="#999999", opacity=0.4, fill=True, fill_opacity=0.2,
                            tooltip=f"{c.site_id} (not built)", class_name="candidate-marker").add_to(fmap)
    cpm = cost_per_mtok_site(res)
    cpm = dict(zip(cpm[cpm.year == y].site_id, cpm[cpm.year == y].usd_per_mtok))
    pr = res.prices
    mw_value = dict(zip(pr[(pr.kind == "grid_mw") & (pr.year == y)].site_id, pr[(pr.kind == "grid_mw") & (pr.year == y)].value))
    s = built_sites(res, y, layer)
    big = max(float(s.facility_mw.max()), 1e-9) if not s.empty else 1.0
    for site in s.to_dict("records"):
        site = pd.Series(site)
        folium.CircleMarker(
            (site.lat, site.lon), radius=4 + 20 * (site.facility_mw / big) ** 0.5, color="black", weight=1,
            fill=True, fill_color=colours.get(site.dominant_layer, "grey"), fill_opacity=0.8, class_name="site-marker",
            popup=folium.Popup(_popup(res, site, y, cpm, mw_value), max_width=320), tooltip=site.site_id,
        ).add_to(fmap)
    legend = "".join(f"<div><span style='background:{c};width:10px;height:10px;display:inline-block;border:1px solid #000'></span> {l}</div>" for l, c in colours.items())
    root.html.add_child(folium.Element(
        f"<div style='position:fixed;bottom:20px;left:20px;z-index:9999;background:white;padding:6px;font:12px sans-serif;border:1px solid #999'>"
        f"<b>{html.escape(res.summary['case']['name'])} {y}</b><br>dominant layer (circle area ∝ MW)<br>{legend}</div>"))
    fmap.save(str(path))
    return Path(path)
