"""A self-contained ``report.html`` from a results folder, leading with the decision.

First what to build, where and when, and the cash it needs: GW added, GPUs bought and the cash by calendar
year (the years between planning years included), GW by region, GPUs by generation, tokens, revenue, cost
and margin by layer, the sites largest first, and a plain statement of what the objective is and is not.
Then the plan against published figures (the dataset's optional ``calibration.csv``), misses marked. Then the
detail (:mod:`tokensite.results.detail`). Numbers are in planner units (GW, M GPUs, G tokens/s, USD bn) with
the unit in the header; the page is ``tokensite/static/report.html`` and ``report.css``, filled in here; no
external file, script or font is referenced.
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path
from string import Template

import pandas as pd

from tokensite.results.decision import build_and_cash, gpus_by_generation, gw_by_region, headline, layer_economics, where_to_build
from tokensite.results.detail import SCREEN, detail_sections, unserved_by_year
from tokensite.results.formatting import CSS, cell, html_table, img_tag, static_text, usd
from tokensite.results.maps import REPORT_DPI, layer_panels_png, map_png
from tokensite.results.plans import write_plans
from tokensite.results.results import Results, no_negative_zero
from tokensite.results.webmap import map_html
from tokensite.results.workbook import write_workbook

__all__ = ["CSS", "build_report", "cell", "html_table", "img_tag", "usd", "write_outputs"]
PAGE = Template(static_text("report.html"))


def objective_statement(res: Results) -> str:
    """What the objective is (discounted annualised cost + value of unserved tokens) and what it is not (cash, a cost)."""
    s, p = res.summary, res.plan
    case = s["case"]
    unserved = float((p.unserved_usd * p.discount_factor).sum())
    years = f"{case['years'][0]}–{case['years'][-1]}"
    return (f"<b>The objective</b>, {usd(s['objective_usd'])}, is what the solve minimised: the sum, discounted at "
            f"{100 * case['discount_rate']:g} % a year, of annualised costs (each asset's capital as an annuity over its life, counted "
            f"only within {years}; opex as paid) plus the value of the tokens left unserved ({usd(unserved)} of it). "
            f"<b>It is not cash</b>: the cash the plan needs is the table above. <b>It is not a cost</b> either: no one pays the "
            f"unserved value, which is demand the plan declines. Discounted spend (capex as annuities + opex): {usd(s.get('spend_usd'))}.")


def _totals(frame: pd.DataFrame) -> pd.Series:
    """The row class of a table whose last row is a total (and whose years between planning years are muted)."""
    first = frame.columns[0]
    label = frame[first].astype(str)
    invest = [c for c in frame.columns if c.startswith("investment")]
    quiet = frame[invest[0]].eq(0) if invest else pd.Series(False, index=frame.index)
    return pd.Series(["total" if v in ("total", "World") else "gap" if q else "" for v, q in zip(label, quiet)], index=frame.index)


def _build_cash(res: Results) -> str:
    if "cash" not in res.frames:
        return "<p>This results folder has no cash.csv (it was solved before tokensite wrote one); solve again to see the cash.</p>"
    t = build_and_cash(res)
    return html_table(t, row_class=_totals(t), group_units=True) + ("<p class=note>Investment is spent in the planning year an asset comes online; "
                                                   "the years between planning years pay opex only (docs/formulation.md, \"Cash and annuities\").</p>")


def _unserved(res: Results) -> str:
    un = unserved_by_year(res)
    if un.empty:
        return ""
    last = un.iloc[-1]
    return (f"<p class='unserved'><b>Demand left unserved</b> in {int(last.year)}: {cell('x', last['unserved (G tokens/s)'])} G tokens/s "
            f"({cell('x', last['share of demand (%)'])} % of demand), worth {usd(last['value lost (USD bn a year)'] * 1e9)} a year at the layers' "
            "token values. This is demand the plan declines to serve, not a cost of building; it is shown apart from the cash.</p>")


def calibration_section(res: Results) -> str:
    """The plan's GW against each published band, misses marked (the dataset's calibration.csv), or why there is none."""
    if "calibration" not in res.frames or res.calibration.empty:
        return ("<p>This case's dataset has no calibration.csv, so the plan is not compared with published figures "
                "(docs/data-format.md, calibration.csv).</p>")
    c = res.calibration.sort_values(["year", "model_gw"], ascending=[True, False], kind="stable").reset_index(drop=True)
    inside = c.inside.astype(str).str.lower().eq("true")
    misses = c[~inside]
    words = "; ".join(f"{r.region} {r.year} {'above' if r.miss_gw > 0 else 'below'} by {abs(r.miss_gw):,.1f} GW" for r in misses.itertuples())
    table = pd.DataFrame({"region": c.region, "year": c.year, "plan (GW)": c.model_gw, "published low (GW)": c.low_gw, "published high (GW)": c.high_gw,
                          "outside by (GW)": c.miss_gw.where(~inside), "source": c.source})
    lead = (f"<p>{len(misses)} of {len(c)} bands missed (marked ✗): {html.escape(words)}.</p>" if len(misses)
            else f"<p>The plan lies inside all {len(c)} published bands.</p>")
    note = "<p class=note>Plan GW: the sum of each site's peak facility draw in the region's countries; bands from the dataset's calibration.csv.</p>"
    return lead + html_table(table, row_class=pd.Series(["" if i else "miss" for i in inside]), shown=len(c)) + note


def _maps(res: Results) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        world = map_png(res, Path(tmp) / "map.png", dpi=REPORT_DPI)
        panels = layer_panels_png(res, Path(tmp) / "layers.png", dpi=REPORT_DPI)
        return img_tag(world) + img_tag(panels)


def build_report(res: Results, path: str | Path) -> Path:
    s = res.summary
    gpus, layers = gpus_by_generation(res), layer_economics(res)
    gw = gw_by_region(res)
    facts = (f"{s['variables']:,} variables ({s['integer_variables']:,} integer), {s['constraints']:,} constraints. Times: read {s['read_s']} s, "
             f"build {s['build_s']} s, hand-off {s['hand_off_s']} s, solve {s['solve_s']} s. tokensite {s['versions']['tokensite']}, "
             f"pyomo {s['versions']['pyomo']}, highspy {s['versions']['highspy']}.")
    warnings = s.get("warnings") or []
    if warnings:
        facts += f" {len(warnings)} data warning(s): {'; '.join(warnings[:5])}{' ...' if len(warnings) > 5 else ''}"
    page = PAGE.substitute(
        title=html.escape(f"{s['case']['name']}: the plan"), css=CSS, headline=html.escape(headline(res)),
        build_cash=_build_cash(res), gw_region=html_table(gw, row_class=_totals(gw)), objective=objective_statement(res),
        gpus=html_table(gpus), layers=html_table(layers, shown=SCREEN), unserved=_unserved(res),
        sites=html_table(where_to_build(res), shown=SCREEN), calibration=calibration_section(res),
        detail=detail_sections(res, _maps(res)), facts=html.escape(facts))
    Path(path).write_text(page)
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
    write_workbook(Results.from_dir(folder), folder / "plan.xlsx")
    map_png(res, folder / "map.png")
    layer_panels_png(res, folder / "map_layers.png")
    map_html(res, folder / "map.html")
    build_report(res, folder / "report.html")
