"""The accelerators: ``gpus.csv``, ``gpu_supply.csv``, ``gpu_prices.csv`` and ``gpu_access.csv``.

**Counting.** A GPU is one package, as Epoch AI counts them (gpu_shipments.csv, installed_base.csv): a
Blackwell or Rubin package holds two dies, and NVIDIA's statements that count dies (e.g. "6 M
Blackwell GPUs in four quarters", gpu_shipments.csv#16) are not used as package counts. A unit of
gpus.csv holds ``gpus_per_unit`` packages (an 8-GPU HGX server or a 72-package NVL72 rack).

**Generations.** H100 (also H800), H200, H20 (China's Hopper), B200 (also GB200), GB300 (also B300),
VR200 (Vera Rubin, and from 2028 its successors: no later part has published figures) and ASC910C
(Huawei Ascend 910C, China only). Accelerators that are not NVIDIA's or Huawei's (Google TPU, AWS
Trainium, AMD Instinct) are in the installed base as B200 equivalents (installed.py); their future
shipments are not buyable hardware here (a gap, CALIBRATION.md).

**Supply** (units a calendar year, packages / gpus_per_unit). 2026: NVIDIA's 5.4 M packages (Morgan
Stanley, gpu_shipments.csv#37) split by TrendForce's mix (71 % Blackwell, 22 % Rubin, #35-#36; the
rest Hopper), Blackwell split 30/70 between B200 and GB300 (estimate: the B300/GB300 ramp of H2
2025, #9). 2027: NVIDIA's 8 M (#40), Rubin 60 % (estimate). 2028-30: no published volume; 25 % a
year more (estimate: TSMC CoWoS additions), all Rubin-class. H20: half of its 2025 volume in 2026
(#11), none after. Ascend 910C: Huawei's 600 k plan for 2026 (#77), 1 M a year after (estimate).

**Prices** fall as a generation ages: the list price (gpus.csv of the reference) until its successor
is in volume, then 15 % a year (estimate).

**Access** (export_controls.csv): Blackwell (B200, GB300) barred in China from 2025 (#9, #10), Vera
Rubin with it (estimate: the same rule); H100 needs a licence that is not granted (#3); H200 is
licensed by the US from 2026 with a 25 % fee (#7) but barred by China's customs (#8); H20 licensed
with the 15 % revenue share from 2025 (#5). Hong Kong takes the mainland's rules. Ascend chips may
not be used outside China (#12), and H20 is sold only in China (a China-specific part).
"""

from __future__ import annotations

import pandas as pd

from .loader import Reference, gpu_attr, system_kw_per_gpu
from .sourced import Sourced, Table, combine, estimate, table

YEARS = [2026, 2027, 2028, 2029, 2030]
NETWORK_USD_PER_GPU = 5000.0  # dc_costs.csv, estimate (HGX only; NVL72 rack price includes NVLink)
GPU_LIFETIME_YEARS = 5  # dc_costs.csv, estimate
GPUS = [  # (gpu, reference id, price attribute, gpus_per_unit, system power row)
    ("H100", "H100-SXM", "unit_price", 8, "NVIDIA DGX H100 / H200"),
    ("H200", "H200-SXM", "unit_price", 8, "NVIDIA DGX H100 / H200"),
    ("B200", "B200-HGX", "unit_price", 8, "NVIDIA DGX B200"),
    ("GB300", "GB300-NVL72", "unit_price_allin", 72, "NVIDIA GB300 NVL72 (Supermicro)"),
    ("VR200", "VR200-NVL72", "unit_price_allin", 72, "NVIDIA Vera Rubin NVL72"),
]
GPUS_PER_UNIT_SOURCE = {8: "MLPERF-v4.1", 72: "AWESOMEAGENTS-GB200"}
SYSTEM_POWER_MIDPOINT = {"VR200"}
# Parts the reference has no specification rows for (estimates, with what they stand on)
H20 = dict(first_year=2024, price_usd=12000.0,  # reported 12-15 k USD; not in the reference
           tdp_kw=0.4)  # H20's 400 W against H100's 700 W on the DGX H100 system's other 0.575 kW a GPU
ASC910C = dict(first_year=2025, price_usd=25000.0,  # no published price: estimate
               kw_per_gpu=1.46)  # CloudMatrix384's reported 559 kW / 384 NPUs; per-chip power is a gap
