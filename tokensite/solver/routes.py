"""Route column generation: solve on a pruned route set, price the dropped flows, add the ones that pay.

Most columns of a continental case are flows ``flow[r,m,l,t,y]`` along eligible routes (r, m, l),
and almost all of them stay at zero. The solve therefore starts from a *pruned* set: for each
metro and layer, the ``k`` nearest eligible sites (by RTT) and the ``k`` cheapest (by the running
cost of a token there: GPU, power and facility per Mtok at the best generation, plus the route's
transit; :func:`tokensite.model.yardstick.delivered_usd_per_mtok`). Dropped flows keep their
columns in the compiled matrix but have their upper bound set to 0, so HiGHS's presolve removes
them and every row, dual and name stays where it is.

Pricing. With row duals π of the restricted LP, a dropped column j has reduced cost
d_j = c_j − a_jᵀπ. Every dropped flow with d_j < −:data:`RC_TOL` (HiGHS's dual feasibility
tolerance, in HiGHS's scaled cost units) is added back, that flow alone, not the other slices and
years of its route; the restricted LP is re-solved until no dropped flow prices out, and then its
optimum is the full LP's. Generation may stop sooner, once the bound below is close enough to the
restricted optimum that the gap target cannot hinge on it (:func:`tokensite.solver.phases.relax`).

Bound. At every stage the full LP's optimum z* satisfies

.. math::
    z^* \\ge z_{RMP} + Σ_g \\min \\{ Σ_{j∈g\\ dropped} d_j x_j : 0 ≤ x_j ≤ u_j,\\ Σ_{j∈g\\ dropped} x_j ≤ U_g \\}

(weak Lagrangian duality: π and the restricted LP's column duals are dual feasible for every
column but the dropped ones, whose part of the Lagrangian is minimised over their bounds and over
Σ_{j∈g dropped} x_j ≤ U_g, a row the demand rows imply). A group g is the flows to one metro of one layer in
one slice and year; U_g is what the demand rows let every route to that metro carry in that slice
(``metro_slice_caps``, the bound the linking rows use) and u_j = min(U_g, the flow's column bound).
Each group's minimum fills its most negative d_j first. It is never below the flow-by-flow
Σ_j min(0, d_j) u_j, which lets every route to a metro carry all of its demand at once. This is the
bound :mod:`tokensite.solver` reports while routes are still being generated, and it is ≤ the MIP
optimum because the LP optimum is.

The final plan is checked against the full route set the same way, at the LP with every integer
fixed: a dropped flow that prices out there is added and that LP re-solved, until none does.

Opt-in (``[solver] route_k``, default 0): on the world case it does not pay, on the continental
benchmarks it does (docs/formulation.md, "Route generation", has both measurements).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from tokensite.compile import Compiled
from tokensite.model.index import Index
from tokensite.model.linking import metro_slice_caps
from tokensite.model.params import Params
from tokensite.model.yardstick import delivered_usd_per_mtok

RC_TOL = 1e-7  # HiGHS's default dual_feasibility_tolerance, in its (scaled) cost units
RUNNING_TERMS = ("gpu", "power", "facility")


@dataclass(frozen=True)
class RouteSet:
    """The flow columns of a compiled model, grouped by route, and the routes to start from."""

    cols: np.ndarray  # column index of each flow
    route: np.ndarray  # route id of each flow (row of ``keys``)
    keys: tuple[tuple[str, str, str], ...]  # (r, m, l) by route id
    ub: np.ndarray  # implied upper bound of each flow (Mtok/s)
    start: np.ndarray  # bool by route id: in the starting set
    group: np.ndarray  # (metro, layer, slice, year) id of each flow: the flows one demand row caps together
    group_cap: np.ndarray  # U of each group, in the flows' column units: Σ of the group's flows ≤ it

    @property
    def n_routes(self) -> int:
        return len(self.keys)


def running_cost_usd_per_mtok(ix: Index, par: Params) -> dict[tuple[str, str], float]:
    """(r, l) -> GPU + power + facility USD per Mtok of the cheapest generation on sale by the last year."""
    out = {}
    last = ix.Y[-1]
    for r, l in {(r, l) for (r, _m, l, _t, _y) in ix.E}:
        terms = delivered_usd_per_mtok(ix, par, r, l, last, 1e-6)
        out[(r, l)] = sum(terms[t] for t in RUNNING_TERMS) if terms else np.inf
    return out


def starting_routes(routes: pd.DataFrame, cost: dict[tuple[str, str], float], transit: dict, k: int) -> set[tuple[str, str, str]]:
    """The k nearest and the k cheapest eligible sites of every (metro, layer)."""
    frame = routes[["site_id", "metro_id", "layer", "rtt_ms"]].copy()
    frame["usd_per_mtok"] = [cost.get((r, l), np.inf) + transit.get((r, m, l), 0.0)
                             for r, m, l in zip(frame.site_id, frame.metro_id, frame.layer)]
    by = frame.groupby(["metro_id", "layer"], sort=False)
    near = frame.loc[by.rtt_ms.rank(method="first") <= k]
    cheap = frame.loc[by.usd_per_mtok.rank(method="first") <= k]
    return set(zip(near.site_id, near.metro_id, near.layer)) | set(zip(cheap.site_id, cheap.metro_id, cheap.layer))


def route_set(comp: Compiled, ix: Index, par: Params, routes: pd.DataFrame, k: int | None) -> RouteSet | None:
    """The pruned route set for column generation with ``k`` sites per metro and layer, or None
    (every route) when ``k`` is 0 or None."""
    if not k:
        return None
    cols = np.array([j for j, (name, _) in enumerate(comp.col_names) if name == "flow"], dtype=np.int32)
    if not len(cols):
        return None
    index = [comp.col_names[j][1] for j in cols]
    keys: dict[tuple, int] = {}
    route = np.array([keys.setdefault((r, mm, l), len(keys)) for (r, mm, l, _t, _y) in index], dtype=np.int32)
    cap = metro_slice_caps(ix, par)
    upper = np.asarray(comp.lp.col_upper_)[cols]
    flow_cap = np.array([cap.get((mm, l, t, y), 0.0) for (_r, mm, l, t, y) in index]) / comp.unit_of(cols)
    ub = np.minimum(upper, flow_cap)
    groups: dict[tuple, int] = {}
    group = np.array([groups.setdefault((mm, l, t, y), len(groups)) for (_r, mm, l, t, y) in index], dtype=np.int64)
    group_cap = np.zeros(len(groups))
    np.maximum.at(group_cap, group, flow_cap)
    keep = starting_routes(routes[routes.layer.isin(ix.L_METRO)], running_cost_usd_per_mtok(ix, par), par.transit_usd_per_mtok, k)
    key_list = tuple(keys)
    start = np.array([key in keep for key in key_list], dtype=bool)
    return RouteSet(cols, route, key_list, ub, start, group, group_cap)


class RoutePricing:
    """Which flows are in the restricted LP, and the pricing of the rest from row duals.

    The starting set is by route (all slices and years of a kept route); generation then adds flows
    one by one: a flow that prices out joins the restricted LP without the other slices and years
    of its route (docs/formulation.md, "Route generation", has the measurement that chose this)."""

    def __init__(self, comp: Compiled, routes: RouteSet) -> None:
        lp = comp.lp
        a = lp.a_matrix_
        A = sp.csc_matrix((np.asarray(a.value_), np.asarray(a.index_), np.asarray(a.start_)), shape=(lp.num_row_, lp.num_col_))
        self.routes = routes
        self.A_flow_T = A[:, routes.cols].T.tocsr()
        self.cost = np.asarray(lp.col_cost_)[routes.cols]
        self.upper = np.asarray(lp.col_upper_)[routes.cols]
        self.active = routes.start[routes.route].copy()  # bool by flow (position in ``routes.cols``)

    @property
    def dropped_cols(self) -> np.ndarray:
        return self.routes.cols[~self.active]

    def restrict(self, h) -> None:
        """Set the dropped flows' upper bounds to 0 in the HiGHS object ``h``."""
        cols = self.dropped_cols
        h.changeColsBounds(len(cols), cols, np.zeros(len(cols)), np.zeros(len(cols)))

    def reduced_costs(self, row_dual: np.ndarray) -> np.ndarray:
        """d_j = c_j − a_jᵀπ of every flow column, in HiGHS's scaled cost units."""
        return self.cost - self.A_flow_T @ row_dual

    def lagrangian_gap(self, row_dual: np.ndarray) -> float:
        """What the dropped flows could still save (≤ 0, scaled units): for each group g of flows one demand row caps
        together, min Σ d_j x_j over 0 ≤ x_j ≤ u_j, Σ_g x_j ≤ U_g, the dropped flows j of g with d_j < 0 filled
        most negative first. The group row is implied by the demand rows, so the bound stays valid; it is never
        below Σ min(0, d_j) u_j, and far above it where many routes to one metro price out (XL: 4 M dropped flows)."""
        d = self.reduced_costs(row_dual)
        idx = np.flatnonzero(~self.active & (d < 0))
        if not len(idx):
            return 0.0
        g = self.routes.group[idx]
        order = np.lexsort((d[idx], g))
        idx, g = idx[order], g[order]
        u = self.routes.ub[idx]
        cum = np.cumsum(u)
        first = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
        before = cum - u - np.repeat(cum[first] - u[first], np.diff(np.r_[first, len(idx)]))
        x = np.clip(self.routes.group_cap[g] - before, 0.0, u)
        return float(d[idx] @ x)

    def priced_out(self, row_dual: np.ndarray) -> np.ndarray:
        """Positions (in ``routes.cols``) of the dropped flows priced below −RC_TOL."""
        d = self.reduced_costs(row_dual)
        return np.flatnonzero(~self.active & (d < -RC_TOL))

    def routes_of(self, flows: np.ndarray) -> set[tuple[str, str, str]]:
        """The (site, metro, layer) routes of the flows at positions ``flows``."""
        return {self.routes.keys[i] for i in np.unique(self.routes.route[flows])}

    def add(self, h, new: np.ndarray) -> None:
        """Add the flows at positions ``new`` back in ``h`` (their own upper bounds restored)."""
        self.active[new] = True
        cols = self.routes.cols[new]
        h.changeColsBounds(len(cols), cols, np.zeros(len(cols)), self.upper[new])

    def summary(self) -> str:
        used = np.zeros(self.routes.n_routes, dtype=bool)
        used[self.routes.route[self.active]] = True
        return (f"route generation: {int(self.active.sum())} of {len(self.active)} flows in the model, "
                f"from {int(used.sum())} of {self.routes.n_routes} routes ({int(self.routes.start.sum())} to start)")
