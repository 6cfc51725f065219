"""A built program kept in HiGHS and changed in place: bounds, coefficients, costs, a few rows.

The partners' figures solve one program many times with a few numbers
changed (which funders plan together, which streams pay into their pots,
whose money a range counts). Rebuilding it each time would repeat work
whose result differs only in those numbers, and HiGHS starts each re-solve
from the last basis. Rows and columns added here live in HiGHS only: the
labelled `Program` stays the arrangement's, so its allocation is read
back from the solution as for any other plan. Time inside HiGHS is counted,
so a benchmark can say what share of a run the solver takes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import highspy
import numpy as np
from laa.pooling.build import Builder
from laa.pooling.program import INF
from laa.pooling.solvers import (
    DUAL_SIMPLEX,
    PRIMAL_SIMPLEX,
    Solution,
    SolveOptions,
    change_rows_bounds,
    finite,
    highs_lp,
    new_highs,
    read_highs,
)

Numbers = Sequence[float] | np.ndarray
Indices = Sequence[int] | np.ndarray

__all__ = ["DUAL_SIMPLEX", "PRIMAL_SIMPLEX", "KeptProgram"]


class KeptProgram:
    """One program in HiGHS, maximising its score (or whatever costs it is given), re-solved in place.

    `relax` drops integrality: a pooling program whose switches are all fixed by bounds is
    then the linear program of that pooling choice. `simplex` picks HiGHS's simplex strategy for
    the re-solves (`PRIMAL_SIMPLEX`, `DUAL_SIMPLEX`; None: HiGHS's own choice).
    """

    def __init__(
        self,
        builder: Builder,
        options: SolveOptions | None = None,
        relax: bool = False,
        simplex: int | None = None,
    ):
        self.builder = builder
        self.program = builder.program
        self.highs: highspy.Highs = new_highs(options or SolveOptions())
        self.highs.passModel(highs_lp(self.program, relax=relax))
        self.is_mip = self.program.is_mip and not relax
        if simplex is not None:
            self.highs.setOptionValue("simplex_strategy", simplex)
        self.highs_seconds = 0.0
        self.solves = 0

    @property
    def num_cols(self) -> int:
        """How many columns HiGHS holds."""
        return int(self.highs.getNumCol())

    # --- changes ---

    def set_row_bounds(self, rows: Indices, lower: Numbers, upper: Numbers) -> None:
        """Change the bounds of `rows` for the next solve (infinities passed as HiGHS expects)."""
        if len(rows):
            index = np.asarray(rows, dtype=np.int32)
            change_rows_bounds(self.highs, index, finite(lower), finite(upper))

    def set_col_bounds(self, cols: Indices, lower: Numbers, upper: Numbers) -> None:
        """Change the bounds of `cols` for the next solve (infinities passed as HiGHS expects)."""
        if len(cols):
            index = np.asarray(cols, dtype=np.int32)
            self.highs.changeColsBounds(len(index), index, finite(lower), finite(upper))

    def set_coeff(self, row: int, col: int, value: float) -> None:
        """Change one coefficient for the next solve (an effect or amount that a draw scaled)."""
        self.highs.changeCoeff(row, col, value)

    def set_costs(self, cols: Sequence[int], costs: Sequence[float]) -> None:
        """The score coefficient of each column (maximised; HiGHS minimises the negation)."""
        if len(cols):
            index = np.asarray(cols, dtype=np.int32)
            self.highs.changeColsCost(len(index), index, -np.asarray(costs, dtype=np.float64))

    def costs(self) -> np.ndarray:
        """Every column's score coefficient as the program now maximises it."""
        lp = self.highs.getLp()
        return -np.asarray(lp.col_cost_, dtype=np.float64)

    def add_row(self, cols: Sequence[int], values: Sequence[float], lower: float, upper: float = INF) -> int:
        """`lower <= sum(values * cols) <= upper`, in HiGHS only; returns its row."""
        index = np.asarray(cols, dtype=np.int32)
        bounds = finite([lower, upper])
        self.highs.addRow(
            float(bounds[0]), float(bounds[1]), len(index), index, np.asarray(values, dtype=np.float64)
        )
        return int(self.highs.getNumRow()) - 1

    def add_col(self, cost: float, lower: float, upper: float) -> int:
        """A column with no entries yet (maximised at `cost`), in HiGHS only; returns its index."""
        bounds = finite([lower, upper])
        self.highs.addCol(-cost, float(bounds[0]), float(bounds[1]), 0, np.zeros(0, np.int32), np.zeros(0))
        return self.num_cols - 1

    # --- solving ---

    def run(self) -> Solution:
        """Re-solve from the last basis; status first, then values (and the objective as maximised)."""
        started = time.perf_counter()
        self.highs.run()
        self.highs_seconds += time.perf_counter() - started
        self.solves += 1
        solution = read_highs(self.highs, is_mip=self.is_mip)
        solution.seconds = time.perf_counter() - started
        return solution
