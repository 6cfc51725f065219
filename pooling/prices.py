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

from models.scenario import RuleKind

if TYPE_CHECKING:
    from pooling.build import Builder

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


def shadow_prices(b: Builder, values: np.ndarray, shadow: np.ndarray) -> list[ShadowPrice]:
    scenario, program = b.scenario, b.program
    found: list[ShadowPrice] = []
    for i, label in enumerate(program.row_labels):
        dual = float(shadow[i])
        if label.family == "budget":
            found.append(
                ShadowPrice(
                    "stream",
                    label.stream or "",
                    label.year,
                    label.years,
                    _clean(dual),
                    funder=scenario.funder_of(label.stream or ""),
                )
            )
        elif label.family in ("rule", "rule_pot", "statutory"):
            minimum = program.row_upper[i] == float("inf")
            gain = -dual if minimum else dual
            if label.family == "statutory":
                found.append(
                    ShadowPrice("statutory", label.outcome or "", label.year, label.years, _clean(gain))
                )
                continue
            rule = scenario.rule(label.rule or "")
            streams = scenario.rule_streams(rule)
            funders = sorted({scenario.funder_of(s) for s in streams})
            per_point = None
            if rule.kind.is_share or rule.kind is RuleKind.MATCH:
                per_point = _clean(gain * 0.01 * _ratio_base(b, i, rule.kind, values))
            found.append(
                ShadowPrice(
                    "rule",
                    rule.id,
                    label.year,
                    label.years,
                    _clean(gain),
                    funder=funders[0] if len(funders) == 1 else None,
                    pot=label.pot,
                    per_point=per_point,
                )
            )
    return found


def _ratio_base(b: Builder, row: int, kind: RuleKind, values: np.ndarray) -> float:
    """What the rule's ratio multiplies, at the solution (GBP millions).

    A share rule's row is `spend - rho * base >= 0`, so moving rho by 0.01
    moves the row by 0.01 * base. The ratio's terms are the row's negative
    coefficients divided by rho, which we recover as the negative part of
    the row evaluated at the solution.
    """
    cols, vals = b.program.row_terms(row)
    negative = vals < 0
    ratio_part = -float(np.dot(vals[negative], values[cols[negative]]))
    label = b.program.row_labels[row]
    rule = b.scenario.rule(label.rule or "")
    return ratio_part / rule.value if rule.value > 0 else 0.0


def _clean(value: float) -> float:
    return 0.0 if abs(value) < PRICE_NOISE else value
