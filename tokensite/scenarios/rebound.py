"""``tokensite rebound``: the Jevons experiment. Tokens per watt of every GPU are scaled, each case is
solved by the sweep machinery, and total energy, tokens served and cost per Mtok are read back.

Efficiency e multiplies ``throughput.csv``'s ``tokens_per_s_per_gpu`` (the override
``throughput.csv:tokens_per_s_per_gpu*``) at the same ``kw_per_gpu``: e x the tokens per watt. With
fixed demand the same tokens need 1/e of the GPUs and energy falls as 1/e. With price-elastic demand
(``elasticity.csv``, docs/formulation.md §1) cheaper tokens are bought in greater number: where costs
scale as 1/e the quantity grows as e^ε, so energy goes as e^(ε − 1), rising with efficiency when
ε > 1 and falling when ε < 1 (within the demand blocks' discretisation).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from tokensite.config import Case, load_case  # noqa: E402
from tokensite.errors import UserError  # noqa: E402
from tokensite.results import Results  # noqa: E402
from tokensite.results.plans import MTOK_PER_TOKENS_PER_S_YEAR  # noqa: E402
from tokensite.scenarios.sweep import CASES, SweepCase, run_sweep  # noqa: E402
from tokensite.units import HOURS_PER_YEAR, W_PER_MW  # noqa: E402

EFFICIENCY_KEY = "throughput.csv:tokens_per_s_per_gpu*"
MWH_PER_TWH = 1e6
COLUMNS = ["efficiency", "case", "status", "year", "energy_twh", "tokens_per_s", "cost_usd_per_mtok", "tokens_per_joule"]


def parse_efficiencies(text: str) -> list[float]:
    """``"1,1.5,2,3"`` -> [1.0, 1.5, 2.0, 3.0]; raises :class:`UserError` for anything but positive numbers."""
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UserError(f"--efficiency {text!r} must be comma-separated numbers, e.g. 1,1.5,2,3") from None
    if not values or any(not math.isfinite(v) or v <= 0 for v in values):
        raise UserError(f"--efficiency {text!r} must be positive multipliers of tokens per watt, e.g. 1,1.5,2,3")
    if len(set(values)) != len(values):
        raise UserError(f"--efficiency {text!r} repeats a value")
    return values


def rebound_cases(efficiencies: list[float]) -> list[SweepCase]:
    return [SweepCase(f"efficiency={e:g}", ((EFFICIENCY_KEY, e),)) for e in efficiencies]


def outcome(res: Results) -> pd.DataFrame:
    """Per planning year: energy (TWh a year at the mean draw), tokens served (tokens/s, hosted training
    included), capex + opex per Mtok served, and tokens per joule of facility draw."""
    a = res.allocation.groupby("year").agg(draw_mw=("draw_mw", "sum"), made=("tokens_per_s", "sum"))
    served = res.served.groupby("year").served_tokens_per_s.sum()
    tr = res.training
    for y in served.index:
        served[y] += float(tr[tr.hosted.astype(bool) & (tr.start_year <= y)].tokens_per_s.sum())
    spend = res.plan.groupby("year")[["capex_usd", "opex_usd"]].sum().sum(axis=1)
    years = sorted(set(res.sites.year))
    draw = a.draw_mw.reindex(years).fillna(0.0)
    tokens = served.reindex(years).fillna(0.0)
    return pd.DataFrame({
        "year": years, "energy_twh": (draw * HOURS_PER_YEAR / MWH_PER_TWH).to_numpy(), "tokens_per_s": tokens.to_numpy(),
        "cost_usd_per_mtok": (spend.reindex(years).fillna(0.0) / (tokens * MTOK_PER_TOKENS_PER_S_YEAR).where(tokens > 0)).to_numpy(),
        "tokens_per_joule": (a.made.reindex(years).fillna(0.0) / (draw * W_PER_MW).where(draw > 0)).to_numpy(),
    })


def rebound_table(sweep: pd.DataFrame, out: Path) -> pd.DataFrame:
    rows = []
    for name, e, status in zip(sweep.case, sweep[EFFICIENCY_KEY], sweep.status):
        folder = out / CASES / name
        if (folder / "summary.json").is_file():
            rows.append(outcome(Results.from_dir(folder)).assign(efficiency=float(e), case=name, status=status))
    return pd.concat(rows, ignore_index=True)[COLUMNS].sort_values(["year", "efficiency"]) if rows else pd.DataFrame(columns=COLUMNS)


def plot_rebound(table: pd.DataFrame, title: str = "", year: int | None = None):
    """Energy, tokens served and cost per Mtok against efficiency, in ``year`` (default the last)."""
    y = year or int(table.year.max())
    t = table[table.year == y].sort_values("efficiency")
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for ax, col, label in zip(axes, ("energy_twh", "tokens_per_s", "cost_usd_per_mtok"), ("energy, TWh a year", "tokens served, G tokens/s", "capex + opex per Mtok, USD")):
        ax.plot(t.efficiency, t[col] / (1e9 if col == "tokens_per_s" else 1), marker="o")
        ax.set_xlabel("tokens per watt, x today")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    fig.suptitle(f"{title} rebound, {y}".strip())
    fig.tight_layout()
    return fig


def run_rebound(case: str | Path | Case, efficiencies: list[float], out: str | Path, *, workers: int | None = None, time_limit_s: float | None = None,
                report: bool = False, on_done: Callable[[dict], None] | None = None) -> pd.DataFrame:
    """Solve the case at each efficiency (a sweep, ``out/cases/efficiency=<e>/``); write ``out/rebound.csv``
    and ``out/rebound.png``; return the rebound table (one row per efficiency and year)."""
    base = case if isinstance(case, Case) else load_case(case)
    out = Path(out)
    sweep = run_sweep(base, rebound_cases(efficiencies), out, workers=workers, time_limit_s=time_limit_s, report=report, on_done=on_done)
    table = rebound_table(sweep, out)
    table.to_csv(out / "rebound.csv", index=False)
    if not table.empty:
        fig = plot_rebound(table, base.name)
        fig.savefig(out / "rebound.png", dpi=100, bbox_inches="tight")
        plt.close(fig)
    return table
