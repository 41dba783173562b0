"""Service layers (``layers.csv``) and the frontier training programs (``training.csv``)."""

from __future__ import annotations

import pandas as pd

from .loader import Reference
from .sourced import Sourced, Table, estimate, table
from .tokens import newest_in_volume, tokens_per_s

LAYER_COLUMNS = ["layer", "metro_bound", "slo_rtt_ms", "max_site_share", "util_max", "power_fraction",
                 "value_usd_per_mtok", "residency", "max_shift"]
LAYERS = [  # estimates (latency_rules.csv for the SLOs); value_usd_per_mtok: the 2026 row of token_values.csv
    ("training", False, None, 1.0, 0.90, 1.00, 0.50, "none", 0.0),
    ("post_training", False, None, 1.0, 0.90, 1.00, 0.50, "market", 1.0),
    ("batch", False, None, 1.0, 0.90, 0.85, None, "none", 1.0),
    ("interactive", True, 50.0, 1.0, 0.60, 0.75, None, "market", 0.0),
    ("agentic", True, 150.0, 0.5, 0.70, 0.80, None, "market", 0.2),
    ("edge", True, 5.0, 1.0, 0.50, 0.70, None, "market", 0.0),
]
LAYER_ESTIMATES = {"slo_rtt_ms", "max_site_share", "util_max", "power_fraction", "value_usd_per_mtok", "max_shift"}
PUE_REFERENCE = 1.30  # UPTIME-2024-REPORT, the PUE of new large facilities (regions.csv)


def build_layers(values_2026: dict[str, Sourced]) -> Table:
    """Residency (decision 6 of issue 28): interactive, agentic and edge demand is served within its
    market; post-training stays in its market; batch and frontier training may go anywhere."""
    rows = []
    for layer in LAYERS:
        row = {c: estimate(v) if c in LAYER_ESTIMATES and v is not None else v for c, v in zip(LAYER_COLUMNS, layer)}
        if layer[0] in values_2026:
            row["value_usd_per_mtok"] = values_2026[layer[0]]
        rows.append(dict(row, source="TEAM-EST;latency_rules.csv;token_values.csv"))
    return table("layers.csv", rows)


def training_tokens_per_s_per_mw(gpus: pd.DataFrame, throughput: pd.DataFrame, y: int) -> float:
    g = newest_in_volume(gpus, y)
    return tokens_per_s(throughput, g.gpu, "training", y) / (float(g.kw_per_gpu) / 1000 * PUE_REFERENCE)


def build_training(ref: Reference, gpus: pd.DataFrame, throughput: pd.DataFrame) -> Table:
    """The frontier programs of reference/training_programs.csv; tokens/s = MW x training tokens/s
    per MW of the newest GPU in volume in the start year at PUE 1.3; it needs a campus of its own MW
    (min_campus_mw; the announced 2.2-2.7 GW campuses of the reference cannot be built by the start year
    at their published build pace, build_pace.csv). A program is committed where training_programs.csv says
    so (none in the default world); the others carry the training layer's value, which does
    not fall with API prices (token_values.csv)."""
    rows = []
    for r in ref.training_programs.itertuples(index=False):
        per_mw = training_tokens_per_s_per_mw(gpus, throughput, r.start_year)
        tokens_basis = r.basis if r.basis != "published" else "derived"
        rows.append(dict(program_id=r.program_id, start_year=estimate(r.start_year),
                         tokens_per_s=Sourced(round(r.mw * per_mw, -3), tokens_basis, r.source),
                         min_campus_mw=Sourced(float(r.mw), tokens_basis, r.source),
                         jurisdictions=r.jurisdictions, layer="training", committed=bool(r.committed), source=r.source))
    return table("training.csv", rows)
