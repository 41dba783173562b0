"""Studies over many solves of a case: sweeps of independent cases on Dask (``sweep``), the Jevons
experiment (``rebound``), two-stage stochastic plans (``stochastic``) and near-optimal alternatives
(``alternatives``), built on what-if overrides (:mod:`tokensite.dataset.overrides`) and the pipeline
(:mod:`tokensite.run`). Nothing is imported here: ``sweep --workers`` needs ``tokensite[dask]``, and
the ``ef-mpisppy`` and ``ph`` stochastic methods need ``tokensite[stochastic]``."""
