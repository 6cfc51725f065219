"""Money and shares as a finance lead types them in a workbook cell, read as the numbers a scenario holds.

A spreadsheet user writes `£800k`, `800,000` or `£1.2m` for money and `70%`
for a share, where the YAML file has `800000` and `0.7`. Text that says an
amount or a share unambiguously is read as one; anything else is refused
with the ways it may be typed, in a workbook's words (never "a mapping of
year to number"). A share typed as a percentage number (70 for 70%) is
refused rather than guessed: 70 could be a slip for 0.7 or for 7%.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

# £ before or after the sign, thousands separated by commas (or none), k / m / bn after the number
_MONEY = re.compile(
    r"(?P<sign>[-+]?)\s*£?\s*(?P<sign_after>[-+]?)\s*"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d*)?|(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)\s*(?P<suffix>k|m|bn)?",
    re.IGNORECASE,
)
_SUFFIX = {"": 1, "k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}
_SHARE = re.compile(r"(?P<number>[-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<percent>%?)")
HOW_MONEY_IS_TYPED = "type pounds as a number (800000), or as £800,000, £800k or £1.2m"
HOW_A_SHARE_IS_TYPED = "type a share as 0.7 or 70%"


class Mistyped(ValueError):
    """A cell's value that cannot be what its column holds; the message says how to type it."""


def money(value: Any) -> Any:
    """Pounds from a money cell: a number as it is; text such as `£800k`, `800,000` or `£1.2m` as the
    number it says. A number out of range is left for validation to refuse with its range."""
    if not isinstance(value, str):
        return value
    found = _MONEY.fullmatch(value.strip())
    if found is None or (found["sign"] and found["sign_after"]):
        raise Mistyped(f"{_shown(value)} is not an amount; {HOW_MONEY_IS_TYPED}")
    pounds = Decimal(found["number"].replace(",", "")) * _SUFFIX[(found["suffix"] or "").lower()]
    negative = "-" in (found["sign"], found["sign_after"])
    return float(-pounds if negative else pounds)


def share(value: Any) -> Any:
    """A share from a share cell: a fraction as it is (0.7), `70%` as 0.7. A number above 1 is a
    percentage typed as a number, refused with how to type it; below 0, left for validation."""
    if isinstance(value, str):
        found = _SHARE.fullmatch(value.strip())
        if found is None:
            raise Mistyped(f"{_shown(value)} is not a share; {HOW_A_SHARE_IS_TYPED}")
        number = Decimal(found["number"])
        if found["percent"]:
            return float(number / 100)
        value = float(number)
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 1:
        shown = f"{value:g}"
        if value <= 100:
            raise Mistyped(
                f"a share is at most 1 (100%): {shown}% is typed {value / 100:g} or {shown}%; found {shown}"
            )
        raise Mistyped(f"a share is at most 1 (100%); {HOW_A_SHARE_IS_TYPED}; found {shown}")
    return value


def _shown(text: str) -> str:
    """The text as typed, quoted, cut to a readable length (a cell may hold 32,767 characters)."""
    shown = repr(text.strip())
    return shown if len(shown) <= 60 else shown[:57] + "..."
