"""Tokens/s per GPU by generation x layer x year (``throughput.csv``), read off published serving
curves at each layer's interactivity and input:output mix (issue 28, decisions 1-2 and the year column).

Row numbers ``#N`` are 1-based data rows of ``reference/serving_throughput.csv`` (cited as
``serving_throughput.csv#N``); ``layer_serving.csv#N`` the layer rows; ``TEAM-EST`` the team's estimates.

**1. One token basis: total tokens** (input + output). The InferenceX curves (SemiAnalysis) already count
input + output tokens per GPU. MLPerf and Huawei's decode figures count output tokens only. A request of i
input and o output tokens takes i / P + o / D GPU-seconds (P, D: prefill and decode tokens/s per GPU), so

    total tokens/s = (i + o) / (i / P + o / D) = D x (i + o) / (i / k + o),   k = P / D.

Decode-bound (prefill free, k -> infinity) this is the plain D x (i + o) / o: x9 at 8k/1k, x2 at 1k/1k, an
upper bound. k = 6,688 / 1,943 = 3.44, CloudMatrix384's prefill and decode tokens/s per NPU on DeepSeek-R1
(#74, #72), the one published prefill/decode pair on one chip and model; the H200 disaggregated runs'
GPU splits imply 2.7-3.5 (24P+8D at 8k/1k #58, 16P+56D at 1k/1k #55). At k = 3.44 the factor is x2.71 at
8k/1k and x1.55 at 1k/1k. Example: GB300 NVL72's MLPerf v6.0 DeepSeek-R1 Offline, 9,821 output tokens/s
per GPU (#13), is 26,590 total tokens/s at 8k/1k (88,389 decode-bound) and 15,220 at 1k/1k. Caveat: the
rule keeps decode speed fixed as the context grows; B200's published 1k/1k and 8k/1k curves (different
snapshots) imply k from 1.2 (at 42 tok/s/user) to 7.8 (71-75), so a conversion is good to about x1.5 and is
used (as an estimate) only where no curve at the layer's own mix is published.

**2. Reading a curve.** A curve is one GPU x model class x mix: the points of ``CURVE_ROWS``, FP8 without
MTP (the 2026 baseline), cut to their Pareto front. Between two points ln(tokens/s) is linear in
interactivity (tokens/s per user; InferenceX's are medians, MLPerf's limits p99 floors). A read at u is
 (a) on the GPU's curve at the layer's mix if it spans u, else
 (b) on its curve at the other mix, converted by rule 1, if that spans u, else
 (c) past the curve's end: the end value x the B200 curve's change (same class and mix) from that end to u
     ("shape"), flat where B200's curve ends too.
Offline (batch) is the curve's left end, carried down by (c) to the B200 curve's left end (23 tok/s/user
for frontier 8k/1k, where it is flat: -12 % from 23 to 42, #36-#38). That understates true offline by up
to ~20 % (GB300's MLPerf Offline / Server v6.0 = 9,821 / 8,064 = 1.22). Basis: a published point as
read is published; an interpolation between published points derived; a conversion, shape or ratio that
rests on an assumption estimate.

**3. GPUs and classes without a curve** (each an estimate): another GPU's read x a ratio.
- GB300 (also B300) frontier = the GB200 NVL72 8k/1k curve (NVIDIA 10,000 at 50 #51; InferenceX #33-#35)
  x 1.0: equal FP8 dense (5.0 PF) and HBM bandwidth (8 TB/s) per package (gpus.csv). Its FP4 lead (15 vs
  10 PF) comes with the software gains (rule 5); the B300 HGX single runs (#65-#68) are FP4 and not used.
- VR200 (Vera Rubin) = GB300 x the MLPerf DeepSeek-R1 ratio per package, VR NVL72 v6.1 over GB300 NVL72
  v6.0: Server 16,332 / 8,064 = 2.03 (interactive, agentic, edge), Offline 16,435 / 9,821 = 1.67 (batch)
  (inference_benchmarks.csv MLPERF-v6.1; #12, #13). Both are output tokens: the basis cancels.
- H20 (China's Hopper) = H200 x 1 / (s / c + (1 - s) / b): c = 296 / 1,979 TFLOPS FP8 dense, b = 4.0 / 4.8
  TB/s (H20's figures as NVIDIA states them; not in the reference: TEAM-EST), s = the prefill share of GPU
  time (i / k) / (i / k + o) = 0.23 at 1k/1k, 0.70 at 8k/1k: x0.41 at 1k/1k, x0.20 at 8k/1k. Its 96 GB
  (H200: 141) limits the KV cache further; not modelled.
- H100 also stands for H800, B200 for GB200 (HGX B200 curves: an NVL72 does 2-4x more per GPU at these
  interactivities, #33 vs #30), GB300 for B300.
- midsize MoE (gpt-oss-120b class): B200's 1k/1k curve (#75-#77). H100 = B200 x 0.229 (gpt-oss tokens/s per
  all-in MW, 0.9 M against 2.8 M at ~90 tok/s/user, #81/#82, x system kW per GPU 1.275 / 1.788,
  gpu_system_power.csv); H200 = H100 x 4.8 / 3.35 TB/s = 1.43; GB300 = B200 x 8 / 8 TB/s = 1.0; Ascend
  910C = H100 x 800 / 989 TFLOPS FP16 = 0.81 (export_controls.csv#13; H200's is H100's die).
- small (8B class) = midsize x 1.0 on every GPU: no 8B serving curve is published in the reference.
- Ascend 910C frontier: CloudMatrix384 decode 1,943 tokens/s per NPU at TPOT < 50 ms (> 20 tok/s/user,
  #72) and 538 at 15 ms (66.7, #73), prefill 6,688 (#74); total at a mix = (i + o) / (i / 6,688 + o / D(u)),
  D read as in rule 2. An NPU is one 910C package (two dies): the paper counts 384 NPUs per CloudMatrix384.

**4. Layers** (layer_serving.csv, estimates anchored on the MLPerf limits #5, #6, #8): batch offline,
frontier/midsize/small 40/40/20, 8k/1k; interactive 50 tok/s/user, 45/40/15, 1k/1k; agentic 75, 70/30/0,
8k/1k; edge 100, 0/0/100, 1k/1k. A layer's tokens/s per GPU is the harmonic mix 1 / sum(share_m /
tokens/s_m): serving the mix a GPU spends share_m / tokens/s_m seconds per token on class m.

**5. Years** (throughput.csv's ``year``: the row with the latest year <= y applies). The 2026 rows are
rules 1-4. The published gain on the same hardware is GB300 NVL72's DeepSeek-R1 MLPerf v5.1 -> v6.0
(Sep 2025 -> Apr 2026, software only): Server 8,064 / 2,907 = 2.77x, Offline 9,821 / 5,842 = 1.68x
(#10-#13). The FP4-capable NVIDIA generations (B200, GB300, VR200) take it once: its square root from
2027, all of it from 2028, nothing after; the Server gain for interactive, agentic and edge, the Offline
gain for batch. Hopper (H100, H200, H20: no FP4, software mature) and Ascend 910C (no published gain on the
same hardware) keep their 2026 rows. Conservative: B200's own FP4 and MTP runs already beat its FP8 curve
by 1.6x (1k/1k at 42, #64 vs #24), 2.8x (8k/1k at 54, #62) and 5.7x (1k/1k at 100, #63 vs #26) in early
2026, and frontier models grow meanwhile, which spends part of any gain.

**6. Training** (and post_training, at the same rate): FP8 dense FLOPs x MFU 0.40 / (6 x 70e9 FLOPs per
token) (gpus.csv; H20 296 TFLOPS TEAM-EST; Ascend 910C 800 TFLOPS FP16, export_controls.csv#13, no FP8): an
estimate per program, not comparable with inference tokens.

**Counting.** A GPU is a package. MLPerf's and InferenceX's per-GPU figures and the VR NVL72's 72 count
packages (a Blackwell or Rubin package holds two dies; names that count dies, e.g. NVL144, are not used).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .sourced import TEAM_EST, Sourced, Table, table, worst

SERVING_FILE = "serving_throughput.csv"
LAYER_FILE = "layer_serving.csv"
CLASSES = ("frontier_moe", "midsize_moe", "small")
GPUS = ("H100", "H200", "H20", "B200", "GB300", "VR200", "ASC910C")
INFERENCE_LAYERS = ("batch", "interactive", "agentic", "edge")
TRAINING_LAYERS = ("training", "post_training")
BASE_YEAR = 2026
REFERENCE_GPU = "B200"  # the curves whose shape carries another GPU's curve past its published ends

Mix = tuple[int, int]  # (input tokens, output tokens) of a request
CHAT, LONG = (1000, 1000), (8000, 1000)

# Published curve points: 1-based data rows of serving_throughput.csv, total (input + output) tokens/s per
# GPU at the row's isl/osl. The 2026 baseline is the FP8 family without MTP (speculative decoding): FP4 and
# MTP points are the evidence for the later years' software gains, not the baseline. Each row is checked
# against the file (system, model class, mix, precision) when read.
CURVE_ROWS: dict[tuple[str, str, Mix], tuple[int, ...]] = {
    ("B200", "frontier_moe", CHAT): (24, 25, 26),  # InferenceX B200 vs H100 page, FP8, best config
    ("B200", "frontier_moe", LONG): (36, 37, 38, 30, 31, 32),  # InferenceX B200 vs MI300X / vs GB200 pages, FP8
    ("H100", "frontier_moe", CHAT): (27, 28, 29),  # InferenceX B200 vs H100 page, FP8
    ("H200", "frontier_moe", CHAT): (55, 56),  # InferenceX raw runs, FP8, no MTP
    ("H200", "frontier_moe", LONG): (58, 59, 52),  # InferenceX raw runs FP8 no MTP; NVIDIA's 667 at 50 (derived)
    ("GB200", "frontier_moe", LONG): (51, 33, 34, 35),  # NVIDIA 10,000 at 50; InferenceX GB200 NVL72 FP8
    ("B200", "midsize_moe", CHAT): (75, 76, 77),  # InferenceX gpt-oss-120b B200 (MXFP4 is the model's own format)
}
SYSTEM_OF = {"B200": "B200", "H100": "H100", "H200": "H200", "GB200": "GB200 NVL72"}
MODEL_CLASS = {"frontier_moe": "frontier_moe_reasoning", "midsize_moe": "midsize_moe"}
ASCEND_DECODE_ROWS = (72, 73)  # CloudMatrix384 decode: 1,943 at TPOT < 50 ms, 538 at 15 ms (per NPU = package)
ASCEND_PREFILL_ROW = 74  # 6,688 prefill tokens/s per NPU (4k prompts)
MLPERF_GB300 = {"server": (10, 12), "offline": (11, 13)}  # DeepSeek-R1 GB300 NVL72: (v5.1, v6.0) rows
PER_MW_ROWS = {"H100": 81, "B200": 82}  # gpt-oss-120b tokens/s per all-in MW at ~90 tok/s/user
GAIN_GPUS = ("B200", "GB300", "VR200")  # FP4-capable NVIDIA generations: they take the published software gain
GAIN_SCHEDULE = {2027: 0.5, 2028: 1.0}  # share (in logarithm) of the gain realised from that year on

# Team estimates, each standing in for a figure the reference does not hold
H20_SPEC = {"fp8_dense_tflops": 296.0, "memory_bandwidth_tb_s": 4.0}  # NVIDIA's H20 figures as reported; not in gpus.csv
SMALL_OVER_MIDSIZE = 1.0  # no 8B-class serving curve is published in the reference: small = midsize (gpt-oss-120b, 5.1B active)
TRAIN_MFU = 0.40  # model FLOPs utilisation
TRAIN_FLOPS_PER_TOKEN = 6 * 70e9  # dense 70B-parameter reference model (6 N FLOPs per trained token)
TRAIN_FLOPS = {  # gpu -> (gpus.csv id, attribute) for the training FLOPs; H20 and Ascend below
    "H100": ("H100-SXM", "fp8_dense"), "H200": ("H200-SXM", "fp8_dense"), "B200": ("B200-HGX", "fp8_dense"),
    "GB300": ("GB300-NVL72", "fp8_dense"), "VR200": ("VR200-NVL72", "fp8_dense"),
}


def st_id(n: int) -> str:
    return f"{SERVING_FILE}#{n}"


def _ids(*groups: str | tuple[str, ...]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for g in groups:
        for part in (g.split(";") if isinstance(g, str) else g):
            if part:
                out[part] = None
    return tuple(out)


def _num(text: object) -> float | None:
    """The number in an interactivity cell (">=12.5 (p99)", "~90", ">20"); None for "unbounded" or blank."""
    m = re.search(r"\d+(?:\.\d+)?", str(text).replace(",", ""))
    return None if pd.isna(text) or m is None or "unbounded" in str(text) else float(m.group())


def _mix(text: object) -> Mix:
    i, o = (float(x.strip().rstrip("k")) * 1000 for x in str(text).split("/"))
    return int(i), int(o)


def mix_factor(mix: Mix, k: float) -> float:
    """Total tokens per output token's worth of GPU time: (i + o) / (i / k + o). A request's GPU time is
    i / P + o / D (prefill and decode rates); with P = k x D, total tokens/s = D x (i + o) / (i / k + o).
    Decode-bound (k -> infinity) it is the plain (i + o) / o."""
    i, o = mix
    return (i + o) / (i / k + o)


def mlperf_total(output_tokens_per_s: float, mix: Mix, k: float | None) -> float:
    """An MLPerf (output-token) figure as total tokens/s at an input:output mix: x (i + o) / o for a
    decode-bound system (k None), x (i + o) / (i / k + o) when prefill costs 1 / k of a decode token."""
    i, o = mix
    return output_tokens_per_s * ((i + o) / o if k is None else mix_factor(mix, k))


@dataclass(frozen=True)
class Point:
    u: float  # tokens/s per user
    value: float  # total tokens/s per GPU at the curve's mix (decode tokens/s for a prefill curve)
    basis: str
    ids: tuple[str, ...]


@dataclass(frozen=True)
class Read:
    """Tokens/s per GPU of one GPU x model class at a mix and interactivity, and how it was found."""

    value: float
    basis: str
    ids: tuple[str, ...]
    how: str

    def times(self, r: Sourced, what: str) -> Read:
        return Read(self.value * r.value, worst(self.basis, r.basis), _ids(self.ids, r.source), f"{self.how}; x {r.value:.3g} ({what})")


def envelope(points: list[Point]) -> tuple[Point, ...]:
    """The Pareto front: a point stays unless another has at least its interactivity and throughput."""
    keep, best = [], -math.inf
    for p in sorted(points, key=lambda p: (-p.u, -p.value)):
        if p.value > best:
            keep.append(p)
            best = p.value
    return tuple(sorted(keep, key=lambda p: p.u))


@dataclass(frozen=True)
class Curve:
    """Throughput against interactivity of one GPU and model class at one input:output mix. With
    ``prefill`` the points are decode (output) tokens/s and totals follow the request-time rule."""

    label: str
    mix: Mix
    points: tuple[Point, ...]
    prefill: Point | None = None

    @property
    def lo(self) -> float:
        return self.points[0].u

    @property
    def hi(self) -> float:
        return self.points[-1].u

    def raw(self, u: float) -> tuple[float, str, tuple[str, ...], str]:
        """Log-linear interpolation (ln throughput linear in interactivity) between neighbouring points."""
        assert self.lo <= u <= self.hi, (self.label, u)
        for p in self.points:
            if math.isclose(p.u, u):
                return p.value, p.basis, p.ids, f"{self.label}: {p.value:,.0f} at {p.u:g}"
        a, b = next((a, b) for a, b in zip(self.points, self.points[1:]) if a.u < u < b.u)
        t = (u - a.u) / (b.u - a.u)
        v = a.value * math.exp(t * math.log(b.value / a.value))
        return v, worst(a.basis, b.basis), _ids(a.ids, b.ids), f"{self.label}: {a.value:,.0f} at {a.u:g} .. {b.value:,.0f} at {b.u:g}"

    def total(self, raw: float) -> float:
        if self.prefill is None:
            return raw
        i, o = self.mix
        return (i + o) / (i / self.prefill.value + o / raw)

    def at(self, u: float) -> Read:
        v, basis, ids, how = self.raw(u)
        if self.prefill is not None:
            basis, ids = worst(basis, self.prefill.basis), _ids(ids, self.prefill.ids)
            how += f" decode; prefill {self.prefill.value:,.0f}: (i+o)/(i/P+o/D)"
        return Read(self.total(v), basis, ids, f"{how} -> {self.total(v):,.0f}")

    def clamped(self, u: float) -> float:
        return self.total(self.raw(min(max(u, self.lo), self.hi))[0])

    def to_mix(self, mix: Mix, k: Sourced) -> Curve:
        """The same curve at another mix. A prefill curve is exact under its rule; any other is scaled by
        mix_factor(new) / mix_factor(old) at k (an estimate: it keeps decode speed as context grows)."""
        if mix == self.mix:
            return self
        if self.prefill is not None:
            return Curve(self.label, mix, self.points, self.prefill)
        f = mix_factor(mix, k.value) / mix_factor(self.mix, k.value)
        pts = tuple(Point(p.u, p.value * f, "estimate", _ids(p.ids, k.source)) for p in self.points)
        return Curve(f"{self.label} x {f:.3f} ({self.mix[0] // 1000}k/{self.mix[1] // 1000}k -> "
                     f"{mix[0] // 1000}k/{mix[1] // 1000}k)", mix, pts)


Ratio = Callable[[Mix, float | None], tuple[Sourced, str]]  # (mix, interactivity) -> (ratio, what it is)


def const(r: Sourced, what: str) -> Ratio:
    return lambda mix, u: (r, what)


class Serving:
    """The reference curves and ratios, and the reads of any GPU x class x mix x interactivity."""

    def __init__(self, ref_dir: Path) -> None:
        self.st = pd.read_csv(ref_dir / SERVING_FILE)
        self.layers = layer_serving(ref_dir)
        gpus = pd.read_csv(ref_dir / "gpus.csv")
        power = pd.read_csv(ref_dir / "gpu_system_power.csv").set_index("system")
        bench = pd.read_csv(ref_dir / "inference_benchmarks.csv")
        controls = pd.read_csv(ref_dir / "export_controls.csv")

        def spec(gpu_id: str, attribute: str) -> Sourced:
            r = gpus[(gpus.gpu_id == gpu_id) & (gpus.attribute == attribute)].iloc[0]
            return Sourced(float(r.value), r.basis, r.source)

        def ratio(a: Sourced, b: Sourced, basis: str = "estimate") -> Sourced:
            return Sourced(a.value / b.value, worst(basis, a.basis, b.basis), ";".join(_ids(a.source, b.source)))

        # prefill : decode on the same chip and model (Ascend 910C, DeepSeek-R1): k = 6,688 / 1,943
        dec, pre = self._row(ASCEND_DECODE_ROWS[0]), self._row(ASCEND_PREFILL_ROW)
        self.k = Sourced(float(pre.throughput_tok_s_per_gpu) / float(dec.throughput_tok_s_per_gpu), "derived",
                         ";".join((st_id(ASCEND_DECODE_ROWS[0]), st_id(ASCEND_PREFILL_ROW))))
        # software gains, GB300 DeepSeek-R1 MLPerf v5.1 -> v6.0 on the same hardware (output tokens: basis cancels)
        self.gain = {s: Sourced(self._tps(b) / self._tps(a), "derived", f"{st_id(a)};{st_id(b)}") for s, (a, b) in MLPERF_GB300.items()}
        # Vera Rubin / GB300: MLPerf DeepSeek-R1 v6.1 (VR NVL72) over v6.0 (GB300 NVL72), per package
        vr = {s: bench[bench.system.str.startswith("VR-NVL72") & (bench.model == "DeepSeek-R1") & (bench.scenario == s.title())].iloc[0]
              for s in ("server", "offline")}
        self.vr = {s: Sourced(float(vr[s].tokens_per_s_per_gpu) / self._tps(MLPERF_GB300[s][1]), "derived",
                              f"{vr[s].source};{st_id(MLPERF_GB300[s][1])}") for s in vr}
        # spec ratios (estimates: throughput taken proportional to the spec named)
        self.gb300_gb200 = Sourced(min(spec("GB300-NVL72", a).value / spec("GB200-NVL72", a).value for a in ("fp8_dense", "memory_bandwidth")),
                                   "estimate", ";".join(_ids(*(spec(g, a).source for g in ("GB300-NVL72", "GB200-NVL72")
                                                               for a in ("fp8_dense", "memory_bandwidth")))))
        self.gb300_b200_bw = ratio(spec("GB300-NVL72", "memory_bandwidth"), spec("B200-HGX", "memory_bandwidth"))
        self.h200_h100_bw = ratio(spec("H200-SXM", "memory_bandwidth"), spec("H100-SXM", "memory_bandwidth"))
        asc = controls[controls.gpu == "Huawei Ascend 910C"]
        asc_fp16 = Sourced(float(re.search(r"([\d,]+) TFLOPS FP16", asc.per_chip_spec.iloc[0]).group(1).replace(",", "")),
                           "published", f"export_controls.csv#{asc.index[0] + 1}")
        self.asc_fp16 = asc_fp16
        self.asc_h100 = ratio(asc_fp16, spec("H200-SXM", "fp16_dense"))  # H200 and H100: the same GH100 die
        # gpt-oss-120b per all-in MW (1k/8k, ~90 tok/s/user) x system kW per GPU: H100 / B200 per GPU
        mw = {g: Sourced(float(self._row(n).tok_s_per_all_in_MW), "published", st_id(n)) for g, n in PER_MW_ROWS.items()}
        kw = {g: Sourced(float(power.loc[s].kw_per_accelerator), power.loc[s].basis, power.loc[s].source)
              for g, s in (("H100", "NVIDIA DGX H100 / H200"), ("B200", "NVIDIA DGX B200"))}
        per_mw, per_kw = ratio(mw["H100"], mw["B200"]), ratio(kw["H100"], kw["B200"])
        self.h100_b200_mid = Sourced(per_mw.value * per_kw.value, "estimate", ";".join(_ids(per_mw.source, per_kw.source)))
        # H20 against H200: prefill time / compute ratio + decode time / bandwidth ratio
        self.h20_compute = Sourced(H20_SPEC["fp8_dense_tflops"] / spec("H200-SXM", "fp8_dense").value, "estimate",
                                   f"{spec('H200-SXM', 'fp8_dense').source};{TEAM_EST}")
        self.h20_bw = Sourced(H20_SPEC["memory_bandwidth_tb_s"] / spec("H200-SXM", "memory_bandwidth").value, "estimate",
                              f"{spec('H200-SXM', 'memory_bandwidth').source};{TEAM_EST}")
        self.spec = spec
        self.curves = self._curves()
        self.derived = self._derived()

    # ---- the reference rows

    def _row(self, n: int) -> pd.Series:
        return self.st.iloc[n - 1]

    def _tps(self, n: int) -> float:
        return float(self._row(n).throughput_tok_s_per_gpu)

    def _point(self, n: int, system: str, model_class: str, mix: Mix | None) -> Point:
        r = self._row(n)
        assert system in str(r.gpu_or_system) and r.model_class == model_class, (n, r.gpu_or_system, r.model_class)
        assert mix is None or _mix(r.isl_osl) == mix, (n, r.isl_osl)
        assert "MTP" not in str(r.precision) and (model_class != "frontier_moe_reasoning" or "FP4" not in str(r.precision)), (n, r.precision)
        return Point(_num(r.interactivity_tok_s_per_user), float(r.throughput_tok_s_per_gpu), r.basis, (st_id(n),))

    def _curves(self) -> dict[tuple[str, str], dict[Mix, Curve]]:
        out: dict[tuple[str, str], dict[Mix, Curve]] = {}
        for (gpu, cls, mix), rows in CURVE_ROWS.items():
            pts = envelope([self._point(n, SYSTEM_OF[gpu], MODEL_CLASS[cls], mix) for n in rows])
            label = f"{'GB200 NVL72' if gpu == 'GB200' else gpu} {cls} {mix[0] // 1000}k/{mix[1] // 1000}k"
            out.setdefault((gpu, cls), {})[mix] = Curve(label, mix, pts)
        decode = envelope([self._point(n, "Ascend 910C", "frontier_moe_reasoning", None) for n in ASCEND_DECODE_ROWS])
        pre = self._row(ASCEND_PREFILL_ROW)
        prefill = Point(0.0, float(pre.throughput_tok_s_per_gpu), pre.basis, (st_id(ASCEND_PREFILL_ROW),))
        out[("ASC910C", "frontier_moe")] = {m: Curve(f"ASC910C frontier_moe {m[0] // 1000}k/{m[1] // 1000}k (CloudMatrix384)", m, decode, prefill)
                                            for m in (CHAT, LONG)}
        return out

    def _derived(self) -> dict[tuple[str, str], tuple[str, str, Ratio]]:
        """(gpu, class) -> (donor gpu, donor class, ratio(mix, u)) for pairs without a published curve."""
        d: dict = {(g, "small"): (g, "midsize_moe", const(Sourced(SMALL_OVER_MIDSIZE, "estimate", TEAM_EST), "small = midsize, no 8B curve"))
                   for g in GPUS}
        d[("H20", "frontier_moe")] = ("H200", "frontier_moe", self.h20_ratio)
        d[("H20", "midsize_moe")] = ("H200", "midsize_moe", self.h20_ratio)
        d[("GB300", "frontier_moe")] = ("GB200", "frontier_moe", const(self.gb300_gb200, "GB300/GB200: equal FP8 dense and HBM bandwidth"))
        d[("GB300", "midsize_moe")] = ("B200", "midsize_moe", const(self.gb300_b200_bw, "GB300/B200 HBM bandwidth"))
        d[("VR200", "frontier_moe")] = ("GB300", "frontier_moe", self.vr_ratio)
        d[("VR200", "midsize_moe")] = ("GB300", "midsize_moe", self.vr_ratio)
        d[("H100", "midsize_moe")] = ("B200", "midsize_moe", const(self.h100_b200_mid, "H100/B200 gpt-oss per MW x system kW per GPU"))
        d[("H200", "midsize_moe")] = ("H100", "midsize_moe", const(self.h200_h100_bw, "H200/H100 HBM bandwidth"))
        d[("ASC910C", "midsize_moe")] = ("H100", "midsize_moe", const(self.asc_h100, "910C/H100 FP16 dense"))
        return d

    def vr_ratio(self, mix: Mix, u: float | None) -> tuple[Sourced, str]:
        """Vera Rubin / GB300: the MLPerf Offline ratio offline, the Server ratio at an interactivity."""
        scenario = "offline" if u is None else "server"
        return self.vr[scenario], f"VR/GB300 MLPerf DeepSeek-R1 {scenario.title()}"

    def h20_ratio(self, mix: Mix, u: float | None) -> tuple[Sourced, str]:
        """H20 / H200 = 1 / (s / c + (1 - s) / b): s the prefill share of GPU time at the mix (k rule), c and
        b H20's FP8 compute and HBM bandwidth relative to H200's."""
        i, o = mix
        s = (i / self.k.value) / (i / self.k.value + o)
        r = 1 / (s / self.h20_compute.value + (1 - s) / self.h20_bw.value)
        src = ";".join(_ids(self.h20_compute.source, self.h20_bw.source, self.k.source))
        return Sourced(r, "estimate", src), f"H20/H200, prefill share {s:.2f}"

    # ---- reads

    def reference(self, cls: str, mix: Mix) -> Curve:
        own = self.curves[(REFERENCE_GPU, "midsize_moe" if cls == "small" else cls)]
        return own[mix] if mix in own else next(iter(own.values())).to_mix(mix, self.k)

    def read(self, gpu: str, cls: str, mix: Mix, u: float | None) -> Read:
        """Tokens/s per GPU at ``mix`` and ``u`` tokens/s per user (None = offline)."""
        if (gpu, cls) in self.derived:
            donor, dcls, ratio = self.derived[(gpu, cls)]
            r, what = ratio(mix, u)
            return self.read(donor, dcls, mix, u).times(r, what)
        own, ref = self.curves[(gpu, cls)], self.reference(cls, mix)
        cands = ([own[mix]] if mix in own else []) + [c.to_mix(mix, self.k) for m, c in own.items() if m != mix]
        if u is None:  # offline: the curve's left end, carried down to the reference's left end by its shape
            c = cands[0]
            if c.lo <= ref.lo:
                r = c.at(c.lo)
                return Read(r.value, r.basis, r.ids, f"offline = left end: {r.how}")
            return self._shape(c, c.lo, ref.lo, ref)
        for c in cands:
            if c.lo <= u <= c.hi:
                return c.at(u)
        c = cands[0]
        return self._shape(c, c.lo if u < c.lo else c.hi, u, ref)

    def _shape(self, c: Curve, edge: float, u: float, ref: Curve) -> Read:
        """Past a curve's end: its end value times the reference curve's change from that interactivity to u
        (flat where the reference has no points either)."""
        raw, basis, ids, how = c.raw(edge)
        f = ref.clamped(u) / ref.clamped(edge)
        ref_ids = _ids(ref.raw(min(max(u, ref.lo), ref.hi))[2], ref.raw(min(max(edge, ref.lo), ref.hi))[2])
        ids = _ids(ids, ref_ids, c.prefill.ids if c.prefill else ())
        v = c.total(raw * f)
        pre = f" decode; prefill {c.prefill.value:,.0f}: (i+o)/(i/P+o/D)" if c.prefill else ""
        return Read(v, worst("estimate", basis), ids,
                    f"{how}; x {f:.3f} ({ref.label} shape {edge:g} -> {u:g}){pre} -> {v:,.0f}")

    # ---- layers

    def layer_read(self, gpu: str, layer: pd.Series) -> tuple[Sourced, dict[str, Read]]:
        """The layer's model mix at its interactivity and input:output mix: 1 / sum(share / tokens/s)."""
        mix = (int(layer.input_tokens), int(layer.output_tokens))
        u = None if pd.isna(layer.interactivity_tok_s_per_user) else float(layer.interactivity_tok_s_per_user)
        shares = {c: float(layer[f"share_{c}"]) for c in CLASSES}
        reads = {c: self.read(gpu, c, mix, u) for c in CLASSES if shares[c] > 0}
        value = 1 / sum(shares[c] / r.value for c, r in reads.items())
        ids = _ids(*(r.ids for r in reads.values()), layer.ref_id, TEAM_EST)
        return Sourced(value, worst(layer.basis, *(r.basis for r in reads.values())), ";".join(ids)), reads

    def training(self, gpu: str) -> Sourced:
        """FP8 dense FLOPs x MFU / FLOPs per token (FP16 for Ascend 910C, which has no FP8)."""
        if gpu == "H20":
            flops = Sourced(H20_SPEC["fp8_dense_tflops"], "estimate", TEAM_EST)
        elif gpu == "ASC910C":
            flops = self.asc_fp16
        else:
            flops = self.spec(*TRAIN_FLOPS[gpu])
        v = flops.value * 1e12 * TRAIN_MFU / TRAIN_FLOPS_PER_TOKEN
        return Sourced(v, "estimate", ";".join(_ids(flops.source, TEAM_EST)))


