"""The solve's phases (tokensite/solver/), each on a tiny case."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest

from tests.tiny import base, both_sites_in_slo, set_price, set_site, solve_tiny, write, write_case
from tokensite import solve
from tokensite.compile import compile_model
from tokensite.config import SolverOptions
from tokensite.model.ledger import Ledger
from tokensite.solver import RoundingColumns, rounding_groups, solve_compiled
from tokensite.solver import highs
from tokensite.solver.rounding import rounded_fixings, rounded_units
from tokensite.solver.solution import classify

USED = SolverOptions().round_used

COVERS: dict[str, list[str]] = {}


def test_no_time_left_gives_time_limit_and_no_plan(tmp_path):
    data = write(tmp_path / "data", base())
    res = solve(write_case(tmp_path, data, [2026]), time_limit_s=1e-9)
    assert res.status == "time_limit"
    assert res.objective_usd is None and res.summary["mip_gap"] is None
    assert not res.frames


def test_the_trim_drops_a_unit_rounding_bought_too_many(tmp_path):
    """A (10 USD/MWh) can hold only 0.0005 MW; B (50 USD/MWh) any amount; both are in the SLO.
    The LP relaxation uses half a unit at each: 200 + 43.8 + 219 = 462.8. Rounding buys a unit at
    each: 400 + 43.8 + 219 = 662.8, a 30 % gap. One unit fewer at A, with B serving everything, is
    200 + 438 = 638, the optimum; the trim finds it, and branch and bound only proves it. (Branch and bound
    itself is exercised by tests/test_cflp.py.) The progress shows the rounded plan, then the trimmed one."""
    fr = base()
    both_sites_in_slo(fr)
    set_price(fr, "A", 10)
    set_site(fr, "A", max_mw=0.0005)
    res = solve_tiny(tmp_path, fr)
    progress = res.summary["progress"]
    assert progress[0]["objective"] == pytest.approx(662.8, rel=1e-6)
    assert [p["objective"] for p in progress[1:]] == pytest.approx([638] * (len(progress) - 1), rel=1e-6)  # branch and bound only proves it
    assert progress[0]["bound"] == pytest.approx(462.8, rel=1e-6)
    assert "1 GPU units trimmed" in res.summary["message"]
    assert res.objective_usd == pytest.approx(638, rel=1e-6)
    assert set(res.flows.site_id) == {"B"} and set(res.fleet[res.fleet.units_active > 0].site_id) == {"B"}
    assert not res.prices.empty


def test_infeasible_relaxation_is_reported():
    m = pyo.ConcreteModel()
    m._ledger = Ledger()
    m.x = pyo.Var(bounds=(0, 1))
    m.c = pyo.Constraint(expr=m.x >= 2)
    m.objective = pyo.Objective(expr=m.x)
    comp = compile_model(m)
    sol = solve_compiled(comp, SolverOptions(time_limit_s=10), rounding_groups(comp, {}))
    assert sol.status == "infeasible"
    assert sol.values is None and "LP relaxation" in sol.message


def test_classify():
    opts = SolverOptions(mip_rel_gap=0.01)
    assert classify(0.005, opts, out_of_time=True, highs_status="time_limit") == "optimal"
    assert classify(0.05, opts, out_of_time=True, highs_status="time_limit") == "time_limit"
    assert classify(0.05, opts, out_of_time=False, highs_status="interrupted") == "interrupted"
    assert classify(None, opts, out_of_time=True, highs_status="time_limit") == "time_limit"


def test_rounding_follows_the_declared_groups():
    """Columns 0-1 are used-if-positive binaries, 2-4 one program's hosts (4 and 3 tie at the top:
    the last wins), 5-6 GPU units rounded up."""
    groups = (RoundingColumns(np.array([0, 1]), [np.array([2, 3, 4])], np.array([5, 6])))
    x = np.array([1e-7, 0.2, 0.1, 0.45, 0.45, 1.0000001, 2.3])
    idx, val = rounded_fixings(groups, x, units=False, used=USED)
    assert dict(zip(idx.tolist(), val.tolist())) == {0: 0.0, 1: 1.0, 2: 0.0, 3: 0.0, 4: 1.0}
    idx, val = rounded_fixings(groups, x, units=True, used=USED)
    assert dict(zip(idx.tolist(), val.tolist()))[5] == 1.0 and dict(zip(idx.tolist(), val.tolist()))[6] == 3.0


def test_cautious_roundings_fall_back_to_the_last_member():
    """One program: hosts 2-3, skip 4 (last). LP 0.3 / 0.1 / 0.6: ``largest`` takes the skip; LP
    0.45 / 0.15 / 0.4: ``largest`` hosts at 2, ``whole`` skips (hosted only in part), ``fallback`` always skips."""
    groups = (RoundingColumns(np.array([], int), [np.array([2, 3, 4])], np.array([], int)))
    fixed = lambda x, rule: dict(zip(*(a.tolist() for a in rounded_fixings(groups, np.array(x), units=False, one_of=rule, used=USED))))
    assert fixed([0, 0, 0.3, 0.1, 0.6], "largest") == {2: 0.0, 3: 0.0, 4: 1.0}
    assert fixed([0, 0, 0.45, 0.15, 0.4], "largest") == {2: 1.0, 3: 0.0, 4: 0.0}
    assert fixed([0, 0, 0.45, 0.15, 0.4], "whole") == {2: 0.0, 3: 0.0, 4: 1.0}
    assert fixed([0, 0, 0.9, 0.05, 0.05], "whole") == {2: 0.0, 3: 0.0, 4: 1.0}
    assert fixed([0, 0, 1.0, 0.0, 0.0], "whole") == {2: 1.0, 3: 0.0, 4: 0.0}
    assert fixed([0, 0, 1.0, 0.0, 0.0], "fallback") == {2: 0.0, 3: 0.0, 4: 1.0}


def test_programs_the_lp_split_between_two_campuses_land_one_on_each():
    """Programs P (hosts 0 at A, 1 at B, skip 2) and Q (3 at A, 4 at B, skip 5), the LP's split as on the
    world case's two China programs: P 0.53 / 0.47, Q 0.51 / 0.49. A has 1.04 of LP use, B 0.96. P,
    the surer, takes A (1.04 left against 0.96), leaving A 0.04, so Q takes B; rounding each on its
    own would stack both on A."""
    groups = (RoundingColumns(np.array([], int), [np.array([0, 1, 2]), np.array([3, 4, 5])], np.array([], int),
                                                    resource={0: "A", 1: "B", 3: "A", 4: "B"}))
    x = np.array([0.53, 0.47, 0.0, 0.51, 0.49, 0.0])
    fixed = dict(zip(*(a.tolist() for a in rounded_fixings(groups, x, units=False, used=USED))))
    assert fixed == {0: 1.0, 1: 0.0, 2: 0.0, 3: 0.0, 4: 1.0, 5: 0.0}
    assert dict(zip(*(a.tolist() for a in rounded_fixings(groups, x, units=False, one_of="whole", used=USED)))) == fixed  # both hosted whole


def test_a_program_is_rounded_onto_a_campus_the_lp_gave_it():
    """P (hosts 0 at A, 1 at B, 2 at D, skip 3; LP 0 / 0.25 / 0.2 / 0.1) and Q (4 at A, 5 at C, skip 6;
    LP 0.3 / 0.7 / 0), as the world's two US programs. Q, the surer, takes C and leaves 0.3 of LP use at A,
    more than B's 0.25, but the LP hosted none of P at A (a campus may not hold P in P's year: the world's
    2026 program landed on a campus opening in 2028 and every rule failed), so P takes B."""
    groups = RoundingColumns(np.array([], int), [np.array([0, 1, 2, 3]), np.array([4, 5, 6])], np.array([], int),
                             resource={0: "A", 1: "B", 2: "D", 4: "A", 5: "C"})
    x = np.array([0.0, 0.25, 0.2, 0.1, 0.3, 0.7, 0.0])
    fixed = dict(zip(*(a.tolist() for a in rounded_fixings(groups, x, units=False, used=USED))))
    assert fixed == {0: 0.0, 1: 1.0, 2: 0.0, 3: 0.0, 4: 0.0, 5: 1.0, 6: 0.0}


def test_a_rounded_host_takes_its_campus_tranches():
    """Host 2 (LP 0.6) needs tranches 0-1, which the LP took 0.3 and 0: rounding the LP takes both;
    re-fixing a plan (needs off) leaves them as the plan has them."""
    groups = (RoundingColumns(np.array([0, 1]), [np.array([2, 3])], np.array([], int), needs={2: np.array([0, 1])}))
    x = np.array([0.3, 0.0, 0.6, 0.4])
    assert dict(zip(*(a.tolist() for a in rounded_fixings(groups, x, units=False, needs=True, used=USED)))) == {0: 1.0, 1: 1.0, 2: 1.0, 3: 0.0}
    assert dict(zip(*(a.tolist() for a in rounded_fixings(groups, x, units=False, used=USED)))) == {0: 1.0, 1: 0.0, 2: 1.0, 3: 0.0}


def test_units_are_rounded_by_fleet_not_by_purchase():
    """0.3 units bought in 2026 and 0.4 in 2028, both alive in 2028: one unit bought in 2026 covers
    both years (fleets 0.3 and 0.7), where rounding each purchase up buys two. A third, uncovered
    column is rounded up on its own."""
    x = np.array([0.3, 0.4, 1.2])
    cols = np.array([0, 1, 2])
    assert rounded_units(cols, [np.array([0]), np.array([0, 1])], x, USED).tolist() == [1.0, 0.0, 2.0]
    assert rounded_units(cols, [np.array([0]), np.array([0, 1]), np.array([1])], np.array([0.3, 1.4, 0.0]), USED).tolist() == [1.0, 2.0, 0.0]


def test_a_second_thread_count_in_one_process_still_solves(tmp_path):
    """HiGHS fixes its thread pool at the first run in a process; a later solve asking for another
    count used to end in status error. It now runs with the first count and says so."""
    first = solve_tiny(tmp_path / "a", base(), threads=1)
    other = 2 if highs._process_threads == 1 else 1
    res = solve_tiny(tmp_path / "b", base(), threads=other)
    assert res.objective_usd == pytest.approx(first.objective_usd, rel=1e-9)
    assert any("threads" in w for w in res.summary["solver_warnings"])


def test_a_tuned_constant_is_set_from_the_case_file(tmp_path):
    """[solver] improve_lp_multiple and improve_min_s from the case file reach the phases: at 0 the search
    and the trim have no time after the rounding, so the trim case above keeps its rounded plan (662.8
    USD, within a 5 % gap); by default the trim finds the optimum."""
    fr = base()
    both_sites_in_slo(fr)
    set_price(fr, "A", 10)
    set_site(fr, "A", max_mw=0.0005)
    rushed = solve_tiny(tmp_path / "rushed", fr, mip_rel_gap=0.5, extra="[solver]\nimprove_lp_multiple = 0.0\nimprove_min_s = 0.0")
    assert "no time left for the local search" in rushed.summary["message"]
    assert rushed.objective_usd == pytest.approx(662.8, rel=1e-6)
    assert "1 GPU units trimmed" in solve_tiny(tmp_path / "default", fr, mip_rel_gap=0.5).summary["message"]


def test_rounded_units_stay_within_a_supply_row_the_lp_fills():
    """Three sites buy one generation in one year, LP 1.2 / 2.6 / 0.4 units, rounded up to 2 / 3 / 1 = 6, under a
    supply row of 5.5 (at most 5 whole units). The member rounded up most (site 0, +0.8) goes back down to
    ⌊1.2⌋ = 1: 1 / 3 / 1 = 5. Without the supply rows rounding buys 6, which the rounded LP cannot hold."""
    from tokensite.solver.rounding import within_supply

    cols, x = np.array([0, 1, 2]), np.array([1.2, 2.6, 0.4])
    assert within_supply(cols, np.array([2.0, 3.0, 1.0]), [(cols, 5.5)], x).tolist() == [1.0, 3.0, 1.0]
    assert within_supply(cols, np.array([2.0, 3.0, 1.0]), [(cols, 6.0)], x).tolist() == [2.0, 3.0, 1.0]
    # a cover raise above ⌈x⌉ (site 1 carries an older fleet's shortfall: 4 for an LP 2.6), 7 units under a row of 4:
    # site 1 (+1.4) down to ⌊2.6⌋ = 2, site 0 (+0.8) to 1 = 4
    assert within_supply(cols, np.array([2.0, 4.0, 1.0]), [(cols, 4.0)], x).tolist() == [1.0, 2.0, 1.0]
    # under a row of 2 every member goes to ⌊x⌋ (1 / 2 / 0 = 3), then the one least below its LP value (site 0,
    # 1 against 1.2) to 0: 0 / 2 / 0
    assert within_supply(cols, np.array([2.0, 4.0, 1.0]), [(cols, 2.0)], x).tolist() == [0.0, 2.0, 0.0]


def test_rounding_groups_hold_the_supply_rows(tmp_path):
    """gpu_supply.csv's world row for G1 (a planning year's cap in units) becomes one supply group over every
    site's G1 purchase in that year, with the cap the model's row has."""
    fr = base()
    fr["gpu_supply.csv"] = pd.DataFrame({"gpu": ["G1"], "year": ["2026"], "units_max": ["3"], "market": [""]})
    case = write_case(tmp_path, write(tmp_path / "data", fr), [2026], ["interactive"])
    from tokensite.run import build

    b = build(case)
    groups = rounding_groups(b.comp, {"": (b.ix, b.par)})
    buys = {j for j, (name, k) in enumerate(b.comp.col_names) if name == "buy" and k[1] == "G1"}
    assert [(set(c.tolist()), cap) for c, cap in groups.supply] == [(buys, 3.0)]


def test_tranches_are_rounded_to_the_fewest_that_hold_the_lps_grid():
    """Two 300 MW tranches online in 2026, LP 0.5 each: the LP holds 300 MW, one tranche does (the larger share,
    then the earlier, then the first); rounding each used tranche up held 600. A 100 MW tranche of 2026 (LP 0.2)
    and a 300 MW one of 2028 (LP 0.9): 20 MW in 2026 needs the first, 290 MW in 2028 the second too."""
    from tokensite.solver.rounding import covering_tranches

    assert covering_tranches(np.array([0.5, 0.5]), np.array([300.0, 300.0]), np.array([2026, 2026]), USED).tolist() == [1.0, 0.0]
    assert covering_tranches(np.array([0.2, 0.9]), np.array([100.0, 300.0]), np.array([2026, 2028]), USED).tolist() == [1.0, 1.0]
    assert covering_tranches(np.array([0.9, 0.3]), np.array([300.0, 300.0]), np.array([2026, 2026]), USED).tolist() == [1.0, 1.0]
    assert covering_tranches(np.array([0.0, 1e-9]), np.array([300.0, 300.0]), np.array([2026, 2026]), USED).tolist() == [0.0, 0.0]


def test_idle_tranches_are_those_no_peak_needs():
    """Site A: 50 MW energised, tranches of 100 MW online 2026 (column 0) and 2028 (column 1), both taken: grid 150
    in 2026 and 250 in 2028 against a peak of 140 each year. Without the 2028 tranche the grid still holds 140 in
    2028 (150): it is idle; without the 2026 one, 2026 would hold 50: it is not."""
    from types import SimpleNamespace

    from tokensite.compile import Compiled
    from tokensite.solver.search import idle_tranches

    readout = lambda values: SimpleNamespace(items_at=lambda x: values)  # noqa: E731
    comp = SimpleNamespace(readouts={"grid_mw": readout({("A", 2026): 150.0, ("A", 2028): 250.0}),
                                     "draw_mw": readout({("A", "h00", 2026): 140.0, ("A", "h12", 2026): 90.0, ("A", "h00", 2028): 140.0})})
    comp.peak_draw_mw = lambda x: Compiled.peak_draw_mw(comp, x)
    groups = RoundingColumns(np.array([], int), [], np.array([], int),
                             tranches=[("A", np.array([0, 1]), np.array([100.0, 100.0]), np.array([2026, 2028]))])
    assert idle_tranches(comp, groups, np.array([1.0, 1.0])) == [1]
    assert idle_tranches(comp, groups, np.array([1.0, 0.0])) == []
