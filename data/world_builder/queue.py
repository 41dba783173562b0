"""Load-side interconnection queue tranches (``interconnect_queue.csv``).

Load-side connection waits (load_connection_waits.csv), not generator-queue durations. The market
exceptions are data: reference/queue_rules.csv (scope site or zone, one row per tranche,
``share:x`` = that share of max_mw - existing_mw). Sites without a rule: an announced campus gets
its announced schedule; other campuses three equal tranches filed 2022/2024/2026 and metros two
filed 2022/2024 (filing years and sizes are estimates), each online after the JLL 4-year wait for
primary markets; edge micro-sites one tranche in a year (below large-load size)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .loader import Reference
from .sites import BASE_YEAR, Site
from .sourced import Sourced, Table, estimate, table

PJM_COST = Sourced(240.0, "published", "LBNL-IC-PJM")
MISO_COST = Sourced(156.0, "published", "LBNL-IC-MISO")
LARGE_LOAD_COST = estimate(150.0, "LBNL-IC-PJM;LBNL-IC-MISO;TEAM-EST")  # between LBNL's MISO and PJM figures
LOAD_WAIT = Sourced(4.0, "published", "JLL-GDCO-2026")
CONSTRUCTION_YEARS = 2  # dc_costs.csv, 24 months, estimate
LAST_YEARLY_REQUEST = 2030  # a ``yearly`` rule files one tranche a year up to this year (excluded)


@dataclass(frozen=True)
class Tranche:
    mw: Sourced
    request_year: int
    wait_years: Sourced


def _rule_tranches(rules: pd.DataFrame, remaining_mw: float) -> list[Tranche]:
    out = []
    for r in rules.itertuples(index=False):
        share = r.mw.startswith("share:")
        mw = Sourced(remaining_mw * float(r.mw[6:]) if share else float(r.mw), r.mw_basis, r.mw_source)
        years = range(r.request_year, LAST_YEARLY_REQUEST) if r.tranche == "yearly" else [r.request_year]
        out += [Tranche(mw, int(req), Sourced(float(r.wait_years), r.wait_basis, r.wait_source)) for req in years]
    return out


def _announced_tranches(s: Site, remaining_mw: float) -> list[Tranche]:
    """Half the MW at first power, the rest at full power, both filed by the announcement."""
    a = s.announcement
    first = max(BASE_YEAR, a.first_power_year)
    full = s.full_power_year or estimate(first + CONSTRUCTION_YEARS)
    filed = min(a.filed_year, first - 1)
    half = remaining_mw / 2
    return [Tranche(estimate(half, f"{a.source};TEAM-EST"), filed, Sourced(float(first - filed), a.basis, a.source)),
            Tranche(estimate(remaining_mw - half, f"{a.source};TEAM-EST"), filed, full.with_value(float(max(full.value, first) - filed)))]


def tranches(ref: Reference, s: Site, remaining_mw: float) -> list[Tranche]:
    """A site's rule rows; else (a site with no announced schedule) its zone's; else the defaults."""
    q = ref.queue_rules
    rules = q[(q.scope == "site") & (q.key == s.site_id)]
    if rules.empty and s.full_power_year is None and not s.existing and s.announcement is None:
        rules = q[(q.scope == "zone") & (q.key == s.grid_zone)]
    if out := _rule_tranches(rules, remaining_mw):
        return out
    if s.announcement is not None:
        return _announced_tranches(s, remaining_mw)
    size = f"{s.max_mw.source};TEAM-EST"  # a share of the site's max_mw
    if s.kind == "campus":
        return [Tranche(estimate(remaining_mw / 3, size), y, LOAD_WAIT) for y in (2022, 2024, 2026)]
    if s.kind == "metro":
        return [Tranche(estimate(remaining_mw / 2, size), y, LOAD_WAIT) for y in (2022, 2024)]
    return [Tranche(estimate(remaining_mw, size), 2025, estimate(1.0))]


def connection_cost(s: Site) -> Sourced:
    """USD/kW: LBNL's PJM and MISO figures, else the team's large-load estimate."""
    return PJM_COST if s.grid_zone.startswith("PJM") else MISO_COST if s.grid_zone == "MISO" else LARGE_LOAD_COST


def build_queue(ref: Reference, sites: list[Site], regions: pd.DataFrame) -> Table:
    """The tranches of max_mw - existing_mw; request_year is a scenario choice (an estimate)."""
    existing = regions.set_index("site_id").existing_mw
    rows = []
    for s in sites:
        cost = connection_cost(s)
        remaining = max(float(s.max_mw.value) - float(existing[s.site_id]), 0.0)
        for n, t in enumerate(tranches(ref, s, remaining), start=1):
            if t.mw.value <= 0:
                continue
            ids = (*t.wait_years.source.split(";"), *cost.source.split(";"), *t.mw.source.split(";"))
            rows.append(dict(tranche_id=f"{s.site_id}-q{n}", site_id=s.site_id, mw=t.mw.with_value(round(t.mw.value, 1)),
                             request_year=estimate(t.request_year, f"{t.wait_years.source};TEAM-EST"), wait_years=t.wait_years, cost_usd_per_kw=cost,
                             source=";".join(sorted(set(ids)))))
    return table("interconnect_queue.csv", rows)
