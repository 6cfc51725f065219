"""What a valid scenario may still have wrong that only its author can tell: said as a warning.

Amounts are in pounds. A finance lead used to budgets in £ millions types
1.2 for £1.2m, and the file is valid: it plans £1.20. No real area's
streams all bring under £1,000 a year, so when every amount is that small
the author is asked to look, and the plan still goes ahead.
"""

from __future__ import annotations

from laa.models.scenario import Scenario

SMALL_AMOUNT_GBP = 1_000.0


def doubts(scenario: Scenario) -> list[str]:
    """Warnings about a valid scenario: every stream's amount under £1,000 (amounts typed in £m)."""
    amounts = [s.amount_in(t) for s in scenario.streams for t in scenario.years]
    largest = max(amounts, default=0.0)
    if not 0 < largest < SMALL_AMOUNT_GBP:
        return []
    small = f"every stream's amount is under £{SMALL_AMOUNT_GBP:,.0f} (the largest is £{largest:,.2f})"
    typed = "amounts are in pounds, not £ millions: £1.2m is typed 1200000 (in a workbook also £1.2m)"
    return [f"{small}: {typed}"]
