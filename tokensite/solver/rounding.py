"""How a rounded plan fixes each integer column, derived from the compiled column names and the Index.

The model says nothing about rounding: the solver reads the columns it was handed, by
(variable name, index), and groups them with the index sets and parameters they were built on.

* ``use_if_positive``: binaries set to 1 wherever the LP uses them at all (``open``, ``take``;
  ``take_after_horizon`` of a stochastic plan), since capacity only grows;
* ``tranches``: a site's grid tranches (``take``) with their MW and online years: of those the LP uses, the
  fewest that hold, in every year, the grid the LP took there (:func:`covering_tranches`), instead of every
  one the LP used a share of;
* ``one_of``: a training program's hosts, then its skip: the member chosen is set to 1, the rest
  to 0; the skip, last, is the group's fallback, except for a committed program (``must_host``: its
  skip column, which ``c_training_committed`` holds at 0), which is always given a host;
* ``round_up``: GPU units (``buy``), rounded up so every LP allocation stays feasible; installed units
  retired (``retire``), rounded up on their own: retiring more only shrinks a fleet whose lost work
  unserved demand absorbs and loosens the must-run row, while retiring less would make kept units run
  and could overrun a grid already fixed; ⌈x⌉ keeps retire non-decreasing in y and within the units installed;
* ``cover``: the ``buy`` columns of one generation at one site alive in one year, oldest first:
  their sum stays at or above its LP value, raised through the newest member (:func:`rounded_units`);
* ``supply``: the ``buy`` columns of one supply row (``c_gpu_supply``, ``c_policy_supply``) with its cap:
  rounding up may not buy more than the cap, so a row the LP fills is kept by rounding its most
  rounded-up members down (:func:`within_supply`);
* ``closable``: groups the local search may switch off together (one tranche; a site's open years
  with its tranches);
* ``needs``: a host's campus tranches, set to 1 with it (the LP that hosted a share of a program
  took only that share's grid); ``resource``: a host's campus, so rounding spreads programs the LP spread.

A model of several parts (the extensive form of a stochastic plan) names each part's columns
``<part>.<variable>``; each part is grouped with its own Index and Params.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from tokensite.compile import Compiled
from tokensite.model.index import Index
from tokensite.model.params import Params

AFTER_HORIZON = "take_after_horizon"  # a tranche a stochastic scenario lands after its horizon (tokensite.scenarios.stochastic)


@dataclass(frozen=True)
class RoundingColumns:
    """The rounding groups as column indices (see the module docstring)."""

    use_if_positive: np.ndarray
    one_of: list[np.ndarray]
    round_up: np.ndarray
    closable: list[np.ndarray] = field(default_factory=list)
    cover: list[np.ndarray] = field(default_factory=list)
    needs: dict[int, np.ndarray] = field(default_factory=dict)  # one_of member column -> columns set to 1 with it
    resource: dict[int, object] = field(default_factory=dict)  # one_of member column -> what it uses (a host's campus)
    must_host: frozenset[int] = frozenset()  # the skip columns of committed programs: never the member chosen
    supply: list[tuple[np.ndarray, float]] = field(default_factory=list)  # (buy columns of one supply row, its cap in units)
    tranches: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)  # per site: site, take columns, MW, online year


def _supply_rows(ix: Index, par: Params) -> list[tuple[list[tuple[str, object]], float]]:
    """The (buy keys, cap) of every GPU supply row: gpu_supply's per market, policy's per GPU (see their modules)."""
    at: dict[tuple, list[str]] = defaultdict(list)
    for r, g, y in ix.RGY:
        at[(g, y)].append(r)
    rows = []
    own = par.family.get("gpu_supply", {})
    for (g, k, y), cap in own.get("cap", {}).items():
        sites = set(own["sites"].get(k, ()))
        rows.append(([("buy", (r, g, y)) for r in at[(g, y)] if r in sites], float(cap)))
    for g, per_year in par.supply_units_per_year.items():
        for y in ix.Y:
            rows.append(([("buy", (r, g, y)) for r in at[(g, y)]], float(per_year) * par.year_weight[y]))
    return rows


def _part(col: dict, prefix: str, ix: Index, par: Params) -> RoundingColumns:
    q = f"{prefix}." if prefix else ""

    def cols(keys: list[tuple[str, object]]) -> np.ndarray:
        return np.array([col[(q + name, k)] for name, k in keys if (q + name, k) in col], dtype=np.int32)

    tranches_at: dict[str, list] = {}
    for k in ix.Q:
        tranches_at.setdefault(par.tranche_site[k], []).append(("take", k))
    hosts: dict[str, list] = {}
    for p, r in ix.PR:
        hosts.setdefault(p, []).append(("host", (p, r)))
    one_of = [c for c in (cols(hosts[p] + [("skip", p)]) for p in sorted(hosts)) if len(c)]
    needs, resource = {}, {}
    for p, r in ix.PR:
        j = col.get((q + "host", (p, r)))
        if j is None:
            continue
        resource[j] = (prefix, r)
        if len(tranche_cols := cols(tranches_at.get(r, []))):
            needs[j] = tranche_cols
    after_horizon = sorted(j for (name, _k), j in col.items() if name == q + AFTER_HORIZON)
    fleets = sorted(ix.FLEET, key=lambda k: (k[0], k[1], k[2]))
    cover = [cols([("buy", k) for k in sorted(ix.FLEET[key], key=lambda k: k[2])]) for key in fleets]
    closable = [cols([("take", k)]) for k in ix.Q] + [cols([("open", (r, y)) for y in ix.Y] + tranches_at.get(r, [])) for r in ix.R]
    return RoundingColumns(
        use_if_positive=np.concatenate([cols([("open", k) for k in ix.RY] + [("take", k) for k in ix.Q]), np.array(after_horizon, dtype=np.int32)]),
        one_of=one_of,
        round_up=cols([("buy", k) for k in ix.RGY] + [("retire", k) for k in ix.RGVY]),
        closable=[c for c in closable if len(c)],
        cover=[c for c in cover if len(c)],
        needs=needs,
        resource=resource,
        must_host=frozenset(col[(q + "skip", p)] for p in par.program_committed if (q + "skip", p) in col),
        supply=[(c, cap) for keys, cap in _supply_rows(ix, par) if len(c := cols(keys))],
        tranches=[(site, c, np.array([par.tranche_mw[k] for _, k in keys]), np.array([par.tranche_online_year[k] for _, k in keys]))
                  for site, keys in tranches_at.items() if len(c := cols(keys)) == len(keys)],
    )


def rounding_groups(comp: Compiled, parts: Mapping[str, tuple[Index, Params]]) -> RoundingColumns:
    """The groups of every part (``{"": (ix, par)}`` for one model; ``{"scenario_<s>": ...}`` for an
    extensive form), concatenated group kind by group kind. Raises if an integer column is in none."""
    col = {name: j for j, name in enumerate(comp.col_names)}
    got = [_part(col, prefix, ix, par) for prefix, (ix, par) in parts.items()]
    empty = np.array([], dtype=np.int32)
    out = RoundingColumns(
        use_if_positive=np.concatenate([g.use_if_positive for g in got] or [empty]),
        one_of=[c for g in got for c in g.one_of],
        round_up=np.concatenate([g.round_up for g in got] or [empty]),
        closable=[c for g in got for c in g.closable],
        cover=[c for g in got for c in g.cover],
        needs={k: v for g in got for k, v in g.needs.items()},
        resource={k: v for g in got for k, v in g.resource.items()},
        must_host=frozenset().union(*(g.must_host for g in got)),
        supply=[c for g in got for c in g.supply],
        tranches=[c for g in got for c in g.tranches],
    )
    declared = np.zeros(len(comp.col_names), dtype=bool)
    for group in (out.use_if_positive, out.round_up, *out.one_of):
        declared[group] = True
    if (comp.integer & ~declared).any():
        missing = sorted({comp.col_names[j][0] for j in np.flatnonzero(comp.integer & ~declared)})
        raise ValueError(f"integer variable(s) {', '.join(missing)} have no rounding rule: give them one in tokensite/solver/rounding.py")
    return out


ROUNDINGS = ("largest", "dive", "whole", "fallback")
"""How ``one_of`` groups are rounded, tried in turn until the rounded LP is feasible."""


def rounded_fixings(r: RoundingColumns, x: np.ndarray, units: bool, used: float, one_of: str = "largest",
                    needs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Columns and values that fix the binaries of x (and, with ``units``, the GPU units).

    use_if_positive: 1 wherever x > ``used``. one_of (a program's hosts, its skip last): under
    ``largest`` the skip if its x is the largest (the last on ties), else a host, groups taken
    from the surest; among a program's hosts the LP uses (a campus the LP gave it none of may not hold
    it in its year: the world's 2026 program was put on a campus that opens in 2028) the one whose resource
    (campus) has the most LP use left after the programs rounded before it, so that two programs the LP split between two
    campuses land on one each, not both on the same (ties: the larger x, then the last). Under
    ``whole`` a program the LP does not host whole (a grid too small for it forces that) is
    skipped; under ``fallback`` every program is, which needs no campus and so is always
    feasible. ``dive`` (:func:`tokensite.solver.phases._dive`) re-solves the LP with its split programs hosted
    one by one, then rounds that LP by ``largest``. A committed program (its skip in ``must_host``) is hosted
    under every rule, as under ``largest``: with committed programs no rule is sure to be feasible, and the phase says so. With ``needs`` (rounding the LP, not re-fixing a plan) the binaries a chosen host
    needs are 1 with it (its campus's tranches: the local search closes those the plan does not
    use). round_up (with ``units``): :func:`rounded_units`.
    """
    fixed = dict(zip(r.use_if_positive.tolist(), (x[r.use_if_positive] > used).astype(float).tolist()))
    for _site, cols, mw, online in r.tranches:
        fixed.update(zip(cols.tolist(), covering_tranches(x[cols], mw, online, used).tolist()))
    resource = {c: r.resource.get(c, c) for g in r.one_of for c in g[:-1].tolist()}
    left: dict = defaultdict(float)
    for c, key in resource.items():
        left[key] += x[c]
    for group in sorted(r.one_of, key=lambda g: -float(x[g[:-1]].max()) if len(g) > 1 else 0.0):
        hosts, skip = group[:-1].tolist(), int(group[-1])
        best = skip
        may_skip = skip not in r.must_host
        if hosts and (not may_skip or (one_of != "fallback" and x[skip] < max(x[hosts]) and not (one_of == "whole" and x[skip] > 1e-3))):
            best = max(reversed([c for c in hosts if x[c] > used] or hosts), key=lambda c: (round(left[resource[c]], 9), x[c]))
            left[resource[best]] -= 1.0
        fixed.update(zip(group.tolist(), (group == best).astype(float).tolist()))
        if needs:
            fixed.update((int(c), 1.0) for c in r.needs.get(int(best), ()))
    idx, val = [np.array(list(fixed), dtype=np.int64)], [np.array(list(fixed.values()), dtype=float)]
    if units:
        idx.append(r.round_up)
        val.append(within_supply(r.round_up, rounded_units(r.round_up, r.cover, x, used), r.supply, x))
    return np.concatenate(idx).astype(np.int32), np.concatenate(val).astype(float)


