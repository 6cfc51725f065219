"""Money inside the solver is in GBP millions; everything outside is in pounds. And years as text.

HiGHS's mixed-integer search stopped 1.5% short of the optimum on raw
pounds while reporting success; in millions it does not. Converting in one
place keeps the two scales from meeting anywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence

MILLION = 1_000_000.0


def millions(pounds: float) -> float:
    return pounds / MILLION


def pounds(millions_: float) -> float:
    return millions_ * MILLION


def years_text(years: Sequence[int]) -> str:
    """Years as a reader says them: `2026-2028` only for a run with no gap, so 2026 and 2028 stay
    `2026, 2028` (a range would claim 2027 too); runs and single years joined by commas."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)
