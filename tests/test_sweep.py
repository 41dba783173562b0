"""``tokensite sweep`` on tiny cases: hand-solved objectives, reruns, failures, and the same per-case
objectives on Dask (a LocalCluster, and a scheduler plus workers started here on 127.0.0.1).

The tiny base case (tests/tiny.py, rate 0): 1,000 tokens/s at M1 need one GPU unit (1,000 tokens/s,
1 kW) at site A; its capex is 1,000 USD over 5 years, 200 USD a year, and its energy
1 kW x 8,760 h x 50 USD/MWh = 438 USD: objective 638 USD. Power twice as dear: 200 + 876 = 1,076 USD.
Demand three times: three units, 600 + 1,314 = 1,914 USD. GPUs twice as dear: 400 + 438 = 838 USD.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.tiny import base, write, write_case
from tokensite.errors import UserError
from tokensite.scenarios.sweep import SweepCase, read_grid, run_sweep

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = {"base": 638.0, "dear_power": 1076.0, "triple_demand": 1914.0}
GRID = """[cases.base]
[cases.dear_power]
"scale.power_price" = 2.0
[cases.triple_demand]
"demand.csv:tokens_per_s*" = 3.0
"""


@pytest.fixture
def case(tmp_path: Path) -> Path:
    return write_case(tmp_path, write(tmp_path / "data", base()), [2026], extra="[solver]\nmip_rel_gap = 1e-9\n")


def _cases(tmp_path: Path) -> list[SweepCase]:
    grid = tmp_path / "grid.toml"
    grid.write_text(GRID)
    return read_grid(grid)


def _objectives(frame: pd.DataFrame) -> dict[str, float]:
    return {c: round(v, 6) for c, v in zip(frame.case, frame.objective_usd)}


def test_sequential_sweep_solves_each_case_as_derived(case, tmp_path):
    frame = run_sweep(case, _cases(tmp_path), tmp_path / "out", report=False)
    assert _objectives(frame) == {k: EXPECTED[k] for k in ("base", "dear_power", "triple_demand")}
    assert list(frame.status) == ["optimal"] * 3
    assert frame.capex_usd.tolist() == pytest.approx([200.0, 200.0, 600.0])
    assert frame.unserved_mtok_per_s.tolist() == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)
    written = pd.read_csv(tmp_path / "out" / "sweep.csv")
    assert list(written.columns[:3]) == ["case", "scale.power_price", "demand.csv:tokens_per_s*"]
    for name in EXPECTED:
        assert (tmp_path / "out" / "cases" / name / "summary.json").is_file()
    assert (tmp_path / "out" / "sweep.png").stat().st_size > 0 and "Sweep: 3 cases" in (tmp_path / "out" / "report.html").read_text()


def test_product_grid_names_every_combination(tmp_path):
    grid = tmp_path / "g.toml"
    grid.write_text('[grid]\n"scale.power_price" = [1.0, 1.3]\n"queue_shift:A" = [0, 2]\n')
    cases = read_grid(grid)
    assert [c.name for c in cases] == ["1_power_price=1.0_queue-A=0", "2_power_price=1.0_queue-A=2",
                                       "3_power_price=1.3_queue-A=0", "4_power_price=1.3_queue-A=2"]
    assert cases[3].overrides == (("scale.power_price", 1.3), ("queue_shift:A", 2))


def test_rerun_skips_finished_cases_and_retries_failed_ones(case, tmp_path):
    """A failed case (a pue below 1 from its override) is a row with its error; the others finish."""
    cases = _cases(tmp_path) + [SweepCase("bad_pue", (("regions.csv:pue[site_id=A]", 0.5),))]
    first = run_sweep(case, cases, tmp_path / "out", report=False)
    bad = first.set_index("case").loc["bad_pue"]
    assert bad.status == "failed" and "regions.csv:2: pue" in bad.error
    assert (tmp_path / "out" / "cases" / "bad_pue.error.txt").is_file()
    seen = []
    again = run_sweep(case, cases, tmp_path / "out", report=False, on_start=lambda todo, skipped: seen.append((todo, skipped)))
    assert seen == [(1, 3)]
    assert again.set_index("case").skipped.fillna(False).to_dict() == {"base": True, "dear_power": True, "triple_demand": True, "bad_pue": False}
    assert _objectives(again.iloc[:3]) == _objectives(first.iloc[:3])
    changed = run_sweep(case, cases[:1], tmp_path / "out", report=False, time_limit_s=30)  # other inputs: solved again
    assert "skipped" not in changed or not changed.skipped.fillna(False).any()


def test_a_bad_override_stops_the_sweep_before_any_solve(case, tmp_path):
    with pytest.raises(UserError, match="regions.csv has no column 'colour'"):
        run_sweep(case, [SweepCase("x", (("regions.csv:colour", 1),))], tmp_path / "out")
    assert not (tmp_path / "out" / "cases").exists()


def test_cli_sweep_reports_bad_grid_without_traceback(case, tmp_path):
    grid = tmp_path / "g.toml"
    grid.write_text('[grid]\n"regions.cvs:pue" = [1.0]\n')
    r = subprocess.run([sys.executable, "-m", "tokensite", "sweep", str(case), "--grid", str(grid), "--out", str(tmp_path / "o")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "regions.cvs:pue" in r.stderr and "not an override key" in r.stderr and "Traceback" not in r.stderr


def test_cli_sweep_runs_in_process(case, tmp_path):
    grid = tmp_path / "g.toml"
    grid.write_text('[cases.dear_power]\n"scale.power_price" = 2.0\n')
    r = subprocess.run([sys.executable, "-m", "tokensite", "sweep", str(case), "--grid", str(grid), "--out", str(tmp_path / "o"), "--no-report"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "1 case(s), 0 failed" in r.stdout
    assert _objectives(pd.read_csv(tmp_path / "o" / "sweep.csv")) == {"dear_power": EXPECTED["dear_power"]}


def test_local_cluster_gives_the_sequential_objectives(case, tmp_path):
    pytest.importorskip("distributed", reason="the dask extra is not installed: pip install 'tokensite[dask]'")
    cases = _cases(tmp_path)
    seq = run_sweep(case, cases, tmp_path / "seq", report=False)
    par = run_sweep(case, cases, tmp_path / "par", workers=2, report=False)
    assert _objectives(par) == _objectives(seq)
    assert par.worker_pid.nunique() >= 1 and os.getpid() not in set(par.worker_pid)


def _start(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


def _stop(p: subprocess.Popen) -> None:
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGKILL)
    p.wait(timeout=30)


def _wait_for(check, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"{what} not ready within {timeout_s} s")


def test_scheduler_and_workers_finish_every_case_once_when_a_worker_dies(case, tmp_path):
    """A `dask scheduler` and two `dask worker`s on 127.0.0.1; one worker is killed (SIGKILL) as the
    first case finishes. Every case still finishes, once, with the sequential objective."""
    pytest.importorskip("distributed", reason="the dask extra is not installed: pip install 'tokensite[dask]'")
    from dask.distributed import Client

    file = tmp_path / "scheduler.json"
    procs = [_start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(file)], tmp_path / "s.log")]
    try:
        address = _wait_for(lambda: file.is_file() and json.loads(file.read_text() or "{}").get("address"), 60, "scheduler")
        for i in range(2):
            procs.append(_start(["worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                 "--death-timeout", "60"], tmp_path / f"w{i}.log"))
        with Client(address, timeout=30) as client:
            _wait_for(lambda: len(client.scheduler_info()["workers"]) == 2, 60, "two workers")
        cases = _cases(tmp_path) + [SweepCase("dear_gpus", (("scale.gpu_capex", 2.0),))]
        killed = []

        def kill_one(row: dict) -> None:
            if not killed:
                os.killpg(procs[1].pid, signal.SIGKILL)
                killed.append(procs[1].pid)

        frame = run_sweep(case, cases, tmp_path / "out", scheduler=address, report=False, on_done=kill_one, connect_timeout_s=30)
        assert killed and procs[1].wait(timeout=30) is not None
        assert sorted(frame.case) == sorted(c.name for c in cases) and frame.case.is_unique
        assert list(frame.status) == ["optimal"] * 4
        assert _objectives(frame) == {**{k: EXPECTED[k] for k in ("base", "dear_power", "triple_demand")}, "dear_gpus": 838.0}
    finally:
        for p in reversed(procs):
            _stop(p)
