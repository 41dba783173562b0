"""The GPU files of issue 27 (the installed base, export rules, prices, supply), one pandera model each
(listed in ``schemas.TABLES``).

Kept apart from :mod:`tokensite.dataset.schemas` only for its length; the contract is the same
(:func:`~tokensite.dataset.contract.column`, :func:`~tokensite.dataset.contract.table`). The model
reads them in :mod:`tokensite.model.gpu_rules`.
"""

from __future__ import annotations

from pandera.typing import Series

from tokensite.dataset.contract import Plausible as P
from tokensite.dataset.contract import YEAR, Order, column, ordered, table
from tokensite.dataset.contract import Base as _Base

ACCESS = ["banned", "licensed"]



class Installed(_Base):
    """GPUs standing at a site today (tokensite/model/existing.py): their capex is sunk."""

    site_id: Series[str] = column("site in regions.csv", references=("regions.csv", "site_id"))
    gpu: Series[str] = column("gpu in gpus.csv", references=("gpus.csv", "gpu"))
    vintage: Series[int] = column("year the units were installed; they count until vintage + lifetime_years − 1; not after the first planning year", **YEAR)
    units: Series[int] = column("GPU units installed (gpus_per_unit GPUs each, as gpus.csv)", unit="GPU units", ge=0, le=1e9, plausible=P(1, 1e6))

    class Config:
        metadata = table("installed.csv", required=False, key=("site_id", "gpu", "vintage"))


class GpuAccess(_Base):
    """Export rules: a GPU generation banned, or bought under licence, in a country for some years."""

    gpu: Series[str] = column("gpu in gpus.csv", references=("gpus.csv", "gpu"))
    country: Series[str] = column("ISO 3166 alpha-2 of the sites the rule holds at (regions.csv country)", str_matches=r"^[A-Z]{2}$",
                                  hint="a two-letter ISO code such as CN")
    from_year: Series[int] = column("first year the rule holds", **YEAR)
    to_year: Series[float] = column("last year the rule holds; blank = open-ended", optional=True, nullable=True, **YEAR)
    access: Series[str] = column("banned (no purchase at the country's sites in those years) | licensed (the unit capex is multiplied)", isin=ACCESS)
    capex_multiplier: Series[float] = column("licensed: unit capex multiplier, a licence fee or tariff (≥ 1); blank = 1", unit="x the unit capex",
                                             optional=True, ge=1, le=100, default=1.0)
    class Config:
        metadata = table("gpu_access.csv", required=False, key=("gpu", "country", "from_year"))
        row_order = ordered(Order("from_year", "to_year", "to_year", "a rule holds from from_year to to_year",
                                  "use a to_year at or after from_year, or leave it blank (open-ended)", ("before", "after")))


class GpuPrices(_Base):
    """GPU prices by year: an older generation gets cheaper as it ages."""

    gpu: Series[str] = column("gpu in gpus.csv", references=("gpus.csv", "gpu"))
    year: Series[int] = column("first year the price holds", **YEAR)
    capex_usd_per_gpu: Series[float] = column("GPU with its share of server and network from this year on, USD", unit="USD", ge=0, le=1e8,
                                              plausible=P(5e3, 1e5, "thousand USD", "three zeros too many"))
    class Config:
        metadata = table("gpu_prices.csv", required=False, key=("gpu", "year"))


class GpuSupply(_Base):
    """GPU supply by year: the units of a generation a market (or the world) can buy in a calendar year."""

    gpu: Series[str] = column("gpu in gpus.csv", references=("gpus.csv", "gpu"))
    year: Series[int] = column("first calendar year the limit holds (the latest row at or before a year applies)", **YEAR)
    units_max: Series[float] = column("units of the gpu its market's sites may buy a calendar year", unit="units per year", ge=0, le=1e9,
                                      plausible=P(10, 1e7))
    market: Series[str] = column("market of regions.csv whose sites the limit holds at; blank = the world", optional=True, nullable=True)
    class Config:
        metadata = table("gpu_supply.csv", required=False, key=("gpu", "market", "year"))
