"""A plan: one arrangement's status, score, allocation, money and prices.

A failed solve is a plan too (status and reason, no numbers), so a
comparison or a batch never loses track of a case. The figures a notebook
reads (`allocation`, `outcomes`, `money`) come as pandas DataFrames; the
solver-side record of the spend stays in `spending`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import pandas as pd
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.evaluate import Allocation, Evaluation
from laa.pooling.prices import ShadowPrice

if TYPE_CHECKING:
    from laa.pooling.diagnosis import Diagnosis


class PlanStatus(StrEnum):
    """How a plan ended: only `optimal` and `evaluated` plans carry numbers a user may read."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    ERROR = "error"
    TIME_LIMIT = "time_limit"
    EVALUATED = "evaluated"  # a historic allocation, judged rather than solved
    # the file's money spans more than a solver can see at once (pooling.scale, pooling.trust): no plan
    # it returns, nor its "infeasible", can be trusted, and the message names the two figures
    UNRELIABLE = "unreliable"


@dataclass
class Plan:
    """One arrangement of one scenario, solved (or judged, for historic) and re-scored by the evaluator."""

    scenario: Scenario
    arrangement: Arrangement
    status: PlanStatus
    message: str = ""
    evaluation: Evaluation | None = None
    spending: Allocation | None = None
    shadow_prices: list[ShadowPrice] = field(default_factory=list)
    diagnosis: Diagnosis | None = None  # why an infeasible plan is infeasible
    solver_score: float | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    # GBP per unit of money in the solver (pooling.scale): the power of ten nearest the median segment
    # width; None for a plan no program made (historic, or one that failed before building)
    money_unit: float | None = None

    @property
    def has_numbers(self) -> bool:
        """Whether the figures may be read: a failed or infeasible plan has a status and a reason only."""
        return self.evaluation is not None and self.status in (PlanStatus.OPTIMAL, PlanStatus.EVALUATED)

    @property
    def score(self) -> float | None:
        """MODEL.md's objective as the evaluator recomputed it; None unless the plan has numbers."""
        return self.evaluation.score if self.has_numbers and self.evaluation else None

    @property
    def pooled(self) -> list[tuple[str, str, float]]:
        """(stream, pot, share) for every stream with money in a pot."""
        if self.spending is None:
            return []
        return [
            (s, self.scenario.pot_of(s) or "", share)
            for s, share in self.spending.shares.items()
            if share > 0
        ]

    @property
    def allocation(self) -> pd.DataFrame:
        """Every non-zero spend in pounds: source, kind (stream/pot), funder, outcome, block, year, amount."""
        return self.allocation_frame()

    @property
    def outcomes(self) -> pd.DataFrame:
        """Per outcome: spend, improvement, projected indicator, targets met, reward and score."""
        return self.outcomes_frame()

    @property
    def money(self) -> pd.DataFrame:
        """One row: money available, lost to overhead and set-up, lapsed unspent, and spent (pounds)."""
        return self.money_frame()

    def allocation_frame(self) -> pd.DataFrame:
        """The allocation as a DataFrame (see `allocation`)."""
        columns = ["source", "kind", "funder", "outcome", "block", "year", "amount"]
        if self.spending is None:
            return pd.DataFrame(columns=columns)
        sc = self.scenario
        rows = [
            (s, "stream", sc.funder_of(s), o, sc.outcome(o).block, t, v)
            for (s, o, t), v in self.spending.stream_spend.items()
        ] + [
            (p, "pot", None, o, sc.outcome(o).block, t, v)
            for (p, o, t), v in self.spending.pot_spend.items()
        ]
        frame = pd.DataFrame(rows, columns=columns)
        return frame.sort_values(["kind", "source", "outcome", "year"], kind="stable").reset_index(drop=True)

    def outcomes_frame(self) -> pd.DataFrame:
        """The outcomes as a DataFrame (see `outcomes`)."""
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
        """The money account as a DataFrame (see `money`)."""
        if self.evaluation is None:
            return pd.DataFrame(columns=["available", "overhead", "setup", "lapsed", "spent"])
        return pd.DataFrame([self.evaluation.money.__dict__])

    def shadow_frame(self) -> pd.DataFrame:
        """Shadow prices (score per £1m more of a stream-year's money, or of a rule's relaxation)."""
        return pd.DataFrame([p.__dict__ for p in self.shadow_prices])
