"""The directions an alternative is pushed in: each group's built MW, M_g(x), as a linear map of the columns.

Groups are sites, countries, layers or GPU generations; a direction is min or max of one group built
in the optimum, or a random weighting of every group (docs/formulation.md, "Near-optimal alternatives").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tokensite.errors import UserError
from tokensite.run import Built

GROUPINGS = ("site", "country", "layer", "gpu")
BUILT_MW = 1e-6  # a site with more facility MW than this in a year is built that year


@dataclass(frozen=True)
class Direction:
    """One alternative's objective: Σ_g weight_g · M_g(x), minimised."""

    name: str
    kind: str  # min | max | random
    group: str | None
    weights: dict[str, float]


def group_measures(built: Built, by: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{group: (columns, MW per HiGHS unit of column)}, the built MW M_g(x) = Σ coef · x[cols] of each group.

    site / country: facility MW summed over the planning years; layer: the mean MW drawn for the
    layer (GPU allocation × MW per unit × PUE, slices weighted by their share of the year), summed
    over the years; gpu: nameplate IT MW of the units alive, summed over the years."""
    if by not in GROUPINGS:
        raise UserError(f"--by {by!r}: group by one of {', '.join(GROUPINGS)}")
    par, ix = built.par, built.ix
    col = {name: j for j, name in enumerate(built.comp.col_names)}
    country = dict(zip(built.ds.regions.site_id, built.ds.regions.country))
    terms: dict[str, dict[int, float]] = {}

    def add(group: str, name: tuple, coef: float) -> None:
        j = col.get(name)
        if j is not None and coef:
            g = terms.setdefault(group, {})
            g[j] = g.get(j, 0.0) + coef

    if by in ("site", "country"):
        for r, y in ix.RY:
            add(r if by == "site" else country[r], ("facility_mw", (r, y)), 1.0)
    elif by == "layer":
        for r, g, l, t, y in ix.RGLTY:
            add(l, ("alloc", (r, g, l, t, y)), par.mw_per_unit[(g, l)] * par.pue[r] * par.hour_share[t])
        for r, g, l, y in ix.RGLY_TRAIN:
            add(l, ("alloc_train", (r, g, l, y)), par.mw_per_unit[(g, l)] * par.pue[r])
    else:
        for (r, g, _y), vintages in ix.FLEET.items():
            for k in vintages:
                add(g, ("buy", k), par.nameplate_mw_per_unit[g])
    out = {}
    for g, t in sorted(terms.items()):
        cols = np.array(sorted(t), dtype=np.int32)
        out[g] = (cols, np.array([t[j] for j in cols.tolist()]) * built.comp.unit_of(cols))  # per HiGHS unit of each column
    return out


def measure(groups: dict[str, tuple[np.ndarray, np.ndarray]], x: np.ndarray) -> dict[str, float]:
    return {g: float(np.dot(coef, x[cols])) for g, (cols, coef) in groups.items()}


def directions(groups: dict[str, tuple[np.ndarray, np.ndarray]], x_opt: np.ndarray, count: int, seed: int,
               max_groups: int | None = None) -> list[Direction]:
    """min and max for each group built in the optimum (the ``max_groups`` largest), then ``count`` random directions."""
    at_opt = measure(groups, x_opt)
    built_groups = sorted((g for g, v in at_opt.items() if v > BUILT_MW), key=lambda g: (-at_opt[g], g))
    if max_groups is not None:
        built_groups = built_groups[:max_groups]
    out = []
    for g in built_groups:
        out.append(Direction(f"min_{g}", "min", g, {g: 1.0}))
        out.append(Direction(f"max_{g}", "max", g, {g: -1.0}))
    rng = np.random.default_rng(seed)
    width = len(str(max(count, 1)))
    for i in range(1, count + 1):
        out.append(Direction(f"random_{i:0{width}d}", "random", None, {g: float(w) for g, w in zip(groups, rng.uniform(-1, 1, len(groups)))}))
    return out


def cost_vector(groups: dict[str, tuple[np.ndarray, np.ndarray]], d: Direction, n: int) -> np.ndarray:
    c = np.zeros(n)
    for g, w in d.weights.items():
        cols, coef = groups[g]
        np.add.at(c, cols, w * coef)
    return c


def x_of(built: Built, values: dict[str, dict]) -> np.ndarray:
    """A plan's values (model units) as HiGHS's column values."""
    return built.comp.highs_x(np.array([values[name][key] for name, key in built.comp.col_names]))
