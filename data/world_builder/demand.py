"""Service layers, their token values, the token demand of every metro, the frontier training
programs and the edge tokens made on devices."""

from __future__ import annotations

import pandas as pd

from .loader import Reference
from .power import PROFILES
from .power_path import CALIBRATION_SOURCES, IEA_REGIONS, inference_share, region_of, region_share, world_band_gw
from .sites import BASE_YEAR
from .sourced import Sourced, Table, estimate, table

YEARS = [2026, 2027, 2028, 2029, 2030]
LAYER_COLUMNS = ["layer", "metro_bound", "slo_rtt_ms", "max_site_share", "util_max", "power_fraction",
                 "value_usd_per_mtok", "residency", "max_shift"]
LAYERS = [  # estimates (latency_rules.csv for the SLOs)
    ("training", False, None, 1.0, 0.90, 1.00, 0.50, "none", 0.0),
    ("batch", False, None, 1.0, 0.90, 0.85, 0.40, "none", 1.0),
    ("interactive", True, 50.0, 1.0, 0.60, 0.75, 2.00, "jurisdiction", 0.0),
    ("agentic", True, 150.0, 0.5, 0.70, 0.80, 4.00, "none", 0.2),
    ("edge", True, 5.0, 1.0, 0.50, 0.70, 6.00, "none", 0.0),
]
LAYER_ESTIMATES = {"slo_rtt_ms", "max_site_share", "util_max", "power_fraction", "value_usd_per_mtok", "max_shift"}
LAYER_SHARE_2026 = {"batch": 0.30, "interactive": 0.45, "agentic": 0.20, "edge": 0.05}  # estimates
LAYER_GROWTH_PER_YEAR = {"batch": 1.8, "interactive": 1.6, "agentic": 2.5, "edge": 2.0}  # estimates
PUE_REFERENCE = 1.30  # UPTIME-2024-REPORT, the PUE of new large facilities (regions.csv)
DEMAND_SCALE = 1.0  # correction of the newest-GPU assumption from the solved plan (CALIBRATION.md)
ON_DEVICE_SHARE = 0.5  # estimate (no published split): share of edge tokens made on the device itself
# Training programs' jurisdictions -> IEA region
PROGRAM_REGION = {"US": "United States", "CN": "China", "EU;GB": "Europe", "GCC;CA;MX": "Rest of world",
                  "JP;IN;KR;MY;AU;SG": "Asia Pacific excl. China"}
# Token values fall over time. The frontier list prices of token_prices.csv fall at a median rate
# of the three flagship series (OpenAI GPT-4 8K -> GPT-5 output price, Claude Opus 3 -> Opus 4.5
# output price, Claude Sonnet 3 -> 4 unchanged); each layer's 2026 value (layers.csv, an estimate)
# falls at that rate. The constant-capability declines (9-900x a year, EPOCH-PRICES-2025; 10x,
# A16Z-LLMFLATION-2024) measure a fixed capability getting cheaper, not the value of the tokens
# a layer sells, and would put every layer below its cost within two years.
FLAGSHIP_SERIES = [("gpt-4 (8K)", "gpt-5"), ("Claude 3 Opus", "Claude Opus 4.5"), ("Claude Sonnet (3 to 4)", "Claude Sonnet (3 to 4)")]


def build_layers() -> Table:
    rows = [{c: estimate(v) if c in LAYER_ESTIMATES and v is not None else v for c, v in zip(LAYER_COLUMNS, layer)}
            for layer in LAYERS]
    return table("layers.csv", [dict(r, source="TEAM-EST;latency_rules.csv") for r in rows])


def _months(a: str, b: str) -> float:
    """Months from a to b ("2024-03", or a bare year read as its middle)."""
    (ya, ma), (yb, mb) = ((int(d[:4]), int(d[5:7]) if len(d) >= 7 else 6) for d in (a, b))
    return (yb - ya) * 12 + (mb - ma)


def flagship_decline_per_year(ref: Reference) -> tuple[float, str]:
    """Median yearly decline factor of the flagship output-price series, with their sources."""
    prices = ref.token_prices
    rates, sources = [], []
    for a, b in FLAGSHIP_SERIES:
        ra, rb = prices[prices.key == a].iloc[0], prices[prices.key == b].iloc[0]
        years = max(_months(str(ra.as_of).split("..")[0], str(rb.as_of).split("..")[-1]), 12) / 12
        rates.append((float(ra.output_usd_per_mtok) / float(rb.output_usd_per_mtok)) ** (1 / years))
        sources += [ra.source, rb.source]
    return sorted(rates)[1], ";".join(dict.fromkeys(sources))


def build_token_values(ref: Reference, layers: pd.DataFrame) -> Table:
    decline, src = flagship_decline_per_year(ref)
    rows = []
    for l, v in zip(layers.layer, layers.value_usd_per_mtok):
        for y in YEARS:
            source = "TEAM-EST" if y == BASE_YEAR else f"TEAM-EST;{src}"
            rows.append(dict(layer=l, year=y, value_usd_per_mtok=estimate(round(v / decline ** (y - BASE_YEAR), 4), source),
                             source=source))
    return table("token_values.csv", rows)


def _newest_gpu(gpus: pd.DataFrame, y: int) -> pd.Series:
    return gpus[gpus.first_year <= y].sort_values("first_year").iloc[-1]


