"""Shadow prices: what one more GBP 1m of a stream, or GBP 1m of slack in a rule, is worth.

Rows are in GBP millions, so a row's normalised dual (see `solvers`) is
already "score per GBP 1m". A stream's price is the dual of its budget row,
which carries the money into every place it counts (its spend, its carry
cap, its pooled share, the share rules on it). A rule's price is the score
gained by relaxing it by GBP 1m (lowering a minimum, raising a maximum), so
prices are comparable across rules; share and match rules also get the
price of relaxing their ratio by 0.01.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from laa.models.scenario import RuleKind
from laa.pooling.vocabulary import RowFamily

if TYPE_CHECKING:
    from laa.pooling.build import Builder

# below this a price is solver noise
PRICE_NOISE = 1e-9


@dataclass(frozen=True)
class ShadowPrice:
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


def priced_rows(b: Builder) -> list[PricedRow]:
    scenario, program = b.scenario, b.program
    found: list[PricedRow] = []
    for i, label in enumerate(program.row_labels):
        if label.family is RowFamily.BUDGET:
            stream = label.stream or ""
            found.append(
                PricedRow(
                    i, "stream", stream, label.year, label.years, 1.0, scenario.funder_of(stream), None, None
                )
            )
        elif label.family is RowFamily.STATUTORY:
            found.append(
                PricedRow(
                    i, "statutory", label.outcome or "", label.year, label.years, -1.0, None, None, None
                )
            )
        elif label.family in (RowFamily.RULE, RowFamily.RULE_POT):
            rule = scenario.rule(label.rule or "")
            funders = sorted({scenario.funder_of(s) for s in scenario.rule_streams(rule)})
            sign = -1.0 if program.row_upper[i] == float("inf") else 1.0
            ratio = cols = vals = None
            if (rule.kind.is_share or rule.kind is RuleKind.MATCH) and rule.value > 0:
                # the row is `spend - ratio * base (>=|<=) 0`: its negative terms are ratio * base
                all_cols, all_vals = program.row_terms(i)
                negative = all_vals < 0
                ratio, cols, vals = rule.value, all_cols[negative], all_vals[negative]
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
                )
            )
    return found


def shadow_prices(
    b: Builder, values: np.ndarray, shadow: np.ndarray, rows: list[PricedRow] | None = None
) -> list[ShadowPrice]:
    """Every stream's and rule's price at this solution (`rows`: `priced_rows(b)`, if already known)."""
    found = []
    for r in rows if rows is not None else priced_rows(b):
        gain = r.sign * float(shadow[r.row])
        per_point = None
        if r.ratio is not None and r.ratio_cols is not None and r.ratio_vals is not None:
            base = -float(np.dot(r.ratio_vals, values[r.ratio_cols])) / r.ratio
            per_point = _clean(gain * 0.01 * base)
        found.append(ShadowPrice(r.kind, r.id, r.year, r.years, _clean(gain), r.funder, r.pot, per_point))
    return found


def _clean(value: float) -> float:
    return 0.0 if abs(value) < PRICE_NOISE else value
