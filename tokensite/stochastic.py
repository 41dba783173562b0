"""The MPI entry point of Progressive Hedging: ``mpiexec -n N python -m mpi4py -m tokensite.stochastic
CASE SCENARIOS.csv OUT.json [--time-limit S] [--gap G]`` (see :mod:`tokensite.scenarios.ph`)."""

from tokensite.scenarios.ph import main

if __name__ == "__main__":
    raise SystemExit(main())
