"""``tokensite rebound`` (tokensite/scenarios/rebound.py) on the tiny case of
tests/model/test_elastic.py::test_doubling_tokens_per_watt_moves_along_the_curve: a 10 W GPU making
10 tokens/s for 6.38 USD a year (0.02023 USD/Mtok), demand on a constant-elasticity curve with
P_ref = 1.05 x that cost, 40 blocks of 0.2 D up to 8 D."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.model.test_elastic import SMALL_UNIT_MC, _elastic
from tests.test_cli import run
from tests.tiny import base, write, write_case
from tokensite.scenarios.rebound import run_rebound


def _case(tmp_path, eps: float):
    fr = base()
    fr["gpus.csv"].loc[0, ["capex_usd_per_gpu", "kw_per_gpu"]] = ["10", "0.01"]
    fr["throughput.csv"].loc[0, "tokens_per_s_per_gpu"] = "10"
    _elastic(fr, eps, 1.05 * SMALL_UNIT_MC, 40, 8.0)
    return write_case(tmp_path, write(tmp_path / "data", fr), [2026], extra="[solver]\nmip_rel_gap = 1e-9")


@pytest.mark.parametrize("eps,tokens,energy_up", [(1.5, [1000, 3000], True), (0.5, [1000, 1400], False)])
def test_energy_rises_with_efficiency_only_above_unit_elasticity(tmp_path, eps, tokens, energy_up):
    """Efficiency 1 and 2 (tokens per watt doubled): tokens served 1,000 → 3,000 tokens/s at ε = 1.5,
    1,000 → 1,400 at ε = 0.5 (Q rounded down to a block edge); energy is tokens / (tokens per joule):
    1 kW → 1.5 kW, and 1 kW → 0.7 kW. Cost per Mtok halves with the throughput."""
    table = run_rebound(_case(tmp_path, eps), [1, 2], tmp_path / "out")
    assert list(table.tokens_per_s) == pytest.approx(tokens, rel=1e-6)
    e1, e2 = table.energy_twh
    assert e1 == pytest.approx(0.001 * 8760 / 1e6, rel=1e-6) and (e2 > e1) == energy_up
    assert table.cost_usd_per_mtok.iloc[1] == pytest.approx(table.cost_usd_per_mtok.iloc[0] / 2, rel=1e-6)
    assert (tmp_path / "out" / "rebound.png").is_file() and pd.read_csv(tmp_path / "out" / "rebound.csv").shape[0] == 2


@pytest.mark.parametrize("value", ["1,x", "0,1", "1,1"])
def test_cli_bad_efficiency_exits_2(tmp_path, value):
    r = run("rebound", str(_case(tmp_path, 1.5)), "--efficiency", value)
    assert r.returncode == 2 and "--efficiency" in r.stderr and "Traceback" not in r.stderr + r.stdout
