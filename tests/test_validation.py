"""Every rule of DATA_FORMAT.md: a broken copy of the tiny dataset names file, line and column."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.typing import Series

from tests.tiny import add_row, base, write
from tokensite import DatasetError, read_dataset
from tokensite.dataset.checks import ID_RULES, KEYS
from tokensite.dataset.contract import columns, table_of
from tokensite.dataset.messages import failures, schema_problems
from tokensite.dataset.plausibility import PLAUSIBLE
from tokensite.dataset.schemas import OPTIONAL_COLUMNS, TABLES

Frames = dict[str, pd.DataFrame]


def setv(file: str, row: int, col: str, value: str) -> Callable[[Frames], None]:
    def f(fr: Frames) -> None:
        fr[file].loc[row, col] = value

    return f


def add(file: str, **values: object) -> Callable[[Frames], None]:
    def f(fr: Frames) -> None:
        fr[file] = add_row(fr[file], **values)

    return f


def drop_col(file: str, col: str) -> Callable[[Frames], None]:
    def f(fr: Frames) -> None:
        fr[file] = fr[file].drop(columns=col)

    return f


def drop_rows(file: str, query: Callable[[pd.DataFrame], pd.Series]) -> Callable[[Frames], None]:
    def f(fr: Frames) -> None:
        fr[file] = fr[file][~query(fr[file])]

    return f


# (rule, mutation, file, line, column, words in the problem)
CASES = [
    ("site ids unique", setv("regions.csv", 1, "site_id", "A"), "regions.csv", 3, "site_id", "duplicate"),
    ("country is ISO alpha-2", setv("regions.csv", 0, "country", "USA"), "regions.csv", 2, "country", "format"),
    ("kind is campus/metro/edge", setv("regions.csv", 0, "kind", "hyperscale"), "regions.csv", 2, "kind", "allowed"),
    ("pue >= 1", setv("regions.csv", 0, "pue", "0.9"), "regions.csv", 2, "pue", "minimum"),
    ("existing_mw >= 0", setv("regions.csv", 1, "existing_mw", "-5"), "regions.csv", 3, "existing_mw", "minimum"),
    ("max_mw > 0", setv("regions.csv", 0, "max_mw", "0"), "regions.csv", 2, "max_mw", "greater"),
    ("numbers are numbers", setv("regions.csv", 0, "site_fixed_usd", "ten million"), "regions.csv", 2, "site_fixed_usd", "not a number"),
    ("earliest_year is whole", setv("regions.csv", 0, "earliest_year", "2026.5"), "regions.csv", 2, "earliest_year", "whole number"),
    ("training_allowed is boolean", setv("regions.csv", 0, "training_allowed", "maybe"), "regions.csv", 2, "training_allowed", "true or false"),
    ("bridge columns together", setv("regions.csv", 1, "bridge_max_mw", "50"), "regions.csv", 3, "bridge_capex_usd_per_mw", "bridge"),
    ("required column present", drop_col("regions.csv", "pue"), "regions.csv", 1, "pue", "missing"),
    ("metro ids unique", add("metros.csv", metro_id="M1", name="x", lat=1, lon=1, country="US", jurisdiction="US", utc_offset_h=0, population_m=1), "metros.csv", 3, "metro_id", "duplicate"),
    ("utc offset in range", setv("metros.csv", 0, "utc_offset_h", "30"), "metros.csv", 2, "utc_offset_h", "maximum"),
    ("latitude in range", setv("metros.csv", 0, "lat", "140"), "metros.csv", 2, "lat", "maximum"),
    ("max_site_share in (0, 1]", setv("layers.csv", 0, "max_site_share", "1.5"), "layers.csv", 2, "max_site_share", "maximum"),
    ("util_max in (0, 1]", setv("layers.csv", 0, "util_max", "0"), "layers.csv", 2, "util_max", "greater"),
    ("residency none|market|jurisdiction|country", setv("layers.csv", 0, "residency", "continent"), "layers.csv", 2, "residency", "allowed"),
    ("max_shift in [0, 1]", setv("layers.csv", 0, "max_shift", "2"), "layers.csv", 2, "max_shift", "maximum"),
    ("metro_bound is boolean", setv("layers.csv", 0, "metro_bound", "sometimes"), "layers.csv", 2, "metro_bound", "true or false"),
    ("gpu ids unique", add("gpus.csv", gpu="G1", first_year=2020, gpus_per_unit=1, capex_usd_per_gpu=1, kw_per_gpu=1, lifetime_years=5), "gpus.csv", 3, "gpu", "duplicate"),
    ("gpus_per_unit >= 1", setv("gpus.csv", 0, "gpus_per_unit", "0"), "gpus.csv", 2, "gpus_per_unit", "minimum"),
    ("throughput gpu exists", add("throughput.csv", gpu="G9", layer="interactive", tokens_per_s_per_gpu=5), "throughput.csv", 3, "gpu", "unknown"),
    ("throughput layer exists", add("throughput.csv", gpu="G1", layer="chat", tokens_per_s_per_gpu=5), "throughput.csv", 3, "layer", "unknown"),
    ("throughput for every gpu x layer", add("gpus.csv", gpu="G2", first_year=2020, gpus_per_unit=1, capex_usd_per_gpu=1, kw_per_gpu=1, lifetime_years=5), "gpus.csv", 3, "gpu", "no throughput"),
    ("throughput unique", add("throughput.csv", gpu="G1", layer="interactive", tokens_per_s_per_gpu=5), "throughput.csv", 3, "layer", "duplicate"),
    ("slice hours sum to 8760", setv("timeslices.csv", 1, "hours", "4000"), "timeslices.csv", 3, "hours", "8760"),
    ("price site exists", add("power_prices.csv", site_id="Z", slice="day", tier="firm", price_usd_per_mwh=1), "power_prices.csv", 6, "site_id", "unknown"),
    ("price slice exists", add("power_prices.csv", site_id="A", slice="noon", tier="firm", price_usd_per_mwh=1), "power_prices.csv", 6, "slice", "unknown"),
    ("price is not negative", setv("power_prices.csv", 0, "price_usd_per_mwh", "-10"), "power_prices.csv", 2, "price_usd_per_mwh", "minimum"),
    ("uncapped tier per site x slice", setv("power_prices.csv", 1, "cap_mw", "5"), "regions.csv", 2, "site_id", "uncapped"),
    ("price rows unique", add("power_prices.csv", site_id="A", slice="day", tier="firm", price_usd_per_mwh=1), "power_prices.csv", 6, "tier", "duplicate"),
    ("demand metro exists", add("demand.csv", metro_id="M9", layer="interactive", year=2026, tokens_per_s=1), "demand.csv", 3, "metro_id", "unknown"),
    ("demand layer exists", add("demand.csv", metro_id="M1", layer="chat", year=2026, tokens_per_s=1), "demand.csv", 3, "layer", "unknown"),
    ("demand not negative", setv("demand.csv", 0, "tokens_per_s", "-1"), "demand.csv", 2, "tokens_per_s", "minimum"),
    ("demand for every metro-bound layer and year", add("metros.csv", metro_id="M2", name="x", lat=1, lon=1, country="US", jurisdiction="US", utc_offset_h=0, population_m=1), "metros.csv", 3, "metro_id", "no demand"),
    ("demand rows unique", add("demand.csv", metro_id="M1", layer="interactive", year=2026, tokens_per_s=1), "demand.csv", 3, "year", "duplicate"),
    ("tranche ids unique", add("interconnect_queue.csv", tranche_id="A-q1", site_id="A", mw=1, request_year=2020, wait_years=1, cost_usd_per_kw=0), "interconnect_queue.csv", 3, "tranche_id", "duplicate"),
    ("queue site exists", setv("interconnect_queue.csv", 0, "site_id", "Q"), "interconnect_queue.csv", 2, "site_id", "unknown"),
    ("tranche mw > 0", setv("interconnect_queue.csv", 0, "mw", "0"), "interconnect_queue.csv", 2, "mw", "greater"),
    ("training jurisdictions exist", add("training.csv", program_id="P", start_year=2026, tokens_per_s=1, min_campus_mw=1, jurisdictions="US;XX"), "training.csv", 2, "jurisdictions", "unknown jurisdiction"),
    ("training has a host", add("training.csv", program_id="P", start_year=2026, tokens_per_s=1, min_campus_mw=1, jurisdictions="US", layer="interactive"), "training.csv", 2, "layer", "metro-bound"),
    ("training tokens > 0", add("training.csv", program_id="P", start_year=2026, tokens_per_s=0, min_campus_mw=1), "training.csv", 2, "tokens_per_s", "greater"),
]


@pytest.mark.parametrize("rule,mutate,file,line,column,words", CASES, ids=[c[0] for c in CASES])
def test_rule_names_file_line_column(tmp_path, rule, mutate, file, line, column, words):
    frames = base()
    mutate(frames)
    with pytest.raises(DatasetError) as exc:
        read_dataset(write(tmp_path / "d", frames))
    hits = [p for p in exc.value.problems if p.file == file and p.line == line and p.column == column and words in p.problem]
    assert hits, f"{rule}: expected {file}:{line}: {column} ~ {words!r}; got:\n{exc.value}"
    assert f"{file}:{line}: {column}:" in str(exc.value)
    assert " — " in str(hits[0])  # every problem says how to fix it


def test_site_layers_must_be_known(tmp_path):
    fr = base()
    fr["regions.csv"]["layers"] = ["interactive;chat", ""]
    with pytest.raises(DatasetError, match="regions.csv:2: layers: unknown layer 'chat'"):
        read_dataset(write(tmp_path / "d", fr))


OPTIONAL_CASES = [
    ("latency site exists", "latency.csv", "site_id,metro_id,rtt_ms,transit_usd_per_mtok\nZ,M1,5,\n", 2, "site_id", "unknown"),
    ("latency metro exists", "latency.csv", "site_id,metro_id,rtt_ms,transit_usd_per_mtok\nA,M7,5,\n", 2, "metro_id", "unknown"),
    ("latency not negative", "latency.csv", "site_id,metro_id,rtt_ms,transit_usd_per_mtok\nA,M1,-5,\n", 2, "rtt_ms", "minimum"),
    ("latency pairs unique", "latency.csv", "site_id,metro_id,rtt_ms\nA,M1,5\nA,M1,6\n", 3, "metro_id", "duplicate"),
    ("profile mean is 1", "profiles.csv", "layer,slice,multiplier\ninteractive,day,2\ninteractive,night,1\n", 3, "multiplier", "mean"),
    ("profile covers every slice", "profiles.csv", "layer,slice,multiplier\ninteractive,day,1\n", 2, "slice", "no multiplier"),
    ("profile slice exists", "profiles.csv", "layer,slice,multiplier\ninteractive,day,1\ninteractive,night,1\ninteractive,dusk,1\n", 4, "slice", "unknown"),
    ("policy years unique", "policy.csv", "year,budget_usd,co2_cap_t,carbon_price_usd_per_t\n2026,,,\n2026,,,\n", 3, "year", "duplicate"),
    ("policy not negative", "policy.csv", "year,budget_usd,co2_cap_t,carbon_price_usd_per_t\n2026,-1,,\n", 2, "budget_usd", "minimum"),
    ("token value layer exists", "token_values.csv", "layer,year,value_usd_per_mtok\nchat,2026,1\n", 2, "layer", "unknown"),
    ("token value unique by year", "token_values.csv", "layer,year,value_usd_per_mtok\ninteractive,2026,1\ninteractive,2026,2\n", 3, "year", "duplicate"),
    ("token value not negative", "token_values.csv", "layer,year,value_usd_per_mtok\ninteractive,2026,-1\n", 2, "value_usd_per_mtok", "minimum"),
]


def assert_file_refused(tmp_path, file: str, text: str, line: int, column: str, words: str) -> None:
    """The tiny dataset with ``file`` written as ``text`` is refused, naming that file, line and column."""
    folder = write(tmp_path / "d", base())
    (folder / file).write_text(text)
    with pytest.raises(DatasetError) as exc:
        read_dataset(folder)
    assert any(p.file == file and p.line == line and p.column == column and words in p.problem for p in exc.value.problems), str(exc.value)


@pytest.mark.parametrize("rule,file,text,line,column,words", OPTIONAL_CASES, ids=[c[0] for c in OPTIONAL_CASES])
def test_optional_file_rules(tmp_path, rule, file, text, line, column, words):
    assert_file_refused(tmp_path, file, text, line, column, words)


def test_missing_required_file_is_named(tmp_path):
    folder = write(tmp_path / "d", base())
    (folder / "gpus.csv").unlink()
    with pytest.raises(DatasetError) as exc:
        read_dataset(folder)
    assert any(p.file == "gpus.csv" and "missing" in p.problem for p in exc.value.problems)


def test_every_problem_is_reported_at_once(tmp_path):
    frames = base()
    frames["regions.csv"].loc[0, "pue"] = "0.5"
    frames["demand.csv"].loc[0, "tokens_per_s"] = "-3"
    frames["gpus.csv"].loc[0, "kw_per_gpu"] = "lots"
    with pytest.raises(DatasetError) as exc:
        read_dataset(write(tmp_path / "d", frames))
    files = {p.file for p in exc.value.problems}
    assert {"regions.csv", "demand.csv", "gpus.csv"} <= files


def test_valid_tiny_dataset_derives_sparse_routes(tmp_path):
    ds = read_dataset(write(tmp_path / "d", base()))
    # B is ~1,530 km from M1: 1 + 1.655 * 15.3 = 26 ms > 20 ms SLO, so only A is eligible.
    assert list(ds.routes.site_id) == ["A"]
    b = ds.rtt[ds.rtt.site_id == "B"].iloc[0]
    assert 25 < b.rtt_ms < 27 and not b.rtt_measured


def test_measured_latency_overrides_the_estimate(tmp_path):
    folder = write(tmp_path / "d", base())
    (folder / "latency.csv").write_text("site_id,metro_id,rtt_ms,transit_usd_per_mtok\nB,M1,12,0.5\n")
    ds = read_dataset(folder)
    assert set(ds.routes.site_id) == {"A", "B"}
    assert ds.routes.set_index("site_id").loc["B", "transit_usd_per_mtok"] == 0.5


def test_residency_removes_foreign_routes(tmp_path):
    frames = base()
    frames["regions.csv"].loc[0, "jurisdiction"] = "CA"
    frames["layers.csv"].loc[0, "residency"] = "jurisdiction"
    ds = read_dataset(write(tmp_path / "d", frames))
    assert ds.routes.empty


def test_on_device_tokens_are_reported_not_planned(tmp_path):
    """on_device.csv adds no demand: the plan is the base plan (638 USD, tests/model/test_demand.py)
    and the results carry the on-device rows as given."""
    from tests.tiny import solve_tiny

    fr = base()
    fr["on_device.csv"] = pd.DataFrame({"metro_id": ["M1"], "layer": ["interactive"], "year": ["2026"], "tokens_per_s": ["5000"]})
    res = solve_tiny(tmp_path, fr)
    assert res.objective_usd == pytest.approx(638, rel=1e-6)
    assert res.on_device.tokens_per_s.tolist() == [5000.0]
    fr["on_device.csv"].loc[0, "metro_id"] = "M9"
    with pytest.raises(DatasetError, match="on_device.csv:2: metro_id"):
        read_dataset(write(tmp_path / "bad", fr))


# Issue 26: each column's contract lives on its field (tokensite/dataset/schemas.py).


def test_the_checks_and_warnings_read_each_columns_contract_from_its_field():
    assert ("power_prices.csv", "site_id", "regions.csv", "site_id") in ID_RULES
    assert ("throughput.csv", ["gpu", "year", "layer"]) in KEYS  # issue 27: a row per year (blank = every year)
    p = PLAUSIBLE[("power_prices.csv", "price_usd_per_mwh")]
    assert (p.lo, p.hi, p.unit, p.too_low) == (20, 400, "USD/MWh", "USD/kWh")
    assert {"bridge_carbon_kg_per_mwh", "min_mw", "layers"} <= set(OPTIONAL_COLUMNS["regions.csv"])
    assert "layer" in OPTIONAL_COLUMNS["training.csv"]


def test_blank_optional_cells_take_the_fields_default(tmp_path):
    fr = base()
    fr["regions.csv"]["bridge_carbon_kg_per_mwh"] = ["300", ""]
    fr["regions.csv"]["min_mw"] = ["", ""]
    fr["training.csv"] = pd.DataFrame({"program_id": ["P"], "start_year": ["2026"], "tokens_per_s": ["1"], "min_campus_mw": ["1"],
                                       "jurisdictions": [""], "layer": [""]})
    fr["layers.csv"] = add_row(fr["layers.csv"], layer="training", metro_bound="false", slo_rtt_ms="", max_site_share=1, util_max=1,
                               power_fraction=1, value_usd_per_mtok=1, residency="none", max_shift=0)
    fr["throughput.csv"] = add_row(fr["throughput.csv"], gpu="G1", layer="training", tokens_per_s_per_gpu=1000)
    folder = write(tmp_path / "d", fr)
    (folder / "elasticity.csv").write_text("layer,year,elasticity,reference_price_usd_per_mtok,blocks\ninteractive,2026,1.5,2,\n")
    ds = read_dataset(folder)
    assert ds.regions.bridge_carbon_kg_per_mwh.tolist() == [300.0, 450.0]
    assert ds.regions.min_mw.tolist() == [1.0, 20.0]  # metro A, campus B: the default of the kind
    assert ds.training.layer.tolist() == ["training"]
    assert ds.elasticity[["blocks", "max_multiple"]].values.tolist() == [[10, 3.0]]


class Renamed(pa.DataFrameModel):
    mw: Series[float] = pa.Field(ge=5, le=10)
    kind: Series[str] = pa.Field(isin=["a", "b"])

    class Config:
        coerce = True


def test_messages_come_from_the_checks_statistics_not_their_names():
    """A check whose text pandera writes differently still gives the same words."""
    Renamed.to_schema().columns["mw"].checks[0].error = "some other text"
    raw = pd.DataFrame({"mw": ["1", "99", "7"], "kind": ["a", "c", "b"]}, index=pd.Index([2, 3, 4], name="line"), dtype=object)
    with pytest.raises(pa.errors.SchemaErrors) as err:
        Renamed.validate(raw, lazy=True)
    got = {(p.line, p.column, p.problem, p.fix) for p in schema_problems("f.csv", raw, Renamed, failures(err.value))}
    assert got == {(2, "mw", "is below the minimum 5", "use a value >= 5"), (3, "mw", "is above the maximum 10", "use a value <= 10 (check the unit)"),
                   (3, "kind", "is not an allowed value", "use one of ['a', 'b']")}


def test_the_dataset_holds_every_declared_file_under_its_attribute(tmp_path):
    """A file declared in schemas.TABLES is read, checked and exposed with no other edit."""
    ds = read_dataset(write(tmp_path / "d", base()))
    for model in TABLES:
        frame = getattr(ds, table_of(model).attr)
        assert set(columns(model)) <= set(frame.columns), table_of(model).file
    with pytest.raises(AttributeError):
        ds.no_such_table
