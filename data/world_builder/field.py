"""Field efficiency: what a real fleet serves per accelerator, against what the serving curves promise.

The serving curves (serving.py) are benchmark runs: one model, one tuned configuration, a full batch.
A fleet serves bigger frontier models than DeepSeek-R1, longer contexts, many models at once, keeps
capacity in reserve and spends part of its chips on experiments. One company publishes both its tokens
and its chips: Google served 1.22e9 tokens/s in May 2026 (token_volumes.csv#6) on 5.0 M H100-equivalents
(April 2026, installed_base.csv#95), of which two thirds serve inference (Deloitte, compute_mix.csv):
364 tokens/s per inference H100e. The model's own figure for such a fleet is the B200 rows of
throughput.csv (the stand-in for Google's TPUs and NVIDIA parts, installed.py) per H100e (FP8 dense ratio),
mixed over the inference layers by their 2026 token shares and derated by each layer's utilisation and
peak (what the model already asks of a fleet: util_max, profiles). The ratio of the two, about 0.3, is the
**field factor**: every inference row of throughput.csv is the curve's read x the factor (training rows
are FLOPs-based and keep theirs; China's parts keep their benchmark reads, see :func:`apply_field`). It is derived from published figures; it stands for everything a
benchmark leaves out, and CALIBRATION.md shows the benchmark (NVIDIA's 0.12 USD/Mtok on GB300) beside
the field cost.
"""

from __future__ import annotations

import pandas as pd

from .loader import Reference, gpu_attr, ref_row
from .power_path import inference_share
from .sourced import Sourced, Table, combine
from .tokens import INFERENCE_LAYERS, layer_split, peak

GOOGLE_TOKENS = ("Google (all surfaces)", "2026-05")
GOOGLE_CHIPS = ("Google", "global fleet (owner)", "all AI chips (H100e)")


def field_factor(ref: Reference, throughput: pd.DataFrame, layers: pd.DataFrame) -> Sourced:
    tok = ref_row(ref.token_volumes, provider=GOOGLE_TOKENS[0], as_of=GOOGLE_TOKENS[1])
    ib = ref.installed_base
    chips = ib[(ib.owner_or_region == GOOGLE_CHIPS[0]) & (ib.site_or_country == GOOGLE_CHIPS[1])
               & (ib.generation == GOOGLE_CHIPS[2])].iloc[0]
    share = inference_share(ref, 2026)
    observed = float(tok.tokens_per_s) / (float(chips.gpus) * share)
    lay = layers.set_index("layer")
    split = layer_split(2026)
    b200 = throughput[(throughput.gpu == "B200") & (throughput.year.fillna(2026) <= 2026)].set_index("layer").tokens_per_s_per_gpu
    seconds = sum(split[l] / (float(b200[l]) * float(lay.util_max[l]) / peak(l)) for l in INFERENCE_LAYERS)
    ratio = gpu_attr(ref, "B200-HGX", "fp8_dense").value / gpu_attr(ref, "H100-SXM", "fp8_dense").value
    benchmark = 1.0 / seconds / ratio
    return Sourced(round(observed / benchmark, 4), "derived", f"{tok.ref_id};{chips.ref_id};DELOITTE-TMT-2026")


CHINA_PARTS = ("H20", "ASC910C")  # sold only in China's market (hardware.py)


def apply_field(throughput: Table, factor: Sourced) -> Table:
    """throughput.csv with every inference row x the field factor (its cells name the factor's sources),
    except China's parts: China's published tokens (token_volumes.csv#26) are 3-4x what its counted chips
    (1.1 M H100e, installed_base.csv#101; mostly H20) make even at their benchmark reads, so no field
    discount applies there; the chips China has beyond Epoch's count are a gap (CALIBRATION.md)."""
    f = throughput.frame.copy()
    inference = f.layer.isin(INFERENCE_LAYERS) & ~f.gpu.isin(CHINA_PARTS)
    f.loc[inference, "tokens_per_s_per_gpu"] = (f.loc[inference, "tokens_per_s_per_gpu"] * factor.value).round(1)
    f.loc[inference, "source"] = f.loc[inference, "source"] + ";" + factor.source
    cells, it = [], iter(inference.tolist())
    for col, basis, src in throughput.cells:
        if col == "tokens_per_s_per_gpu" and next(it):
            cells.append((col, combine(None, Sourced(None, basis, src), factor).basis, f"{src};{factor.source}"))
        else:
            cells.append((col, basis, src))
    return Table(throughput.name, f, tuple(cells))
