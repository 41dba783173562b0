"""Pyomo model -> HiGHS in memory -> solution arrays, with honest status, bound and gap.

The hand-off uses Pyomo's ``LinearStandardFormCompiler`` (mixed form: each row keeps its
sense) to get a CSC matrix, which goes to ``highspy.Highs.passModel`` directly; no LP file
is written. Marginal values come from re-solving the LP with every integer column fixed at
its incumbent value, by changing bounds and integrality inside HiGHS.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from tokensite.config import SolverOptions

INF = highspy.kHighsInf


@dataclass
class Compiled:
    """The model as arrays, with the maps back to Pyomo names."""

    columns: list  # VarData per column
    rows: list  # (ConstraintData, multiplier) per row
    lp: highspy.HighsLp
    offset: float
    integer: np.ndarray  # bool per column


@dataclass
class SolveOutcome:
    status: str  # optimal | time_limit | infeasible | unbounded | infeasible_or_unbounded | error
    objective: float | None
    bound: float | None
    gap: float | None
    x: np.ndarray | None
    row_dual: np.ndarray | None
    solve_s: float
    message: str = ""
    progress: list[dict] = field(default_factory=list)


def compile_model(m: pyo.ConcreteModel) -> Compiled:
    sf = LinearStandardFormCompiler().write(m, mixed_form=True)
    A = sf.A.tocsc()
    n_rows, n_cols = A.shape
    mult = np.array([r[1] for r in sf.rows], dtype=int)
    rhs = np.asarray(sf.rhs, dtype=float)
    row_lower = np.where(mult == 1, -INF, rhs)
    row_upper = np.where(mult == -1, INF, rhs)
    cols = sf.columns
    lb = np.array([-INF if v.lb is None else v.lb for v in cols], dtype=float)
    ub = np.array([INF if v.ub is None else v.ub for v in cols], dtype=float)
    integer = np.array([v.is_integer() for v in cols], dtype=bool)
    c = np.asarray(sf.c.todense()).ravel() if sf.c.shape[0] else np.zeros(n_cols)
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = c
    lp.col_lower_ = lb
    lp.col_upper_ = ub
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer]
    offset = float(sf.c_offset[0]) if len(sf.c_offset) else 0.0
    return Compiled(cols, sf.rows, lp, offset, integer)


_STATUS = {
    "Optimal": "optimal",
    "Time limit reached": "time_limit",
    "Infeasible": "infeasible",
    "Unbounded": "unbounded",
    "Primal infeasible or unbounded": "infeasible_or_unbounded",
    "Interrupted by user": "interrupted",
}


def _gap(obj: float | None, bound: float | None) -> float | None:
    if obj is None or bound is None or not math.isfinite(obj) or not math.isfinite(bound):
        return None
    return abs(obj - bound) / max(abs(obj), 1e-9)


def _new_highs(options: SolverOptions, log: bool) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(log))
    h.setOptionValue("mip_rel_gap", float(options.mip_rel_gap))
    h.setOptionValue("random_seed", 0)
    if options.threads:
        h.setOptionValue("threads", int(options.threads))
    return h


def _status(h: highspy.Highs) -> str:
    return _STATUS.get(h.modelStatusToString(h.getModelStatus()), "error")


def _run(h: highspy.Highs, deadline: float) -> bool:
    left = deadline - time.perf_counter()
    if left <= 0:
        return False
    h.setOptionValue("time_limit", left)
    h.run()
    return _status(h) == "optimal"


def _round(comp: Compiled, x: np.ndarray, fix_units: bool) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values that fix the binaries (and, with ``fix_units``, GPU units) of x.

    Binaries: open/take set to 1 wherever the LP uses them at all (so capacity only grows);
    training hosts: each program goes to the site with its largest LP share, or is skipped.
    GPU units are rounded up, which keeps every allocation of x feasible.
    """
    idx, val = [], []
    hosts: dict[object, list[tuple[float, int]]] = {}
    for j, v in enumerate(comp.columns):
        if not comp.integer[j]:
            continue
        name = v.parent_component().local_name
        if name == "host":
            hosts.setdefault(v.index()[0], []).append((x[j], j))
        elif name == "buy":
            if fix_units:
                idx.append(j)
                val.append(math.ceil(x[j] - 1e-6))
        else:
            idx.append(j)
            val.append(1.0 if x[j] > 1e-6 else 0.0)
    for p, cand in hosts.items():
        best_x, best_j = max(cand)
        for xv, j in cand:
            idx.append(j)
            val.append(1.0 if (j == best_j and best_x > 1e-6) else 0.0)
    return np.array(idx, dtype=np.int32), np.array(val, dtype=float)


