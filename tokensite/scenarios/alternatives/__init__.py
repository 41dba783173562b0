"""``tokensite alternatives``: near-optimal plans by modelling to generate alternatives (MGA)
(:mod:`tokensite.scenarios.alternatives.run` has the method; docs/formulation.md, "Near-optimal alternatives")."""

from tokensite.scenarios.alternatives.directions import GROUPINGS, Direction, directions, group_measures, measure
from tokensite.scenarios.alternatives.explore import CAP_TOLERANCE, METHODS, Run, explore, with_cost_cap
from tokensite.scenarios.alternatives.run import run_alternatives, site_ranges

__all__ = ["CAP_TOLERANCE", "GROUPINGS", "METHODS", "Direction", "Run", "directions", "explore", "group_measures", "measure",
           "run_alternatives", "site_ranges", "with_cost_cap"]
