"""Build pace family (docs/formulation.md, "Build pace"): a campus grows in phases, as real ones do.

.. math::
    facility\\_mw[r,y_0] ≤ E_r + pace_r
    facility\\_mw[r,y_i] − facility\\_mw[r,y_{i-1}] ≤ pace_r · (y_i − y_{i-1})        i = 1 … |Y| − 1

pace_r is regions.csv's ``max_build_mw_per_year`` (blank = the default of the site's kind,
``DEFAULT_MAX_BUILD_MW_PER_YEAR``: no limit for every kind), E_r its ``existing_facility_mw``
(0 when blank), y_0 the first planning year. By the first planning year a site holds at most the
halls standing plus one year of building; between two planning years it adds at most the pace
times the calendar years between them. Valid as the data's statement of how fast a site can be
built: it cuts off only plans that build faster. A row whose right-hand side reaches max_mw
cannot bind (facility_mw ≤ max_mw is the variable's bound) and is not built; without the column
the family builds no row.
"""

from __future__ import annotations

import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.dataset import Dataset
from tokensite.model.index import Index
from tokensite.model.params import Params

NAME = "pace"


def pace_mw_per_year(ds: Dataset) -> dict[str, float]:
    """{site: facility MW it may add a year} for the sites with a finite pace."""
    r = ds.regions
    given = r[r.max_build_mw_per_year.notna()]
    return {str(s): float(v) for s, v in zip(given.site_id, given.max_build_mw_per_year)}


def pace_params(ds: Dataset, case: Case) -> dict:
    """{"mw_per_year": :func:`pace_mw_per_year`}: the family's own coefficients."""
    return {"mw_per_year": pace_mw_per_year(ds)}


def paced_mw(pace_mw_per_year: float, existing_facility_mw: float, y0: int, y: int) -> float:
    """The most facility MW the rows allow by year y: the halls standing plus a year of pace by y_0, plus
    the pace for every calendar year after it (explain's ``build_pace`` reason reads it)."""
    return existing_facility_mw + pace_mw_per_year * (1 + y - y0)


def pace_rows(ix: Index, par: Params) -> tuple[list[str], list[tuple[str, int, int]]]:
    """The sites whose first-year row can bind, and the (site, year before, year) steps that can."""
    pace = par.family.get(NAME, {}).get("mw_per_year", {})
    planned = set(ix.R)
    Y = ix.Y
    first = [r for r, v in sorted(pace.items()) if r in planned and par.existing_facility_mw.get(r, 0.0) + v < par.max_mw[r]]
    steps = [(r, Y[i - 1], Y[i]) for r, v in sorted(pace.items()) if r in planned for i in range(1, len(Y)) if v * (Y[i] - Y[i - 1]) < par.max_mw[r]]
    return first, steps


def add_pace(m: pyo.ConcreteModel, ix: Index, par: Params) -> None:
    pace = par.family.get(NAME, {}).get("mw_per_year", {})
    first, steps = pace_rows(ix, par)
    y0 = ix.Y[0]
    m.c_pace_first = pyo.Constraint(first, rule=lambda _, r: m.facility_mw[r, y0] <= par.existing_facility_mw.get(r, 0.0) + pace[r])
    m.c_pace_step = pyo.Constraint(steps, rule=lambda _, r, a, b: m.facility_mw[r, b] - m.facility_mw[r, a] <= pace[r] * (b - a))
