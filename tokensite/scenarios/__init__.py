"""Scenarios: what-if overrides applied as data (``overrides``), sweeps of independent cases on
Dask (``sweep``) and two-stage stochastic plans on mpi-sppy (``stochastic``). Only ``overrides``
is imported here; the other two need their extras (``tokensite[dask]``, ``tokensite[stochastic]``)."""
