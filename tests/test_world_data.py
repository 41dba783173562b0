"""The shipped world dataset is valid and as broad as the product promises."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tokensite import load_case, read_dataset, shipped_case, shipped_dataset
from tokensite.packaged import shipped_cases

ROOT = Path(__file__).resolve().parents[1]
WORLD_DIR = shipped_dataset()


@pytest.fixture(scope="module")
def world():
    return read_dataset(shipped_dataset())


def test_world_counts(world):
    s = world.summary()
    assert s["sites"] >= 60 and s["continents"] >= 6 and s["metros"] >= 40
    assert s["gpus"] >= 5 and s["time slices"] >= 6 and s["training programs"] >= 3
    assert set(world.regions.kind) == {"campus", "metro", "edge"}
    assert {"H100", "H200", "B200", "GB300", "VR200"} <= set(world.gpus.gpu)
    assert {"curtailed", "offpeak", "firm"} <= set(world.power_prices.tier)
    assert (world.regions.bridge_max_mw.notna()).sum() >= 5


def test_world_covers_the_named_markets(world):
    countries = set(world.regions.country)
    assert {"US", "CA", "NO", "SE", "FI", "IS", "IE", "GB", "NL", "DE", "FR", "ES", "AE", "SA", "QA", "IN", "JP", "SG", "MY", "KR", "TW", "AU", "BR", "CL", "MX", "ZA"} <= countries
    assert countries & {"KE", "NG"}
    us_zones = set(world.regions[world.regions.country == "US"].grid_zone)
    assert {"PJM-DOM", "PJM", "ERCOT", "MISO", "SPP", "SOCO", "AZPS", "BPA", "CAISO", "NYISO", "ISONE"} <= us_zones


def test_published_constraints_are_in_the_queue(world):
    q = world.queue.set_index("tranche_id")
    nova_big = q[(q.site_id == "us-nova-campus") & (q.mw > 100)]
    assert (nova_big.wait_years >= 4).all() and (nova_big.wait_years <= 7).all()
    dublin = q[q.site_id == "ie-dublin-metro"]
    assert dublin.online_year.min() >= 2028
    sg = q[q.site_id == "sg-singapore-metro"]  # DC-CFA2 (BT-SG-DCCFA2-2025): at least 200 MW, one call
    assert sg.mw.sum() <= 200 and sg.online_year.min() >= 2027


def test_every_case_validates_against_its_data():
    for name in shipped_cases():
        case = load_case(shipped_case(name))
        ds = read_dataset(case.data_dir)
        assert set(case.years) <= set(ds.demand.year), name
        assert set(case.layers or ()) <= set(ds.layers.layer), name


ROW_ID = re.compile(r"^(?P<file>[\w.]+\.csv)#(?P<row>\d+)$")


def test_sources_file_names_every_source_id():
    """A source id is named in a SOURCES.md, or is ``<file>.csv#N``: data row N of a reference file
    (which carries the source's name and url), and that row exists."""
    world = WORLD_DIR
    ref = ROOT / "data" / "reference"
    text = (world / "SOURCES.md").read_text() + (ref / "SOURCES.md").read_text()
    ids = set()
    for f in world.glob("*.csv"):
        df = pd.read_csv(f, dtype=str)
        if "source" in df:
            for cell in df.source.dropna():
                ids |= {i.strip() for i in cell.split(";") if i and " " not in i.strip() and not i.strip().endswith(".csv")}
    rows = {i for i in ids if ROW_ID.match(i)}
    for i in sorted(rows):
        m = ROW_ID.match(i)
        assert int(m["row"]) <= len(pd.read_csv(ref / m["file"])), i
    missing = sorted(i for i in ids - rows if f"| {i} |" not in text and i not in ("TEAM-EST", "IANA-TZ", "definition"))
    assert not missing, missing


def test_the_builder_is_deterministic(tmp_path):
    """Two builds from the same reference give byte-identical files."""
    import sys
    sys.path.insert(0, str(ROOT / "data"))
    from world_builder.loader import load_reference
    from world_builder.pipeline import build_world, write_world

    ref_dir = ROOT / "data" / "reference"
    for out in ("a", "b"):
        write_world(build_world(load_reference(ref_dir), ref_dir), tmp_path / out)
    for f in sorted((tmp_path / "a").glob("*.csv")):
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes(), f.name
        assert f.read_bytes() == (WORLD_DIR / f.name).read_bytes(), f"{f.name} in the shipped world is not what the builder writes"
