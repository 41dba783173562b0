"""The policy files (policy.csv, co2_caps.csv), one pandera model each (listed in ``schemas.TABLES``).

Kept apart from :mod:`tokensite.dataset.schemas` only for its length; the contract is the same
(:func:`~tokensite.dataset.contract.column`, :func:`~tokensite.dataset.contract.table`).
"""

from __future__ import annotations

from pandera.typing import Series

from tokensite.dataset.contract import Plausible as P
from tokensite.dataset.contract import YEAR, column, table
from tokensite.dataset.contract import Base as _Base

_ZEROS = "three zeros too many"



class Policy(_Base):
    year: Series[int] = column("year", unique=True, **YEAR)
    budget_usd: Series[float] = column("investment limit, USD per year; blank = none", unit="USD per year", optional=True, ge=0, le=1e15, nullable=True,
                                       plausible=P(1e8, 1e13, "thousand or million USD", _ZEROS))
    co2_cap_t: Series[float] = column("emissions cap, t CO2 per year; blank = none", unit="t CO2 per year", optional=True, ge=0, le=1e12, nullable=True,
                                      plausible=P(1e4, 1e10, "kt", "kg"))
    carbon_price_usd_per_t: Series[float] = column("carbon price, USD per t CO2; blank = none", unit="USD/t CO2", optional=True, ge=0, le=1e5, nullable=True,
                                                   plausible=P(1, 500, "USD/kg", _ZEROS))
    class Config:
        metadata = table("policy.csv", required=False)


class Co2Caps(_Base):
    """Emissions caps by jurisdiction and year (tokensite/model/co2_caps.py)."""

    jurisdiction: Series[str] = column("jurisdiction in regions.csv", references=("regions.csv", "jurisdiction"))
    year: Series[int] = column("year the cap holds", **YEAR)
    cap_t: Series[float] = column("emissions cap of the jurisdiction's sites, t CO2 per year", unit="t CO2 per year", ge=0, le=1e12,
                                  plausible=P(1e4, 1e10, "kt", "kg"))

    class Config:
        metadata = table("co2_caps.csv", required=False, key=("jurisdiction", "year"))
