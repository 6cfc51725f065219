"""CSV forms of the results, for spreadsheets; text cells are neutralised against formulas.

Every CSV the engine writes goes through `to_csv`: a text that a spreadsheet
would run as a formula is quoted with an apostrophe (`models.cells`), a
number stays a number (`-1746000.00`, read by pandas and spreadsheets as
one; money to the penny by `pounds_cell`), and a
row holding a control character anywhere is written with every field in
double quotes, so no carriage return or line break inside a name can end the
row early and start the next "row" with a formula (a stream id
`s\r=2+5+cmd|' /C calc'!A0` once did). Empty cells are empty, never a
placeholder.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from laa.models.cells import has_control, safe_cell
from laa.pooling.plans.plan import Plan
from laa.pooling.units import gbp
from laa.scenarios.outputs.results import real_allocation


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Headers and rows as CSV text; None is an empty cell."""
    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator="\n")
    # the csv module quotes a field holding "\n" but not a bare "\r" (it is not in the line terminator)
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in [headers, *rows]:
        cells = ["" if v is None else safe_cell(v) for v in row]
        (quoted if any(has_control(c) for c in cells) else plain).writerow(cells)
    return buffer.getvalue()


def pounds_cell(amount: float | None) -> str:
    """Pounds to the penny as a CSV cell (`-1746000.00`, never `-0.00`); empty when there is none."""
    return "" if amount is None else f"{gbp(amount):.2f}"


def allocation_csv(plans: list[Plan]) -> str:
    """Every real spend (not solver dust) of every solved arrangement: one row per source, outcome, year.

    Ids for programs to join on, and, last so that no column a program reads by place moves, the
    source's and outcome's names as the file gives them, for the person reading the sheet.
    """
    headers = ["arrangement", "source", "kind", "funder", "outcome", "block", "year", "amount"]
    headers += ["source_name", "outcome_name"]
    rows = []
    for plan in plans:
        sc = plan.scenario
        for r in real_allocation(plan).itertuples(index=False):
            rows.append(
                [
                    plan.arrangement.value,
                    r.source,
                    r.kind,
                    r.funder if isinstance(r.funder, str) else "",  # a pot's row: no one funder (pandas: NaN)
                    r.outcome,
                    r.block,
                    int(r.year),
                    pounds_cell(r.amount),
                    sc.label("streams" if r.kind == "stream" else "pots", r.source),
                    sc.label("outcomes", r.outcome),
                ]
            )
    return to_csv(headers, rows)
