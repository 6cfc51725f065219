"""A program kept in HiGHS between solves: the one place a solver model outlives a solve.

Many questions re-solve one program with a little changed: the partners'
figures (which funders plan together, which streams pay into their pots,
whose money a range counts), a sensitivity draw's effects and amounts, a
meeting's next change. HiGHS starts each re-solve from the last basis. A
`KeptProgram` is brought up to date in one of two ways, and one object is
kept to one of them:

- in place: bounds, costs, coefficients and a few rows or columns changed
  through its setters (`set_row_bounds`, `set_coeff`, `add_row`, ...). This
  is 2-4 times faster than rebuilding, for callers that know which numbers
  moved (partners, coalitions, `laa.pooling.plans.resolve`'s draws). Rows and
  columns added so live in HiGHS only: the labelled `Program` stays the
  arrangement's, so its allocation is read back as for any other plan.
- by `sync`: the changed scenario's program is built afresh (cheap) and
  compared with the one HiGHS holds, by what each column and row stands for
  (its key or label), not by position, for callers that only have the new
  program (the meeting's warm re-plans). What differs is passed to HiGHS in
  place; a column or row the new program has and the kept one lacks is
  added (HiGHS keeps its basis: a new column starts non-basic, a new row
  basic); one the kept program has and the new one lacks is retired (a
  column fixed at zero with no cost, a row freed of its bounds), and comes
  back to life if a later change needs it. The kept model then holds the
  same program as a cold build, up to the order of its columns and rows and
  some retired ones, so its optimum is the cold optimum; solutions are read
  back in the new program's own order.

Time inside HiGHS is counted, so a benchmark can say what share of a run
the solver takes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from laa.pooling.program.builder import Builder
from laa.pooling.program.labelled import INF, Program
from laa.pooling.program.vocabulary import ColumnKey, RowLabel
from laa.pooling.solving.solvers import (
    DUAL_SIMPLEX,
    PRIMAL_SIMPLEX,
    Solution,
    SolveOptions,
    change_rows_bounds,
    finite,
    highs_lp,
    new_highs,
    read_highs,
    set_lp_options,
    set_pooling_mip_options,
)

Numbers = Sequence[float] | np.ndarray
Indices = Sequence[int] | np.ndarray

__all__ = ["DUAL_SIMPLEX", "PRIMAL_SIMPLEX", "KeptProgram", "Sync"]

# retired columns and rows beyond this share of the live ones make the kept model worth rebuilding
RETIRED_SHARE = 0.5
SHIFT = np.int64(32)  # a coefficient's place, row << 32 | column, in one sortable integer


@dataclass
class Sync:
    """What bringing the kept model up to date did: how the new program maps onto it, and counts."""

    col_map: np.ndarray  # new program's column j is HiGHS column col_map[j]
    row_map: np.ndarray
    changed: int  # bounds, costs and coefficients changed in place
    added_cols: int
    added_rows: int
    retired_cols: int
    retired_rows: int


class KeptProgram:
    """One program in HiGHS, maximising its score (or whatever costs it is given), re-solved warm.

    `relax` drops integrality (a pooling program whose switches are all fixed by bounds is then
    the linear program of that pooling choice); `simplex` picks HiGHS's simplex strategy for the
    re-solves (`PRIMAL_SIMPLEX`, `DUAL_SIMPLEX`); `tuned` gives the first solve the options a
    plan's program is solved with from scratch (`solvers.set_lp_options` and the MIP's).
    """

    def __init__(
        self,
        program: Program | Builder,
        options: SolveOptions | None = None,
        relax: bool = False,
        simplex: int | None = None,
        tuned: bool = False,
    ):
        self.builder = program if isinstance(program, Builder) else None
        program = program.program if isinstance(program, Builder) else program
        options = options or SolveOptions()
        self.program = program
        self.is_mip = program.is_mip and not relax
        self.highs: highspy.Highs = new_highs(options)
        self.highs.passModel(highs_lp(program, relax=relax))
        if simplex is not None:
            self.highs.setOptionValue("simplex_strategy", simplex)
        elif tuned and self.is_mip:
            set_pooling_mip_options(self.highs)
        elif tuned and not options.interior_point:
            set_lp_options(self.highs, program)  # for its first solve; later ones start from a basis
        self.highs_seconds = 0.0
        self.solves = 0
        self._tracked = False  # what `sync` compares with is worked out when it is first asked
        self.retired_cols = 0
        self.retired_rows = 0
        self.last: Sync | None = None

    def _track(self) -> None:
        """What each kept column and row stands for, and the numbers HiGHS holds (for `sync`)."""
        program = self.program
        self._tracked = True
        self._runs: dict[tuple[type, str, int], tuple[Sequence[str], np.ndarray]] = {}
        self._keys: dict[ColumnKey, int] = dict(program.keyed_columns())
        for run in program.runs:
            cols = np.arange(run.columns.start, run.columns.stop, dtype=np.int64)
            self._runs[(run.kind, run.source, run.year)] = (run.outcomes, cols)
        self._rows: dict[RowLabel, int] = dict(program.row_index)
        lower, upper, cost, integer = program.column_arrays()
        self._lower, self._upper, self._cost, self._integer = lower, upper, cost, integer
        self._row_lower, self._row_upper = program.row_bounds()
        every_row, every_col = np.arange(program.num_rows), np.arange(program.num_cols)
        self._codes, self._values = _entries(program, every_row, every_col)

    @property
    def num_cols(self) -> int:
        """How many columns HiGHS holds."""
        return int(self.highs.getNumCol())

    @property
    def num_rows(self) -> int:
        """How many rows HiGHS holds."""
        return int(self.highs.getNumRow())

    @property
    def crowded(self) -> bool:
        """Whether retired columns or rows have piled up enough to make a rebuild worth it."""
        return (
            self.retired_cols > RETIRED_SHARE * max(self.num_cols - self.retired_cols, 1000)
            or self.retired_rows > RETIRED_SHARE * max(self.num_rows - self.retired_rows, 1000)
        )

    # --- bringing it up to date ---

    def sync(self, program: Program) -> Sync:
        """Change the kept model, in place, into `program` (see the module's docstring)."""
        if program.is_mip != self.is_mip:
            raise ValueError("a linear program and a mixed-integer one cannot be kept as each other")
        if not self._tracked:
            self._track()
        col_map, new_cols = self._map_columns(program)
        labels = program.row_labels
        row_map = np.fromiter((self._rows.get(label, -1) for label in labels), np.int64, len(labels))
        new_rows = np.flatnonzero(row_map < 0)
        row_map[new_rows] = self.num_rows + np.arange(len(new_rows))
        for r in new_rows.tolist():
            self._rows[program.row_labels[r]] = int(row_map[r])
        old_cols, old_rows = self.num_cols, self.num_rows
        h = self.highs

        # columns: bounds, costs and integrality of those kept; retire those no longer wanted
        lower, upper, cost, integer = program.column_arrays()
        kept = col_map < old_cols
        live = np.zeros(old_cols, dtype=bool)
        live[col_map[kept]] = True
        retire = np.flatnonzero(~live & ((self._lower != 0) | (self._upper != 0) | (self._cost != 0)))
        self._set_columns(retire, np.zeros(len(retire)), np.zeros(len(retire)), np.zeros(len(retire)))
        j, at = np.flatnonzero(kept), col_map[kept]
        moved = (self._lower[at] != lower[j]) | (self._upper[at] != upper[j]) | (self._cost[at] != cost[j])
        self._set_columns(at[moved], lower[j][moved], upper[j][moved], cost[j][moved])
        if self.is_mip and np.any(self._integer[at] != integer[j]):
            flips = at[self._integer[at] != integer[j]]
            kinds = np.where(integer[j][self._integer[at] != integer[j]], 1, 0).astype(np.uint8)
            h.changeColsIntegrality(len(flips), flips.astype(np.int32), kinds)
            self._integer[flips] = ~self._integer[flips]
        changed = len(retire) + int(moved.sum())

        # rows: bounds of those kept; free those no longer wanted
        row_lower, row_upper = program.row_bounds()
        kept_rows = row_map < old_rows
        live_rows = np.zeros(old_rows, dtype=bool)
        live_rows[row_map[kept_rows]] = True
        free = np.flatnonzero(~live_rows & ((self._row_lower != -INF) | (self._row_upper != INF)))
        self._set_rows(free, np.full(len(free), -INF), np.full(len(free), INF))
        i, at_rows = np.flatnonzero(kept_rows), row_map[kept_rows]
        moved = (self._row_lower[at_rows] != row_lower[i]) | (self._row_upper[at_rows] != row_upper[i])
        self._set_rows(at_rows[moved], row_lower[i][moved], row_upper[i][moved])
        changed += len(free) + int(moved.sum())

        # coefficients: every entry of the new program, placed in the kept model's order
        codes, values = _entries(program, row_map, col_map)
        rows_of, cols_of = codes >> SHIFT, codes & np.int64(0xFFFFFFFF)
        inside = (rows_of < old_rows) & (cols_of < old_cols)
        changed += self._change_coefficients(codes[inside], values[inside], live, live_rows)
        self._add_columns(new_cols, cost, lower, upper, integer, codes, values, rows_of, cols_of, old_rows)
        self._add_rows(new_rows, row_map, row_lower, row_upper, codes, values, rows_of, old_rows)

        # the kept copy of the matrix: retired rows' and columns' entries as they stand, and the new ones
        old_rows_of = self._codes >> SHIFT
        old_cols_of = self._codes & np.int64(0xFFFFFFFF)
        stale = ~live_rows[old_rows_of] | ~live[old_cols_of]
        keep_codes = np.concatenate([self._codes[stale], codes])
        keep_values = np.concatenate([self._values[stale], values])
        order = np.argsort(keep_codes, kind="stable")
        self._codes, self._values = keep_codes[order], keep_values[order]
        self.retired_cols = int(old_cols - live.sum())
        self.retired_rows = int(old_rows - live_rows.sum())
        self.last = Sync(
            col_map,
            row_map,
            changed,
            len(new_cols),
            len(new_rows),
            self.retired_cols,
            self.retired_rows,
        )
        return self.last

    def _map_columns(self, program: Program) -> tuple[np.ndarray, np.ndarray]:
        """Where each column of `program` is in the kept model; new ones get the next places."""
        col_map = np.full(program.num_cols, -1, dtype=np.int64)
        for run in program.runs:
            found = self._runs.get((run.kind, run.source, run.year))
            if found is not None and found[0] == run.outcomes:
                col_map[run.columns.start : run.columns.stop] = found[1]
            elif found is not None:
                where = {o: int(c) for o, c in zip(found[0], found[1].tolist(), strict=True)}
                col_map[run.columns.start : run.columns.stop] = [where.get(o, -1) for o in run.outcomes]
        for key, j in program.keyed_columns():
            col_map[j] = self._keys.get(key, -1)
        new_cols = np.flatnonzero(col_map < 0)
        col_map[new_cols] = self.num_cols + np.arange(len(new_cols))
        for run in program.runs:  # remember where every run's outcomes now are
            self._runs[(run.kind, run.source, run.year)] = (
                run.outcomes,
                col_map[run.columns.start : run.columns.stop].copy(),
            )
        for key, j in program.keyed_columns():
            self._keys[key] = int(col_map[j])
        return col_map, new_cols

    def _set_columns(self, at: np.ndarray, lower: np.ndarray, upper: np.ndarray, cost: np.ndarray) -> None:
        if not len(at):
            return
        cols = at.astype(np.int32)
        self.highs.changeColsBounds(len(cols), cols, finite(lower), finite(upper))
        self.highs.changeColsCost(len(cols), cols, -cost)
        self._lower[at], self._upper[at], self._cost[at] = lower, upper, cost

    def _set_rows(self, at: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        if not len(at):
            return
        change_rows_bounds(self.highs, at.astype(np.int32), finite(lower), finite(upper))
        self._row_lower[at], self._row_upper[at] = lower, upper

    def _change_coefficients(
        self, codes: np.ndarray, values: np.ndarray, live: np.ndarray, live_rows: np.ndarray
    ) -> int:
        """Entries in kept rows and columns: change those that differ, zero those now absent."""
        if len(self._codes):
            pos = np.minimum(np.searchsorted(self._codes, codes), len(self._codes) - 1)
            differ = (self._codes[pos] != codes) | (self._values[pos] != values)
        else:
            differ = np.ones(len(codes), dtype=bool)
        rows_of, cols_of = self._codes >> SHIFT, self._codes & np.int64(0xFFFFFFFF)
        wanted = live_rows[rows_of] & live[cols_of]
        gone = wanted & ~np.isin(self._codes, codes, assume_unique=True)
        change = [(codes[differ], values[differ]), (self._codes[gone], np.zeros(int(gone.sum())))]
        count = 0
        for these, to in change:
            for code, value in zip(these.tolist(), to.tolist(), strict=True):
                self.highs.changeCoeff(code >> 32, code & 0xFFFFFFFF, value)
                count += 1
        return count

    def _add_columns(
        self,
        new_cols: np.ndarray,
        cost: np.ndarray,
        lower: np.ndarray,
        upper: np.ndarray,
        integer: np.ndarray,
        codes: np.ndarray,
        values: np.ndarray,
        rows_of: np.ndarray,
        cols_of: np.ndarray,
        old_rows: int,
    ) -> None:
        """New columns, with their entries in rows HiGHS already has (new rows bring their own)."""
        if not len(new_cols):
            return
        first = self.num_cols
        mine = (cols_of >= first) & (rows_of < old_rows)
        order = np.lexsort((rows_of[mine], cols_of[mine]))
        cols, rows, vals = cols_of[mine][order], rows_of[mine][order], values[mine][order]
        starts = np.searchsorted(cols, first + np.arange(len(new_cols))).astype(np.int32)
        self.highs.addCols(
            len(new_cols),
            -cost[new_cols],
            finite(lower[new_cols]),
            finite(upper[new_cols]),
            len(vals),
            starts,
            rows.astype(np.int32),
            vals,
        )
        if self.is_mip and integer[new_cols].any():
            at = (first + np.flatnonzero(integer[new_cols])).astype(np.int32)
            self.highs.changeColsIntegrality(len(at), at, np.ones(len(at), dtype=np.uint8))
        self._lower = np.concatenate([self._lower, lower[new_cols]])
        self._upper = np.concatenate([self._upper, upper[new_cols]])
        self._cost = np.concatenate([self._cost, cost[new_cols]])
        self._integer = np.concatenate([self._integer, integer[new_cols]])

    def _add_rows(
        self,
        new_rows: np.ndarray,
        row_map: np.ndarray,
        row_lower: np.ndarray,
        row_upper: np.ndarray,
        codes: np.ndarray,
        values: np.ndarray,
        rows_of: np.ndarray,
        old_rows: int,
    ) -> None:
        if not len(new_rows):
            return
        mine = rows_of >= old_rows
        order = np.argsort(codes[mine], kind="stable")
        rows, cols = rows_of[mine][order], (codes[mine] & np.int64(0xFFFFFFFF))[order]
        vals = values[mine][order]
        starts = np.searchsorted(rows, old_rows + np.arange(len(new_rows))).astype(np.int32)
        lower, upper = row_lower[new_rows], row_upper[new_rows]
        self.highs.addRows(
            len(new_rows), finite(lower), finite(upper), len(vals), starts, cols.astype(np.int32), vals
        )
        self._row_lower = np.concatenate([self._row_lower, lower])
        self._row_upper = np.concatenate([self._row_upper, upper])

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

    def run(self, options: SolveOptions | None = None) -> Solution:
        """Re-solve from the last basis; status first, then values (and the objective as maximised).

        With `options`, their time limit holds for this solve. A synced model's solution is read in
        the last synced program's order; from a kept basis it re-solves by primal simplex, which
        re-solves faster than dual (measured on the example).
        """
        started = time.perf_counter()
        h = self.highs
        if options is not None:
            limit = float(options.time_limit) if options.time_limit else highspy.kHighsInf
            h.setOptionValue("time_limit", limit)
        if self.last is not None and self.solves and not self.is_mip:
            h.setOptionValue("solver", "simplex")
            h.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
        elif options is not None and options.interior_point:
            h.setOptionValue("solver", "ipm")
        h.run()
        self.highs_seconds += time.perf_counter() - started
        self.solves += 1
        solution = read_highs(h, self.is_mip)
        if self.last is not None:
            cols, rows = self.last.col_map, self.last.row_map
            if solution.values is not None:
                solution.values = solution.values[cols]
            if solution.reduced is not None:
                solution.reduced = solution.reduced[cols]
            if solution.shadow is not None:
                solution.shadow = solution.shadow[rows]
        solution.seconds = time.perf_counter() - started
        return solution


def _entries(program: Program, row_map: np.ndarray, col_map: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every coefficient of `program` as (row << 32 | column) in the kept order, and its value."""
    starts, index, value = program.csr()
    rows = np.repeat(np.arange(program.num_rows, dtype=np.int64), np.diff(starts))
    codes = (row_map[rows].astype(np.int64) << SHIFT) | col_map[index].astype(np.int64)
    order = np.argsort(codes, kind="stable")
    return codes[order], value[order]