def run_highs(
    comp: Compiled,
    options: SolverOptions,
    log: bool = False,
    on_incumbent: Callable[[dict], None] | None = None,
    duals: bool = True,
) -> SolveOutcome:
    """Solve the model; report status, objective, a valid bound and the true gap.

    LP (``relax``): one interior-point solve without crossover (its duals are valid; crossover
    took 75 s against 14 s on the 99k-column benchmark M), HiGHS's default solver if it stalls.
    MIP: (1) the LP relaxation by interior point gives a valid lower bound; (2) the binaries
    are rounded and fixed and the LP re-solved; (3) GPU units are rounded up and fixed and
    the LP re-solved: a feasible plan. If its gap to the bound is within ``mip_rel_gap`` it
    is returned; otherwise HiGHS's branch-and-bound starts from it for the time left. The
    final LP (every integer fixed) supplies the marginal values.
    """
    t0 = time.perf_counter()
    deadline = t0 + float(options.time_limit_s)
    progress: list[dict] = []

    def report(obj: float, bound: float | None) -> None:
        rec = {"t_s": round(time.perf_counter() - t0, 3), "objective": obj, "bound": bound, "gap": _gap(obj, bound)}
        progress.append(rec)
        if on_incumbent:
            on_incumbent(rec)

    is_mip = bool(comp.integer.any()) and not options.relax
    lp = comp.lp
    integrality = lp.integrality_
    lp.integrality_ = []
    h = _new_highs(options, log)
    h.passModel(lp)
    lp.integrality_ = integrality
    # Interior point without crossover: measured 9.6 s against 52 s with crossover and 44 s for
    # dual simplex on the world LP, to the same objective. Crossover runs only on the last LP.
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "off")
    ok = _run(h, deadline)
    status = _status(h)
    if not ok and status == "error" and time.perf_counter() < deadline:
        # interior point can stall on tiny or degenerate LPs; the default solver settles them
        h.setOptionValue("solver", "choose")
        h.setOptionValue("run_crossover", "on")
        ok = _run(h, deadline)
        status = _status(h)
    if not ok:
        info = h.getInfo()
        msg = h.modelStatusToString(h.getModelStatus())
        if status in ("infeasible", "unbounded", "infeasible_or_unbounded"):
            msg += ": the LP relaxation already fails, so no integer plan can exist (check demand, caps and eligibility)"
        return SolveOutcome(status, None, None, None, None, None, time.perf_counter() - t0, msg, progress)
    bound = h.getInfo().objective_function_value + comp.offset
    x = np.array(h.getSolution().col_value)
    if not is_mip:
        report(bound, bound)
        row_dual = np.array(h.getSolution().row_dual) if duals else None
        return SolveOutcome("optimal", bound, bound, 0.0, x, row_dual, time.perf_counter() - t0, "", progress)

    for fix_units in (False, True):
        idx, val = _round(comp, x, fix_units)
        h.changeColsBounds(len(idx), idx, val, val)
        h.setOptionValue("run_crossover", "on" if fix_units else "off")
        if not _run(h, deadline):
            break
        x = np.array(h.getSolution().col_value)
    rounded = _status(h) == "optimal"
    incumbent = h.getInfo().objective_function_value + comp.offset if rounded else math.inf
    row_dual = None
    if rounded:
        report(incumbent, bound)
        row_dual = np.array(h.getSolution().row_dual) if duals else None
        gap = _gap(incumbent, bound)
        if gap is not None and gap <= options.mip_rel_gap:
            return SolveOutcome("optimal", incumbent, bound, gap, x, row_dual, time.perf_counter() - t0, "", progress)

    # Branch and bound, from the rounded plan when rounding gave one, for the time that is left.
    hm = _new_highs(options, log)
    hm.passModel(lp)
    if rounded:
        start = highspy.HighsSolution()
        start.col_value = list(x)
        start.value_valid = True
        hm.setSolution(start)

    def _cb(e):
        d = e.data_out
        report(d.objective_function_value + comp.offset, max(bound, d.mip_dual_bound + comp.offset))

    hm.cbMipImprovingSolution.subscribe(_cb)
    _run(hm, deadline)
    info = hm.getInfo()
    if info.primal_solution_status == 2 and info.objective_function_value + comp.offset < incumbent - 1e-9:
        x = np.array(hm.getSolution().col_value)
        incumbent = info.objective_function_value + comp.offset
        idx = np.flatnonzero(comp.integer).astype(np.int32)
        vals = np.round(x[idx])
        h.changeColsBounds(len(idx), idx, vals, vals)
        _run(h, time.perf_counter() + 120)
        row_dual = np.array(h.getSolution().row_dual) if duals and _status(h) == "optimal" else None
    if math.isfinite(info.mip_dual_bound):
        bound = max(bound, info.mip_dual_bound + comp.offset)
    if not math.isfinite(incumbent):
        hs = _status(hm)
        status = hs if hs in ("infeasible", "time_limit") else "error"
        return SolveOutcome(status, None, bound, None, None, None, time.perf_counter() - t0, "no integer plan found" + (" in the time limit" if status == "time_limit" else ""), progress)
    gap = _gap(incumbent, bound)
    status = "optimal" if gap is not None and gap <= options.mip_rel_gap + 1e-12 else ("time_limit" if time.perf_counter() >= deadline - 1e-3 else _status(hm))
    return SolveOutcome(status, incumbent, bound, gap, x, row_dual, time.perf_counter() - t0, "", progress)
