"""One pandera model per CSV file of docs/data-format.md, each column's whole contract on its field.

A column is declared once, with :func:`~tokensite.dataset.contract.column`: its checks, its unit,
whether it may be left out (``optional``) and its ``default`` for blank cells, its plausible range
for the warnings and the ids it ``references``. A file is declared once, as a model whose
``Config.metadata`` is a :func:`~tokensite.dataset.contract.table`, listed in ``TABLES``: the loader
reads it, the ``Dataset`` holds it under its attribute, and the checks and docs follow.

Every numeric field has a finite upper bound so that a typo such as ``1e400`` or an extra three
zeros is refused instead of reaching the solver. Boolean columns are typed ``bool``; the loader
parses their cells (pandas would read any non-empty string as True).
"""

from __future__ import annotations

from pandera.typing import Series

from tokensite.dataset.contract import Plausible as P
from tokensite.dataset.contract import YEAR, Order, column, optional_columns, ordered, table, table_of
from tokensite.dataset.contract import Base as _Base
from tokensite.dataset.residency import RESIDENCY
from tokensite.dataset.schemas_calibration import Calibration
from tokensite.dataset.schemas_gpu import GpuAccess, GpuPrices, GpuSupply, Installed
from tokensite.dataset.schemas_policy import Co2Caps, Policy

BIG_USD = 1e13
BIG_TOKENS_PER_S = 1e14
# Smallest build once a site opens (estimates; docs/data-format.md): an AI campus's first data
# hall, a wholesale colocation suite, a telco or tower micro-site.
DEFAULT_MIN_MW = {"campus": 20.0, "metro": 1.0, "edge": 0.1}
DEFAULT_BRIDGE_CARBON_KG_PER_MWH = 450.0  # open/combined-cycle gas mix; estimate
# Build pace where max_build_mw_per_year is blank; None = no limit, for every kind: a finite default would change the world's plan (docs/data-format.md).
DEFAULT_MAX_BUILD_MW_PER_YEAR: dict[str, float | None] = {"campus": None, "metro": None, "edge": None}
DEFAULT_BLOCKS = 10
DEFAULT_MAX_MULTIPLE = 3.0
ID = {"unique": True, "str_length": {"min_value": 1}}
NONEMPTY = {"str_length": {"min_value": 1}}
ISO2 = {"str_matches": r"^[A-Z]{2}$", "hint": "a two-letter ISO code such as US"}
_ZEROS = "three zeros too many"
MTOK = ("USD per thousand tokens", "USD per billion tokens")


def _ref(file: str, col: str) -> dict:
    return {"references": (file, col)}


def _min_mw_by_kind(regions):
    """the default of its kind (campus 20, metro 1, edge 0.1 MW), at most max_mw"""
    return regions.kind.map(DEFAULT_MIN_MW).clip(upper=regions.max_mw)


def _country(regions):
    """its country"""
    return regions.country


def _pace_by_kind(regions):
    """the default of its kind (no limit for every kind: DEFAULT_MAX_BUILD_MW_PER_YEAR)"""
    return regions.kind.map(DEFAULT_MAX_BUILD_MW_PER_YEAR).astype(float)

