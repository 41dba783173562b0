"""The build order of the world dataset (``tokensite/cases/world``), the writes, and the check that the result reads as a dataset."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from .compute import build_gpus, build_throughput
from .demand import build_demand, build_layers, build_on_device, build_token_values, build_training
from .latency import build_latency
from .loader import Reference
from .metros import build_metros
from .policy import build_policy
from .power import build_power_prices, build_profiles, build_timeslices
from .queue import build_queue
from .regions import build_regions
from .sites import all_sites
from .sourced import Table

PUBLISHED_FREE_IDS = {"TEAM-EST", "definition"}


def build_world(ref: Reference) -> list[Table]:
    """Every output table, in the order the later ones need the earlier ones' frames."""
    sites = all_sites(ref)
    metros = build_metros(ref)
    regions = build_regions(ref, sites)
    gpus, throughput = build_gpus(ref), build_throughput(ref)
    layers = build_layers()
    queue = build_queue(ref, sites, regions.frame)
    demand = build_demand(ref, metros.frame, gpus.frame, throughput.frame, layers.frame)
    return [
        regions, metros, layers, gpus, throughput, build_timeslices(), build_power_prices(ref, sites), demand, queue,
        build_training(ref, gpus.frame, throughput.frame, layers.frame), build_latency(ref), build_profiles(),
        build_policy(), build_token_values(ref, layers.frame), build_on_device(demand.frame),
    ]


def provenance(tables: list[Table]) -> pd.DataFrame:
    """``provenance.csv``: cell counts by file x column x basis x source, sorted by those keys."""
    cells = sum((t.provenance() for t in tables), Counter())
    return pd.DataFrame([dict(file=k[0], column=k[1], basis=k[2], source=k[3], cells=n) for k, n in sorted(cells.items())])


def write_world(tables: list[Table], out_dir: Path) -> pd.DataFrame:
    """Write each table and ``provenance.csv``; return the provenance."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for t in tables:
        t.frame.to_csv(out_dir / t.name, index=False)
    prov = provenance(tables)
    prov.to_csv(out_dir / "provenance.csv", index=False)
    return prov


def provenance_summary(prov: pd.DataFrame) -> str:
    """Shares of counted values that are published or derived (strict), or have a published input."""
    strict = prov[prov.basis != "estimate"].cells.sum() / prov.cells.sum()
    has_published = prov.source.str.split(";").map(lambda ids: any(i not in PUBLISHED_FREE_IDS for i in ids))
    loose = prov[has_published].cells.sum() / prov.cells.sum()
    return "\n".join([
        f"  {strict:.1%} published or derived only from published figures (strict)",
        f"  {loose:.1%} with at least one published input (the rest rests on team estimates alone)",
        str(prov.groupby(["file", "basis"]).cells.sum().unstack(fill_value=0)),
    ])
