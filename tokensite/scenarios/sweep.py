"""``tokensite sweep``: many independent cases, each a set of overrides, solved on Dask or in-process.

The grid file (docs/data-format.md, "Sweep grids") names overrides and their values; the sweep is
their product, or an explicit list of named cases. Each case is a :class:`~tokensite.config.Case`
(a small frozen dataclass that pickles; a Pyomo model or a HiGHS object never would), sent to
:func:`solve_case`, which solves it with the existing :func:`tokensite.solve`, writes its full
results folder to ``DIR/cases/<name>/`` with the existing atomic writer, and returns one summary
row. The same function runs in every mode: one after another in this process, on a
``LocalCluster`` of worker processes (``workers``), or on an existing cluster (``scheduler``).

Every case is solved with one HiGHS thread in every mode: HiGHS fixes its thread count once per
process, a case's plan then does not depend on how the sweep ran, and a rerun in another mode
skips the cases already done (a case is done when its folder records the digest of the inputs
it would be solved from). A case that fails is a row with status ``failed`` and its error; the
sweep goes on. A worker that dies mid-case has its case run again elsewhere by Dask.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import secrets
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tokensite.config import Case, load_case, read_toml
from tokensite.dataset.overrides import CELL, QUEUE, SCALE, apply_to_case, check_overrides, parse_all
from tokensite.errors import UserError
from tokensite.results import Results
from tokensite.results.report import write_outputs
from tokensite.run import case_digest, solve
from tokensite.scenarios.report import sweep_png, write_sweep_report
from tokensite.scenarios.summary import summary_row

SWEEP_THREADS = 1
"""HiGHS threads per case, in every mode (see the module docstring)."""
CASES = "cases"


@dataclass(frozen=True)
class SweepCase:
    """One case of a sweep: a folder-safe name and its overrides, in the grid file's order."""

    name: str
    overrides: tuple[tuple[str, Any], ...]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._=-]+", "-", text).strip("-") or "case"


def _label(key: str) -> str:
    """A short name for an override key in a case name: the scale field, the site, or the column (and its row)."""
    if m := SCALE.match(key):
        return m["field"]
    if m := QUEUE.match(key):
        return f"queue-{m['site']}"
    if m := CELL.match(key):
        return m["column"] + (f"-{m['equals']}" if m["equals"] else "")
    return key


def _product(grid: dict[str, Any], path: Path) -> list[SweepCase]:
    keys = list(grid)
    values = []
    for k in keys:
        v = grid[k]
        if not isinstance(v, list) or not v:
            raise UserError(f"{path}: [grid] {k} = {v!r} must be a non-empty list of values")
        values.append(v)
    out = []
    width = len(str(max(1, len(list(itertools.product(*values))))))
    for i, combo in enumerate(itertools.product(*values), start=1):
        label = "_".join(f"{_label(k)}={v}" for k, v in zip(keys, combo))
        out.append(SweepCase(_slug(f"{i:0{width}d}_{label}"), tuple(zip(keys, combo))))
    return out


def read_grid(path: str | Path) -> list[SweepCase]:
    """The cases of a grid file: the product of ``[grid]``'s lists, or the ``[cases.<name>]`` tables.

    Raises :class:`UserError` naming the file and what is wrong (every key is parsed here, so a
    misspelt override stops the sweep before anything is solved)."""
    path = Path(path)
    raw = read_toml(path, "grid file", UserError)
    unknown = sorted(set(raw) - {"grid", "cases"})
    if unknown or len(raw) != 1:
        raise UserError(f"{path}: needs exactly one of [grid] (values to combine) or [cases.<name>] (named cases)"
                        + (f"; unknown table(s) {', '.join(unknown)}" if unknown else ""))
    if "grid" in raw:
        cases = _product(raw["grid"], path)
    else:
        cases = []
        for name, table in raw["cases"].items():
            if not isinstance(table, dict):
                raise UserError(f"{path}: [cases.{name}] must be a table of overrides")
            if _slug(name) != name:
                raise UserError(f"{path}: case name {name!r} must use only letters, digits and . _ = - (it names a folder)")
            cases.append(SweepCase(name, tuple(table.items())))
    if not cases:
        raise UserError(f"{path}: the grid has no cases")
    parse_all([kv for c in cases for kv in c.overrides], str(path))
    return cases


def case_of(base: Case, sc: SweepCase, time_limit_s: float | None = None) -> Case:
    """The base case with a sweep case's overrides, its name and the sweep's solver options."""
    case = apply_to_case(base, list(sc.overrides), name=sc.name)
    return case.with_solver(threads=SWEEP_THREADS, time_limit_s=time_limit_s)


def _error_file(out: Path, name: str) -> Path:
    return out / CASES / f"{name}.error.txt"


def solve_case(case: Case, out: str | Path, report: bool = True) -> dict:
    """Solve one case, write ``out/cases/<name>/`` (all or nothing), return its summary row.

    Runs on a Dask worker or in-process. Never raises for a case that fails: the row has status
    ``failed`` and the error, and ``out/cases/<name>.error.txt`` keeps the traceback."""
    out = Path(out)
    t0 = time.perf_counter()
    try:
        res = solve(case)
        if res.has_plan:
            res.to_dir(out / CASES / case.name, extras=write_outputs if report else None)
        _error_file(out, case.name).unlink(missing_ok=True)
        row = summary_row(res)
    except Exception as e:  # a failed case is a row, not the end of the sweep
        (out / CASES).mkdir(parents=True, exist_ok=True)
        _error_file(out, case.name).write_text(traceback.format_exc())
        row = {"status": "failed", "error": f"{type(e).__name__}: {e}".strip()}
    return {"case": case.name, **row, "wall_s": round(time.perf_counter() - t0, 3), "worker_pid": os.getpid()}


