"""The solve: a compiled model -> HiGHS, in named phases, with honest status, bound and gap.

:data:`PHASES` lists the phases in order; :func:`solve_compiled` runs them. The rounding groups are
derived here from the compiled column names (:func:`rounding_groups`): the model says nothing
about rounding.
"""

from tokensite.solver.driver import PHASES, solve_compiled
from tokensite.solver.highs import new_highs, run_until, status_of
from tokensite.solver.rounding import RoundingColumns, rounding_groups
from tokensite.solver.routes import RouteSet, route_set
from tokensite.solver.solution import Plan, Solution, gap_of, solution_at, spend_gap_of

__all__ = ["PHASES", "Plan", "RouteSet", "RoundingColumns", "Solution", "gap_of", "new_highs", "route_set", "rounding_groups",
           "run_until", "solution_at", "solve_compiled", "spend_gap_of", "status_of"]
