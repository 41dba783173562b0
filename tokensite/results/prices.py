"""Marginal values from the LP with every integer fixed, by the row groups the model registered.

.. math::
    grid\\_mw_{r,y} = −Σ_t λ^{grid}_{r,t,y} / φ_y          facility\\_mw_{r,y} = −Σ_t λ^{facility}_{r,t,y} / φ_y
    token_{m,l,y} = \\frac{λ^{year}_{m,l,y} Σ_t h_t p_{m,l,t} + Σ_t λ^{slice}_{m,l,t,y} (1 − shift_l) p_{m,l,t}}{3600 Σ_t w_t p_{m,l,t} · φ_y}
    site\\_token\\_capacity_{r,l,y} = −Σ_t λ^{metro}_{r,l,t,y} / (3600 Σ_t w_t · φ_y)
    gpu\\_supply_{g,k,y} = −λ^{supply}_{g,k,y}

The duals are in MUSD of discounted objective per unit of row; dividing by φ_y gives
undiscounted USD in year y: per MW-year for the MW rows, per Mtok for the token rows.
A layer that cannot shift has no year row (λ^{year} = 0): its slice rows are equalities.
site_token_capacity is the value of one more Mtok/s of capacity held all year, per Mtok it
would make (before 2026-11-25 it summed per-slice prices, doubling it with two slices).
gpu_supply is the value of one more unit of g bought in planning year y in market k (``*`` the
world): the discounted objective it saves, in USD (a unit is paid over its life, so no one year's
φ divides it; at rate 0 it is the undiscounted saving). Its rows carry ``gpu`` and ``market``.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from tokensite.model.index import Index
from tokensite.model.params import Params
from tokensite.units import SECONDS_PER_HOUR, musd_to_usd

COLUMNS = ["kind", "site_id", "metro_id", "layer", "year", "value", "unit", "gpu", "market"]


def _per_site_year(duals: dict) -> dict[tuple, float]:
    out = defaultdict(float)
    for (r, _t, y), d in duals.items():
        out[(r, y)] += -d
    return out


def prices(ix: Index, par: Params, duals: dict[str, dict]) -> pd.DataFrame:
    """``duals`` maps each price kind (model/ledger.py PRICE_KINDS) to {row index: dual}."""
    phi, w = par.discount_factor, par.hours
    rows = []
    grid, fac = _per_site_year(duals.get("grid_mw", {})), _per_site_year(duals.get("facility_mw", {}))
    for r, y in sorted(set(grid) | set(fac)):
        rows.append(dict(kind="grid_mw", site_id=r, metro_id="", layer="", year=y, value=musd_to_usd(grid[(r, y)]) / phi[y], unit="usd_per_mw_year"))
        rows.append(dict(kind="facility_mw", site_id=r, metro_id="", layer="", year=y, value=musd_to_usd(fac[(r, y)]) / phi[y], unit="usd_per_mw_year"))
    slice_rows, year_rows = duals.get("token_slice", {}), duals.get("token_year", {})
    metro_years = set(year_rows) | {(mm, l, y) for (mm, l, _t, y) in slice_rows}
    for (mm, l, y), lam in ((k, year_rows.get(k, 0.0)) for k in sorted(metro_years)):
        p = {t: par.profile.get((mm, l, t), 1.0) for t in ix.T}
        d_obj = lam * sum(par.hour_share[t] * p[t] for t in ix.T) + sum(slice_rows.get((mm, l, t, y), 0.0) * (1 - par.max_shift[l]) * p[t] for t in ix.T)
        mtok = SECONDS_PER_HOUR * sum(w[t] * p[t] for t in ix.T)
        rows.append(dict(kind="token", site_id="", metro_id=mm, layer=l, year=y, value=musd_to_usd(d_obj) / mtok / phi[y], unit="usd_per_mtok"))
    cap = defaultdict(float)
    for (r, l, _t, y), d in duals.get("site_token_capacity", {}).items():
        cap[(r, l, y)] += -d
    year_mtok = SECONDS_PER_HOUR * sum(w.values())  # Mtok a year per Mtok/s held in every slice
    for (r, l, y), v in ((k, v / year_mtok) for k, v in cap.items()):
        rows.append(dict(kind="site_token_capacity", site_id=r, metro_id="", layer=l, year=y, value=musd_to_usd(v) / phi[y], unit="usd_per_mtok"))
    for (g, k, y), d in sorted(duals.get("gpu_supply", {}).items()):
        rows.append(dict(kind="gpu_supply", site_id="", metro_id="", layer="", year=y, value=musd_to_usd(-d), unit="usd_per_unit", gpu=g, market=k))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame[["gpu", "market"]] = frame[["gpu", "market"]].astype(object).fillna("")
    return frame
