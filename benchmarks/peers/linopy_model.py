"""The tokensite formulation written in linopy (benchmark peer; LP relaxation).

Written as linopy is meant to be used: every variable is an array over named dimensions
(r sites, m metros, l layers, g GPUs, t slices, y years, v vintage years, k price tiers,
q tranches, p programs, j pool groups) with ``mask=`` switching off the combinations
tokensite's sparse index sets leave out; flows and unserved metro demand live on the
metro-bound layers only, pooled production and pooled demand on the pooled layers only.
Every constraint family is one whole-array expression (sums over dimensions, broadcasting
against coefficient arrays, a ``groupby`` of tranches by site) added with a row mask that
keeps exactly tokensite's rows. There is no Python loop over index tuples or rows; the
only loop is the final sum of a dozen cost families. The model is built under linopy's v1
arithmetic (a masked slot is absent, not zero; ``fillna(0)`` where a row must survive an
absent operand) with ``Model(sparse=True)`` (constraints kept as CSR rows).

It shares tokensite's data preparation: the sparse index sets (``tokensite.model.index``)
become boolean masks and the typed parameters (``tokensite.model.params``) become
coefficient arrays, each by one vectorised scatter into a dense array (``Arrays``). GPU
lifetimes, which the index uses to build its fleet map but ``Params`` does not carry, are
read from the Dataset's ``gpus`` table. The rows and their coefficients are
docs/formulation.md's (see the family modules in ``tokensite/model/``), including the
linking rows (§7) and the demand year rows weighted by hour shares h_t as tokensite's are.

Binaries and integers are continuous in [0, 1] and [0, ∞): the comparison is on the LP
relaxation, whose optimum must equal tokensite's ``--relax`` objective. Left out: the
policy family (the benchmark instances and the world case carry no supply limit, budget,
cap or carbon price, so it adds nothing there), and everything outside the model
(tokensite's investment, price-row, tightening and rounding registries, names, results
extraction).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from tokensite.config import Case
from tokensite.dataset import Dataset
from tokensite.model.index import Index, model_data
from tokensite.units import HOURS_PER_YEAR, SECONDS_PER_HOUR, tokens_to_mtok, usd_to_musd

INF = np.inf


@dataclass
class Peer:
    m: linopy.Model
    coords: dict[str, pd.Index]


class Arrays:
    """Dense xarray views of tokensite's sparse sets and parameter mappings on shared coordinates."""

    def __init__(self, coords: dict[str, Sequence]) -> None:
        self.coords = {d: pd.Index(list(c), name=d) for d, c in coords.items()}

    def index(self, *dims: str, **subset: Sequence) -> list[pd.Index]:
        """The coordinates of ``dims``, with ``subset`` (e.g. ``l=metro_layers``) in place of a whole dim."""
        return [pd.Index(list(subset[d]), name=d) if d in subset else self.coords[d] for d in dims]

    def _wrap(self, a: np.ndarray, dims: Sequence[str]) -> xr.DataArray:
        return xr.DataArray(a, coords={d: self.coords[d] for d in dims}, dims=list(dims))

    def _positions(self, keys: Iterable, dims: Sequence[str]) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
        """Positions of the keys along each dim (one hash lookup per dim), and which keys lie on the coordinates."""
        keys = list(keys)
        if len(dims) == 1:
            cols = [pd.Index(keys, dtype=object)]
        else:
            frame = pd.DataFrame(keys, columns=list(dims)) if keys else pd.DataFrame({d: [] for d in dims})
            cols = [frame[d] for d in dims]
        pos = [self.coords[d].get_indexer(c) for d, c in zip(dims, cols)]
        ok = np.logical_and.reduce([p >= 0 for p in pos]) if pos else np.array([], bool)
        return tuple(p[ok] for p in pos), ok

    def mask(self, keys: Iterable, *dims: str) -> xr.DataArray:
        """True on the tuples of a sparse index set."""
        a = np.zeros([len(self.coords[d]) for d in dims], bool)
        pos, _ = self._positions(keys, dims)
        a[pos] = True
        return self._wrap(a, dims)

    def param(self, mapping: Mapping, *dims: str, fill: float = np.nan) -> xr.DataArray:
        """A parameter mapping as an array; ``fill`` where it has no key (None values become NaN)."""
        a = np.full([len(self.coords[d]) for d in dims], fill, dtype=float)
        pos, ok = self._positions(mapping.keys(), dims)
        a[pos] = np.array(list(mapping.values()), dtype=float)[ok]
        return self._wrap(a, dims)

    def label(self, mapping: Mapping, dim: str) -> xr.DataArray:
        """A mapping from the labels of ``dim`` to labels (e.g. tranche -> site), as an object array."""
        return xr.DataArray(pd.Series(mapping, dtype=object).reindex(self.coords[dim]).to_numpy(), coords={dim: self.coords[dim]}, dims=[dim])


