"""What a change to a plan does in the users' own terms: indicators, targets met and reward.

A score is MODEL.md's measure and the engine's objective, but "+0.30
score" does not survive a meeting. A negotiator says "dropping the
ring-fence gets independent living to target and is worth £X of reward",
a finance lead "£1m more moves crime from 18.8 to 18.4". Every comparison
of two plans (a freedom granted, £1m more, one arrangement against
another) is said here in those terms, with the score beside it.

Indicators are shown to the scenario's own precision: as many decimals as
the finest figure the scenario gives for that outcome (its baseline,
targets and response effects), so a move of a tenth is seen where the
evidence speaks in tenths, and no spurious digit where it does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from laa.models.scenario import Direction, Outcome, Scenario
from laa.pooling.plans.plan import Plan
from laa.pooling.units import money_text

MAX_DECIMALS = 4
# an indicator moved when its progress changed by more than this share of its target gap
MOVE_SHARE = 1e-6


def indicator_decimals(outcome: Outcome) -> int:
    """Decimals of the finest figure the scenario gives for the outcome (at most `MAX_DECIMALS`)."""
    figures = [outcome.baseline, outcome.target, outcome.stretch, *(s.effect for s in outcome.response)]
    places = 0
    for value in figures:
        if value is None:
            continue
        exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
        places = max(places, -exponent if isinstance(exponent, int) else 0)
    return min(places, MAX_DECIMALS)


def figure_text(value: float) -> str:
    """A figure the scenario gives (a baseline, a target) as it gives it: 1,700; 7.5; 0.375."""
    places = -Decimal(repr(float(value))).normalize().as_tuple().exponent  # type: ignore[operator]
    return f"{value:,.{min(max(places, 0), MAX_DECIMALS)}f}"


def indicator_text(outcome: Outcome, value: float) -> str:
    """An indicator value to the scenario's precision, with thousands separators (1,617; 7.2)."""
    return f"{value:,.{indicator_decimals(outcome)}f}"


@dataclass(frozen=True)
class OutcomeMove:
    """One outcome's indicator and target before and after a change."""

    outcome: str
    projected_before: float
    projected_after: float
    target_met_before: bool
    target_met_after: bool

    def to_dict(self) -> dict[str, object]:
        """The move for the results document."""
        return self.__dict__.copy()

    def worse(self, outcome: Outcome) -> bool:
        """Whether the indicator moves the wrong way for the outcome (down where higher is better)."""
        change = self.projected_after - self.projected_before
        return change < 0 if outcome.direction is Direction.HIGHER else change > 0

    def words(self, scenario: Scenario) -> str:
        """'Serious acquisitive crime rate 18.8 -> 18.4 (now meets its target)', and 'New business
        registration rate 43.1 -> 41.3 per 10,000 (worse)': a reader is told which way is bad, since
        whether down is good depends on the outcome."""
        outcome = scenario.outcome(self.outcome)
        before = indicator_text(outcome, self.projected_before)
        after = indicator_text(outcome, self.projected_after)
        unit = f" {outcome.unit}" if outcome.unit and outcome.unit != "%" else outcome.unit
        notes = ["worse"] if self.worse(outcome) else []
        if self.target_met_after and not self.target_met_before:
            notes.append("now meets its target")
        elif self.target_met_before and not self.target_met_after:
            notes.append("no longer meets its target")
        note = f" ({', '.join(notes)})" if notes else ""
        return f"{scenario.label('outcomes', self.outcome)} {before} -> {after}{unit}{note}"


@dataclass(frozen=True)
class Effect:
    """A change between two plans of one scenario: score, targets met, reward, and the outcomes moved."""

    score_change: float
    targets_met_change: int
    reward_change: float
    outcomes: tuple[OutcomeMove, ...]

    @classmethod
    def between(cls, before: Plan, after: Plan) -> Effect | None:
        """The change from `before` to `after`; None unless both have numbers."""
        if not (before.has_numbers and after.has_numbers and before.evaluation and after.evaluation):
            return None
        a, b = before.evaluation, after.evaluation
        moves = []
        for outcome, x, y in zip(before.scenario.outcomes, a.outcomes, b.outcomes, strict=True):
            moved = abs(y.projected - x.projected) > MOVE_SHARE * outcome.gap
            if moved or x.target_met != y.target_met:
                moves.append(OutcomeMove(outcome.id, x.projected, y.projected, x.target_met, y.target_met))
        gap = {o.id: o.gap for o in before.scenario.outcomes}
        # a target met or lost first, then the largest moves (as shares of the target gap)
        moves.sort(
            key=lambda m: (
                m.target_met_before == m.target_met_after,
                -abs(m.projected_after - m.projected_before) / gap[m.outcome],
                m.outcome,
            )
        )
        return cls(
            (after.score or 0.0) - (before.score or 0.0),
            b.targets_met - a.targets_met,
            b.reward - a.reward,
            tuple(moves),
        )

    def summary(self) -> str:
        """'+0.304 score; 1 more target met; reward +£250,000'."""
        reward = money_text(self.reward_change, signed=True)
        return f"{self.score_change:+.3f} score; {targets_text(self.targets_met_change)}; reward {reward}"

    def moves_text(self, scenario: Scenario, top: int = 3) -> str:
        """The outcomes that move most, in words; how many more move when there are more."""
        if not self.outcomes:
            return "no indicator moves"
        shown = "; ".join(m.words(scenario) for m in self.outcomes[:top])
        more = len(self.outcomes) - top
        return shown + (f"; and {more} more outcome{'s' if more != 1 else ''}" if more > 0 else "")

    def to_dict(self) -> dict[str, object]:
        """The effect for the results document, the reward change to the penny."""
        return {
            "score_change": self.score_change,
            "targets_met_change": self.targets_met_change,
            "reward_change": round(self.reward_change, 2) + 0.0,
            "outcomes": [m.to_dict() for m in self.outcomes],
        }


def targets_text(change: int) -> str:
    """'1 more target met', '2 fewer targets met', 'no change in targets met'."""
    if change == 0:
        return "no change in targets met"
    count = abs(change)
    return f"{count} {'more' if change > 0 else 'fewer'} target{'s' if count != 1 else ''} met"


def percent(share: float) -> str:
    """A share to whole percent, a share that rounds to nothing as 0% (never -0%)."""
    return f"{round(share * 100) + 0:.0f}%"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 rule', '8 rules': a count with its noun as a person writes it."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"
