"""Studies over many cases: sweeps of independent cases on Dask (``sweep``), the Jevons experiment
(``rebound``) and two-stage stochastic plans on mpi-sppy (``stochastic``), each a set of what-if
overrides (:mod:`tokensite.dataset.overrides`) solved by the pipeline. Nothing is imported here:
``sweep --workers`` needs ``tokensite[dask]`` and two of the stochastic methods ``tokensite[stochastic]``."""
