"""Money inside the solver is in GBP millions; everything outside is in pounds.

HiGHS's mixed-integer search stopped 1.5% short of the optimum on raw
pounds while reporting success; in millions it does not. Converting in one
place keeps the two scales from meeting anywhere else.
"""

MILLION = 1_000_000.0


def millions(pounds: float) -> float:
    return pounds / MILLION


def pounds(millions_: float) -> float:
    return millions_ * MILLION
