"""A neutral Solution -> tidy frames.

Internal units (Mtok/s, MUSD) become tokens/s and USD here. Annual means of a slice
quantity are hour-weighted: mean = Σ_t w_t x_t / 8760. Cost terms, draw and grid are the
model's own expressions, compiled into linear maps of the columns at the hand-off
(:class:`tokensite.compile.Readout`) and evaluated at the solution; marginal values come from
the row groups the families registered as price rows. No Pyomo object is needed here.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from tokensite.compile import Compiled
from tokensite.dataset import Dataset
from tokensite.model.index import Index
from tokensite.model.ledger import cost_kind
from tokensite.model.params import Params
from tokensite.results.calibration import calibration
from tokensite.results.cash import cash, investment_usd
from tokensite.results.prices import prices
from tokensite.solver import Solution
from tokensite.units import HOURS_PER_YEAR, mtok_to_tokens, musd_to_usd

SHOWN = 1e-6  # GPU units or tokens/s below this are not listed


def _annual_mean(w: dict[str, float], t: str, v: float) -> float:
    return w[t] * v / HOURS_PER_YEAR


FLEET_COLUMNS = ["site_id", "gpu", "year", "vintage", "units_bought", "units_installed", "units_retired", "units_active", "gpus_active"]


def _fleet(ix: Index, par: Params, buy: dict, retire: dict) -> pd.DataFrame:
    """Units by site x gpu x year x vintage: a vintage bought in the plan (vintage = the year bought;
    ``units_bought`` on its own year's row) or installed (installed.csv: ``units_installed``, of which
    ``units_retired`` by that year); ``units_active`` = bought still alive, or installed less retired."""
    rows = []
    for (r, g, y), vintages in ix.FLEET.items():
        for k in vintages:
            active = buy.get(k, 0.0)
            bought = active if k[2] == y else 0.0
            if active > SHOWN:
                rows.append(dict(site_id=r, gpu=g, year=y, vintage=k[2], units_bought=round(bought), units_installed=0, units_retired=0,
                                 units_active=round(active), gpus_active=round(active) * par.gpus_per_unit[g]))
        for v in ix.INSTALLED.get((r, g, y), ()):
            installed, retired = par.installed_units[(r, g, v)], round(retire.get((r, g, v, y), 0.0))
            rows.append(dict(site_id=r, gpu=g, year=y, vintage=v, units_bought=0, units_installed=round(installed), units_retired=retired,
                             units_active=round(installed) - retired, gpus_active=(round(installed) - retired) * par.gpus_per_unit[g]))
    return pd.DataFrame(rows, columns=FLEET_COLUMNS)


def _allocation(par: Params, v: dict[str, dict]) -> pd.DataFrame:
    w = par.hours
    alloc = defaultdict(float)
    for (r, g, l, t, y), x in v["alloc"].items():
        alloc[(r, g, l, y)] += _annual_mean(w, t, x)
    for (r, g, l, y), x in v["alloc_train"].items():
        alloc[(r, g, l, y)] += x
    rows = [
        dict(site_id=r, gpu=g, layer=l, year=y, units_mean=x, tokens_per_s=mtok_to_tokens(x * par.mtok_per_s_per_unit_in(g, l, y)), draw_mw=x * par.mw_per_unit[(g, l)] * par.pue[r])
        for (r, g, l, y), x in alloc.items()
        if x > 1e-9
    ]
    return pd.DataFrame(rows, columns=["site_id", "gpu", "layer", "year", "units_mean", "tokens_per_s", "draw_mw"])


def _flows_and_served(ix: Index, par: Params, v: dict[str, dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flows site -> metro (pooled layers as ``pool:<group>``) and served/unserved per metro."""
    w = par.hours
    fl = defaultdict(float)
    srv = defaultdict(lambda: [0.0, 0.0, 0.0])
    for (mm, l, y), d in par.demand_mtok_per_s.items():
        if l in ix.L_METRO:
            srv[(mm, l, y)][0] = mtok_to_tokens(d)
    for (r, mm, l, t, y), x in v["flow"].items():
        fl[(r, mm, l, y)] += mtok_to_tokens(_annual_mean(w, t, x))
        srv[(mm, l, y)][1] += mtok_to_tokens(_annual_mean(w, t, x))
    for (mm, l, t, y), x in v["unserved"].items():
        srv[(mm, l, y)][2] += mtok_to_tokens(_annual_mean(w, t, x))
    for (l, j, t, y), d in par.pool_demand_mtok_per_s.items():
        srv[(f"pool:{j}", l, y)][0] += mtok_to_tokens(_annual_mean(w, t, d))
    for (r, l, t, y), x in v["pool"].items():
        group = f"pool:{ix.POOL_GROUP[(r, l)]}"
        fl[(r, group, l, y)] += mtok_to_tokens(_annual_mean(w, t, x))
        srv[(group, l, y)][1] += mtok_to_tokens(_annual_mean(w, t, x))
    for (l, j, t, y), x in v["unserved_pool"].items():
        srv[(f"pool:{j}", l, y)][2] += mtok_to_tokens(_annual_mean(w, t, x))
    flows = pd.DataFrame(
        [dict(site_id=r, metro_id=mm, layer=l, year=y, tokens_per_s=x) for (r, mm, l, y), x in fl.items() if x > SHOWN],
        columns=["site_id", "metro_id", "layer", "year", "tokens_per_s"],
    )
    served = pd.DataFrame(
        [dict(metro_id=mm, layer=l, year=y, demand_tokens_per_s=a, served_tokens_per_s=b, unserved_tokens_per_s=c) for (mm, l, y), (a, b, c) in sorted(srv.items())],
        columns=["metro_id", "layer", "year", "demand_tokens_per_s", "served_tokens_per_s", "unserved_tokens_per_s"],
    )
    return flows, served


