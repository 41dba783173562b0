"""Token values by layer and year (``token_values.csv``): the blended list price of the layer's mix.

A model class's price is the median over its published list prices (token_prices.csv) of the
blended price at the layer's input:output mix, (i x input + o x output) / (i + o) USD per million
total tokens: frontier reasoning = GPT-5, Claude Opus 4.5, DeepSeek-R1; midsize = DeepSeek-V3,
DeepSeek-V3.1, GPT-4.1; small = GPT-4o mini, Gemini 1.5 Flash, Claude 3 Haiku. A layer's value is
its model mix (layer_serving.csv) of those prices: a token-weighted mean. These are the latest list
prices the reference holds (2024-11 to 2025-11) and stand for 2026.

Values fall over time at the median yearly decline of the three flagship output-price series (GPT-4
-> GPT-5, Claude 3 Opus -> Opus 4.5, Claude Sonnet 3 -> 4), not at the 9-900x constant-capability
declines (EPOCH-PRICES-2025), which measure a fixed capability getting cheaper, not the tokens a layer
sells. Training and post-training tokens keep their 2026 value: a programme's worth does not fall
with API prices (decision 4 of issue 28).
"""

from __future__ import annotations

import statistics

import pandas as pd

from .loader import Reference
from .sourced import Sourced, Table, table

BASE_YEAR = 2026
YEARS = [2026, 2027, 2028, 2029, 2030]
CLASS_MODELS = {
    "frontier_moe": ("gpt-5", "Claude Opus 4.5", "deepseek-reasoner (R1)"),
    "midsize_moe": ("deepseek-chat (V3)", "deepseek-chat / reasoner (V3.1)", "gpt-4.1"),
    "small": ("gpt-4o-mini", "Gemini 1.5 Flash (<=128K)", "Claude 3 Haiku"),
}
FLAGSHIP_SERIES = [("gpt-4 (8K)", "gpt-5"), ("Claude 3 Opus", "Claude Opus 4.5"), ("Claude Sonnet (3 to 4)", "Claude Sonnet (3 to 4)")]
NOT_DECLINING = {"training", "post_training"}


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


def build_token_values(ref: Reference, layers: pd.DataFrame, serving: pd.DataFrame) -> Table:
    """One row per layer and year; a layer without a serving row (training) keeps layers.csv's value."""
    decline = flagship_decline_per_year(ref)
    s = serving.set_index("layer")
    rows = []
    for layer, v in zip(layers.layer, layers.value_usd_per_mtok):
        base = layer_value_2026(ref, s.loc[layer]) if layer in s.index else Sourced(float(v), "estimate", "TEAM-EST")
        for y in YEARS:
            if layer in NOT_DECLINING or y == BASE_YEAR:
                value = base
            else:
                value = Sourced(round(base.value / decline.value ** (y - BASE_YEAR), 4), "derived" if base.basis != "estimate" else "estimate",
                                f"{base.source};{decline.source}")
            rows.append(dict(layer=layer, year=y, value_usd_per_mtok=value, source=value.source))
    return table("token_values.csv", rows)
