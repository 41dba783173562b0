"""Random cell mutations: read_dataset succeeds or raises DatasetError, never anything else."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.tiny import base, write
from tokensite import DatasetError, read_dataset

FILES = sorted(base())
MUTATIONS = ["wrong_type", "blank", "negative", "huge", "unknown_id", "duplicate_id", "drop_column", "inf", "comma"]


def mutate(frames, file, row, col, how):
    df = frames[file]
    if df.empty:
        return
    row %= len(df)
    col = df.columns[col % len(df.columns)]
    value = {
        "wrong_type": "abc", "blank": "", "negative": "-7", "huge": "1e308", "unknown_id": "ZZZ",
        "inf": "inf", "comma": "1,5",
    }.get(how)
    if how == "duplicate_id":
        frames[file] = __import__("pandas").concat([df, df.iloc[[row]]], ignore_index=True)
    elif how == "drop_column":
        frames[file] = df.drop(columns=col)
    else:
        df.loc[row, col] = value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(FILES), st.integers(0, 10), st.integers(0, 30), st.sampled_from(MUTATIONS)), min_size=1, max_size=3
    )
)
def test_mutations_raise_only_dataset_error(edits):
    frames = base()
    for e in edits:
        mutate(frames, *e)
    folder = Path(tempfile.mkdtemp())
    try:
        write(folder, frames)
        try:
            ds = read_dataset(folder)
        except DatasetError as err:
            assert err.problems
            return
        # Accepted: it must not contain a duplicate id, an unknown id or a negative price.
        assert ds.regions.site_id.is_unique and ds.metros.metro_id.is_unique and ds.gpus.gpu.is_unique
        assert (ds.power_prices.price_usd_per_mwh >= 0).all()
        assert set(ds.power_prices.site_id) <= set(ds.regions.site_id)
        assert set(ds.demand.metro_id) <= set(ds.metros.metro_id)
        assert set(ds.throughput.gpu) <= set(ds.gpus.gpu)
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize("how", ["duplicate_id", "unknown_id", "negative"])
def test_named_mutations_are_never_accepted(tmp_path, how):
    frames = base()
    if how == "duplicate_id":
        mutate(frames, "regions.csv", 0, 0, how)
    elif how == "unknown_id":
        mutate(frames, "power_prices.csv", 0, 0, how)
    else:
        mutate(frames, "power_prices.csv", 0, 3, how)
    with pytest.raises(DatasetError):
        read_dataset(write(tmp_path / "d", frames))
