"""The build order of the world dataset (``tokensite/cases/world``), the writes, and the check that the result reads as a dataset."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from .demand import build_layers, build_training
from .field import apply_field, field_factor
from .hardware import build_gpu_access, build_gpu_prices, build_gpu_supply, build_gpus
from .installed import build_installed
from .latency import build_latency
from .loader import Reference
from .metros import build_metros
from .policy import build_policy
from .power import build_power_prices, build_profiles, build_timeslices
from .power_path import ai_shares
from .queue import build_queue
from .regions import build_regions
from .serving import build_throughput, layer_serving
from .sites import all_sites
from .sourced import Table
from .tokens import build_demand, build_on_device, inference_by_year
from .values import build_token_values, realised_values, training_value

PUBLISHED_FREE_IDS = {"TEAM-EST", "definition"}


def build_world(ref: Reference, ref_dir: Path) -> list[Table]:
    """Every output table, in the order the later ones need the earlier ones' frames."""
    sites = all_sites(ref)
    metros = build_metros(ref)
    regions = build_regions(ref, sites)
    gpus, benchmark = build_gpus(ref), build_throughput(ref_dir)
    serving = layer_serving(ref_dir)
    realised = realised_values(ref, serving)
    layers = build_layers(realised)
    throughput = apply_field(benchmark, field_factor(ref, benchmark.frame, layers.frame))
    train_value = training_value(realised, throughput.frame)
    layers = build_layers({**realised, "training": train_value, "post_training": train_value})
    installed, raised = build_installed(ref, regions.frame, gpus.frame)
    regions = _with_installed(regions, raised)
    queue = build_queue(ref, sites, regions.frame)
    shares = ai_shares(installed.frame, regions.frame, gpus.frame)
    demand = build_demand(ref, metros.frame, gpus.frame, throughput.frame, layers.frame, shares)
    countries = sorted(set(regions.frame.country))
    return [
        regions, metros, layers, gpus, throughput, build_timeslices(), build_power_prices(ref, sites), demand, queue,
        build_training(ref, gpus.frame, throughput.frame), build_latency(ref), build_profiles(),
        build_policy(), build_token_values(ref, layers.frame, serving, throughput.frame, inference_by_year(demand.frame)),
        build_on_device(demand.frame),
        installed, build_gpu_supply(ref, gpus.frame), build_gpu_prices(gpus.frame), build_gpu_access(ref, countries),
    ]


def _with_installed(regions: Table, raised: pd.DataFrame) -> Table:
    """regions.csv with each site's energised and standing facility MW raised to its installed draw."""
    before = regions.frame.set_index("site_id")
    after = raised.set_index("site_id")
    cells = list(regions.cells)
    for sid in after.index:
        a, b = after.loc[sid], before.loc[sid]
        if pd.notna(a.existing_facility_mw) and (pd.isna(b.existing_facility_mw) or a.existing_facility_mw != b.existing_facility_mw):
            cells.append(("existing_facility_mw", "derived", "installed.csv;gpus.csv"))
    return Table(regions.name, raised, tuple(cells))


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
