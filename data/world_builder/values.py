"""Token values by layer and year (``token_values.csv``): the blended list price of the layer's mix.

A model class's price is the median over its published list prices (token_prices.csv) of the
blended price at the layer's input:output mix, (i x input + o x output) / (i + o) USD per million
total tokens: frontier reasoning = GPT-5, Claude Opus 4.5, DeepSeek-R1; midsize = DeepSeek-V3,
DeepSeek-V3.1, GPT-4.1; small = GPT-4o mini, Gemini 1.5 Flash, Claude 3 Haiku. A layer's value is
its model mix (layer_serving.csv) of those prices: a token-weighted mean. These are the latest list
prices the reference holds (2024-11 to 2025-11) and stand for 2026.

List prices are not what a token earns: most tokens are served free (search answers, free chat tiers),
input tokens are mostly cache hits, batch APIs are half price, China's prices are a tenth. The
**realised share** scales every layer's list value so that the world's 2026 inference tokens at those
values earn the world's published LLM revenue: the geometric middle of a band built from Anthropic's
revenue and its share of the market (ai_revenue.csv: Q1-2026 revenue x 4 and its mid-2026 run-rate,
each over its 31.4 % share), over the list value of the 2026 demand (tokens.py). The layers keep the
list prices' ratios; the share is derived from published revenue and published token volumes. Edge
tokens (voice, vision, vehicles, factory machines: bought per token by a device maker or operator) are
priced at list (an estimate: no published split of what edge tokens earn); the share is taken over the
other layers so that the total still earns the band's middle.

Values fall over time so that the world's inference revenue follows the published revenue path while
its tokens follow the trajectory (tokens.py): revenue grows from the 2026 band's middle to Bloomberg
Intelligence's 1.8 T USD generative-AI revenue of 2032 (ai_revenue.csv#31), geometrically, so a token's
value falls from 2026 to 2030 by revenue growth / token growth over those years, geometrically (the
same factor a year, not the token path's bends). (The flagship list
prices fall 1.9x a year, token_prices.csv; at that rate and the token trajectory, revenue would grow
1.4x a year, below every published forecast; the 9-900x constant-capability declines of EPOCH-PRICES-2025
measure a fixed capability getting cheaper, not the tokens a layer sells.)

Training and post-training tokens are worth what the same GPU-hour earns serving batch: the batch value x
B200's batch over training tokens/s (an opportunity cost). Post-training, compute bought by the hour beside
serving, follows that GPU-hour's earnings over the years: the batch value of the year x B200's batch tokens/s
of the year (throughput.csv's software gains on the same hardware) over its training tokens/s, which software
does not raise. A frontier training programme keeps its 2026 value: its worth does not fall with API prices
(decision 4 of issue 28).
"""

from __future__ import annotations

import math
import statistics

import pandas as pd

from .loader import Reference, ref_row
from .sourced import Sourced, Table, combine, table
from .tokens import INFERENCE_LAYERS, SECONDS_PER_YEAR, demand_2026, layer_split

BASE_YEAR = 2026
YEARS = [2026, 2027, 2028, 2029, 2030]
CLASS_MODELS = {
    "frontier_moe": ("gpt-5", "Claude Opus 4.5", "deepseek-reasoner (R1)"),
    "midsize_moe": ("deepseek-chat (V3)", "deepseek-chat / reasoner (V3.1)", "gpt-4.1"),
    "small": ("gpt-4o-mini", "Gemini 1.5 Flash (<=128K)", "Claude 3 Haiku"),
}
FLAGSHIP_SERIES = [("gpt-4 (8K)", "gpt-5"), ("Claude 3 Opus", "Claude Opus 4.5"), ("Claude Sonnet (3 to 4)", "Claude Sonnet (3 to 4)")]
NOT_DECLINING = {"training"}
LIST_PRICED = {"edge"}  # estimate: tokens a device maker or operator buys per token, at list


def _months(a: str, b: str) -> float:
    (ya, ma), (yb, mb) = ((int(d[:4]), int(d[5:7]) if len(d) >= 7 else 6) for d in (a, b))
    return (yb - ya) * 12 + (mb - ma)


def flagship_decline_per_year(ref: Reference) -> Sourced:
    prices = ref.token_prices
    rates, sources = [], []
    for a, b in FLAGSHIP_SERIES:
        ra, rb = prices[prices.key == a].iloc[0], prices[prices.key == b].iloc[0]
        years = max(_months(str(ra.as_of).split("..")[0], str(rb.as_of).split("..")[-1]), 12) / 12
        rates.append((float(ra.output_usd_per_mtok) / float(rb.output_usd_per_mtok)) ** (1 / years))
        sources += [ra.source, rb.source]
    return Sourced(sorted(rates)[1], "derived", ";".join(dict.fromkeys(sources)))


def class_price(ref: Reference, cls: str, input_tokens: float, output_tokens: float) -> Sourced:
    """Median blended USD per million total tokens of a model class at an input:output mix."""
    p = ref.token_prices.set_index("key")
    blended = [(input_tokens * float(p.input_usd_per_mtok[k]) + output_tokens * float(p.output_usd_per_mtok[k]))
               / (input_tokens + output_tokens) for k in CLASS_MODELS[cls]]
    return Sourced(statistics.median(blended), "derived", ";".join(dict.fromkeys(p.source[k] for k in CLASS_MODELS[cls])))


