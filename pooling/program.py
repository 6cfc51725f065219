"""A labelled linear program: columns and rows that know which scenario item they stand for.

Every row carries a `RowLabel` built from the scenario's ids (the stream
money of `nrf` in 2026, the ring-fence `nrf-ssc-ringfence` in 2027), so a
dual, a binding rule or an infeasible subset comes back in the scenario's
own words. Rows are stored as sparse arrays as they are declared, which is
what HiGHS takes in one call; the PuLP problem (for CBC and for writing an
LP file) is assembled from the same arrays when it is asked for.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pulp
from laa.pooling.units import years_text

INF = float("inf")


@dataclass(frozen=True)
class RowLabel:
    """What a row means: its constraint family (MODEL.md's names) and the ids it is about."""

    family: str
    stream: str | None = None
    pot: str | None = None
    outcome: str | None = None
    rule: str | None = None
    years: tuple[int, ...] = ()
    funder: str | None = None

    @property
    def name(self) -> str:
        parts = [p for p in (self.rule, self.funder, self.stream, self.pot, self.outcome) if p]
        if self.years:
            parts.append(years_text(self.years))
        return f"{self.family}[{','.join(parts)}]"

    @property
    def year(self) -> int | None:
        """The row's year when it is about one year (None for a whole-period row)."""
        return self.years[0] if len(self.years) == 1 else None


@dataclass
class Program:
    """Columns, rows and a maximised objective, in GBP millions."""

    col_keys: list[Hashable] = field(default_factory=list)
    col_lower: list[float] = field(default_factory=list)
    col_upper: list[float] = field(default_factory=list)
    col_cost: list[float] = field(default_factory=list)
    col_integer: list[bool] = field(default_factory=list)
    col_index: dict[Hashable, int] = field(default_factory=dict)
    row_labels: list[RowLabel] = field(default_factory=list)
    row_lower: list[float] = field(default_factory=list)
    row_upper: list[float] = field(default_factory=list)
    _row_cols: list[np.ndarray] = field(default_factory=list)
    _row_vals: list[np.ndarray] = field(default_factory=list)
    row_index: dict[RowLabel, int] = field(default_factory=dict)

    # --- declaring ---

    def column(
        self,
        key: Hashable,
        lower: float = 0.0,
        upper: float = INF,
        cost: float = 0.0,
        integer: bool = False,
    ) -> int:
        if key in self.col_index:
            raise ValueError(f"column {key!r} declared twice")
        index = len(self.col_keys)
        self.col_index[key] = index
        self.col_keys.append(key)
        self.col_lower.append(lower)
        self.col_upper.append(upper)
        self.col_cost.append(cost)
        self.col_integer.append(integer)
        return index

    def columns(self, keys: list[Hashable], lower: float = 0.0, upper: float = INF) -> range:
        """Declare many columns at once (no cost, continuous): the spend columns, in bulk."""
        start = len(self.col_keys)
        self.col_index.update(zip(keys, range(start, start + len(keys)), strict=True))
        if len(self.col_index) != start + len(keys):
            raise ValueError("a column was declared twice")
        n = len(keys)
        self.col_keys.extend(keys)
        self.col_lower.extend([lower] * n)
        self.col_upper.extend([upper] * n)
        self.col_cost.extend([0.0] * n)
        self.col_integer.extend([False] * n)
        return range(start, start + n)

    def has(self, key: Hashable) -> bool:
        return key in self.col_index

    def col(self, key: Hashable) -> int:
        return self.col_index[key]

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
        cols_list = [c for c, _ in terms]
        if len(set(cols_list)) == len(cols_list):  # the common case: nothing to merge
            cols = np.array(cols_list, dtype=np.int32)
            vals = np.array([v for _, v in terms], dtype=np.float64)
        else:
            merged: dict[int, float] = {}
            for c, v in terms:
                merged[c] = merged.get(c, 0.0) + v
            cols = np.fromiter(merged.keys(), dtype=np.int32, count=len(merged))
            vals = np.fromiter(merged.values(), dtype=np.float64, count=len(merged))
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

    # --- reading ---

    @property
    def num_cols(self) -> int:
        return len(self.col_keys)

    @property
    def num_rows(self) -> int:
        return len(self.row_labels)

    @property
    def is_mip(self) -> bool:
        return any(self.col_integer)

    def row_terms(self, index: int) -> tuple[np.ndarray, np.ndarray]:
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

    def keys_like(self, kind: str) -> Iterable[tuple[Hashable, int]]:
        for key, index in self.col_index.items():
            if isinstance(key, tuple) and key and key[0] == kind:
                yield key, index

    # --- PuLP, for CBC and for writing the model out ---

    def to_pulp(
        self, name: str = "laa"
    ) -> tuple[pulp.LpProblem, list[pulp.LpVariable], list[pulp.LpConstraint]]:
        """The same program as a PuLP problem: one variable per column, one constraint per row."""
        problem = pulp.LpProblem(_safe(name) or "laa", pulp.LpMaximize)
        variables = [
            problem.add_variable(
                f"{_safe(_key_name(key))}_{i}",
                lowBound=None if lo == -INF else lo,
                upBound=None if hi == INF else hi,
                cat=pulp.LpInteger if integer else pulp.LpContinuous,
            )
            for i, (key, lo, hi, integer) in enumerate(
                zip(self.col_keys, self.col_lower, self.col_upper, self.col_integer, strict=True)
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
            else:
                raise ValueError(f"row {label.name} has two sides; the model declares one-sided rows")
            constraint = pulp.LpConstraint(expr, sense, f"{_safe(label.name)}_{i}", rhs)
            problem.addConstraint(constraint)
            constraints.append(constraint)
        return problem, variables, constraints


def _key_name(key: Hashable) -> str:
    if isinstance(key, tuple):
        head, *rest = key
        return f"{head}[{','.join(str(r) for r in rest)}]"
    return str(key)


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)
