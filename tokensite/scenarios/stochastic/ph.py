"""Progressive Hedging for the stochastic plan, on MPI ranks (mpi-sppy's PH hub and xhatshuffle spoke).

:func:`run_ph_mpi` (``tokensite stochastic --method ph``) runs :func:`run_ph` under ``mpiexec -n N
python -m mpi4py -m tokensite.scenarios.stochastic CASE SCENARIOS.csv OUT.json [...]`` (the package's
``__main__``): half the ranks run the PH hub, half the xhatshuffle spoke, which tries scenario builds
as the here-and-now build (xhat) and keeps the cheapest as the incumbent. HiGHS has no MIQP, so the
proximal terms are linearised (``linearize_proximal_terms`` and ``linearize_binary_proximal_terms``).
Rho is cost-proportional: each first-stage variable's objective coefficient, floored at 1e-3 of the
largest. The rank that holds the incumbent writes the build to ``OUT.json``; rank 0 adds the bounds.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyomo.environ as pyo
from pyomo.repn import generate_standard_repn

from tokensite.config import Case, load_case
from tokensite.errors import UserError
from tokensite.scenarios.stochastic.models import attach, first_stage_keys, scenario_models
from tokensite.scenarios.stochastic.recourse import RecourseSolution, build_of
from tokensite.scenarios.stochastic.scenarios import Scenario, read_scenarios, scenario_case

RHO_FLOOR = 1e-3
"""A first-stage variable with no cost of its own gets this share of the largest coefficient as rho."""
MAX_ITERATIONS = 50
MPI_TIMEOUT_MARGIN_S = 120.0
"""Beyond PH's own time limit, what the parent waits for mpiexec before killing it."""
ENTRY_POINT = "tokensite.scenarios.stochastic"


def _key_json(key: tuple) -> list:
    name, idx = key
    return [name, list(idx) if isinstance(idx, tuple) else idx]


def _key_back(item: list) -> tuple:
    name, idx = item
    return name, tuple(idx) if isinstance(idx, list) else idx


def cost_rho(scenario: Any) -> list[tuple[int, float]]:
    """(id(var), rho) for every first-stage variable: its objective coefficient, floored."""
    obj = next(scenario.component_data_objects(pyo.Objective, active=True))
    repn = generate_standard_repn(obj.expr, quadratic=False)
    coef = {id(v): abs(float(c)) for v, c in zip(repn.linear_vars, repn.linear_coefs)}
    nonants = scenario._mpisppy_node_list[0].nonant_vardata_list
    top = max([coef.get(id(v), 0.0) for v in nonants] + [1e-12])
    return [(id(v), max(coef.get(id(v), 0.0), RHO_FLOOR * top)) for v in nonants]


def _write_build(file_name: str, scenario: Any, bundling: bool) -> None:
    """mpi-sppy's first-stage writer: the incumbent's build as [(variable, index), value] pairs."""
    values = [[_key_json(k), float(pyo.value(v))] for k, v in zip(scenario._tokensite_keys, scenario._mpisppy_node_list[0].nonant_vardata_list)]
    Path(file_name).write_text(json.dumps({"build": values}))


def run_ph(case: str | Path, scenarios_csv: str | Path, out_json: str | Path, *, time_limit_s: float | None = None,
           mip_rel_gap: float | None = None, max_iterations: int = MAX_ITERATIONS) -> None:
    """The MPI program, on every rank: build every scenario model, then spin PH and xhatshuffle."""
    from mpisppy.spin_the_wheel import WheelSpinner  # optional extra: tokensite[stochastic]
    from mpisppy.utils import config
    import mpisppy.utils.cfg_vanilla as vanilla

    base = load_case(case)
    scenarios = read_scenarios(scenarios_csv)
    cases = {s.name: scenario_case(base, s, time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap) for s in scenarios}
    probs = {s.name: s.probability for s in scenarios}
    models = scenario_models(cases)
    keys = first_stage_keys(models)
    solver = cases[scenarios[0].name].solver

    def creator(name: str, **_: Any) -> pyo.ConcreteModel:
        m = attach(name, models, keys, probs[name])
        m._tokensite_keys = keys
        return m

    cfg = config.Config()
    cfg.num_scens_required()
    cfg.popular_args()
    cfg.two_sided_args()
    cfg.ph_args()
    cfg.xhatshuffle_args()
    cfg.num_scens = len(scenarios)
    cfg.solver_name = "appsi_highs"
    cfg.default_rho = 1.0
    cfg.max_iterations = max_iterations
    cfg.time_limit = float(solver.time_limit_s)
    cfg.rel_gap = float(solver.mip_rel_gap)
    cfg.linearize_proximal_terms = True
    cfg.linearize_binary_proximal_terms = True
    cfg.xhatshuffle = True
    cfg.turn_off_names_check = True  # matched by position: see tokensite.scenarios.stochastic.ef.solve_ef
    names = [s.name for s in scenarios]
    hub = vanilla.ph_hub(cfg, creator, None, names, rho_setter=cost_rho)
    spoke = vanilla.xhatshuffle_spoke(cfg, creator, None, names)
    t0 = time.perf_counter()
    wheel = WheelSpinner(hub, [spoke])
    wheel.spin()
    out = Path(out_json)
    wheel.write_first_stage_solution(str(out.with_suffix(".build.json")), first_stage_solution_writer=_write_build)
    if wheel.global_rank == 0:
        iters = getattr(wheel.spcomm.opt, "_PHIter", None)
        out.with_suffix(".bounds.json").write_text(json.dumps({
            "inner_bound": wheel.BestInnerBound, "outer_bound": wheel.BestOuterBound, "iterations": iters,
            "seconds": time.perf_counter() - t0}))