class Regions(_Base):
    """Candidate sites, one row each."""

    site_id: Series[str] = column("unique site id", **ID)
    name: Series[str] = column("display name")
    lat: Series[float] = column("latitude, degrees", ge=-90, le=90)
    lon: Series[float] = column("longitude, degrees", ge=-180, le=180)
    country: Series[str] = column("ISO 3166 alpha-2", **ISO2)
    jurisdiction: Series[str] = column("e.g. US, EU, GCC", **NONEMPTY)
    grid_zone: Series[str] = column("e.g. PJM, ERCOT, NO2", **NONEMPTY)
    kind: Series[str] = column("campus | metro | edge", isin=["campus", "metro", "edge"])
    pue: Series[float] = column("power usage effectiveness, facility MW / IT MW", unit="facility MW / IT MW", ge=1.0, le=3.0, plausible=P(1.05, 2.5))
    existing_mw: Series[float] = column("grid connection available today, MW", unit="MW", ge=0, le=1e5, plausible=P(1, 2000, "GW", "kW", groups=(("kind",),)))
    max_mw: Series[float] = column("largest facility the site can hold, MW", unit="MW", gt=0, le=1e5, plausible=P(10, 5000, "GW", "kW", groups=(("kind",),)))
    site_fixed_usd: Series[float] = column("one-time development cost, USD", unit="USD", ge=0, le=BIG_USD, plausible=P(1e6, 1e9, "thousand USD", _ZEROS))
    facility_capex_usd_per_mw: Series[float] = column("facility build cost, USD per MW", unit="USD/MW", ge=0, le=1e9, plausible=P(3e6, 3e7, "USD/kW", _ZEROS))
    fixed_om_usd_per_mw_year: Series[float] = column("fixed O&M, USD per MW-year", unit="USD/MW-year", ge=0, le=1e9, plausible=P(5e4, 1e6, "USD/kW-year", _ZEROS))
    earliest_year: Series[int] = column("first year GPUs can be installed", **YEAR)
    carbon_kg_per_mwh: Series[float] = column("grid carbon intensity, kg CO2 per MWh", unit="kg CO2/MWh", ge=0, le=5000,
                                              plausible=P(10, 1000, "t/MWh or kg/kWh", "g/MWh", (("grid_zone",),)))
    training_allowed: Series[bool] = column("true if training programs may run here")
    bridge_capex_usd_per_mw: Series[float] = column("on-site generation capex, USD per MW", unit="USD/MW", optional=True, ge=0, le=1e9, nullable=True,
                                                    plausible=P(3e5, 5e6, "USD/kW", _ZEROS))
    bridge_price_usd_per_mwh: Series[float] = column("on-site generation fuel+O&M, USD per MWh", unit="USD/MWh", optional=True, ge=0, le=1e5, nullable=True,
                                                     plausible=P(20, 400, "USD/kWh", _ZEROS))
    bridge_max_mw: Series[float] = column("largest on-site generation, MW", unit="MW", optional=True, ge=0, le=1e5, nullable=True, plausible=P(5, 2000, "GW", "kW"))
    bridge_carbon_kg_per_mwh: Series[float] = column("on-site generation emissions, kg CO2 per MWh (extension; blank = 450, gas)", unit="kg CO2/MWh", optional=True,
                                                     ge=0, le=5000, default=DEFAULT_BRIDGE_CARBON_KG_PER_MWH, plausible=P(100, 1200, "t/MWh or kg/kWh", "g/MWh"))
    min_mw: Series[float] = column("smallest facility worth building once the site opens, MW (extension; blank = default for its kind)", unit="MW", optional=True,
                                   ge=0, le=1e5, nullable=True, fill=_min_mw_by_kind)
    layers: Series[str] = column("semicolon-separated layers the site may serve (extension; blank = every layer)", optional=True, nullable=True)
    market: Series[str] = column("the market the site buys GPUs in (gpu_supply.csv); blank = its country", optional=True, nullable=True, fill=_country)
    existing_facility_mw: Series[float] = column("facility (data halls) standing today, MW; no capex, fixed O&M charged (extension; blank = 0)", unit="MW",
                                                 optional=True, ge=0, le=1e5, default=0.0, plausible=P(1, 5000, "GW", "kW"))
    max_build_mw_per_year: Series[float] = column("facility MW the site may add a year (extension; blank = the default of its kind: no limit)", unit="MW per year",
                                                  optional=True, ge=0, le=1e5, nullable=True, fill=_pace_by_kind, plausible=P(5, 5000, "GW per year", "kW per year"))
    class Config:
        metadata = table("regions.csv", required=True)
        row_order = ordered(
            Order("min_mw", "max_mw", "min_mw", "a site that opens builds at least min_mw and at most max_mw",
                  "lower min_mw, raise max_mw, or leave min_mw blank for the default of the site's kind"),
            Order("existing_facility_mw", "max_mw", "existing_facility_mw", "the halls standing today are kept, within the largest facility",
                  "raise max_mw to at least the facility standing today, or lower existing_facility_mw"))


