"""Why a training program is unhosted: no host by its start, campus size, campus power, or cost against value."""

from __future__ import annotations

import math

from tokensite.model.yardstick import delivered_usd_per_mtok, total_usd_per_mtok
from tokensite.results.explain.context import Context, fmt, largest_term
from tokensite.units import tokens_to_mtok


def explain_training(c: Context) -> list[dict]:
    ds, ix, par = c.ds, c.ix, c.par
    tr = c.frames["training"]
    rows = []
    for row in tr[~tr.hosted.astype(bool)].itertuples():
        p = row.program_id
        start = par.program_start_year[p]
        allowed = list(ds.training_hosts[ds.training_hosts.program_id == p].site_id)
        base = dict(kind="training", site_id="", metro_id="", layer=par.program_layer[p], year=start)
        first = ix.first_year_from(start)
        need_mw = par.program_min_campus_mw[p]
        big = [r for r in allowed if par.max_mw[r] >= need_mw]
        draw = {r: _program_draw_mw(c, p, r, first) for r in big}
        powered = [r for r in big if _power_by_mw(c, r, first) >= draw[r]]
        if not [r for r in allowed if c.usable_by(r, first)]:
            rows.append({**base, "reason": "no_host_by_year", "detail": f"none of the {len(allowed)} allowed campuses can take GPUs with power by {first}; program {p} unhosted"})
        elif not big:
            rows.append({**base, "reason": "min_campus", "detail": f"no allowed campus reaches the {par.program_min_campus_mw[p]:g} MW program {p} needs"})
        elif not powered:
            best = max(big, key=lambda r: _power_by_mw(c, r, first))
            rows.append({**base, "reason": "campus_power", "detail": (
                f"no allowed campus can power program {p} by {first}: at the best, {best}, it draws {draw[best]:,.0f} MW on the "
                f"newest GPUs against {_power_by_mw(c, best, first):,.0f} MW of existing grid, queue tranches online by then and bridge power")})
        else:
            rate = tokens_to_mtok(par.program_tokens_per_s[p])
            l = par.program_layer[p]
            value = par.value_usd_per_mtok[(l, first)]
            costs = [(total_usd_per_mtok(cost), r, cost) for r in powered
                     if c.usable_by(r, first) and (cost := delivered_usd_per_mtok(ix, par, r, l, first, rate)) is not None]
            if not costs:
                rows.append({**base, "reason": "cost_above_value", "detail": f"no allowed campus can host program {p} with a GPU generation on sale by {first}"})
                continue
            cheapest, r, cost = min(costs, key=lambda t: t[0])
            where = f"hosting program {p} at the cheapest allowed campus, {r}, would cost {fmt(cheapest)} USD/Mtok against a value of {value:g} USD/Mtok"
            if cheapest > value:
                rows.append({**base, "reason": "cost_above_value", "detail": f"{where} (largest term {largest_term(cost)})"})
            else:
                rows.append({**base, "reason": "within_gap", "detail": (
                    f"{where}: by this yardstick worth hosting; the campus it needs competes for the same grid with the other layers, "
                    f"and the plan is within its gap of the optimum, not at it")})
    return rows


def _program_draw_mw(c: Context, p: str, r: str, y: int) -> float:
    """Facility draw of program p at site r in year y on the most power-efficient GPU on sale there (inf if none)."""
    par, l = c.par, c.par.program_layer[p]
    rate = tokens_to_mtok(par.program_tokens_per_s[p])
    gens = {g for (rr, g, ll, yy) in c.ix.RGLY_TRAIN if rr == r and ll == l and yy == y}
    return min((rate / par.mtok_per_s_per_unit_in(g, l, y) * par.mw_per_unit[(g, l)] * par.pue[r] for g in gens), default=math.inf)


def _power_by_mw(c: Context, r: str, y: int) -> float:
    """The most a site can draw in year y: existing grid, queue tranches online by y and bridge power, within max_mw."""
    par = c.par
    grid = par.existing_mw.get(r, 0.0) + sum(par.tranche_mw[q] for q, s in par.tranche_site.items() if s == r and par.tranche_online_year[q] <= y)
    return min(par.max_mw[r], grid + par.bridge_max_mw.get(r, 0.0))
