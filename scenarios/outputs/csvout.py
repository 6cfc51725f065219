"""CSV forms of the results, for spreadsheets; text cells are neutralised against formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from laa.models.cells import safe_cell
from laa.pooling.plan import Plan
from laa.scenarios.outputs.results import real_allocation


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()


def allocation_csv(plans: list[Plan]) -> str:
    """Every real spend (not solver dust) of every solved arrangement: one row per source, outcome, year."""
    headers = ["arrangement", "source", "kind", "funder", "outcome", "block", "year", "amount"]
    rows = []
    for plan in plans:
        for r in real_allocation(plan).itertuples(index=False):
            rows.append(
                [
                    plan.arrangement.value,
                    r.source,
                    r.kind,
                    r.funder or "",
                    r.outcome,
                    r.block,
                    int(r.year),
                    f"{r.amount:.2f}",
                ]
            )
    return to_csv(headers, rows)
