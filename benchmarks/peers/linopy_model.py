"""The tokensite formulation written in linopy (benchmark peer; LP relaxation).

It shares tokensite's data preparation (``tokensite.model.index`` and ``tokensite.model.params``) and
writes every family and the objective again with linopy: each variable lives on a 1-D sparse
dimension, and each constraint family is a grouped sum of (coefficient x variable) terms.
Binaries and integers are continuous in [0, 1] and [0, ∞): the comparison is on the LP
relaxation, whose optimum must equal tokensite's ``--relax`` objective. The policy family is
left out: the benchmark instances (and the world case) carry no supply limit, budget, cap or
carbon price, so it adds nothing there.
"""

from __future__ import annotations

from collections import defaultdict

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from tokensite.config import Case
from tokensite.dataset import Dataset
from tokensite.model.index import Index, model_data
from tokensite.model.linking import most_in_slice
from tokensite.units import HOURS_PER_YEAR, SECONDS_PER_HOUR, mtok_per_year, tokens_to_mtok, usd_to_musd


class Peer:
    def __init__(self) -> None:
        self.m = linopy.Model()
        self.vars: dict[str, linopy.Variable] = {}
        self.pos: dict[str, dict] = {}
        self.obj: dict[str, defaultdict] = defaultdict(lambda: defaultdict(float))

    def var(self, name: str, keys: list, lower=0.0, upper=None) -> None:
        self.pos[name] = {k: i for i, k in enumerate(keys)}
        up = np.inf if upper is None else np.array([np.inf if u is None else u for u in upper], dtype=float) if isinstance(upper, list) else upper
        self.vars[name] = self.m.add_variables(lower=lower, upper=up, coords=[pd.RangeIndex(len(keys), name=f"i_{name}")], name=name)

    def cost(self, name: str, key, coef: float) -> None:
        self.obj[name][self.pos[name][key]] += coef

    def rows(self, name: str, terms: list[tuple], sense: str, rhs: dict) -> None:
        """terms: (row_key, var, var_key, coef); rhs: row_key -> value (missing = 0)."""
        if not terms and not rhs:
            return
        ids: dict = {}
        by_var: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
        for key, v, vk, c in terms:
            r = ids.setdefault(key, len(ids))
            p, cs, rs = by_var[v]
            p.append(self.pos[v][vk])
            cs.append(c)
            rs.append(r)
        for key in rhs:
            ids.setdefault(key, len(ids))
        expr = None
        for v, (p, cs, rs) in by_var.items():
            e = (self.vars[v].isel({f"i_{v}": xr.DataArray(p, dims="t")}) * xr.DataArray(np.array(cs, dtype=float), dims="t")).groupby(
                xr.DataArray(rs, dims="t", name=f"r_{name}")).sum()
            expr = e if expr is None else expr.add(e, join="outer")
        b = np.zeros(len(ids))
        for key, val in rhs.items():
            b[ids[key]] = val
        present = sorted({r for _, (_, _, rs) in by_var.items() for r in rs})
        b = xr.DataArray(b[present], dims=f"r_{name}", coords={f"r_{name}": present})
        con = expr >= b if sense == ">=" else expr <= b if sense == "<=" else expr == b
        self.m.add_constraints(con, name=name)

    def objective(self) -> None:
        parts = []
        for v, coefs in self.obj.items():
            p = list(coefs)
            parts.append((self.vars[v].isel({f"i_{v}": xr.DataArray(p, dims="t")}) * xr.DataArray([coefs[i] for i in p], dims="t")).sum())
        self.m.add_objective(linopy.merge(parts, cls=linopy.LinearExpression).sum() if len(parts) > 1 else parts[0])


