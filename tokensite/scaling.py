"""Internal units: the power of ten each variable family and each row family is measured in for HiGHS.

The model is written in its natural units (Mtok/s, MW, MUSD; :mod:`tokensite.units`), and a user's CSV
in its own. Their magnitudes follow the data: a case with 100× fewer tokens has demand rows 100× smaller,
one with money ×1e3 has costs 1000× larger. HiGHS asks for costs, bounds and right-hand sides within
[1e-4, 1e6] (:data:`HIGHS_RANGE`: below or above, it warns "badly scaled" and its absolute tolerances lose
their meaning), so the hand-off (:mod:`tokensite.compile`) measures each family in a unit chosen from the
case's own coefficients:

* a continuous variable family f (``flow``, ``facility_mw`` ...) in 10^κ_f of its model unit
  (x_model = 10^κ_f · x; κ_flow = 3 is Gtok/s instead of Mtok/s, κ_facility_mw = 3 is GW);
* a row family g (``c_demand_slice`` ...) divided by 10^−ρ_g (row_HiGHS = 10^ρ_g · row_model);
* money by a power of 2 (:func:`tokensite.compile.objective_scale`, after the units).

Integer families keep κ = 0: a GPU unit or a binary stays what it counts. The κ and ρ are the integers
that minimise the spread (in decades) of the matrix, of the costs and of the bounds and right-hand sides
together, with the costs' spread kept within HiGHS's range less a margin on each side and the bounds
inside that range (soft, at :data:`OUTSIDE_PENALTY` per decade: a case whose own spread is too wide still
gets the best units there are); a tie goes to the units closest to the model's. It is a small integer
program over the families' extreme magnitudes (a few dozen variables), solved by HiGHS in milliseconds.
Scaling by a power of ten changes no solution: x_model = 10^κ x, duals of model rows are
10^ρ · (row dual) / (money scale) (:class:`tokensite.compile.Compiled`).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

HIGHS_RANGE = (1e-4, 1e6)
"""Costs and finite nonzero bounds HiGHS 1.16 accepts without "excessively small/large" (measured: 1e-4
and 1e6 pass, 2e-5 and 1e7 warn)."""
OUTSIDE_PENALTY = 100.0
"""Weight of a decade outside the target ranges against a decade of spread: only a case whose own
families span more than the range gives up on it."""
TIE_BREAK = 1e-3
"""Weight of |κ| and |ρ|: among equally good units, the model's own."""
MAX_DECADES = 15