def covering_tranches(x: np.ndarray, mw: np.ndarray, online: np.ndarray, used: float) -> np.ndarray:
    """1 for the tranches of one site taken, 0 for the rest: year by year (each online year, in order), while the
    MW taken and online falls short of the LP's Σ x·mw online, the tranche with the largest LP share (then the
    earliest, then the first) that the LP used more than ``used`` of is added. The LP's grid in every year is then
    held, so its allocation stays feasible; rounding every tranche used up instead held twice the grid a site
    needed at six world sites (Ulanqab 10.3 GW for a 3.6 GW peak)."""
    taken = np.zeros(len(x), dtype=bool)
    for y in np.unique(online):
        on = online <= y
        need = float((x * mw)[on].sum())
        have = float(mw[taken & on].sum())
        for i in sorted(np.flatnonzero(on & ~taken & (x > used)), key=lambda i: (-x[i], online[i], i)):
            if have >= need * (1 - 1e-9):
                break
            taken[i] = True
            have += float(mw[i])
    return taken.astype(float)


def within_supply(cols: np.ndarray, rounded: np.ndarray, supply: list[tuple[np.ndarray, float]], x: np.ndarray) -> np.ndarray:
    """``rounded`` with every supply row's sum at most ⌊cap⌋: where rounding up bought more than the row
    allows, the members rounded up most (rounded − x) are rounded down first, to ⌊x⌋, then to 0 if the
    cover's raises still overrun. A member bought below its LP value leaves some of its LP work to the
    re-solve (other GPUs, or unserved tokens), which is always feasible; buying above the cap never is."""
    value = dict(zip(cols.tolist(), rounded.tolist()))
    for group, cap in supply:
        members = [c for c in group.tolist() if c in value]
        over = sum(value[c] for c in members) - np.floor(cap + 1e-6)
        for floor_to_zero in (False, True):
            for c in sorted(members, key=lambda c: (-(value[c] - x[c]), c)):
                if over <= 0:
                    break
                down = min(over, value[c] - (0.0 if floor_to_zero else max(np.floor(x[c]), 0.0)))
                if down > 0:
                    value[c] -= down
                    over -= down
    return np.array([value[c] for c in cols.tolist()], dtype=float)


