"""`laa compare`: the arrangement table, and the outcomes the arrangements disagree on most."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from laa.models.scenario import Scenario
from laa.pooling.plans.plan import Plan
from laa.pooling.units import gbp
from laa.scenarios.analysis.effects import figure_text, indicator_text
from laa.scenarios.analysis.table import (
    ArrangementRow,
    arrangement_rows,
    arrangement_tables,
    grid,
    reward_at_stake,
    short,
)
from laa.scenarios.formats import Document, format_version

MONEY_FIELDS = ("reward", "overhead", "setup", "lapsed", "reward_over_silo")


@dataclass(frozen=True)
class OutcomeSpread:
    """How far apart the arrangements leave one outcome (in score, and in the indicator)."""

    id: str
    name: str
    spread: float
    scores: dict[str, float]
    projected: dict[str, float]
    target_met: dict[str, bool]


def outcome_spreads(scenario: Scenario, plans: list[Plan], top: int = 8) -> list[OutcomeSpread]:
    """The `top` outcomes whose scores differ most between the solved arrangements (none when fewer
    than two have numbers): where the choice of arrangement matters most."""
    solved = [p for p in plans if p.has_numbers and p.evaluation is not None]
    if len(solved) < 2:
        return []
    spreads = []
    for i, outcome in enumerate(scenario.outcomes):
        results = {p.arrangement.value: p.evaluation.outcomes[i] for p in solved}  # type: ignore[union-attr]
        scores = {a: r.score for a, r in results.items()}
        spread = max(scores.values()) - min(scores.values())
        if spread > 1e-9:
            spreads.append(
                OutcomeSpread(
                    outcome.id,
                    outcome.name or outcome.id,
                    spread,
                    scores,
                    {a: r.projected for a, r in results.items()},
                    {a: r.target_met for a, r in results.items()},
                )
            )
    spreads.sort(key=lambda s: -s.spread)
    return spreads[:top]


def comparison_text(scenario: Scenario, plans: list[Plan]) -> str:
    """The arrangements side by side for the terminal, then the outcomes they disagree on most."""
    parts = [arrangement_tables(scenario, plans)]
    spreads = outcome_spreads(scenario, plans)
    if spreads:
        names = list(spreads[0].scores)
        parts += [
            "",
            "Outcomes the arrangements disagree on most: projected indicator values (T: target met)",
            "",
        ]
        table = []
        for s in spreads:
            outcome = scenario.outcome(s.id)
            values = [f"{indicator_text(outcome, s.projected[n])}{' T' if s.target_met[n] else '  '}"
                      for n in names]  # fmt: skip
            table.append([short(s.name), figure_text(outcome.target), *values, f"{s.spread:.3f}"])
        parts.append(grid(["outcome", "target", *names, "score spread"], table))
    return "\n".join(parts) + "\n"


def row_document(row: ArrangementRow) -> dict[str, Any]:
    doc = dict(row.__dict__)
    for key in MONEY_FIELDS:
        doc[key] = gbp(doc[key]) if doc[key] is not None else None
    return doc


def comparison_document(scenario: Scenario, plans: list[Plan]) -> dict[str, Any]:
    """The comparison as a versioned JSON document, money in pounds."""
    return {
        "format_version": format_version(Document.COMPARISON),
        "scenario": scenario.name,
        "outcomes_count": len(scenario.outcomes),
        "stretch_targets": sum(o.stretch is not None for o in scenario.outcomes),
        "reward_at_stake": gbp(reward_at_stake(scenario)),
        "arrangements": [row_document(r) for r in arrangement_rows(plans)],
        "outcomes": [s.__dict__ for s in outcome_spreads(scenario, plans)],
    }
