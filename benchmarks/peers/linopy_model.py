"""The tokensite formulation written in linopy (benchmark peer; LP relaxation).

It shares tokensite's data preparation (the sparse index sets of ``tokensite.model.sets``) and
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
from tokensite.model.sets import HOURS_PER_YEAR, MTOK, MUSD, SECONDS_PER_HOUR, Sets, build_sets, crf


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


def build(ds: Dataset, case: Case) -> tuple[Peer, Sets]:
    S = build_sets(ds, case)
    P = Peer()
    reg, gpus, layers, programs, queue = (S.params[k] for k in ("regions", "gpus", "layers", "programs", "queue"))
    w, Y, phi = S.hours, S.Y, S.year_factor
    share = {l: float(layers.at[l, "max_site_share"]) for l in S.LM}
    flow_ub = [share[l] * S.demand.get((m, l, y), 0.0) * S.profile.get((m, l, t), 1.0) if share[l] < 1 else None for (r, m, l, t, y) in S.E]
    P.var("open", S.RY, upper=1.0)
    P.var("buy", S.RGY)
    P.var("alloc", S.RGLTY)
    P.var("alloc_train", S.RGLY_train)
    P.var("flow", S.E, upper=flow_ub)
    glty = set(S.GLTY)
    orphan = [0.0 if not any((l, S.pool_group[(r, l)], tt, y) in glty for tt in S.T) else None for (r, l, t, y) in S.POOL]
    P.var("pool", S.POOL, upper=orphan)
    P.var("unserved", S.MLTY)
    P.var("unserved_pool", S.GLTY)
    P.var("host", S.PR, upper=1.0)
    P.var("skip", S.P, upper=1.0)
    P.var("mw", S.RY, upper=[float(reg.at[r, "max_mw"]) for r, y in S.RY])
    P.var("take", S.Q, upper=1.0)
    P.var("energy", S.RKTY, upper=[S.params["cap"][(r, k, t)] for r, k, t, y in S.RKTY])
    BRY = [(r, y) for r in S.BRIDGE_R for y in Y]
    P.var("bridge", BRY, upper=[float(reg.at[r, "bridge_max_mw"]) for r, y in BRY])
    BRTY = [(r, t, y) for r in S.BRIDGE_R for t in S.T for y in Y]
    P.var("bridge_energy", BRTY)

    def tpu(g, l):
        return float(gpus.at[g, "gpus_per_unit"]) * S.params["tput"][(g, l)] * float(layers.at[l, "util_max"]) / MTOK

    # demand
    rhs_s, rhs_y, tslice, tyear = {}, defaultdict(float), [], []
    mlty = set(S.MLTY)
    for (r, m, l, t, y) in S.E:
        if (m, l, t, y) in mlty:
            if layers.at[l, "max_shift"] < 1:
                tslice.append(((m, l, t, y), "flow", (r, m, l, t, y), 1.0))
            tyear.append(((m, l, y), "flow", (r, m, l, t, y), w[t]))
    for (m, l, t, y) in S.MLTY:
        need = S.demand[(m, l, y)] * S.profile.get((m, l, t), 1.0)
        if layers.at[l, "max_shift"] < 1:
            tslice.append(((m, l, t, y), "unserved", (m, l, t, y), 1.0))
            rhs_s[(m, l, t, y)] = (1 - layers.at[l, "max_shift"]) * need
        tyear.append(((m, l, y), "unserved", (m, l, t, y), w[t]))
        rhs_y[(m, l, y)] += w[t] * need
        P.cost("unserved", (m, l, t, y), phi[y] * float(layers.at[l, "value_usd_per_mtok"]) * SECONDS_PER_HOUR * w[t] / MUSD)
    P.rows("demand_slice", tslice, ">=", rhs_s)
    P.rows("demand_year", tyear, "==", rhs_y)
    pslice, pyear, prs, pry = [], [], {}, defaultdict(float)
    for (r, l, t, y) in S.POOL:
        g = S.pool_group[(r, l)]
        if (l, g, t, y) in glty:
            if layers.at[l, "max_shift"] < 1:
                pslice.append(((l, g, t, y), "pool", (r, l, t, y), 1.0))
            pyear.append(((l, g, y), "pool", (r, l, t, y), w[t]))
    for (l, g, t, y) in S.GLTY:
        d = S.pool_demand[(l, g, t, y)]
        if layers.at[l, "max_shift"] < 1:
            pslice.append(((l, g, t, y), "unserved_pool", (l, g, t, y), 1.0))
            prs[(l, g, t, y)] = (1 - layers.at[l, "max_shift"]) * d
        pyear.append(((l, g, y), "unserved_pool", (l, g, t, y), w[t]))
        pry[(l, g, y)] += w[t] * d
        P.cost("unserved_pool", (l, g, t, y), phi[y] * float(layers.at[l, "value_usd_per_mtok"]) * SECONDS_PER_HOUR * w[t] / MUSD)
    P.rows("demand_pool_slice", pslice, ">=", prs)
    P.rows("demand_pool_year", pyear, "==", pry)
    for (r, m, l, t, y) in S.E:
        c = S.params["transit"].get((r, m, l), 0.0)
        if c:
            P.cost("flow", (r, m, l, t, y), phi[y] * c * SECONDS_PER_HOUR * w[t] / MUSD)

    # throughput
    cap = [((r, l, t, y), "flow", (r, m, l, t, y), 1.0) for (r, m, l, t, y) in S.E]
    cap += [((r, l, t, y), "alloc", (r, g, l, t, y), -tpu(g, l)) for (r, g, l, t, y) in S.RGLTY if l in S.LM]
    P.rows("throughput_metro", cap, "<=", {})
    pcap = [((r, l, t, y), "pool", (r, l, t, y), 1.0) for (r, l, t, y) in S.POOL]
    pcap += [((r, l, t, y), "alloc", (r, g, l, t, y), -tpu(g, l)) for (r, g, l, t, y) in S.RGLTY if l in S.LP]
    P.rows("throughput_pool", pcap, "<=", {})
    fl = [((r, g, t, y), "alloc", (r, g, l, t, y), 1.0) for (r, g, l, t, y) in S.RGLTY]
    fl += [((r, g, t, y), "alloc_train", (r, g, l, y), 1.0) for (r, g, l, y) in S.RGLY_train for t in S.T]
    fl += [((r, g, t, y), "buy", k, -1.0) for (r, g, y), ks in S.fleet_of.items() for t in S.T for k in ks]
    keys = {k for k, *_ in fl if _[0] != "buy"}
    P.rows("throughput_fleet", [x for x in fl if x[0] in keys], "<=", {})
    for (r, g, y), ks in S.fleet_of.items():
        annual = float(gpus.at[g, "gpus_per_unit"]) * float(gpus.at[g, "capex_usd_per_gpu"]) * case.scale.gpu_capex * crf(case.discount_rate, float(gpus.at[g, "lifetime_years"])) / MUSD
        for k in ks:
            P.cost("buy", k, phi[y] * annual)

    # training
    if S.P:
        P.rows("training_one_host", [((p,), "host", (p, r), 1.0) for p, r in S.PR] + [((p,), "skip", p, 1.0) for p in S.P], "==", {(p,): 1.0 for p in S.P})
        start = {p: int(programs.at[p, "start_year"]) for p in S.P}
        tt = [((r, l, y), "alloc_train", (r, g, l, y), tpu(g, l)) for (r, g, l, y) in S.RGLY_train]
        tt += [((r, programs.at[p, "layer"], y), "host", (p, r), -float(programs.at[p, "tokens_per_s"]) / MTOK) for p, r in S.PR for y in Y if y >= start[p]]
        need = {(r, programs.at[p, "layer"], y) for p, r in S.PR for y in Y if y >= start[p]}
        P.rows("training_throughput", [x for x in tt if x[0] in need], ">=", {})
        first = {p: next(y for y in Y if y >= start[p]) for p in S.P}
        P.rows("training_open", [((p, r), "host", (p, r), 1.0) for p, r in S.PR] + [((p, r), "open", (r, first[p]), -1.0) for p, r in S.PR], "<=", {})
        P.rows("training_campus", [((p, r, y), "mw", (r, y), 1.0) for p, r in S.PR for y in Y if y >= start[p]]
               + [((p, r, y), "host", (p, r), -float(programs.at[p, "min_campus_mw"])) for p, r in S.PR for y in Y if y >= start[p]], ">=", {})
        for p in S.P:
            l = programs.at[p, "layer"]
            annual = float(layers.at[l, "value_usd_per_mtok"]) * float(programs.at[p, "tokens_per_s"]) / MTOK * SECONDS_PER_HOUR * HOURS_PER_YEAR / MUSD
            P.cost("skip", p, sum(phi[y] * annual for y in Y if y >= start[p]))

    # queue and power
    fin, rate = case.finance, case.discount_rate
    for q in S.Q:
        annual = float(queue.at[q, "mw"]) * 1000 * float(queue.at[q, "cost_usd_per_kw"]) * crf(rate, fin.interconnect_life_years) / MUSD
        P.cost("take", q, sum(phi[y] * annual for y in Y if y >= int(queue.at[q, "online_year"])))
    draw = []
    for (r, g, l, t, y) in S.RGLTY:
        draw.append(((r, t, y), "alloc", (r, g, l, t, y), float(reg.at[r, "pue"]) * float(gpus.at[g, "gpus_per_unit"]) * float(gpus.at[g, "kw_per_gpu"]) * float(layers.at[l, "power_fraction"]) / 1000))
    for (r, g, l, y) in S.RGLY_train:
        for t in S.T:
            draw.append(((r, t, y), "alloc_train", (r, g, l, y), float(reg.at[r, "pue"]) * float(gpus.at[g, "gpus_per_unit"]) * float(gpus.at[g, "kw_per_gpu"]) * float(layers.at[l, "power_fraction"]) / 1000))
    rty = {k for k, *_ in draw}
    P.rows("power_facility", draw + [((r, t, y), "mw", (r, y), -1.0) for (r, t, y) in rty], "<=", {})
    P.rows("power_site_open", [((r, y), "mw", (r, y), 1.0) for r, y in S.RY] + [((r, y), "open", (r, y), -float(reg.at[r, "max_mw"])) for r, y in S.RY], "<=", {})
    later = [(r, Y[i - 1], Y[i]) for r in S.R for i in range(1, len(Y))]
    P.rows("power_mw_monotone", [(k, "mw", (k[0], k[1]), 1.0) for k in later] + [(k, "mw", (k[0], k[2]), -1.0) for k in later], "<=", {})
    P.rows("power_open_monotone", [(k, "open", (k[0], k[1]), 1.0) for k in later] + [(k, "open", (k[0], k[2]), -1.0) for k in later], "<=", {})
    grid_terms = [((r, t, y), "energy", (r, k, t, y), 1.0) for (r, k, t, y) in S.RKTY if (r, t, y) in rty]
    grid_terms += [((r, t, y), "take", q, -float(queue.at[q, "mw"])) for (r, t, y) in rty for q in S.Q if queue.at[q, "site_id"] == r and int(queue.at[q, "online_year"]) <= y]
    P.rows("power_grid", grid_terms, "<=", {(r, t, y): float(reg.at[r, "existing_mw"]) for (r, t, y) in rty})
    bal = draw + [((r, t, y), "energy", (r, k, t, y), -1.0) for (r, k, t, y) in S.RKTY if (r, t, y) in rty]
    bal += [((r, t, y), "bridge_energy", (r, t, y), -1.0) for (r, t, y) in BRTY if (r, t, y) in rty]
    P.rows("power_energy", bal, "==", {})
    P.rows("power_bridge", [(k, "bridge_energy", k, 1.0) for k in BRTY] + [(k, "bridge", (k[0], k[2]), -1.0) for k in BRTY], "<=", {})
    price = S.params["price"]
    for (r, k, t, y) in S.RKTY:
        P.cost("energy", (r, k, t, y), phi[y] * w[t] * price[(r, k, t)] / MUSD)
    for (r, t, y) in BRTY:
        P.cost("bridge_energy", (r, t, y), phi[y] * w[t] * float(reg.at[r, "bridge_price_usd_per_mwh"]) * case.scale.power_price / MUSD)
    for r, y in BRY:
        P.cost("bridge", (r, y), phi[y] * float(reg.at[r, "bridge_capex_usd_per_mw"]) * crf(rate, fin.bridge_life_years) / MUSD)
    for r, y in S.RY:
        P.cost("mw", (r, y), phi[y] * (float(reg.at[r, "facility_capex_usd_per_mw"]) * crf(rate, fin.facility_life_years) + float(reg.at[r, "fixed_om_usd_per_mw_year"])) / MUSD)
        P.cost("open", (r, y), phi[y] * float(reg.at[r, "site_fixed_usd"]) * crf(rate, fin.site_life_years) / MUSD)
    P.objective()
    return P, S
