"""Pyomo model -> plain arrays for HiGHS, with the names to map a solution back.

Pyomo's ``LinearStandardFormCompiler`` (mixed form: each row keeps its sense) gives a CSC
matrix that goes to ``highspy.Highs.passModel`` directly; no LP file is written. After this
step nothing downstream needs the Pyomo objects: columns and rows are known by
(component name, index), and the rounding groups the model declared are column indices.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from tokensite.model.ledger import Rounding, ledger

INF = highspy.kHighsInf
Name = tuple[str, object]  # (component name, index)


@dataclass(frozen=True)
class RoundingColumns:
    """The model's :class:`~tokensite.model.ledger.Rounding` groups as column indices."""

    use_if_positive: np.ndarray
    one_of: list[np.ndarray]
    round_up: np.ndarray


@dataclass(frozen=True)
class Compiled:
    lp: highspy.HighsLp  # continuous: integrality is kept apart in ``integer``
    integer: np.ndarray  # bool per column
    offset: float  # objective constant
    col_names: list[Name]
    row_names: list[Name]
    left_out: dict[Name, float] = field(default_factory=dict)  # variables the compiler removed (fixed), with their value
    rounding: RoundingColumns = field(default_factory=lambda: RoundingColumns(np.array([], int), [], np.array([], int)))
    price_rows: dict[str, str] = field(default_factory=dict)  # price kind -> row group name


def _name(data: object) -> Name:
    return data.parent_component().local_name, data.index()


def _rounding(groups: Rounding, col_of: dict[int, int]) -> RoundingColumns:
    def cols(vars_: list) -> np.ndarray:
        return np.array([col_of[id(v)] for v in vars_ if id(v) in col_of], dtype=np.int32)

    one_of = [c for c in (cols(g) for g in groups.one_of) if len(c)]
    return RoundingColumns(cols(groups.use_if_positive), one_of, cols(groups.round_up))


def compile_model(m: pyo.ConcreteModel) -> Compiled:
    sf = LinearStandardFormCompiler().write(m, mixed_form=True)
    A = sf.A.tocsc()
    n_rows, n_cols = A.shape
    mult = np.array([r[1] for r in sf.rows], dtype=int)
    rhs = np.asarray(sf.rhs, dtype=float)
    cols = sf.columns
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = n_rows
    lp.col_cost_ = np.asarray(sf.c.todense()).ravel() if sf.c.shape[0] else np.zeros(n_cols)
    lp.col_lower_ = np.array([-INF if v.lb is None else v.lb for v in cols], dtype=float)
    lp.col_upper_ = np.array([INF if v.ub is None else v.ub for v in cols], dtype=float)
    lp.row_lower_ = np.where(mult == 1, -INF, rhs)
    lp.row_upper_ = np.where(mult == -1, INF, rhs)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    col_of = {id(v): j for j, v in enumerate(cols)}
    left_out = {
        _name(vd): (float(vd.value) if vd.fixed and vd.value is not None else 0.0)
        for v in m.component_objects(pyo.Var, descend_into=True)
        for vd in v.values()
        if id(vd) not in col_of
    }
    led = ledger(m)
    integer = np.array([v.is_integer() for v in cols], dtype=bool)
    rounding = _rounding(led.rounding, col_of)
    declared = np.zeros(n_cols, dtype=bool)
    for group in (rounding.use_if_positive, rounding.round_up, *rounding.one_of):
        declared[group] = True
    if (integer & ~declared).any():
        missing = sorted({cols[j].parent_component().local_name for j in np.flatnonzero(integer & ~declared)})
        raise ValueError(f"integer variable(s) {', '.join(missing)} have no rounding group: declare one in model/variables.py")
    return Compiled(
        lp=lp,
        integer=integer,
        offset=float(sf.c_offset[0]) if len(sf.c_offset) else 0.0,
        col_names=[_name(v) for v in cols],
        row_names=[_name(con) for con, _ in sf.rows],
        left_out=left_out,
        rounding=rounding,
        price_rows={kind: rows.local_name for kind, rows in led.price_rows.items()},
    )
