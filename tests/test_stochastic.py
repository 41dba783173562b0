"""``tokensite stochastic`` on tiny cases solved by hand: one scenario is the deterministic plan; two
scenarios give a build that neither scenario alone would choose; PH under mpiexec agrees with the EF.

The hand-made two-scenario case (tests/tiny.py with both sites in the SLO, rate 0, one year): M1 needs
1,000 tokens/s, one GPU unit (capex 200 USD a year; 1 kW, 8.76 MWh a year). Idle GPUs draw nothing,
so energy is paid only where the unit works. Power at B is 100 USD/MWh in both futures; at A it is
50 USD/MWh (``cheap_a``) or 200 USD/MWh (``dear_a``), each with probability 1/2. Energy per year:
438 USD at A cheap, 1,752 at A dear, 876 at B. Tokens are worth far more (1,000 USD/Mtok), so all is served.

* ``cheap_a`` alone builds one unit at A: 200 + 438 = 638 < 1,076 (B) < 838 (both).
* ``dear_a`` alone builds one unit at B: 200 + 876 = 1,076 < 1,276 (both) < 1,952 (A).
* One build for both: A only, 200 + (438 + 1,752)/2 = 1,295; B only, 200 + 876 = 1,076; both, 400 +
  (438 + 876)/2 = 1,057. The EF builds one unit at each site, which neither future alone builds:
  RP = 1,057; WS = (638 + 1,076)/2 = 857; EVPI = RP − WS = 200.
* The mean-value future prices A at 125 USD/MWh: A only costs 200 + 1,095 = 1,295 > B's 1,076, so it
  builds at B; in each future that costs 1,076: EEV = 1,076, VSS = EEV − RP = 19.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.tiny import base, both_sites_in_slo, write, write_case
from tokensite.errors import UserError
from tokensite.scenarios.stochastic import Scenario, read_scenarios, run_stochastic

A = "power_prices.csv:price_usd_per_mwh[site_id=A]"
B = "power_prices.csv:price_usd_per_mwh[site_id=B]"
TWO = [Scenario("cheap_a", 0.5, ((A, 50), (B, 100))), Scenario("dear_a", 0.5, ((A, 200), (B, 100)))]


@pytest.fixture
def two_sites(tmp_path: Path) -> Path:
    fr = base()
    both_sites_in_slo(fr)
    return write_case(tmp_path, write(tmp_path / "data", fr), [2026], extra="[solver]\nmip_rel_gap = 1e-9\n")


def _units(folder: Path) -> dict[str, float]:
    b = pd.read_csv(folder / "build.csv")
    b = b[b.variable == "buy"]
    return dict(zip(b.site_id, b.value.round(6)))


def test_read_scenarios_checks_names_probabilities_and_keys(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text(f"name,probability,{A},scale.demand\nlo,0.25,50,\nhi,0.75,200,1.5\n")
    assert read_scenarios(f) == [Scenario("lo", 0.25, ((A, 50),)), Scenario("hi", 0.75, ((A, 200), ("scale.demand", 1.5)))]
    f.write_text("name,probability\nlo,0.5\nhi,0.4\n")
    with pytest.raises(UserError, match="sum to 0.9"):
        read_scenarios(f)
    f.write_text("name,probability,regions.csv:pue[site_id=A\nlo,1,1.1\n")
    with pytest.raises(UserError, match=r"s.csv:1: override .*not an override key"):
        read_scenarios(f)


def test_one_scenario_of_probability_one_is_the_deterministic_plan(tmp_path):
    pytest.importorskip("mpisppy", reason="the stochastic extra is not installed: pip install 'tokensite[stochastic]'")
    from tokensite import solve

    case = write_case(tmp_path, write(tmp_path / "data", base()), [2026], extra="[solver]\nmip_rel_gap = 1e-9\n")
    det = solve(case)
    s = run_stochastic(case, [Scenario("only", 1.0, ())], tmp_path / "out", report=False)
    assert s["recourse_objective_usd"] == pytest.approx(det.objective_usd, rel=1e-7)
    assert s["expected_cost_usd"] == pytest.approx(det.objective_usd, rel=1e-7)
    assert s["evpi_usd"] == pytest.approx(0.0, abs=1e-4) and s["vss_usd"] == pytest.approx(0.0, abs=1e-4)
    assert _units(tmp_path / "out") == dict(zip(det.fleet.site_id, det.fleet.units_bought.astype(float)))
    assert pd.read_csv(tmp_path / "out" / "scenarios" / "only" / "fleet.csv").units_bought.tolist() == det.fleet.units_bought.tolist()


def test_two_scenarios_build_what_neither_alone_would(two_sites, tmp_path):
    pytest.importorskip("mpisppy", reason="the stochastic extra is not installed: pip install 'tokensite[stochastic]'")
    out = tmp_path / "ef"
    s = run_stochastic(two_sites, TWO, out, report=False)
    assert _units(out) == {"A": 1.0, "B": 1.0}
    assert s["status"] == "optimal" and s["recourse_objective_usd"] == pytest.approx(1057.0, rel=1e-7)
    assert s["expected_cost_usd"] == pytest.approx(1057.0, rel=1e-7)
    assert s["wait_and_see_usd"] == pytest.approx(857.0, rel=1e-7) and s["evpi_usd"] == pytest.approx(200.0, rel=1e-6)
    assert s["eev_usd"] == pytest.approx(1076.0, rel=1e-7) and s["vss_usd"] == pytest.approx(19.0, rel=1e-5)
    assert _units_of_plan(out / "build_mean_value.csv") == {"B": 1.0}
    rows = pd.read_csv(out / "scenarios.csv").set_index("scenario")
    assert rows.objective_usd.to_dict() == pytest.approx({"cheap_a": 838.0, "dear_a": 1276.0}, rel=1e-7)
    assert rows.wait_and_see_usd.to_dict() == pytest.approx({"cheap_a": 638.0, "dear_a": 1076.0}, rel=1e-7)
    for name in ("cheap_a", "dear_a"):  # each future's operations, written by the ordinary results writer
        fleet = pd.read_csv(out / "scenarios" / name / "fleet.csv")
        assert dict(zip(fleet.site_id, fleet.units_bought)) == {"A": 1, "B": 1}
    assert "VSS" in (out / "report.html").read_text()
    via = run_stochastic(two_sites, TWO, tmp_path / "ef-mpisppy", method="ef-mpisppy", report=False)  # mpi-sppy's EF agrees
    assert _units(tmp_path / "ef-mpisppy") == {"A": 1.0, "B": 1.0} and via["recourse_objective_usd"] == pytest.approx(1057.0, rel=1e-7)


def test_a_tranche_that_lands_after_the_horizon_in_one_scenario(tmp_path):
    """A's only tranche (free, 10 MW, online 2021) moves to 2031 in ``late``, past the 2026 horizon: there it is
    a free binary with no effect, elsewhere take[A-q1]. A's existing 100 MW serve either way: 638 USD in both."""
    pytest.importorskip("mpisppy", reason="the stochastic extra is not installed: pip install 'tokensite[stochastic]'")
    case = write_case(tmp_path, write(tmp_path / "data", base()), [2026], extra="[solver]\nmip_rel_gap = 1e-9\n")
    s = run_stochastic(case, [Scenario("now", 0.5, ()), Scenario("late", 0.5, (("queue_shift:A", 10),))], tmp_path / "out", report=False)
    assert s["status"] == "optimal" and s["expected_cost_usd"] == pytest.approx(638.0, rel=1e-7)
    assert s["mean_value_overrides"] == [["queue_shift:A", 5.0]]


