"""Money inside the solver is in GBP millions; everything outside is in pounds. And years as text.

HiGHS's mixed-integer search stopped 1.5% short of the optimum on raw
pounds while reporting success; in millions it does not. Converting in one
place keeps the two scales from meeting anywhere else.

What counts as a real amount is decided per line, in the line's own money,
where a plan is read back (`pooling.published`), and never as a share of the
whole area: a millionth of an area holding a £1e12 stream once hid £54,000
statutory spends. What is left here is how finely money is shown: no finer
than the solver can vouch for, its tolerance in the area's unit of money
(`solver_dust`: £1 for a borough solved in units of £10m, £10,000 for a
national programme solved in units of £100bn), and never finer than £1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from laa.pooling.program.scale import SOLVER_TOLERANCE, money_unit

if TYPE_CHECKING:
    from laa.models.scenario import Scenario

MILLION = 1_000_000.0


def millions(pounds: float) -> float:
    """Pounds to the GBP millions the solver works in (the one place the scale changes)."""
    return pounds / MILLION


def pounds(millions_: float) -> float:
    """GBP millions from the solver back to the pounds every output shows."""
    return millions_ * MILLION


def years_text(years: Iterable[int]) -> str:
    """Years as a reader says them: `2026-2028` only for a run with no gap, so 2026 and 2028 stay
    `2026, 2028` (a range would claim 2027 too); runs and single years joined by commas, in order,
    whatever order or repeats the years came in."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def area_money(scenario: Scenario) -> float:
    """Every stream's amounts over every year (GBP)."""
    return sum(s.amount_in(t) for s in scenario.streams for t in scenario.years)


def solver_dust(scenario: Scenario) -> float:
    """The least amount (GBP) the solver can tell from nothing in this area's programs: its tolerance
    in the area's unit of money (`pooling.scale`). Money is shown no finer than this."""
    return SOLVER_TOLERANCE * money_unit(scenario)


def gbp(value: float) -> float:
    """Pounds rounded to the penny (and no negative zero): every figure a reader is given, in the
    results document and in the plan's own DataFrames alike."""
    rounded = round(value, 2)
    return 0.0 if rounded == 0 else rounded


def shown_unit(dust: float | None) -> float:
    """The unit money is rounded to when shown: the power of ten at or below `dust` (£1 at least)."""
    if dust is None or dust < 10:
        return 1.0
    return 10.0 ** math.floor(math.log10(dust))


def money_text(amount: float | None, dust: float | None = None, signed: bool = False) -> str:
    """Pounds as a person reads them: `£1,234`, `-£1,234` (or `+£1,234` when `signed`), `-` for none.

    With `dust` (`solver_dust`), the amount is rounded to `shown_unit(dust)`, so no digit finer
    than the solver can vouch for is shown.
    """
    if amount is None or not math.isfinite(amount):
        return "-"
    unit = shown_unit(dust)
    rounded = round(amount / unit) * unit
    sign = "-" if rounded < 0 else ("+" if signed and rounded > 0 else "")
    return f"{sign}£{abs(rounded):,.0f}"
