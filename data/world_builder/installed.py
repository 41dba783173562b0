"""The installed base at end-2025 (``installed.csv``): GPUs standing today, by site, generation and vintage.

**World totals** (installed_base.csv, Epoch AI's model, packages): NVIDIA H100/H200 4.32 M (#6), H800
0.12 M (#8, counted as H100), B200/GB200 1.92 M (#12), B300/GB300 1.50 M (#13); China's H20 1.49 M
(#10). A100/A800 (1.08 M, #2, #4) reach the end of their five-year life by 2026 and are left out.
Huawei's Ascend 910C: its 2025 production, 0.3 M (gpu_shipments.csv#76).

**Other accelerators** (Google TPU, AWS Trainium, AMD Instinct) stand in as B200 units of the same
H100-equivalent compute: TPU = Google's all-chip H100e less its NVIDIA H100e (#95 - #69), Trainium =
Amazon's (#97 - #64), AMD one H100e a chip (estimate) outside China (#17 - #93); one B200 = the FP8
dense ratio B200 / H100 in H100e (gpus.csv of the reference). An estimate: it keeps their compute and
roughly their power, not their throughput curves.

**Vintages** split each generation's total by its shipments by year (gpu_shipments.csv): H100 2023 and
2024, H200 2025 (Hopper's 2025 shipments, #10), B200 2024 and 2025, GB300 2025, H20 2024 and 2025.

**Where.** China's parts in China. The rest: the United States holds 75 % of GPU cluster performance
(installed_base.csv#104), the other regions the rest by their share of data-centre electricity
(IEA). Named clusters sit at their campuses (Colossus 1 and 2, Prometheus, Fairwater 2, Abilene,
Rainier: installed_base.csv); a region's remainder is spread over its colocation metros by market
size (``max_mw``). Each site's energised grid and standing facility MW are raised to what its
installed units draw (nameplate x PUE): they run today; a campus whose named cluster draws more than its
announced MW (Colossus 1: 230 k GPUs at the DGX maximum input) has its max_mw raised to match.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from .loader import Reference, gpu_attr, ref_row
from .power_path import IEA_REGIONS, region_of, region_share
from .sourced import Sourced, Table, table

VINTAGES = {  # gpu -> [(vintage, shipments row: vendor, generation, year)]
    "H100": [(2023, ("NVIDIA", "H100 (Hopper)", 2023)), (2024, ("NVIDIA", "H100/H200 (Hopper)", 2024))],
    "H200": [(2025, ("NVIDIA", "H100/H200 (Hopper)", 2025))],
    "B200": [(2024, ("NVIDIA", "B200 (Blackwell)", 2024)), (2025, ("NVIDIA", "B200/GB200 (Blackwell)", 2025))],
    "GB300": [(2025, ("NVIDIA", "B300/GB300 (Blackwell Ultra)", 2025))],
    "H20": [(2024, ("NVIDIA", "H20 (China)", 2024)), (2025, ("NVIDIA", "H20 (China)", 2025))],
}
US_SHARE = 0.75  # installed_base.csv#104
PIPELINE_ONLY = {"us-nova-campus"}  # a development pipeline (planned), not standing halls
MIN_UNITS = 50  # a site's share below fifty units (400-3,600 GPUs) is left out: rounding, not a cluster
HOST_FILL = 0.9  # a market's installed draw may take at most 90 % of its max_mw (estimate: room for new halls)
# (site_id, gpu, vintage, packages or H100e, installed_base.csv row: owner, site, generation), H100e -> / B200 ratio
NAMED = [
    ("us-colossus1-xai", "H100", 2024, ("xAI", "Colossus 1, Memphis TN, US", "H100/H200 200k + GB200 30k"), 200_000 / 230_000, False),
    ("us-colossus1-xai", "B200", 2025, ("xAI", "Colossus 1, Memphis TN, US", "H100/H200 200k + GB200 30k"), 30_000 / 230_000, False),
    ("us-colossus2-xai", "B200", 2025, ("xAI", "Memphis TN (Colossus 2)", "B200/GB200"), 1.0, False),
    ("us-prometheus-meta", "GB300", 2025, ("Meta", "Prometheus, New Albany OH, US", "GB200/GB300 (+legacy)"), 1.0, True),
    ("us-fairwater2-msft", "GB300", 2025, ("Microsoft", "Fairwater 2, Fayetteville (Atlanta) GA, US", "GB200/GB300"), 1.0, True),
    ("us-abilene-stargate", "B200", 2025, ("Oracle / OpenAI (Stargate)", "Abilene TX, US", "GB200"), 1.0, True),
]
RAINIER = ("us-rainier-aws", ("Amazon / Anthropic", "Project Rainier, New Carlisle IN, US", "Trainium2"))


def _ib(ref: Reference, owner: str, site: str, generation: str, as_of: str | None = None) -> pd.Series:
    ib = ref.installed_base
    rows = ib[(ib.owner_or_region == owner) & (ib.site_or_country == site) & (ib.generation == generation)]
    if as_of is not None:
        rows = rows[rows.as_of.astype(str).str.startswith(as_of)]
    return rows.iloc[-1]


def world_totals(ref: Reference) -> dict[str, Sourced]:
    """Packages installed at end-2025 by gpu (China's and the rest together)."""
    def g(gen: str) -> pd.Series:
        return _ib(ref, "World", "global", gen, "2025-12-31")
    h100, h800, b200, b300, h20 = g("NVIDIA H100/H200"), g("NVIDIA H800"), g("NVIDIA B200/GB200"), g("NVIDIA B300/GB300"), g("NVIDIA H20")
    return {"H100/H200": Sourced(float(h100.gpus), "estimate", h100.ref_id), "H800": Sourced(float(h800.gpus), "estimate", h800.ref_id),
            "B200": Sourced(float(b200.gpus), "estimate", b200.ref_id), "GB300": Sourced(float(b300.gpus), "estimate", b300.ref_id),
            "H20": Sourced(float(h20.gpus), "estimate", h20.ref_id)}


def b200_per_h100e(ref: Reference) -> float:
    return gpu_attr(ref, "B200-HGX", "fp8_dense").value / gpu_attr(ref, "H100-SXM", "fp8_dense").value


def other_accelerators_h100e(ref: Reference) -> tuple[float, str]:
    """TPU + Trainium + AMD (outside China) at end-2025, in H100e."""
    google, google_nv = _ib(ref, "Google", "global fleet (owner)", "all AI chips (H100e)"), _ib(ref, "Google", "global fleet (owner)", "NVIDIA all (H100e)", "2025")
    amazon, amazon_nv = _ib(ref, "Amazon", "global fleet (owner)", "all AI chips (H100e)"), _ib(ref, "Amazon", "global fleet (owner)", "NVIDIA all (H100e)", "2025")
    amd, amd_cn = _ib(ref, "World", "global", "AMD Instinct all", "2025"), _ib(ref, "China", "global fleet (owner)", "AMD Instinct all")
    value = (google.gpus - google_nv.gpus) + (amazon.gpus - amazon_nv.gpus) + (amd.gpus - amd_cn.gpus)
    return float(value), ";".join(r.ref_id for r in (google, google_nv, amazon, amazon_nv, amd, amd_cn))


def _vintage_split(ref: Reference, total: float, gpu: str) -> dict[int, float]:
    s = ref.gpu_shipments
    ship = {v: float(s[(s.vendor == a) & (s.generation == b) & (s.year == c)].value.iloc[0]) for v, (a, b, c) in VINTAGES[gpu]}
    return {v: total * x / sum(ship.values()) for v, x in ship.items()}


def build_installed(ref: Reference, regions: pd.DataFrame, gpus: pd.DataFrame) -> tuple[Table, pd.DataFrame]:
    """installed.csv, and regions with ``existing_mw`` / ``existing_facility_mw`` raised to the installed draw."""
    w = world_totals(ref)
    other, other_src = other_accelerators_h100e(ref)
    ratio = b200_per_h100e(ref)
    hopper = w["H100/H200"].value
    pools: dict[tuple[str, int], float] = {}
    pools_src = {w["H100/H200"].source, w["B200"].source, w["GB300"].source}
    for gpu, total in (("H100", hopper * (1 - _share_2025(ref))), ("H200", hopper * _share_2025(ref)),
                       ("B200", w["B200"].value + other / ratio), ("GB300", w["GB300"].value)):
        split = _vintage_split(ref, total, gpu) if gpu != "B200" else {**_vintage_split(ref, w["B200"].value, "B200")}
        if gpu == "B200":
            split[2025] += other / ratio
        for v, n in split.items():
            pools[(gpu, v)] = n
    src = defaultdict(set)
    units: dict[tuple[str, str, int], float] = defaultdict(float)
    for site, gpu, v, key, frac, in_h100e in NAMED:
        r = _ib(ref, *key)
        n = float(r.gpus) * frac / (ratio if in_h100e else 1.0)
        units[(site, gpu, v)] += n
        pools[(gpu, v)] -= n
        src[(site, gpu, v)].add(r.ref_id)
    rainier = _ib(ref, *RAINIER[1])
    trainium_h100e = (float(_ib(ref, "Amazon", "global fleet (owner)", "all AI chips (H100e)").gpus)
                      - float(_ib(ref, "Amazon", "global fleet (owner)", "NVIDIA all (H100e)", "2025").gpus))
    n = float(rainier.gpus) * trainium_h100e / float(_ib(ref, "Amazon", "global", "Trainium all", "2025").gpus) / ratio
    units[(RAINIER[0], "B200", 2025)] += n
    pools[("B200", 2025)] -= n
    src[(RAINIER[0], "B200", 2025)].add(rainier.ref_id)
    announced = set(ref.campus_sites.site_id)
    hosts = regions[regions.kind.isin(["metro", "campus"]) & ~regions.site_id.isin(announced | PIPELINE_ONLY)
                    ].assign(region=lambda d: d.country.map(region_of))
    others = [r for r in IEA_REGIONS if r not in ("United States", "China")]
    other_total = sum(region_share(ref, r, 2025) for r in others)
    mw_per_gpu = {g: float(k) / 1000 for g, k in gpus.set_index("gpu").kw_per_gpu.items()}  # IT MW
    for region in IEA_REGIONS:
        if region == "China":
            continue
        share = US_SHARE if region == "United States" else (1 - US_SHARE) * region_share(ref, region, 2025) / other_total
        sites = hosts[(hosts.region == region) & (hosts.country != "HK")]
        need = {k: n * share for k, n in pools.items()}
        mw = sum(n * mw_per_gpu[g] for (g, _), n in need.items())
        for sid, site_mw in spread(mw, dict(zip(sites.site_id, sites.max_mw * HOST_FILL / sites.pue))).items():
            for (gpu, v), n in need.items():
                units[(sid, gpu, v)] += n * site_mw / mw
                src[(sid, gpu, v)].update({"installed_base.csv#104", "IEA-EAI-REGION-GN", w_src(pools_src), other_src})
    cn = hosts[hosts.country == "CN"]
    h800 = w["H800"].value
    china = ([("H20", v, n, w["H20"].source) for v, n in _vintage_split(ref, w["H20"].value, "H20").items()]
             + [("H100", 2023, h800, w["H800"].source), ("ASC910C", 2025, _ascend_2025(ref), "gpu_shipments.csv#76")])
    mw = sum(n * mw_per_gpu[g] for g, _, n, _ in china)
    for sid, site_mw in spread(mw, dict(zip(cn.site_id, cn.max_mw * HOST_FILL / cn.pue))).items():
        for gpu, v, n, s in china:
            units[(sid, gpu, v)] += n * site_mw / mw
            src[(sid, gpu, v)].add(s)
    per_unit = gpus.set_index("gpu").gpus_per_unit
    rows = []
    for (sid, gpu, v), n in sorted(units.items()):
        u = round(n / float(per_unit[gpu]))
        if u >= MIN_UNITS:
            ids = ";".join(sorted(src[(sid, gpu, v)]))
            rows.append(dict(site_id=sid, gpu=gpu, vintage=v, units=Sourced(u, "estimate", ids), source=ids))
    installed = table("installed.csv", rows)
    return installed, _raise_existing(regions, installed.frame, gpus)


def spread(total: float, caps: dict[str, float]) -> dict[str, float]:
    """``total`` over sites in proportion to their caps, none above its cap (the water-filling of a
    pro-rata share: a site that fills passes its excess on)."""
    out, left, open_ = {}, total, dict(caps)
    while left > 1e-9 and open_:
        cap_sum = sum(open_.values())
        full = {k: c for k, c in open_.items() if left * c / cap_sum >= c - out.get(k, 0.0)}
        if not full:
            for k, c in open_.items():
                out[k] = out.get(k, 0.0) + left * c / cap_sum
            return out
        for k, c in full.items():
            left -= c - out.get(k, 0.0)
            out[k] = c
            del open_[k]
    assert left <= 1e-6, f"{left:,.0f} MW of installed base finds no room"
    return out


def w_src(ids: set[str]) -> str:
    return ";".join(sorted(ids))


def _share_2025(ref: Reference) -> float:
    s = ref.gpu_shipments
    h = s[(s.vendor == "NVIDIA") & s.generation.str.contains("Hopper") & s.metric.str.startswith("shipments (Epoch")]
    by_year = pd.to_numeric(h.value).groupby(h.year).sum()
    return float(by_year[2025] / by_year.sum())


def _ascend_2025(ref: Reference) -> float:
    return float(ref_row(ref.gpu_shipments, vendor="Huawei", generation="Ascend 910C", year=2025).value)


def _raise_existing(regions: pd.DataFrame, installed: pd.DataFrame, gpus: pd.DataFrame) -> pd.DataFrame:
    g = gpus.set_index("gpu")
    mw = installed.assign(mw=installed.units * installed.gpu.map(g.gpus_per_unit) * installed.gpu.map(g.kw_per_gpu) / 1000)
    need = mw.groupby("site_id").mw.sum()
    r = regions.set_index("site_id")
    need = np.ceil(need * r.pue.reindex(need.index) * 10) / 10
    out = regions.copy()
    facility = out.site_id.map(need).fillna(0.0)
    out["existing_facility_mw"] = facility.where(facility > 0)
    out["existing_mw"] = out.existing_mw.combine(facility, max)
    out["max_mw"] = out.max_mw.combine(facility, max)  # a named cluster above its campus's announced MW (Colossus 1)
    return out
