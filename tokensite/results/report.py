"""A self-contained ``report.html`` from a results folder. It opens with what a planner asks
first (capex and opex by year, tokens served by layer, GW built by region, demand left
unserved on its own line), then the maps, plan tables and why not here. Money is USD with
thousands separators (M/G suffixes for large sums), MW one decimal, blanks blank; no
external file, script or font is referenced."""

from __future__ import annotations

import base64
import html
import math
import tempfile
from pathlib import Path

import pandas as pd

from tokensite.results.maps import layer_panels_png, map_png
from tokensite.results.plans import MTOK_PER_TOKENS_PER_S_YEAR, plan_tables, write_plans
from tokensite.dataset.geo import continent
from tokensite.results.results import Results, no_negative_zero
from tokensite.results.webmap import map_html

CSS = """body{font:14px/1.4 sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0;font-size:12px}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#eee}td:first-child{text-align:left}img{max-width:100%}
.unserved{background:#fff4e5;border-left:4px solid #e08a00;padding:6px 10px}"""
CATEGORICAL = {"year", "start_year", "site_id", "metro_id", "layer", "kind", "reason", "detail", "category", "gpu", "name", "country",
               "jurisdiction", "tranches", "program_id", "hosted", "open", "region"}


def usd(v: float) -> str:
    """Money: 1,234 USD; 12.3 M USD; 4.56 G USD."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    a = abs(v)
    if a >= 1e9:
        return f"{v / 1e9:,.2f} G USD"
    if a >= 1e6:
        return f"{v / 1e6:,.1f} M USD"
    return f"{v:,.0f} USD"


def cell(column: str, v: object) -> str:
    """One table cell, formatted by what its column holds (named by unit)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if column in CATEGORICAL or isinstance(v, (str, bool)):
        return html.escape(str(v))
    x = float(v) + 0.0
    if column.endswith("usd_per_mtok"):
        return f"{x:,.3f}"
    if column.endswith("_usd") or column == "usd":
        return usd(x)
    if column.endswith("_mw"):
        return f"{x:,.1f}"
    if "tokens/s" in column:
        return f"{x:,.1f}"
    if column.endswith("_gw"):
        return f"{x:,.2f}"
    if "share" in column or column.startswith("util"):
        return f"{100 * x:,.1f} %"
    if abs(x) >= 100 or x == int(x):
        return f"{x:,.0f}"
    return f"{x:,.3f}".rstrip("0").rstrip(".")


def img_tag(path: Path) -> str:
    """The PNG embedded in the page, so a report is one file that can be mailed."""
    return f"<img alt='{path.stem}' src='data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()}'>"


