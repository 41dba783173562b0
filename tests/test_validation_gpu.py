"""The GPU market files of issue 27 (gpu_access.csv, gpu_prices.csv, gpu_supply.csv, throughput.csv's
``year``): a broken row names file, line and column, like every other input."""

from __future__ import annotations

import pytest

from tests.test_validation import assert_file_refused
from tests.tiny import base, write
from tokensite import read_dataset

ACCESS = "gpu,country,from_year,to_year,access,capex_multiplier\n"
CASES = [
    ("access gpu exists", "gpu_access.csv", ACCESS + "H9,CN,2026,,banned,\n", 2, "gpu", "unknown"),
    ("access country is ISO alpha-2", "gpu_access.csv", ACCESS + "G1,China,2026,,banned,\n", 2, "country", "format"),
    ("access to_year not before from_year", "gpu_access.csv", ACCESS + "G1,CN,2026,2025,banned,\n", 2, "to_year", "before from_year"),
    ("access is banned or licensed", "gpu_access.csv", ACCESS + "G1,CN,2026,,restricted,\n", 2, "access", "allowed"),
    ("access multiplier at least 1", "gpu_access.csv", ACCESS + "G1,CN,2026,,licensed,0.5\n", 2, "capex_multiplier", "minimum"),
    ("access banned has no multiplier", "gpu_access.csv", ACCESS + "G1,CN,2026,,banned,2\n", 2, "capex_multiplier", "banned"),
]


def test_optional_columns_may_be_left_out(tmp_path):
    folder = write(tmp_path / "d", base())
    (folder / "gpu_access.csv").write_text("gpu,country,from_year,access\nG1,CN,2026,banned\n")
    acc = read_dataset(folder).gpu_access
    assert acc.to_year.isna().all() and list(acc.capex_multiplier) == [1.0]


PRICES = "gpu,year,capex_usd_per_gpu\n"
PRICE_CASES = [
    ("price gpu exists", "gpu_prices.csv", PRICES + "H9,2026,1000\n", 2, "gpu", "unknown"),
    ("price not negative", "gpu_prices.csv", PRICES + "G1,2026,-1\n", 2, "capex_usd_per_gpu", "minimum"),
    ("price unique by year", "gpu_prices.csv", PRICES + "G1,2026,1000\nG1,2026,900\n", 3, "year", "duplicate"),
]



TPUT = "gpu,layer,tokens_per_s_per_gpu,year\n"
THROUGHPUT_CASES = [
    ("throughput year in range", "throughput.csv", TPUT + "G1,interactive,1000,\nG1,interactive,2000,20277\n", 3, "year", "maximum"),
    ("throughput unique by year", "throughput.csv", TPUT + "G1,interactive,1000,2027\nG1,interactive,2000,2027\n", 3, "layer", "duplicate"),
    ("throughput one blank year", "throughput.csv", TPUT + "G1,interactive,1000,\nG1,interactive,2000,\n", 3, "layer", "duplicate"),
]


SUPPLY = "gpu,year,units_max,market\n"
SUPPLY_CASES = [
    ("supply gpu exists", "gpu_supply.csv", SUPPLY + "H9,2026,10,\n", 2, "gpu", "unknown"),
    ("supply not negative", "gpu_supply.csv", SUPPLY + "G1,2026,-1,\n", 2, "units_max", "minimum"),
    ("supply market exists", "gpu_supply.csv", SUPPLY + "G1,2026,10,EU\n", 2, "market", "unknown market"),
    ("supply unique by year", "gpu_supply.csv", SUPPLY + "G1,2026,10,US\nG1,2026,20,US\n", 3, "year", "duplicate"),
    ("supply one world row a year", "gpu_supply.csv", SUPPLY + "G1,2026,10,\nG1,2026,20,\n", 3, "year", "duplicate"),
]


@pytest.mark.parametrize("rule,file,text,line,column,words", CASES + PRICE_CASES + THROUGHPUT_CASES + SUPPLY_CASES,
                         ids=[c[0] for c in CASES + PRICE_CASES + THROUGHPUT_CASES + SUPPLY_CASES])
def test_gpu_market_file_rules(tmp_path, rule, file, text, line, column, words):
    assert_file_refused(tmp_path, file, text, line, column, words)


def test_a_market_is_the_country_unless_named(tmp_path):
    fr = base()
    fr["regions.csv"]["market"] = ["", "NA"]
    folder = write(tmp_path / "d", fr)
    (folder / "gpu_supply.csv").write_text(SUPPLY + "G1,2026,10,NA\nG1,2026,10,US\n")
    assert list(read_dataset(folder).regions.market) == ["US", "NA"]
