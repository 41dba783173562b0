"""Issue 11, defect 6, and issue 30: the report leads with the decision (what to build, where, when, and the cash
it needs) in planner units, then the calibration, then the detail; the maps carry labels, keys and their own names."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from tokensite.results import Results
from tokensite.results.maps import map_png, plot_layers, plot_map
from tokensite.results.report import cell

ROOT = Path(__file__).resolve().parents[1]


def test_cells_are_formatted_by_unit():
    assert cell("capex_usd", 2.377e8) == "USD 237.7 M" and cell("cost_usd", 4.56e9) == "USD 4.56 bn" and cell("usd", 1234.0) == "USD 1,234"
    assert cell("facility_mw", 12.345) == "12.3" and cell("detail", float("nan")) == "" and cell("capex_usd", -0.0) == "USD 0"
    assert cell("cash (USD bn)", 1312.17) == "1,312" and cell("cost (USD/Mtok)", 0.026741) == "0.0267" and cell("opens", 2026) == "2026"
    assert cell("share of demand (%)", 6.684) == "6.68" and cell("share_of_demand", 0.06684) == "6.7 %"


def test_report_leads_with_the_decision_in_planner_units(world_dir):
    text = (world_dir / "report.html").read_text()
    body = re.sub(r"<img[^>]*>", "", text)
    assert not re.search(r"\d\.?\d*e[+-]\d", body), "scientific notation in report.html"
    assert not re.search(r">\s*(nan|NaN|None)\s*<", body)
    order = [body.index(h) for h in ("Build and cash by calendar year", "Facility GW by region", "<b>The objective</b>", "GPUs by generation",
                                     "Tokens, revenue, cost and margin by layer", "Where to build", "Calibration against published figures",
                                     "<h2>Detail", "<h3>Maps")]
    assert order == sorted(order)
    cash = body[body.index("Build and cash by calendar year"):body.index("Facility GW by region")]
    assert all(f"<td>{y}</td>" in cash for y in range(2026, 2031))  # 2027 and 2029 too
    assert "not a cost of building" in body and "It is not cash" in body
    for unit_slip in ("G USD", "M tokens/s", "capex_usd", "share_of_demand"):
        assert unit_slip not in body, unit_slip
    assert "<details>" in body  # the long tables are collapsed past a screenful
    assert "bands missed" in body or "inside all" in body  # the shipped world carries calibration.csv


def _blank_margin(png: Path) -> float:
    img = plt.imread(png)[..., :3]
    content = ~(img > 0.98).all(axis=2)
    rows, cols = np.where(content.any(axis=1))[0], np.where(content.any(axis=0))[0]
    h, w = content.shape
    return max(rows[0] + (h - 1 - rows[-1]), 0) / h + max(cols[0] + (w - 1 - cols[-1]), 0) / w


def test_map_has_labels_keys_and_no_wide_margins(world_dir):
    res = Results.from_dir(world_dir)
    fig = plot_map(res)
    ax = fig.axes[0]
    assert len(ax.texts) >= 5  # the largest sites are labelled
    legends = [a for a in ax.get_children() if a.__class__.__name__ == "Legend"]
    titles = {lg.get_title().get_text() for lg in legends}
    assert {"flow width", "facility MW", "dominant layer"} <= titles
    plt.close(fig)
    assert _blank_margin(world_dir / "map.png") < 0.08


def test_each_layer_panel_has_its_own_size_key(world_dir):
    fig = plot_layers(Results.from_dir(world_dir))
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert panels and all(ax.get_legend() is not None for ax in panels)
    plt.close(fig)


def test_bbox_map_has_its_own_name_and_counts_what_it_shows(world_dir, tmp_path):
    res = Results.from_dir(world_dir)
    world_title = plot_map(res).axes[0].get_title()
    europe_title = plot_map(res, bbox="europe").axes[0].get_title()
    plt.close("all")
    mw = lambda t: float(re.search(r"([\d,]+) MW built", t).group(1).replace(",", ""))  # noqa: E731
    assert mw(europe_title) < mw(world_title)
    r = subprocess.run([sys.executable, "-m", "tokensite", "map", str(world_dir), "--bbox", "europe"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert (world_dir / "map_europe.png").is_file()
    assert map_png(res, tmp_path / "m.png").is_file()
