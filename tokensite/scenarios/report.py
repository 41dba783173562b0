"""What a planner reads of a sweep or a stochastic plan: a figure and a section of ``report.html``.

Reads only the sweep frame (``sweep.csv``) or the stochastic summary; no Pyomo, no CSV input.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from tokensite.results.report import CSS, html_table, img_tag, usd  # noqa: E402

KEY_OUTPUTS = {"objective_usd": "objective (USD bn)", "spend_usd": "capex + opex (USD bn)", "gw_total": "GW built (last year)",
               "unserved_mtok_per_s": "unserved (G tokens/s, last year)"}
SCALE = {"objective_usd": 1e-9, "spend_usd": 1e-9, "unserved_mtok_per_s": 1e-3}


def _with_spend(frame: pd.DataFrame) -> pd.DataFrame:
    if {"capex_usd", "opex_usd"} <= set(frame.columns):
        return frame.assign(spend_usd=frame.capex_usd + frame.opex_usd)
    return frame


def sweep_png(frame: pd.DataFrame, params: list[str], path: str | Path) -> Path:
    """One panel per (key output, swept parameter): every solved case at its parameter value.
    A named case that leaves a parameter at its base value is drawn at "base"."""
    ok = _with_spend(frame[frame.status.isin(["optimal", "time_limit"])]) if len(frame) else frame
    outputs = [k for k in KEY_OUTPUTS if k in ok.columns]
    params = params or ["case"]
    fig, axes = plt.subplots(max(1, len(outputs)), len(params), figsize=(3.6 * len(params), 2.6 * max(1, len(outputs))), squeeze=False)
    for j, p in enumerate(params):
        x = ok[p].map(lambda v: "base" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)) if p in ok else pd.Series(dtype=str)
        order = sorted(set(x), key=lambda v: (v != "base", float(v) if _is_number(v) else math.inf, v))
        pos = {v: i for i, v in enumerate(order)}
        for i, k in enumerate(outputs):
            ax = axes[i][j]
            ax.scatter([pos[v] for v in x], ok[k] * SCALE.get(k, 1.0), s=18)
            ax.set_xticks(range(len(order)), order, rotation=30, fontsize=7)
            ax.tick_params(axis="y", labelsize=7)
            if j == 0:
                ax.set_ylabel(KEY_OUTPUTS[k], fontsize=8)
            if i == len(outputs) - 1:
                ax.set_xlabel(p, fontsize=8)
    if not outputs:
        axes[0][0].text(0.5, 0.5, "no case has a plan", ha="center")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def _is_number(v: str) -> bool:
    try:
        float(v)
        return True
    except ValueError:
        return False


def sweep_section(frame: pd.DataFrame, png: Path) -> str:
    """The sweep's section of a report: counts by status, the figure and the table."""
    counts = ", ".join(f"{n} {html.escape(str(s))}" for s, n in frame.status.value_counts().items())
    failed = frame[frame.status == "failed"]
    fails = "".join(f"<li>{html.escape(str(r.case))}: {html.escape(str(r.error))}</li>" for r in failed.itertuples())
    cols = [c for c in frame.columns if c not in ("error", "worker_pid", "skipped")]
    return (f"<h2>Sweep: {len(frame)} cases</h2><p>{counts}.</p>" + (f"<p>Failed cases:</p><ul>{fails}</ul>" if fails else "")
            + (img_tag(png) if png.is_file() else "") + html_table(frame[cols]))


def write_sweep_report(frame: pd.DataFrame, out: str | Path) -> Path:
    out = Path(out)
    return _page(out / "report.html", "tokensite sweep", sweep_section(frame, out / "sweep.png"))


def stochastic_section(summary: dict, scenarios: pd.DataFrame) -> str:
    """The stochastic plan's section of a report: expected cost, EVPI, VSS, and each scenario's cost."""
    def line(label: str, key: str) -> str:
        v = summary.get(key)
        return f"<tr><td>{label}</td><td>{usd(v) if v is not None else 'n/a'}</td></tr>"

    gap = summary.get("recourse_gap")
    rows = (line("expected cost of the here-and-now build (RP)", "expected_cost_usd")
            + line("wait-and-see: each future planned alone (WS)", "wait_and_see_usd")
            + line("EVPI = RP − WS (what knowing the future is worth)", "evpi_usd")
            + line("mean-value plan evaluated in each future (EEV)", "eev_usd")
            + line("VSS = EEV − RP (what planning for the spread is worth)", "vss_usd"))
    return (f"<h2>Stochastic plan ({html.escape(str(summary['method']))}, {len(scenarios)} scenarios)</h2>"
            f"<p>Recourse problem status <b>{html.escape(str(summary['status']))}</b>; objective {usd(summary.get('recourse_objective_usd'))}, "
            f"bound {usd(summary.get('recourse_bound_usd'))}, gap {'n/a' if gap is None else f'{100 * gap:.3f} %'}; "
            f"{summary.get('recourse_s')} s.</p><table><tbody>{rows}</tbody></table>{html_table(scenarios)}")


def write_stochastic_report(summary: dict, scenarios: pd.DataFrame, out: str | Path) -> Path:
    out = Path(out)
    body = f"{stochastic_section(summary, scenarios)}<p>Each scenario's operations under the build: scenarios/&lt;name&gt;/report.html.</p>"
    return _page(out / "report.html", "tokensite stochastic", body, heading="tokensite stochastic plan")


def _page(path: Path, title: str, body: str, heading: str | None = None) -> Path:
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title><style>{CSS}</style></head>"
                    f"<body><h1>{heading or title}</h1>{body}</body></html>")
    return path
