"""Why not here, where GPUs are the reason: every generation that would serve is banned at the sites
(gpu_access.csv: ``banned``) or its supply is used up there (gpu_supply.csv: ``supply``).

Both read the model's own sets and coefficients: a generation may be bought at r in y where
(r, g, y) is in RGY, and it is banned where ``Params.gpu_banned`` holds (r, g, y); a supply row
(g, k, y) is used up where the plan bought its whole cap (``par.family["gpu_supply"]``, the family's
own coefficients, and the fleet the plan bought).
"""

from __future__ import annotations

from tokensite.model.gpu_supply import NAME as SUPPLY
from tokensite.results.explain.context import Context

USED_UP = 1e-6  # units: a cap is used up when the plan buys all of it (units are integers)


def _serving(c: Context, l: str) -> list[str]:
    return [g for g in c.ix.G if (g, l) in c.par.mtok_per_s_per_unit]


def banned_at(c: Context, sites: list[str], l: str, y: int) -> str | None:
    """The detail when no generation serving l can be bought at ``sites`` in any planning year ≤ y
    because export rules ban it there (None when something can be bought, or nothing is banned)."""
    rgy, years, gens = set(c.ix.RGY), [yy for yy in c.ix.Y if yy <= y], _serving(c, l)
    if not sites or any((r, g, yy) in rgy for r in sites for g in gens for yy in years):
        return None
    banned = sorted({g for r in sites for g in gens for yy in years if (r, g, yy) in c.par.gpu_banned})
    if not banned:
        return None
    countries = sorted(set(c.ds.regions.set_index("site_id").country.loc[sites]))
    return f"every GPU generation that serves {l} ({', '.join(banned)}) is banned in {', '.join(countries)} up to {y} (gpu_access.csv)"


def supply_used_up(c: Context, sites: list[str], l: str, y: int) -> str | None:
    """The detail when every purchase that could serve l at ``sites`` in y (a generation serving l, bought
    in a planning year whose units are still active in y) falls under a supply row the plan used up."""
    own = c.par.family.get(SUPPLY, {})
    cap, members = own.get("cap", {}), own.get("sites", {})
    if not cap:
        return None
    fleet = c.frames["fleet"]
    bought = {(r, g, int(yy)): float(u) for r, g, yy, u in zip(fleet.site_id, fleet.gpu, fleet.year, fleet.units_bought)}
    used_up = {}
    for (g, k, yy), units in cap.items():
        total = sum(bought.get((r, g, yy), 0.0) for r in members.get(k, ()))
        if total >= units - USED_UP:
            used_up[(g, k, yy)] = units
    options = [k for r in sites for g in _serving(c, l) for k in c.ix.FLEET.get((r, g, y), ())]
    if not options:
        return None
    binding: set[tuple] = set()
    for r, g, yy in options:
        rows = [(g, k, yy) for k, rs in members.items() if r in rs and (g, k, yy) in used_up]
        if not rows:
            return None
        binding.add(rows[0])
    named = ", ".join(f"{g} in {'the world' if k == '*' else k} {yy} ({used_up[(g, k, yy)]:g} units)" for g, k, yy in sorted(binding))
    return f"every GPU purchase that would serve {l} here is at its supply cap: {named} (gpu_supply.csv)"


def banned_site(c: Context, r: str) -> str | None:
    """The detail when no GPU generation can be bought at site r in any planning year because export rules ban them all."""
    if any(rr == r for rr, _g, _y in c.ix.RGY):
        return None
    banned = sorted({g for rr, g, _y in c.par.gpu_banned if rr == r})
    if not banned:
        return None
    country = c.ds.regions.set_index("site_id").country[r]
    return f"every GPU generation on sale here ({', '.join(banned)}) is banned in {country} through {c.ix.Y[-1]} (gpu_access.csv)"
