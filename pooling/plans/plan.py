"""A plan: one arrangement's status, score, allocation, money and prices.

A failed solve is a plan too (status and reason, no numbers), so a
comparison or a batch never loses track of a case. The figures a notebook
reads (`allocation`, `outcomes`, `money`) come as pandas DataFrames; the
solver-side record of the spend stays in `spending`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Self

import pandas as pd
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.badging import pot_shares
from laa.pooling.plans.evaluate import Allocation, Evaluation
from laa.pooling.plans.prices import ShadowPrice
from laa.pooling.units import gbp

if TYPE_CHECKING:
    from laa.pooling.plans.canonical import Choice
    from laa.pooling.plans.diagnosis import Diagnosis

ALLOCATION_COLUMNS = ["source", "kind", "funder", "outcome", "block", "year", "amount"]
OUTCOME_COLUMNS = [
    "id",
    "name",
    "block",
    "unit",
    "direction",
    "baseline",
    "target",
    "stretch",
    "spend",
    "improvement",
    "projected",
    "target_met",
    "stretch_met",
    "reward",
    "score",
]
MONEY_COLUMNS = ["available", "overhead", "setup", "lapsed", "spent"]


class PlanStatus(StrEnum):
    """How a plan ended: only `optimal` and `evaluated` plans carry numbers a user may read."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    ERROR = "error"
    TIME_LIMIT = "time_limit"
    EVALUATED = "evaluated"  # a historic allocation, judged rather than solved
    # the file's money spans more than a solver can see at once (pooling.program.scale,
    # pooling.plans.trust): no plan it returns, nor its "infeasible", can be trusted, and the
    # message names the two figures
    UNRELIABLE = "unreliable"


@dataclass(frozen=True)
class Plan:
    """One arrangement of one scenario, solved (or judged, for historic) and re-scored by the evaluator.

    Read `status` first. Only an `optimal` plan (or an `evaluated` historic one) has figures to
    read (`has_numbers`); an `infeasible`, `error` or `time_limit` plan carries its `message`
    (an infeasible one also its `diagnosis`: which rules and budgets collide) and empty frames.
    A failure is a status, never an exception, so a loop over scenarios carries on.

    The figures, in pounds, as pandas DataFrames for a notebook:

    - `allocation`: who spends what, one row per source (stream or pot), funder, outcome and
      year. Every row has a funder: a pot's spend is split among its members' funders by what
      each paid into it, as `laa partners` badges pooled money (MODEL.md, Partners), so
      `plan.allocation.groupby("funder").amount.sum()` adds up to `plan.money.spent` (to the
      penny). The pot is still there: rows of `kind == "pot"` name it in `source`.
    - `outcomes`: per outcome, its name, block, unit, direction, baseline, target and stretch
      beside what the plan does: spend, improvement, projected level, target and stretch met,
      reward earned and score.
    - `money`: one row: available, overhead, setup, lapsed, spent.
    - `shadow_frame()`: what a stream's money or a rule's relaxation is worth (score per £1m).

    Money in `money` and `outcomes` is rounded to the penny, exactly as the results document
    (`laa run --format json`) gives them. `score` is MODEL.md's objective recomputed from the
    allocation by the evaluator, which knows nothing of the solver; `pooled` lists (stream, pot,
    share) for every stream paying into a pot.

    The rest is the engine's record: `evaluation` (the evaluator's full account: violations,
    rule checks, money by source and year), `spending` (the spend keyed by (source, outcome,
    year), and each stream's pooled share), `shadow_prices`, `solver_score` (the program's own
    objective, which `score` must match), `seconds` (time by stage) and `money_unit`.

    Made once, by one path (`pooling.arrangement`, through `pooling.optimise.plan_from` or silo's
    or the robust plan's), and then frozen: a check that finds its figures wrong makes a new plan
    (`refused`), so no plan read by a command or the meeting page can have skipped a check another
    made. `choice` says how the plan was chosen among equally good ones (docs/plans.md).
    """

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
    # how the plan was chosen among equally good ones (pooling/canonical.py); None when nothing was chosen
    choice: Choice | None = None

    def refused(self, message: str) -> Self:
        """This plan made an `error` with `message`: its figures are kept for diagnosis, never read."""
        return replace(self, status=PlanStatus.ERROR, message=message)

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
        """Every non-zero spend in pounds: source, kind (stream/pot), funder, outcome, block, year,
        amount; a pot's spend split by funder, so grouping by funder adds up to the money spent."""
        return self.allocation_frame()

    @property
    def outcomes(self) -> pd.DataFrame:
        """Per outcome: name, block, unit, direction, baseline, target, stretch; spend, improvement,
        projected indicator, targets met, reward and score."""
        return self.outcomes_frame()

    @property
    def money(self) -> pd.DataFrame:
        """One row: money available, lost to overhead and set-up, lapsed unspent, and spent (pounds)."""
        return self.money_frame()

    def allocation_frame(self, by_funder: bool = True) -> pd.DataFrame:
        """The allocation as a DataFrame (see `allocation`). With `by_funder=False` a pot's spend is
        one row with no funder, as the results document and the allocation CSV list it."""
        if self.spending is None or not self.has_numbers:
            return pd.DataFrame(columns=ALLOCATION_COLUMNS)
        sc = self.scenario
        rows: list[tuple[str, str, str | None, str, str, int, float]] = [
            (s, "stream", sc.funder_of(s), o, sc.outcome(o).block, t, v)
            for (s, o, t), v in self.spending.stream_spend.items()
        ]
        badge = pot_shares(sc, self.spending.shares) if by_funder else {}
        for (p, o, t), v in self.spending.pot_spend.items():
            block = sc.outcome(o).block
            if p in badge:
                rows += [(p, "pot", f, o, block, t, v * share) for f, share in badge[p].items()]
            else:  # asked for the pot as one row (or, in a plan from elsewhere, nobody paid in)
                rows.append((p, "pot", None, o, block, t, v))
        frame = pd.DataFrame(rows, columns=ALLOCATION_COLUMNS)
        return frame.sort_values(["kind", "source", "outcome", "year"], kind="stable").reset_index(drop=True)

    def outcomes_frame(self) -> pd.DataFrame:
        """The outcomes as a DataFrame (see `outcomes`)."""
        if self.evaluation is None or not self.has_numbers:
            return pd.DataFrame(columns=OUTCOME_COLUMNS)
        sc = self.scenario
        rows = [
            (
                o.id,
                sc.label("outcomes", o.id),
                o.block,
                o.unit,
                o.direction.value,
                o.baseline,
                o.target,
                math.nan if o.stretch is None else o.stretch,
                gbp(r.spend),
                r.improvement,
                r.projected,
                r.target_met,
                r.stretch_met,
                gbp(r.reward),
                r.score,
            )
            for o, r in zip(sc.outcomes, self.evaluation.outcomes, strict=True)
        ]
        return pd.DataFrame(rows, columns=OUTCOME_COLUMNS)

    def money_frame(self) -> pd.DataFrame:
        """The money account as a DataFrame (see `money`)."""
        if self.evaluation is None or not self.has_numbers:
            return pd.DataFrame(columns=MONEY_COLUMNS)
        money = self.evaluation.money
        row = [gbp(getattr(money, k)) for k in MONEY_COLUMNS]
        return pd.DataFrame([row], columns=MONEY_COLUMNS)

    def shadow_frame(self) -> pd.DataFrame:
        """Shadow prices (score per £1m more of a stream-year's money, or of a rule's relaxation)."""
        return pd.DataFrame([p.__dict__ for p in self.shadow_prices])
