"""Restoring the digits a solver's solution file loses.

CBC, run by PuLP, reports each value with 8 significant digits (its
solution file's `%15.8g`). A plan read from it breaks its budgets and rules
by up to about 5e-9 of their money: a vertex rounded, not a vertex. The
plan is held to 1e-9 (`evaluate.strict_breaches`), so the vertex is
recovered: every column the rounded values put at a bound is put exactly
there, every row they leave tight (within the rounding) is taken as an
equation, and the remaining columns are solved for from those equations
(least squares on a consistent system, exact to floating point). The
polished values are kept only if they keep every row and bound to 1e-12 of
their size and score within the rounding of the rounded ones; otherwise
the rounded values stand and the strict check judges them.
"""

from __future__ import annotations

import numpy as np
from laa.pooling.program.labelled import Program

ROUNDED = 1e-7  # how far (relative) an 8-digit value may be from the vertex it rounds
KEPT = 1e-12  # how exactly the polished values must keep every row and bound
MOST_UNKNOWNS = 4000  # a dense solve beyond this costs more than a plan is worth


def polish(program: Program, values: np.ndarray) -> np.ndarray:
    """The vertex `values` rounds (see the module's docstring), or `values` when it cannot be found."""
    lower, upper, cost, integer = program.column_arrays()
    row_lower, row_upper = program.row_bounds()
    x = values.copy()
    x[integer] = np.round(x[integer])
    near = ROUNDED * np.maximum(1.0, np.abs(x))
    at_lower = np.isfinite(lower) & (np.abs(x - lower) <= near)
    at_upper = np.isfinite(upper) & (np.abs(x - upper) <= near)
    x[at_lower] = lower[at_lower]
    x[at_upper & ~at_lower] = upper[at_upper & ~at_lower]
    free = np.flatnonzero(~(at_lower | at_upper | integer))
    if len(free) > MOST_UNKNOWNS:
        return values
    starts, index, value = program.csr()
    rows = np.repeat(np.arange(program.num_rows), np.diff(starts))
    activity = np.bincount(rows, weights=value * x[index], minlength=program.num_rows)
    scale = np.bincount(rows, weights=np.abs(value * x[index]), minlength=program.num_rows)
    slack = ROUNDED * np.maximum(1.0, scale)
    tight_lower = np.isfinite(row_lower) & (np.abs(activity - row_lower) <= slack)
    tight_upper = np.isfinite(row_upper) & (np.abs(activity - row_upper) <= slack)
    tight = np.flatnonzero(tight_lower | tight_upper)
    if len(free):
        target = np.where(tight_lower[tight], row_lower[tight], row_upper[tight])
        position = np.full(program.num_cols, -1)
        position[free] = np.arange(len(free))
        matrix = np.zeros((len(tight), len(free)))
        fixed = np.zeros(len(tight))
        for i, r in enumerate(tight.tolist()):
            cols, vals = index[starts[r] : starts[r + 1]], value[starts[r] : starts[r + 1]]
            inside = position[cols]
            mine = inside >= 0
            matrix[i, inside[mine]] = vals[mine]
            fixed[i] = float(np.dot(vals[~mine], x[cols[~mine]]))
        solved, *_ = np.linalg.lstsq(matrix, target - fixed, rcond=None)
        x[free] = solved
    if not _kept(program, x, lower, upper, row_lower, row_upper, starts, index, value, rows):
        return values
    # the rounded values may score a little above their vertex (they break its rows a little),
    # never by more than the rounding could
    rounded = float(np.dot(cost, values))
    if float(np.dot(cost, x)) < rounded - ROUNDED * max(1.0, float(np.dot(np.abs(cost), np.abs(values)))):
        return values  # a different point, not the vertex the rounded values stand for
    return x


def _kept(
    program: Program,
    x: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    starts: np.ndarray,
    index: np.ndarray,
    value: np.ndarray,
    rows: np.ndarray,
) -> bool:
    """Whether `x` keeps every bound and row to `KEPT` of its size."""
    size = np.maximum(1.0, np.abs(x))
    if np.any(x < lower - KEPT * size) or np.any(x > upper + KEPT * size):
        return False
    activity = np.bincount(rows, weights=value * x[index], minlength=program.num_rows)
    scale = np.maximum(1.0, np.bincount(rows, weights=np.abs(value * x[index]), minlength=program.num_rows))
    below = np.isfinite(row_lower) & (activity < row_lower - KEPT * scale)
    above = np.isfinite(row_upper) & (activity > row_upper + KEPT * scale)
    return not (np.any(below) or np.any(above))
