"""The shipped world case: pinned objective and size, honest time limits, atomic output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tokensite import shipped_case, shipped_dataset, solve

ROOT = Path(__file__).resolve().parents[1]
WORLD = shipped_case("world")

# Pinned 2026-11-23 (tokensite 0.1.0, HiGHS 1.16.0). Change only with a reason written here:
# - first pin: LP bound 163,122,108,887 USD; rounded plan 163,736,007,947 USD (gap 0.37 %).
# - grid row made sound (grid energy <= grid MW, no energy licensed by bridge capacity):
#   bound 163,247,415,076 USD; plan 163,920,765,371 USD (gap 0.41 %).
# - 2026-11-25, issue 9: linking rows (flow, pool, tranche, bridge tied to open[r,y]), minimum sizes,
#   a local search after rounding, and 'optimal' judged against capex + opex: bound 163,492,819,106
#   USD; plan about 163.8 G USD within the case's 90 s, 1.4-1.6 % of spend above the bound, so the
#   status is time_limit. 25,797 rows: 17,194 + 7,300 linking + 1,303 minimum-size and other rows.
# - 2026-11-25, issue 9 continued: GPU units rounded by fleet rather than by purchase, and a local search
#   that tries only what the relaxation hesitated over, each try bounded in simplex iterations, in order
#   of LP use: plan 163,652,086,649 USD, 0.74 % of spend above the same bound, found in about 90 s of
#   solve, so the status is optimal (the case allows 180 s). Then a trim of GPU purchases one unit
#   too big (26 units in 139 re-solves): plan 163,580,974,079 USD, 0.41 % of spend.
# - 2026-12-02, issue 10: the world rebuilt to match published AI power (demand calibrated to
#   JLL/McKinsey/IEA GW, ~230x the old tokens), 106 sites (the 23 announced campuses, sites in AR, CO,
#   HK, ID, IT, NG, PE and mainland China, edge micro-sites), system-level GPU power, load-side
#   connection waits and large-load tariffs, seven frontier training programs: bound
#   5,055,939,313,520 USD, plan 5,060,434,180,896 USD, 0.20 % of spend above the bound, optimal in
#   190 s of solve on 2 shared cores (the case now allows 600 s). 113,162 columns and 39,539 rows
#   (from 71,067 and 25,797): 37 more sites, 5 more metros and 7 programs instead of 4.
# - 2026-12-02, issue 12: layers that cannot shift (training, interactive, edge) hold their slice rows as
#   equalities with no year row: the same LP with a strict interior, 348 fewer rows (39,191).
# - 2026-12-02 (second session), issue 10: token values fall by year (token_values.csv, 1.93x a year),
#   an edge micro-site in every metro (151 sites; the 45 new ones serve edge only), on-device edge tokens
#   reported apart: bound 2,688,595,560,773 USD, plan 2,694,433,812,179 USD, 0.26 % of spend above the bound,
#   optimal in 289 s of solve on 2 shared cores; 116,542 columns and 46,465 rows. Unserved value 15.7 %
#   of the objective (from 55.5 %).
# - 2026-12-02 (third session), issue 12: flows pay the distance-based transit default where latency.csv
#   leaves it blank (8e-5 USD per Mtok per 1,000 km of path): plan 2,700,821,502,651 USD (+0.24 %), 0.25 % of
#   spend above its bound, optimal in 134 s wall on 2 idle cores; same columns and rows.
# - 2026-12-07, issue 29: internal units chosen per family, the relaxation a vertex (interior point with
#   crossover), re-solves warm from its basis, search and trim stopped at 1.8x the LP's time: plan
#   2,700,852,643,038 USD (+0.0012 %: the search and the trim have 1.8x the LP's time, not 100 s), 0.256 % of
#   spend above the same bound, 46 s of solve (from 157 s), no HiGHS warning.
# - 2026-12-07, issue 28: the world rebuilt on one published token basis (total tokens): demand from disclosed
#   token volumes (2.9x the 2026 disclosures), throughput from serving curves x a field factor, values from list
#   prices x a realised share of published revenue, the end-2025 installed base, supply, prices and export rules
#   by year, two markets, a post_training layer, build pace and campus pipelines: bound 1,577,513,109,629 USD,
#   plan 1,584,163,792,720 USD, 0.65 % of spend above the bound, optimal in 159 s of solve on 2 shared cores;
#   132,266 columns and 54,868 rows (seven generations, six layers). Then no program committed (the two US
#   programs carry the training value, as the others): 54,866 rows.
# - 2026-12-07, issue 29 on the token-true world: rounding hosts a program only on a campus the relaxation gave it
#   some of (the 'largest' rule had put the 2026 US program on a campus opening in 2028, every rule failed and
#   branch and bound's plan kept idle units at closed edge sites and tranches no peak needs): the phases' plan,
#   1,578,409,620,748-1,578,441,142,654 USD (-0.36 %; the range is how far the search and trim get in 1.8x the
#   relaxation's time), 0.20 % of spend above the same bound, 42-60 s of solve against 160 s.
# - 2026-12-07, issue 28: post-training split by the regions' AI shares (the installed base's MW, not the IEA's shares
#   of all data-centre electricity) and worth the B200-hour's batch earnings of its year, edge micro-sites in
#   proportion to their metro's people, planning years serving the mean demand of their calendar years
#   (period_demand = "mean"): 2026 now serves 2026-27's mean tokens (x3.3), and the world draws 36 and 106 GW in
#   2026 and 2030 (inside the published bands): plan 1,990,514,743,025-1,990,786,797,511 USD over three runs (+26 %),
#   0.00-0.05 % of spend above the bound, 50 s of solve.
PINNED_OBJECTIVE_USD = 1_990_660_000_000
PINNED_VARIABLES = 132_266
PINNED_CONSTRAINTS = 54_866


@pytest.fixture(scope="module")
def world(world_results):
    return world_results


def test_world_objective_and_size_are_pinned(world):
    s = world.summary
    assert s["status"] in ("optimal", "time_limit")
    assert s["best_bound_usd"] <= s["objective_usd"]
    assert s["spend_gap"] == pytest.approx((s["objective_usd"] - s["best_bound_usd"]) / s["spend_usd"], rel=1e-9)
    assert (s["status"] == "optimal") == (s["spend_gap"] <= s["case"]["solver"]["mip_rel_gap"])
    assert world.objective_usd == pytest.approx(PINNED_OBJECTIVE_USD, rel=0.01)
    assert s["variables"] == PINNED_VARIABLES and s["constraints"] == PINNED_CONSTRAINTS


def test_world_results_are_consistent(world):
    p = world.plan
    total = ((p.capex_usd + p.opex_usd + p.unserved_usd) * p.discount_factor).sum()
    assert total == pytest.approx(world.objective_usd, rel=1e-6)
    assert world.fleet.units_active.sum() > 0
    built = set(world.sites[world.sites.facility_mw > 0].site_id)
    # No GPU unit at a site the plan never builds: it could not work there (issue 28's branch-and-bound plan kept
    # 35 at five closed edge sites; the phases' plan, rounded from the relaxation, keeps none).
    idle = world.fleet[~world.fleet.site_id.isin(built)]
    assert idle.units_active.sum() == 0, idle
    grid = world.prices[world.prices.kind == "grid_mw"]
    assert (grid.value >= -1e-6).all()


def test_world_plan_is_within_one_percent_of_spend(world):
    s = world.summary
    assert s["status"] == "optimal" and s["spend_gap"] <= 0.01


def test_world_solve_draws_no_solver_warning(world):
    """Issue 29: in the internal units HiGHS gives no scaling advice, the interior point ends optimal
    with crossover (no 'Model status changed from Unknown'), and a rounding rule that fails is proved
    infeasible by dual simplex, not by an interior point that warns 'primal infeasible'."""
    assert world.summary["solver_warnings"] == []


def test_world_plan_comes_from_the_phases(world):
    """The rounded plan, searched and trimmed, is the plan: no branch and bound. On the world of 2026-12-07 the LP
    splits the 2028 US program between two campuses neither of which can take it whole beside what it holds; every
    rule that fixes all hosts at once fails or skips it, and only the 'dive' (tokensite/solver/phases.py) rounds it."""
    names = [p["name"] for p in world.summary["phases"]]
    assert "branch_and_bound" not in names and world.summary["phases"][1]["objective"] is not None, names


def test_world_summary_gives_each_phase(world):
    """summary.json's phases: each phase that ran in order, its seconds and, as it ended, the plan's
    objective (none before the rounding) and the bound; the last one is the plan written."""
    phases = world.summary["phases"]
    assert [p["name"] for p in phases][:2] == ["relax", "round"]
    assert phases[0]["objective"] is None and phases[0]["bound"] == pytest.approx(world.summary["best_bound_usd"], rel=1e-9)
    assert all(p["seconds"] >= 0 for p in phases)
    assert phases[-1]["objective"] == pytest.approx(world.objective_usd, rel=1e-12)
    assert sum(p["seconds"] for p in phases) <= world.summary["solve_s"]


def test_grid_is_at_most_the_peak_ahead_plus_one_tranche(world):
    """A tranche comes online in its queue year and stays, so the grid a site holds in a year is
    judged against the largest peak draw from that year on: no site holds more than that plus its
    largest tranche, or the grid it has energised today (regions.csv existing_mw: sunk, held whether used or not)."""
    from tokensite.dataset import read_dataset

    ds = read_dataset(shipped_dataset())
    s = world.sites.sort_values(["site_id", "year"]).copy()
    s["peak_ahead_mw"] = s.iloc[::-1].groupby("site_id").peak_draw_mw.cummax().iloc[::-1]
    # the grid is monotone: a site whose installed units retire keeps the tranches their peak once needed
    s["peak_ahead_mw"] = s[["peak_ahead_mw"]].join(s.groupby("site_id").peak_draw_mw.cummax().rename("peak_so_far")).max(axis=1)
    s["largest_tranche_mw"] = s.site_id.map(ds.queue.groupby("site_id").mw.max()).fillna(0.0)
    s["existing_mw"] = s.site_id.map(ds.regions.set_index("site_id").existing_mw).fillna(0.0)
    open_ = s[s.open]
    allowed = (open_.peak_ahead_mw + open_.largest_tranche_mw).combine(open_.existing_mw, max)
    over = open_[open_.grid_mw > allowed + 1e-6]
    assert over.empty, over[["site_id", "year", "grid_mw", "peak_ahead_mw", "largest_tranche_mw"]]


def test_no_open_site_is_below_its_minimum(world):
    from tokensite.dataset import read_dataset

    min_mw = read_dataset(shipped_dataset()).regions.set_index("site_id").min_mw
    sites = world.sites[world.sites.open]
    assert (sites.facility_mw >= sites.site_id.map(min_mw) * (1 - 1e-6)).all()


def test_one_second_time_limit_reports_the_true_gap():
    res = solve(WORLD, time_limit_s=1)
    s = res.summary
    assert s["status"] == "time_limit"
    if s["objective_usd"] is not None and s["best_bound_usd"] is not None:
        true_gap = abs(s["objective_usd"] - s["best_bound_usd"]) / abs(s["objective_usd"])
        assert s["mip_gap"] == pytest.approx(true_gap)
    else:
        assert s["mip_gap"] is None


def test_killed_solve_leaves_no_results_folder(tmp_path):
    out = tmp_path / "res"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "tokensite", "solve", str(WORLD), "--out", str(out)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    deadline = time.time() + 120
    for line in proc.stdout:
        if "hand_off" in line or time.time() > deadline:
            break
    time.sleep(1.0)  # inside the solve now
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".res.tmp")]


def test_solve_writes_every_results_file(tmp_path):
    """The CLI's results folder on a tiny case (the calibrated world's us-interactive case needs about 100 s
    for its first plan, more than this test is about)."""
    from tests.tiny import base, write, write_case

    case = write_case(tmp_path, write(tmp_path / "data", base()), [2026])
    r = subprocess.run([sys.executable, "-m", "tokensite", "solve", str(case), "--out", str(tmp_path / "r"), "--time-limit", "30"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    names = {p.name for p in (tmp_path / "r").iterdir()}
    assert {"summary.json", "sites.csv", "fleet.csv", "flows.csv", "served.csv", "plan.csv", "prices.csv"} <= names
    s = json.loads((tmp_path / "r" / "summary.json").read_text())
    for key in ("status", "objective_usd", "best_bound_usd", "mip_gap", "build_s", "solve_s", "case", "versions", "variables", "constraints"):
        assert key in s


def test_a_failed_write_leaves_the_old_folder_and_no_partial_one(tmp_path, monkeypatch):
    from types import MappingProxyType

    import pandas as pd

    from tokensite.results import Results

    good = Results(summary={"status": "optimal"}, frames=MappingProxyType({"a": pd.DataFrame({"x": [1]})}))
    target = good.to_dir(tmp_path / "res")
    calls = {"n": 0}
    real = pd.DataFrame.to_csv

    def flaky(self, *a, **k):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(self, *a, **k)

    monkeypatch.setattr(pd.DataFrame, "to_csv", flaky)
    bad = Results(summary={"status": "optimal"}, frames=MappingProxyType({"a": pd.DataFrame({"x": [2]}), "b": pd.DataFrame({"y": [3]})}))
    with pytest.raises(OSError):
        bad.to_dir(target)
    monkeypatch.undo()
    assert pd.read_csv(target / "a.csv").x.tolist() == [1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_solve_writes_plans_maps_and_report(world_dir):
    names = {p.name for p in world_dir.iterdir()}
    assert {"plan.csv", "plan.xlsx", "map.png", "map.html", "explain.csv", "report.html", "map_layers.png"} <= names
    import openpyxl

    sheets = openpyxl.load_workbook(world_dir / "plan.xlsx", read_only=True).sheetnames
    assert {"plan", "cost_per_mtok_layer", "cost_per_mtok_site", "tokens_per_watt_site", "tokens_per_watt_gpu", "utilisation", "profit"} <= set(sheets)
    report = (world_dir / "report.html").read_text()
    assert "data:image/png;base64," in report and "Why not here" in report and "<script src" not in report
    html_map = (world_dir / "map.html").read_text()
    assert "cdn." not in html_map and "<script src" not in html_map and "<link href=\"http" not in html_map
