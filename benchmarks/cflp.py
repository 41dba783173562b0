"""Capacitated facility location (CFLP) through tokensite's public CSV format: the proving harness of issue 9.

``python -m benchmarks.cflp --sizes small,large --time-limit 300`` generates classic CFLP
instances, solves each twice at ``mip_rel_gap`` 1e-6 — with a textbook *strong* CFLP written
in plain highspy, and with tokensite after writing the instance as a dataset folder plus a
case TOML — and writes ``benchmarks/cflp_results.md``.

Instances (:func:`generate`)
----------------------------
The generator of Cornuéjols, Sridharan and Thizy, "A comparison of heuristics and
relaxations for the capacitated plant location problem", European Journal of Operational
Research 50 (1991) 280-297, as it is usually re-implemented (e.g. Klose & Görtz, "A
branch-and-price algorithm for the capacitated facility location problem", EJOR 179 (2007)
1109-1125):

- sites and customers uniform in the unit square;
- demand ``d_j ~ U[5, 35]``;
- capacity ``s_i ~ U[10, 160]``, then rescaled so that ``Σ s_i = ratio · Σ d_j``
  (tight ratios 3, 5, 10);
- fixed cost ``f_i = U[0, 90] + U[100, 110] · sqrt(s_i)`` (economies of scale, drawn on the
  rescaled capacity);
- per-unit transport cost ``c_ij = 10 · ||p_i − q_j||`` (serving all of j from i costs
  ``c_ij · d_j``).

Two choices are ours and are stated so that the mapping below is *exact*: demands are drawn
as integers in {5, ..., 35} and rescaled capacities are rounded to integers (so Σ s_i equals
ratio · Σ d_j up to rounding, within n/2). Integral d and s are what make a finite value of
unserved tokens provably large enough (see :func:`write_case`). Seeds are fixed
(``numpy.random.default_rng(seed)``, draws in the order: site points, customer points,
demand, raw capacity, the two fixed-cost parts).

Mapping to tokensite (:func:`write_case`)
-----------------------------------------
One planning year, ``discount_rate = 0``, one time slice of 8760 h, ``[finance]
site_life_years = 1`` (CRF(0, 1) = 1, so a site's annual development charge is its
``site_fixed_usd``). Money is written in USD = textbook units × ``USD_PER_UNIT`` (1e6), so
tokensite's internal MUSD equal the textbook's units and ``objective_usd = 1e6 · z_CFLP``:

=====================  ==========================================================
CFLP                   tokensite CSV
=====================  ==========================================================
site i                 regions.csv row: ``max_mw = existing_mw = s_i``, ``pue = 1``,
                       ``site_fixed_usd = 1e6 · f_i``, facility capex and O&M 0;
                       one uncapped power tier at 0 USD/MWh; no queue tranches
customer j             metros.csv row; demand.csv ``tokens_per_s = 1e6 · d_j``
                       (= d_j Mtok/s) in the one layer ``cflp``
layer ``cflp``         metro-bound, ``slo_rtt_ms`` blank, ``max_site_share = 1``,
                       ``util_max = power_fraction = 1``, ``residency = none``,
                       ``max_shift = 0``, ``value_usd_per_mtok`` = V (below)
transport c_ij         latency.csv row per (i, j): ``rtt_ms = 1``,
                       ``transit_usd_per_mtok = 1e6 · c_ij / (3600 · 8760)``
capacity               one GPU ``G``: ``kw_per_gpu = 100`` (0.1 MW), 1e5 tokens/s per
                       GPU (0.1 Mtok/s), so a site makes 1 Mtok/s per facility MW and
                       ``max_mw = s_i`` is its capacity; ``capex_usd_per_gpu = 0``,
                       ``gpus_per_unit = ceil(10 · max_i s_i)`` so one free unit covers
                       any site
=====================  ==========================================================

Transit cost in the model (tokensite/model/demand.py) is ``transit_usd_per_mtok · flow
(Mtok/s) · 3600 · hours`` USD a year, i.e. ``1e6 · c_ij · flow``; with flow = d_j that is
``1e6 · c_ij · d_j``. The model that remains is the *weak* CFLP: Σ_i flow_ij + unserved_j
= d_j; Σ_j flow_ij ≤ draw ≤ mw_i ≤ s_i · open_i (through alloc, fleet and the power rows,
all at zero cost); no x_ij ≤ d_j·y_i.

Unserved tokens cost V' = value · 3600 · 8760 / 1e6 textbook units per unit of demand.
With integral d and s and V' > max_i f_i + max_ij c_ij no optimum leaves demand unserved:
if the open set has capacity ≥ Σ d, serving ε more at a site with slack saves
(V' − c_max)·ε > 0; otherwise the open capacity is ≤ Σ d − 1, so unserved ≥ 1, and opening
any closed site and moving δ = min(unserved, s_i) ≥ 1 to it changes the cost by at most
f_i + (c_max − V')·δ < 0. We set V' = 2 · (max f + max c), so the optima coincide exactly:
``objective_usd = USD_PER_UNIT · z_CFLP``.

Textbook model (:func:`solve_textbook`)
---------------------------------------
y_i ∈ {0,1}, x_ij ∈ [0,1]: min Σ f_i y_i + Σ c_ij d_j x_ij s.t. Σ_i x_ij = 1,
Σ_j d_j x_ij ≤ s_i y_i, x_ij ≤ y_i. Matrix built with numpy/scipy.sparse, passed to
highspy with ``passModel``; no modelling layer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import math
import platform
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp

HERE = Path(__file__).resolve().parent
RESULTS_MD = HERE / "cflp_results.md"

USD_PER_UNIT = 1e6  # one textbook cost unit written as 1e6 USD (= 1 MUSD inside tokensite)
TOKENS_PER_UNIT = 1e6  # one unit of demand written as 1e6 tokens/s (= 1 Mtok/s)
SECONDS_PER_YEAR = 3600.0 * 8760.0
YEAR = 2026
KW_PER_GPU = 100.0  # 0.1 MW per GPU
TOKENS_PER_GPU = 1e5  # 0.1 Mtok/s per GPU: 1 Mtok/s per MW
FMT = "%.17g"  # round-trips every float64 through the CSV


@dataclass(frozen=True)
class Instance:
    name: str
    sites: np.ndarray  # (n, 2) points in the unit square
    customers: np.ndarray  # (m, 2)
    d: np.ndarray  # (m,) demand, integers
    s: np.ndarray  # (n,) capacity, integers, Σ s ≈ ratio · Σ d
    f: np.ndarray  # (n,) fixed cost
    c: np.ndarray  # (n, m) per-unit transport cost, 10 × distance
    ratio: float
    seed: int

    @property
    def n(self) -> int:
        return len(self.s)

    @property
    def m(self) -> int:
        return len(self.d)


def generate(n_sites: int, n_customers: int, ratio: float, seed: int) -> Instance:
    """A Cornuéjols–Sridharan–Thizy (1991) instance; see the module docstring."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.0, 1.0, (n_sites, 2))
    q = rng.uniform(0.0, 1.0, (n_customers, 2))
    d = rng.integers(5, 36, n_customers).astype(float)
    s_raw = rng.uniform(10.0, 160.0, n_sites)
    s = np.maximum(1.0, np.round(s_raw * ratio * d.sum() / s_raw.sum()))
    f = rng.uniform(0.0, 90.0, n_sites) + rng.uniform(100.0, 110.0, n_sites) * np.sqrt(s)
    c = 10.0 * np.sqrt(((p[:, None, :] - q[None, :, :]) ** 2).sum(axis=2))
    name = f"cst{n_sites}x{n_customers}-r{ratio:g}-s{seed}"
    return Instance(name, p, q, d, s, f, c, float(ratio), int(seed))