def _levels(keys: Iterable[tuple], i: int) -> list:
    """The distinct values at position i of a collection of tuples, sorted."""
    keys = list(keys)
    return sorted(pd.DataFrame(keys)[i].unique()) if keys else []


def build(ds: Dataset, case: Case) -> tuple[Peer, Index]:
    """The peer model of a case, built under linopy's v1 arithmetic (masked slots are absent, not zero)."""
    with linopy.options as options:
        options(semantics="v1")
        return _build(ds, case)


def _build(ds: Dataset, case: Case) -> tuple[Peer, Index]:
    S, par = model_data(ds, case)
    A = Arrays(dict(
        r=S.R, m=S.M, l=S.L, g=S.G, t=S.T, y=S.Y, v=S.Y, q=S.Q, p=S.P,
        k=_levels(par.price_usd_per_mwh, 1),
        j=sorted(set(S.POOL_GROUP.values()) | set(_levels(S.LJTY, 1))),
    ))
    m = linopy.Model(sparse=True)  # constraints kept as CSR rows, groupby sums sparse
    cost: list[linopy.LinearExpression] = []

    # -- data as arrays -----------------------------------------------------------------
    LM, LP = list(S.L_METRO), list(S.L_POOLED)  # flows live on the metro-bound layers, pool on the pooled ones
    phi = A.param(par.discount_factor, "y")
    w, h = A.param(par.hours, "t"), A.param(par.hour_share, "t")
    year = xr.DataArray(np.array(S.Y), coords={"y": A.coords["y"]}, dims=["y"])
    vintage = year.rename(y="v")
    share, shift, value = A.param(par.max_site_share, "l"), A.param(par.max_shift, "l"), A.param(par.value_usd_per_mtok, "l", "y")
    need = (A.param(par.demand_mtok_per_s, "m", "l", "y", fill=0.0) * A.param(par.profile, "m", "l", "t", fill=1.0)).sel(l=LM)  # D·p, Mtok/s
    pool_need = A.param(par.pool_demand_mtok_per_s, "l", "j", "t", "y", fill=0.0).sel(l=LP)
    tpu = A.param(par.mtok_per_s_per_unit, "g", "l", fill=0.0)
    mwu = A.param(par.mw_per_unit, "g", "l", fill=0.0)
    in_group = A.mask([(r, l, j) for (r, l), j in S.POOL_GROUP.items()], "r", "l", "j").sel(l=LP)  # pool group j of (r, l)

    E = A.mask(S.E, "r", "m", "l", "t", "y").sel(l=LM)
    RGLTY = A.mask(S.RGLTY, "r", "g", "l", "t", "y")
    RGLY_TRAIN = A.mask(S.RGLY_TRAIN, "r", "g", "l", "y")
    RGV = A.mask(S.RGY, "r", "g", "v")
    POOL = A.mask(S.RLTY_POOL, "r", "l", "t", "y").sel(l=LP)
    MLTY = A.mask(S.MLTY, "m", "l", "t", "y").sel(l=LM)
    LJTY = A.mask(S.LJTY, "l", "j", "t", "y").sel(l=LP)
    RKTY = A.mask(S.RKTY, "r", "k", "t", "y")
    BRIDGE = A.mask(S.R_BRIDGE, "r")
    life = xr.DataArray(ds.gpus.set_index("gpu").lifetime_years.reindex(list(S.G)).to_numpy(dtype=float), coords={"g": A.coords["g"]}, dims=["g"])
    active = (vintage <= year) & (year < vintage + life)  # (g, v, y): a unit bought in v works in y
    orphan = ~(in_group & LJTY.any("t")).any("j")  # (r, l, y): pooled tokens made where the group has no demand

    # -- variables ----------------------------------------------------------------------
    flow_ub = xr.where(share.sel(l=LM) < 1, share.sel(l=LM) * need, INF)
    open_ = m.add_variables(0, 1, coords=A.index("r", "y"), name="open")
    buy = m.add_variables(0, INF, coords=A.index("r", "g", "v"), mask=RGV, name="buy")
    alloc = m.add_variables(0, INF, coords=A.index("r", "g", "l", "t", "y"), mask=RGLTY, name="alloc")
    alloc_train = m.add_variables(0, INF, coords=A.index("r", "g", "l", "y"), mask=RGLY_TRAIN, name="alloc_train")
    flow = m.add_variables(0, flow_ub, coords=A.index("r", "m", "l", "t", "y", l=LM), mask=E, name="flow")
    pool = m.add_variables(0, xr.where(orphan, 0.0, INF), coords=A.index("r", "l", "t", "y", l=LP), mask=POOL, name="pool")
    unserved = m.add_variables(0, INF, coords=A.index("m", "l", "t", "y", l=LM), mask=MLTY, name="unserved")
    unserved_pool = m.add_variables(0, INF, coords=A.index("l", "j", "t", "y", l=LP), mask=LJTY, name="unserved_pool")
    mw = m.add_variables(0, A.param(par.max_mw, "r"), coords=A.index("r", "y"), name="mw")
    energy = m.add_variables(0, A.param(par.tier_cap_mw, "r", "k", "t").fillna(INF), coords=A.index("r", "k", "t", "y"), mask=RKTY, name="energy")
    bridge = m.add_variables(0, A.param(par.bridge_max_mw, "r", fill=0.0), coords=A.index("r", "y"), mask=BRIDGE, name="bridge")
    bridge_energy = m.add_variables(0, INF, coords=A.index("r", "t", "y"), mask=BRIDGE, name="bridge_energy")

    # -- demand (docs/formulation.md §1) --------------------------------------------------
    served = flow.sum("r") + unserved  # (m, l, t, y)
    m.add_constraints(served >= (1 - shift.sel(l=LM)) * need, mask=MLTY & (shift.sel(l=LM) < 1), name="demand_slice")
    m.add_constraints((h * served).sum("t") == (h * need).sum("t"), mask=MLTY.any("t"), name="demand_year")
    pooled = (pool * in_group).sum("r") + unserved_pool  # (l, j, t, y)
    m.add_constraints(pooled >= (1 - shift.sel(l=LP)) * pool_need, mask=LJTY & (shift.sel(l=LP) < 1), name="demand_pool_slice")
    m.add_constraints((h.where(LJTY, 0.0) * pooled).sum("t") == (h * pool_need).sum("t"), mask=LJTY.any("t"), name="demand_pool_year")
    mtok_per_year = SECONDS_PER_HOUR * w  # Mtok in a year per Mtok/s held in slice t
    cost.append((phi * usd_to_musd(value.sel(l=LM) * mtok_per_year) * unserved).sum())
    cost.append((phi * usd_to_musd(value.sel(l=LP) * mtok_per_year) * unserved_pool).sum())
    transit = A.param(par.transit_usd_per_mtok, "r", "m", "l", fill=0.0).sel(l=LM)
    cost.append((phi * usd_to_musd(transit * mtok_per_year) * flow).sum())

    # -- throughput (§2) ------------------------------------------------------------------
    capacity = (tpu * alloc).sum("g")  # (r, l, t, y), Mtok/s
    m.add_constraints(flow.sum("m") - capacity.sel(l=LM) <= 0, mask=E.any("m"), name="throughput_metro")
    m.add_constraints(pool - capacity.sel(l=LP) <= 0, mask=POOL, name="throughput_pool")
    fleet = (buy * active).sum("v")  # (r, g, y)
    has_fleet = (RGV & active).any("v")
    m.add_constraints(alloc.sum("l") + alloc_train.sum("l") - fleet <= 0, mask=(RGLTY.any("l") | RGLY_TRAIN.any("l")) & has_fleet, name="throughput_fleet")
    gpu_annual = usd_to_musd(A.param(par.gpu_unit_capex_usd, "g") * A.param(par.gpu_crf, "g"))
    cost.append((gpu_annual * (phi * active).sum("y") * buy).sum())

    # -- training (§3) --------------------------------------------------------------------
    if S.P:
        hosts = A.mask(S.PR, "p", "r")
        host = m.add_variables(0, 1, coords=A.index("p", "r"), mask=hosts, name="host")
        skip = m.add_variables(0, 1, coords=A.index("p"), name="skip")
        start = A.param(par.program_start_year, "p")
        runs = year >= start  # (p, y)
        on_layer = A.label(par.program_layer, "p") == xr.DataArray(list(S.L), coords={"l": A.coords["l"]}, dims=["l"])  # (p, l)
        mtok = tokens_to_mtok(A.param(par.program_tokens_per_s, "p"))
        m.add_constraints(host.sum("r") + skip == 1, name="training_one_host")
        m.add_constraints((tpu * alloc_train).sum("g") - (mtok * on_layer * runs * host).sum("p") >= 0,
                          mask=(hosts & on_layer & runs).any("p"), name="training_throughput")
        first = year == year.where(runs).min("y")  # (p, y): the first planning year at or after the start
        m.add_constraints(host - (first * open_).sum("y") <= 0, mask=hosts, name="training_open")
        m.add_constraints(mw - A.param(par.program_min_campus_mw, "p") * host >= 0, mask=hosts & runs, name="training_campus")
        annual = usd_to_musd((value * on_layer).sum("l") * mtok * SECONDS_PER_HOUR * HOURS_PER_YEAR)
        cost.append(((annual * phi * runs).sum("y") * skip).sum())  # the value is by year (token_values.csv)

    # -- queue (§5) and power (§4) --------------------------------------------------------
    it_mw = (mwu * alloc).sum(["g", "l"]) + (mwu * alloc_train).sum(["g", "l"])  # (r, t, y)
    draw = A.param(par.pue, "r") * it_mw
    drawn = RGLTY.any(["g", "l"]) | RGLY_TRAIN.any(["g", "l"])  # (r, t, y): rows where something draws power
    max_mw, min_mw = A.param(par.max_mw, "r"), A.param(par.min_mw, "r")
    m.add_constraints(draw - mw <= 0, mask=drawn, name="power_facility")
    m.add_constraints(mw - max_mw * open_ <= 0, name="power_site_open")
    m.add_constraints(mw - min_mw * open_ >= 0, mask=min_mw > 0, name="power_min_size")
    later = year > year[0]
    m.add_constraints(mw - mw.shift(y=1) >= 0, mask=later, name="power_mw_monotone")
    m.add_constraints(open_ - open_.shift(y=1) >= 0, mask=later, name="power_open_monotone")
    grid_supply = 0
    if S.Q:
        take = m.add_variables(0, 1, coords=A.index("q"), name="take")
        site_of = A.label(par.tranche_site, "q").rename("r")
        online = A.param(par.tranche_online_year, "q")
        supply = A.param(par.tranche_mw, "q") * (online <= year) * xr.ones_like(w)  # (q, y, t): on the grid row's own dims, so no merge across dims
        grid_supply = (supply * take).groupby(site_of).sum().reindex(r=A.coords["r"]).fillna(0)  # (r, t, y), 0 at sites with no tranche
        cost.append((usd_to_musd(A.param(par.tranche_overnight_usd, "q") * par.crf_interconnect) * (phi * (year >= online)).sum("y") * take).sum())
    m.add_constraints(energy.sum("k") - grid_supply <= A.param(par.existing_mw, "r", fill=0.0), mask=drawn, name="power_grid")
    m.add_constraints(draw - energy.sum("k") - bridge_energy.fillna(0) == 0, mask=drawn, name="power_energy")
    m.add_constraints(bridge_energy - bridge <= 0, mask=BRIDGE, name="power_bridge")
    price = A.param(par.price_usd_per_mwh, "r", "k", "t", fill=0.0)
    cost.append((phi * usd_to_musd(w * price) * energy).sum())
    cost.append((phi * usd_to_musd(w * A.param(par.bridge_price_usd_per_mwh, "r", fill=0.0)) * bridge_energy).sum())
    cost.append((phi * usd_to_musd(A.param(par.bridge_capex_usd_per_mw, "r", fill=0.0) * par.crf_bridge) * bridge).sum())
    facility = A.param(par.facility_capex_usd_per_mw, "r") * par.crf_facility + A.param(par.fixed_om_usd_per_mw_year, "r")
    cost.append((phi * usd_to_musd(facility) * mw).sum())
    cost.append((phi * usd_to_musd(A.param(par.site_fixed_usd, "r") * par.crf_site) * open_).sum())

    # -- linking (§7): U = min(ub(flow), (1 − s) D p_t + s N / w_t), N = Σ_t w_t D p_t ---
    def most_in_slice(d: xr.DataArray) -> xr.DataArray:
        s = shift.sel(l=d.l)
        return (1 - s) * d + s * (w * d).sum("t") / w

    flow_cap = (h * np.minimum(most_in_slice(need), flow_ub)).where(E, 0.0).sum("t")  # (r, m, l, y)
    m.add_constraints((h * flow).sum("t") - flow_cap * open_ <= 0, mask=E.any("t"), name="linking_flow")
    pool_cap = (in_group * most_in_slice(pool_need)).sum("j")  # (r, l, t, y): the cap of the site's own group
    m.add_constraints(pool - pool_cap * open_ <= 0, mask=POOL & ~orphan, name="linking_pool")
    if S.Q:
        at_site = site_of == xr.DataArray(list(S.R), coords={"r": A.coords["r"]}, dims=["r"])  # (q, r)
        m.add_constraints(take - (at_site * open_.sel(y=S.Y[-1])).sum("r") <= 0, name="linking_tranche")
    m.add_constraints(bridge - A.param(par.bridge_max_mw, "r", fill=0.0) * open_ <= 0, mask=BRIDGE, name="linking_bridge")

    m.add_objective(sum(cost[1:], cost[0]))
    return Peer(m=m, coords=A.coords), S