class Metros(_Base):
    """Where token demand comes from."""

    metro_id: Series[str] = column("unique metro id", **ID)
    name: Series[str] = column("display name")
    lat: Series[float] = column("latitude, degrees", ge=-90, le=90)
    lon: Series[float] = column("longitude, degrees", ge=-180, le=180)
    country: Series[str] = column("ISO 3166 alpha-2", **ISO2)
    jurisdiction: Series[str] = column("residency group", **NONEMPTY)
    utc_offset_h: Series[float] = column("local time minus UTC, hours", unit="hours", ge=-12, le=14, plausible=P(1, 14))
    population_m: Series[float] = column("population, millions", unit="million people", ge=0, le=100, plausible=P(0.3, 40, "billions", "people, not millions"))
    market: Series[str] = column("the market the metro's demand belongs to, for layers with residency = market; blank = its country", optional=True, nullable=True,
                                 fill=_country)
    class Config:
        metadata = table("metros.csv", required=True, rows_for_demand=True)


class Layers(_Base):
    """The workload layers."""

    layer: Series[str] = column("layer name", **ID)
    metro_bound: Series[bool] = column("true: served along routes to metros")
    slo_rtt_ms: Series[float] = column("round-trip-time limit, ms; blank = none", unit="ms", gt=0, le=1e4, nullable=True, plausible=P(1, 500, "seconds", "microseconds"))
    max_site_share: Series[float] = column("largest share of a metro's load one site may carry", unit="share (0-1)", gt=0, le=1, plausible=P(0.1, 1))
    util_max: Series[float] = column("highest sustained utilisation of allocated GPUs", unit="share (0-1)", gt=0, le=1, plausible=P(0.3, 1))
    power_fraction: Series[float] = column("share of nameplate GPU power drawn", unit="share (0-1)", gt=0, le=1, plausible=P(0.3, 1))
    value_usd_per_mtok: Series[float] = column("value of a served million tokens, USD", unit="USD per million tokens", ge=0, le=1e6, plausible=P(0.05, 200, *MTOK))
    residency: Series[str] = column("where its demand may be served from: none | market | jurisdiction | country (the metro's own; a pooled layer pools per one of them)",
                                    isin=list(RESIDENCY))
    max_shift: Series[float] = column("share of volume that may move between slices", unit="share (0-1)", ge=0, le=1, plausible=P(0.05, 1))
    class Config:
        metadata = table("layers.csv", required=True)


class Gpus(_Base):
    """GPU generations."""

    gpu: Series[str] = column("generation name", **ID)
    first_year: Series[int] = column("first year it can be bought", **YEAR)
    gpus_per_unit: Series[int] = column("GPUs bought together (e.g. one rack); a GPU is one package, as Epoch AI counts (a Blackwell or Rubin package holds two dies)", unit="GPUs", ge=1, le=100000, plausible=P(1, 100))
    capex_usd_per_gpu: Series[float] = column("GPU with its share of server and network, USD", unit="USD", ge=0, le=1e8, plausible=P(5e3, 1e5, "thousand USD", _ZEROS))
    kw_per_gpu: Series[float] = column("facility IT power per GPU, kW", unit="kW", gt=0, le=100, plausible=P(0.3, 5, "MW", "W"))
    lifetime_years: Series[int] = column("economic life, years", ge=1, le=50)
    supply_units_per_year: Series[float] = column("units that can be bought a year; blank = unlimited", unit="units per year", optional=True, ge=0, le=1e9, nullable=True,
                                                  plausible=P(10, 1e6))
    class Config:
        metadata = table("gpus.csv", required=True)


class Throughput(_Base):
    gpu: Series[str] = column("gpu in gpus.csv", **_ref("gpus.csv", "gpu"))
    layer: Series[str] = column("layer in layers.csv", **_ref("layers.csv", "layer"))
    tokens_per_s_per_gpu: Series[float] = column("sustained tokens/s per GPU", unit="tokens/s", gt=0, le=1e9, plausible=P(100, 1e5, "thousand tokens/s", _ZEROS))
    year: Series[float] = column("first year the row holds, as software improves (latest row at or before the year applies); blank = all years",
                                 optional=True, nullable=True, **YEAR)
    class Config:
        metadata = table("throughput.csv", required=True, key=("gpu", "year", "layer"))


class Timeslices(_Base):
    slice: Series[str] = column("slice name", **ID)
    hours: Series[float] = column("hours of the year the slice stands for", unit="hours of the year", gt=0, le=8760, plausible=P(24, 8760, "days", _ZEROS))
    utc_hour_start: Series[float] = column("UTC hour of day the slice starts", unit="hour of day", ge=0, lt=24, plausible=P(1, 23))
    class Config:
        metadata = table("timeslices.csv", required=True)


