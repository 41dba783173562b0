"""Why a training program is unhosted: no host by its start, campus size, campus power, or cost against value."""

from __future__ import annotations

from tokensite.model.committed import power_by_mw, program_draw_mw
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
        draw = {r: program_draw_mw(ix, par, p, r, first) for r in big}
        powered = [r for r in big if power_by_mw(par, r, first) >= draw[r]]
        if not [r for r in allowed if c.usable_by(r, first)]:
            rows.append({**base, "reason": "no_host_by_year", "detail": f"none of the {len(allowed)} allowed campuses can take GPUs with power by {first}; program {p} unhosted"})
        elif not big:
            rows.append({**base, "reason": "min_campus", "detail": f"no allowed campus reaches the {par.program_min_campus_mw[p]:g} MW program {p} needs"})
        elif not powered:
            best = max(big, key=lambda r: power_by_mw(par, r, first))
            rows.append({**base, "reason": "campus_power", "detail": (
                f"no allowed campus can power program {p} by {first}: at the best, {best}, it draws {draw[best]:,.0f} MW on the "
                f"newest GPUs against {power_by_mw(par, best, first):,.0f} MW of existing grid, queue tranches online by then and bridge power")})
        else:
            rate = tokens_to_mtok(par.program_tokens_per_s[p])
            l = par.program_layer[p]
            value = par.program_value_usd_per_mtok(p, first)
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

