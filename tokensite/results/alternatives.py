"""The outputs of ``tokensite alternatives`` read off its tables: the ranges map and the report.

The map draws, for every site built in some plan, a filled circle sized by its minimum facility MW
over the optimum and the alternatives and a ring sized by its maximum, coloured by class
(must-build, flexible); the report states the optimum's gap, since an alternative within the slack
of a plan that is itself within its gap of the optimum is within slack + gap of the true optimum.
"""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D

from tokensite.results.maps import BBoxes, SIZE_MIN_PT2, SIZE_SPAN_PT2, countries
from tokensite.results.report import CSS, html_table, img_tag, usd
from tokensite.results.results import Results

CLASS_COLOURS = {"must_build": "#2ca02c", "flexible": "#ff7f0e", "never_build": "#999999"}


def plot_ranges(res: Results, ranges: pd.DataFrame, year: int | None = None, ax=None):
    """Filled circles: each site's minimum MW over the plans; rings: its maximum; colour: its class in ``year`` (default the last)."""
    y = year or int(ranges.year.max())
    r = ranges[(ranges.year == y) & (ranges.max_mw > 1e-6)]
    fig, ax = plt.subplots(figsize=(14, 7.5)) if ax is None else (ax.figure, ax)
    countries(res).plot(ax=ax, color="#f2f2f2", edgecolor="#bbbbbb", linewidth=0.3)
    cand = ranges[(ranges.year == y) & (ranges.max_mw <= 1e-6)]
    ax.scatter(cand.lon, cand.lat, s=6, color="#999999", alpha=0.35, zorder=2)
    biggest = float(r.max_mw.max()) if not r.empty else 1.0
    colour = [CLASS_COLOURS[c] for c in r["class"]]
    ax.scatter(r.lon, r.lat, s=SIZE_MIN_PT2 + SIZE_SPAN_PT2 * r.max_mw / biggest, facecolors="none", edgecolors=colour, linewidth=1.2, zorder=3)
    filled = r[r.min_mw > 1e-6]
    ax.scatter(filled.lon, filled.lat, s=SIZE_MIN_PT2 + SIZE_SPAN_PT2 * filled.min_mw / biggest, c=[CLASS_COLOURS[c] for c in filled["class"]],
               alpha=0.8, edgecolor="black", linewidth=0.4, zorder=4)
    minx, miny, maxx, maxy = BBoxes["world"]
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_xticks([])
    ax.set_yticks([])
    n = r["class"].value_counts()
    handles = [Line2D([], [], marker="o", linestyle="", color=CLASS_COLOURS["must_build"], markeredgecolor="black", markersize=8, label="minimum MW (filled)"),
               Line2D([], [], marker="o", linestyle="", markerfacecolor="none", markeredgecolor="black", markersize=11, label=f"maximum MW (ring), largest {biggest:,.0f} MW")]
    handles += [Line2D([], [], marker="o", linestyle="", color=c, label=f"{k.replace('_', '-')} ({int(n.get(k, 0))})") for k, c in CLASS_COLOURS.items() if k != "never_build"]
    ax.legend(handles=handles, loc="lower left", fontsize=7, framealpha=0.9)
    ax.set_title(f"{res.summary['case']['name']}: range of facility MW over {int(r.plans.max()) if not r.empty else 0} near-optimal plans, {y}")
    return fig


def ranges_png(res: Results, ranges: pd.DataFrame, path: str | Path) -> Path:
    fig = plot_ranges(res, ranges)
    fig.savefig(path, dpi=110, bbox_inches="tight", pad_inches=0.1)
    plt.close(fig)
    return Path(path)


def write_alternatives_report(summary: dict, ranges: pd.DataFrame, runs: pd.DataFrame, folder: Path) -> Path:
    """``report.html`` of an alternatives folder: the optimum and its gap, the classes, the runs, the map."""
    o, t, c = summary["optimum"], summary["times"], summary["classes_last_year"]
    gap = "n/a" if o.get("spend_gap") is None else f"{100 * o['spend_gap']:.2f} %"
    slack = 100 * summary["slack_of_spend"]
    last = ranges[(ranges.year == c["year"]) & (ranges.max_mw > 1e-6)].sort_values(["class", "max_mw"], ascending=[False, False])
    body = f"""<h1>Near-optimal alternatives: {html.escape(summary['case'])}</h1>
<p>The optimum: status <b>{o['status']}</b>, objective {usd(o['objective_usd'])}, best bound {usd(o['best_bound_usd'])};
its gap is <b>{gap} of what it spends</b> ({usd(o['spend_usd'])}). Every alternative costs at most the optimum plus {slack:g} % of that
spend (cap {usd(summary['cost_cap_usd'])}); since the optimum is itself within its gap of the best possible plan, an alternative is
within {slack:g} % + {gap} of it. An alternative is only as good as that gap.</p>
<p>Method: {html.escape(summary['method'])}, grouped by {summary['by']}; {summary['alternatives_found']} of {summary['alternatives_asked']}
alternatives found, at most {summary['time_limit_per_alternative_s']:g} s each; {summary['alternatives_moved']} of them differ from the
optimum in some group's MW (the others stayed at the optimum, where they started, within their time limit, so the classes
below count them as the optimum again and overstate what must be built). Solver: {html.escape(summary['solver'])}. {html.escape(summary['citations'])}</p>
<p>In {c['year']}: <b>{c['must_build']}</b> sites must be built (in every plan), <b>{c['flexible']}</b> are flexible and
<b>{c['never_build']}</b> are never built.</p>
<p>Times: read {t['read_s']} s, build {t['build_s']} s, hand-off {t['hand_off_s']} s, optimum {t['optimum_solve_s']} s; all
alternatives {t['alternatives_solve_s']} s ({t['mean_alternative_s']} s each) on the one model, which saved rebuilding it
{summary['alternatives_asked']} times ({t['rebuild_avoided_s']} s); wall {t['wall_s']} s.</p>
<h2>Ranges</h2>{img_tag(folder / 'map_ranges.png')}
<h2>Alternatives</h2>{html_table(runs)}
<h2>Sites built in some plan, {c['year']}</h2>{html_table(last.drop(columns=['lat', 'lon']))}"""
    path = folder / "report.html"
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>alternatives {html.escape(summary['case'])}</title><style>{CSS}</style></head><body>{body}</body></html>")
    return path
