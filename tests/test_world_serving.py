"""Throughput from serving curves (data/world_builder/serving.py): invariants and hand-computed reads."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "data" / "reference"
sys.path.insert(0, str(ROOT / "data"))
from world_builder.serving import (
    CHAT,
    CLASSES,
    GPUS,
    INFERENCE_LAYERS,
    LONG,
    TRAINING_LAYERS,
    Serving,
    build_throughput,
    layer_serving,
    mix_factor,
    mlperf_total,
    serving_reads,
)
from world_builder.sourced import BASES


@pytest.fixture(scope="module")
def serving() -> Serving:
    return Serving(REF)


@pytest.fixture(scope="module")
def tp() -> pd.DataFrame:
    return build_throughput(REF).frame


@pytest.fixture(scope="module")
def reads() -> pd.DataFrame:
    return serving_reads(REF)


def at(tp: pd.DataFrame, gpu: str, layer: str, year: int = 2026) -> float:
    """The row with the latest year <= ``year`` (throughput.csv's rule)."""
    t = tp[(tp.gpu == gpu) & (tp.layer == layer) & (tp.year <= year)].sort_values("year")
    return float(t.tokens_per_s_per_gpu.iloc[-1])


def read(reads: pd.DataFrame, gpu: str, layer: str, cls: str) -> float:
    r = reads[(reads.gpu == gpu) & (reads.layer == layer) & (reads.model_class == cls)]
    return float(r.tokens_per_s_per_gpu.iloc[0])


def semilog(u: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    (ua, va), (ub, vb) = a, b
    return va * (vb / va) ** ((u - ua) / (ub - ua))


# ---- the reference files


def test_serving_reference_is_the_shared_file():
    st = pd.read_csv(REF / "serving_throughput.csv")
    assert len(st) == 96
    assert st.iloc[26].gpu_or_system == "H100" and st.iloc[26].throughput_tok_s_per_gpu == 266.3  # row 27
    assert st.iloc[23].gpu_or_system == "B200" and st.iloc[23].throughput_tok_s_per_gpu == 4791.6  # row 24


def test_layer_rows():
    f = layer_serving(REF)
    assert list(f.layer) == list(INFERENCE_LAYERS)
    assert list(f.ref_id) == [f"layer_serving.csv#{i}" for i in range(1, 5)]
    assert (f.basis == "estimate").all()
    assert ((f[[f"share_{c}" for c in CLASSES]].sum(axis=1) - 1).abs() < 1e-9).all()
    row = f.set_index("layer")
    assert pd.isna(row.interactivity_tok_s_per_user["batch"])  # offline
    # anchored on the MLPerf DeepSeek-R1 Server 12.5 and Interactive 66.7 tok/s/user floors
    assert 12.5 < row.interactivity_tok_s_per_user["interactive"] < 66.7 <= row.interactivity_tok_s_per_user["agentic"]
    assert row.share_small["edge"] == 1.0


# ---- rule 1: one token basis


def test_mlperf_conversion_by_hand(serving):
    k = 6688 / 1943  # CloudMatrix384 prefill / decode tokens/s per NPU (rows 74, 72)
    assert serving.k.value == pytest.approx(k)
    # GB300 NVL72 MLPerf v6.0 DeepSeek-R1 Offline, 9,821 output tokens/s per GPU (row 13)
    assert mlperf_total(9821, LONG, None) == 9821 * 9 == 88389  # decode-bound: x (8000 + 1000) / 1000
    assert mlperf_total(9821, LONG, k) == pytest.approx(9821 * 9000 / (8000 / k + 1000))
    assert mlperf_total(9821, LONG, k) == pytest.approx(26589, rel=1e-3)
    assert mlperf_total(9821, CHAT, k) == pytest.approx(9821 * 2000 / (1000 / k + 1000))
    assert mix_factor(LONG, k) / mix_factor(CHAT, k) == pytest.approx(1.7470, rel=1e-4)


# ---- rule 2: reads on published curves


def test_h100_interactive_by_hand(reads):
    """50 tok/s/user between the published 266.3 at 42 and 73.4 at 71 (rows 27, 28), log-linearly."""
    v = read(reads, "H100", "interactive", "frontier_moe")
    assert v == pytest.approx(semilog(50, (42, 266.3), (71, 73.4)), abs=0.1)
    assert 73.4 < v < 266.3


def test_b200_interactive_within_published_bracket(reads):
    v = read(reads, "B200", "interactive", "frontier_moe")
    assert 1020.2 < v < 4791.6  # rows 25 and 24
    assert v == pytest.approx(semilog(50, (42, 4791.6), (71, 1020.2)), abs=0.1)


def test_published_points_read_as_published(reads):
    b = reads.set_index(["gpu", "layer", "model_class"])
    assert b.loc[("B200", "agentic", "frontier_moe")].tokens_per_s_per_gpu == 2557.7  # row 30, 75 tok/s/user 8k/1k
    assert b.loc[("B200", "agentic", "frontier_moe")].basis == "published"
    assert b.loc[("B200", "batch", "frontier_moe")].tokens_per_s_per_gpu == 5856.9  # row 36, left end (offline)
    assert b.loc[("B200", "edge", "small")].basis == "estimate"  # small = midsize is a team estimate


def test_offline_shape_transfer_by_hand(reads):
    """GB300 frontier batch: GB200 NVL72's 10,000 at 50 (row 51) x B200's 8k/1k change from 50 to 23."""
    b200_50 = semilog(50, (42, 5219.6), (75, 2557.7))
    assert read(reads, "GB300", "batch", "frontier_moe") == pytest.approx(10000 * 5856.9 / b200_50, abs=0.1)


def test_ascend_request_time_by_hand(reads):
    d50 = semilog(50, (20, 1943), (66.7, 538))  # decode per NPU at 50 tok/s/user
    assert read(reads, "ASC910C", "interactive", "frontier_moe") == pytest.approx(2000 / (1000 / 6688 + 1000 / d50), abs=0.1)
    assert read(reads, "ASC910C", "batch", "frontier_moe") == pytest.approx(9000 / (8000 / 6688 + 1000 / 1943), abs=0.1)


def test_vr200_is_gb300_times_mlperf_ratio(reads):
    for layer, ratio in (("interactive", 16331.8 / 8064), ("batch", 16435.1 / 9821)):
        for cls in ("frontier_moe", "midsize_moe"):
            assert read(reads, "VR200", layer, cls) == pytest.approx(read(reads, "GB300", layer, cls) * ratio, rel=1e-3)


def test_curves_fall_with_interactivity(serving):
    for curves in serving.curves.values():
        for c in curves.values():
            vals = [p.value for p in c.points]
            assert vals == sorted(vals, reverse=True) and len(vals) >= 2


# ---- rule 4: the layer's model mix


def test_harmonic_mix_by_hand(reads, tp):
    f, m, s = (read(reads, "B200", "interactive", c) for c in CLASSES)
    assert at(tp, "B200", "interactive") == pytest.approx(1 / (0.45 / f + 0.40 / m + 0.15 / s), abs=0.1)
    f, m = (read(reads, "H100", "agentic", c) for c in ("frontier_moe", "midsize_moe"))
    assert at(tp, "H100", "agentic") == pytest.approx(1 / (0.70 / f + 0.30 / m), abs=0.1)


def test_not_all_tokens_are_equal(tp):
    for g in GPUS:
        assert at(tp, g, "interactive") < at(tp, g, "batch")
        assert at(tp, g, "agentic") < at(tp, g, "batch")
    assert at(tp, "H100", "interactive") < at(tp, "H100", "batch") / 2  # H100 interactive << batch
    assert at(tp, "H100", "interactive") < 3066 / 5  # far below the old MLPerf Llama-2-70B offline figure


def test_generations_order(tp):
    for layer in INFERENCE_LAYERS:
        assert at(tp, "H20", layer) < at(tp, "H200", layer)
        assert at(tp, "H100", layer) < at(tp, "H200", layer) < at(tp, "B200", layer) <= at(tp, "GB300", layer) < at(tp, "VR200", layer)


# ---- rule 5: years


def test_year_rows(tp):
    assert set(tp.year) == {2026, 2027, 2028}
    for (gpu, layer), grp in tp.groupby(["gpu", "layer"]):
        years = sorted(grp.year)
        assert years[0] == 2026
        assert years == ([2026, 2027, 2028] if gpu in ("B200", "GB300", "VR200") and layer in INFERENCE_LAYERS else [2026])
        assert list(grp.sort_values("year").tokens_per_s_per_gpu) == sorted(grp.tokens_per_s_per_gpu)
    server, offline = 8064 / 2907, 9821 / 5842  # GB300 DeepSeek-R1 MLPerf v5.1 -> v6.0 (rows 10-13)
    assert at(tp, "GB300", "interactive", 2030) / at(tp, "GB300", "interactive") == pytest.approx(server, rel=1e-4)
    assert at(tp, "B200", "batch", 2028) / at(tp, "B200", "batch") == pytest.approx(offline, rel=1e-4)
    assert at(tp, "B200", "agentic", 2027) / at(tp, "B200", "agentic") == pytest.approx(math.sqrt(server), rel=1e-4)
    assert at(tp, "H100", "interactive", 2030) == at(tp, "H100", "interactive")


# ---- rows, provenance, sanity


def test_every_gpu_layer_has_a_row(tp):
    have = set(zip(tp.gpu, tp.layer))
    assert have == {(g, l) for g in GPUS for l in (*INFERENCE_LAYERS, *TRAINING_LAYERS)}
    assert list(tp.columns) == ["gpu", "layer", "tokens_per_s_per_gpu", "year", "source"]
    assert not tp.duplicated(["gpu", "layer", "year"]).any()
    assert (tp.tokens_per_s_per_gpu > 0).all()


def test_every_row_traces_to_a_source():
    t = build_throughput(REF)
    sources_md = (REF / "SOURCES.md").read_text()
    n_rows = {"serving_throughput.csv": 96, "layer_serving.csv": 4, "export_controls.csv": len(pd.read_csv(REF / "export_controls.csv"))}
    assert len(t.cells) == len(t.frame)  # one counted cell a row: tokens_per_s_per_gpu
    for (col, basis, source), src in zip(t.cells, t.frame.source):
        assert col == "tokens_per_s_per_gpu" and basis in BASES and source == src
        ids = source.split(";")
        assert len(ids) == len(set(ids)) >= 1
        for i in ids:
            m = re.fullmatch(r"([a-z_]+\.csv)#(\d+)", i)
            if m:
                assert 1 <= int(m.group(2)) <= n_rows[m.group(1)], i
            else:
                assert i == "TEAM-EST" or i in sources_md, i
    inference = t.frame.layer.isin(INFERENCE_LAYERS)
    assert t.frame[inference].source.str.contains("serving_throughput.csv#").all()
    assert t.frame[inference].source.str.contains("layer_serving.csv#").all()
    # the layer rows are estimates, so is every mix built on them
    assert {b for (_, b, _), inf in zip(t.cells, inference) if inf} == {"estimate"}


def test_gb300_cost_near_nvidia_anchor(reads):
    """NVIDIA: GB300 NVL72 at 6,000 tokens/s per GPU and 2.65 USD per GPU-hour is 0.12 USD/Mtok (rows 54)."""
    usd_per_mtok = 2.65 / (read(reads, "GB300", "interactive", "frontier_moe") * 3600) * 1e6
    assert 0.06 < usd_per_mtok < 0.24


def test_deterministic():
    assert build_throughput(REF).frame.equals(build_throughput(REF).frame)
