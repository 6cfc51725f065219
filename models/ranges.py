"""The range every number in a scenario may take, stated once and checked where the field is read.

A number outside these ranges is not an area's budget or indicator but a
typo, a unit slip (pence for pounds, a rate for a percentage) or a hostile
file: `weight: 1e308` once came back as an "optimal" plan scoring 1e308.
The ranges are wide enough for a parish's £20,000 and a national
programme's £50bn, and narrow enough that every plan the solver returns
can be checked to a relative 1e-9: the solver never sees a coefficient
outside 1e-9..1e9 in the units it works in.

docs/file-format.md ("The range of every number") gives the same table; `RANGES` is
what it is written from, and `tests/models/test_ranges.py` holds them
together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from laa.models.visible import escaped, invisible
from pydantic import AfterValidator


@dataclass(frozen=True)
class Range:
    """`low`..`high`, and 0 as well when `zero` (money that is 0 means "none", not a slip)."""

    what: str  # as a finance lead names it
    low: float
    high: float
    zero: bool = False
    pounds: bool = False

    def holds(self, value: float) -> bool:
        """Whether the value is in the range (or 0 when 0 is allowed); NaN and infinities never are."""
        if isinstance(value, float) and not math.isfinite(value):
            return False
        return self.low <= value <= self.high or (self.zero and value == 0)  # exact for any int too

    def text(self) -> str:
        """The range as the message says it, e.g. `0, or 1 to 100`."""
        span = f"{self._shown(self.low)} to {self._shown(self.high)}"
        return f"0, or {span}" if self.zero else span

    def check(self, value: float) -> float:
        """The value, or `ValueError` saying what was found and the range (pydantic locates it)."""
        if not self.holds(value):
            raise ValueError(f"{self.what} must be {self.text()}; found {_found(value)}")
        return value

    def _shown(self, value: float) -> str:
        if self.pounds:
            return f"£{value:,.0f}"
        if value == int(value) and abs(value) < 1e6:
            return str(int(value))
        return f"{value:g}"


def _found(value: float) -> str:
    """A number as a problem quotes it: `1e+13`; an integer too long for a float, by its length."""
    if isinstance(value, int) and abs(value) >= 10**15:
        digits = len(str(abs(value)))
        return f"an integer of {digits} digits"
    return f"{value:g}"


MONEY = Range("money", 1.0, 1e12, zero=True, pounds=True)
WIDTH = Range("a response segment's spend", 1.0, 1e12, pounds=True)
EFFECT = Range("an effect", 0.0, 1e9)
INDICATOR = Range("an indicator value", -1e9, 1e9)
WEIGHT = Range("a weight", 1e-3, 1e3)
SHARE = Range("a share", 0.0, 1.0)
MATCH = Range("a match ratio", 0.0, 100.0)
YEAR = Range("a year", 1900, 2200)
# an outcome's target gap, |target - baseline|, in indicator units
GAP = Range("the gap between target and baseline", 1e-6, 2e9)
# the stretch's distance from the baseline as a multiple of the target's (cap / gap in MODEL.md)
STRETCH_RATIO = Range("the stretch's distance from the baseline over the target's", 1.0, 100.0)
# a segment's slope as the share of the outcome's gap it closes per £1m: between closing the gap
# for £1e12 and for £1. An effect of 0 is always allowed (a flat tail)
GAP_PER_MILLION = Range("a segment's effect per £1m as a share of the gap", 1e-6, 1e6)

RANGES = (MONEY, WIDTH, EFFECT, INDICATOR, WEIGHT, SHARE, MATCH, YEAR, GAP, STRETCH_RATIO, GAP_PER_MILLION)

# the total of the historic rows of one stream, outcome and year (they are summed): money's range
HISTORIC_TOTAL = MONEY



def check_outcome_scale(
    baseline: float, target: float, stretch: float | None, segments: list[tuple[float | None, float]]
) -> None:
    """An outcome's gap, stretch and curve against each other: `ValueError` naming the first out of range.

    Each number may be in range alone and the outcome still be absurd: a gap of
    1e-6 with an effect of 1e9 per £1 would put a coefficient of 1e21 before the
    solver. `segments` are (spend, effect), spend None for an unbounded tail.

    The gap and the stretch's ratio are worked out from the numbers as typed, not
    from their binary floats: baseline 1.1, target 1.2 and stretch 11.1 are 100
    gaps apart, which floats make 100.00000000000013 and the edge refused.
    """
    typed_gap = abs(_typed(target) - _typed(baseline))
    gap = float(typed_gap)
    if not GAP.holds(gap):
        raise ValueError(f"target and baseline are {gap:g} apart; {GAP.what} must be {GAP.text()}")
    ratio = 1.0 if stretch is None else float(abs(_typed(stretch) - _typed(baseline)) / typed_gap)
    if not STRETCH_RATIO.holds(ratio):
        raise ValueError(
            f"the stretch is {ratio:g} times as far from the baseline as the target; "
            f"{STRETCH_RATIO.what} must be {STRETCH_RATIO.text()}"
        )
    for k, (spend, effect) in enumerate(segments, start=1):
        if spend is None or effect == 0 or spend <= 0:
            continue
        share = effect / gap / (spend / 1e6)
        if not GAP_PER_MILLION.holds(share):
            raise ValueError(
                f"segment {k} closes {share:g} of the gap per £1m ({effect:g} over £{spend:,.0f}); "
                f"{GAP_PER_MILLION.what} must be {GAP_PER_MILLION.text()} (closing the gap would cost "
                "between £1 and £1e12); give a flat tail effect 0"
            )


def _typed(value: float) -> Decimal:
    """The number as the file wrote it: the shortest decimal that reads back as this float."""
    return Decimal(repr(float(value)))


Money = Annotated[float, AfterValidator(MONEY.check)]
Width = Annotated[float, AfterValidator(WIDTH.check)]
Effect = Annotated[float, AfterValidator(EFFECT.check)]
Indicator = Annotated[float, AfterValidator(INDICATOR.check)]
Weight = Annotated[float, AfterValidator(WEIGHT.check)]
MatchRatio = Annotated[float, AfterValidator(MATCH.check)]
Year = Annotated[int, AfterValidator(YEAR.check)]


def check_id(ident: str) -> str:
    """An id of visible text: no control or invisible formatting character, and not only spaces.

    It names the item in every output. A carriage return in a stream id once split
    a CSV row and started the next "row" with a formula; a right-to-left override
    makes an id read as another; an id of spaces names nothing a reader can see.
    """
    for position, char in enumerate(ident, start=1):
        if invisible(char):
            raise ValueError(
                f"holds the control character '{escaped(char)}' at position {position}; "
                "an id is printed in every report and spreadsheet, so it holds only visible text and spaces"
            )
    if not ident.strip():
        raise ValueError(
            f"is {len(ident)} space{'s' if len(ident) != 1 else ''} and nothing else; "
            "an id is printed in every report and spreadsheet, so it holds visible text"
        )
    return ident


# what `str.splitlines` ends a line at: a terminal, a CSV reader or a YAML reader may end one at each
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def check_name(name: str) -> str:
    """A name (or unit) on one line: every table prints it in a row, and a line break inside it would
    start a row of its own (`name: "Police\\nbase  optimal 99"` printed a false `base` row). Its other
    invisible characters (a tab, a bidi mark) are shown escaped where it is printed (`models.visible`)."""
    for position, char in enumerate(name, start=1):
        if char in LINE_BREAKS:
            raise ValueError(
                f"holds a line break ('{escaped(char)}') at position {position}; a name is printed as one "
                "line of every table: put it on one line"
            )
    return name