def tokens_per_s_per_mw(gpus: pd.DataFrame, throughput: pd.DataFrame, layers: pd.DataFrame, layer: str, y: int) -> float:
    """Tokens/s one MW of facility draw makes on the newest GPU of year y (PUE_REFERENCE)."""
    g = _newest_gpu(gpus, y)
    tps = float(throughput[(throughput.gpu == g.gpu) & (throughput.layer == layer)].tokens_per_s_per_gpu.iloc[0])
    pf = float(layers.set_index("layer").power_fraction[layer])
    return tps / (g.kw_per_gpu / 1000.0 * pf * PUE_REFERENCE)


def layer_split(y: int) -> dict[str, float]:
    """Share of inference power by metro layer in year y (estimates: no published split exists)."""
    raw = {l: LAYER_SHARE_2026[l] * LAYER_GROWTH_PER_YEAR[l] ** (y - BASE_YEAR) for l in LAYER_SHARE_2026}
    total = sum(raw.values())
    return {l: v / total for l, v in raw.items()}


def residual_training_mw(ref: Reference, region: str, y: int) -> float:
    """Training MW of region in year y beyond the frontier programs running then (>= 0).

    Training is (1 - inference share) of the AI target. Frontier runs are whole programs
    (reference/training_programs.csv); the rest of the training share (fine-tuning, post-training,
    experiments: no single campus, no latency) rides on the pooled batch layer, as batch tokens of
    the same MW (see SOURCES.md)."""
    programs = sum(float(p.mw) for p in ref.training_programs.itertuples()
                   if PROGRAM_REGION[p.jurisdictions] == region and p.start_year <= y)
    return max(world_band_gw(ref, y)[1] * DEMAND_SCALE * 1000 * region_share(ref, region, y) * (1 - inference_share(ref, y)) - programs, 0.0)


def build_demand(ref: Reference, metros: pd.DataFrame, gpus: pd.DataFrame, throughput: pd.DataFrame, layers: pd.DataFrame) -> Table:
    """Token demand with the token construction's shape (population within a region, layer mix)
    and the published power's scale: region r's inference MW in year y is world AI GW x IEA
    regional share x inference share; a layer's tokens/s is its MW x tokens/s per MW of the
    newest GPU, divided by the layer's peak profile multiplier so that the peak draw, not the
    mean, meets the capacity figure."""
    m = metros.assign(region=metros.country.map(region_of))
    pop_share = m.population_m / m.groupby("region").population_m.transform("sum")
    peak = {l: max(PROFILES.get(l, [1.0])) for l in LAYER_SHARE_2026}
    residual = {(r, y): residual_training_mw(ref, r, y) for r in IEA_REGIONS for y in YEARS}
    share = {(r, y): region_share(ref, r, y) for r in IEA_REGIONS for y in YEARS}
    src = f"{CALIBRATION_SOURCES};MLPERF-v4.1;UN-WUP-2018;TEAM-EST"
    rows = []
    for y in YEARS:
        world_gw = world_band_gw(ref, y)[1] * DEMAND_SCALE
        split, inference = layer_split(y), inference_share(ref, y)
        for layer in LAYER_SHARE_2026:
            per_mw = tokens_per_s_per_mw(gpus, throughput, layers, layer, y)
            for mid, region, ps in zip(m.metro_id, m.region, pop_share):
                mw = world_gw * 1000 * share[(region, y)] * inference * split[layer] * ps
                if layer == "batch":
                    mw += residual[(region, y)] * ps
                rows.append(dict(metro_id=mid, layer=layer, year=y, tokens_per_s=estimate(round(mw * per_mw / peak[layer], 1), src),
                                 source=src))
    return table("demand.csv", rows)


def build_training(ref: Reference, gpus: pd.DataFrame, throughput: pd.DataFrame, layers: pd.DataFrame) -> Table:
    """The frontier programs of reference/training_programs.csv; tokens/s = MW x training tokens/s
    per MW of the newest GPU of the start year at PUE 1.3. A program's min_campus_mw is the size of
    the campus a real programme runs at, so that it can land only there (tokensite/improve.py,
    ``one_of``)."""
    rows = []
    for r in ref.training_programs.itertuples(index=False):
        per_mw = tokens_per_s_per_mw(gpus, throughput, layers, "training", r.start_year)
        tokens_basis = r.basis if r.basis != "published" else "derived"
        rows.append(dict(program_id=r.program_id, start_year=estimate(r.start_year),
                         tokens_per_s=Sourced(round(r.mw * per_mw, -3), tokens_basis, r.source),
                         min_campus_mw=Sourced(float(r.min_campus_mw), r.min_campus_mw_basis, r.source),
                         jurisdictions=r.jurisdictions, layer="training", source=r.source))
    return table("training.csv", rows)


def build_on_device(demand: pd.DataFrame) -> Table:
    """Edge tokens made on phones, cars, factory machines and homes: reported, not planned. The
    edge rows of demand.csv are the near-edge share served from metro edge sites; with an on-device
    share s of all edge tokens, on-device = near-edge x s / (1 - s)."""
    edge = demand[demand.layer == "edge"]
    out = edge.assign(tokens_per_s=(edge.tokens_per_s * ON_DEVICE_SHARE / (1 - ON_DEVICE_SHARE)).round(1),
                      source=edge.source + ";TEAM-EST (on-device share)")
    rows = out[["metro_id", "layer", "year", "tokens_per_s", "source"]].to_dict("records")
    return table("on_device.csv", [dict(r, tokens_per_s=estimate(r["tokens_per_s"])) for r in rows])