def _elastic_demand(ix: Index, par: Params, served: pd.DataFrame) -> pd.DataFrame:
    """Price-elastic layer-years: reference and served tokens/s and the clearing price the curve implies.

    .. math::
        P^{clear}_{l,y} = P^{ref}_{l,y} \\, (Q^{served}_{l,y} / Q^{ref}_{l,y})^{-1/ε_{l,y}}

    over the layer's metros (or pool groups) together: the price at which the constant-elasticity
    curve asks for what was served (within a block of the marginal block's value)."""
    cols = ["layer", "year", "elasticity", "reference_price_usd_per_mtok", "reference_tokens_per_s", "served_tokens_per_s",
            "served_over_reference", "clearing_price_usd_per_mtok"]
    rows = []
    by = served.groupby(["layer", "year"])[["demand_tokens_per_s", "served_tokens_per_s"]].sum()
    for (l, y), eps in sorted(par.elasticity.items()):
        if (l, y) not in by.index:
            continue
        ref, got = by.loc[(l, y)]
        ratio = got / ref if ref > 0 else float("nan")
        price = par.reference_price_usd_per_mtok[(l, y)] * ratio ** (-1.0 / eps) if ratio > 0 else float("nan")
        rows.append(dict(layer=l, year=y, elasticity=eps, reference_price_usd_per_mtok=par.reference_price_usd_per_mtok[(l, y)],
                         reference_tokens_per_s=ref, served_tokens_per_s=got, served_over_reference=ratio, clearing_price_usd_per_mtok=price))
    return pd.DataFrame(rows, columns=cols)


def _sites(ds: Dataset, comp: Compiled, x: np.ndarray, ix: Index, par: Params, v: dict[str, dict], fleet: pd.DataFrame) -> pd.DataFrame:
    taken_at = defaultdict(list)
    for q in ix.Q:
        if v["take"].get(q, 0) > 0.5:
            taken_at[par.tranche_site[q]].append(q)
    gpus_at = fleet.groupby(["site_id", "year"]).gpus_active.sum().to_dict()
    peak = comp.peak_draw_mw(x)
    grid = comp.readouts["grid_mw"].items_at(x)
    rows = [
        dict(
            site_id=r, year=y, open=bool(v["open"].get((r, y), 0) > 0.5), facility_mw=v["facility_mw"].get((r, y), 0.0),
            grid_mw=grid[(r, y)], bridge_mw=v["bridge_mw"].get((r, y), 0.0), peak_draw_mw=peak.get((r, y), 0.0),
            gpus_active=int(gpus_at.get((r, y), 0)), tranches=";".join(q for q in taken_at.get(r, ()) if par.tranche_online_year[q] <= y),
        )
        for r in ix.R
        for y in ix.Y
    ]
    info = ds.regions[["site_id", "name", "lat", "lon", "country", "jurisdiction", "kind", "max_mw"]].reset_index(drop=True)
    return info.merge(pd.DataFrame(rows), on="site_id")


