"""What a planning year stands for: the calendar rows of demand.csv and token_values.csv read for the case's
planning years (docs/formulation.md, "Demand of a planning year"). Each planning year y stands for the W_y
calendar years until the next one; ``[case] period_demand`` says whether it serves its own year's demand
(``first``) or the period's mean (``mean``), and its token value follows the same choice.
"""

from __future__ import annotations

import pandas as pd

from tokensite.config import Case
from tokensite.model.gpu_rules import latest_at_or_before

Key = tuple


def calendar_years(case: Case, present: set[int]) -> dict[int, list[int]]:
    """C_y for each planning year y: the calendar years of its span (y to the next planning year) in ``present``."""
    return {y: [c for c in range(y, y + weight) if c in present] for y, weight in case.year_weights().items()}


def demand_by_planning_year(demand: pd.DataFrame, case: Case) -> pd.DataFrame:
    """demand.csv's rows (metro_id, layer, year, tokens_per_s) for the planning years D_{m,l,y}.

    ``first``: planning year y's own rows. ``mean``: the mean over the calendar years C_y that y stands for
    (y to the next planning year) and that demand.csv has any row for; a metro and layer with no row in one
    of C_y counts 0 there, since a missing row is no demand. Tokens served over the period then sum what
    demand.csv asks for over its calendar years; a dataset with rows for its planning years only is unchanged.
    """
    cols = ["metro_id", "layer", "year", "tokens_per_s"]
    if case.period_demand == "first":
        return demand.loc[demand.year.isin(case.years), cols].reset_index(drop=True)
    parts = []
    for y, years in calendar_years(case, set(demand.year.astype(int))).items():
        if not years:
            continue
        rows = demand[demand.year.isin(years)]
        mean = rows.groupby(["metro_id", "layer"], sort=False).tokens_per_s.sum() / len(years)
        parts.append(mean.reset_index().assign(year=y))
    return pd.concat(parts, ignore_index=True)[cols] if parts else demand.loc[[], cols]


def token_value_by_year(layers: pd.DataFrame, token_values: pd.DataFrame, years: list[int] | tuple[int, ...]) -> dict[Key, float]:
    """{(layer, y): USD/Mtok}: the token_values.csv row of the layer with the latest year ≤ y;
    layers.csv's value where the layer has no such row (no row at all, or y before its first)."""
    out = {}
    for l, flat in zip(layers.layer, layers.value_usd_per_mtok.astype(float)):
        rows = token_values[token_values.layer == l]
        for y in years:
            value = latest_at_or_before(zip(rows.year, rows.value_usd_per_mtok), y)
            out[(l, int(y))] = flat if value is None else value
    return out


def token_value_by_period(layers: pd.DataFrame, token_values: pd.DataFrame, demand: pd.DataFrame, case: Case) -> dict[Key, float]:
    """value_{l,y} of the case's planning years. ``first``: :func:`token_value_by_year`. ``mean`` (period_demand):
    the calendar values over C_y (the calendar years of D_{m,l,y}'s mean) weighted by the layer's world demand in
    each, so that value_{l,y} · D_{l,y} is the period's mean revenue: v̄ = Σ_c v_{l,c} D_{l,c} / Σ_c D_{l,c}
    (the plain mean where the layer asks nothing in the period)."""
    if case.period_demand == "first":
        return token_value_by_year(layers, token_values, case.years)
    present = set(demand.year.astype(int))
    per_year = demand.groupby(["layer", "year"]).tokens_per_s.sum()
    calendar = token_value_by_year(layers, token_values, sorted(present | set(case.years)))
    out = {}
    for y, years in calendar_years(case, present).items():
        years = years or [y]
        for l in layers.layer:
            w = [float(per_year.get((l, c), 0.0)) for c in years]
            v = [calendar[(l, c)] for c in years]
            out[(l, int(y))] = sum(a * b for a, b in zip(v, w)) / sum(w) if sum(w) > 0 else sum(v) / len(v)
    return out
