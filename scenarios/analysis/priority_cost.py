"""What a priority order other than the default costs: `laa compare --priorities reward,score`.

A negotiator chasing the reward grant asks how much more reward the area can
earn and what that costs in score and targets; the answer is the same
arrangements planned twice, once for the default order and once for theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from laa.pooling.plans.plan import Plan
from laa.pooling.solving.priorities import DEFAULT_PRIORITIES, Priority
from laa.scenarios.analysis.table import grid


@dataclass(frozen=True)
class PriorityCost:
    """One arrangement under the default order and under the user's: score, targets, reward."""

    arrangement: str
    score_default: float | None
    score_chosen: float | None
    targets_default: int | None
    targets_chosen: int | None
    reward_default: float | None
    reward_chosen: float | None

    @property
    def score_cost(self) -> float | None:
        """Score given up for the user's order (default less chosen); None when either has none."""
        if self.score_default is None or self.score_chosen is None:
            return None
        return self.score_default - self.score_chosen


def priority_costs(default: list[Plan], chosen: list[Plan]) -> list[PriorityCost]:
    """The arrangements' figures side by side, in the order planned."""
    return [
        PriorityCost(
            d.arrangement.value,
            d.score,
            c.score,
            d.evaluation.targets_met if d.has_numbers and d.evaluation else None,
            c.evaluation.targets_met if c.has_numbers and c.evaluation else None,
            d.evaluation.reward if d.has_numbers and d.evaluation else None,
            c.evaluation.reward if c.has_numbers and c.evaluation else None,
        )
        for d, c in zip(default, chosen, strict=True)
    ]


def order_text(priorities: tuple[Priority, ...]) -> str:
    """`score, then targets, then reward`."""
    return ", then ".join(p.value for p in priorities)


def priority_cost_text(priorities: tuple[Priority, ...], costs: list[PriorityCost]) -> str:
    """The table `laa compare` prints under the arrangements when another order is asked for."""

    def score(v: float | None) -> str:
        return "-" if v is None else f"{v:.3f}"

    def count(v: int | None) -> str:
        return "-" if v is None else str(v)

    def money(v: float | None) -> str:
        return "-" if v is None else f"£{v:,.0f}"

    rows = [
        [
            c.arrangement,
            score(c.score_default),
            score(c.score_chosen),
            "-" if c.score_cost is None else f"{-c.score_cost:+.3f}",
            count(c.targets_default),
            count(c.targets_chosen),
            money(c.reward_default),
            money(c.reward_chosen),
        ]
        for c in costs
    ]
    headers = ["arrangement", "score", "chosen", "change", "targets", "chosen", "reward", "chosen"]
    return (
        f"Choosing for {order_text(priorities)} instead of {order_text(DEFAULT_PRIORITIES)}\n\n"
        + grid(headers, rows)
    )


def priority_cost_document(priorities: tuple[Priority, ...], costs: list[PriorityCost]) -> dict[str, Any]:
    """The same for the comparison's JSON document."""
    return {
        "priorities": [p.value for p in priorities],
        "default": [p.value for p in DEFAULT_PRIORITIES],
        "arrangements": [{**c.__dict__, "score_cost": c.score_cost} for c in costs],
    }