def fixings_of(comp: Compiled, r: RoundingColumns, x: np.ndarray, **rule: object) -> tuple[np.ndarray, np.ndarray]:
    """:func:`rounded_fixings` of HiGHS's column values x, decided in the model's units (a program's skip is
    a share of the program, whatever unit HiGHS holds it in) and returned as HiGHS's column values."""
    idx, val = rounded_fixings(r, comp.model_x(x), **rule)
    return idx, val / comp.unit_of(idx)


def rounded_units(cols: np.ndarray, cover: list[np.ndarray], x: np.ndarray, used: float) -> np.ndarray:
    """Integer values for ``cols`` whose every cover group sums to at least ⌈Σ x − used⌉.

    Groups are taken in the order declared (oldest year first); a group short of its LP sum
    raises its newest member, which lives longest and so also counts in later groups. A column
    in no group is rounded up on its own. Every LP allocation stays feasible: each fleet is at
    least its LP value.
    """
    value = dict(zip(cols.tolist(), np.zeros(len(cols))))
    covered: set[int] = set()
    for group in cover:
        members = [c for c in group.tolist() if c in value]
        if not members:
            continue
        covered.update(members)
        short = np.ceil(float(x[members].sum()) - used) - sum(value[c] for c in members)
        if short > 0:
            value[members[-1]] += short
    for c in set(value) - covered:
        value[c] = float(np.ceil(x[c] - used))
    return np.array([value[c] for c in cols.tolist()], dtype=float)