NVIDIA_2026 = ("NVIDIA", "all AI GPUs", 2026)
NVIDIA_2027 = ("NVIDIA", "all GPUs", 2027)
GROWTH_AFTER_2027 = 1.25
PRICE_DECLINE_PER_YEAR = 0.15
SUCCESSOR = {"H100": "H200", "H200": "B200", "B200": "GB300", "GB300": "VR200"}
CHINA = ("CN", "HK")


def _shipments(ref: Reference, vendor: str, generation: str, year: int, metric_start: str = "") -> Sourced:
    s = ref.gpu_shipments
    r = s[(s.vendor == vendor) & (s.generation == generation) & (s.year == year) & s.metric.str.startswith(metric_start)].iloc[0]
    return Sourced(float(r.value), "published" if r.basis == "published" else r.basis, r.ref_id)


def build_gpus(ref: Reference) -> Table:
    """An HGX (8-GPU) unit's price per GPU adds the team's network cost, which makes it an estimate."""
    rows = []
    for gpu, ref_id, price_attr, per_unit, system in GPUS:
        first, price = gpu_attr(ref, ref_id, "availability_year"), gpu_attr(ref, ref_id, price_attr)
        if per_unit == 8:
            price = estimate(price.value + NETWORK_USD_PER_GPU, price.source)
        kw = system_kw_per_gpu(ref, system, gpu in SYSTEM_POWER_MIDPOINT)
        rows.append(dict(gpu=gpu, first_year=first.with_value(int(first.value)),
                         gpus_per_unit=Sourced(per_unit, "published", GPUS_PER_UNIT_SOURCE[per_unit]),
                         capex_usd_per_gpu=price, kw_per_gpu=kw, lifetime_years=estimate(GPU_LIFETIME_YEARS),
                         supply_units_per_year=None, source=";".join(sorted({first.source, price.source, kw.source}))))
    dgx = system_kw_per_gpu(ref, "NVIDIA DGX H100 / H200", False)
    h20_kw = combine(round(dgx.value - 0.7 + H20["tdp_kw"], 3), dgx, estimate(H20["tdp_kw"]))
    rows.append(dict(gpu="H20", first_year=estimate(H20["first_year"]), gpus_per_unit=Sourced(8, "published", "MLPERF-v4.1"),
                     capex_usd_per_gpu=estimate(H20["price_usd"] + NETWORK_USD_PER_GPU), kw_per_gpu=h20_kw,
                     lifetime_years=estimate(GPU_LIFETIME_YEARS), supply_units_per_year=None,
                     source=f"{dgx.source};TEAM-EST"))
    rows.append(dict(gpu="ASC910C", first_year=Sourced(ASC910C["first_year"], "published", "export_controls.csv#13"),
                     gpus_per_unit=estimate(8), capex_usd_per_gpu=estimate(ASC910C["price_usd"] + NETWORK_USD_PER_GPU),
                     kw_per_gpu=estimate(ASC910C["kw_per_gpu"]), lifetime_years=estimate(GPU_LIFETIME_YEARS),
                     supply_units_per_year=None, source="export_controls.csv#13;TEAM-EST"))
    return table("gpus.csv", rows)


