"""Money the program states as numbers: where each stream-year's amount reaches a bound.

With the pooling fixed, a stream's amount is no column of the program: it
is part of the bound of every row (and carry column) it reaches. `Affine`
carries such an amount through the builder with a note of where it came
from, and `AmountTerms` keeps those notes once the rows exist: a stream's
shadow price is read from them, and a kept model moves the bounds they
name when an amount changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Affine:
    """An amount of money as the program states it: `constant` (solver units) plus `terms` (columns).

    `amounts` say where the constant comes from: (place, solver units per GBP) for each
    stream-year whose amount it moves with (`Builder.place`).
    """

    constant: float = 0.0
    terms: tuple[tuple[int, float], ...] = ()
    amounts: tuple[tuple[int, float], ...] = ()

    def times(self, factor: float) -> Affine:
        """The same amount scaled by `factor` (a share rule's share, say)."""
        return Affine(
            self.constant * factor,
            tuple((c, v * factor) for c, v in self.terms),
            tuple((p, v * factor) for p, v in self.amounts),
        )

    def merged(self) -> Affine:
        """The same amount with each place named once (`B - y` names a year's amount twice), none at 0."""
        by_place: dict[int, float] = {}
        for place, coef in self.amounts:
            by_place[place] = by_place.get(place, 0.0) + coef
        return Affine(self.constant, self.terms, tuple((p, v) for p, v in by_place.items() if v != 0.0))

    def __add__(self, other: Affine) -> Affine:
        return Affine(self.constant + other.constant, self.terms + other.terms, self.amounts + other.amounts)


@dataclass
class AmountTerms:
    """Where each stream-year's amount sits in the program: (row or column, place, units per GBP).

    A row's finite bound (or a column's upper bound) is the sum of `coef * B[place]` over its
    entries plus a part that does not move with any amount.
    """

    rows: list[tuple[int, int, float]] = field(default_factory=list)
    cols: list[tuple[int, int, float]] = field(default_factory=list)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(row, place, coef) and (column, place, coef) as arrays."""
        rows = np.array(self.rows, dtype=np.float64).reshape(-1, 3)
        cols = np.array(self.cols, dtype=np.float64).reshape(-1, 3)
        return (
            rows[:, 0].astype(np.int64),
            rows[:, 1].astype(np.int64),
            rows[:, 2],
            cols[:, 0].astype(np.int64),
            cols[:, 1].astype(np.int64),
            cols[:, 2],
        )
