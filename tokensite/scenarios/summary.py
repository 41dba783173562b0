"""One small row per solved case: what a sweep or a stochastic plan compares across futures.

Read off a :class:`~tokensite.results.Results` only (no Pyomo), so the same row comes from a fresh
solve on a worker and from a results folder reopened on a rerun. Money is discounted USD over the
horizon; GW and tokens are in the last planning year.
"""

from __future__ import annotations

import pandas as pd

from tokensite.dataset.geo import continent
from tokensite.results import Results

MW_PER_GW = 1000.0
TOKENS_PER_MTOK = 1e6


def _last(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame.year == frame.year.max()] if len(frame) else frame


def summary_row(res: Results) -> dict:
    """status, objective, gaps, discounted capex/opex/unserved value, GW by region (facility) and by
    layer (mean GPU draw), tokens served and unserved (M tokens/s) in the last planning year, solve seconds."""
    s = res.summary
    row: dict = {"status": s["status"], "objective_usd": s["objective_usd"], "mip_gap": s["mip_gap"], "spend_gap": s.get("spend_gap"),
                 "solve_s": s.get("solve_s"), "error": ""}
    if not res.has_plan:
        row["error"] = s.get("message", "")
        return row
    p = res.plan
    for col in ("capex_usd", "opex_usd", "unserved_usd"):
        row[col] = float((p[col] * p.discount_factor).sum())
    sites = _last(res.sites)
    regions = [continent(a, b) for a, b in zip(sites.lat, sites.lon)]
    for region, mw in sites.facility_mw.groupby(regions).sum().sort_index().items():
        row[f"gw_region_{region}"] = float(mw) / MW_PER_GW
    row["gw_total"] = float(sites.facility_mw.sum()) / MW_PER_GW
    for layer, mw in _last(res.allocation).groupby("layer").draw_mw.sum().sort_index().items():
        row[f"gw_layer_{layer}"] = float(mw) / MW_PER_GW
    served = _last(res.served)
    tr = res.training
    year = int(res.sites.year.max())
    hosted = tr[tr.hosted.astype(bool) & (tr.start_year <= year)].tokens_per_s.sum() if len(tr) else 0.0
    row["served_mtok_per_s"] = float(served.served_tokens_per_s.sum() + hosted) / TOKENS_PER_MTOK
    row["unserved_mtok_per_s"] = float(served.unserved_tokens_per_s.sum()) / TOKENS_PER_MTOK
    return row
