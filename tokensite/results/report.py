"""A self-contained ``report.html`` from a results folder: summary, embedded map, plan tables,
cost per Mtok by layer, and why not here. No external file, script or font is referenced."""

from __future__ import annotations

import base64
import html
import tempfile
from pathlib import Path

import pandas as pd

from tokensite.results.maps import layer_panels_png, map_html, map_png
from tokensite.results.plans import plan_tables, write_plans
from tokensite.results.results import Results

CSS = """body{font:14px/1.4 sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0;font-size:12px}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#eee}td:first-child{text-align:left}img{max-width:100%}"""


def _img(path: Path) -> str:
    return f"<img alt='{path.stem}' src='data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()}'>"


def _table(df: pd.DataFrame, max_rows: int = 200) -> str:
    more = f"<p>{len(df) - max_rows} more rows in the CSV.</p>" if len(df) > max_rows else ""
    return df.head(max_rows).to_html(index=False, float_format=lambda v: f"{v:,.4g}", border=0) + more


def build_report(res: Results, path: str | Path) -> Path:
    s = res.summary
    tables = plan_tables(res)
    with tempfile.TemporaryDirectory() as tmp:
        world = map_png(res, Path(tmp) / "map.png")
        panels = layer_panels_png(res, Path(tmp) / "layers.png")
        maps = _img(world) + _img(panels)
    gap = "n/a" if s["mip_gap"] is None else f"{100 * s['mip_gap']:.2f} %"
    obj = "none" if s["objective_usd"] is None else f"{s['objective_usd']:,.0f} USD"
    bound = "none" if s["best_bound_usd"] is None else f"{s['best_bound_usd']:,.0f} USD"
    plan = tables["plan"].groupby("category", as_index=False)[["capex_usd", "opex_usd", "unserved_usd"]].sum()
    ex = res.explain
    body = f"""<h1>tokensite plan: {html.escape(s['case']['name'])}</h1>
<p>Status <b>{s['status']}</b>; objective {obj}; best bound {bound}; gap {gap}. Years {', '.join(map(str, s['case']['years']))};
discount rate {s['case']['discount_rate']}. {s['variables']:,} variables ({s['integer_variables']:,} integer), {s['constraints']:,} constraints.
Times: read {s['read_s']} s, build {s['build_s']} s, hand-off {s['hand_off_s']} s, solve {s['solve_s']} s.</p>
<h2>Map</h2>{maps}
<h2>Cost per million tokens by layer</h2>{_table(tables['cost_per_mtok_layer'])}
<h2>Capex and opex by category (annual USD, summed over planning years)</h2>{_table(plan)}
<h2>Revenue and profit by year</h2>{_table(tables['profit'])}
<h2>Utilisation by layer</h2>{_table(tables['utilisation'])}
<h2>Tokens per watt by GPU generation</h2>{_table(tables['tokens_per_watt_gpu'])}
<h2>Why not here</h2><p>Reasons by kind: {html.escape(', '.join(f'{k}/{r}: {n}' for (k, r), n in ex.groupby(['kind', 'reason']).size().items()))}</p>{_table(ex)}
<h2>Sites built ({int(res.sites.year.max())})</h2>{_table(res.sites[(res.sites.year == res.sites.year.max()) & (res.sites.facility_mw > 1e-6)])}
<p>tokensite {s['versions']['tokensite']}, pyomo {s['versions']['pyomo']}, highspy {s['versions']['highspy']}.</p>"""
    Path(path).write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>tokensite {html.escape(s['case']['name'])}</title><style>{CSS}</style></head><body>{body}</body></html>")
    return Path(path)


def write_outputs(res: Results, folder: str | Path) -> None:
    """Everything a planner reads, beside the results CSVs: plan tables + workbook, maps, report."""
    folder = Path(folder)
    write_plans(res, folder)
    map_png(res, folder / "map.png")
    layer_panels_png(res, folder / "map_layers.png")
    map_html(res, folder / "map.html")
    build_report(res, folder / "report.html")
