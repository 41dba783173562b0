"""``policy.csv``: the default world case has no budget, CO2 cap or carbon price."""

from __future__ import annotations

from .tokens import YEARS
from .sourced import Table, table


def build_policy() -> Table:
    return table("policy.csv", [dict(year=y, budget_usd=None, co2_cap_t=None, carbon_price_usd_per_t=None,
                                     source="no policy constraint in the default world case") for y in YEARS])