def _training(ix: Index, par: Params, host: dict) -> pd.DataFrame:
    rows = []
    for p in ix.P:
        site = next((r for (pp, r) in ix.PR if pp == p and host.get((pp, r), 0) > 0.5), None)
        rows.append(dict(program_id=p, layer=par.program_layer[p], start_year=par.program_start_year[p],
                         tokens_per_s=par.program_tokens_per_s[p], site_id=site or "", hosted=site is not None))
    return pd.DataFrame(rows, columns=["program_id", "layer", "start_year", "tokens_per_s", "site_id", "hosted"])


def _costs(comp: Compiled, x: np.ndarray, par: Params) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Annual (undiscounted) USD by year x category x site, and the plan by year x category."""
    rows = []
    for (cat, site, y), musd in comp.readouts["costs"].items_at(x).items():
        usd = musd_to_usd(musd)
        if abs(usd) > 1e-9:
            rows.append(dict(year=y, category=cat, site_id=site, kind=cost_kind(cat), usd=usd, discount_factor=par.discount_factor[y]))
    costs = pd.DataFrame(rows, columns=["year", "category", "site_id", "kind", "usd", "discount_factor"])
    by_cat = costs.groupby(["year", "category", "kind"], as_index=False).agg(usd=("usd", "sum"), discount_factor=("discount_factor", "first"))
    plan = pd.DataFrame({
        "year": by_cat.year, "category": by_cat.category,
        "capex_usd": by_cat.usd.where(by_cat.kind == "capex", 0.0), "opex_usd": by_cat.usd.where(by_cat.kind == "opex", 0.0),
        "unserved_usd": by_cat.usd.where(by_cat.kind == "unserved", 0.0), "discount_factor": by_cat.discount_factor,
    })
    return costs, plan


def extract(ds: Dataset, ix: Index, par: Params, comp: Compiled, sol: Solution) -> dict[str, pd.DataFrame]:
    """Every results frame except ``explain`` (which reads the Results these make)."""
    if sol.values is None or sol.x is None:
        return {}
    v = defaultdict(dict, sol.values)
    frames: dict[str, pd.DataFrame] = {}
    frames["fleet"] = _fleet(ix, par, v["buy"], v["retire"])
    frames["allocation"] = _allocation(par, v)
    frames["flows"], frames["served"] = _flows_and_served(ix, par, v)
    if par.elasticity:
        frames["elastic_demand"] = _elastic_demand(ix, par, frames["served"])
    frames["sites"] = _sites(ds, comp, sol.x, ix, par, v, frames["fleet"])
    frames["training"] = _training(ix, par, v["host"])
    frames["layers"] = ds.layers[ds.layers.layer.isin(ix.L)][["layer", "metro_bound", "slo_rtt_ms", "value_usd_per_mtok", "max_site_share"]].reset_index(drop=True)
    frames["token_values"] = pd.DataFrame([(l, y, v) for (l, y), v in sorted(par.value_usd_per_mtok.items())], columns=["layer", "year", "value_usd_per_mtok"])
    od = ds.on_device
    frames["on_device"] = od[od.layer.isin(ix.L) & od.year.isin(ix.Y)][["metro_id", "layer", "year", "tokens_per_s"]].reset_index(drop=True)
    frames["costs"], frames["plan"] = _costs(comp, sol.x, par)
    frames["cash"] = cash(investment_usd(frames["fleet"], frames["sites"], par), frames["costs"], par)
    if not ds.calibration.empty:
        frames["calibration"] = calibration(frames["sites"], ds.calibration)
    frames["metros"] = ds.metros[["metro_id", "name", "lat", "lon", "country", "jurisdiction", "population_m"]].reset_index(drop=True)
    duals = sol.duals or {}
    frames["prices"] = prices(ix, par, {kind: duals.get(group, {}) for kind, group in comp.price_rows.items()})
    return frames