def _extremes(log_abs: np.ndarray, group: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group, the min and max of ``log_abs`` (NaN for a group with none)."""
    lo, hi = np.full(n, np.inf), np.full(n, -np.inf)
    np.minimum.at(lo, group, log_abs)
    np.maximum.at(hi, group, log_abs)
    empty = ~np.isfinite(lo)
    lo[empty] = hi[empty] = np.nan
    return lo, hi


def _log_nonzero(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions and log10 |v| of the finite nonzero entries."""
    v = np.abs(np.asarray(values, dtype=float))
    keep = np.flatnonzero((v > 0) & np.isfinite(v) & (v < 1e20))
    return keep, np.log10(v[keep])


class _Program:
    """The integer program: columns κ (col families), ρ (row families), then the ranges and slacks."""

    def __init__(self, n_col: int, n_row: int) -> None:
        self.n_fam = n_col + n_row
        names = ["m_lo", "m_hi", "c_lo", "c_hi", "b_lo", "b_hi", "b_under", "b_over", "c_wide"]
        self.at = {name: self.n_fam + i for i, name in enumerate(names)}
        self.n = self.n_fam + len(names) + self.n_fam  # then |κ|, |ρ|
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def row(self, coef: dict[int, float], lo: float = -np.inf, hi: float = np.inf) -> None:
        self.rows.append((coef, lo, hi))

    def within(self, lo_var: str, hi_var: str, terms: dict[int, float], lo: float, hi: float) -> None:
        """lo_var ≤ lo + Σ terms and hi + Σ terms ≤ hi_var."""
        if np.isnan(lo):
            return
        self.row({**terms, self.at[lo_var]: -1.0}, lo=-lo)
        self.row({**terms, self.at[hi_var]: -1.0}, hi=-hi)


def choose_units(a: sp.csc_matrix, cost: np.ndarray, col_bounds: tuple[np.ndarray, np.ndarray], row_bounds: tuple[np.ndarray, np.ndarray],
                 integer: np.ndarray, col_family: np.ndarray, row_family: np.ndarray, margin_decades: float) -> tuple[np.ndarray, np.ndarray]:
    """(κ per column family, ρ per row family), integers; κ = 0 for a family with an integer column.

    ``col_family`` and ``row_family`` number each column and row's family from 0; the targets are
    costs spanning at most :data:`HIGHS_RANGE` less ``margin_decades`` at each end (money is then
    centred by its own scale) and bounds and right-hand sides inside it, less the margin."""
    n_col, n_row = int(col_family.max(initial=-1)) + 1, int(row_family.max(initial=-1)) + 1
    p = _Program(n_col, n_row)
    coo = a.tocoo()
    keep, log_a = _log_nonzero(coo.data)
    block = row_family[coo.row[keep]] * n_col + col_family[coo.col[keep]]
    lo, hi = _extremes(log_a, block, n_row * n_col)
    for b in np.flatnonzero(~np.isnan(lo)):
        g, f = divmod(int(b), n_col)
        p.within("m_lo", "m_hi", {f: 1.0, n_col + g: 1.0}, lo[b], hi[b])
    keep, log_c = _log_nonzero(cost)
    for f, (c_lo, c_hi) in enumerate(zip(*_extremes(log_c, col_family[keep], n_col))):
        p.within("c_lo", "c_hi", {f: 1.0}, c_lo, c_hi)
    continuous = ~integer
    bound_values = np.concatenate([col_bounds[0][continuous], col_bounds[1][continuous]])
    keep, log_u = _log_nonzero(bound_values)
    fam = np.concatenate([col_family[continuous], col_family[continuous]])
    for f, (u_lo, u_hi) in enumerate(zip(*_extremes(log_u, fam[keep], n_col))):
        p.within("b_lo", "b_hi", {f: -1.0}, u_lo, u_hi)
    keep, log_b = _log_nonzero(np.concatenate(row_bounds))
    for g, (r_lo, r_hi) in enumerate(zip(*_extremes(log_b, np.concatenate([row_family, row_family])[keep], n_row))):
        p.within("b_lo", "b_hi", {n_col + g: 1.0}, r_lo, r_hi)
    low, high = np.log10(HIGHS_RANGE[0]) + margin_decades, np.log10(HIGHS_RANGE[1]) - margin_decades
    at = p.at
    p.row({at["b_lo"]: 1.0, at["b_under"]: 1.0}, lo=low)
    p.row({at["b_hi"]: 1.0, at["b_over"]: -1.0}, hi=high)
    p.row({at["c_hi"]: 1.0, at["c_lo"]: -1.0, at["c_wide"]: -1.0}, hi=high - low)
    for i in range(p.n_fam):  # |κ|, |ρ|
        p.row({i: 1.0, p.n_fam + 9 + i: -1.0}, hi=0.0)
        p.row({i: -1.0, p.n_fam + 9 + i: -1.0}, hi=0.0)
    objective = np.zeros(p.n)
    for lo_var, hi_var in (("m_lo", "m_hi"), ("c_lo", "c_hi"), ("b_lo", "b_hi")):
        objective[at[hi_var]], objective[at[lo_var]] = 1.0, -1.0
    for slack in ("b_under", "b_over", "c_wide"):
        objective[at[slack]] = OUTSIDE_PENALTY
    objective[p.n_fam + 9:] = TIE_BREAK
    fixed = np.zeros(n_col, dtype=bool)
    np.logical_or.at(fixed, col_family, integer)
    lower, upper = np.full(p.n, -np.inf), np.full(p.n, np.inf)
    lower[: p.n_fam], upper[: p.n_fam] = -MAX_DECADES, MAX_DECADES
    lower[:n_col][fixed] = upper[:n_col][fixed] = 0.0
    lower[[at["b_under"], at["b_over"], at["c_wide"]]] = 0.0
    matrix = sp.lil_array((len(p.rows), p.n))
    for i, (coef, _lo, _hi) in enumerate(p.rows):
        for j, v in coef.items():
            matrix[i, j] = v
    kinds = np.zeros(p.n)
    kinds[: p.n_fam] = 1
    res = milp(objective, integrality=kinds, bounds=Bounds(lower, upper),
               constraints=LinearConstraint(matrix.tocsr(), [r[1] for r in p.rows], [r[2] for r in p.rows]))
    if res.x is None:  # cannot happen (every row has a slack); the model's own units then
        return np.zeros(n_col, dtype=int), np.zeros(n_row, dtype=int)
    z = np.round(res.x[: p.n_fam]).astype(int)
    return z[:n_col], z[n_col:]