def finished_row(case: Case, out: Path) -> dict | None:
    """The row of a case already solved from exactly these inputs into ``out/cases/<name>``, else None."""
    folder = out / CASES / case.name
    if not (folder / "summary.json").is_file():
        return None
    res = Results.from_dir(folder)
    if res.summary.get("inputs_sha256") != case_digest(case):
        return None
    return {"case": case.name, **summary_row(res), "wall_s": 0.0, "worker_pid": None, "skipped": True}


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(4)}")
    frame.to_csv(tmp, index=False)
    os.replace(tmp, path)


def sweep_frame(cases: list[SweepCase], rows: dict[str, dict]) -> pd.DataFrame:
    """One row per case in grid order: the case name, one column per override key, then the outputs."""
    keys = list(dict.fromkeys(k for c in cases for k, _ in c.overrides))
    records = []
    for c in cases:
        if c.name not in rows:
            continue
        given = dict(c.overrides)
        records.append({"case": c.name, **{k: given.get(k) for k in keys}, **{k: v for k, v in rows[c.name].items() if k != "case"}})
    return pd.DataFrame(records)


def _mode(workers: int | None, scheduler: str | None) -> str:
    if workers is not None and scheduler is not None:
        raise UserError("give --workers (a local cluster) or --scheduler (an existing one), not both")
    if workers is not None and workers < 1:
        raise UserError(f"--workers {workers} must be at least 1")
    if scheduler is not None and not re.match(r"^[a-z]+://", scheduler):
        raise UserError(f"--scheduler {scheduler!r} must be an address such as tcp://127.0.0.1:8786")
    return "local" if workers else "scheduler" if scheduler else "sequential"


def _dask_results(todo: list[Case], out: Path, report: bool, workers: int | None, scheduler: str | None,
                  connect_timeout_s: float) -> Iterator[tuple[str, dict]]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed  # optional extra: tokensite[dask]
    except ImportError:
        raise UserError("--workers and --scheduler need Dask: pip install 'tokensite[dask]'") from None

    cluster = None
    try:
        if workers:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=logging.ERROR)
            client = Client(cluster, timeout=connect_timeout_s)
        else:
            try:
                client = Client(scheduler, timeout=connect_timeout_s)
            except OSError as e:
                raise UserError(f"cannot reach the Dask scheduler at {scheduler} within {connect_timeout_s:g} s ({e})") from None
        with client:
            futures = {client.submit(solve_case, c, out, report, key=f"tokensite-sweep-{c.name}-{secrets.token_hex(4)}", pure=False): c.name
                       for c in todo}
            for fut in as_completed(futures):
                name = futures[fut]
                try:
                    yield name, fut.result()
                except Exception as e:  # the task itself never raises: a worker died too often (KilledWorker) or the cluster went away
                    yield name, {"case": name, "status": "failed", "error": f"{type(e).__name__}: {e}".strip()}
    finally:
        if cluster is not None:
            cluster.close()


def run_sweep(case: str | Path | Case, cases: list[SweepCase], out: str | Path, *, workers: int | None = None,
              scheduler: str | None = None, time_limit_s: float | None = None, report: bool = True,
              on_start: Callable[[int, int], None] | None = None, on_done: Callable[[dict], None] | None = None,
              connect_timeout_s: float = 30.0) -> pd.DataFrame:
    """Solve every case of a sweep; write ``out/sweep.csv``, ``out/sweep.png`` and ``out/report.html``.

    ``on_start(to_solve, skipped)`` is called once the finished cases are known, ``on_done(row)``
    as each case ends (skipped ones included). ``sweep.csv`` is rewritten (atomically) after every
    case, so an interrupted sweep leaves the rows it finished. Returns the sweep frame."""
    mode = _mode(workers, scheduler)
    base = case if isinstance(case, Case) else load_case(case)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    specs = [case_of(base, sc, time_limit_s) for sc in cases]
    names = [c.name for c in specs]
    if len(set(names)) != len(names):
        raise UserError(f"case names repeat: {', '.join(sorted({n for n in names if names.count(n) > 1}))}")
    check_overrides(base, [kv for sc in cases for kv in sc.overrides])
    rows: dict[str, dict] = {}
    todo = []
    for spec in specs:
        done = finished_row(spec, out)
        if done is None:
            todo.append(spec)
        else:
            rows[spec.name] = done
    if on_start:
        on_start(len(todo), len(rows))
    for row in rows.values():
        if on_done:
            on_done(row)

    def record(name: str, row: dict) -> None:
        rows[name] = row
        _write_csv(sweep_frame(cases, rows), out / "sweep.csv")
        if on_done:
            on_done(row)

    if mode == "sequential":
        for spec in todo:
            record(spec.name, solve_case(spec, out, report))
    else:
        for name, row in _dask_results(todo, out, report, workers, scheduler, connect_timeout_s):
            record(name, row)
    frame = sweep_frame(cases, rows)
    _write_csv(frame, out / "sweep.csv")
    sweep_png(frame, [k for k in frame.columns if k in {k for sc in cases for k, _ in sc.overrides}], out / "sweep.png")
    write_sweep_report(frame, out)
    return frame
