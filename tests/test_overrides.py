"""Scenario overrides are data: applied to the case's [scale] or to the raw CSV cells, then validated
like any input; an override naming something that does not exist is one clear error naming it."""

from __future__ import annotations

import pytest

from tests.tiny import base, write, write_case
from tokensite.config import load_case
from tokensite.errors import DatasetError
from tokensite.dataset.overrides import OverrideError, apply_to_case, check_overrides, read_case_dataset


@pytest.fixture
def case(tmp_path):
    return load_case(write_case(tmp_path, write(tmp_path / "data", base()), [2026]))


def test_scale_override_sets_the_case_multiplier(case):
    c = apply_to_case(case, {"scale.power_price": 1.3, "scale.demand": 0.5})
    assert (c.scale.power_price, c.scale.demand, c.scale.gpu_capex) == (1.3, 0.5, 1.0)
    assert c.overrides == ()


def test_cell_set_and_multiply_with_a_row_filter(case):
    c = apply_to_case(case, {"power_prices.csv:price_usd_per_mwh[site_id=A]*": 2.0, "regions.csv:pue[site_id=B]": 1.25})
    ds = read_case_dataset(c)
    price = dict(zip(ds.power_prices.site_id + ds.power_prices.slice, ds.power_prices.price_usd_per_mwh))
    assert price == {"Aday": 100.0, "Anight": 100.0, "Bday": 50.0, "Bnight": 50.0}
    assert dict(zip(ds.regions.site_id, ds.regions.pue)) == {"A": 1.0, "B": 1.25}


def test_queue_shift_moves_the_online_year(case):
    ds = read_case_dataset(apply_to_case(case, {"queue_shift:A": 2}))
    assert ds.queue.wait_years.tolist() == [3.0] and ds.queue.online_year.tolist() == [2023]


@pytest.mark.parametrize("key, value, names", [
    ("nope.csv:x", 1, "unknown file 'nope.csv'"),
    ("regions.csv:colour", 1, "regions.csv has no column 'colour'"),
    ("regions.csv:pue[site_id=Z]", 1.2, "no row of regions.csv has site_id = 'Z'"),
    ("queue_shift:Z", 1, "site 'Z' has no tranche"),
    ("scale.wind", 1.0, "unknown scale field 'wind'"),
    ("regions.csv:name*", 2.0, "is not a number to multiply"),
    ("queue_shift:A", "two", "a queue shift is a number of years"),
    ("pue", 1.0, "not an override key"),
])
def test_bad_override_is_named(case, key, value, names):
    with pytest.raises(OverrideError, match="override") as e:
        check_overrides(case, [(key, value)])
        read_case_dataset(apply_to_case(case, {key: value}))
    assert names in str(e.value) and key in str(e.value)


def test_an_overridden_value_is_validated_like_any_input(case):
    with pytest.raises(DatasetError) as e:
        read_case_dataset(apply_to_case(case, {"regions.csv:pue[site_id=A]": 0.5}))
    assert "with overrides regions.csv:pue[site_id=A]=0.5" in str(e.value)
    assert [(p.file, p.line, p.column) for p in e.value.problems] == [("regions.csv", 2, "pue")]


def test_overrides_change_the_digest_and_are_recorded(tmp_path):
    from tokensite import solve
    from tokensite.run import case_digest

    c = load_case(write_case(tmp_path, write(tmp_path / "data", base()), [2026]))
    o = apply_to_case(c, {"demand.csv:tokens_per_s*": 2.0})
    assert case_digest(c) != case_digest(o)
    res = solve(o, mip_rel_gap=1e-9)
    assert res.summary["case"]["overrides"] == [["demand.csv:tokens_per_s*", 2.0]]
    assert res.summary["inputs_sha256"] == case_digest(o, mip_rel_gap=1e-9)
    assert res.served.demand_tokens_per_s.sum() == pytest.approx(2000.0)
