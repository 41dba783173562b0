"""One benchmark measurement in this (fresh) process; prints one JSON line.

python -m benchmarks.run_one tokensite SIZE [--relax] [--time-limit S] [--save-matrix FILE]
python -m benchmarks.run_one bare MATRIX_FILE [--time-limit S]
python -m benchmarks.run_one linopy SIZE [--time-limit S]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import numpy as np

from benchmarks.generate import ROOT, SIZES, generate
from tokensite.packaged import shipped_case

CACHE = ROOT / "benchmarks" / ".cache"


def case_path(size: str) -> Path:
    if size == "S":
        return shipped_case()
    return generate(SIZES[size], CACHE / size)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_tokensite(size: str, relax: bool, time_limit: float, save: str | None) -> dict:
    import tokensite
    from tokensite.run import Observer

    class Keep(Observer):
        def compiled(self, comp) -> None:
            if save:
                lp = comp.lp
                np.savez(save, start=np.asarray(lp.a_matrix_.start_), index=np.asarray(lp.a_matrix_.index_), value=np.asarray(lp.a_matrix_.value_),
                         cost=np.asarray(lp.col_cost_), col_lower=np.asarray(lp.col_lower_), col_upper=np.asarray(lp.col_upper_),
                         row_lower=np.asarray(lp.row_lower_), row_upper=np.asarray(lp.row_upper_), integer=comp.integer, offset=comp.offset,
                         objective_scale=comp.objective_scale)

    t0 = time.perf_counter()
    res = tokensite.solve(case_path(size), relax=relax, time_limit_s=time_limit, observer=Keep())
    s = res.summary
    out = {k: s[k] for k in ("status", "objective_usd", "best_bound_usd", "mip_gap", "read_s", "build_s", "hand_off_s", "solve_s", "extract_s",
                            "variables", "integer_variables", "constraints", "nonzeros")}
    out.update(peer="tokensite", size=size, relax=relax, wall_s=round(time.perf_counter() - t0, 3), peak_mb=round(peak_mb(), 1))
    out["overhead_s"] = round(out["read_s"] + out["build_s"] + out["hand_off_s"] + out["extract_s"], 3)
    return out


def run_bare(matrix: str, time_limit: float) -> dict:
    """The bare limit: tokensite's own matrix into highspy, LP relaxation, solution read back."""
    import highspy

    t0 = time.perf_counter()
    d = np.load(matrix)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(d["cost"]), len(d["row_lower"])
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = d["cost"], d["col_lower"], d["col_upper"]
    lp.row_lower_, lp.row_upper_ = d["row_lower"], d["row_upper"]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = d["start"], d["index"], d["value"]
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "off")
    h.setOptionValue("time_limit", time_limit)
    h.passModel(lp)
    t1 = time.perf_counter()
    h.run()
    t2 = time.perf_counter()
    x = np.array(h.getSolution().col_value)
    t3 = time.perf_counter()
    return dict(peer="bare", status=h.modelStatusToString(h.getModelStatus()), objective_usd=(h.getInfo().objective_function_value / float(d["objective_scale"]) + float(d["offset"])) * 1e6,
                overhead_s=round((t1 - t0) + (t3 - t2), 3), solve_s=round(t2 - t1, 3), columns=int(len(x)), peak_mb=round(peak_mb(), 1))


def run_linopy(size: str, time_limit: float) -> dict:
    """The same formulation written in linopy (LP relaxation), solved with the same HiGHS settings:
    interior point without crossover, HiGHS's default solver with crossover if it stalls (tokensite's relax)."""
    import highspy

    import tokensite
    from benchmarks.peers.linopy_model import build

    t0 = time.perf_counter()
    case = tokensite.load_case(case_path(size))
    ds = tokensite.read_dataset(case.data_dir)
    t1 = time.perf_counter()
    peer, _ = build(ds, case)
    t2 = time.perf_counter()
    h = peer.m.to_highspy()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "off")
    h.setOptionValue("time_limit", time_limit)
    t3 = time.perf_counter()
    h.run()
    fallback = h.getModelStatus() == highspy.HighsModelStatus.kUnknown
    if fallback:  # IPX stalled (seen at M): HiGHS's default solver with crossover, as tokensite's relax does
        h.setOptionValue("solver", "choose")
        h.setOptionValue("run_crossover", "on")
        h.setOptionValue("time_limit", max(time_limit - (time.perf_counter() - t3), 1.0))
        h.run()
    t4 = time.perf_counter()
    x = np.array(h.getSolution().col_value)
    t5 = time.perf_counter()
    info = h.getInfo()
    return dict(peer="linopy", size=size, status=h.modelStatusToString(h.getModelStatus()), ipm_stalled=fallback,
                objective_usd=(info.objective_function_value) * 1e6,
                read_s=round(t1 - t0, 3), build_s=round(t2 - t1, 3), hand_off_s=round(t3 - t2, 3), solve_s=round(t4 - t3, 3), extract_s=round(t5 - t4, 3),
                overhead_s=round((t1 - t0) + (t3 - t1) + (t5 - t4), 3), columns=int(len(x)), peak_mb=round(peak_mb(), 1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("peer", choices=["tokensite", "bare", "linopy"])
    ap.add_argument("target")
    ap.add_argument("--relax", action="store_true")
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--save-matrix")
    a = ap.parse_args()
    if a.peer == "tokensite":
        out = run_tokensite(a.target, a.relax, a.time_limit, a.save_matrix)
    elif a.peer == "bare":
        out = run_bare(a.target, a.time_limit)
    else:
        out = run_linopy(a.target, a.time_limit)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