def supply_packages(ref: Reference) -> dict[tuple[str, str, int], Sourced]:
    """Packages a calendar year by (gpu, market, first year of the row); market "" = the world."""
    total26 = _shipments(ref, *NVIDIA_2026)
    blackwell = _shipments(ref, "NVIDIA", "all high-end GPUs", 2026)
    rubin = _shipments(ref, "NVIDIA", "Rubin", 2026, "2026 shipment mix")
    h20_25 = _shipments(ref, "NVIDIA", "H20 (China)", 2025)
    total27 = _shipments(ref, *NVIDIA_2027)
    asc26 = _shipments(ref, "Huawei", "Ascend 910C", 2026)
    bw26 = combine(total26.value * blackwell.value / 100, total26, blackwell)
    vr26 = combine(total26.value * rubin.value / 100, total26, rubin)
    hopper26 = combine(total26.value * (1 - (blackwell.value + rubin.value) / 100), total26, blackwell, rubin)
    vr27 = estimate(total27.value * 0.60, total27.source + ";TEAM-EST")
    out = {
        ("H100", "", 2026): estimate(0.0),
        ("H200", "", 2026): hopper26, ("H200", "", 2027): estimate(0.0),
        ("B200", "", 2026): estimate(bw26.value * 0.30, bw26.source + ";TEAM-EST"),
        ("B200", "", 2027): estimate(total27.value * 0.05, total27.source + ";TEAM-EST"),
        ("B200", "", 2028): estimate(0.0),
        ("GB300", "", 2026): estimate(bw26.value * 0.70, bw26.source + ";TEAM-EST"),
        ("GB300", "", 2027): estimate(total27.value * 0.35, total27.source + ";TEAM-EST"),
        ("GB300", "", 2028): estimate(total27.value * 0.15, total27.source + ";TEAM-EST"),
        ("GB300", "", 2029): estimate(0.0),
        ("VR200", "", 2026): vr26, ("VR200", "", 2027): vr27,
        ("H20", "", 2026): estimate(h20_25.value * 0.5, h20_25.source + ";TEAM-EST"), ("H20", "", 2027): estimate(0.0),
        ("ASC910C", "", 2026): asc26, ("ASC910C", "", 2027): estimate(1.0e6, asc26.source + ";TEAM-EST"),
    }
    nvidia = total27.value
    for y in (2028, 2029, 2030):
        nvidia *= GROWTH_AFTER_2027
        gb300 = out.get(("GB300", "", y), estimate(0.0)).value
        out[("VR200", "", y)] = estimate(round(nvidia - gb300), total27.source + ";TEAM-EST")
    return out


def build_gpu_supply(ref: Reference, gpus: pd.DataFrame) -> Table:
    per_unit = gpus.set_index("gpu").gpus_per_unit
    rows = [dict(gpu=g, year=y, units_max=v.with_value(round(v.value / float(per_unit[g]))), market=m or None, source=v.source)
            for (g, m, y), v in sorted(supply_packages(ref).items())]
    return table("gpu_supply.csv", rows)


def build_gpu_prices(gpus: pd.DataFrame) -> Table:
    """List price until the successor is in volume (its first_year + 1), then 15 % less a year."""
    g = gpus.set_index("gpu")
    rows = []
    for gpu, nxt in SUCCESSOR.items():
        start = int(g.first_year[nxt]) + 1
        for y in YEARS:
            if y > start:
                price = float(g.capex_usd_per_gpu[gpu]) * (1 - PRICE_DECLINE_PER_YEAR) ** (y - start)
                rows.append(dict(gpu=gpu, year=y, capex_usd_per_gpu=estimate(round(price, -1)), source=f"{g.source[gpu]};TEAM-EST"))
    return table("gpu_prices.csv", rows)


def build_gpu_access(ref: Reference, countries: list[str]) -> Table:
    e = ref.export_controls
    rid = {k: e.ref_id.iloc[i] for k, i in (("blackwell", 8), ("b30a", 9), ("tier3", 2), ("h200_us", 6), ("h200_cn", 7),
                                             ("h20", 4), ("ascend", 11))}
    rows = []
    for c in CHINA:
        rows += [
            dict(gpu="B200", country=c, from_year=2025, to_year=None, access="banned", capex_multiplier=None, source=f"{rid['blackwell']};{rid['b30a']}"),
            dict(gpu="GB300", country=c, from_year=2025, to_year=None, access="banned", capex_multiplier=None, source=rid["blackwell"]),
            dict(gpu="VR200", country=c, from_year=2025, to_year=None, access="banned", capex_multiplier=None, source=f"{rid['blackwell']};TEAM-EST"),
            dict(gpu="H100", country=c, from_year=2025, to_year=None, access="banned", capex_multiplier=None, source=rid["tier3"]),
            dict(gpu="H200", country=c, from_year=2026, to_year=None, access="banned", capex_multiplier=None, source=f"{rid['h200_us']};{rid['h200_cn']}"),
            dict(gpu="H20", country=c, from_year=2025, to_year=None, access="licensed",
                 capex_multiplier=Sourced(1.15, "published", rid["h20"]), source=rid["h20"]),
        ]
    for c in sorted(set(countries) - set(CHINA)):
        rows += [dict(gpu="ASC910C", country=c, from_year=2025, to_year=None, access="banned", capex_multiplier=None, source=rid["ascend"]),
                 dict(gpu="H20", country=c, from_year=2024, to_year=None, access="banned", capex_multiplier=None, source=f"{rid['h20']};TEAM-EST")]
    return table("gpu_access.csv", rows)
