"""A plan: one arrangement's status, score, allocation, money and prices.

A failed solve is a plan too (status and reason, no numbers), so a
comparison or a batch never loses track of a case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd

from models.scenario import Arrangement, Scenario
from pooling.evaluate import Allocation, Evaluation
from pooling.prices import ShadowPrice


class PlanStatus(StrEnum):
    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    ERROR = "error"
    TIME_LIMIT = "time_limit"
    EVALUATED = "evaluated"  # a historic allocation, judged rather than solved


@dataclass
class Plan:
    scenario: Scenario
    arrangement: Arrangement
    status: PlanStatus
    message: str = ""
    evaluation: Evaluation | None = None
    allocation: Allocation | None = None
    shadow_prices: list[ShadowPrice] = field(default_factory=list)
    diagnosis: Any = None
    solver_score: float | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def has_numbers(self) -> bool:
        return self.evaluation is not None and self.status in (PlanStatus.OPTIMAL, PlanStatus.EVALUATED)

    @property
    def score(self) -> float | None:
        return self.evaluation.score if self.has_numbers and self.evaluation else None

    @property
    def pooled(self) -> list[tuple[str, str, float]]:
        """(stream, pot, share) for every stream with money in a pot."""
        if self.allocation is None:
            return []
        return [
            (s, self.scenario.pot_of(s) or "", share)
            for s, share in self.allocation.shares.items()
            if share > 0
        ]

    def allocation_frame(self) -> pd.DataFrame:
        columns = ["source", "kind", "funder", "outcome", "block", "year", "amount"]
        if self.allocation is None:
            return pd.DataFrame(columns=columns)
        sc = self.scenario
        rows = [
            (s, "stream", sc.funder_of(s), o, sc.outcome(o).block, t, v)
            for (s, o, t), v in self.allocation.stream_spend.items()
        ] + [
            (p, "pot", None, o, sc.outcome(o).block, t, v)
            for (p, o, t), v in self.allocation.pot_spend.items()
        ]
        frame = pd.DataFrame(rows, columns=columns)
        return frame.sort_values(["kind", "source", "outcome", "year"], kind="stable").reset_index(drop=True)

    def outcomes_frame(self) -> pd.DataFrame:
        if self.evaluation is None:
            return pd.DataFrame(
                columns=[
                    "id",
                    "spend",
                    "improvement",
                    "projected",
                    "target_met",
                    "stretch_met",
                    "reward",
                    "score",
                ]
            )
        return pd.DataFrame([o.__dict__ for o in self.evaluation.outcomes])

    def money_frame(self) -> pd.DataFrame:
        if self.evaluation is None:
            return pd.DataFrame(columns=["available", "overhead", "setup", "lapsed", "spent"])
        return pd.DataFrame([self.evaluation.money.__dict__])

    def shadow_frame(self) -> pd.DataFrame:
        return pd.DataFrame([p.__dict__ for p in self.shadow_prices])