def test_a_mean_value_plan_without_a_tranche_is_evaluated_where_it_exists(tmp_path):
    """The reverse: with ``late`` at 0.75 the mean shift is 7.5 years, so the mean-value world has no
    A-q1 (online 2029, after 2026) while ``now`` has it. The mean-value plan did not take it (0), and
    A's existing 100 MW still serve: 638 USD in both, EEV 638 (this raised 'no value for take[A-q1]')."""
    pytest.importorskip("mpisppy", reason="the stochastic extra is not installed: pip install 'tokensite[stochastic]'")
    case = write_case(tmp_path, write(tmp_path / "data", base()), [2026], extra="[solver]\nmip_rel_gap = 1e-9\n")
    s = run_stochastic(case, [Scenario("now", 0.25, ()), Scenario("late", 0.75, (("queue_shift:A", 10),))], tmp_path / "out", report=False)
    assert s["mean_value_overrides"] == [["queue_shift:A", 7.5]]
    assert s["eev_usd"] == pytest.approx(638.0, rel=1e-7) and s["expected_cost_usd"] == pytest.approx(638.0, rel=1e-7)


def _units_of_plan(path: Path) -> dict[str, float]:
    b = pd.read_csv(path)
    b = b[(b.variable == "buy") & (b.value.abs() > 1e-9)]
    return dict(zip(b.site_id, b.value.round(6)))


def test_ph_under_mpiexec_matches_the_ef(two_sites, tmp_path):
    """Two ranks (PH hub and xhatshuffle spoke), proximal terms linearised; the incumbent is the EF's build."""
    pytest.importorskip("mpisppy", reason="the stochastic extra is not installed: pip install 'tokensite[stochastic]'")
    pytest.importorskip("mpi4py", reason="the stochastic extra is not installed: pip install 'tokensite[stochastic]'")
    from tokensite.scenarios.stochastic import mpiexec

    try:
        mpiexec()
    except UserError:
        pytest.skip("no mpiexec: pip install 'tokensite[stochastic]' brings MPICH's")
    out = tmp_path / "ph"
    s = run_stochastic(two_sites, TWO, out, method="ph", ranks=2, report=False, ph_iterations=10)
    assert s["method"] == "ph" and s["detail"]["ranks"] == 2
    assert _units(out) == {"A": 1.0, "B": 1.0}
    assert s["recourse_objective_usd"] == pytest.approx(1057.0, rel=1e-6)
    assert s["expected_cost_usd"] == pytest.approx(1057.0, rel=1e-6)
    assert json.loads((out / "stochastic.json").read_text())["vss_usd"] == pytest.approx(19.0, rel=1e-4)


def test_cli_stochastic_bad_scenarios_is_one_message(two_sites, tmp_path):
    import subprocess
    import sys

    f = tmp_path / "s.csv"
    f.write_text("name,probability\nonly,2\n")
    r = subprocess.run([sys.executable, "-m", "tokensite", "stochastic", str(two_sites), "--scenarios", str(f)],
                       capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 2 and "s.csv:2" in r.stderr and "probability in (0, 1]" in r.stderr and "Traceback" not in r.stderr


def test_build_table_holds_every_first_stage_variable():
    """Every first-stage variable has its index columns in build.csv; a retired installed unit keeps its vintage
    (the world's installed base made run_stochastic fail on 'retire')."""
    from tokensite.model.stages import FIRST_STAGE
    from tokensite.scenarios.stochastic.recourse import BUILD_INDEX, build_table

    assert set(FIRST_STAGE) <= set(BUILD_INDEX)
    t = build_table({"retire": {("us-a", "H100", 2024, 2026): 3.0}, "buy": {("us-a", "B200", 2026): 2.0}})
    r = t[t.variable == "retire"].iloc[0]
    assert (r.site_id, r.gpu, r.vintage, r.year, r.value) == ("us-a", "H100", 2024, 2026, 3.0)
