"""Money inside the solver is in GBP millions; everything outside is in pounds. And years as text.

HiGHS's mixed-integer search stopped 1.5% short of the optimum on raw
pounds while reporting success; in millions it does not. Converting in one
place keeps the two scales from meeting anywhere else.

What counts as a real amount is decided here too, once. A solver's answer
carries dust: among equally good plans, and within its tolerances (about
1e-7 of the money it was given), it leaves a few pounds here and there
(the example's silo plan spends £1.24 to £8.06 on outcomes nobody chose).
An amount is real when it is at least `dust_gbp` of the area: a millionth
of all the money its streams bring over the agreement, and never less than
£1. Every output that shows an amount to a person (tables, CSV, JSON
allocation, workbooks, the report, sweeps, drift) leaves out the amounts
below it and shows money no finer than it (`money_text`): £275,004 in a
£216m area is £275,000 give or take the solver's dust.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from laa.models.scenario import Scenario

MILLION = 1_000_000.0
DUST_SHARE = 1e-6  # of the area's money over the agreement
DUST_FLOOR_GBP = 1.0  # a tiny area's floor: under a pound is never a choice anyone made


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
    """Every stream's amounts over every year (GBP): the scale the solver's dust is measured against."""
    return sum(s.amount_in(t) for s in scenario.streams for t in scenario.years)


def dust_gbp(scenario: Scenario) -> float:
    """The smallest amount (GBP) that is a plan's choice and not solver tolerance, for this area."""
    return dust_of_money(area_money(scenario))


def dust_of_money(money: float) -> float:
    """`dust_gbp` for an area whose streams bring `money` (GBP) over the agreement."""
    return max(DUST_FLOOR_GBP, DUST_SHARE * money)


def is_real(amount: float, dust: float) -> bool:
    """Whether an amount (or a change in one) is at least the dust threshold, either side of zero."""
    return abs(amount) >= dust


def gbp(value: float) -> float:
    """Pounds rounded to the penny (and no negative zero): every figure a reader is given, in the
    results document and in the plan's own DataFrames alike."""
    rounded = round(value, 2)
    return 0.0 if rounded == 0 else rounded


def real_gbp(value: float, dust: float) -> float:
    """Pounds to the penny, or 0 for an amount below the area's dust threshold (`dust_gbp`)."""
    return gbp(value) if is_real(value, dust) else 0.0


def shown_unit(dust: float | None) -> float:
    """The unit money is rounded to when shown: the power of ten at or below the dust (£1 at least)."""
    if dust is None or dust < 10:
        return 1.0
    return 10.0 ** math.floor(math.log10(dust))


def money_text(amount: float | None, dust: float | None = None, signed: bool = False) -> str:
    """Pounds as a person reads them: `£1,234`, `-£1,234` (or `+£1,234` when `signed`), `-` for none.

    With `dust`, the amount is rounded to `shown_unit(dust)`, so no digit finer than the
    solver's dust is shown, and an amount below the dust reads £0.
    """
    if amount is None or not math.isfinite(amount):
        return "-"
    if dust is not None and not is_real(amount, dust):
        amount = 0.0
    unit = shown_unit(dust)
    rounded = round(amount / unit) * unit
    sign = "-" if rounded < 0 else ("+" if signed and rounded > 0 else "")
    return f"{sign}£{abs(rounded):,.0f}"
