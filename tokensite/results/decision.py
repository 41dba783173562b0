"""The build decision in planner units, for the top of the report (and a notebook).

Each function reads a :class:`Results` and returns a frame whose headers carry their unit: GW, M GPUs,
G tokens/s, USD bn. Cash comes from ``cash.csv`` (:mod:`tokensite.results.cash`): investment in the
calendar year an asset comes online, opex in every calendar year.
"""

from __future__ import annotations

import pandas as pd

from tokensite.dataset.geo import continent
from tokensite.results.cash import cash_by_year
from tokensite.results.formatting import usd
from tokensite.results.plans import token_economics
from tokensite.results.results import Results
from tokensite.units import MW_PER_GW

BN = 1e-9
M = 1e-6


def calendar_span(res: Results) -> str:
    years = res.summary["case"]["years"]
    return f"{years[0]}–{years[-1]}" if years[-1] > years[0] else str(years[0])


def build_and_cash(res: Results) -> pd.DataFrame:
    """Calendar year rows (the years between planning years included) and a total: GW of facility added, M GPUs
    bought, then the cash in USD bn: investment by category, its sum, opex and cash (investment + opex)."""
    c = res.cash
    wide = cash_by_year(c, res.summary["case"]["years"]).set_index("year")
    cap = c[c.kind == "capex"]
    out = pd.DataFrame(index=wide.index)
    out["facility added (GW)"] = cap[cap.category == "facility"].groupby("year").quantity.sum().reindex(wide.index).fillna(0.0) / MW_PER_GW
    out["GPUs bought (M)"] = cap[cap.category.str.startswith("gpus:")].groupby("year").quantity.sum().reindex(wide.index).fillna(0.0) * M
    for col in wide.columns:
        out[f"{col} (USD bn)"] = wide[col] * BN
    out.loc["total"] = out.sum()
    out.index = [str(i) for i in out.index]
    return out.reset_index(names="calendar year")


def gw_by_region(res: Results) -> pd.DataFrame:
    """Facility GW standing by region and planning year, largest region (in the last year) first, and the world."""
    s = res.sites.assign(region=[continent(a, b) for a, b in zip(res.sites.lat, res.sites.lon)])
    gw = (s.groupby(["region", "year"]).facility_mw.sum() / MW_PER_GW).unstack("year")
    gw = gw.sort_values(gw.columns[-1], ascending=False)
    gw.loc["World"] = gw.sum()
    return gw.rename(columns=lambda y: f"{y} (GW)").reset_index(names="region")


def gpus_by_generation(res: Results) -> pd.DataFrame:
    """M GPUs bought by generation and planning year, and in service in the last year, most bought first."""
    f = res.fleet
    per_unit = (f.gpus_active / f.units_active.where(f.units_active > 0)).groupby(f.gpu).max()
    bought = (f.units_bought * f.gpu.map(per_unit).fillna(0.0)).groupby([f.gpu, f.year]).sum().unstack("year").fillna(0.0) * M
    last = int(f.year.max()) if not f.empty else None
    out = bought.rename(columns=lambda y: f"bought {y} (M GPUs)")
    if last is not None:
        out[f"in service {last} (M GPUs)"] = f[f.year == last].groupby("gpu").gpus_active.sum().reindex(out.index).fillna(0.0) * M
    out = out.loc[out.sum(axis=1).sort_values(ascending=False).index]
    return out.reset_index(names="GPU")


def layer_economics(res: Results) -> pd.DataFrame:
    """By layer and planning year: tokens (G tokens/s, served and hosted training), revenue (USD bn a year), value,
    cost and margin per Mtok; layers with the most tokens in the last year first."""
    k = token_economics(res)
    if k.empty:
        return pd.DataFrame()
    last = k.year.max()
    order = k[k.year == last].sort_values("tokens_per_s", ascending=False).layer.tolist()
    k = k.assign(rank=k.layer.map({l: i for i, l in enumerate(order)}).fillna(len(order))).sort_values(["rank", "year"])
    return pd.DataFrame({
        "layer": k.layer, "year": k.year, "tokens (G tokens/s)": k.tokens_per_s * BN, "revenue (USD bn a year)": k.revenue_usd * BN,
        "value (USD/Mtok)": k.value_usd_per_mtok, "cost (USD/Mtok)": k.cost_usd_per_mtok, "margin (USD/Mtok)": k.margin_usd_per_mtok,
        "draw (GW)": k.draw_mw / MW_PER_GW,
    }).reset_index(drop=True)


def where_to_build(res: Results) -> pd.DataFrame:
    """Every site built, largest (in the last year) first: where it is, the year it opens, MW by planning year
    and M GPUs in service in the last year."""
    s = res.sites
    built = s[s.facility_mw > 1e-6]
    mw = built.pivot_table(index="site_id", columns="year", values="facility_mw", aggfunc="sum").reindex(columns=sorted(s.year.unique()))
    mw = mw.fillna(0.0)
    last = mw.columns[-1]
    info = s.drop_duplicates("site_id").set_index("site_id")
    opens = built.groupby("site_id").year.min()
    gpus = s[s.year == last].set_index("site_id").gpus_active
    out = pd.DataFrame({"site": info.name.reindex(mw.index), "country": info.country.reindex(mw.index), "kind": info.kind.reindex(mw.index),
                        "opens": opens.reindex(mw.index)})
    for y in mw.columns:
        out[f"{y} (MW)"] = mw[y]
    out[f"GPUs {last} (M)"] = gpus.reindex(mw.index).fillna(0) * M
    return out.sort_values(f"{last} (MW)", ascending=False).reset_index(drop=True)


def _amount(x: float, big: str, small: str, factor: float) -> str:
    """``x`` in the big unit when at least 1 of it, else ``x × factor`` in the small one (GW or MW, M GPUs or GPUs)."""
    return f"{x:,.1f} {big}" if x >= 1 or x == 0 else f"{x * factor:,.3g} {small}"


def headline(res: Results) -> str:
    """One sentence: what to build by the last year, and the cash it needs (plain text)."""
    years = res.summary["case"]["years"]
    last = res.sites[res.sites.year == years[-1]]
    gw, n = last.facility_mw.sum() / MW_PER_GW, int((last.facility_mw > 1e-6).sum())
    gpus = res.fleet[res.fleet.year == years[-1]].gpus_active.sum() * M
    text = (f"Build {_amount(gw, 'GW', 'MW', MW_PER_GW)} of facilities at {n:,} site{'s' if n != 1 else ''} by {years[-1]}, "
            f"with {_amount(gpus, 'M GPUs', 'GPUs', 1 / M)} in service")
    if "cash" in res.frames:
        t = cash_by_year(res.cash, years)
        text += (f"; this needs {usd(t.investment.sum())} of investment over {calendar_span(res)} "
                 f"({usd(t.investment.iloc[0])} in {years[0]}) and {usd(t.opex.sum())} of opex")
    return text + "."
