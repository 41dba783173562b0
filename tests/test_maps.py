"""Maps for slides (issue 30): great-circle flows split at the antimeridian, labels that avoid each other, keys that
list only what is drawn and fit the view, map.png at least 2,400 px wide, and popups that read both MW duals.

A small hand-made plan: a Tokyo campus serving Los Angeles (the flow must cross the Pacific), a Virginia campus
serving London, a London site serving London, and two sites in Europe close together (their labels would collide).
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from tokensite.results import Results
from tokensite.results.geodesic import great_circle, split_at_antimeridian
from tokensite.results.maps import map_png, plot_layers, plot_map
from tokensite.results.webmap import map_html

ROOT = Path(__file__).resolve().parents[1]
SITES = [("jp-tokyo", "Tokyo campus (Inzai)", 35.8, 140.1, "JP", 3000.0), ("us-nova", "Northern Virginia campus (Loudoun)", 39.0, -77.6, "US", 15400.0),
         ("us-ashburn", "Ashburn colocation", 39.04, -77.49, "US", 7700.0), ("gb-london", "London (Slough) colocation", 51.5, -0.6, "GB", 5100.0),
         ("nl-ams", "Amsterdam colocation", 52.4, 4.9, "NL", 900.0)]
METROS = [("TYO", "Tokyo", 35.69, 139.69), ("LAX", "Los Angeles", 34.03, -118.24), ("LON", "London", 51.51, -0.13)]
FLOWS = [("jp-tokyo", "LAX", 4.3e9), ("us-nova", "LON", 2e9), ("gb-london", "LON", 3e9), ("jp-tokyo", "TYO", 5e9), ("nl-ams", "LON", 1e9)]


@pytest.fixture(scope="module")
def plan() -> Results:
    sites = pd.DataFrame([dict(site_id=s, name=n, lat=a, lon=o, country=c, jurisdiction=c, kind="campus", max_mw=mw, year=2030, open=True,
                               facility_mw=mw, grid_mw=mw, bridge_mw=0.0, peak_draw_mw=mw, gpus_active=1000, tranches="")
                          for s, n, a, o, c, mw in SITES])
    alloc = pd.DataFrame([dict(site_id=s, gpu="G1", layer="agentic", year=2030, units_mean=mw, tokens_per_s=mw * 1e6, draw_mw=mw)
                          for s, _n, _a, _o, _c, mw in SITES])
    flows = pd.DataFrame([dict(site_id=s, metro_id=m, layer="agentic", year=2030, tokens_per_s=t) for s, m, t in FLOWS])
    metros = pd.DataFrame([dict(metro_id=m, name=n, lat=a, lon=o) for m, n, a, o in METROS])
    fleet = pd.DataFrame([dict(site_id=s, gpu="G1", year=2030, units_bought=10, units_active=10, gpus_active=1000) for s, *_ in SITES])
    prices = pd.DataFrame([dict(kind=k, site_id=s, metro_id="", layer="", year=2030, value=v, unit="usd_per_mw_year")
                           for s, *_ in SITES for k, v in (("facility_mw", 6.8e6), ("grid_mw", 0.0))])
    cost = pd.DataFrame([dict(site_id=s, year=2030, cost_usd=1e9, mtok=1e9, usd_per_mtok=1.0) for s, *_ in SITES])
    costs = pd.DataFrame([dict(year=2030, category="facility", site_id=s, kind="capex", usd=1e9, discount_factor=1.0) for s, *_ in SITES])
    frames = dict(sites=sites, allocation=alloc, flows=flows, metros=metros, fleet=fleet, prices=prices, costs=costs, cost_per_mtok_site=cost,
                  layers=pd.DataFrame({"layer": ["batch", "agentic"]}))
    return Results(summary={"case": {"name": "maps", "data": str(ROOT / "data" / "world"), "years": [2030]}}, frames=MappingProxyType(frames))


def flow_pieces(ax) -> list[np.ndarray]:
    return [np.asarray(line.get_xdata(), dtype=float) for line in ax.get_lines() if line.get_gid() == "flow"]


def test_the_antimeridian_cuts_a_pacific_great_circle_in_two():
    (west_lon, west_lat), (east_lon, east_lat) = great_circle(139.69, 35.69, -118.24, 34.03)
    assert west_lon[0] == 139.69 and west_lon[-1] == 180 and east_lon[0] == -180 and east_lon[-1] == -118.24
    assert west_lat[-1] == east_lat[0] and west_lat[-1] > 40  # the geodesic bows north of both cities
    assert len(split_at_antimeridian(np.array([0.0, 10.0]), np.array([0.0, 0.0]))) == 1


def test_no_flow_piece_spans_more_than_180_degrees_and_tokyo_la_crosses_the_pacific(plan):
    fig = plot_map(plan)
    pieces = flow_pieces(fig.axes[0])
    assert pieces and all(np.ptp(x) <= 180 and np.abs(np.diff(x)).max(initial=0) < 180 for x in pieces)
    pacific = [x for x in pieces if (x >= 179.999).any() or (x <= -179.999).any()]
    assert len(pacific) == 2  # Tokyo -> the antimeridian, the antimeridian -> Los Angeles
    assert all(not ((x > -110) & (x < 130)).any() for x in pacific)  # not across Eurasia or the Atlantic
    plt.close(fig)
    fig = plot_layers(plan)
    agentic = next(ax for ax in fig.axes if ax.get_title().startswith("agentic"))
    assert any((x >= 179.999).any() for x in flow_pieces(agentic)) and all(np.ptp(x) <= 180 for x in flow_pieces(agentic))
    plt.close(fig)


def test_labels_avoid_each_other_inside_the_frame(plan):
    for bbox in (None, "europe"):
        fig = plot_map(plan, bbox=bbox)
        fig.canvas.draw()
        ax, r = fig.axes[0], fig.canvas.get_renderer()
        boxes = [t.get_window_extent(r) for t in ax.texts if t.get_text()]
        frame = ax.get_window_extent(r)
        assert len(boxes) >= 2
        assert not [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]
        assert all(frame.x0 - 1 <= b.x0 and b.x1 <= frame.x1 + 1 and frame.y0 - 1 <= b.y0 and b.y1 <= frame.y1 + 1 for b in boxes)
        plt.close(fig)


def _legends(ax) -> dict[str, list[str]]:
    return {lg.get_title().get_text(): [t.get_text() for t in lg.get_texts()] for lg in ax.get_children() if lg.__class__.__name__ == "Legend"}


def test_the_legend_lists_only_what_is_drawn_and_the_size_key_fits_the_view(plan):
    world = _legends(plot_map(plan).axes[0])
    assert world["dominant layer"] == ["agentic", "metro"]  # no batch site, no unbuilt candidate
    assert world["facility MW"][0] == "15,400 MW"
    europe = _legends(plot_map(plan, bbox="europe").axes[0])
    assert europe["facility MW"][0] == "5,100 MW"  # the largest site in Europe, not the world's
    plt.close("all")


def test_map_png_is_wide_enough_for_a_slide_and_the_cli_sets_its_dpi(plan, tmp_path):
    assert plt.imread(map_png(plan, tmp_path / "map.png")).shape[1] >= 2400
    folder = tmp_path / "res"
    folder.mkdir()
    for name, frame in plan.frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    (folder / "summary.json").write_text(json.dumps({**plan.summary, "status": "optimal", "objective_usd": 1.0}))
    r = subprocess.run([sys.executable, "-m", "tokensite", "map", str(folder), "--dpi", "60"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert plt.imread(folder / "map.png").shape[1] < 1000


def test_the_html_map_draws_the_same_pieces_and_popups_read_both_duals(plan, tmp_path):
    text = map_html(plan, tmp_path / "map.html").read_text()
    lines = []
    for m in re.finditer(r"L\.polyline\(\s*", text):
        lines.append(json.JSONDecoder().raw_decode(text[m.end():])[0])
    pieces = [p for line in lines for p in (line if isinstance(line[0][0], list) else [line])]
    assert pieces and all(max(abs(b[1] - a[1]) for a, b in zip(p, p[1:])) < 180 for p in pieces)
    assert any(p[-1][1] == 180 for p in pieces) and any(p[0][1] == -180 for p in pieces)
    assert "facility 6,800,000, grid 0" in text
