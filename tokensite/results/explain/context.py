"""What every why-not-here reason reads: the case's own sets and parameters, the plan's frames,
and the wording of costs and shares (the costs themselves are :mod:`tokensite.model.yardstick`'s)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tokensite.dataset import Dataset
from tokensite.model.index import Index
from tokensite.model.params import Params
from tokensite.model.yardstick import TERMS

COLUMNS = ["kind", "site_id", "metro_id", "layer", "year", "reason", "detail"]
EPS = 1e-6


@dataclass(frozen=True)
class Context:
    ds: Dataset
    ix: Index
    par: Params
    frames: dict
    powered_from: dict[str, float]  # site -> first year it has grid, tranche or bridge power
    earliest_year: dict[str, int]

    def usable_by(self, site: str, year: int) -> bool:
        """GPUs can be installed with power at ``site`` by ``year``."""
        return self.earliest_year[site] <= year and self.powered_from[site] <= year


def powered_from(ds: Dataset, ix: Index, par: Params) -> dict[str, float]:
    """Site -> first year it has grid, tranche or bridge power (-inf: today; inf: never)."""
    first_tranche = ds.queue.groupby("site_id").online_year.min().to_dict()
    bridge = set(ix.R_BRIDGE)
    return {r: -math.inf if par.existing_mw[r] > 0 or r in bridge else float(first_tranche.get(r, math.inf)) for r in ix.R}


def pct(share: float) -> str:
    """A share in percent, in plain digits: 26%, 8.5%, 0.0074%."""
    return f"{share:.0f}%" if share >= 10 else f"{share:.2g}%" if share >= 1e-3 else "<0.001%"


def fmt(usd_per_mtok: float) -> str:
    return "unbounded" if not math.isfinite(usd_per_mtok) else f"{usd_per_mtok:.3g}"


def losing_term(here: dict[str, float], there: dict[str, float]) -> str:
    """The term by which ``here`` exceeds ``there`` the most."""
    return max(TERMS, key=lambda k: here[k] - there[k])


def largest_term(cost: dict[str, float]) -> str:
    return max(TERMS, key=lambda k: cost[k])