def build(ds: Dataset, case: Case) -> tuple[Peer, Index]:
    S, par = model_data(ds, case)
    P = Peer()
    w, Y, phi = par.hours, S.Y, par.discount_factor
    share, shift = par.max_site_share, par.max_shift
    flow_ub = [share[l] * par.demand_mtok_per_s.get((m, l, y), 0.0) * par.profile.get((m, l, t), 1.0) if share[l] < 1 else None for (r, m, l, t, y) in S.E]
    P.var("open", S.RY, upper=1.0)
    P.var("buy", S.RGY)
    P.var("alloc", S.RGLTY)
    P.var("alloc_train", S.RGLY_TRAIN)
    P.var("flow", S.E, upper=flow_ub)
    glty = set(S.LJTY)
    orphan = [0.0 if not any((l, S.POOL_GROUP[(r, l)], tt, y) in glty for tt in S.T) else None for (r, l, t, y) in S.RLTY_POOL]
    P.var("pool", S.RLTY_POOL, upper=orphan)
    P.var("unserved", S.MLTY)
    P.var("unserved_pool", S.LJTY)
    P.var("host", S.PR, upper=1.0)
    P.var("skip", S.P, upper=1.0)
    P.var("mw", S.RY, upper=[par.max_mw[r] for r, y in S.RY])
    P.var("take", S.Q, upper=1.0)
    P.var("energy", S.RKTY, upper=[par.tier_cap_mw[(r, k, t)] for r, k, t, y in S.RKTY])
    BRY = [(r, y) for r in S.R_BRIDGE for y in Y]
    P.var("bridge", BRY, upper=[par.bridge_max_mw[r] for r, y in BRY])
    BRTY = [(r, t, y) for r in S.R_BRIDGE for t in S.T for y in Y]
    P.var("bridge_energy", BRTY)

    tpu = par.mtok_per_s_per_unit

    # demand
    rhs_s, rhs_y, tslice, tyear = {}, defaultdict(float), [], []
    mlty = set(S.MLTY)
    for (r, m, l, t, y) in S.E:
        if (m, l, t, y) in mlty:
            if shift[l] < 1:
                tslice.append(((m, l, t, y), "flow", (r, m, l, t, y), 1.0))
            tyear.append(((m, l, y), "flow", (r, m, l, t, y), w[t]))
    for (m, l, t, y) in S.MLTY:
        need = par.need_mtok_per_s(m, l, t, y)
        if shift[l] < 1:
            tslice.append(((m, l, t, y), "unserved", (m, l, t, y), 1.0))
            rhs_s[(m, l, t, y)] = (1 - shift[l]) * need
        tyear.append(((m, l, y), "unserved", (m, l, t, y), w[t]))
        rhs_y[(m, l, y)] += w[t] * need
        P.cost("unserved", (m, l, t, y), phi[y] * usd_to_musd(par.value_usd_per_mtok[l] * SECONDS_PER_HOUR * w[t]))
    P.rows("demand_slice", tslice, ">=", rhs_s)
    P.rows("demand_year", tyear, "==", rhs_y)
    pslice, pyear, prs, pry = [], [], {}, defaultdict(float)
    for (r, l, t, y) in S.RLTY_POOL:
        g = S.POOL_GROUP[(r, l)]
        if (l, g, t, y) in glty:
            if shift[l] < 1:
                pslice.append(((l, g, t, y), "pool", (r, l, t, y), 1.0))
            pyear.append(((l, g, y), "pool", (r, l, t, y), w[t]))
    for (l, g, t, y) in S.LJTY:
        d = par.pool_demand_mtok_per_s[(l, g, t, y)]
        if shift[l] < 1:
            pslice.append(((l, g, t, y), "unserved_pool", (l, g, t, y), 1.0))
            prs[(l, g, t, y)] = (1 - shift[l]) * d
        pyear.append(((l, g, y), "unserved_pool", (l, g, t, y), w[t]))
        pry[(l, g, y)] += w[t] * d
        P.cost("unserved_pool", (l, g, t, y), phi[y] * usd_to_musd(par.value_usd_per_mtok[l] * SECONDS_PER_HOUR * w[t]))
    P.rows("demand_pool_slice", pslice, ">=", prs)
    P.rows("demand_pool_year", pyear, "==", pry)
    for (r, m, l, t, y) in S.E:
        c = par.transit_usd_per_mtok.get((r, m, l), 0.0)
        if c:
            P.cost("flow", (r, m, l, t, y), phi[y] * usd_to_musd(c * SECONDS_PER_HOUR * w[t]))

    # throughput
    cap = [((r, l, t, y), "flow", (r, m, l, t, y), 1.0) for (r, m, l, t, y) in S.E]
    cap += [((r, l, t, y), "alloc", (r, g, l, t, y), -tpu[(g, l)]) for (r, g, l, t, y) in S.RGLTY if l in S.L_METRO]
    P.rows("throughput_metro", cap, "<=", {})
    pcap = [((r, l, t, y), "pool", (r, l, t, y), 1.0) for (r, l, t, y) in S.RLTY_POOL]
    pcap += [((r, l, t, y), "alloc", (r, g, l, t, y), -tpu[(g, l)]) for (r, g, l, t, y) in S.RGLTY if l in S.L_POOLED]
    P.rows("throughput_pool", pcap, "<=", {})
    fl = [((r, g, t, y), "alloc", (r, g, l, t, y), 1.0) for (r, g, l, t, y) in S.RGLTY]
    fl += [((r, g, t, y), "alloc_train", (r, g, l, y), 1.0) for (r, g, l, y) in S.RGLY_TRAIN for t in S.T]
    fl += [((r, g, t, y), "buy", k, -1.0) for (r, g, y), ks in S.FLEET.items() for t in S.T for k in ks]
    keys = {k for k, *_ in fl if _[0] != "buy"}
    P.rows("throughput_fleet", [x for x in fl if x[0] in keys], "<=", {})
    for (r, g, y), ks in S.FLEET.items():
        annual = usd_to_musd(par.gpu_unit_capex_usd[g] * par.gpu_crf[g])
        for k in ks:
            P.cost("buy", k, phi[y] * annual)

    # training
    if S.P:
        P.rows("training_one_host", [((p,), "host", (p, r), 1.0) for p, r in S.PR] + [((p,), "skip", p, 1.0) for p in S.P], "==", {(p,): 1.0 for p in S.P})
        start, layer_of = par.program_start_year, par.program_layer
        tt = [((r, l, y), "alloc_train", (r, g, l, y), tpu[(g, l)]) for (r, g, l, y) in S.RGLY_TRAIN]
        tt += [((r, layer_of[p], y), "host", (p, r), -tokens_to_mtok(par.program_tokens_per_s[p])) for p, r in S.PR for y in Y if y >= start[p]]
        need = {(r, layer_of[p], y) for p, r in S.PR for y in Y if y >= start[p]}
        P.rows("training_throughput", [x for x in tt if x[0] in need], ">=", {})
        first = {p: S.first_year_from(start[p]) for p in S.P}
        P.rows("training_open", [((p, r), "host", (p, r), 1.0) for p, r in S.PR] + [((p, r), "open", (r, first[p]), -1.0) for p, r in S.PR], "<=", {})
        P.rows("training_campus", [((p, r, y), "mw", (r, y), 1.0) for p, r in S.PR for y in Y if y >= start[p]]
               + [((p, r, y), "host", (p, r), -par.program_min_campus_mw[p]) for p, r in S.PR for y in Y if y >= start[p]], ">=", {})
        for p in S.P:
            annual = usd_to_musd(par.value_usd_per_mtok[layer_of[p]] * mtok_per_year(tokens_to_mtok(par.program_tokens_per_s[p]), HOURS_PER_YEAR))
            P.cost("skip", p, sum(phi[y] * annual for y in Y if y >= start[p]))

    # queue and power
    for q in S.Q:
        annual = usd_to_musd(par.tranche_overnight_usd[q] * par.crf_interconnect)
        P.cost("take", q, sum(phi[y] * annual for y in Y if y >= par.tranche_online_year[q]))
    draw = []
    for (r, g, l, t, y) in S.RGLTY:
        draw.append(((r, t, y), "alloc", (r, g, l, t, y), par.pue[r] * par.mw_per_unit[(g, l)]))
    for (r, g, l, y) in S.RGLY_TRAIN:
        for t in S.T:
            draw.append(((r, t, y), "alloc_train", (r, g, l, y), par.pue[r] * par.mw_per_unit[(g, l)]))
    rty = {k for k, *_ in draw}
    P.rows("power_facility", draw + [((r, t, y), "mw", (r, y), -1.0) for (r, t, y) in rty], "<=", {})
    P.rows("power_site_open", [((r, y), "mw", (r, y), 1.0) for r, y in S.RY] + [((r, y), "open", (r, y), -par.max_mw[r]) for r, y in S.RY], "<=", {})
    sized = [(r, y) for r, y in S.RY if par.min_mw[r] > 0]
    P.rows("power_min_size", [((r, y), "mw", (r, y), 1.0) for r, y in sized] + [((r, y), "open", (r, y), -par.min_mw[r]) for r, y in sized], ">=", {})
    later = [(r, Y[i - 1], Y[i]) for r in S.R for i in range(1, len(Y))]
    P.rows("power_mw_monotone", [(k, "mw", (k[0], k[1]), 1.0) for k in later] + [(k, "mw", (k[0], k[2]), -1.0) for k in later], "<=", {})
    P.rows("power_open_monotone", [(k, "open", (k[0], k[1]), 1.0) for k in later] + [(k, "open", (k[0], k[2]), -1.0) for k in later], "<=", {})
    grid_terms = [((r, t, y), "energy", (r, k, t, y), 1.0) for (r, k, t, y) in S.RKTY if (r, t, y) in rty]
    grid_terms += [((r, t, y), "take", q, -par.tranche_mw[q]) for (r, t, y) in rty for q in S.Q if par.tranche_site[q] == r and par.tranche_online_year[q] <= y]
    P.rows("power_grid", grid_terms, "<=", {(r, t, y): par.existing_mw[r] for (r, t, y) in rty})
    bal = draw + [((r, t, y), "energy", (r, k, t, y), -1.0) for (r, k, t, y) in S.RKTY if (r, t, y) in rty]
    bal += [((r, t, y), "bridge_energy", (r, t, y), -1.0) for (r, t, y) in BRTY if (r, t, y) in rty]
    P.rows("power_energy", bal, "==", {})
    P.rows("power_bridge", [(k, "bridge_energy", k, 1.0) for k in BRTY] + [(k, "bridge", (k[0], k[2]), -1.0) for k in BRTY], "<=", {})
    for (r, k, t, y) in S.RKTY:
        P.cost("energy", (r, k, t, y), phi[y] * usd_to_musd(w[t] * par.price_usd_per_mwh[(r, k, t)]))
    for (r, t, y) in BRTY:
        P.cost("bridge_energy", (r, t, y), phi[y] * usd_to_musd(w[t] * par.bridge_price_usd_per_mwh[r]))
    for r, y in BRY:
        P.cost("bridge", (r, y), phi[y] * usd_to_musd(par.bridge_capex_usd_per_mw[r] * par.crf_bridge))
    for r, y in S.RY:
        P.cost("mw", (r, y), phi[y] * usd_to_musd(par.facility_capex_usd_per_mw[r] * par.crf_facility + par.fixed_om_usd_per_mw_year[r]))
        P.cost("open", (r, y), phi[y] * usd_to_musd(par.site_fixed_usd[r] * par.crf_site))

    # linking (tokensite/model/linking.py)
    metro_cap, pool_need = {}, defaultdict(dict)
    for m, l, y in {(m, l, y) for (m, l, _, y) in S.MLTY}:
        metro_cap.update({(m, l, t, y): v for t, v in most_in_slice({t: par.need_mtok_per_s(m, l, t, y) for t in S.T}, w, shift[l]).items()})
    for (l, g, t, y), v in par.pool_demand_mtok_per_s.items():
        pool_need[(l, g, y)][t] = v
    pool_cap = {(l, g, t, y): v for (l, g, y), need in pool_need.items() for t, v in most_in_slice(need, w, shift[l]).items()}
    link, cap_of = [], defaultdict(float)
    for k, ub in zip(S.E, flow_ub):
        r, m, l, t, y = k
        link.append(((r, m, l, y), "flow", k, par.hour_share[t]))
        cap_of[(r, m, l, y)] += par.hour_share[t] * min(metro_cap.get((m, l, t, y), 0.0), np.inf if ub is None else ub)
    link += [(key, "open", (key[0], key[3]), -cap) for key, cap in cap_of.items()]
    P.rows("linking_flow", link, "<=", {})
    free_pool = [k for k, o in zip(S.RLTY_POOL, orphan) if o is None]
    P.rows("linking_pool", [(k, "pool", k, 1.0) for k in free_pool]
           + [(k, "open", (k[0], k[3]), -pool_cap.get((k[1], S.POOL_GROUP[(k[0], k[1])], k[2], k[3]), 0.0)) for k in free_pool], "<=", {})
    P.rows("linking_tranche", [((q,), "take", q, 1.0) for q in S.Q] + [((q,), "open", (par.tranche_site[q], Y[-1]), -1.0) for q in S.Q], "<=", {})
    P.rows("linking_bridge", [(k, "bridge", k, 1.0) for k in BRY] + [(k, "open", k, -par.bridge_max_mw[k[0]]) for k in BRY], "<=", {})
    P.objective()
    return P, S
