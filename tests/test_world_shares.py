"""Where the world's AI power stands, what post-training earns, how big a metro's edge is (data/world_builder): hand-checked."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "data"))
from world_builder.loader import load_reference  # noqa: E402
from world_builder.power_path import ai_shares  # noqa: E402
from world_builder.sites import EDGE_SITE_MW, edge_mw  # noqa: E402
from world_builder.tokens import post_training_mw  # noqa: E402
from world_builder.values import batch_gain  # noqa: E402

REF = load_reference(ROOT / "data" / "reference")


def test_ai_shares_are_the_installed_base_facility_mw():
    """US site: 10 units x 8 GPUs x 1 kW x PUE 1.25 = 100 kW; Chinese site: 30 units x 1 GPU x 2 kW x 1.5 = 90 kW;
    German site: 10 x 1 x 1 x 1.0 = 10 kW. Of 200 kW: US 50 %, China 45 %, Europe 5 %, the others 0."""
    regions = pd.DataFrame(dict(site_id=["us", "cn", "de"], country=["US", "CN", "DE"], pue=[1.25, 1.5, 1.0]))
    gpus = pd.DataFrame(dict(gpu=["A", "B", "C"], gpus_per_unit=[8, 1, 1], kw_per_gpu=[1.0, 2.0, 1.0]))
    installed = pd.DataFrame(dict(site_id=["us", "cn", "de"], gpu=["A", "B", "C"], units=[10, 30, 10]))
    s = ai_shares(installed, regions, gpus)
    assert s["United States"] == pytest.approx(0.5) and s["China"] == pytest.approx(0.45)
    assert s["Europe"] == pytest.approx(0.05) and s["Rest of world"] == 0.0 and sum(s.values()) == pytest.approx(1.0)


def test_post_training_is_the_regions_ai_share_of_training_less_its_programs():
    """Europe 2030 at an AI share of 10 %: the central path (sqrt(100 x 156) = 124.9 GW) x 10 % x (1 - 50 %
    inference, McKinsey's 2030 lower bound) = 6,245 MW, less the EU sovereign program (650 MW) = 5,595 MW."""
    assert post_training_mw(REF, "Europe", 2030, 0.10) == pytest.approx((100 * 156) ** 0.5 * 1000 * 0.10 * 0.5 - 650)
    assert post_training_mw(REF, "Europe", 2030, 0.0) == 0.0  # never below zero


def test_post_training_value_follows_the_gpu_hours_batch_earnings():
    """B200's batch tokens/s rise with the year's software (throughput.csv's year rows); its training tokens/s do
    not, so a post-training token is worth the batch value x that gain."""
    tp = pd.DataFrame(dict(gpu=["B200"] * 3 + ["H100"], layer=["batch"] * 4, tokens_per_s_per_gpu=[100.0, 130.0, 169.0, 7.0],
                           year=[2026, 2027, 2028, 2030], source=["a", "b", "c", "d"]))
    assert batch_gain(tp, 2026).value == 1.0
    assert batch_gain(tp, 2027).value == pytest.approx(1.3)
    assert batch_gain(tp, 2030).value == pytest.approx(1.69)  # the last year with a row holds
    assert batch_gain(tp, 2028).source == "c;a"


def test_edge_sites_follow_their_metros_people():
    """A metro at or below the median population keeps EDGE_SITE_MW; Tokyo (37.0 M) gets it x its population
    over the median."""
    median = float(REF.metros.population.median())
    tokyo = float(REF.metros.population["TYO"])
    assert edge_mw(REF, "TYO").value == pytest.approx(round(EDGE_SITE_MW * tokyo / median, 1))
    small = REF.metros[REF.metros.population < median].index[0]
    assert edge_mw(REF, small).value == EDGE_SITE_MW
    assert edge_mw(REF, "TYO").basis == "estimate"
