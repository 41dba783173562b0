"""What a static map draws besides the countries: flows, site circles, labels that avoid each other, and keys
that list only what is drawn and are scaled to what the view shows.

Flows are great circles split at the antimeridian (:mod:`tokensite.results.geodesic`), each piece a ``Line2D``
with ``gid="flow"``. Labels are placed by adjustText (``adjust_text``: texts pushed apart from each other and
from the site circles in view, kept inside the axes, with a thin leader to their site). The keys are not passed
to it as obstacles: measured on the world's Europe view, adjustText then pushed labels to the frame's edges.
"""

from __future__ import annotations

import pandas as pd
from adjustText import adjust_text
from matplotlib.lines import Line2D

from tokensite.results.geodesic import great_circle

SIZE_MIN_PT2, SIZE_SPAN_PT2 = 20.0, 600.0
"""Circle area in pt²: SIZE_MIN_PT2 + SIZE_SPAN_PT2 x MW / the largest MW in the view."""
FLOW_MIN_PT, FLOW_SPAN_PT = 0.3, 2.7
"""Flow width in pt: FLOW_MIN_PT + FLOW_SPAN_PT x tokens/s / the largest flow in the view."""
LABELLED_SITES = 10
LABEL_PT = 7


def draw_flows(ax, lines: pd.DataFrame, colours: dict[str, str], biggest: float) -> int:
    """Each flow as great-circle pieces weighted by tokens/s; the number of pieces drawn."""
    n = 0
    for r in lines.itertuples():
        width = FLOW_MIN_PT + FLOW_SPAN_PT * r.tokens_per_s / biggest
        for xs, ys in great_circle(r.lon, r.lat, r.lon_metro, r.lat_metro):
            ax.plot(xs, ys, color=colours.get(r.layer, "grey"), alpha=0.35, linewidth=width, zorder=2, gid="flow", solid_capstyle="butt")
            n += 1
    return n


def circle_area(mw: pd.Series, biggest_mw: float) -> pd.Series:
    return SIZE_MIN_PT2 + SIZE_SPAN_PT2 * mw / max(biggest_mw, 1e-9)


def size_key(ax, biggest_mw: float, what: str, loc: str) -> None:
    """A legend of three circle sizes in MW, for this axes alone, scaled to the largest site in the view."""
    if biggest_mw <= 0:
        return
    steps = [biggest_mw, biggest_mw / 2, biggest_mw / 8]
    handles = [Line2D([], [], marker="o", linestyle="", color="white", markeredgecolor="black",
                      markersize=circle_area(pd.Series([mw]), biggest_mw).iloc[0] ** 0.5, label=f"{mw:,.0f} MW") for mw in steps]
    key = ax.legend(handles=handles, loc=loc, fontsize=6, title=what, title_fontsize=6, framealpha=0.9, labelspacing=1.3, borderpad=0.9,
                    handlelength=3, handletextpad=1.2)
    ax.add_artist(key)


def flow_key(ax, biggest: float, loc: str) -> None:
    steps = [biggest, biggest / 4]
    handles = [Line2D([], [], color="grey", linewidth=FLOW_MIN_PT + FLOW_SPAN_PT * v / biggest, label=f"{v / 1e9:,.2f} G tokens/s") for v in steps]
    ax.add_artist(ax.legend(handles=handles, loc=loc, fontsize=6, title="flow width", title_fontsize=6, framealpha=0.9))


def layer_key(ax, colours: dict[str, str], shown_layers: set[str], candidates: bool, metros: bool) -> None:
    """The dominant-layer legend: the layers of the sites in view, and faint candidates and metros only if drawn."""
    handles = [Line2D([], [], marker="o", linestyle="", color=c, markeredgecolor="black", markersize=8, label=l)
               for l, c in colours.items() if l in shown_layers]
    if candidates:
        handles.append(Line2D([], [], marker="o", linestyle="", color="#999999", alpha=0.4, label="candidate, not built"))
    if metros:
        handles.append(Line2D([], [], marker="s", linestyle="", color="black", markeredgecolor="white", markersize=3.5, label="metro"))
    if handles:
        ax.add_artist(ax.legend(handles=handles, loc="lower left", fontsize=7, title="dominant layer", title_fontsize=7, framealpha=0.9))


def short_name(name: str, limit: int = 28) -> str:
    """A site's name for a label: a long name without its parenthesised detail."""
    return name.split(" (")[0] if len(name) > limit and " (" in name else name


def label_sites(ax, shown: pd.DataFrame) -> list:
    """Labels of the largest sites in view, pushed apart by adjustText from each other and from the circles in view,
    kept inside the axes, each with a thin leader to its site."""
    top = shown.nlargest(LABELLED_SITES, "facility_mw")
    texts = [ax.text(r.lon, r.lat, f"{short_name(r.name)} {r.facility_mw:,.0f} MW", fontsize=LABEL_PT, zorder=6,
                     bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}) for r in top.itertuples()]
    if texts:
        adjust_text(texts, x=list(shown.lon), y=list(shown.lat), ax=ax, ensure_inside_axes=True,
                    arrowprops={"arrowstyle": "-", "color": "#444444", "lw": 0.5}, time_lim=5)
    return texts
