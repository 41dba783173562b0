"""Committed training programs (training.csv ``committed``): refused before the solve when no campus can host them.

A committed program must be hosted: ``c_training_committed`` (:mod:`tokensite.model.training`) holds
skip[p] = 0. Whether any allowed campus can hold it at all is decided here from the data, before the
model is built, so that such a program is refused with its year and reason, in the words of the
why-not-here reasons (:mod:`tokensite.results.explain.training`), instead of as an infeasible solve.

For each planning year y from the program's start, in order, its allowed campuses (``training_hosts``)
are filtered in turn, and the first filter that leaves none names the reason and the year:

* ``no_host_by_year``: the campus can take GPUs by y (a generation on sale there, or installed) and has
  power by y (grid today, a queue tranche online, or bridge power);
* ``min_campus``: its ``max_mw`` reaches the program's ``min_campus_mw``;
* ``campus_power``: its most power by y (:func:`power_by_mw`) covers the program's draw on the most
  power-efficient generation it can hold in y (:func:`program_draw_mw`);
* ``build_pace``: the facility its build pace allows by y (:func:`tokensite.model.pace.paced_mw`) reaches
  both ``min_campus_mw`` and that draw.

Each filter is a necessary condition of the model's own rows: hosting at r needs the program's
throughput at r in every year from its start (``c_training_throughput``), hence units of a generation in
r's fleet, whose draw is at most ``facility_mw`` (``c_power_facility``) and at most grid plus bridge
(``c_power_energy``, ``c_power_grid``, ``c_power_bridge``); ``facility_mw ≥ min_campus_mw``
(``c_training_campus``), ``facility_mw ≤ max_mw`` and the pace rows bound the same facility. So a refused
program has no feasible plan. A program that passes may still be infeasible jointly with others (two
committed programs on one campus, or a GPU supply cap): only the solve can decide that.
"""

from __future__ import annotations

import math

from tokensite.dataset import Dataset
from tokensite.errors import CommittedProgramError
from tokensite.model.index import Index
from tokensite.model.pace import NAME as PACE, paced_mw
from tokensite.model.params import Params
from tokensite.units import tokens_to_mtok

FIX = "give it an allowed campus that can host it by then (training.csv jurisdictions, regions.csv), or set committed to false"


def program_draw_mw(ix: Index, par: Params, p: str, r: str, y: int) -> float:
    """Facility draw of program p at site r in year y on the most power-efficient GPU it can hold there (inf if none)."""
    l = par.program_layer[p]
    rate = tokens_to_mtok(par.program_tokens_per_s[p])
    gens = {g for (rr, g, ll, yy) in ix.RGLY_TRAIN if rr == r and ll == l and yy == y}
    return min((rate / par.mtok_per_s_per_unit_in(g, l, y) * par.mw_per_unit[(g, l)] * par.pue[r] for g in gens), default=math.inf)


def power_by_mw(par: Params, r: str, y: int) -> float:
    """The most a site can draw in year y: existing grid, queue tranches online by y and bridge power, within max_mw."""
    grid = par.existing_mw.get(r, 0.0) + sum(par.tranche_mw[q] for q, s in par.tranche_site.items() if s == r and par.tranche_online_year[q] <= y)
    return min(par.max_mw[r], grid + par.bridge_max_mw.get(r, 0.0))


def _usable(ix: Index, par: Params, r: str, y: int) -> bool:
    """GPUs can be installed at r by y, with some power there by then."""
    powered = par.existing_mw.get(r, 0.0) > 0 or r in par.bridge_max_mw or any(
        s == r and par.tranche_online_year[q] <= y for q, s in par.tranche_site.items())
    return powered and any((r, g, y) in ix.FLEET for g in ix.G)


def refusal(ix: Index, par: Params, allowed: list[str], p: str, pace: dict[str, float]) -> tuple[str, int, str] | None:
    """(reason, year, detail) when no allowed campus can host program p, else None."""
    left, need = list(allowed), par.program_min_campus_mw[p]
    if not left:
        return "no_host_by_year", ix.first_year_from(par.program_start_year[p]), (
            f"no campus may host program {p} (regions.csv training_allowed, the program's jurisdictions and the layers a site serves)")
    for y in (y for y in ix.Y if y >= par.program_start_year[p]):
        n = len(left)
        if not (left := [r for r in left if _usable(ix, par, r, y)]):
            return "no_host_by_year", y, f"none of the {n} allowed campuses can take GPUs with power by {y}"
        if not (left := [r for r in left if par.max_mw[r] >= need]):
            return "min_campus", y, f"no allowed campus reaches the {need:g} MW program {p} needs"
        draw = {r: program_draw_mw(ix, par, p, r, y) for r in left}
        best = max(left, key=lambda r: power_by_mw(par, r, y) - draw[r])
        if not (left := [r for r in left if power_by_mw(par, r, y) >= draw[r]]):
            if not math.isfinite(draw[best]):
                return "campus_power", y, f"no allowed campus can power program {p} in {y}: none has a GPU generation for layer {par.program_layer[p]} then"
            return "campus_power", y, (f"no allowed campus can power program {p} by {y}: at the best, {best}, it draws {draw[best]:,.0f} MW on the "
                                       f"newest GPUs against {power_by_mw(par, best, y):,.0f} MW of existing grid, queue tranches online by then and bridge power")
        y0 = ix.Y[0]
        paced = {r: paced_mw(pace[r], par.existing_facility_mw.get(r, 0.0), y0, y) if r in pace else math.inf for r in left}
        best = max(left, key=lambda r: paced[r])
        if not (left := [r for r in left if paced[r] >= max(need, draw[r])]):
            return "build_pace", y, (f"no allowed campus can be built up to program {p}'s {max(need, draw[best]):,.0f} MW by {y}: "
                                     f"at the fastest, {best}, its build pace allows {paced[best]:,.0f} MW by then")
    return None


def check_committed(ds: Dataset, ix: Index, par: Params, pace: bool = True) -> None:
    """Raise :class:`~tokensite.errors.CommittedProgramError` naming every committed program no allowed
    campus can host (``pace``: the build pace rows are built)."""
    committed = [p for p in ix.P if p in par.program_committed]
    if not committed:
        return
    pace_mw = par.family.get(PACE, {}).get("mw_per_year", {}) if pace else {}
    hosts = ds.training_hosts
    line = {p: int(i) + 2 for i, p in zip(ds.training.index, ds.training.program_id)}
    out = []
    for p in committed:
        found = refusal(ix, par, list(hosts.site_id[hosts.program_id == p]), p, pace_mw)
        if found:
            reason, y, detail = found
            out.append((p, line.get(p), reason, y, detail, FIX))
    if out:
        raise CommittedProgramError(out)