def html_table(df: pd.DataFrame, max_rows: int = 200) -> str:
    """The first ``max_rows`` rows as an HTML table, each cell formatted by its column's unit; the rest stay in the CSV."""
    more = f"<p>{len(df) - max_rows} more rows in the CSV.</p>" if len(df) > max_rows else ""
    d = df.head(max_rows)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in d.columns)
    rows = "".join("<tr>" + "".join(f"<td>{cell(str(c), v)}</td>" for c, v in zip(d.columns, r)) + "</tr>" for r in d.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{more}"


def headline_tables(res: Results) -> dict[str, pd.DataFrame]:
    """What a planner asks first: capex/opex by year, tokens by layer, GW by region, unserved demand."""
    p = res.plan
    money = p.groupby("year", as_index=False)[["capex_usd", "opex_usd"]].sum()
    money["capex_plus_opex_usd"] = money.capex_usd + money.opex_usd
    sv = res.served.groupby(["layer", "year"]).served_tokens_per_s.sum().unstack("year")
    tr = res.training
    for y in sv.columns:
        hosted = tr[tr.hosted.astype(bool) & (tr.start_year <= y)]
        for layer, tok in hosted.groupby("layer").tokens_per_s.sum().items():
            sv.loc[layer, y] = (sv.loc[layer, y] if layer in sv.index and pd.notna(sv.loc[layer, y]) else 0.0) + tok
    od = res.frames.get("on_device")
    if od is not None and not od.empty:  # made on the devices themselves: beside the plan, not in it
        for layer, row in od.groupby(["layer", "year"]).tokens_per_s.sum().unstack("year").iterrows():
            sv.loc[f"{layer} on device (not planned)"] = row
    tokens = (sv / 1e6).rename(columns=lambda y: f"{y} M tokens/s").reset_index()
    s = res.sites.assign(region=[continent(a, b) for a, b in zip(res.sites.lat, res.sites.lon)])
    gw = (s.groupby(["region", "year"]).facility_mw.sum() / 1000).unstack("year").rename(columns=lambda y: f"{y}_gw").reset_index()
    un = res.served.groupby("year").agg(demand=("demand_tokens_per_s", "sum"), unserved=("unserved_tokens_per_s", "sum"))
    value = p.groupby("year").unserved_usd.sum()
    unserved = pd.DataFrame({"year": un.index, "unserved M tokens/s": un.unserved / 1e6, "share_of_demand": un.unserved / un.demand.where(un.demand > 0),
                             "unserved_mtok_per_year": un.unserved * MTOK_PER_TOKENS_PER_S_YEAR, "value_lost_usd": value.reindex(un.index).fillna(0.0)})
    return {"money": money, "tokens": tokens, "gw": gw, "unserved": unserved.reset_index(drop=True)}


def build_report(res: Results, path: str | Path) -> Path:
    s = res.summary
    tables = plan_tables(res)
    head = headline_tables(res)
    with tempfile.TemporaryDirectory() as tmp:
        world = map_png(res, Path(tmp) / "map.png")
        panels = layer_panels_png(res, Path(tmp) / "layers.png")
        maps = img_tag(world) + img_tag(panels)
    gap = "n/a" if s["mip_gap"] is None else f"{100 * s['mip_gap']:.2f} %"
    un = head["unserved"]
    last = un.iloc[-1] if not un.empty else None
    unserved_line = "" if last is None else (
        f"<p class='unserved'><b>Demand left unserved</b> in {int(last.year)}: {last['unserved M tokens/s']:,.1f} M tokens/s "
        f"({cell('share', last.share_of_demand)} of demand), worth {usd(last.value_lost_usd)} a year at the layers' token values. "
        f"This is demand the plan declines to serve, not a cost of building; it is shown apart from capex and opex.</p>")
    plan = tables["plan"].groupby("category", as_index=False)[["capex_usd", "opex_usd", "unserved_usd"]].sum()
    ex = res.explain
    elastic = ("<h2>Price-elastic demand: served against reference</h2><p>Demand on a constant-elasticity curve (elasticity.csv); the "
               f"clearing price is the curve's price at what was served.</p>{html_table(res.elastic_demand)}") if "elastic_demand" in res.frames else ""
    warnings = s.get("warnings") or []
    warn = f"<p>{len(warnings)} data warning(s): {html.escape('; '.join(warnings[:5]))}{' ...' if len(warnings) > 5 else ''}</p>" if warnings else ""
    body = f"""<h1>tokensite plan: {html.escape(s['case']['name'])}</h1>
<p>Status <b>{s['status']}</b>; objective {usd(s['objective_usd'])} (discounted); best bound {usd(s['best_bound_usd'])}; gap {gap}.
Years {', '.join(map(str, s['case']['years']))}; discount rate {s['case']['discount_rate']}.</p>{warn}
{unserved_line}
<h2>Capex and opex by year (annual, undiscounted)</h2>{html_table(head['money'])}
<h2>Tokens served by layer (annual mean, hosted training included)</h2>{html_table(head['tokens'])}
<h2>GW built by region</h2>{html_table(head['gw'])}
<h2>Demand left unserved by year</h2>{html_table(head['unserved'])}
<h2>Map</h2>{maps}
<h2>Cost per million tokens by layer</h2>{html_table(tables['cost_per_mtok_layer'])}
<h2>Token economics by layer and year</h2><p>Tokens per watt of facility draw, cost against value per Mtok and the margin, revenue per
GW-year of draw, tokens per USD of annualised capex, GPU-hours and kWh per Mtok (definitions in docs/formulation.md, "Token economics").</p>{html_table(tables['token_economics'])}
{elastic}
<h2>Capex, opex and unserved value by category (annual USD, summed over planning years)</h2>{html_table(plan)}
<h2>Revenue and profit by year</h2>{html_table(tables['profit'])}
<h2>Utilisation by layer</h2>{html_table(tables['utilisation'])}
<h2>Tokens per watt by GPU generation</h2>{html_table(tables['tokens_per_watt_gpu'])}
<h2>Why not here</h2><p>Reasons by kind: {html.escape(', '.join(f'{k}/{r}: {n}' for (k, r), n in ex.groupby(['kind', 'reason']).size().items()))}</p>{html_table(ex)}
<h2>Sites built ({int(res.sites.year.max())})</h2>{html_table(res.sites[(res.sites.year == res.sites.year.max()) & (res.sites.facility_mw > 1e-6)])}
<p>{s['variables']:,} variables ({s['integer_variables']:,} integer), {s['constraints']:,} constraints. Times: read {s['read_s']} s,
build {s['build_s']} s, hand-off {s['hand_off_s']} s, solve {s['solve_s']} s. tokensite {s['versions']['tokensite']},
pyomo {s['versions']['pyomo']}, highspy {s['versions']['highspy']}.</p>"""
    Path(path).write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>tokensite {html.escape(s['case']['name'])}</title><style>{CSS}</style></head><body>{body}</body></html>")
    return Path(path)


def write_outputs(res: Results, folder: str | Path) -> None:
    """Everything a planner reads, beside the results CSVs: plan tables + workbook, maps, report."""
    folder = Path(folder)
    write_plans(res, folder)
    for f in folder.glob("*.csv"):  # plan tables too: no -0.0 in any CSV
        frame = pd.read_csv(f, keep_default_na=False, na_values=[""])
        cleaned = no_negative_zero(frame)
        if not cleaned.equals(frame):
            cleaned.to_csv(f, index=False)
    map_png(res, folder / "map.png")
    layer_panels_png(res, folder / "map_layers.png")
    map_html(res, folder / "map.html")
    build_report(res, folder / "report.html")
