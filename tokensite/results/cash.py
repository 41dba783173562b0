"""Cash: the plan's overnight investment and opex by calendar year (``cash.csv``), from the plan's frames.

The objective counts capital as annuities (docs/formulation.md, "Objective"); a planner's committee asks
what must be paid out, and when. This module answers from what the plan builds:

* **investment** of each planning year y, in USD, by category and site: ``gpus:<g>`` units bought in y
  at the unit capex of the site and year (licence and price by year included); ``facility`` the facility MW
  added in y (beyond the halls standing, whose capex is sunk) at the site's capex per MW; ``site
  development`` a site opened in y (not one built at the start); ``interconnection`` a queue tranche in the
  first planning year it is online (its overnight cost, MW × cost per kW); ``bridge capacity`` the bridge MW
  added in y (a fall in bridge MW returns nothing);
* **placement in calendar years**: an asset's cash is spent in the calendar year of the planning year in
  which it is first counted, the year it comes online, which is where the model starts its annuities and
  where the budget row (family 8) counts it. The calendar years between planning years (2027 and 2029 for
  planning years 2026, 2028, 2030) spend no investment: the model decides builds only at planning years;
* **opex**, by category and site: the annual opex of planning year y (energy, bridge fuel, fixed O&M,
  transit, carbon) in each of the W_y calendar years it stands for, as the objective counts it.

The value of unserved tokens is not cash and is left out. Each row carries its calendar year's discount
factor d_c = (1 + rate)^−(c − y0); the identity between discounted cash and the objective's annuities is
docs/formulation.md, "Cash and annuities".
"""

from __future__ import annotations

import pandas as pd

from tokensite.model.ledger import cost_kind
from tokensite.model.params import Params

CASH_COLUMNS = ["year", "planning_year", "category", "kind", "site_id", "quantity", "quantity_unit", "usd", "discount_factor"]
INVESTMENT_GROUPS = {"facility": "facility", "site development": "sites", "interconnection": "interconnection", "bridge capacity": "bridge"}
"""Category -> its column in :func:`cash_by_year`; ``gpus:<g>`` becomes ``GPUs <g>``."""


def _steps(sites: pd.DataFrame, column: str, start: dict[str, float]) -> pd.DataFrame:
    """(site_id, year, added): the rise of ``column`` at each planning year over the one before (the first
    year over ``start``, 0 where absent); falls are 0."""
    s = sites[["site_id", "year", column]].sort_values(["site_id", "year"])
    before = s.groupby("site_id")[column].shift(1)
    before = before.fillna(s.site_id.map(start)).fillna(0.0)
    return s.assign(added=(s[column] - before).clip(lower=0.0))


def investment_usd(fleet: pd.DataFrame, sites: pd.DataFrame, par: Params) -> pd.DataFrame:
    """Overnight USD by planning year × category × site (module docstring), rows with a positive amount, with
    what it buys: ``quantity`` GPUs, MW of facility or bridge added, MW of a tranche, or 1 site."""
    rows = []
    bought = fleet[fleet.units_bought > 0]
    for r, g, y, u in zip(bought.site_id, bought.gpu, bought.year, bought.units_bought):
        rows.append((int(y), f"gpus:{g}", r, float(u) * par.gpus_per_unit[g], "GPUs", float(u) * par.unit_capex_usd(r, g, int(y))))
    for f in _steps(sites, "facility_mw", dict(par.existing_facility_mw)).itertuples():
        rows.append((int(f.year), "facility", f.site_id, f.added, "MW", f.added * par.facility_capex_usd_per_mw[f.site_id]))
    opened = _steps(sites.assign(open=sites.open.astype(bool).astype(float)), "open", {})
    for o in opened[(opened.added > 0.5) & ~opened.site_id.isin(par.built_at_start)].itertuples():
        rows.append((int(o.year), "site development", o.site_id, 1.0, "sites", par.site_fixed_usd[o.site_id]))
    seen: set[str] = set()
    for r, y, listed in sorted(zip(sites.site_id, sites.year, sites.tranches.fillna("").astype(str)), key=lambda t: t[1]):
        for q in (q for q in listed.split(";") if q and q not in seen):
            seen.add(q)
            rows.append((int(y), "interconnection", r, par.tranche_mw[q], "MW", par.tranche_overnight_usd[q]))
    bridged = sites[sites.site_id.isin(par.bridge_capex_usd_per_mw.keys())]
    for b in _steps(bridged, "bridge_mw", {}).itertuples():
        rows.append((int(b.year), "bridge capacity", b.site_id, b.added, "MW", b.added * par.bridge_capex_usd_per_mw[b.site_id]))
    out = pd.DataFrame(rows, columns=["year", "category", "site_id", "quantity", "quantity_unit", "usd"])
    return out[(out.usd > 0) | (out.quantity > 0)].reset_index(drop=True)


def cash(investment: pd.DataFrame, costs: pd.DataFrame, par: Params) -> pd.DataFrame:
    """``cash.csv``: investment in its planning year's calendar year, each planning year's opex in every calendar
    year it stands for; by calendar ``year`` × ``category`` × site, ``kind`` capex or opex, in USD, with what an
    investment buys (``quantity`` in ``quantity_unit``; blank for opex)."""
    inv = investment.assign(planning_year=investment.year, kind="capex")
    op = costs[costs.category.map(cost_kind) == "opex"].groupby(["year", "category", "site_id"], as_index=False, dropna=False).usd.sum()
    spans = pd.DataFrame([(y, y + k) for y, w in par.year_weight.items() for k in range(w)], columns=["planning_year", "calendar"])
    op = op.rename(columns={"year": "planning_year"}).merge(spans, on="planning_year").rename(columns={"calendar": "year"})
    op = op.assign(kind="opex", quantity=float("nan"), quantity_unit="")
    out = pd.concat([inv, op], ignore_index=True)
    out["site_id"] = out.site_id.fillna("")
    out["discount_factor"] = out.year.map(par.calendar_discount)
    return out[CASH_COLUMNS].sort_values(["year", "kind", "category", "site_id"]).reset_index(drop=True)


def group_of(category: str) -> str:
    """The :func:`cash_by_year` column of a cash category: ``GPUs <g>``, facility, sites, interconnection,
    bridge, or ``opex``."""
    if category.startswith("gpus:"):
        return f"GPUs {category.split(':', 1)[1]}"
    return INVESTMENT_GROUPS.get(category, "opex")


def cash_by_year(cash_frame: pd.DataFrame, years: list[int] | tuple[int, ...]) -> pd.DataFrame:
    """Calendar year × category in USD: one column per GPU generation, facility, sites, interconnection,
    bridge, ``investment`` (their sum), ``opex`` and ``cash`` (investment + opex); a row for every calendar
    year from the first planning year to the last, the years between planning years included."""
    calendar = list(range(int(years[0]), int(years[-1]) + 1))
    c = cash_frame.assign(group=cash_frame.category.map(group_of))
    wide = c.pivot_table(index="year", columns="group", values="usd", aggfunc="sum").reindex(calendar).fillna(0.0)
    gpus = sorted(g for g in wide.columns if g.startswith("GPUs "))
    invest = gpus + [g for g in ("facility", "sites", "interconnection", "bridge") if g in wide.columns]
    out = wide.reindex(columns=invest).assign(investment=wide[invest].sum(axis=1), opex=wide.get("opex", 0.0))
    out["cash"] = out.investment + out.opex
    return out.rename_axis(None, axis=1).reset_index(names="year")
