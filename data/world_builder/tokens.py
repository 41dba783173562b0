"""Inference token demand (``demand.csv``, ``on_device.csv``) from published token volumes.

One token basis throughout: a token is an input or an output token (total tokens), the basis of every
published volume (token_volumes.csv) and of throughput.csv (serving.py).

**2026.** The largest disclosures of 2026 that do not count the same tokens twice
(:data:`DISCLOSED_2026`): Google's tokens over all surfaces (May 2026), China's national daily
tokens (March 2026, every provider), OpenAI's API (March 2026) and OpenRouter (May 2026). China's
figure is a national total; the others cover a few providers, so the non-China part is multiplied
by :data:`UNDISCLOSED_FACTOR` (an estimate, the one factor of this module): the disclosures outside
China are Google's own surfaces, OpenAI's API alone and a router. Anthropic alone holds 31.4 % of the
world's LLM revenue in 2026-Q1 (ai_revenue.csv#14) and discloses no tokens; ChatGPT's consumer tokens
(OpenAI's API is a minority of its revenue), Microsoft's Copilots, Meta AI, xAI, AWS Bedrock and
self-hosted open models are not disclosed either. Taking the disclosed providers as a fifth of the
non-China tokens gives x5, and the world 2.9x the disclosed total. A cross-check: at Google's own
tokens per chip (field.py), the non-China installed base of end-2025 (18.6 M H100e, installed_base.csv)
makes about 4.5e9 tokens/s, x3 the non-China disclosures, before a year of new chips.

**2027-2030.** Growth per year is the volume-weighted geometric mean of the three published series'
latest twelve months (Google 2025-05 -> 2026-05; China 2025-06 -> 2026-03; OpenAI API 2025-10 ->
2026-03, each annualised). Extrapolated, it would need more power than the published bands hold, so
each year's demand is the smaller of last year's x growth and the **power ceiling**: the tokens the
central path of the published world AI power (power_path.world_band_gw, between JLL's and McKinsey's
2030 figures) could make at that year's inference share of AI compute, on the newest GPU in volume
that year at each layer's throughput, utilisation and peak (serving.py, layers.csv). Where the
ceiling binds, the growth bends; :func:`trajectory` returns the implied growth and the reason.

**Layers and metros.** Inference tokens split by layer with :data:`LAYER_SHARE_2026` and
:data:`LAYER_GROWTH_PER_YEAR` (estimates anchored on OpenRouter's >= 50 % programming and
>= 50 % reasoning shares of 2025 tokens, compute_mix.csv). China's tokens go to mainland metros by
population; the rest to the other IEA regions by their share of data-centre electricity (China
left out) and within a region by population (UN WUP).

**Post-training.** Training beyond the frontier programs (post-training, fine-tuning, experiments: 30x
base-model compute by 2026, compute_mix.csv) is the ``post_training`` layer: pooled per market, its
MW each region's AI share (power_path.ai_shares: where the installed base stands, not where data centres
do) of the (1 - inference share) of the central AI power path, less the frontier programs running, in
tokens at the training throughput of the newest GPU. It is not inference and is left out of every
inference total.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .loader import Reference, ref_row
from .power import PROFILES
from .power_path import IEA_REGIONS, inference_share, region_of, region_share, world_band_gw
from .sourced import Sourced, Table, estimate, table

BASE_YEAR = 2026
YEARS = [2026, 2027, 2028, 2029, 2030]
INFERENCE_LAYERS = ["batch", "interactive", "agentic", "edge"]
POST_TRAINING = "post_training"
CHINA = "China (national, all providers)"
DISCLOSED_2026 = (
    ("Google (all surfaces)", "2026-05"),
    (CHINA, "2026-03"),
    ("OpenAI API", "2026-03-31"),
    ("OpenRouter", "2026-05-24 (week ending)"),
)
GROWTH_SERIES = (  # (provider, earlier as_of, later as_of)
    ("Google (all surfaces)", "2025-05", "2026-05"),
    (CHINA, "2025-06", "2026-03"),
    ("OpenAI API", "2025-10-06", "2026-03-31"),
)
UNDISCLOSED_FACTOR = estimate(5.0)
LAYER_SHARE_2026 = {"batch": 0.20, "interactive": 0.42, "agentic": 0.33, "edge": 0.05}  # estimates
LAYER_GROWTH_PER_YEAR = {"batch": 1.0, "interactive": 0.85, "agentic": 1.3, "edge": 1.1}  # relative, estimates
ON_DEVICE_SHARE = 0.5  # estimate (no published split): share of edge tokens made on the device itself
PROGRAM_REGION = {"US": "United States", "CN": "China", "EU;GB": "Europe", "GCC;CA;MX": "Rest of world",
                  "JP;IN;KR;MY;AU;SG": "Asia Pacific excl. China"}
SECONDS_PER_YEAR = 8760 * 3600


def _months(a: str, b: str) -> int:
    return (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7])


def disclosed_2026(ref: Reference) -> dict[str, Sourced]:
    """Tokens/s of each 2026 disclosure (token_volumes.csv's derived tokens_per_s)."""
    out = {}
    for provider, as_of in DISCLOSED_2026:
        r = ref_row(ref.token_volumes, provider=provider, as_of=as_of)
        out[provider] = Sourced(float(r.tokens_per_s), "derived", r.ref_id)
    return out


def demand_2026(ref: Reference) -> Sourced:
    """Total inference tokens/s of 2026: China's national figure + the rest x the undisclosed factor."""
    d = disclosed_2026(ref)
    rest = sum(v.value for k, v in d.items() if k != CHINA)
    src = ";".join(v.source for v in d.values())
    return Sourced(d[CHINA].value + rest * UNDISCLOSED_FACTOR.value, "estimate", f"{src};TEAM-EST")


def china_share_2026(ref: Reference) -> float:
    d = disclosed_2026(ref)
    return d[CHINA].value / demand_2026(ref).value


def published_growth(ref: Reference) -> Sourced:
    """Volume-weighted geometric mean of the series' annualised growth."""
    logs, weights, ids = 0.0, 0.0, []
    for provider, a, b in GROWTH_SERIES:
        ra = ref_row(ref.token_volumes, provider=provider, as_of=a)
        rb = ref_row(ref.token_volumes, provider=provider, as_of=b)
        g = (float(rb.tokens_per_s) / float(ra.tokens_per_s)) ** (12 / _months(a, b))
        w = float(rb.tokens_per_s)
        logs, weights, ids = logs + w * math.log(g), weights + w, ids + [ra.ref_id, rb.ref_id]
    return Sourced(math.exp(logs / weights), "derived", ";".join(ids))


def layer_split(y: int) -> dict[str, float]:
    raw = {l: LAYER_SHARE_2026[l] * LAYER_GROWTH_PER_YEAR[l] ** (y - BASE_YEAR) for l in INFERENCE_LAYERS}
    total = sum(raw.values())
    return {l: v / total for l, v in raw.items()}


def peak(layer: str) -> float:
    return max(PROFILES.get(layer, [1.0]))


def newest_in_volume(gpus: pd.DataFrame, y: int) -> pd.Series:
    """The newest generation on sale worldwide in volume in year y (first_year < y: a generation
    ramps through its first year; gpus.csv), not a China-only part."""
    g = gpus[(gpus.first_year < y) & ~gpus.gpu.isin(["H20", "ASC910C"])]
    return g.sort_values("first_year").iloc[-1]


def tokens_per_s(throughput: pd.DataFrame, gpu: str, layer: str, y: int) -> float:
    t = throughput[(throughput.gpu == gpu) & (throughput.layer == layer)].copy()
    t["y"] = t.year.fillna(0)
    t = t[t.y <= y] if (t.y <= y).any() else t.nsmallest(1, "y")
    return float(t.sort_values("y").tokens_per_s_per_gpu.iloc[-1])


def mw_per_token_s(gpus: pd.DataFrame, throughput: pd.DataFrame, layers: pd.DataFrame, layer: str, y: int,
                   pue: float = 1.3) -> float:
    """Facility MW per token/s of mean demand on the newest GPU in volume: peak / utilisation headroom."""
    g = newest_in_volume(gpus, y)
    lay = layers.set_index("layer").loc[layer]
    kw = g.kw_per_gpu * float(lay.power_fraction) * pue
    return kw / 1000 * peak(layer) / (tokens_per_s(throughput, g.gpu, layer, y) * float(lay.util_max))


@dataclass(frozen=True)
class Step:
    year: int
    tokens_per_s: float
    growth: float
    ceiling_tokens_per_s: float
    reason: str


def ceiling(ref: Reference, gpus: pd.DataFrame, throughput: pd.DataFrame, layers: pd.DataFrame, y: int) -> float:
    """Inference tokens/s the central path of published AI power can make in year y."""
    split = layer_split(y)
    mw_per = sum(split[l] * mw_per_token_s(gpus, throughput, layers, l, y) for l in INFERENCE_LAYERS)
    return world_band_gw(ref, y)[1] * 1000 * inference_share(ref, y) / mw_per


def trajectory(ref: Reference, gpus: pd.DataFrame, throughput: pd.DataFrame, layers: pd.DataFrame) -> list[Step]:
    """World inference tokens/s by year: the published growth, bent down to the power ceiling."""
    g = published_growth(ref).value
    steps = [Step(BASE_YEAR, demand_2026(ref).value, 1.0, ceiling(ref, gpus, throughput, layers, BASE_YEAR),
                  "2026 disclosures x undisclosed factor")]
    for y in YEARS[1:]:
        cap = ceiling(ref, gpus, throughput, layers, y)
        grown = steps[-1].tokens_per_s * g
        if grown <= cap:
            steps.append(Step(y, grown, g, cap, f"published growth x{g:.2f} a year"))
        else:
            steps.append(Step(y, cap, cap / steps[-1].tokens_per_s, cap,
                              "power ceiling: published growth would need more than the central path of world AI power"))
    return steps


def _metro_shares(metros: pd.DataFrame, ref: Reference, y: int, china: float) -> pd.Series:
    """Each metro's share of the world's inference tokens in year y."""
    m = metros.assign(region=metros.country.map(region_of))
    pop = m.population_m / m.groupby("region").population_m.transform("sum")
    others = [r for r in IEA_REGIONS if r != "China"]
    total = sum(region_share(ref, r, y) for r in others)
    region = m.region.map(lambda r: china if r == "China" else (1 - china) * region_share(ref, r, y) / total)
    return pd.Series((pop * region).to_numpy(), index=m.metro_id)


def post_training_mw(ref: Reference, region: str, y: int, ai_share: float) -> float:
    """The region's training MW (its AI share of the central path x (1 - inference share)) less its programs."""
    programs = sum(float(p.mw) for p in ref.training_programs.itertuples()
                   if PROGRAM_REGION[p.jurisdictions] == region and p.start_year <= y)
    ai = world_band_gw(ref, y)[1] * 1000 * ai_share
    return max(ai * (1 - inference_share(ref, y)) - programs, 0.0)


def build_demand(ref: Reference, metros: pd.DataFrame, gpus: pd.DataFrame, throughput: pd.DataFrame,
                 layers: pd.DataFrame, ai_share: dict[str, float]) -> Table:
    steps = {s.year: s for s in trajectory(ref, gpus, throughput, layers)}
    china = china_share_2026(ref)
    base = demand_2026(ref)
    src = f"{base.source};{published_growth(ref).source};UN-WUP-2018;IEA-EAI-REGION-GN;OPENROUTER-SOAI-2025"
    rows = []
    for y in YEARS:
        shares, split = _metro_shares(metros, ref, y, china), layer_split(y)
        for layer in INFERENCE_LAYERS:
            for mid, share in shares.items():
                v = steps[y].tokens_per_s * split[layer] * share
                rows.append(dict(metro_id=mid, layer=layer, year=y, tokens_per_s=estimate(round(v, 1), src), source=src))
        g = newest_in_volume(gpus, y).gpu
        per_mw = tokens_per_s(throughput, g, "training", y) / (float(gpus.set_index("gpu").kw_per_gpu[g]) / 1000 * 1.3)
        m = metros.assign(region=metros.country.map(region_of))
        for region, grp in m.groupby("region"):
            mw = post_training_mw(ref, region, y, ai_share[region])
            pop = grp.population_m / grp.population_m.sum()
            psrc = ("JLL-GDCO-2026;MCK-COMPUTE-2025;installed_base.csv#103;installed_base.csv#104;DELOITTE-TMT-2026;"
                    "MCK-WORKLOADS-2025;EPRI-EPOCH-2025;TEAM-EST")
            for mid, p in zip(grp.metro_id, pop):
                rows.append(dict(metro_id=mid, layer=POST_TRAINING, year=y,
                                 tokens_per_s=estimate(round(mw * per_mw * p, 1), psrc), source=psrc))
    return table("demand.csv", rows)


def build_on_device(demand: pd.DataFrame) -> Table:
    """Edge tokens made on phones, cars, factory machines and homes: reported, not planned. With an
    on-device share s of all edge tokens, on-device = near-edge x s / (1 - s)."""
    edge = demand[demand.layer == "edge"]
    out = edge.assign(tokens_per_s=(edge.tokens_per_s * ON_DEVICE_SHARE / (1 - ON_DEVICE_SHARE)).round(1),
                      source=edge.source + ";TEAM-EST (on-device share)")
    rows = out[["metro_id", "layer", "year", "tokens_per_s", "source"]].to_dict("records")
    return table("on_device.csv", [dict(r, tokens_per_s=estimate(r["tokens_per_s"], r["source"])) for r in rows])


def inference_by_year(demand: pd.DataFrame) -> dict[int, float]:
    """World inference tokens/s by year (demand.csv's inference layers)."""
    d = demand[demand.layer.isin(INFERENCE_LAYERS)]
    return {int(y): float(v) for y, v in d.groupby("year").tokens_per_s.sum().items()}
