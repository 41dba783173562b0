"""Solution arrays -> tidy frames. The only results code that touches Pyomo objects.

Internal units (Mtok/s, MUSD) become tokens/s and USD here. Annual means of a slice
quantity are hour-weighted: mean = Σ_t w_t x_t / 8760.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.dataset import Dataset
from tokensite.results.explain import explain
from tokensite.model.sets import HOURS_PER_YEAR, MTOK, MUSD, SECONDS_PER_HOUR, Sets
from tokensite.solve import Compiled, SolveOutcome

CAPEX = ("gpus", "facility", "site development", "interconnection", "bridge capacity")
UNSERVED = ("unserved tokens", "unhosted training")


def cost_kind(category: str) -> str:
    """capex | opex | unserved, from a registered cost category (``gpus:H100``, ``energy:firm`` ...)."""
    head = category.split(":")[0]
    return "capex" if head in CAPEX else "unserved" if head in UNSERVED else "opex"


def values_by_var(m: pyo.ConcreteModel, comp: Compiled, x: np.ndarray) -> dict[str, dict]:
    """{variable name: {index: value}}; variables the compiler dropped keep their fixed value or 0."""
    out: dict[str, dict] = defaultdict(dict)
    for v in m.component_objects(pyo.Var, descend_into=True):
        for idx, vd in v.items():
            out[v.local_name][idx] = float(vd.value) if vd.fixed and vd.value is not None else 0.0
    for j, vd in enumerate(comp.columns):
        out[vd.parent_component().local_name][vd.index()] = float(x[j])
    return out


def duals_by_row(comp: Compiled, row_dual: np.ndarray | None) -> dict[str, dict]:
    out: dict[str, dict] = defaultdict(dict)
    if row_dual is None:
        return out
    for i, (con, _mult) in enumerate(comp.rows):
        key = con.index()
        name = con.parent_component().local_name
        out[name][key] = out[name].get(key, 0.0) + float(row_dual[i])
    return out


def _set_values(m: pyo.ConcreteModel, vals: dict[str, dict]) -> None:
    for v in m.component_objects(pyo.Var, descend_into=True):
        d = vals.get(v.local_name, {})
        for idx, vd in v.items():
            vd.set_value(d.get(idx, 0.0), skip_validation=True)


def extract(ds: Dataset, case: Case, m: pyo.ConcreteModel, S: Sets, comp: Compiled, out: SolveOutcome) -> dict[str, pd.DataFrame]:
    if out.x is None:
        return {}
    vals = values_by_var(m, comp, out.x)
    _set_values(m, vals)
    w = S.hours
    regions = S.params["regions"]
    gpus = S.params["gpus"]
    frames: dict[str, pd.DataFrame] = {}

    # fleet
    rows = []
    for (r, g, y), vintages in S.fleet_of.items():
        bought = vals["buy"].get((r, g, y), 0.0)
        active = sum(vals["buy"].get(k, 0.0) for k in vintages)
        if active > 1e-6 or bought > 1e-6:
            n = int(gpus.at[g, "gpus_per_unit"])
            rows.append(dict(site_id=r, gpu=g, year=y, units_bought=round(bought), units_active=round(active), gpus_active=round(active) * n))
    frames["fleet"] = pd.DataFrame(rows, columns=["site_id", "gpu", "year", "units_bought", "units_active", "gpus_active"])

    # allocation by layer (annual mean GPU units)
    alloc = defaultdict(float)
    for (r, g, l, t, y), v in vals["alloc"].items():
        alloc[(r, g, l, y)] += w[t] * v / HOURS_PER_YEAR
    for (r, g, l, y), v in vals["alloc_train"].items():
        alloc[(r, g, l, y)] += v
    layers = S.params["layers"]
    rows = []
    for (r, g, l, y), v in alloc.items():
        if v <= 1e-9:
            continue
        n = float(gpus.at[g, "gpus_per_unit"])
        rows.append(dict(site_id=r, gpu=g, layer=l, year=y, units_mean=v,
                         tokens_per_s=v * n * S.params["tput"][(g, l)] * float(layers.at[l, "util_max"]),
                         draw_mw=v * n * float(gpus.at[g, "kw_per_gpu"]) * float(layers.at[l, "power_fraction"]) / 1000 * float(regions.at[r, "pue"])))
    frames["allocation"] = pd.DataFrame(rows, columns=["site_id", "gpu", "layer", "year", "units_mean", "tokens_per_s", "draw_mw"])

    # flows (annual mean tokens/s); pooled layers appear with metro_id "pool:<group>"
    fl = defaultdict(float)
    for (r, mm, l, t, y), v in vals["flow"].items():
        fl[(r, mm, l, y)] += w[t] * v / HOURS_PER_YEAR * MTOK
    for (r, l, t, y), v in vals["pool"].items():
        fl[(r, f"pool:{S.pool_group[(r, l)]}", l, y)] += w[t] * v / HOURS_PER_YEAR * MTOK
    frames["flows"] = pd.DataFrame(
        [dict(site_id=r, metro_id=mm, layer=l, year=y, tokens_per_s=v) for (r, mm, l, y), v in fl.items() if v > 1e-6],
        columns=["site_id", "metro_id", "layer", "year", "tokens_per_s"],
    )

    # served / unserved per metro x layer x year (pooled layers per group)
    srv = defaultdict(lambda: [0.0, 0.0, 0.0])
    for (mm, l, y), d in S.demand.items():
        if l in S.LM:
            srv[(mm, l, y)][0] = d * MTOK
    for (r, mm, l, t, y), v in vals["flow"].items():
        srv[(mm, l, y)][1] += w[t] * v / HOURS_PER_YEAR * MTOK
    for (mm, l, t, y), v in vals["unserved"].items():
        srv[(mm, l, y)][2] += w[t] * v / HOURS_PER_YEAR * MTOK
    for (l, g, t, y), d in S.pool_demand.items():
        srv[(f"pool:{g}", l, y)][0] += w[t] * d / HOURS_PER_YEAR * MTOK
    for (r, l, t, y), v in vals["pool"].items():
        srv[(f"pool:{S.pool_group[(r, l)]}", l, y)][1] += w[t] * v / HOURS_PER_YEAR * MTOK
    for (l, g, t, y), v in vals["unserved_pool"].items():
        srv[(f"pool:{g}", l, y)][2] += w[t] * v / HOURS_PER_YEAR * MTOK
    frames["served"] = pd.DataFrame(
        [dict(metro_id=mm, layer=l, year=y, demand_tokens_per_s=a, served_tokens_per_s=b, unserved_tokens_per_s=c) for (mm, l, y), (a, b, c) in sorted(srv.items())],
        columns=["metro_id", "layer", "year", "demand_tokens_per_s", "served_tokens_per_s", "unserved_tokens_per_s"],
    )

    # sites per year
    queue = S.params["queue"]
    taken_at = defaultdict(list)
    for q in S.Q:
        if vals["take"].get(q, 0) > 0.5:
            taken_at[queue.at[q, "site_id"]].append(q)
    gpus_at = frames["fleet"].groupby(["site_id", "year"]).gpus_active.sum().to_dict()
    peak = defaultdict(float)
    if hasattr(m, "draw_mw"):
        for (r, t, y), e in m.draw_mw.items():
            peak[(r, y)] = max(peak[(r, y)], pyo.value(e))
    rows = []
    for r in S.R:
        for y in S.Y:
            taken = [q for q in taken_at.get(r, ()) if int(queue.at[q, "online_year"]) <= y]
            rows.append(dict(
                site_id=r, year=y, open=bool(vals["open"].get((r, y), 0) > 0.5), facility_mw=vals["mw"].get((r, y), 0.0),
                grid_mw=float(regions.at[r, "existing_mw"]) + sum(float(queue.at[q, "mw"]) for q in taken),
                bridge_mw=vals["bridge"].get((r, y), 0.0), peak_draw_mw=peak[(r, y)], gpus_active=int(gpus_at.get((r, y), 0)),
                tranches=";".join(taken),
            ))
    sites = pd.DataFrame(rows)
    info = regions[["site_id", "name", "lat", "lon", "country", "jurisdiction", "kind", "max_mw"]].reset_index(drop=True)
    frames["sites"] = info.merge(sites, on="site_id")

    # training hosts
    programs = S.params["programs"]
    rows = []
    for p in S.P:
        host = next((r for (pp, r) in S.PR if pp == p and vals["host"].get((pp, r), 0) > 0.5), None)
        rows.append(dict(program_id=p, layer=programs.at[p, "layer"], start_year=int(programs.at[p, "start_year"]),
                         tokens_per_s=float(programs.at[p, "tokens_per_s"]), site_id=host or "", hosted=host is not None))
    frames["training"] = pd.DataFrame(rows, columns=["program_id", "layer", "start_year", "tokens_per_s", "site_id", "hosted"])
    frames["layers"] = layers[["layer", "metro_bound", "slo_rtt_ms", "value_usd_per_mtok", "max_site_share"]].reset_index(drop=True)

    # costs: annual (undiscounted) USD per year x category x site, read off the objective's own terms
    rows = []
    for (cat, site, y), terms in m.cost_terms.items():
        usd = sum(float(pyo.value(e)) for e in terms) * MUSD
        if abs(usd) > 1e-9:
            rows.append(dict(year=y, category=cat, site_id=site, kind=cost_kind(cat), usd=usd, discount_factor=S.year_factor[y]))
    costs = pd.DataFrame(rows, columns=["year", "category", "site_id", "kind", "usd", "discount_factor"])
    frames["costs"] = costs
    by_cat = costs.groupby(["year", "category", "kind"], as_index=False).agg(usd=("usd", "sum"), discount_factor=("discount_factor", "first"))
    frames["plan"] = pd.DataFrame({
        "year": by_cat.year, "category": by_cat.category,
        "capex_usd": by_cat.usd.where(by_cat.kind == "capex", 0.0), "opex_usd": by_cat.usd.where(by_cat.kind == "opex", 0.0),
        "unserved_usd": by_cat.usd.where(by_cat.kind == "unserved", 0.0), "discount_factor": by_cat.discount_factor,
    })
    frames["metros"] = ds.metros[["metro_id", "name", "lat", "lon", "country", "jurisdiction", "population_m"]].reset_index(drop=True)
    frames["prices"] = _prices(S, duals_by_row(comp, out.row_dual))
    frames["explain"] = explain(ds, S, frames)
    return frames


def _prices(S: Sets, duals: dict[str, dict]) -> pd.DataFrame:
    """Marginal values from the LP with integers fixed (USD, undiscounted to each year)."""
    rows = []
    grid = defaultdict(float)
    for (r, t, y), d in duals.get("c_power_grid", {}).items():
        grid[(r, y)] += -d
    fac = defaultdict(float)
    for (r, t, y), d in duals.get("c_power_facility", {}).items():
        fac[(r, y)] += -d
    for (r, y) in sorted(set(grid) | set(fac)):
        phi = S.year_factor[y]
        rows.append(dict(kind="grid_mw", site_id=r, metro_id="", layer="", year=y, value=grid[(r, y)] * MUSD / phi, unit="usd_per_mw_year"))
        rows.append(dict(kind="facility_mw", site_id=r, metro_id="", layer="", year=y, value=fac[(r, y)] * MUSD / phi, unit="usd_per_mw_year"))
    w = S.hours
    year_rows = duals.get("c_demand_year", {})
    slice_rows = duals.get("c_demand_slice", {})
    layers = S.params["layers"]
    for (mm, l, y), lam in year_rows.items():
        p = {t: S.profile.get((mm, l, t), 1.0) for t in S.T}
        shift = float(layers.at[l, "max_shift"])
        d_obj = lam * sum(w[t] * p[t] for t in S.T) + sum(slice_rows.get((mm, l, t, y), 0.0) * (1 - shift) * p[t] for t in S.T)
        mtok = SECONDS_PER_HOUR * sum(w[t] * p[t] for t in S.T)
        rows.append(dict(kind="token", site_id="", metro_id=mm, layer=l, year=y, value=d_obj * MUSD / mtok / S.year_factor[y], unit="usd_per_mtok"))
    cap = defaultdict(float)
    for (r, l, t, y), d in duals.get("c_throughput_metro", {}).items():
        cap[(r, l, y)] += -d / (SECONDS_PER_HOUR * w[t])
    for (r, l, y), v in cap.items():
        rows.append(dict(kind="site_token_capacity", site_id=r, metro_id="", layer=l, year=y, value=v * MUSD / S.year_factor[y], unit="usd_per_mtok"))
    return pd.DataFrame(rows, columns=["kind", "site_id", "metro_id", "layer", "year", "value", "unit"])