def layer_serving(ref_dir: Path) -> pd.DataFrame:
    """layer_serving.csv (one row per inference layer: interactivity, model mix, input:output mix) with
    ``ref_id`` = "layer_serving.csv#<1-based row>"."""
    f = pd.read_csv(ref_dir / LAYER_FILE)
    shares = f[[f"share_{c}" for c in CLASSES]].sum(axis=1)
    assert ((shares - 1).abs() < 1e-9).all(), "each layer's model shares sum to 1"
    return f.assign(ref_id=[f"{LAYER_FILE}#{i + 1}" for i in range(len(f))])


def throughput_rows(ref_dir: Path) -> tuple[list[dict], pd.DataFrame]:
    """throughput.csv's rows (Sourced cells) and, for CALIBRATION.md, every class read behind them."""
    s = Serving(ref_dir)
    rows, reads = [], []
    for gpu in GPUS:
        for _, layer in s.layers.iterrows():
            base, parts = s.layer_read(gpu, layer)
            for cls, r in parts.items():
                reads.append(dict(gpu=gpu, layer=layer.layer, model_class=cls, interactivity=layer.interactivity_tok_s_per_user,
                                  mix=f"{layer.input_tokens}/{layer.output_tokens}", tokens_per_s_per_gpu=round(r.value, 1),
                                  basis=r.basis, how=r.how, source=";".join(r.ids)))
            rows.append(dict(gpu=gpu, layer=layer.layer, tokens_per_s_per_gpu=base.with_value(round(base.value, 1)),
                             year=BASE_YEAR, source=base.source))
            if gpu in GAIN_GPUS:
                g = s.gain["offline" if pd.isna(layer.interactivity_tok_s_per_user) else "server"]
                for y, share in GAIN_SCHEDULE.items():
                    v = base.value * g.value ** share
                    src = ";".join(_ids(base.source, g.source, TEAM_EST))
                    rows.append(dict(gpu=gpu, layer=layer.layer, tokens_per_s_per_gpu=Sourced(round(v, 1), "estimate", src),
                                     year=y, source=src))
        t = s.training(gpu)
        for layer in TRAINING_LAYERS:
            rows.append(dict(gpu=gpu, layer=layer, tokens_per_s_per_gpu=t.with_value(round(t.value, 1)), year=BASE_YEAR, source=t.source))
    return rows, pd.DataFrame(reads)


def build_throughput(ref_dir: Path) -> Table:
    """throughput.csv: total tokens/s per GPU by gpu x layer, one row per year it changes (rules above)."""
    return table("throughput.csv", throughput_rows(ref_dir)[0])


def serving_reads(ref_dir: Path) -> pd.DataFrame:
    """Each gpu x layer x model class read at the layer's interactivity and mix, with how it was found."""
    return throughput_rows(ref_dir)[1]
