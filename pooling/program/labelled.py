"""A labelled linear program: columns and rows that know which scenario item they stand for.

Every row carries a `RowLabel` built from the scenario's ids (the stream
money of `nrf` in 2026, the ring-fence `nrf-ssc-ringfence` in 2027), so a
dual, a binding rule or an infeasible subset comes back in the scenario's
own words. Rows are stored as sparse arrays as they are declared, which is
what HiGHS takes in one call; the PuLP problem (for CBC and for writing an
LP file) is assembled from the same arrays when it is asked for.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pulp
from laa.pooling.program.vocabulary import ColumnKey, PoolSpend, RowFamily, RowLabel, Spend, key_name

__all__ = ["INF", "Program", "RowFamily", "RowLabel", "SpendRun"]

INF = float("inf")
K = TypeVar("K")


@dataclass(frozen=True)
class SpendRun:
    """One source's spend columns in one year, one per outcome it may fund, side by side.

    The spend columns are most of a program (365k at the largest shapes);
    holding them as runs rather than one key object each keeps a build
    from spending its time making and hashing keys nobody reads.
    """

    kind: type[Spend] | type[PoolSpend]
    source: str
    year: int
    outcomes: Sequence[str]
    position: dict[str, int]  # outcome -> offset in the run (shared by a source's runs)
    columns: range

    def key(self, offset: int) -> Spend | PoolSpend:
        """The column key at `offset` in this run."""
        return self.kind(self.source, self.outcomes[offset], self.year)

    def col(self, outcome: str) -> int | None:
        """The column of spend on `outcome` in this run, or None when the source may not fund it."""
        offset = self.position.get(outcome)
        return None if offset is None else self.columns.start + offset


@dataclass
class Program:
    """Columns, rows and a maximised objective, in GBP millions."""

    col_lower: list[float] = field(default_factory=list)
    col_upper: list[float] = field(default_factory=list)
    col_cost: list[float] = field(default_factory=list)
    col_integer: list[bool] = field(default_factory=list)
    runs: list[SpendRun] = field(default_factory=list)
    row_labels: list[RowLabel] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    _keys: list[ColumnKey | None] = field(default_factory=list)  # None: a column of a spend run
    _index: dict[ColumnKey, int] = field(default_factory=dict)
    _run_at: dict[tuple[type, str, int], SpendRun] = field(default_factory=dict)
    _run_starts: list[int] = field(default_factory=list)
    _row_cols: list[np.ndarray] = field(default_factory=list)
    _row_vals: list[np.ndarray] = field(default_factory=list)
    row_index: dict[RowLabel, int] = field(default_factory=dict)

    # --- declaring ---

    def column(
        self,
        key: ColumnKey,
        lower: float = 0.0,
        upper: float = INF,
        cost: float = 0.0,
        integer: bool = False,
    ) -> int:
        """Declare a column and return its index; a key declared twice is refused."""
        if self.find(key) is not None:
            raise ValueError(f"column {key_name(key)} declared twice")
        index = len(self._keys)
        self._index[key] = index
        self._keys.append(key)
        self.col_lower.append(lower)
        self.col_upper.append(upper)
        self.col_cost.append(cost)
        self.col_integer.append(integer)
        return index

    def spend_run(
        self,
        kind: type[Spend] | type[PoolSpend],
        source: str,
        year: int,
        outcomes: Sequence[str],
        position: dict[str, int] | None = None,
    ) -> range:
        """Declare a source's spend columns for one year, one per outcome (no cost, from 0 up)."""
        if (kind, source, year) in self._run_at:
            raise ValueError(f"spend of {source} in {year} declared twice")
        start, n = len(self._keys), len(outcomes)
        columns = range(start, start + n)
        position = position if position is not None else {o: i for i, o in enumerate(outcomes)}
        run = SpendRun(kind, source, year, outcomes, position, columns)
        self.runs.append(run)
        self._run_at[(kind, source, year)] = run
        self._run_starts.append(start)
        self._keys.extend([None] * n)
        self.col_lower.extend([0.0] * n)
        self.col_upper.extend([INF] * n)
        self.col_cost.extend([0.0] * n)
        self.col_integer.extend([False] * n)
        return columns

    def run_of(self, kind: type[Spend] | type[PoolSpend], source: str, year: int) -> SpendRun | None:
        """The run of spend columns for a stream or pot in a year, or None when it has none."""
        return self._run_at.get((kind, source, year))

    def find(self, key: ColumnKey) -> int | None:
        """The column of `key`, or None if the program has none."""
        if isinstance(key, Spend):
            run = self._run_at.get((Spend, key.stream, key.year))
            return None if run is None else run.col(key.outcome)
        if isinstance(key, PoolSpend):
            run = self._run_at.get((PoolSpend, key.pot, key.year))
            return None if run is None else run.col(key.outcome)
        return self._index.get(key)

    def has(self, key: ColumnKey) -> bool:
        """Whether the program has a column for `key`."""
        return self.find(key) is not None

    def col(self, key: ColumnKey) -> int:
        """The column of `key`; a KeyError naming it when the program has none."""
        found = self.find(key)
        if found is None:
            raise KeyError(key_name(key))
        return found

    def key(self, index: int) -> ColumnKey:
        """What column `index` stands for."""
        key = self._keys[index]
        if key is not None:
            return key
        run = self.runs[bisect.bisect_right(self._run_starts, index) - 1]
        return run.key(index - run.columns.start)

    def keyed_columns(self) -> Iterator[tuple[ColumnKey, int]]:
        """Every column not in a spend run, by its key, with its index."""
        return iter(self._index.items())

    def column_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Columns' lower and upper bounds, costs and integrality, as arrays (bounds may be infinite)."""
        return (
            np.asarray(self.col_lower, dtype=np.float64),
            np.asarray(self.col_upper, dtype=np.float64),
            np.asarray(self.col_cost, dtype=np.float64),
            np.asarray(self.col_integer, dtype=bool),
        )

    def row_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows' lower and upper bounds, as arrays (either may be infinite)."""
        return np.asarray(self.row_lower, dtype=np.float64), np.asarray(self.row_upper, dtype=np.float64)

    def keys_of(self, kind: type[K]) -> Iterator[tuple[K, int]]:
        """Every column keyed by `kind` (not the spend runs' columns), with its index."""
        for key, index in self._index.items():
            if isinstance(key, kind):
                yield key, index

    def row(
        self,
        label: RowLabel,
        terms: Iterable[tuple[int, float]],
        lower: float = -INF,
        upper: float = INF,
    ) -> int:
        """Declare `lower <= sum(coef * column) <= upper`; repeated columns are summed."""
        if label in self.row_index:
            raise ValueError(f"row {label.name} declared twice")
        terms = list(terms)
        # two flat arrays from two tuples: half the time of one array of pairs
        columns, coefs = zip(*terms, strict=True) if terms else ((), ())
        if len(set(columns)) != len(columns):  # a column twice: merge its coefficients
            merged: dict[int, float] = {}
            for c, v in terms:
                merged[c] = merged.get(c, 0.0) + v
            columns, coefs = tuple(merged.keys()), tuple(merged.values())
        cols = np.array(columns, dtype=np.int32)
        vals = np.array(coefs, dtype=np.float64)
        keep = vals != 0.0
        index = len(self.row_labels)
        self.row_index[label] = index
        self.row_labels.append(label)
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self._row_cols.append(cols[keep])
        self._row_vals.append(vals[keep])
        return index

    def row_span(
        self,
        label: RowLabel,
        span: range,
        coef: float,
        terms: Iterable[tuple[int, float]],
        lower: float = -INF,
        upper: float = INF,
    ) -> int:
        """A row over a run of consecutive columns with one coefficient, plus a few other terms.

        The money rows are this shape (a stream-year's spend columns, then its
        budget, pooled share and carry); stating the run as a range keeps
        ninety thousand (column, 1.0) tuples out of an XL build.
        """
        merged: dict[int, float] = {}
        for c, v in terms:
            if c in span:
                raise ValueError(f"row {label.name}: column {c} is in the span and among the terms")
            merged[c] = merged.get(c, 0.0) + v
        small = [(c, v) for c, v in merged.items() if v != 0.0]
        cols = np.concatenate(
            [
                np.arange(span.start, span.stop, dtype=np.int32),
                np.array([c for c, _ in small], dtype=np.int32),
            ]
        )
        vals = np.concatenate([np.full(len(span), coef), np.array([v for _, v in small], dtype=np.float64)])
        if coef == 0.0:
            cols, vals = cols[len(span) :], vals[len(span) :]
        return self.row_arrays(label, cols, vals, lower=lower, upper=upper)

    def row_arrays(
        self, label: RowLabel, cols: np.ndarray, vals: np.ndarray, lower: float = -INF, upper: float = INF
    ) -> int:
        """Declare a row from arrays whose columns are distinct (the long rows, without tuples)."""
        if label in self.row_index:
            raise ValueError(f"row {label.name} declared twice")
        index = len(self.row_labels)
        self.row_index[label] = index
        self.row_labels.append(label)
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self._row_cols.append(np.asarray(cols, dtype=np.int32))
        self._row_vals.append(np.asarray(vals, dtype=np.float64))
        return index

    def add_term(self, row: int, col: int, value: float) -> None:
        """Add `value * column` to a declared row (the column must not be in it yet)."""
        if value == 0.0:
            return
        if col in self._row_cols[row]:
            raise ValueError(f"row {self.row_labels[row].name} already holds column {col}")
        self._row_cols[row] = np.append(self._row_cols[row], np.int32(col))
        self._row_vals[row] = np.append(self._row_vals[row], value)

    # --- reading ---

    @property
    def num_cols(self) -> int:
        """How many columns the program has."""
        return len(self._keys)

    @property
    def num_rows(self) -> int:
        """How many rows the program has."""
        return len(self.row_labels)

    @property
    def is_mip(self) -> bool:
        """Whether any column is integer (the optimal arrangement's choices): a MIP gives no duals."""
        return any(self.col_integer)

    def row_terms(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """The columns and coefficients of row `index`."""
        return self._row_cols[index], self._row_vals[index]

    def csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row-wise sparse matrix (starts, column indices, values)."""
        lengths = np.fromiter((len(c) for c in self._row_cols), dtype=np.int64, count=self.num_rows)
        starts = np.zeros(self.num_rows + 1, dtype=np.int32)
        np.cumsum(lengths, out=starts[1:])
        if self.num_rows:
            index = np.concatenate(self._row_cols).astype(np.int32)
            value = np.concatenate(self._row_vals)
        else:
            index = np.zeros(0, dtype=np.int32)
            value = np.zeros(0)
        return starts, index, value

    # --- PuLP, for CBC and for writing the model out ---

    def to_pulp(
        self, name: str = "laa"
    ) -> tuple[pulp.LpProblem, list[pulp.LpVariable], list[pulp.LpConstraint]]:
        """The same program as a PuLP problem: one variable per column, one constraint per row."""
        problem = pulp.LpProblem(_safe(name) or "laa", pulp.LpMaximize)
        variables = [
            problem.add_variable(
                f"{_safe(key_name(self.key(i)))}_{i}",
                lowBound=None if lo == -INF else lo,
                upBound=None if hi == INF else hi,
                cat=pulp.LpInteger if integer else pulp.LpContinuous,
            )
            for i, (lo, hi, integer) in enumerate(
                zip(self.col_lower, self.col_upper, self.col_integer, strict=True)
            )
        ]
        problem.setObjective(
            pulp.LpAffineExpression([(variables[i], c) for i, c in enumerate(self.col_cost) if c])
        )
        constraints: list[pulp.LpConstraint] = []
        for i, label in enumerate(self.row_labels):
            cols, vals = self._row_cols[i], self._row_vals[i]
            expr = pulp.LpAffineExpression(
                [(variables[c], float(v)) for c, v in zip(cols.tolist(), vals.tolist(), strict=True)]
            )
            lo, hi = self.row_lower[i], self.row_upper[i]
            if lo == hi:
                sense, rhs = pulp.LpConstraintEQ, lo
            elif hi == INF:
                sense, rhs = pulp.LpConstraintGE, lo
            elif lo == -INF:
                sense, rhs = pulp.LpConstraintLE, hi
            else:  # a range: `expr - r = lo` with `0 <= r <= hi - lo`, one constraint to carry its dual
                spread = problem.add_variable(f"range_{i}", lowBound=0.0, upBound=hi - lo)
                expr = expr - spread
                sense, rhs = pulp.LpConstraintEQ, lo
            constraint = pulp.LpConstraint(expr, sense, f"{_safe(label.name)}_{i}", rhs)
            problem.addConstraint(constraint)
            constraints.append(constraint)
        return problem, variables, constraints


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)