def unserved_value_usd_per_mtok(inst: Instance) -> float:
    """value_usd_per_mtok with V' = 2 (max f + max c) textbook units per unit of demand."""
    v_units = 2.0 * (float(inst.f.max()) + float(inst.c.max()))
    return math.ceil(v_units * USD_PER_UNIT / SECONDS_PER_YEAR)  # USD per Mtok, rounded up


def write_case(inst: Instance, folder: Path) -> Path:
    """Write ``inst`` as a tokensite dataset (``folder/data``) and case (``folder/case.toml``)."""
    folder = Path(folder)
    data = folder / "data"
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    n, m = inst.n, inst.m
    sid = [f"S{i:03d}" for i in range(n)]
    mid = [f"C{j:04d}" for j in range(m)]
    # unit square -> a 10° × 10° box (coordinates only drive maps; every pair is in latency.csv)
    def lat(pts):
        return 40.0 + 10.0 * pts[:, 1]

    def lon(pts):
        return -10.0 + 10.0 * pts[:, 0]

    def csv(name: str, frame: pd.DataFrame) -> None:
        frame.to_csv(data / name, index=False, float_format=FMT)

    csv("regions.csv", pd.DataFrame({
        "site_id": sid, "name": sid, "lat": lat(inst.sites), "lon": lon(inst.sites), "country": "US", "jurisdiction": "US",
        "grid_zone": "Z", "kind": "campus", "pue": 1.0, "existing_mw": inst.s, "max_mw": inst.s,
        "site_fixed_usd": inst.f * USD_PER_UNIT, "facility_capex_usd_per_mw": 0.0, "fixed_om_usd_per_mw_year": 0.0,
        "earliest_year": YEAR, "carbon_kg_per_mwh": 0.0, "training_allowed": "false",
    }))
    csv("metros.csv", pd.DataFrame({
        "metro_id": mid, "name": mid, "lat": lat(inst.customers), "lon": lon(inst.customers), "country": "US",
        "jurisdiction": "US", "utc_offset_h": 0.0, "population_m": 1.0,
    }))
    value = unserved_value_usd_per_mtok(inst)
    csv("layers.csv", pd.DataFrame([{
        "layer": "cflp", "metro_bound": "true", "slo_rtt_ms": "", "max_site_share": 1.0, "util_max": 1.0,
        "power_fraction": 1.0, "value_usd_per_mtok": value, "residency": "none", "max_shift": 0.0,
    }]))
    gpus_per_unit = math.ceil(float(inst.s.max()) * 1000.0 / KW_PER_GPU)
    if gpus_per_unit > 100_000:
        raise ValueError(f"largest capacity {inst.s.max():g} needs {gpus_per_unit} GPUs a unit; the schema allows 100,000")
    csv("gpus.csv", pd.DataFrame([{
        "gpu": "G", "first_year": YEAR, "gpus_per_unit": gpus_per_unit, "capex_usd_per_gpu": 0.0,
        "kw_per_gpu": KW_PER_GPU, "lifetime_years": 1, "supply_units_per_year": "",
    }]))
    csv("throughput.csv", pd.DataFrame([{"gpu": "G", "layer": "cflp", "tokens_per_s_per_gpu": TOKENS_PER_GPU}]))
    csv("timeslices.csv", pd.DataFrame([{"slice": "year", "hours": 8760.0, "utc_hour_start": 0.0}]))
    csv("power_prices.csv", pd.DataFrame({"site_id": sid, "slice": "year", "tier": "grid", "price_usd_per_mwh": 0.0, "cap_mw": ""}))
    csv("demand.csv", pd.DataFrame({"metro_id": mid, "layer": "cflp", "year": YEAR, "tokens_per_s": inst.d * TOKENS_PER_UNIT}))
    csv("interconnect_queue.csv", pd.DataFrame(columns=["tranche_id", "site_id", "mw", "request_year", "wait_years", "cost_usd_per_kw"]))
    csv("training.csv", pd.DataFrame(columns=["program_id", "start_year", "tokens_per_s", "min_campus_mw", "jurisdictions"]))
    transit = inst.c * USD_PER_UNIT / SECONDS_PER_YEAR  # USD per Mtok; the model multiplies by 3600 · 8760 / 1e6 MUSD
    csv("latency.csv", pd.DataFrame({
        "site_id": np.repeat(sid, m), "metro_id": np.tile(mid, n), "rtt_ms": 1.0, "transit_usd_per_mtok": transit.ravel(),
    }))
    case = folder / "case.toml"
    case.write_text(
        f'[case]\nname = "{inst.name}"\ndata = "data"\nyears = [{YEAR}]\ndiscount_rate = 0.0\n\n'
        "[finance]\nsite_life_years = 1\n"
    )
    return case


