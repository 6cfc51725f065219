"""Shadow prices: what one more GBP 1m of a stream, or GBP 1m of slack in a rule, is worth.

A row's normalised dual (see `solvers`) is the score per solver unit of
money (`Builder.unit` GBP) its bound moves; it is scaled here to "score per
GBP 1m". A stream's amount is no row of its own: it sets the bound of its
money row, its carry's cap, the share rules on it and its pot's money
(`AmountTerms`), so its price is the sum of those bounds' duals, each times
how far the bound moves per GBP, which is what the dual of a row fixing the
amount would be. A carry's cap counts only when the carry is at its cap (a
column's reduced cost prices whichever bound it sits at). A rule's price is
the score gained by relaxing it by GBP 1m (lowering a minimum, raising a
maximum), so prices are comparable across rules; share and match rules also
get the price of relaxing their ratio by 0.01.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from laa.models.scenario import RuleKind
from laa.pooling.program.vocabulary import RowFamily

if TYPE_CHECKING:
    from laa.pooling.program.builder import Builder

# below this a price is solver noise
PRICE_NOISE = 1e-9
MILLION = 1_000_000.0


@dataclass(frozen=True)
class ShadowPrice:
    """What one more pound (per million) of a stream, or one unit of slack in a rule, would add to
    the score; the signs are normalised here whatever the solver reports."""
    kind: str  # stream | rule | statutory
    id: str
    year: int | None
    years: tuple[int, ...]
    per_million: float
    funder: str | None = None
    pot: str | None = None
    per_point: float | None = None  # share and match rules: score per 0.01 of relaxation


@dataclass(frozen=True)
class PricedRow:
    """What a priced row is, worked out once per program (its dual changes, its meaning does not)."""

    row: int
    kind: str
    id: str
    year: int | None
    years: tuple[int, ...]
    sign: float  # +1: the dual is the gain; -1: relaxing lowers a minimum
    funder: str | None
    pot: str | None
    ratio: float | None  # share and match rules: the ratio, to price 0.01 of it
    ratio_cols: np.ndarray | None = None
    ratio_vals: np.ndarray | None = None
    base: float = 0.0  # share rules: the money the ratio is of, when it is a number (solver units)


@dataclass(frozen=True)
class PricedStreams:
    """Every stream-year of the program and where its amount sits (`AmountTerms`), as arrays."""

    streams: list[tuple[str, int, str]]  # (stream, year, funder) in place order
    places: np.ndarray  # each stream-year's place in the scenario's amounts
    rows: np.ndarray
    row_place: np.ndarray  # index into `streams`
    row_coef: np.ndarray  # solver units of bound per GBP
    cols: np.ndarray
    col_place: np.ndarray
    col_coef: np.ndarray


@dataclass(frozen=True)
class Priced:
    """The stream and rule rows of one program whose prices are read after each solve."""
    streams: PricedStreams
    rows: list[PricedRow]


def priced_rows(b: Builder) -> Priced:
    """What every price of `b` is made of, worked out once (a kept model re-prices each solve)."""
    return Priced(_priced_streams(b), _priced_rules(b))


def _priced_streams(b: Builder) -> PricedStreams:
    scenario = b.scenario
    streams = [(s, t, scenario.funder_of(s)) for s in b.streams for t in b.years]
    places = np.array([b.place[(s, t)] for s, t, _ in streams], dtype=np.int64)
    index = np.full(len(b.place), -1, dtype=np.int64)
    index[places] = np.arange(len(places))
    rows, row_place, row_coef, cols, col_place, col_coef = b.amount_terms.arrays()
    return PricedStreams(
        streams, places, rows, index[row_place], row_coef, cols, index[col_place], col_coef
    )


def _priced_rules(b: Builder) -> list[PricedRow]:
    scenario, program = b.scenario, b.program
    found: list[PricedRow] = []
    for i, label in enumerate(program.row_labels):
        if label.family is RowFamily.STATUTORY:
            found.append(
                PricedRow(
                    i, "statutory", label.outcome or "", label.year, label.years, -1.0, None, None, None
                )
            )
        elif label.family in (RowFamily.RULE, RowFamily.RULE_POT):
            rule = scenario.rule(label.rule or "")
            funders = sorted({scenario.funder_of(s) for s in scenario.rule_streams(rule)})
            minimum = program.row_upper[i] == float("inf")
            sign = -1.0 if minimum else 1.0
            ratio = cols = vals = None
            base = 0.0
            if (rule.kind.is_share or rule.kind is RuleKind.MATCH) and rule.value > 0:
                # the row is `spend - ratio * base (>=|<=) ratio * money`: the money is the bound,
                # the base's columns (a match rule's own spend) the negative terms
                all_cols, all_vals = program.row_terms(i)
                negative = all_vals < 0
                ratio, cols, vals = rule.value, all_cols[negative], all_vals[negative]
                bound = program.row_lower[i] if minimum else program.row_upper[i]
                base = bound / rule.value if rule.kind.is_share else 0.0
            found.append(
                PricedRow(
                    i,
                    "rule",
                    rule.id,
                    label.year,
                    label.years,
                    sign,
                    funders[0] if len(funders) == 1 else None,
                    label.pot,
                    ratio,
                    cols,
                    vals,
                    base,
                )
            )
    return found


def shadow_prices(
    b: Builder,
    values: np.ndarray,
    shadow: np.ndarray,
    reduced: np.ndarray,
    priced: Priced | None = None,
) -> list[ShadowPrice]:
    """Every stream-year's and rule's price at this solution (`priced`: `priced_rows(b)`, if known)."""
    priced = priced if priced is not None else priced_rows(b)
    per_million = MILLION / b.unit
    found = []
    s = priced.streams
    gains = np.bincount(s.row_place, weights=shadow[s.rows] * s.row_coef, minlength=len(s.streams))
    if len(s.cols):
        col_upper = b.program.col_upper
        upper = np.fromiter((col_upper[j] for j in s.cols.tolist()), dtype=np.float64, count=len(s.cols))
        at_cap = values[s.cols] >= upper - 1e-9 * np.maximum(1.0, upper)
        weights = np.where(at_cap, reduced[s.cols] * s.col_coef, 0.0)
        gains += np.bincount(s.col_place, weights=weights, minlength=len(s.streams))
    for (stream, year, funder), gain in zip(s.streams, (gains * MILLION).tolist(), strict=True):
        found.append(ShadowPrice("stream", stream, year, (year,), _clean(gain), funder))
    for r in priced.rows:
        gain = r.sign * float(shadow[r.row]) * per_million
        per_point = None
        if r.ratio is not None and r.ratio_cols is not None and r.ratio_vals is not None:
            base = r.base - float(np.dot(r.ratio_vals, values[r.ratio_cols])) / r.ratio
            per_point = _clean(r.sign * float(shadow[r.row]) * 0.01 * base)
        found.append(ShadowPrice(r.kind, r.id, r.year, r.years, _clean(gain), r.funder, r.pot, per_point))
    return found


def _clean(value: float) -> float:
    return 0.0 if abs(value) < PRICE_NOISE else value
