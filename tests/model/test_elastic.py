"""Price-elastic demand blocks (docs/formulation.md §1, "Price-elastic demand") on tiny cases solved by hand.

Common data (tests/tiny.py): metro M1 with 1,000 tokens/s of interactive demand (the reference
quantity D); power 50 USD/MWh; no facility, site or O&M cost; discount rate 0; only site A within
the 20 ms SLO unless a test widens it. Blocks of :func:`tokensite.model.params.demand_blocks`:
q_k = k · max_multiple / K, width max_multiple / K, value v_k = P_ref q_k^(−1/ε).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.tiny import MTOK_PER_YEAR, base, both_sites_in_slo, set_price, solve_tiny, write, write_case
from tokensite.compile import compile_model
from tokensite.config import load_case
from tokensite.dataset import read_dataset
from tokensite.model import build_model
from tokensite.model.params import demand_blocks

COVERS = {"c_reliability_elastic": ["test_site_share_holds_against_the_demand_bought"]}

UNIT_YEAR_USD = 200 + 438  # one 1 kW GPU for a year: capex 1,000 / 5 + 8.76 MWh x 50 USD/MWh


def _elastic(fr: dict, elasticity: float, price: float, blocks: int, max_multiple: float, year: int = 2026) -> None:
    fr["elasticity.csv"] = pd.DataFrame({"layer": ["interactive"], "year": [str(year)], "elasticity": [str(elasticity)],
                                         "reference_price_usd_per_mtok": [repr(price)], "blocks": [str(blocks)], "max_multiple": [str(max_multiple)]})


def test_blocks_follow_the_constant_elasticity_curve():
    """ε = 1, P_ref = 2, K = 4 over 0..2 D: edges 0.5, 1, 1.5, 2 and values 2/q = 4, 2, 4/3, 1."""
    got = demand_blocks(1.0, 2.0, 4, 2.0)
    assert [w for w, _ in got] == pytest.approx([0.5] * 4) and [v for _, v in got] == pytest.approx([4.0, 2.0, 4 / 3, 1.0])


MC_USD_PER_MTOK = UNIT_YEAR_USD / (MTOK_PER_YEAR / 2)  # a unit makes 500 tokens/s: 638 USD for 15,768 Mtok = 0.04046


@pytest.mark.parametrize("above", [True, False])
def test_a_block_is_served_exactly_when_its_value_exceeds_the_marginal_cost(tmp_path, above):
    """One GPU unit makes 500 tokens/s (throughput 500) for 638 USD a year: a marginal cost of
    638 / 15,768 Mtok = 0.04046 USD/Mtok, constant in whole units. ε = 1, K = 4 blocks of 500 tokens/s
    up to 2 D: values P_ref/0.5, P_ref/1, P_ref/1.5, P_ref/2. With P_ref = 1.5 mc (1 ± 1 %) the third
    block is worth mc (1 ± 1 %): above, blocks 1-3 are bought, 1,500 tokens/s, 3 units, and block 4
    is declined at its value, P_ref/2 x 0.5 x 31,536 Mtok; below, only blocks 1-2, 1,000 tokens/s,
    and blocks 3-4 declined."""
    fr = base()
    fr["throughput.csv"].loc[0, "tokens_per_s_per_gpu"] = "500"
    p_ref = 1.5 * MC_USD_PER_MTOK * (1.01 if above else 0.99)
    _elastic(fr, 1.0, p_ref, 4, 2.0)
    res = solve_tiny(tmp_path, fr)
    bought = 3 if above else 2
    declined_usd = sum(p_ref / q * 0.5 * MTOK_PER_YEAR for q in (1.5, 2.0)[bought - 2:])
    assert res.served.served_tokens_per_s.sum() == pytest.approx(500 * bought, rel=1e-6)
    assert res.objective_usd == pytest.approx(bought * UNIT_YEAR_USD + declined_usd, rel=1e-6)
    e = res.elastic_demand.iloc[0]
    assert e.served_over_reference == pytest.approx(bought / 2, rel=1e-6)
    assert e.clearing_price_usd_per_mtok == pytest.approx(p_ref * (bought / 2) ** -1, rel=1e-6)


SMALL_UNIT_MC = (10 * 1 / 5 + 0.01 * 8760 * 50 / 1000) / (10 * 3600 * 8760 / 1e6)  # 6.38 USD for 315.36 Mtok = 0.02023


@pytest.mark.parametrize("eps,served_1,served_2", [(1.5, 1000, 3000), (0.5, 1000, 1400)])
def test_doubling_tokens_per_watt_moves_along_the_curve(tmp_path, eps, served_1, served_2):
    """A GPU of 10 USD and 10 W making 10 tokens/s (one per unit): 2 + 4.38 = 6.38 USD a year for
    315.36 Mtok, mc = 0.02023 USD/Mtok; doubling throughput (20 tokens/s at the same 10 W) halves it.
    With P_ref = 1.05 mc, the curve asks Q = D (mc_e / P_ref)^-ε: 1.05^ε D at e = 1 and 1.05^ε 2^ε D at
    e = 2. K = 40 blocks of 0.2 D up to 8 D: the quantity bought is Q rounded down to a block edge.
    ε = 1.5: Q = 1.076 D → 1,000 tokens/s (100 units, 1 kW) and 3.043 D → 3,000 (150 units, 1.5 kW):
    tokens x 3 against the curve's 2^1.5 = 2.83, energy up by 1.5 (2^0.5 = 1.41 between edges).
    ε = 0.5: Q = 1.025 D → 1,000 and 1.449 D → 1,400 tokens/s (70 units, 0.7 kW): energy falls."""
    out = {}
    for e in (1, 2):
        fr = base()
        fr["gpus.csv"].loc[0, ["capex_usd_per_gpu", "kw_per_gpu"]] = ["10", "0.01"]
        fr["throughput.csv"].loc[0, "tokens_per_s_per_gpu"] = str(10 * e)
        _elastic(fr, eps, 1.05 * SMALL_UNIT_MC, 40, 8.0)
        res = solve_tiny(tmp_path / f"e{e}", fr)
        out[e] = (res.served.served_tokens_per_s.sum(), res.allocation.draw_mw.sum())
    predicted = {e: 1000 * (1.05 * e) ** eps for e in (1, 2)}
    assert [out[1][0], out[2][0]] == pytest.approx([served_1, served_2], rel=1e-6)
    for e in (1, 2):  # within one block (200 tokens/s) below the curve
        assert predicted[e] - 200 < out[e][0] <= predicted[e]
    assert out[2][1] / out[1][1] == pytest.approx(served_2 / served_1 / 2, rel=1e-6)
    assert (out[2][1] > out[1][1]) == (eps > 1)


def test_site_share_holds_against_the_demand_bought(tmp_path):
    """Share 0.5, both sites in reach: A at 50 USD/MWh (mc 0.04046 USD/Mtok per 500-token unit), B at
    100 (200 + 876 = 1,076 USD a year, mc 0.06824). ε = 1, K = 2 blocks of D up to 2 D, P_ref = 0.07:
    block 1 is worth 0.07 (above both costs), block 2 0.035 (below both). 1,000 tokens/s are bought and
    each site may carry half of that: one unit at A and one at B, 638 + 1,076 + block 2 declined at
    0.035 x 31,536 = 1,103.76 → 2,817.76. (A share of the most that may be bought, 2 D, would let A
    carry it all for 2 x 638 + 1,103.76.)"""
    fr = base()
    both_sites_in_slo(fr)
    fr["layers.csv"].loc[0, "max_site_share"] = "0.5"
    fr["throughput.csv"].loc[0, "tokens_per_s_per_gpu"] = "500"
    set_price(fr, "B", 100)
    _elastic(fr, 1.0, 0.07, 2, 2.0)
    res = solve_tiny(tmp_path, fr)
    assert res.objective_usd == pytest.approx(638 + 1076 + 0.035 * MTOK_PER_YEAR, rel=1e-6)
    assert res.flows.groupby("site_id").tokens_per_s.sum().to_dict() == pytest.approx({"A": 500, "B": 500}, rel=1e-6)


def _standard_form(tmp_path, fr: dict):
    case = load_case(write_case(tmp_path, write(tmp_path / "data", fr), [2026]))
    m, _, _ = build_model(read_dataset(case.data_dir), case)
    lp = compile_model(m).lp
    return [np.asarray(a) for a in (lp.col_cost_, lp.col_lower_, lp.col_upper_, lp.row_lower_, lp.row_upper_, lp.a_matrix_.value_, lp.a_matrix_.index_)]


def test_without_elastic_rows_the_model_is_todays_bit_for_bit(tmp_path):
    """No elasticity.csv, and one whose only row is for a year the case does not plan, give the same
    matrix, bounds and costs to the bit; the solve gives today's hand-derived 638 USD to 1e-9."""
    fr = base()
    plain = _standard_form(tmp_path / "plain", fr)
    _elastic(fr, 1.0, 1.0, 4, 2.0, year=2030)
    other_year = _standard_form(tmp_path / "other", fr)
    assert all(np.array_equal(a, b) for a, b in zip(plain, other_year))
    assert solve_tiny(tmp_path / "solve", fr).objective_usd == pytest.approx(UNIT_YEAR_USD, rel=1e-9)


def test_elasticity_file_problems_are_reported_together(tmp_path):
    """An unknown layer, a training layer (its programs are fixed) and a repeated (layer, year) are
    three problems, each named by file:line, in one error."""
    from tests.tiny import add_training
    from tokensite import DatasetError

    fr = base()
    add_training(fr)
    fr["elasticity.csv"] = pd.DataFrame({"layer": ["interactive", "interactive", "nope", "training"], "year": ["2026"] * 4,
                                         "elasticity": ["1"] * 4, "reference_price_usd_per_mtok": ["1"] * 4})
    with pytest.raises(DatasetError) as err:
        read_dataset(write(tmp_path, fr))
    found = {(p.file, p.line, p.column) for p in err.value.problems}
    assert found == {("elasticity.csv", 3, "year"), ("elasticity.csv", 4, "layer"), ("elasticity.csv", 5, "layer")}
