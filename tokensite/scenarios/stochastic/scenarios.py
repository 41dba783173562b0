"""The futures of a stochastic plan: each a name, a probability and overrides (as in a sweep), read
from a CSV; and the mean-value future, every override at its probability-weighted mean."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokensite.config import Case
from tokensite.dataset.overrides import CellOverride, QueueShift, apply_to_case, neutral_value, parse_all, parse_key
from tokensite.errors import UserError

PROBABILITY_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Scenario:
    name: str
    probability: float
    overrides: tuple[tuple[str, Any], ...]


def _cell(text: str) -> Any:
    text = text.strip()
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def read_scenarios(path: str | Path) -> list[Scenario]:
    """Scenarios from a CSV: ``name``, ``probability``, then one column per override key (a blank
    cell leaves that key at the base). Probabilities are in (0, 1] and sum to 1.
    Raises :class:`UserError` naming the file, line and column at fault."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such scenarios file")
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    if not rows or [h.strip() for h in rows[0][:2]] != ["name", "probability"]:
        raise UserError(f"{path}:1: the header must start with name,probability then one column per override key")
    keys = [h.strip() for h in rows[0][2:]]
    parse_all([(k, neutral_value(k)) for k in keys], f"{path}:1")
    out = []
    for line, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        r = r + [""] * (len(keys) + 2 - len(r))
        name = r[0].strip()
        try:
            p = float(r[1])
        except ValueError:
            raise UserError(f"{path}:{line}: probability {r[1]!r} is not a number") from None
        if not name or not (0 < p <= 1):
            raise UserError(f"{path}:{line}: needs a name and a probability in (0, 1] (got {name!r}, {r[1]!r})")
        given = tuple((k, _cell(v)) for k, v in zip(keys, r[2:]) if v.strip())
        parse_all(given, f"{path}:{line}")
        out.append(Scenario(name, p, given))
    names = [s.name for s in out]
    if not out:
        raise UserError(f"{path}: no scenarios")
    if len(set(names)) != len(names):
        raise UserError(f"{path}: scenario names repeat: {', '.join(sorted({n for n in names if names.count(n) > 1}))}")
    total = sum(s.probability for s in out)
    if abs(total - 1) > PROBABILITY_TOLERANCE:
        raise UserError(f"{path}: probabilities sum to {total:g}, not 1")
    return out


def scenario_case(base: Case, sc: Scenario, **solver: Any) -> Case:
    """The base case in one future: its overrides applied, named after it, with the study's solver options."""
    return apply_to_case(base, list(sc.overrides), name=sc.name).with_solver(**solver)


def mean_value_overrides(base: Case, scenarios: list[Scenario]) -> list[tuple[str, Any]]:
    """Every override at its probability-weighted mean; where a scenario leaves a key out it counts at
    the base: the case's own [scale] value, 1 for a multiplying cell override, 0 for a queue shift.
    A cell set to a value has no base to average with, so it must be given in every scenario."""
    keys = list(dict.fromkeys(k for s in scenarios for k, _ in s.overrides))
    out = []
    for k in keys:
        parsed = parse_key(k)
        if isinstance(parsed, tuple):
            at_base: Any = getattr(base.scale, parsed[0])
        elif isinstance(parsed, QueueShift):
            at_base = 0
        elif isinstance(parsed, CellOverride) and parsed.multiply:
            at_base = 1.0
        else:
            at_base = None
        values = []
        for s in scenarios:
            v = dict(s.overrides).get(k, at_base)
            if v is None or isinstance(v, str):
                raise UserError(f"the mean-value plan needs {k} as a number in every scenario (scenario {s.name} has {v!r})")
            values.append(s.probability * float(v))
        mean = sum(values)
        out.append((k, round(mean, 12) if not isinstance(parsed, QueueShift) else mean))
    return out
