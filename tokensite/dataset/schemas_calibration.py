"""calibration.csv: published ranges the plan is checked against (listed in ``schemas.TABLES``).

Optional, and never read by the model: the results compare the plan's GW with each band
(:mod:`tokensite.results.calibration`) and the report marks the misses. Kept apart from
:mod:`tokensite.dataset.schemas` only for its length; the contract is the same.
"""

from __future__ import annotations

from pandera.typing import Series

from tokensite.dataset.contract import YEAR, column, table
from tokensite.dataset.contract import Plausible as P
from tokensite.dataset.contract import Base as _Base


class Calibration(_Base):
    """A published range of AI data-centre capacity for a group of countries and a year."""

    region: Series[str] = column("name of the group of countries, as the report shows it (World, Europe ...)", str_length={"min_value": 1})
    year: Series[int] = column("year the range holds (the plan is compared in its planning years)", **YEAR)
    low_gw: Series[float] = column("low end of the published range: GW of AI facility draw", unit="GW", ge=0, le=1e5,
                                   plausible=P(0.1, 1000, "MW", "TW", groups=(("region",),)))
    high_gw: Series[float] = column("high end of the published range, GW (not below low_gw)", unit="GW", ge=0, le=1e5,
                                    plausible=P(0.1, 1000, "MW", "TW", groups=(("region",),)))
    countries: Series[str] = column("ISO alpha-2 codes of regions.csv `country` joined by ';' (US;CA); blank = every site",
                                    optional=True, nullable=True, str_matches=r"^[A-Z]{2}(;[A-Z]{2})*$",
                                    hint="two-letter ISO codes joined by ';', such as GB;FR;DE")
    source: Series[str] = column("where the range comes from (a key of SOURCES.md, a report)", optional=True, nullable=True)

    class Config:
        metadata = table("calibration.csv", required=False, key=("region", "year"))
