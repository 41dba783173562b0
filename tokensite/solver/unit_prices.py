"""Duals of the rows that bound GPU purchases (``gpu_supply``), read with the GPU units free.

A row over ``buy`` alone, in the plan's LP with every integer fixed, has dual 0: the fixed bounds
carry its whole value. What one more unit of a generation is worth is read instead from the LP
with the binaries fixed at the plan and the GPU units continuous within their bounds, where one
more unit of g may replace a unit of the next-best generation: that LP's dual of the row is the
value asked. Only these rows' duals are taken from it; the plan, its objective and every other dual
stay those of the plan's own LP. A model without such rows (every model without gpu_supply.csv)
solves nothing more here.
"""

from __future__ import annotations

import math
from dataclasses import replace

import highspy
import numpy as np

from tokensite.compile import Compiled
from tokensite.config import SolverOptions
from tokensite.solver.highs import new_highs, resolve, run_until
from tokensite.solver.search import drop_tightening_rows
from tokensite.solver.solution import Plan, plan_of

UNIT_PRICE_KINDS = ("gpu_supply",)
"""Price kinds (tokensite/model/ledger.py) whose rows bound ``buy`` only."""
UNITS = "buy"


def with_unit_prices(comp: Compiled, options: SolverOptions, plan: Plan | None, deadline: float, log: bool, warnings: list[str],
                     session: tuple[highspy.Highs, highspy.HighsBasis] | None = None, warm_s: float = math.inf) -> Plan | None:
    """``plan`` with the duals of its unit-bounding rows from the LP with binaries fixed and GPU units
    free; the plan unchanged when there are none, it has no duals, or that LP does not solve in time.

    Given a ``session`` (an LP session of ``comp`` over every route, its tightening rows dropped, and a basis
    of the LP with some binaries fixed and the units free: the phases' rounding), that LP is re-solved there
    from the basis (:func:`~tokensite.solver.highs.resolve`, warm for at most ``warm_s``), not in a new session
    from scratch: on the world case 0.5 s (15 dual simplex iterations) against 21-29 s."""
    groups = {comp.price_rows[k] for k in UNIT_PRICE_KINDS if k in comp.price_rows}
    rows = np.array([i for i, (name, _key) in enumerate(comp.row_names) if name in groups], dtype=np.int64)
    if plan is None or plan.row_dual is None or not len(rows) or len(plan.x) != len(comp.col_names):
        return plan
    units = np.array([name == UNITS for name, _key in comp.col_names], dtype=bool)
    fixed = np.flatnonzero(comp.integer & ~units).astype(np.int32)
    vals = np.round(plan.x[fixed])
    if session is None:
        h = new_highs(comp, options, log, integer=False, warnings=warnings)
        h.changeColsBounds(len(fixed), fixed, vals, vals)
        drop_tightening_rows(h, comp)
        h.setOptionValue("run_crossover", "on")
        status = run_until(h, deadline)
    else:
        h, basis = session
        free = np.flatnonzero(units).astype(np.int32)
        h.changeColsBounds(len(fixed), fixed, vals, vals)
        h.changeColsBounds(len(free), free, np.asarray(comp.lp.col_lower_)[free], np.asarray(comp.lp.col_upper_)[free])
        h.setBasis(basis)
        status = resolve(h, deadline, warm_s)
    if status != "optimal":
        return plan
    dual = plan.row_dual.copy()
    dual[rows] = plan_of(h, comp).row_dual[rows]
    return replace(plan, row_dual=dual)
