"""Accelerators (``gpus.csv``) and their tokens/s per GPU by layer (``throughput.csv``)."""

from __future__ import annotations

from .loader import Reference, benchmark, gpu_attr, system_kw_per_gpu
from .sourced import Sourced, Table, estimate, table

GPUS = [  # (gpu, reference id, price attribute, gpus_per_unit)
    ("H100", "H100-SXM", "unit_price", 8),
    ("H200", "H200-SXM", "unit_price", 8),
    ("B200", "B200-HGX", "unit_price", 8),
    ("GB300", "GB300-NVL72", "unit_price_allin", 72),
    ("VR200", "VR200-NVL72", "unit_price_allin", 72),
]
GPUS_PER_UNIT_SOURCE = {8: "MLPERF-v4.1", 72: "AWESOMEAGENTS-GB200"}
NETWORK_USD_PER_GPU = 5000.0  # dc_costs.csv, estimate (HGX only; NVL72 rack price includes NVLink)
GPU_LIFETIME_YEARS = 5  # dc_costs.csv, estimate
# kW per GPU at system level (gpu_system_power.csv): the DGX/NVL system or rack power per
# accelerator, host CPUs, NVLink/network trays and fans included; cooling plant is in the PUE.
# Vera Rubin is published as a Max-Q to Max-P range: its midpoint.
SYSTEM_POWER_ROW = {
    "H100": "NVIDIA DGX H100 / H200", "H200": "NVIDIA DGX H100 / H200", "B200": "NVIDIA DGX B200",
    "GB300": "NVIDIA GB300 NVL72 (Supermicro)", "VR200": "NVIDIA Vera Rubin NVL72",
}
SYSTEM_POWER_MIDPOINT = {"VR200"}

TRAIN_MFU = 0.40  # model FLOPs utilisation, estimate
TRAIN_FLOPS_PER_TOKEN = 6 * 70e9  # dense 70B-parameter reference model
LAYER_FACTOR = {"agentic": 0.8, "edge": 0.5}  # orchestration / small-batch penalties, estimates
GB300_SOURCES = "AZURE-GB200-2025;KLOCKWOOD-B200;ITKB-H200-B300"
VR200_SOURCES = "AZURE-GB200-2025;ITKB-H200-B300;MLPERF-v6.1;NVIDIA-MLPERF-v5.1-SUMMARY"


def build_gpus(ref: Reference) -> Table:
    """An HGX (8-GPU) unit's price per GPU adds the team's network cost, which makes it an estimate."""
    rows = []
    for gpu, ref_id, price_attr, per_unit in GPUS:
        first, price = gpu_attr(ref, ref_id, "availability_year"), gpu_attr(ref, ref_id, price_attr)
        if per_unit == 8:
            price = estimate(price.value + NETWORK_USD_PER_GPU, price.source)
        kw = system_kw_per_gpu(ref, SYSTEM_POWER_ROW[gpu], gpu in SYSTEM_POWER_MIDPOINT)
        rows.append(dict(gpu=gpu, first_year=first.with_value(int(first.value)),
                         gpus_per_unit=Sourced(per_unit, "published", GPUS_PER_UNIT_SOURCE[per_unit]),
                         capex_usd_per_gpu=price, kw_per_gpu=kw, lifetime_years=estimate(GPU_LIFETIME_YEARS),
                         supply_units_per_year=None, source=";".join(sorted({first.source, price.source, kw.source}))))
    return table("gpus.csv", rows)


def offline_tokens_per_s(ref: Reference) -> dict[str, Sourced]:
    """MLPerf Llama-2-70B Offline tokens/s per GPU; GB300 = GB200 x the FP4 ratio GB300/GB200, Vera
    Rubin = GB300 x the DeepSeek-R1 Offline ratio VR/GB300."""
    h100 = benchmark(ref, "DGX H100", "Llama-2-70B", "Offline")
    h200 = benchmark(ref, "H200", "Llama-2-70B", "Offline")
    b200 = benchmark(ref, "B200-SXM", "Llama-2-70B", "Offline")
    gb200 = benchmark(ref, "GB200", "Llama-2-70B", "Offline-like").value
    gb300 = gb200 * gpu_attr(ref, "GB300-NVL72", "fp4_dense").value / gpu_attr(ref, "GB200-NVL72", "fp4_dense").value
    vr_ratio = (benchmark(ref, "VR-NVL72", "DeepSeek-R1", "Offline").value
                / benchmark(ref, "72x GB300", "DeepSeek-R1", "Offline").value)
    return {
        "H100": Sourced(h100.value, "published", "MLPERF-v4.1"),
        "H200": Sourced(h200.value, "published", "MLPERF-v4.1"),
        "B200": Sourced(b200.value, "published", "MLPERF-v4.1"),
        "GB300": Sourced(gb300, "derived", GB300_SOURCES),
        "VR200": Sourced(gb300 * vr_ratio, "derived", VR200_SOURCES),
    }


def build_throughput(ref: Reference) -> Table:
    """batch = Offline; interactive = Offline x the Vera Rubin DeepSeek-R1 Server/Offline ratio;
    agentic and edge = interactive x LAYER_FACTOR; training = FP8 dense FLOPs x MFU / FLOPs per token."""
    server_over_offline = (benchmark(ref, "VR-NVL72", "DeepSeek-R1", "Server").value
                           / benchmark(ref, "VR-NVL72", "DeepSeek-R1", "Offline").value)
    fp8 = {gpu: ref_id for gpu, ref_id, _, _ in GPUS}
    rows = []
    for gpu, tps in offline_tokens_per_s(ref).items():
        src = tps.source
        interactive = tps.value * server_over_offline
        flops = gpu_attr(ref, fp8[gpu], "fp8_dense")
        train = flops.value * 1e12 * TRAIN_MFU / TRAIN_FLOPS_PER_TOKEN
        rows += [
            dict(gpu=gpu, layer="batch", tokens_per_s_per_gpu=tps.with_value(round(tps.value, 1)), source=src),
            dict(gpu=gpu, layer="interactive", tokens_per_s_per_gpu=Sourced(round(interactive, 1), "derived", f"{src};MLPERF-v6.1"),
                 source=f"{src};MLPERF-v6.1"),
            dict(gpu=gpu, layer="agentic", tokens_per_s_per_gpu=estimate(round(interactive * LAYER_FACTOR["agentic"], 1)),
                 source=f"{src};TEAM-EST"),
            dict(gpu=gpu, layer="edge", tokens_per_s_per_gpu=estimate(round(interactive * LAYER_FACTOR["edge"], 1)),
                 source=f"{src};TEAM-EST"),
            dict(gpu=gpu, layer="training", tokens_per_s_per_gpu=estimate(round(train, 1)), source=f"{flops.source};TEAM-EST"),
        ]
    return table("throughput.csv", rows)
