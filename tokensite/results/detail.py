"""The report's detail: every plan table in planner units with human headers, largest first, long ones collapsed.

Each function returns the HTML of one section (an ``<h3>`` and its table); :func:`detail_sections` lists them
in the order the report shows them. The decision and the calibration come first (:mod:`tokensite.results.report`).
"""

from __future__ import annotations

import html

import pandas as pd

from tokensite.results.formatting import category_name, html_table, largest_first, planner
from tokensite.results.plans import MTOK_PER_TOKENS_PER_S_YEAR, plan_tables
from tokensite.results.results import Results

SCREEN = 15
"""Rows a table shows before the rest go into a <details>."""
BN = 1e-9


def section(title: str, table: str, note: str = "") -> str:
    return f"<h3>{html.escape(title)}</h3>{f'<p class=note>{note}</p>' if note else ''}{table}"


def objective_by_category(res: Results) -> pd.DataFrame:
    """Annual USD bn by planning year and the discounted sum over the horizon, by cost category, largest first:
    what the objective counts (capital as annuities)."""
    p = res.plan.assign(usd=res.plan.capex_usd + res.plan.opex_usd + res.plan.unserved_usd)
    annual = p.pivot_table(index="category", columns="year", values="usd", aggfunc="sum").fillna(0.0) * BN
    out = annual.rename(columns=lambda y: f"{y} (USD bn a year)")
    out["discounted over the horizon (USD bn)"] = (p.usd * p.discount_factor).groupby(p.category).sum() * BN
    held = p.assign(capex=p.capex_usd.abs(), unserved=p.unserved_usd.abs()).groupby("category")[["capex", "unserved"]].sum()
    kind = pd.Series("opex", index=held.index).mask(held.unserved > 0, "unserved value").mask(held.capex > 0, "capex (annuity)")
    out.insert(0, "counted as", kind)
    out.index = [category_name(c) for c in out.index]
    return largest_first(out.rename_axis(None, axis=1).reset_index(names="category"), "discounted over the horizon (USD bn)")


def cash_by_category(res: Results) -> pd.DataFrame:
    """cash.csv as category × calendar year in USD bn, largest total first."""
    c = res.cash
    years = range(int(c.year.min()), int(c.year.max()) + 1)
    t = c.pivot_table(index=["kind", "category"], columns="year", values="usd", aggfunc="sum").reindex(columns=years).fillna(0.0) * BN
    t["total (USD bn)"] = t.sum(axis=1)
    t = t.rename(columns=lambda y: f"{y} (USD bn)" if isinstance(y, int) else y).rename_axis(None, axis=1).reset_index()
    t["category"] = t.category.map(category_name)
    return largest_first(t, "total (USD bn)")


def tokens_by_layer(res: Results) -> pd.DataFrame:
    """G tokens/s served by layer and planning year (hosted training included; on-device tokens beside, not planned)."""
    sv = res.served.groupby(["layer", "year"]).served_tokens_per_s.sum().unstack("year")
    tr = res.training
    for y in sv.columns:
        hosted = tr[tr.hosted.astype(bool) & (tr.start_year <= y)]
        for layer, tok in hosted.groupby("layer").tokens_per_s.sum().items():
            sv.loc[layer, y] = (sv.loc[layer, y] if layer in sv.index and pd.notna(sv.loc[layer, y]) else 0.0) + tok
    od = res.frames.get("on_device")
    if od is not None and not od.empty:
        for layer, row in od.groupby(["layer", "year"]).tokens_per_s.sum().unstack("year").iterrows():
            sv.loc[f"{layer} on device (not planned)"] = row
    out = (sv * BN).rename(columns=lambda y: f"{y} (G tokens/s)").rename_axis(None, axis=1).reset_index(names="layer")
    return largest_first(out, out.columns[-1])


def unserved_by_year(res: Results) -> pd.DataFrame:
    un = res.served.groupby("year").agg(demand=("demand_tokens_per_s", "sum"), unserved=("unserved_tokens_per_s", "sum"))
    value = res.plan.groupby("year").unserved_usd.sum()
    return pd.DataFrame({"year": un.index, "unserved (G tokens/s)": un.unserved * BN, "share of demand (%)": 100 * un.unserved / un.demand.where(un.demand > 0),
                         "unserved (T tokens a year)": un.unserved * MTOK_PER_TOKENS_PER_S_YEAR / 1e6,
                         "value lost (USD bn a year)": value.reindex(un.index).fillna(0.0) * BN}).reset_index(drop=True)


def _planner_sorted(df: pd.DataFrame, by: str) -> pd.DataFrame:
    return planner(largest_first(df, by)) if by in df else planner(df)


def detail_sections(res: Results, maps: str) -> str:
    """Every detail section of the report, in order."""
    t = plan_tables(res)
    s = res.summary
    ex = res.explain
    last = int(res.sites.year.max())
    sites = res.sites[(res.sites.year == last) & (res.sites.facility_mw > 1e-6)].drop(columns=["year", "lat", "lon", "open"])
    reasons = ", ".join(f"{k}/{r}: {n}" for (k, r), n in ex.groupby(["kind", "reason"]).size().items()) if not ex.empty else "none"
    parts = [
        section("Maps", maps),
        section("What the objective counts, by category", html_table(objective_by_category(res), shown=SCREEN),
                "Capital enters the objective as annuities over each asset's life, counted only within the horizon; "
                "each planning year's annual amount counts for the calendar years it stands for (docs/formulation.md, \"Objective\")."),
    ]
    if "cash" in res.frames:
        parts.append(section("Cash by category and calendar year", html_table(cash_by_category(res), shown=SCREEN)))
    parts += [
        section("Tokens served by layer (annual mean)", html_table(tokens_by_layer(res))),
        section("Demand left unserved by year", html_table(unserved_by_year(res))),
        section("Token economics by layer and year", html_table(planner(t["token_economics"]), shown=SCREEN),
                "Tokens per watt of facility draw, cost against value per Mtok and the margin, revenue per GW-year of draw, GPU-hours and "
                "kWh per Mtok; cost is annualised capex + opex (docs/formulation.md, \"Token economics\")."),
        section("Revenue and profit by year (annualised capex)", html_table(planner(t["profit"]))),
        section("Utilisation by layer", html_table(_planner_sorted(t["utilisation"], "units_mean"), shown=SCREEN)),
        section("Tokens per watt by GPU generation", html_table(planner(t["tokens_per_watt_gpu"]))),
        section("Cost per million tokens by site", html_table(_planner_sorted(t["cost_per_mtok_site"], "cost_usd"), shown=SCREEN)),
    ]
    if "elastic_demand" in res.frames:
        parts.append(section("Price-elastic demand: served against reference", html_table(planner(res.elastic_demand)),
                             "Demand on a constant-elasticity curve (elasticity.csv); the clearing price is the curve's price at what was served."))
    parts += [
        section(f"Sites in {last}: grid, bridge and peak draw", html_table(_planner_sorted(sites, "facility_mw"), shown=SCREEN)),
        section("Why not here", html_table(planner(ex), shown=SCREEN), f"Reasons by kind: {html.escape(reasons)}."),
    ]
    gap = "n/a" if s.get("mip_gap") is None else f"{100 * s['mip_gap']:.2f} %"
    parts.append(f"<p class=note>Status {html.escape(str(s['status']))}, gap {gap} of the objective.</p>")
    return "\n".join(parts)
