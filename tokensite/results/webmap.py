"""The interactive siting map (folium): one popup per built site, Leaflet inlined.

The HTML map inlines Leaflet 1.9.4 (``tokensite/static``, MIT) and draws no web tiles, so it
opens with no network. Site, flow and candidate layers match the static map of :mod:`maps`.
"""

from __future__ import annotations

import html
import json
from importlib.resources import files
from pathlib import Path

import folium
import pandas as pd

from tokensite.results.geodesic import great_circle
from tokensite.results.maps import built_sites, countries, flow_lines, layer_colours
from tokensite.results.plans import cost_per_mtok_site
from tokensite.results.results import Results

JQUERY_SHIM = ("<script>window.$ = window.$ || function (html) { var t = document.createElement('template'); "
               "t.innerHTML = String(html).trim(); return t.content.childNodes; };</script>")


def _popup(res: Results, site: pd.Series, y: int, cpm: dict, mw_value: dict) -> str:
    fleet = res.fleet[(res.fleet.site_id == site.site_id) & (res.fleet.year == y)]
    by_gpu = fleet.groupby("gpu", sort=False).gpus_active.sum()  # vintages of a generation together
    gpus = "<br>".join(f"{g}: {int(n):,} GPUs" for g, n in by_gpu.items()) or "none"
    tr = site.tranches if isinstance(site.tranches, str) and site.tranches else "none"
    c = cpm.get(site.site_id)
    v = mw_value.get(site.site_id)
    return (f"<b>{html.escape(str(site['name']))}</b> ({site.site_id})<br>{site.facility_mw:,.0f} MW facility, "
            f"{site.grid_mw:,.0f} MW grid, {site.bridge_mw:,.0f} MW bridge<br><b>GPUs</b><br>{gpus}<br><b>queue tranches</b>: {html.escape(tr)}<br>"
            f"<b>cost</b>: {'n/a' if c is None else f'{c:,.3f} USD/Mtok'}<br>"
            f"<b>value of one more MW</b> (USD per MW-year): facility {_per_mw(v, 'facility_mw')}, grid {_per_mw(v, 'grid_mw')}<br>"
            f"dominant layer: {site.dominant_layer}")


def _per_mw(values: dict | None, kind: str) -> str:
    v = None if values is None else values.get(kind)
    return "n/a" if v is None or pd.isna(v) else f"{v:,.0f}"


def mw_values(res: Results, y: int) -> dict[str, dict[str, float]]:
    """{site: {"facility_mw": USD/MW-year, "grid_mw": USD/MW-year}} of year ``y`` (prices.csv): what one more MW of
    facility (the hall) and of grid connection would save. Either may bind alone; a site at its grid limit with halls
    to spare has a grid value and a facility value of 0, and the other way round."""
    pr = res.prices
    pr = pr[pr.kind.isin(["facility_mw", "grid_mw"]) & (pr.year == y)]
    return {r: dict(zip(g.kind, g.value)) for r, g in pr.groupby("site_id")}


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
    for r in flow_lines(res, y, layer).itertuples():  # great circles, one polyline per piece between the antimeridians
        pieces = [list(zip(ys, xs)) for xs, ys in great_circle(r.lon, r.lat, r.lon_metro, r.lat_metro)]
        folium.PolyLine(pieces, color=colours.get(r.layer, "grey"), weight=1, opacity=0.4, class_name="flow-line",
                        tooltip=f"{r.site_id} → {r.metro_id} {r.layer}: {r.tokens_per_s / 1e9:,.2f} G tokens/s").add_to(fmap)
    for m in res.metros.itertuples():
        folium.CircleMarker((m.lat, m.lon), radius=2, color="black", fill=True, fill_opacity=1, tooltip=m.name, class_name="metro-marker").add_to(fmap)
    cand = res.sites[(res.sites.year == y) & (res.sites.facility_mw <= 1e-6)]
    for c in cand.itertuples():
        folium.CircleMarker((c.lat, c.lon), radius=3, color="#999999", opacity=0.4, fill=True, fill_opacity=0.2,
                            tooltip=f"{c.site_id} (not built)", class_name="candidate-marker").add_to(fmap)
    cpm = cost_per_mtok_site(res)
    cpm = dict(zip(cpm[cpm.year == y].site_id, cpm[cpm.year == y].usd_per_mtok))
    mw_value = mw_values(res, y)
    s = built_sites(res, y, layer)
    big = max(float(s.facility_mw.max()), 1e-9) if not s.empty else 1.0
    for site in s.to_dict("records"):
        site = pd.Series(site)
        folium.CircleMarker(
            (site.lat, site.lon), radius=4 + 20 * (site.facility_mw / big) ** 0.5, color="black", weight=1,
            fill=True, fill_color=colours.get(site.dominant_layer, "grey"), fill_opacity=0.8, class_name="site-marker",
            popup=folium.Popup(_popup(res, site, y, cpm, mw_value), max_width=320), tooltip=site.site_id,
        ).add_to(fmap)
    drawn = set(s.dominant_layer.dropna()) if not s.empty else set()
    legend = "".join(f"<div><span style='background:{c};width:10px;height:10px;display:inline-block;border:1px solid #000'></span> {l}</div>"
                     for l, c in colours.items() if l in drawn)
    root.html.add_child(folium.Element(
        f"<div style='position:fixed;bottom:20px;left:20px;z-index:9999;background:white;padding:6px;font:12px sans-serif;border:1px solid #999'>"
        f"<b>{html.escape(res.summary['case']['name'])} {y}</b><br>dominant layer (circle area ∝ MW)<br>{legend}</div>"))
    fmap.save(str(path))
    return Path(path)
