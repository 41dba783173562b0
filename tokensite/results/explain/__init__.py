"""Why not here: the binding reason, in words, for every unbuilt site and every (partly)
unserved metro x layer or training program.

Reads only the Results and the Dataset: the eligibility sets and parameters are the
model's own (:func:`tokensite.model.build.case_data` on the case in the summary), so a
results folder can be explained again without the solve. Cost reasons price a token with the
model's yardstick (:mod:`tokensite.model.yardstick`). Reasons, in order of precedence:

sites      lead_time > no_power > banned > min_campus > residency > no_demand > cost
demand     no_site_in_slo > residency > no_site_by_year > banned > reliability > build_pace | capacity > supply > cost_above_value | within_gap
           (build_pace: every usable site is at its limit and some at the facility its build pace allows by then)
training   no_host_by_year > min_campus > campus_power > cost_above_value | within_gap
"""

from __future__ import annotations

import pandas as pd

from tokensite.config import case_from_summary
from tokensite.dataset import Dataset
from tokensite.model.build import case_data
from tokensite.results.explain.context import COLUMNS, Context, powered_from
from tokensite.results.explain.demand import explain_demand
from tokensite.results.explain.sites import explain_sites
from tokensite.results.explain.training import explain_training
from tokensite.results.results import Results

__all__ = ["COLUMNS", "explain"]


def explain(ds: Dataset, res: Results) -> pd.DataFrame:
    """The why-not-here table of a solved case (empty when the solve found no plan)."""
    if "sites" not in res.frames:
        return pd.DataFrame(columns=COLUMNS)
    case = case_from_summary(res.summary["case"])
    ix, par = case_data(ds, case)
    earliest = {r: int(y) for r, y in zip(ds.regions.site_id, ds.regions.earliest_year)}
    c = Context(ds, ix, par, dict(res.frames), powered_from(ds, ix, par), earliest)
    rows = explain_sites(c) + explain_demand(c) + explain_training(c)
    return pd.DataFrame(rows, columns=COLUMNS)
