"""``tokensite stochastic``: one build that holds up across futures, as a two-stage stochastic program.

A scenario is a name, a probability and overrides, as in a sweep (:mod:`.scenarios`). The first stage
(what is built: :data:`tokensite.model.stages.FIRST_STAGE`) is shared by every scenario; the second
stage (operations) is each scenario's own. Each scenario is one tokensite model (:mod:`.models`), and
the recourse problem (RP) is solved by

* ``ef``: the extensive form built by :mod:`tokensite.model.extensive` and solved by tokensite's own
  HiGHS phases (measured to find plans where the next one finds none in the same time) (:mod:`.ef`);
* ``ef-mpisppy``: the extensive form built by mpi-sppy (``mpisppy.opt.ef.ExtensiveForm``) from one tokensite
  model per scenario, solved by HiGHS's branch and bound (``appsi_highs``) (:mod:`.ef`); or
* ``ph``: Progressive Hedging with an xhat incumbent (:mod:`.ph`, run under
  ``mpiexec -n N python -m mpi4py -m tokensite.scenarios.stochastic``), proximal terms linearised.

Then (:mod:`.run`), with the pipeline's :func:`tokensite.run.solve` and results writer: each scenario's
operations under the here-and-now build (``fixed_build``), each scenario alone (wait-and-see), and the
mean-value plan (every override at its probability-weighted mean) evaluated in each scenario. Reported:
expected cost, EVPI = RP − WS, VSS = EEV − RP (docs/formulation.md, "Stages").

mpi-sppy and mpi4py are optional (``tokensite[stochastic]``); only ``ef-mpisppy`` and ``ph`` need them.
"""

from tokensite.scenarios.stochastic.ef import solve_ef, solve_ef_direct
from tokensite.scenarios.stochastic.models import attach, first_stage_keys, nonant_list, scenario_models
from tokensite.scenarios.stochastic.ph import mpiexec, run_ph_mpi
from tokensite.scenarios.stochastic.recourse import Build, RecourseSolution, build_from_values, build_of, build_table
from tokensite.scenarios.stochastic.run import run_stochastic
from tokensite.scenarios.stochastic.scenarios import Scenario, mean_value_overrides, read_scenarios, scenario_case

__all__ = ["Build", "RecourseSolution", "Scenario", "attach", "build_from_values", "build_of", "build_table", "first_stage_keys",
           "mean_value_overrides", "mpiexec", "nonant_list", "read_scenarios", "run_ph_mpi", "run_stochastic", "scenario_case",
           "scenario_models", "solve_ef", "solve_ef_direct"]