def mpiexec() -> str:
    """The mpiexec beside this Python (the ``mpich`` wheel's), else the one on PATH."""
    here = Path(sys.executable).with_name("mpiexec")
    found = str(here) if here.is_file() else shutil.which("mpiexec")
    if not found:
        raise UserError("PH needs mpiexec: pip install 'tokensite[stochastic]' (the mpich wheel brings it)")
    return found


def _write_scenarios(scenarios: list[Scenario], path: Path) -> None:
    """The scenarios as a CSV that :func:`read_scenarios` reads back on every rank."""
    keys = list(dict.fromkeys(k for s in scenarios for k, _ in s.overrides))
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "probability", *keys])
        for s in scenarios:
            given = dict(s.overrides)
            w.writerow([s.name, repr(s.probability), *("" if k not in given else given[k] for k in keys)])


def run_ph_mpi(base: Case, scenarios: list[Scenario], out: Path, ranks: int = 2, time_limit_s: float | None = None,
               mip_rel_gap: float | None = None, iterations: int = MAX_ITERATIONS) -> RecourseSolution:
    """Run :func:`run_ph` under ``mpiexec -n ranks`` and read back its build and bounds."""
    if ranks < 2 or ranks % 2:
        raise UserError(f"--ranks {ranks}: PH needs an even number of ranks, at least 2 (hub and xhat spoke)")
    if base.path is None:
        raise UserError("PH runs from a case file; this case has none")
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    scen_csv = out / "ph_scenarios.csv"
    _write_scenarios(scenarios, scen_csv)
    target = out / "ph.json"
    for f in (target.with_suffix(".build.json"), target.with_suffix(".bounds.json")):
        f.unlink(missing_ok=True)
    limit = time_limit_s if time_limit_s is not None else base.solver.time_limit_s
    cmd = [mpiexec(), "-n", str(ranks), sys.executable, "-m", "mpi4py", "-m", ENTRY_POINT, str(base.path), str(scen_csv), str(target)]
    cmd += ["--max-iterations", str(iterations)]
    cmd += [*(["--time-limit", str(time_limit_s)] if time_limit_s is not None else []), *(["--gap", str(mip_rel_gap)] if mip_rel_gap is not None else [])]
    t0 = time.perf_counter()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=limit * 2 + MPI_TIMEOUT_MARGIN_S, env=env, cwd=out)  # mpi-sppy writes its logs here
    except subprocess.TimeoutExpired:
        raise UserError(f"PH under mpiexec did not finish within {limit * 2 + MPI_TIMEOUT_MARGIN_S:g} s") from None
    (out / "ph.log").write_text(r.stdout + r.stderr)
    build_file = target.with_suffix(".build.json")
    if r.returncode != 0 or not build_file.is_file():
        tail = (r.stderr or r.stdout).strip().splitlines()[-3:]
        raise UserError(f"PH under mpiexec failed (exit {r.returncode}; log in {out / 'ph.log'}): {' | '.join(tail)}")
    values = {_key_back(k): v for k, v in json.loads(build_file.read_text())["build"]}
    bounds = json.loads(target.with_suffix(".bounds.json").read_text())
    inner, outer = bounds["inner_bound"], bounds["outer_bound"]
    finite = lambda x: x is not None and abs(x) != float("inf")  # noqa: E731
    gap = abs(inner - outer) / max(abs(inner), 1e-9) if finite(inner) and finite(outer) else None
    wanted = mip_rel_gap if mip_rel_gap is not None else base.solver.mip_rel_gap
    status = "optimal" if gap is not None and gap <= wanted + 1e-9 else "feasible"  # an incumbent, its gap to PH's bound not closed
    return RecourseSolution(build_of(list(values), values), inner if finite(inner) else None, outer if finite(outer) else None,
                            status, "ph", time.perf_counter() - t0, {"ranks": ranks, "iterations": bounds["iterations"], "mpi_s": bounds["seconds"]})
