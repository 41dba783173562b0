"""Registries through which families share quantities without reaching into each other.

Every family writes what others consume here, and reads only through these functions:

* **costs**: annual cost terms by (category, site, year), summed by the objective and read
  back by extract for the plan tables;
* **grid supply**: MW a family adds to a site's grid connection (the queue family's
  tranches); the power family's grid row reads the total;
* **investment**: overnight MUSD spent in a planning year (GPUs, facility MW, site
  development, tranches); the policy family's budget row reads it;
* **price rows**: the row groups whose duals are marginal values reported in prices.csv;
* **readouts**: expressions extract reads back at the solution (a site's draw and grid by slice
  and year); the hand-off turns them, and the cost terms, into arrays
  (:class:`tokensite.compile.Readout`), so no Pyomo object is needed once HiGHS has the model;
* **tightening rows**: valid inequalities that only tighten the LP relaxation and are
  redundant once the binaries are fixed; the solver drops them from its fixed-integer LPs so
  that the duals there are the marginal values of the real rows.

A registry is sealed when it is first read: a family that registers into it afterwards
raises, so a change of build order can never silently change what a row means.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyomo.environ as pyo

COST_CATEGORIES = (
    "gpus:<gpu>", "facility", "fixed O&M", "site development", "interconnection", "bridge capacity",
    "bridge fuel", "energy:<tier>", "transit", "carbon", "unserved tokens", "declined demand", "unhosted training",
)
CAPEX = ("gpus", "facility", "site development", "interconnection", "bridge capacity")
UNSERVED = ("unserved tokens", "declined demand", "unhosted training")
PRICE_KINDS = ("grid_mw", "facility_mw", "token_year", "token_slice", "site_token_capacity", "gpu_supply")


def cost_kind(category: str) -> str:
    """capex | opex | unserved, from a registered cost category (``gpus:H100``, ``energy:firm`` ...).

    Unserved value is not spending: a plan's spend (capex + opex) is its cost without it.
    """
    head = category.split(":")[0]
    return "capex" if head in CAPEX else "unserved" if head in UNSERVED else "opex"


@dataclass
class Ledger:
    costs: dict[tuple[str, str, int], list] = field(default_factory=dict)
    grid_supply_mw: dict[tuple[str, int], list] = field(default_factory=dict)
    investment_musd: dict[int, list] = field(default_factory=dict)
    price_rows: dict[str, pyo.Constraint] = field(default_factory=dict)
    tightening: list[pyo.Constraint] = field(default_factory=list)
    readouts: dict[str, object] = field(default_factory=dict)  # name -> {key: expression}
    sealed: set[str] = field(default_factory=set)

    def _open(self, registry: str) -> None:
        if registry in self.sealed:
            raise RuntimeError(f"{registry} registered after it was read: build the family that adds it earlier (model/build.py)")


def ledger(m: pyo.ConcreteModel) -> Ledger:
    return m._ledger


def add_cost(m: pyo.ConcreteModel, category: str, year: int, expr: object, site: str = "") -> None:
    """Register an annual cost term in MUSD per calendar year of planning year ``year``.

    Terms are kept by (category, site, year) so plans can be read off the very expressions
    the objective sums. Categories are listed in :data:`COST_CATEGORIES`.
    """
    led = ledger(m)
    led._open("costs")
    led.costs.setdefault((category, site, year), []).append(expr)


def add_grid_supply(m: pyo.ConcreteModel, site: str, year: int, expr: object) -> None:
    """Register MW of grid connection at ``site`` available in ``year`` (beyond existing_mw)."""
    led = ledger(m)
    led._open("grid supply")
    led.grid_supply_mw.setdefault((site, year), []).append(expr)


def add_investment(m: pyo.ConcreteModel, year: int, expr: object) -> None:
    """Register overnight investment (MUSD) made in planning year ``year``."""
    led = ledger(m)
    led._open("investment")
    led.investment_musd.setdefault(year, []).append(expr)


def register_price_rows(m: pyo.ConcreteModel, kind: str, rows: pyo.Constraint) -> None:
    """Declare that the duals of ``rows`` give the marginal value ``kind`` (one of PRICE_KINDS)."""
    if kind not in PRICE_KINDS:
        raise ValueError(f"unknown price kind {kind!r}; known: {', '.join(PRICE_KINDS)}")
    ledger(m).price_rows[kind] = rows


def register_tightening(m: pyo.ConcreteModel, rows: pyo.Constraint) -> None:
    """Declare ``rows`` valid inequalities that are redundant once every binary is fixed."""
    ledger(m).tightening.append(rows)


def add_readout(m: pyo.ConcreteModel, name: str, exprs: object) -> None:
    """Register ``exprs`` ({key: linear expression}, e.g. an indexed ``pyo.Expression``) to be read
    back at the solution as ``name``."""
    ledger(m).readouts[name] = exprs


def grid_supply_terms(m: pyo.ConcreteModel, site: str, year: int) -> list:
    """The registered grid supply at (site, year); seals the registry."""
    led = ledger(m)
    led.sealed.add("grid supply")
    return led.grid_supply_mw.get((site, year), [])


def investment_terms(m: pyo.ConcreteModel, year: int) -> list:
    """The registered overnight investment of ``year``; seals the registry."""
    led = ledger(m)
    led.sealed.add("investment")
    return led.investment_musd.get(year, [])


def cost_terms(m: pyo.ConcreteModel) -> dict[tuple[str, str, int], list]:
    """Every registered cost term; seals the registry (the objective reads it last)."""
    led = ledger(m)
    led.sealed.add("costs")
    return led.costs
