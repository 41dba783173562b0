"""CO2 caps by jurisdiction (docs/formulation.md, "CO2 caps by jurisdiction"), from co2_caps.csv.

.. math::
    Σ_{r ∈ R_j} Σ_t w_t (Σ_k tier\\_mw[r,k,t,y] · c_r + bridge\\_draw\\_mw[r,t,y] · c^{bridge}_r) / 1000 ≤ cap_{j,y}
    \\quad ∀ (j, y) ∈ co2\\_caps

R_j are the sites whose ``jurisdiction`` (regions.csv) is j; the left side is the annual tonnage
the policy family's worldwide cap sums, site by site (its grid term is
:func:`tokensite.model.policy.grid_emissions_t`), so a jurisdiction's cap and the world's agree on
what a site emits. A planning year is capped
only where the file gives its year; the cap is per calendar year, like the emissions.
"""

from __future__ import annotations

import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.dataset import Dataset
from tokensite.model.index import Index
from tokensite.model.params import Params
from tokensite.model.policy import grid_emissions_t
from tokensite.units import KG_PER_T

NAME = "co2_caps"


def co2_cap_params(ds: Dataset, case: Case) -> dict:
    """{"cap_t": {(jurisdiction, year): t CO2 per year}, "sites": {jurisdiction: [site ids]}} for the case's years."""
    caps = ds.co2_caps
    sites: dict[str, list[str]] = {}
    for r, j in zip(ds.regions.site_id, ds.regions.jurisdiction):
        sites.setdefault(str(j), []).append(str(r))
    return {"cap_t": {(str(j), int(y)): float(c) for j, y, c in zip(caps.jurisdiction, caps.year, caps.cap_t) if int(y) in case.years},
            "sites": sites}


def add_co2_caps(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    own = par.family.get(NAME, {})
    cap, sites = own.get("cap_t", {}), own.get("sites", {})
    planned = set(ix.R)
    tiers: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for r, k, t, y in ix.RKTY:
        tiers.setdefault((r, y), []).append((k, t))
    rows = sorted((j, y) for j, y in cap if any(r in planned and (r, y) in tiers for r in sites.get(j, ())))

    def emissions_t(r: str, y: int) -> object:
        e = sum(grid_emissions_t(m, ix, par, r, k, t, y) for k, t in tiers.get((r, y), ()))
        if r in ix.R_BRIDGE:
            e += sum(par.hours[t] * par.bridge_carbon_kg_per_mwh[r] / KG_PER_T * m.bridge_draw_mw[r, t, y] for t in ix.T)
        return e

    m.c_co2_caps = pyo.Constraint(rows, rule=lambda _, j, y: sum(emissions_t(r, y) for r in sites[j] if r in planned) <= cap[(j, y)])
