"""Units and the conversions between them, defined once.

Inside the model token rates are in **Mtok/s** and money in **MUSD**, which keeps matrix
coefficients near 1; everything a user sees is in tokens/s and USD. Convert only through
the helpers here, never with a bare ``* 1e6``.
"""

from __future__ import annotations

SECONDS_PER_HOUR = 3600.0
HOURS_PER_DAY = 24.0
DAYS_PER_YEAR = 365.0
HOURS_PER_YEAR = HOURS_PER_DAY * DAYS_PER_YEAR
KW_PER_MW = 1000.0
W_PER_MW = 1e6
MW_PER_GW = 1000.0
KG_PER_T = 1000.0
USD_PER_MUSD = 1e6
TOKENS_PER_MTOK = 1e6


def musd_to_usd(musd: float) -> float:
    return musd * USD_PER_MUSD


def usd_to_musd(usd: float) -> float:
    return usd / USD_PER_MUSD


def optional_musd_to_usd(musd: float | None) -> float | None:
    return None if musd is None else musd_to_usd(musd)


def mtok_to_tokens(mtok: float) -> float:
    return mtok * TOKENS_PER_MTOK


def tokens_to_mtok(tokens: float) -> float:
    return tokens / TOKENS_PER_MTOK


def mtok_per_year(mtok_per_s: float, hours: float) -> float:
    """Mtok made in ``hours`` hours of a year at a rate of ``mtok_per_s``."""
    return mtok_per_s * SECONDS_PER_HOUR * hours


def crf(rate: float, life_years: float) -> float:
    """Capital recovery factor: the annual payment that repays 1 over ``life_years``."""
    if rate == 0:
        return 1.0 / life_years
    return rate / (1 - (1 + rate) ** -life_years)