class PowerPrices(_Base):
    site_id: Series[str] = column("site in regions.csv", **_ref("regions.csv", "site_id"))
    slice: Series[str] = column("slice in timeslices.csv", **_ref("timeslices.csv", "slice"))
    tier: Series[str] = column("e.g. curtailed, offpeak, firm", **NONEMPTY)
    price_usd_per_mwh: Series[float] = column("energy price, USD per MWh", unit="USD/MWh", ge=0, le=1e5, plausible=P(20, 400, "USD/kWh", _ZEROS))
    cap_mw: Series[float] = column("largest draw in this tier, MW; blank = unlimited", unit="MW", ge=0, le=1e6, nullable=True, plausible=P(1, 5000, "GW", "kW"))
    class Config:
        metadata = table("power_prices.csv", required=True, key=("site_id", "slice", "tier"))


_DEMAND = P(1e3, 1e10, "thousand or million tokens/s", _ZEROS, (("metro_id", "layer"),), False, peers="adjacent_years")


class Demand(_Base):
    metro_id: Series[str] = column("metro in metros.csv", **_ref("metros.csv", "metro_id"))
    layer: Series[str] = column("layer in layers.csv", **_ref("layers.csv", "layer"))
    year: Series[int] = column("year", **YEAR)
    tokens_per_s: Series[float] = column("annual mean demand, tokens/s", unit="tokens/s", ge=0, le=BIG_TOKENS_PER_S, plausible=_DEMAND)
    class Config:
        metadata = table("demand.csv", required=True, key=("metro_id", "layer", "year"), rows_for_demand=True)


class InterconnectQueue(_Base):
    tranche_id: Series[str] = column("unique tranche id", **ID)
    site_id: Series[str] = column("site in regions.csv", **_ref("regions.csv", "site_id"))
    mw: Series[float] = column("grid capacity the tranche adds, MW", unit="MW", gt=0, le=1e5, plausible=P(5, 3000, "GW", "kW"))
    request_year: Series[int] = column("year the request is filed", **YEAR)
    wait_years: Series[float] = column("years from request to energisation", unit="years", ge=0, le=50, plausible=P(0.5, 10, "decades", "months or days"))
    cost_usd_per_kw: Series[float] = column("connection cost, USD per kW", unit="USD/kW", ge=0, le=1e5, plausible=P(20, 2000, "USD/W", "USD/MW"))
    class Config:
        metadata = table("interconnect_queue.csv", required=True, attr="queue", may_be_empty=True)


class Training(_Base):
    program_id: Series[str] = column("unique program id", **ID)
    start_year: Series[int] = column("first year it runs", **YEAR)
    tokens_per_s: Series[float] = column("sustained training tokens/s", unit="tokens/s", gt=0, le=BIG_TOKENS_PER_S, plausible=P(1e6, 1e11, "thousand or million tokens/s", _ZEROS))
    min_campus_mw: Series[float] = column("smallest campus it may run on, MW", unit="MW", ge=0, le=1e5, plausible=P(10, 5000, "GW", "kW"))
    jurisdictions: Series[str] = column("semicolon-separated; blank = any training site", optional=True, nullable=True)
    layer: Series[str] = column("layer whose GPUs train it (extension; default training)", optional=True, default="training", **NONEMPTY)
    committed: Series[bool] = column("true: the program must be hosted, whatever it costs (extension)", optional=True, default=False)
    value_usd_per_mtok: Series[float] = column("value of a trained million tokens, USD; blank = the layer's value by year", unit="USD per million tokens",
                                               optional=True, ge=0, le=1e6, nullable=True, plausible=P(0.01, 200, *MTOK))
    class Config:
        metadata = table("training.csv", required=True, may_be_empty=True)


class Latency(_Base):
    site_id: Series[str] = column("site in regions.csv", **_ref("regions.csv", "site_id"))
    metro_id: Series[str] = column("metro in metros.csv", **_ref("metros.csv", "metro_id"))
    rtt_ms: Series[float] = column("measured round-trip time, ms; blank = estimated from distance", unit="ms", ge=0, le=1e4, nullable=True,
                                   plausible=P(1, 400, "seconds", "microseconds", peers="great_circle"))
    transit_usd_per_mtok: Series[float] = column("network cost, USD per million tokens; blank = the distance-based default (tokensite/dataset/geo.py)",
                                                 unit="USD per million tokens", optional=True, ge=0, le=1e6, nullable=True, plausible=P(1e-4, 1, *MTOK))
    class Config:
        metadata = table("latency.csv", required=False, key=("site_id", "metro_id"))


