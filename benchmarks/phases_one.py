"""One solve of a benchmark size in this (fresh) process, for benchmarks/phases.py; prints one JSON line.

python benchmarks/phases_one.py SIZE [--relax] [--time-limit S]

It uses only what every version of tokensite has (``tokensite.solve`` and ``benchmarks.generate``), so
benchmarks/phases.py can run it against an export of an older commit: the tree on PYTHONPATH is the one
measured. Phase records come from summary.json's ``phases`` where the version has them, else ``phases_s``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import tokensite
from benchmarks.generate import ROOT, SIZES, generate
from tokensite.packaged import shipped_case


def case_path(size: str) -> Path:
    return shipped_case("world") if size == "S" else generate(SIZES[size], ROOT / "benchmarks" / ".cache" / f"phases-{size}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("size")
    ap.add_argument("--relax", action="store_true")
    ap.add_argument("--time-limit", type=float, default=None)
    a = ap.parse_args()
    extra = {"time_limit_s": a.time_limit} if a.time_limit else {}
    t0 = time.perf_counter()
    s = tokensite.solve(case_path(a.size), relax=a.relax or None, **extra).summary
    phases = s.get("phases") or [{"name": k, "seconds": v, "objective": None, "bound": None} for k, v in s.get("phases_s", {}).items()]
    print(json.dumps({"size": a.size, "relax": a.relax, "status": s["status"], "objective_usd": s["objective_usd"],
                      "bound_usd": s["best_bound_usd"], "spend_usd": s.get("spend_usd"), "spend_gap": s.get("spend_gap"),
                      "solve_s": s["solve_s"], "wall_s": round(time.perf_counter() - t0, 3), "phases": phases,
                      "solver_warnings": len(s.get("solver_warnings") or []), "variables": s["variables"], "message": s["message"]}))


if __name__ == "__main__":
    main()
