"""The comparison's and the variants' CSV forms: the analyses return figures, this writes them.

Each is one row per arrangement (and variant), a spreadsheet's cells: numbers stay numbers, and
only text a spreadsheet would run is neutralised (`csvout.to_csv`).
"""

from __future__ import annotations

from laa.pooling.plans.plan import Plan
from laa.scenarios.analysis.compare import row_document
from laa.scenarios.analysis.table import ArrangementRow, arrangement_rows
from laa.scenarios.analysis.variants import BASE, MONEY, Figures, VariantPlans, variant_rows
from laa.scenarios.outputs.csvout import pounds_cell, to_csv


def comparison_csv(plans: list[Plan]) -> str:
    """One CSV row per arrangement, for a spreadsheet; a plan with no numbers has empty cells."""
    rows = [row_document(r) for r in arrangement_rows(plans)]
    headers = list(ArrangementRow.__dataclass_fields__)
    return to_csv(headers, [[r[h] if r[h] is not None else "" for h in headers] for r in rows])


def variants_csv(planned: list[VariantPlans]) -> str:
    """One row per variant and arrangement: its figures, then each figure's change from the base."""
    figures = ["score", "targets_met", "stretch_met", "reward", *MONEY]
    headers = ["variant", "name", "arrangement", "status", "breaches", *figures]
    headers += [f"{f}_change" for f in figures]
    lines = []
    for r in variant_rows(planned):
        lines.append(
            [
                r.variant or BASE,
                r.name,
                r.arrangement,
                r.status,
                "" if r.breaches is None else r.breaches,
                *_flat(r.figures),
                *(_flat(r.change) if r.change is not None else [""] * len(figures)),
            ]
        )
    return to_csv(headers, lines)


def _flat(f: Figures) -> list[object]:
    money = f.money or {}
    return [
        "" if f.score is None else f.score,
        "" if f.targets_met is None else f.targets_met,
        "" if f.stretch_met is None else f.stretch_met,
        pounds_cell(f.reward),
        *(pounds_cell(money.get(k)) for k in MONEY),
    ]
