"""The MPI entry point of Progressive Hedging: ``mpiexec -n N python -m mpi4py -m tokensite.scenarios.stochastic
CASE SCENARIOS.csv OUT.json [--time-limit S] [--gap G] [--max-iterations N]``, which
:func:`tokensite.scenarios.stochastic.ph.run_ph_mpi` launches."""

from __future__ import annotations

import argparse

from tokensite.scenarios.stochastic.ph import ENTRY_POINT, MAX_ITERATIONS, run_ph


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog=f"python -m mpi4py -m {ENTRY_POINT}")
    ap.add_argument("case")
    ap.add_argument("scenarios")
    ap.add_argument("out_json")
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--gap", type=float, default=None)
    ap.add_argument("--max-iterations", type=int, default=MAX_ITERATIONS)
    a = ap.parse_args(argv)
    run_ph(a.case, a.scenarios, a.out_json, time_limit_s=a.time_limit, mip_rel_gap=a.gap, max_iterations=a.max_iterations)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
