"""One pandera model per CSV file of docs/data-format.md; units live in the descriptions.

Every numeric field has a finite upper bound so that a typo such as ``1e400`` or an
extra three zeros is refused instead of reaching the solver. Boolean columns are parsed
by the loader (pandas would read any non-empty string as True) and declared here as
``bool`` so the schema documents them.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

BIG_USD = 1e13
BIG_TOKENS_PER_S = 1e14


class _Base(pa.DataFrameModel):
    class Config:
        coerce = True
        strict = False


class Regions(_Base):
    site_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 1}, description="unique site id")
    name: Series[str] = pa.Field(description="display name")
    lat: Series[float] = pa.Field(ge=-90, le=90, description="latitude, degrees")
    lon: Series[float] = pa.Field(ge=-180, le=180, description="longitude, degrees")
    country: Series[str] = pa.Field(str_matches=r"^[A-Z]{2}$", description="ISO 3166 alpha-2")
    jurisdiction: Series[str] = pa.Field(str_length={"min_value": 1}, description="e.g. US, EU, GCC")
    grid_zone: Series[str] = pa.Field(str_length={"min_value": 1}, description="e.g. PJM, ERCOT, NO2")
    kind: Series[str] = pa.Field(isin=["campus", "metro", "edge"], description="campus | metro | edge")
    pue: Series[float] = pa.Field(ge=1.0, le=3.0, description="power usage effectiveness, facility MW / IT MW")
    existing_mw: Series[float] = pa.Field(ge=0, le=1e5, description="grid connection available today, MW")
    max_mw: Series[float] = pa.Field(gt=0, le=1e5, description="largest facility the site can hold, MW")
    site_fixed_usd: Series[float] = pa.Field(ge=0, le=BIG_USD, description="one-time development cost, USD")
    facility_capex_usd_per_mw: Series[float] = pa.Field(ge=0, le=1e9, description="facility build cost, USD per MW")
    fixed_om_usd_per_mw_year: Series[float] = pa.Field(ge=0, le=1e9, description="fixed O&M, USD per MW-year")
    earliest_year: Series[int] = pa.Field(ge=1990, le=2200, description="first year GPUs can be installed")
    carbon_kg_per_mwh: Series[float] = pa.Field(ge=0, le=5000, description="grid carbon intensity, kg CO2 per MWh")
    training_allowed: Series[bool] = pa.Field(description="true if training programs may run here")
    bridge_capex_usd_per_mw: Series[float] = pa.Field(ge=0, le=1e9, nullable=True, description="on-site generation capex, USD per MW")
    bridge_price_usd_per_mwh: Series[float] = pa.Field(ge=0, le=1e5, nullable=True, description="on-site generation fuel+O&M, USD per MWh")
    bridge_max_mw: Series[float] = pa.Field(ge=0, le=1e5, nullable=True, description="largest on-site generation, MW")
    bridge_carbon_kg_per_mwh: Series[float] = pa.Field(ge=0, le=5000, nullable=True, description="on-site generation emissions, kg CO2 per MWh (extension; blank = 450, gas)")
    min_mw: Series[float] = pa.Field(ge=0, le=1e5, nullable=True, description="smallest facility worth building once the site opens, MW (extension; blank = default for its kind)")
    layers: Series[str] = pa.Field(nullable=True, description="semicolon-separated layers the site may serve (extension; blank = every layer)")


class Metros(_Base):
    metro_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 1}, description="unique metro id")
    name: Series[str] = pa.Field(description="display name")
    lat: Series[float] = pa.Field(ge=-90, le=90, description="latitude, degrees")
    lon: Series[float] = pa.Field(ge=-180, le=180, description="longitude, degrees")
    country: Series[str] = pa.Field(str_matches=r"^[A-Z]{2}$", description="ISO 3166 alpha-2")
    jurisdiction: Series[str] = pa.Field(str_length={"min_value": 1}, description="residency group")
    utc_offset_h: Series[float] = pa.Field(ge=-12, le=14, description="local time minus UTC, hours")
    population_m: Series[float] = pa.Field(ge=0, le=100, description="population, millions")


class Layers(_Base):
    layer: Series[str] = pa.Field(unique=True, str_length={"min_value": 1}, description="layer name")
    metro_bound: Series[bool] = pa.Field(description="true: served along routes to metros")
    slo_rtt_ms: Series[float] = pa.Field(gt=0, le=1e4, nullable=True, description="round-trip-time limit, ms; blank = none")
    max_site_share: Series[float] = pa.Field(gt=0, le=1, description="largest share of a metro's load one site may carry")
    util_max: Series[float] = pa.Field(gt=0, le=1, description="highest sustained utilisation of allocated GPUs")
    power_fraction: Series[float] = pa.Field(gt=0, le=1, description="share of nameplate GPU power drawn")
    value_usd_per_mtok: Series[float] = pa.Field(ge=0, le=1e6, description="value of a served million tokens, USD")
    residency: Series[str] = pa.Field(isin=["none", "jurisdiction"], description="none | jurisdiction")
    max_shift: Series[float] = pa.Field(ge=0, le=1, description="share of volume that may move between slices")


class Gpus(_Base):
    gpu: Series[str] = pa.Field(unique=True, str_length={"min_value": 1}, description="generation name")
    first_year: Series[int] = pa.Field(ge=1990, le=2200, description="first year it can be bought")
    gpus_per_unit: Series[int] = pa.Field(ge=1, le=100000, description="GPUs bought together (e.g. one rack)")
    capex_usd_per_gpu: Series[float] = pa.Field(ge=0, le=1e8, description="GPU with its share of server and network, USD")
    kw_per_gpu: Series[float] = pa.Field(gt=0, le=100, description="facility IT power per GPU, kW")
    lifetime_years: Series[int] = pa.Field(ge=1, le=50, description="economic life, years")
    supply_units_per_year: Series[float] = pa.Field(ge=0, le=1e9, nullable=True, description="units that can be bought a year; blank = unlimited")


class Throughput(_Base):
    gpu: Series[str] = pa.Field(description="gpu in gpus.csv")
    layer: Series[str] = pa.Field(description="layer in layers.csv")
    tokens_per_s_per_gpu: Series[float] = pa.Field(gt=0, le=1e9, description="sustained tokens/s per GPU")


class Timeslices(_Base):
    slice: Series[str] = pa.Field(unique=True, str_length={"min_value": 1}, description="slice name")
    hours: Series[float] = pa.Field(gt=0, le=8760, description="hours of the year the slice stands for")
    utc_hour_start: Series[float] = pa.Field(ge=0, lt=24, description="UTC hour of day the slice starts")


class PowerPrices(_Base):
    site_id: Series[str] = pa.Field(description="site in regions.csv")
    slice: Series[str] = pa.Field(description="slice in timeslices.csv")
    tier: Series[str] = pa.Field(str_length={"min_value": 1}, description="e.g. curtailed, offpeak, firm")
    price_usd_per_mwh: Series[float] = pa.Field(ge=0, le=1e5, description="energy price, USD per MWh")
    cap_mw: Series[float] = pa.Field(ge=0, le=1e6, nullable=True, description="largest draw in this tier, MW; blank = unlimited")


class Demand(_Base):
    metro_id: Series[str] = pa.Field(description="metro in metros.csv")
    layer: Series[str] = pa.Field(description="layer in layers.csv")
    year: Series[int] = pa.Field(ge=1990, le=2200, description="year")
    tokens_per_s: Series[float] = pa.Field(ge=0, le=BIG_TOKENS_PER_S, description="annual mean demand, tokens/s")


class InterconnectQueue(_Base):
    tranche_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 1}, description="unique tranche id")
    site_id: Series[str] = pa.Field(description="site in regions.csv")
    mw: Series[float] = pa.Field(gt=0, le=1e5, description="grid capacity the tranche adds, MW")
    request_year: Series[int] = pa.Field(ge=1990, le=2200, description="year the request is filed")
    wait_years: Series[float] = pa.Field(ge=0, le=50, description="years from request to energisation")
    cost_usd_per_kw: Series[float] = pa.Field(ge=0, le=1e5, description="connection cost, USD per kW")


class Training(_Base):
    program_id: Series[str] = pa.Field(unique=True, str_length={"min_value": 1}, description="unique program id")
    start_year: Series[int] = pa.Field(ge=1990, le=2200, description="first year it runs")
    tokens_per_s: Series[float] = pa.Field(gt=0, le=BIG_TOKENS_PER_S, description="sustained training tokens/s")
    min_campus_mw: Series[float] = pa.Field(ge=0, le=1e5, description="smallest campus it may run on, MW")
    jurisdictions: Series[str] = pa.Field(nullable=True, description="semicolon-separated; blank = any training site")
    layer: Series[str] = pa.Field(str_length={"min_value": 1}, description="layer whose GPUs train it (extension; default training)")


class Latency(_Base):
    site_id: Series[str] = pa.Field(description="site in regions.csv")
    metro_id: Series[str] = pa.Field(description="metro in metros.csv")
    rtt_ms: Series[float] = pa.Field(ge=0, le=1e4, nullable=True, description="measured round-trip time, ms; blank = estimated from distance")
    transit_usd_per_mtok: Series[float] = pa.Field(ge=0, le=1e6, nullable=True, description="network cost, USD per million tokens; blank = the distance-based default (tokensite/dataset/geo.py)")


class Profiles(_Base):
    layer: Series[str] = pa.Field(description="layer in layers.csv")
    slice: Series[str] = pa.Field(description="slice in timeslices.csv")
    multiplier: Series[float] = pa.Field(ge=0, le=1000, description="demand multiplier in metro local time")


class Policy(_Base):
    year: Series[int] = pa.Field(unique=True, ge=1990, le=2200, description="year")
    budget_usd: Series[float] = pa.Field(ge=0, le=1e15, nullable=True, description="investment limit, USD per year; blank = none")
    co2_cap_t: Series[float] = pa.Field(ge=0, le=1e12, nullable=True, description="emissions cap, t CO2 per year; blank = none")
    carbon_price_usd_per_t: Series[float] = pa.Field(ge=0, le=1e5, nullable=True, description="carbon price, USD per t CO2; blank = none")


class Elasticity(_Base):
    layer: Series[str] = pa.Field(description="layer in layers.csv whose demand responds to price (not a training layer)")
    year: Series[int] = pa.Field(ge=1990, le=2200, description="planning year the row applies to; a year without a row keeps fixed demand")
    elasticity: Series[float] = pa.Field(gt=0, le=10, description="constant price elasticity of demand ε, Q = Q_ref (P/P_ref)^-ε (unitless)")
    reference_price_usd_per_mtok: Series[float] = pa.Field(gt=0, le=1e6, description="price P_ref at which demand is the reference quantity of demand.csv, USD per Mtok")
    blocks: Series[int] = pa.Field(ge=1, le=200, nullable=True, description="demand blocks K per metro and year; blank = 10")
    max_multiple: Series[float] = pa.Field(gt=0, le=100, nullable=True, description="the blocks span 0 to max_multiple x the reference quantity; blank = 3")


class TokenValues(_Base):
    layer: Series[str] = pa.Field(description="layer in layers.csv")
    year: Series[int] = pa.Field(ge=1990, le=2200, description="first year the value holds")
    value_usd_per_mtok: Series[float] = pa.Field(ge=0, le=1e6, description="value of a served million tokens from this year on, USD")


class OnDevice(_Base):
    metro_id: Series[str] = pa.Field(description="metro in metros.csv")
    layer: Series[str] = pa.Field(description="layer in layers.csv")
    year: Series[int] = pa.Field(ge=1990, le=2200, description="year")
    tokens_per_s: Series[float] = pa.Field(ge=0, le=BIG_TOKENS_PER_S, description="annual mean rate made on the devices themselves, tokens/s")


REQUIRED = {
    "regions.csv": Regions,
    "metros.csv": Metros,
    "layers.csv": Layers,
    "gpus.csv": Gpus,
    "throughput.csv": Throughput,
    "timeslices.csv": Timeslices,
    "power_prices.csv": PowerPrices,
    "demand.csv": Demand,
    "interconnect_queue.csv": InterconnectQueue,
    "training.csv": Training,
}
OPTIONAL = {"latency.csv": Latency, "profiles.csv": Profiles, "policy.csv": Policy, "token_values.csv": TokenValues, "on_device.csv": OnDevice, "elasticity.csv": Elasticity}
# Optional columns (the loader adds them, blank, when a file leaves them out).
OPTIONAL_COLUMNS = {
    "regions.csv": ["bridge_capex_usd_per_mw", "bridge_price_usd_per_mwh", "bridge_max_mw", "bridge_carbon_kg_per_mwh", "min_mw", "layers"],
    "gpus.csv": ["supply_units_per_year"],
    "latency.csv": ["transit_usd_per_mtok"],
    "training.csv": ["jurisdictions"],
    "policy.csv": ["budget_usd", "co2_cap_t", "carbon_price_usd_per_t"],
    "elasticity.csv": ["blocks", "max_multiple"],
}
BOOL_COLUMNS = {"regions.csv": ["training_allowed"], "layers.csv": ["metro_bound"]}
