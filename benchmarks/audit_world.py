"""Audit a solved plan's GPU purchases the way a planner would (issue 9).

For every purchase in the plan (site × generation × year, units ≥ 1), two re-solves with every
other integer decision held at the plan: the purchase one unit smaller, and the purchase removed.
Each is the LP over the continuous decisions (flows, allocation, power, facility MW), so every
re-solve is itself a buildable plan; if one costs less than the plan, that purchase was a
rounding artefact. Prints one line per purchase that a re-solve beats and a summary.

    python -m benchmarks.audit_world [CASE.toml]  (default: the shipped world case)
"""

from __future__ import annotations

import sys
import time

import numpy as np

from tokensite.compile import compile_model
from tokensite.config import load_case
from tokensite.dataset import read_dataset
from tokensite.model import build_model
from tokensite.packaged import shipped_case
from tokensite.solver import new_highs, rounding_groups, run_until, solve_compiled


def main(argv: list[str] | None = None) -> None:
    path = (argv or sys.argv[1:] or [str(shipped_case())])[0]
    case = load_case(path)
    m, ix, par = build_model(read_dataset(case.data_dir), case)
    comp = compile_model(m, case.solver)
    groups = rounding_groups(comp, {"": (ix, par)})
    t0 = time.perf_counter()
    sol = solve_compiled(comp, case.solver, groups)
    print(f"plan: {sol.status}, objective {sol.objective:,.2f} MUSD, spend gap {sol.spend_gap:.4%}, {time.perf_counter() - t0:.0f} s", flush=True)
    x = comp.highs_x(np.array([sol.values[name][key] for name, key in comp.col_names]))
    ints = np.flatnonzero(comp.integer).astype(np.int32)
    buys = [j for j in groups.round_up.tolist() if round(x[j]) >= 1]
    h = new_highs(comp, case.solver, False, integer=False, warnings=[])
    fixed = np.round(x[ints])
    h.changeColsBounds(len(ints), ints, fixed, fixed)
    h.setOptionValue("solver", "simplex")
    deadline = time.perf_counter() + 3600
    assert run_until(h, deadline) == "optimal"
    base = comp.objective_of(np.array(h.getSolution().col_value))
    h.setOptionValue("presolve", "off")
    beaten = []
    for j in buys:
        units = round(x[j])
        for smaller in sorted({units - 1, 0}, reverse=True):
            h.changeColsBounds(1, np.array([j], np.int32), np.array([smaller], float), np.array([smaller], float))
            status = run_until(h, deadline)
            obj = comp.objective_of(np.array(h.getSolution().col_value)) if status == "optimal" else float("inf")
            if obj < base - 1e-7 * abs(base):
                beaten.append((comp.col_names[j], units, smaller, base - obj))
                print(f"  beaten: {comp.col_names[j][1]} {units} -> {smaller} units saves {base - obj:,.3f} MUSD", flush=True)
        h.changeColsBounds(1, np.array([j], np.int32), np.array([units], float), np.array([units], float))
    run_until(h, deadline)
    print(f"{len(buys)} purchases ({int(sum(round(x[j]) for j in buys))} units) audited with {2 * len(buys)} re-solves "
          f"in {time.perf_counter() - t0:.0f} s: {len(beaten)} beaten", flush=True)


if __name__ == "__main__":
    main()
