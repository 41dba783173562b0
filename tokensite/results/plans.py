"""Plans: tables read off a :class:`Results` (no Pyomo, no CSV input).

* ``plan``: annual capex / opex / value of unserved tokens by year x category (the objective's
  own cost terms; Σ (capex + opex + unserved) x discount_factor = objective).
* ``cost_per_mtok_site``: a site's annual capex + opex over the tokens it produced.
* ``cost_per_mtok_layer``: each site's cost shared among layers (a generation's GPUs by the layers' share of
  its allocated units, other costs by their share of the site's draw), over the layer's tokens.
* ``tokens_per_watt_site`` / ``tokens_per_watt_gpu``: tokens/s produced per W of facility draw.
* ``utilisation``: mean allocated units per layer over active units.
* ``profit``: revenue (value x served tokens, hosted training included) minus capex and opex.
* ``token_economics``: by layer x year, tokens per watt, revenue per GW-year, cost against value per
  Mtok (margin), tokens per USD of capex, GPU-hours and energy per Mtok (docs/formulation.md,
  "Token economics"); ``gpu_hours``: GPU-hours by layer x year x generation.

A layer's value per Mtok by year is read in one place, :func:`token_value`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tokensite.results.results import Results
from tokensite.units import HOURS_PER_YEAR, KW_PER_MW, MW_PER_GW, TOKENS_PER_MTOK, W_PER_MW, mtok_per_year, tokens_to_mtok

MTOK_PER_TOKENS_PER_S_YEAR = mtok_per_year(tokens_to_mtok(1.0), HOURS_PER_YEAR)


def _site_costs(res: Results, kinds: tuple[str, ...] = ("capex", "opex")) -> pd.DataFrame:
    c = res.costs
    c = c[c.kind.isin(kinds) & (c.site_id.fillna("") != "")]
    return c.groupby(["site_id", "year"], as_index=False).usd.sum()


def cost_per_mtok_site(res: Results) -> pd.DataFrame:
    tokens = res.allocation.groupby(["site_id", "year"], as_index=False).tokens_per_s.sum()
    out = _site_costs(res).merge(tokens, on=["site_id", "year"], how="inner")
    out["mtok"] = out.tokens_per_s * MTOK_PER_TOKENS_PER_S_YEAR
    out["usd_per_mtok"] = out.usd / out.mtok
    return out.rename(columns={"usd": "cost_usd"})[["site_id", "year", "cost_usd", "mtok", "usd_per_mtok"]]


def share_among_layers(costs: pd.DataFrame, weights: pd.DataFrame, keys: list[str], weight: str) -> pd.DataFrame:
    """Each row of ``costs`` (keys, usd) shared among the layers of ``weights`` (keys, layer, weight) by their
    share of the weight; rows no layer weighs on are returned apart, with ``layer`` missing."""
    w = weights.groupby([*keys, "layer"], as_index=False)[weight].sum()
    w["share"] = w[weight] / w.groupby(keys)[weight].transform("sum")
    out = costs.merge(w[w.share > 0], on=keys, how="left")
    out["cost_usd"] = out.usd * out.share
    return out


def _layer_costs(res: Results, kinds: tuple[str, ...] = ("capex", "opex")) -> pd.DataFrame:
    """Each site's annual cost of ``kinds`` shared among its layers: a generation's GPUs (``gpus:<g>``) by the
    layers' share of that generation's allocated units there, every other cost (power, facility, O&M, grid,
    site, bridge, transit) by their share of the site's draw. A cost no layer weighs on (a generation idle
    at the site) is shared by the layers' share of the site's units, as every cost once was."""
    a, c = res.allocation, res.costs
    c = c[c.kind.isin(kinds) & (c.site_id.fillna("") != "")]
    site = ["site_id", "year"]
    gpu = c.category.str.startswith("gpus:")
    by_gpu = c[gpu].assign(gpu=c.category.str.removeprefix("gpus:")).groupby([*site, "gpu"], as_index=False).usd.sum()
    other = c[~gpu].groupby(site, as_index=False).usd.sum()
    parts = [share_among_layers(by_gpu, a, [*site, "gpu"], "units_mean"), share_among_layers(other, a, site, "draw_mw")]
    idle = pd.concat([p.loc[p.layer.isna(), [*site, "usd"]] for p in parts]).groupby(site, as_index=False).usd.sum()
    parts.append(share_among_layers(idle, a, site, "units_mean"))
    shared = pd.concat([p.dropna(subset=["layer"])[[*site, "layer", "cost_usd"]] for p in parts], ignore_index=True)
    cost = shared.groupby(["layer", "year"]).cost_usd.sum()
    out = a.groupby(["layer", "year"], as_index=False).tokens_per_s.sum()
    out["cost_usd"] = [float(cost.get((l, y), 0.0)) for l, y in zip(out.layer, out.year)]
    return out[["layer", "year", "cost_usd", "tokens_per_s"]]


def cost_per_mtok_layer(res: Results) -> pd.DataFrame:
    out = _layer_costs(res)
    out["mtok"] = out.tokens_per_s * MTOK_PER_TOKENS_PER_S_YEAR
    out["usd_per_mtok"] = out.cost_usd / out.mtok
    return out[["layer", "year", "cost_usd", "mtok", "usd_per_mtok"]]


def tokens_per_watt(res: Results, by: str) -> pd.DataFrame:
    g = res.allocation.groupby([by, "year"], as_index=False).agg(tokens_per_s=("tokens_per_s", "sum"), draw_mw=("draw_mw", "sum"))
    g["tokens_per_joule"] = g.tokens_per_s / (g.draw_mw * W_PER_MW)
    return g


def utilisation(res: Results) -> pd.DataFrame:
    used = res.allocation.groupby(["layer", "year"], as_index=False).units_mean.sum()
    active = res.fleet.groupby("year").units_active.sum()
    used["share_of_active_units"] = used.units_mean / used.year.map(active)
    return used


def token_value(res: Results) -> dict[tuple[str, int], float]:
    """{(layer, year): USD/Mtok} of the plan (token_values.csv by year; layers.csv where it has none)."""
    if "token_values" in res.frames:
        tv = res.token_values
        return {(l, int(y)): float(v) for l, y, v in zip(tv.layer, tv.year, tv.value_usd_per_mtok)}
    return {(l, int(y)): float(v) for l, v in zip(res.layers.layer, res.layers.value_usd_per_mtok) for y in res.plan.year.unique()}


def token_values(res: Results) -> pd.DataFrame:
    """:func:`token_value` as a frame (layer, year, value_usd_per_mtok), for merging."""
    return pd.DataFrame([(l, y, v) for (l, y), v in sorted(token_value(res).items())], columns=["layer", "year", "value_usd_per_mtok"])


def value_at(value: dict[tuple[str, int], float], layer: pd.Series, year: pd.Series | int) -> pd.Series:
    years = year if isinstance(year, pd.Series) else pd.Series(year, index=layer.index)
    return pd.Series([value[(l, int(y))] for l, y in zip(layer, years)], index=layer.index, dtype=float)


def profit(res: Results) -> pd.DataFrame:
    value = token_value(res)
    s = res.served.assign(revenue_usd=lambda d: d.served_tokens_per_s * MTOK_PER_TOKENS_PER_S_YEAR * value_at(value, d.layer, d.year))
    rev = s.groupby("year").revenue_usd.sum()
    tr = res.training
    for y in rev.index:
        hosted = tr[tr.hosted & (tr.start_year <= y)]
        rev[y] += float((hosted.tokens_per_s * MTOK_PER_TOKENS_PER_S_YEAR * value_at(value, hosted.layer, y)).sum())
    p = res.plan.groupby("year")[["capex_usd", "opex_usd"]].sum()
    out = p.assign(revenue_usd=rev.reindex(p.index).fillna(0.0)).reset_index()
    out["profit_usd"] = out.revenue_usd - out.capex_usd - out.opex_usd
    return out


def gpu_hours(res: Results) -> pd.DataFrame:
    """GPU-hours a year by layer x year x generation: mean allocated units x GPUs per unit x 8,760 h."""
    f = res.fleet[res.fleet.units_active > 0]
    per_unit = (f.gpus_active / f.units_active).groupby(f.gpu).first()
    a = res.allocation.groupby(["layer", "year", "gpu"], as_index=False).units_mean.sum()
    a["gpu_hours"] = a.units_mean * a.gpu.map(per_unit).fillna(0.0) * HOURS_PER_YEAR
    return a[["layer", "year", "gpu", "gpu_hours"]]


def token_economics(res: Results) -> pd.DataFrame:
    """Token-economics KPIs by layer x year (definitions in docs/formulation.md, "Token economics")."""
    cols = ["layer", "year", "tokens_per_s", "draw_mw", "tokens_per_watt", "mtok", "value_usd_per_mtok", "cost_usd_per_mtok", "margin_usd_per_mtok",
            "revenue_usd", "revenue_usd_per_gw_year", "capex_usd", "tokens_per_usd_capex", "gpu_hours", "energy_kwh_per_mtok"]
    a = res.allocation.groupby(["layer", "year"], as_index=False).agg(tokens_per_s=("tokens_per_s", "sum"), draw_mw=("draw_mw", "sum"))
    if a.empty:
        return pd.DataFrame(columns=cols)
    a["tokens_per_watt"] = a.tokens_per_s / (a.draw_mw * W_PER_MW)
    a["mtok"] = a.tokens_per_s * MTOK_PER_TOKENS_PER_S_YEAR
    a = a.merge(token_values(res), on=["layer", "year"], how="left")
    a = a.merge(_layer_costs(res)[["layer", "year", "cost_usd"]], on=["layer", "year"], how="left")
    a = a.merge(_layer_costs(res, ("capex",))[["layer", "year", "cost_usd"]].rename(columns={"cost_usd": "capex_usd"}), on=["layer", "year"], how="left")
    a["cost_usd_per_mtok"] = a.cost_usd / a.mtok
    a["margin_usd_per_mtok"] = a.value_usd_per_mtok - a.cost_usd_per_mtok
    a["revenue_usd"] = a.value_usd_per_mtok * a.mtok
    a["revenue_usd_per_gw_year"] = a.revenue_usd / (a.draw_mw / MW_PER_GW)
    a["tokens_per_usd_capex"] = a.mtok * TOKENS_PER_MTOK / a.capex_usd.where(a.capex_usd > 0)
    a = a.merge(gpu_hours(res).groupby(["layer", "year"], as_index=False).gpu_hours.sum(), on=["layer", "year"], how="left")
    a["energy_kwh_per_mtok"] = a.draw_mw * HOURS_PER_YEAR * KW_PER_MW / a.mtok
    return a[cols]


def compare(base: Results, other: Results) -> dict[str, pd.DataFrame]:
    """Side-by-side tables of two plans: facility MW by site and year, cost by category."""
    cols = ["site_id", "year", "facility_mw", "gpus_active"]
    sites = base.sites[cols].merge(other.sites[cols], on=["site_id", "year"], how="outer", suffixes=("_base", "_other")).fillna(0.0)
    sites["delta_mw"] = sites.facility_mw_other - sites.facility_mw_base
    sites = sites[(sites.facility_mw_base > 1e-6) | (sites.facility_mw_other > 1e-6)].sort_values("delta_mw")

    def discounted(res: Results) -> pd.Series:
        p = res.plan
        return ((p.capex_usd + p.opex_usd + p.unserved_usd) * p.discount_factor).groupby(p.category).sum()

    cost = pd.DataFrame({"base_usd": discounted(base), "other_usd": discounted(other)}).fillna(0.0)
    cost["delta_usd"] = cost.other_usd - cost.base_usd
    cost.loc["total"] = cost.sum()
    return {"sites": sites.reset_index(drop=True), "cost": cost.reset_index(names="category")}


def plan_tables(res: Results) -> dict[str, pd.DataFrame]:
    return {
        "plan": res.plan,
        "cost_per_mtok_layer": cost_per_mtok_layer(res),
        "cost_per_mtok_site": cost_per_mtok_site(res),
        "tokens_per_watt_site": tokens_per_watt(res, "site_id"),
        "tokens_per_watt_gpu": tokens_per_watt(res, "gpu"),
        "utilisation": utilisation(res),
        "profit": profit(res),
        "token_economics": token_economics(res),
        "gpu_hours": gpu_hours(res),
    }


def write_plans(res: Results, folder: str | Path) -> dict[str, pd.DataFrame]:
    """Each table as CSV (``plan.xlsx`` holds them too: :mod:`tokensite.results.workbook`)."""
    folder = Path(folder)
    tables = plan_tables(res)
    for name, t in tables.items():
        t.to_csv(folder / f"{name}.csv", index=False)
    return tables