# ---------------------------------------------------------------------------------------
# textbook strong CFLP in plain highspy

_STATUS_OK = {"Optimal"}


def textbook_lp(inst: Instance, strong: bool = True) -> highspy.HighsLp:
    """Columns [y_0..y_{n-1}, x_00, x_01, ..., x_{n-1,m-1}] (x row-major by site)."""
    n, m = inst.n, inst.m
    nx = n * m
    xi = np.arange(nx)  # column offset of x_ij within the x block: i*m + j
    i_of, j_of = np.divmod(xi, m)
    blocks_r, blocks_c, blocks_v = [], [], []
    # Σ_i x_ij = 1                                  rows 0 .. m-1
    blocks_r += [j_of]
    blocks_c += [n + xi]
    blocks_v += [np.ones(nx)]
    # Σ_j d_j x_ij − s_i y_i ≤ 0                    rows m .. m+n-1
    blocks_r += [m + i_of, m + np.arange(n)]
    blocks_c += [n + xi, np.arange(n)]
    blocks_v += [inst.d[j_of], -inst.s]
    n_rows = m + n
    if strong:  # x_ij − y_i ≤ 0                    rows m+n .. m+n+nm-1
        r = m + n + xi
        blocks_r += [r, r]
        blocks_c += [n + xi, i_of]
        blocks_v += [np.ones(nx), -np.ones(nx)]
        n_rows += nx
    A = sp.csc_matrix((np.concatenate(blocks_v), (np.concatenate(blocks_r), np.concatenate(blocks_c))), shape=(n_rows, n + nx))
    A.sort_indices()
    lp = highspy.HighsLp()
    lp.num_col_ = n + nx
    lp.num_row_ = n_rows
    lp.col_cost_ = np.concatenate([inst.f, (inst.c * inst.d[None, :]).ravel()])
    lp.col_lower_ = np.zeros(n + nx)
    lp.col_upper_ = np.ones(n + nx)
    inf = highspy.kHighsInf
    lp.row_lower_ = np.concatenate([np.ones(m), np.full(n_rows - m, -inf)])
    lp.row_upper_ = np.concatenate([np.ones(m), np.zeros(n_rows - m)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n + [highspy.HighsVarType.kContinuous] * nx
    return lp


def solve_textbook(
    inst: Instance, time_limit_s: float = 300.0, rel_gap: float = 1e-6, threads: int = 1, strong: bool = True, with_lp_bound: bool = False
) -> dict:
    """Solve the textbook (strong) CFLP with HiGHS; objective in textbook units.

    ``wall_s`` = build + solve of the MIP. With ``with_lp_bound`` the LP relaxation is solved
    afterwards (not counted in ``wall_s``) and returned as ``lp_bound``.
    """
    t0 = time.perf_counter()
    lp = textbook_lp(inst, strong=strong)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", float(rel_gap))
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", 0)
    h.passModel(lp)
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    h.run()
    solve_s = time.perf_counter() - t1
    info = h.getInfo()
    status = h.modelStatusToString(h.getModelStatus())
    has_x = info.primal_solution_status == 2
    obj = info.objective_function_value if has_x else None
    y = np.array(h.getSolution().col_value[: inst.n]) if has_x else None
    lp_bound = lp_s = None
    if with_lp_bound:  # the LP relaxation of this formulation, for comparison with tokensite's root bound
        t2 = time.perf_counter()
        lp.integrality_ = []
        hl = highspy.Highs()
        hl.setOptionValue("output_flag", False)
        hl.setOptionValue("time_limit", float(time_limit_s))
        hl.setOptionValue("threads", int(threads))
        hl.passModel(lp)
        hl.run()
        if hl.modelStatusToString(hl.getModelStatus()) in _STATUS_OK:
            lp_bound = hl.getInfo().objective_function_value
        lp_s = time.perf_counter() - t2
    return {
        "status": "optimal" if status in _STATUS_OK else status.lower().replace(" ", "_"),
        "objective": obj,
        "bound": info.mip_dual_bound,
        "gap": info.mip_gap if has_x else None,
        "nodes": int(info.mip_node_count),
        "build_s": build_s,
        "solve_s": solve_s,
        "wall_s": time.perf_counter() - t0,
        "open_sites": None if y is None else int((y > 0.5).sum()),
        "lp_bound": lp_bound,
        "lp_s": lp_s,
    }


# ---------------------------------------------------------------------------------------
# tokensite


def plan_cost(inst: Instance, open_sites: np.ndarray, flow_units: np.ndarray) -> float:
    """Textbook cost of a plan: Σ f_i open_i + Σ c_ij flow_ij (flow in units of demand)."""
    return float(inst.f @ open_sites + (inst.c * flow_units).sum())


def solve_tokensite(inst: Instance, folder: Path, time_limit_s: float = 300.0, rel_gap: float = 1e-6, threads: int = 1) -> dict:
    """Write the case, solve it with ``tokensite.solve``; objective in textbook units.

    Adds the planner reading: ``open_sites``, ``idle_open_sites`` (open but serving nothing),
    the plan's textbook cost recomputed from ``sites``/``flows`` and the unserved demand.
    """
    import tokensite

    case = write_case(inst, folder)
    t0 = time.perf_counter()
    res = tokensite.solve(case, mip_rel_gap=rel_gap, time_limit_s=time_limit_s, threads=threads)
    wall = time.perf_counter() - t0
    sm = res.summary
    obj = sm.get("objective_usd")
    bound = sm.get("best_bound_usd")
    out = {
        "status": sm["status"],
        "objective": None if obj is None else obj / USD_PER_UNIT,
        "bound": None if bound is None else bound / USD_PER_UNIT,
        "gap": sm.get("mip_gap"),
        "solve_s": sm.get("solve_s"),
        "wall_s": wall,
        "open_sites": None,
        "idle_open_sites": None,
        "plan_cost": None,
        "unserved_units": None,
        "variables": sm.get("variables"),
        "integer_variables": sm.get("integer_variables"),
        "constraints": sm.get("constraints"),
        # progress[0]: the first plan tokensite reports (its rounded plan when rounding succeeds)
        # with the bound of the moment (the LP relaxation of tokensite's formulation)
        "first_plan": None,
        "first_plan_t_s": None,
        "lp_bound": None,
        "solver_warnings": sm.get("solver_warnings") or [],
        "improvements": len(sm.get("progress") or []),
        "phases": sm.get("phases") or [],
        "flows": None,
        "token_price": None,
    }
    prog = sm.get("progress") or []
    if prog:
        out["first_plan"] = prog[0]["objective"] / USD_PER_UNIT
        out["first_plan_t_s"] = prog[0]["t_s"]
        out["lp_bound"] = None if prog[0]["bound"] is None else prog[0]["bound"] / USD_PER_UNIT
    if obj is None:
        return out
    sites = res.sites
    idx = {f"S{i:03d}": i for i in range(inst.n)}
    jdx = {f"C{j:04d}": j for j in range(inst.m)}
    is_open = np.zeros(inst.n)
    for r, o in zip(sites.site_id, sites.open):
        is_open[idx[r]] = float(bool(o))
    flows = res.flows
    fl = np.zeros((inst.n, inst.m))
    if len(flows):
        fl[flows.site_id.map(idx).to_numpy(), flows.metro_id.map(jdx).to_numpy()] += flows.tokens_per_s.to_numpy() / TOKENS_PER_UNIT
    served_by_site = fl.sum(axis=1)
    out["open_sites"] = int(is_open.sum())
    out["idle_open_sites"] = int(((is_open > 0) & (served_by_site <= 1e-6)).sum())
    out["plan_cost"] = plan_cost(inst, is_open, fl)
    out["unserved_units"] = float(res.served.unserved_tokens_per_s.sum() / TOKENS_PER_UNIT)
    out["flows"] = fl
    tokens = res.prices[res.prices.kind == "token"]
    price = np.full(inst.m, np.nan)  # textbook units per unit of demand: USD/Mtok x Mtok a year / USD_PER_UNIT
    price[tokens.metro_id.map(jdx).to_numpy()] = tokens.value.to_numpy() * SECONDS_PER_YEAR / USD_PER_UNIT
    out["token_price"] = price
    return out


# ---------------------------------------------------------------------------------------
# brute force (tiny instances only): every open set, each a transportation LP


def brute_force(inst: Instance) -> tuple[float, tuple[int, ...]]:
    """Optimum over all 2^n open sets, each priced by a transportation LP (scipy/HiGHS LP)."""
    from scipy.optimize import linprog

    n, m = inst.n, inst.m
    best, best_set = math.inf, ()
    total = inst.d.sum()
    for k in range(1, n + 1):
        for S in itertools.combinations(range(n), k):
            S = list(S)
            if inst.s[S].sum() < total - 1e-9:
                continue
            k_ = len(S)
            # variables z_ij = flow from i ∈ S to j (units of demand)
            cost = inst.c[S].ravel()
            A_eq = sp.kron(np.ones((1, k_)), sp.eye(m))  # Σ_i z_ij = d_j
            A_ub = sp.kron(sp.eye(k_), np.ones((1, m)))  # Σ_j z_ij ≤ s_i
            r = linprog(cost, A_ub=A_ub, b_ub=inst.s[S], A_eq=A_eq, b_eq=inst.d, bounds=(0, None), method="highs")
            if r.status != 0:
                continue
            z = float(inst.f[S].sum() + r.fun)
            if z < best:
                best, best_set = z, tuple(S)
    return best, best_set


# ---------------------------------------------------------------------------------------
# the table

SMALL = [(50, 50, r, s) for r in (3, 5, 10) for s in (0, 1)]
LARGE = [(100, 1000, r, 0) for r in (3, 5, 10)]


def _f(v, fmt: str) -> str:
    return "–" if v is None or (isinstance(v, float) and not math.isfinite(v)) else format(v, fmt)


def _rel(a, b):
    return None if a is None or b is None else (a - b) / abs(b)


def table(rows: list[dict]) -> str:
    """Two tables: the solves, then the bounds and the first plan against the best objective."""
    head = (
        "| instance | textbook obj | tb bound | tb status | tb gap | tb nodes | tb time s | tokensite obj | ts bound | ts gap | ts solve s | ts wall s "
        "| ts status | rel diff obj | open tb/ts | idle open | unserved |\n"
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"
    )
    lines = [head]
    for r in rows:
        tb, ts = r["textbook"], r["tokensite"]
        lines.append(
            f"| {r['instance']} | {_f(tb['objective'], '.4f')} | {_f(tb['bound'], '.4f')} | {tb['status']} | {_f(tb['gap'], '.2e')} | {tb['nodes']} | {_f(tb['wall_s'], '.1f')} "
            f"| {_f(ts['objective'], '.4f')} | {_f(ts['bound'], '.4f')} | {_f(ts['gap'], '.2e')} | {_f(ts['solve_s'], '.1f')} | {_f(ts['wall_s'], '.1f')} "
            f"| {ts['status']} | {_f(_rel(ts['objective'], tb['objective']), '+.2e')} | {tb['open_sites']}/{ts['open_sites']} "
            f"| {_f(ts['idle_open_sites'], 'd')} | {_f(ts['unserved_units'], '.2g')} |"
        )
    lines += [
        "",
        ("Against the best objective found (min of the two; *best*): the LP relaxation bound of each formulation "
        "(*strong*: textbook with x_ij ≤ y_i; *tokensite*: its own root LP, the bound of its first progress record), "
        "and tokensite's first plan (its rounded plan) with the time it was reported."),
        "",
        "| instance | best obj | strong LP bound | strong LP gap | tokensite LP bound | tokensite LP gap | ts first plan | first plan vs best | first plan at s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        tb, ts = r["textbook"], r["tokensite"]
        objs = [v for v in (tb["objective"], ts["objective"]) if v is not None]
        best = min(objs) if objs else None

        def gap(lb, best=best):
            return None if lb is None or best is None else (best - lb) / abs(best)

        lines.append(
            f"| {r['instance']} | {_f(best, '.4f')} | {_f(tb.get('lp_bound'), '.4f')} | {_f(gap(tb.get('lp_bound')), '.2%')} "
            f"| {_f(ts.get('lp_bound'), '.4f')} | {_f(gap(ts.get('lp_bound')), '.2%')} | {_f(ts.get('first_plan'), '.4f')} "
            f"| {_f(_rel(ts.get('first_plan'), best), '+.2%')} | {_f(ts.get('first_plan_t_s'), '.1f')} |"
        )
    return "\n".join(lines)


def write_results(rows: list[dict], args: argparse.Namespace, path: Path = RESULTS_MD) -> str:
    body = [
        "# CFLP proving harness (issue 9)",
        "",
        (f"Generated by `python -m benchmarks.cflp {args.argv}` on {dt.date.today().isoformat()} "
        f"({platform.machine()}, highspy {_highspy_version()}; threads={args.threads}, time limit {args.time_limit:g} s per solver, "
        f"mip_rel_gap {args.gap:g}); tokensite {_tokensite_source()}."),
        "",
        ("Instances: Cornuéjols–Sridharan–Thizy (1991) style, `cst<sites>x<customers>-r<ratio>-s<seed>`; see the module docstring of "
        "`benchmarks/cflp.py` for the generator and the exact mapping into tokensite's CSV format "
        "(tokensite `objective_usd` = 1e6 × CFLP objective; the table shows CFLP units)."),
        "",
        "- *textbook*: strong CFLP (x_ij ≤ y_i) in plain highspy, matrix built with numpy/scipy; time = build + solve.",
        "- *tokensite*: `tokensite.solve(case)`; *solve s* is its solve stage, *wall s* includes read, build, hand-off and extract.",
        ("- *rel diff obj* = (tokensite − textbook) / textbook; *idle open* = sites tokensite opens that serve nothing; "
        "*unserved* = demand tokensite leaves unserved (units of d)."),
        "",
        table(rows),
        "",
    ]
    text = "\n".join(body)
    path.write_text(text)
    return text


def _tokensite_source() -> str:
    import tokensite

    return f"{tokensite.__version__} from {Path(tokensite.__file__).parent}"


def _highspy_version() -> str:
    from importlib.metadata import version

    return version("highspy")


def run_instance(spec: tuple, time_limit_s: float, rel_gap: float, threads: int, workdir: Path) -> dict:
    inst = generate(*spec)
    print(f"[{time.strftime('%H:%M:%S')}] {inst.name}: textbook ...", flush=True)
    tb = solve_textbook(inst, time_limit_s, rel_gap, threads, with_lp_bound=True)
    print(f"    textbook  {tb['status']} obj {tb['objective']} gap {tb['gap']} in {tb['wall_s']:.1f} s", flush=True)
    print(f"[{time.strftime('%H:%M:%S')}] {inst.name}: tokensite ...", flush=True)
    ts = solve_tokensite(inst, workdir / inst.name, time_limit_s, rel_gap, threads)
    print(f"    tokensite {ts['status']} obj {ts['objective']} bound {ts['bound']} gap {ts['gap']} in {ts['wall_s']:.1f} s", flush=True)
    print(f"    LP bounds: strong {tb['lp_bound']} ({tb['lp_s']:.1f} s), tokensite {ts['lp_bound']}; tokensite first plan {ts['first_plan']} at {ts['first_plan_t_s']} s", flush=True)
    return {"instance": inst.name, "textbook": tb, "tokensite": ts}


def main(argv: list[str] | None = None) -> None:
    import sys

    p = argparse.ArgumentParser(prog="python -m benchmarks.cflp", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="small", help="comma list of small (50x50, ratios 3/5/10, seeds 0/1) and large (100x1000, ratios 3/5/10)")
    p.add_argument("--time-limit", type=float, default=300.0, help="seconds per solver per instance")
    p.add_argument("--gap", type=float, default=1e-6, help="mip_rel_gap for both solvers")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--large-ratios", default="3,5,10", help="ratios of the large instances to run (e.g. 3,5)")
    p.add_argument("--workdir", default=None, help="where case folders are written (default: a temporary folder)")
    p.add_argument("--out", default=str(RESULTS_MD))
    args = p.parse_args(argv)
    args.argv = " ".join(sys.argv[1:] if argv is None else argv)
    specs = []
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    if "small" in sizes:
        specs += SMALL
    if "large" in sizes:
        keep = {float(r) for r in args.large_ratios.split(",")}
        specs += [s for s in LARGE if float(s[2]) in keep]
    tmp = None
    if args.workdir:
        workdir = Path(args.workdir)
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="cflp-")
        workdir = Path(tmp.name)
    rows = []
    try:
        for spec in specs:
            rows.append(run_instance(spec, args.time_limit, args.gap, args.threads, workdir))
            write_results(rows, args, Path(args.out))  # keep what is done if a later run is killed
    finally:
        if tmp:
            tmp.cleanup()
    print(write_results(rows, args, Path(args.out)))


if __name__ == "__main__":
    main()