def layer_value_2026(ref: Reference, serving: pd.Series) -> Sourced:
    """The layer's model-mix value at its input:output mix (serving: a layer_serving.csv row)."""
    parts = [(float(serving[f"share_{c}"]), class_price(ref, c, float(serving.input_tokens), float(serving.output_tokens)))
             for c in CLASS_MODELS]
    value = sum(s * p.value for s, p in parts)
    ids = dict.fromkeys(i for _, p in parts for i in p.source.split(";"))
    return Sourced(round(value, 4), "derived", ";".join([*ids, str(serving.ref_id)]))


def revenue_band_usd(ref: Reference) -> tuple[float, float, str]:
    """World LLM revenue 2026 (low, high, sources): Anthropic's 2026-Q1 revenue x 4 and its mid-2026
    run-rate, each over its share of the world's LLM revenue (ai_revenue.csv)."""
    r = ref.ai_revenue
    q1 = ref_row(r, entity="Anthropic", metric="quarterly revenue")
    share = ref_row(r, entity="Anthropic", metric="share of global LLM market revenue")
    mid = ref_row(r, entity="Anthropic", metric="annualised revenue run-rate (approx.)")
    return q1.value_usd * 4 / share.value_usd, mid.value_usd / share.value_usd, ";".join((q1.ref_id, mid.ref_id, share.ref_id))


def realised_share(ref: Reference, list_values: dict[str, Sourced]) -> Sourced:
    """(Revenue band middle - the list-priced layers' revenue) / list value of the other 2026 inference tokens."""
    low, high, src = revenue_band_usd(ref)
    tokens = demand_2026(ref)
    split = layer_split(2026)
    usd = {l: tokens.value * split[l] * SECONDS_PER_YEAR / 1e6 * list_values[l].value for l in INFERENCE_LAYERS}
    listed = sum(v for l, v in usd.items() if l in LIST_PRICED)
    rest = sum(v for l, v in usd.items() if l not in LIST_PRICED)
    return Sourced(round((math.sqrt(low * high) - listed) / rest, 4), "derived", f"{src};{tokens.source}")


def realised_values(ref: Reference, serving: pd.DataFrame) -> dict[str, Sourced]:
    """Each serving layer's 2026 value: list blend x the realised share (list-priced layers at list)."""
    lists = {r.layer: layer_value_2026(ref, r) for _, r in serving.iterrows()}
    share = realised_share(ref, lists)
    return {l: v if l in LIST_PRICED else combine(round(v.value * share.value, 4), v, share) for l, v in lists.items()}


def revenue_growth_per_year(ref: Reference) -> Sourced:
    """2026 band middle -> Bloomberg Intelligence's 2032 generative-AI revenue, a year."""
    low, high, src = revenue_band_usd(ref)
    bi = ref_row(ref.ai_revenue, entity="Bloomberg Intelligence", metric="generative AI revenue (forecast)")
    return Sourced((float(bi.value_usd) / math.sqrt(low * high)) ** (1 / (2032 - BASE_YEAR)), "derived", f"{src};{bi.ref_id}")


def value_index(ref: Reference, tokens_by_year: dict[int, float]) -> dict[int, Sourced]:
    """A token's value relative to 2026: revenue growth over token growth from 2026 to the last year,
    spread geometrically over the years between (a smooth decline, not the token path's bends)."""
    g = revenue_growth_per_year(ref)
    last = YEARS[-1]
    end = g.value ** (last - BASE_YEAR) / (tokens_by_year[last] / tokens_by_year[BASE_YEAR])
    return {y: Sourced(end ** ((y - BASE_YEAR) / (last - BASE_YEAR)), "derived", g.source) for y in YEARS}


def training_value(realised: dict[str, Sourced], throughput: pd.DataFrame) -> Sourced:
    """USD per training Mtok: what a B200-hour earns on batch, per training token (2026)."""
    t = throughput[(throughput.gpu == "B200") & (throughput.year.fillna(BASE_YEAR) <= BASE_YEAR)].set_index("layer").tokens_per_s_per_gpu
    b = realised["batch"]
    return Sourced(round(b.value * float(t["batch"]) / float(t["training"]), 4), "derived" if b.basis != "estimate" else "estimate", b.source)


def batch_gain(throughput: pd.DataFrame, y: int) -> Sourced:
    """B200's batch tokens/s in year y over 2026's: the published software gains on the same hardware."""
    t = throughput[(throughput.gpu == "B200") & (throughput.layer == "batch")].assign(y=lambda d: d.year.fillna(BASE_YEAR))
    rows = [t[t.y <= year].sort_values("y").iloc[-1] for year in (y, BASE_YEAR)]
    return Sourced(float(rows[0].tokens_per_s_per_gpu) / float(rows[1].tokens_per_s_per_gpu), "derived",
                   ";".join(dict.fromkeys(";".join(r.source for r in rows).split(";"))))


def build_token_values(ref: Reference, layers: pd.DataFrame, serving: pd.DataFrame, throughput: pd.DataFrame,
                       tokens_by_year: dict[int, float]) -> Table:
    """One row per layer and year."""
    realised = realised_values(ref, serving)
    index = value_index(ref, tokens_by_year)
    train = training_value(realised, throughput)
    rows = []
    for layer in layers.layer:
        base = realised.get(layer, train)
        for y in YEARS:
            if layer in NOT_DECLINING or y == BASE_YEAR:
                value = base
            else:
                gain = [batch_gain(throughput, y)] if layer == "post_training" else []
                value = combine(round(base.value * index[y].value * (gain[0].value if gain else 1.0), 4), base, index[y], *gain)
            rows.append(dict(layer=layer, year=y, value_usd_per_mtok=value, source=value.source))
    return table("token_values.csv", rows)