class Profiles(_Base):
    layer: Series[str] = column("layer in layers.csv", **_ref("layers.csv", "layer"))
    slice: Series[str] = column("slice in timeslices.csv", **_ref("timeslices.csv", "slice"))
    multiplier: Series[float] = column("demand multiplier in metro local time", unit="x the mean", ge=0, le=1000, plausible=P(0.1, 5))
    class Config:
        metadata = table("profiles.csv", required=False, key=("layer", "slice"))


class TokenValues(_Base):
    layer: Series[str] = column("layer in layers.csv", **_ref("layers.csv", "layer"))
    year: Series[int] = column("first year the value holds", **YEAR)
    value_usd_per_mtok: Series[float] = column("value of a served million tokens from this year on, USD", unit="USD per million tokens", ge=0, le=1e6,
                                               plausible=P(0.01, 200, *MTOK))
    class Config:
        metadata = table("token_values.csv", required=False, key=("layer", "year"))


class OnDevice(_Base):
    """Tokens made on phones, cars and machines themselves: reported beside the plan, never planned."""

    metro_id: Series[str] = column("metro in metros.csv", **_ref("metros.csv", "metro_id"))
    layer: Series[str] = column("layer in layers.csv", **_ref("layers.csv", "layer"))
    year: Series[int] = column("year", **YEAR)
    tokens_per_s: Series[float] = column("annual mean rate made on the devices themselves, tokens/s", unit="tokens/s", ge=0, le=BIG_TOKENS_PER_S, plausible=_DEMAND)
    class Config:
        metadata = table("on_device.csv", required=False, key=("metro_id", "layer", "year"))


class Elasticity(_Base):
    """Price-elastic layers by year (empty = every demand fixed)."""

    layer: Series[str] = column("layer in layers.csv whose demand responds to price (not a training layer)", **_ref("layers.csv", "layer"))
    year: Series[int] = column("planning year the row applies to; a year without a row keeps fixed demand", **YEAR)
    elasticity: Series[float] = column("constant price elasticity of demand ε, Q = Q_ref (P/P_ref)^-ε (unitless)", unit="unitless elasticity", gt=0, le=10,
                                       plausible=P(0.1, 5))
    reference_price_usd_per_mtok: Series[float] = column("price P_ref at which demand is the reference quantity of demand.csv, USD per Mtok",
                                                         unit="USD per million tokens", gt=0, le=1e6, plausible=P(0.01, 200, *MTOK))
    blocks: Series[int] = column("demand blocks K per metro and year; blank = 10", optional=True, ge=1, le=200, default=DEFAULT_BLOCKS)
    max_multiple: Series[float] = column("the blocks span 0 to max_multiple x the reference quantity; blank = 3", optional=True, gt=0, le=100,
                                         default=DEFAULT_MAX_MULTIPLE)
    class Config:
        metadata = table("elasticity.csv", required=False, key=("layer", "year"))


TABLES: tuple[type[_Base], ...] = (Regions, Metros, Layers, Gpus, Throughput, Timeslices, PowerPrices, Demand, InterconnectQueue, Training,
                                   Latency, Profiles, Policy, Co2Caps, TokenValues, OnDevice, Elasticity, Installed,
                                   GpuAccess, GpuPrices, GpuSupply, Calibration)
"""Every input file, in reading order. A new file is a model above plus its entry here."""
REQUIRED = {table_of(m).file: m for m in TABLES if table_of(m).required}
OPTIONAL = {table_of(m).file: m for m in TABLES if not table_of(m).required}
# Views for readers that want names, derived from the fields above.


def __getattr__(name: str) -> object:
    """Views that build pandera schemas are made on first use: building one imports pandera's dask
    typing, and so dask itself where the sweep extra installed it (+2 s on ``import tokensite``)."""
    if name == "OPTIONAL_COLUMNS":
        return {table_of(m).file: optional_columns(m) for m in TABLES if optional_columns(m)}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
