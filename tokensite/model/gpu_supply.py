"""GPU supply by year and market (docs/formulation.md, "GPU supply by year"), from gpu_supply.csv.

.. math::
    Σ_{r ∈ R_k,\\ (r,g,y) ∈ RGY} buy[r,g,y] ≤ Σ_{c = y}^{y + W_y − 1} cap_{g,k,c}     ∀ (g, k, y) with every cap_{g,k,c} given

k is a market (regions.csv ``market``, blank = the site's country; R_k its sites) or the world
(``*``, R_* every site). cap_{g,k,c} is the ``units_max`` of gpu_supply.csv's row of (g, k) with the
latest ``year`` ≤ c; for the world, a calendar year before g's first world row takes gpus.csv's
``supply_units_per_year`` (blank = unlimited). A planning year y stands for the W_y calendar years
c = y … y + W_y − 1 and buys their units in one go, so its row allows the sum of their caps; a span
with an uncapped year has no row. Each row is valid because every unit of g bought at a site of k
in planning year y is a ``buy[r,g,y]`` on its left side, and a unit is bought in one year only.

A GPU with world rows in gpu_supply.csv has all its world limits here: the policy family's
``c_policy_supply`` (gpus.csv's constant) is then left out for it (``Params.supply_units_per_year``),
so no year is limited twice. Without the file this family builds nothing.

Price rows: ``c_gpu_supply`` (``gpu_supply``): the value of one more unit of g in year y in market k.
"""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.dataset import Dataset
from tokensite.model.gpu_rules import WORLD, latest_at_or_before
from tokensite.model.index import Index
from tokensite.model.ledger import register_price_rows
from tokensite.model.params import Params

NAME = "gpu_supply"


def gpu_supply_params(ds: Dataset, case: Case) -> dict:
    """{"cap": {(g, market, y): units a planning year}, "sites": {market: [site ids]}}, market ``*`` the world."""
    sup = ds.gpu_supply
    if sup.empty:
        return {"cap": {}, "sites": {}}
    fallback = {g: float(v) for g, v in zip(ds.gpus.gpu, ds.gpus.supply_units_per_year) if pd.notna(v)}
    markets = ds.regions.market.fillna(ds.regions.country) if "market" in ds.regions else ds.regions.country
    sites: dict[str, list[str]] = {WORLD: [str(r) for r in ds.regions.site_id]}
    for r, k in zip(ds.regions.site_id, markets):
        sites.setdefault(str(k), []).append(str(r))
    weight = case.year_weights()
    cap = {}
    for (g, k), f in sup.assign(market=sup.market.fillna(WORLD)).groupby(["gpu", "market"]):
        rows = list(zip(f.year, f.units_max))
        for y in case.years:
            per_year = [latest_at_or_before(rows, c) for c in range(y, y + weight[y])]
            per_year = [fallback.get(g) if v is None and k == WORLD else v for v in per_year]
            if all(v is not None for v in per_year):
                cap[(str(g), str(k), int(y))] = sum(per_year)
    return {"cap": cap, "sites": sites}


def add_gpu_supply(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    own = par.family.get(NAME, {})
    cap, sites = own.get("cap", {}), own.get("sites", {})
    rgy = set(ix.RGY)
    buys = {(g, k, y): [r for r in sites.get(k, ()) if (r, g, y) in rgy] for (g, k, y) in cap}
    rows = sorted(key for key, rs in buys.items() if rs)
    m.c_gpu_supply = pyo.Constraint(rows, rule=lambda _, g, k, y: sum(m.buy[r, g, y] for r in buys[(g, k, y)]) <= cap[(g, k, y)])
    register_price_rows(m, "gpu_supply", m.c_gpu_supply)
