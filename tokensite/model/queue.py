"""Queue-timing family (FORMULATION.md §5): how "the grid makes you wait" enters.

.. math::
    grid[r,y] = existing\\_mw_r + Σ_{q ∈ Q_r,\\ online_q ≤ y} mw_q · take[q],\\qquad online_q = request_q + ⌈wait_q⌉

Tranches that come online after the horizon get no variable. Site lead time: buy[r,·,y]
exists only for y ≥ earliest_year_r (by construction of the index set RGY).

Cost registered: taken tranches, mw_q · 1000 · cost_usd_per_kw · CRF(rate, interconnect life),
each year from the tranche's online year.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from tokensite.config import Case
from tokensite.model.sets import MUSD, Sets, crf
from tokensite.model.variables import add_cost


def add_queue(m: pyo.ConcreteModel, S: Sets, case: Case) -> None:
    regions, queue = S.params["regions"], S.params["queue"]
    at_site = defaultdict(list)
    for q in S.Q:
        at_site[queue.at[q, "site_id"]].append(q)
    online = {q: int(queue.at[q, "online_year"]) for q in S.Q}
    m.grid_mw = pyo.Expression(
        S.RY,
        rule=lambda _, r, y: float(regions.at[r, "existing_mw"]) + sum(float(queue.at[q, "mw"]) * m.take[q] for q in at_site.get(r, ()) if online[q] <= y),
    )
    factor = crf(case.discount_rate, case.finance.interconnect_life_years)
    for q in S.Q:
        annual = float(queue.at[q, "mw"]) * 1000 * float(queue.at[q, "cost_usd_per_kw"]) * factor / MUSD
        for y in S.Y:
            if y >= online[q]:
                add_cost(m, "interconnection", y, annual * m.take[q], site=queue.at[q, "site_id"])
