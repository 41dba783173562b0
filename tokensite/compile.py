"""Pyomo model -> plain arrays for HiGHS, with the names to map a solution back.

Pyomo's ``LinearStandardFormCompiler`` (mixed form: each row keeps its sense) gives a CSC
matrix that goes to ``highspy.Highs.passModel`` directly; no LP file is written. Each variable and row
family is measured in the internal unit :mod:`tokensite.scaling` chooses for the case (a power of ten of
the model's unit), and money by a power of 2, so HiGHS sees costs, bounds and right-hand sides in its range:
a column value x is ``col_unit · x`` in model units, a row dual ``row_unit · dual / objective_scale``. After this
step nothing downstream needs the Pyomo objects, and the model is dropped before HiGHS runs:
columns and rows are known by (component name, index) — ``<block>.<name>`` for a component inside a
block, such as a scenario of an extensive form — and what extract reads back (the cost terms and the ledger's readouts) are sparse
linear maps of the columns (:class:`Readout`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import repeat

import highspy
import numpy as np
import pyomo.environ as pyo
import scipy.sparse as sp
from pyomo.repn.linear import LinearRepnVisitor
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from tokensite.config import SolverOptions
from tokensite.model.ledger import cost_kind, ledger
from tokensite.scaling import choose_units

INF = highspy.kHighsInf
Name = tuple[str, object]  # (component name, index)
COST_CENTRE = SolverOptions().cost_centre  # [solver] cost_centre's default: the geometric centre of the world's cost range


@dataclass(frozen=True)
class Readout:
    """Linear expressions of the model by key, as arrays: their values at x are ``matrix @ x + constant``
    (a variable the compiler removed counts at its fixed value, inside ``constant``)."""

    keys: list
    matrix: sp.csr_array
    constant: np.ndarray

    def at(self, x: np.ndarray) -> np.ndarray:
        return self.matrix @ x + self.constant

    def items_at(self, x: np.ndarray) -> dict:
        return dict(zip(self.keys, self.at(x).tolist()))


def _readout(exprs: Mapping, col_of: dict[int, int], n_cols: int, visitor: LinearRepnVisitor, col_unit: np.ndarray | None = None) -> Readout:
    """``exprs`` ({key: expression or list of expressions, summed}) as a :class:`Readout` of HiGHS's column
    values (each column's coefficient times its ``col_unit``)."""
    keys, rows, cols, vals, constant = [], [], [], [], []
    for i, (key, terms) in enumerate(exprs.items()):
        keys.append(key)
        c = 0.0
        for e in terms if isinstance(terms, list) else [terms]:
            repn = visitor.walk_expression(e)
            if repn.nonlinear is not None:
                raise ValueError(f"readout {key!r} is not linear")
            c += float(repn.constant)
            cols.extend(map(col_of.get, repn.linear, repeat(-1)))  # -1: a variable in no row (its value is 0)
            vals.extend(repn.linear.values())
            rows.extend(repeat(i, len(repn.linear)))
        constant.append(c)
    col = np.fromiter(cols, dtype=np.int64, count=len(cols))
    kept = col >= 0
    row = np.fromiter(rows, dtype=np.int64, count=len(rows))[kept]
    val = np.fromiter(vals, dtype=float, count=len(vals))[kept]
    if col_unit is not None:
        val = val * col_unit[col[kept]]
    matrix = sp.csr_array((val, (row, col[kept])), shape=(len(keys), n_cols))
    return Readout(keys, matrix, np.asarray(constant, dtype=float))


@dataclass(frozen=True)
class Compiled:
    lp: highspy.HighsLp  # continuous: integrality is kept apart in ``integer``
    integer: np.ndarray  # bool per column
    offset: float  # objective constant
    col_names: list[Name]
    row_names: list[Name]
    left_out: dict[Name, float] = field(default_factory=dict)  # variables the compiler removed (fixed), with their value
    price_rows: dict[str, str] = field(default_factory=dict)  # price kind -> row group name
    objective_scale: float = 1.0  # lp.col_cost_ = objective_scale x the model's costs (a power of 2)
    unserved_cols: np.ndarray = field(default_factory=lambda: np.array([], int))  # columns whose cost is the value of unserved tokens
    tightening_rows: np.ndarray = field(default_factory=lambda: np.array([], int))  # rows redundant once the binaries are fixed
    readouts: dict[str, Readout] = field(default_factory=dict)  # "costs" by (category, site, year), and the ledger's readouts
    col_unit: np.ndarray | None = None  # model units per HiGHS unit of each column (x_model = col_unit · x); None: all 1
    row_unit: np.ndarray | None = None  # HiGHS row = row_unit · model row; None: all 1
    units: dict[str, int] = field(default_factory=dict)  # family -> its power of ten (κ of a variable, ρ of a row family), nonzero only

    def model_x(self, x: np.ndarray) -> np.ndarray:
        """Column values x in the model's units (Mtok/s, MW, GPU units)."""
        return x if self.col_unit is None else x * self.col_unit

    def unit_of(self, cols: np.ndarray) -> np.ndarray:
        """Model units per HiGHS unit of the columns ``cols``."""
        return np.ones(len(cols)) if self.col_unit is None else self.col_unit[cols]

    def highs_x(self, x_model: np.ndarray) -> np.ndarray:
        """Column values in the model's units as HiGHS's column values (the inverse of :meth:`model_x`)."""
        return x_model if self.col_unit is None else x_model / self.col_unit

    def peak_draw_mw(self, x: np.ndarray) -> dict[tuple, float]:
        """Each (site, year)'s largest facility draw over its time slices (MW, at least 0) at HiGHS's column values x,
        from the ledger's ``draw_mw`` readout."""
        peak: dict[tuple, float] = {}
        for (r, _t, y), mw in self.readouts["draw_mw"].items_at(x).items():
            peak[(r, y)] = max(peak.get((r, y), 0.0), mw)
        return peak

    def model_duals(self, row_dual: np.ndarray) -> np.ndarray:
        """HiGHS's row duals as duals of the model's rows (MUSD per row unit)."""
        return (row_dual if self.row_unit is None else row_dual * self.row_unit) / self.objective_scale

    def objective_of(self, x: np.ndarray) -> float:
        """The model's objective (MUSD) at x."""
        return float(np.dot(self.lp.col_cost_, x)) / self.objective_scale + self.offset

    def spend_of(self, x: np.ndarray) -> float:
        """What the plan x spends (capex + opex, discounted MUSD): the objective less unserved value."""
        cols = self.unserved_cols
        return self.objective_of(x) - float(np.dot(np.asarray(self.lp.col_cost_)[cols], x[cols])) / self.objective_scale


def objective_scale(cost: np.ndarray, centre_at: float = COST_CENTRE) -> float:
    """The power of 2 that moves the geometric centre of the nonzero cost range to ``centre_at``.

    HiGHS flags costs below 1e-4 or above 1e6 (:data:`tokensite.scaling.HIGHS_RANGE`); applied after the
    internal units, whose costs span at most that range less a margin, a case whose money figures are
    1e-3 or 1e3 times another's gets the same costs in HiGHS (a power of 2 changes no digit of them).
    """
    nz = np.abs(cost[cost != 0])
    if not len(nz):
        return 1.0
    centre = float(np.sqrt(nz.min() * nz.max()))
    return float(2.0 ** round(np.log2(centre_at / centre)))


def _unserved_columns(costs: Readout) -> np.ndarray:
    """Columns of the variables that carry the value of unserved tokens, and no other cost."""
    is_unserved = np.array([cost_kind(category) == "unserved" for category, _site, _year in costs.keys], dtype=bool)
    entries = costs.matrix.tocoo()
    used = entries.data != 0
    unserved = np.unique(entries.col[used & is_unserved[entries.row]])
    other = np.unique(entries.col[used & ~is_unserved[entries.row]])
    if np.intersect1d(unserved, other).size:
        raise ValueError("a variable carries both unserved value and another cost: the spend of a plan would be ambiguous")
    return unserved.astype(np.int32)


def _columns(m: pyo.ConcreteModel, cols: list, col_of: dict[int, int]) -> tuple[list[Name], dict[Name, float], np.ndarray, np.ndarray, np.ndarray]:
    """Names, bounds and integrality of the columns, and the variables the compiler left out with their
    value: one pass over each Var component (per-column ``parent_component()`` calls cost about 2 s at L)."""
    n = len(cols)
    names: list = [None] * n
    lower, upper, integer = np.full(n, -INF), np.full(n, INF), np.zeros(n, dtype=bool)
    left_out: dict[Name, float] = {}
    is_integer: dict[int, bool] = {}
    for var in m.component_objects(pyo.Var, descend_into=True):
        name = var.getname(fully_qualified=True, relative_to=m)
        for idx, vd in var.items():
            j = col_of.get(id(vd))
            if j is None:
                left_out[(name, idx)] = float(vd.value) if vd.fixed and vd.value is not None else 0.0
                continue
            names[j] = (name, idx)
            lb, ub = vd.bounds
            if lb is not None:
                lower[j] = lb
            if ub is not None:
                upper[j] = ub
            domain = vd.domain
            if (flag := is_integer.get(id(domain))) is None:
                flag = is_integer[id(domain)] = vd.is_integer()
            integer[j] = flag
    return names, left_out, lower, upper, integer


def _row_names(m: pyo.ConcreteModel, rows: list) -> list[Name]:
    names: dict[int, Name] = {}
    for con in m.component_objects(pyo.Constraint, active=True, descend_into=True):
        name = con.getname(fully_qualified=True, relative_to=m)
        for idx, cd in con.items():
            names[id(cd)] = (name, idx)
    return [names[id(con)] for con, _ in rows]


def _families(names: list[Name]) -> tuple[list[str], np.ndarray]:
    """Family names (a component's own name: the scenarios of an extensive form share their units) and each entry's family."""
    own = [name.rsplit(".", 1)[-1] for name, _ in names]
    families = sorted(set(own))
    at = {f: i for i, f in enumerate(families)}
    return families, np.array([at[f] for f in own], dtype=np.int64)


def _units(A: sp.csc_matrix, cost: np.ndarray, bounds: tuple[np.ndarray, ...], integer: np.ndarray, col_names: list[Name],
           row_names: list[Name], margin_decades: float) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Each column's and row's scale (powers of ten, :mod:`tokensite.scaling`) and the families' nonzero exponents."""
    col_families, col_family = _families(col_names)
    row_families, row_family = _families(row_names)
    kappa, rho = choose_units(A, cost, bounds[:2], bounds[2:], integer, col_family, row_family, margin_decades)
    chosen = {f: int(k) for f, k in zip(col_families, kappa) if k} | {g: int(r) for g, r in zip(row_families, rho) if r}
    return 10.0 ** kappa[col_family].astype(float), 10.0 ** rho[row_family].astype(float), chosen


def compile_model(m: pyo.ConcreteModel, options: SolverOptions = SolverOptions()) -> Compiled:
    """The model in HiGHS's standard form: each family in its internal unit (:mod:`tokensite.scaling`; the
    model's own with ``[solver] choose_units = false``) and money scaled so its cost range centres on
    ``[solver] cost_centre``."""
    sf = LinearStandardFormCompiler().write(m, mixed_form=True)
    A = sf.A.tocsc()
    n_rows, n_cols = A.shape
    mult = np.array([r[1] for r in sf.rows], dtype=int)
    rhs = np.asarray(sf.rhs, dtype=float)
    cols = sf.columns
    col_of = {id(v): j for j, v in enumerate(cols)}
    col_names, left_out, lower, upper, integer = _columns(m, cols, col_of)
    row_names = _row_names(m, sf.rows)
    cost = np.asarray(sf.c.todense()).ravel() if sf.c.shape[0] else np.zeros(n_cols)
    row_lower, row_upper = np.where(mult == 1, -INF, rhs), np.where(mult == -1, INF, rhs)
    col_unit = row_unit = None
    chosen: dict[str, int] = {}
    if options.choose_units and n_cols and n_rows:
        col_unit, row_unit, chosen = _units(A, cost, (lower, upper, row_lower, row_upper), integer, col_names, row_names,
                                            options.units_margin_decades)
        A = (sp.diags(row_unit) @ A @ sp.diags(col_unit)).tocsc()
        cost, lower, upper = cost * col_unit, lower / col_unit, upper / col_unit
        row_lower, row_upper = row_lower * row_unit, row_upper * row_unit
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    scale = objective_scale(cost, options.cost_centre)
    lp.col_cost_ = cost * scale
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    led = ledger(m)
    visitor = LinearRepnVisitor({})
    readouts = {"costs": _readout(led.costs, col_of, n_cols, visitor, col_unit)}
    readouts.update({name: _readout(exprs, col_of, n_cols, visitor, col_unit) for name, exprs in led.readouts.items()})
    tightening = {rows.getname(fully_qualified=True, relative_to=m) for rows in led.tightening}
    return Compiled(
        lp=lp,
        integer=integer,
        offset=float(sf.c_offset[0]) if len(sf.c_offset) else 0.0,
        col_names=col_names,
        row_names=row_names,
        left_out=left_out,
        price_rows={kind: rows.getname(fully_qualified=True, relative_to=m) for kind, rows in led.price_rows.items()},
        objective_scale=scale,
        unserved_cols=_unserved_columns(readouts["costs"]),
        tightening_rows=np.array([i for i, (name, _) in enumerate(row_names) if name in tightening], dtype=np.int32),
        readouts=readouts,
        col_unit=col_unit,
        row_unit=row_unit,
        units=chosen,
    )
