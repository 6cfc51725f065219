"""Random draws of uncertain evidence, and what a set of re-solved draws says.

Effects and amounts are drawn as lognormal factors with mean 1 and the
scenario's coefficient of variation: never negative, and one factor per
outcome scales all of its curve's effects, so returns still diminish. All
draws are made up front from one seeded generator, so the same seed gives
the same report however the draws are split across processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from laa.models.scenario import Scenario

# two arrangements within this of each other share "best" in a draw
TIE = 1e-9


@dataclass(frozen=True)
class Draws:
    """`effects[i, j]`: factor on outcome j's effects in draw i; `amounts[i, k]`: on stream k."""

    outcomes: list[str]
    streams: list[str]
    effects: np.ndarray
    amounts: np.ndarray

    def __len__(self) -> int:
        return self.effects.shape[0]

    def chunk(self, start: int, stop: int) -> Draws:
        """Draws `start` to `stop`, so the draws can be shared out among worker processes."""
        return Draws(self.outcomes, self.streams, self.effects[start:stop], self.amounts[start:stop])


def lognormal_factors(rng: np.random.Generator, cv: np.ndarray, n: int) -> np.ndarray:
    """n rows of factors with mean 1 and coefficient of variation `cv` per column (1 where cv is 0)."""
    sigma = np.sqrt(np.log1p(cv**2))
    normal = rng.standard_normal((n, len(cv)))
    return np.exp(normal * sigma - sigma**2 / 2)


def draw(scenario: Scenario, n: int, seed: int) -> Draws:
    """`n` seeded draws of factors (mean 1) on every outcome's effect and stream's amount; the same
    seed gives the same draws, so a run can be repeated."""
    rng = np.random.default_rng(seed)
    outcomes = [o.id for o in scenario.outcomes]
    streams = [s.id for s in scenario.streams]
    effect_cv = np.array([scenario.effect_cv(o) for o in outcomes], dtype=float)
    amount_cv = np.array([scenario.amount_cv(s) for s in streams], dtype=float)
    return Draws(
        outcomes, streams, lognormal_factors(rng, effect_cv, n), lognormal_factors(rng, amount_cv, n)
    )


def drawn_scenario(scenario: Scenario, effects: np.ndarray, amounts: np.ndarray) -> Scenario:
    """The scenario as one draw has it: every effect and amount scaled by its factor."""
    doc = scenario.model_dump(mode="python", exclude_unset=True)  # nulls left unset re-validate
    for item, factor in zip(doc["outcomes"], effects, strict=True):
        for segment in item["response"]:
            segment["effect"] *= float(factor)
    for item, factor in zip(doc["streams"], amounts, strict=True):
        value = item["amounts"]
        item["amounts"] = (
            {t: v * float(factor) for t, v in value.items()}
            if isinstance(value, dict)
            else value * float(factor)
        )
    return Scenario.model_validate(doc)


@dataclass
class DrawResults:
    """Per arrangement: score per draw (NaN where not solved) and per-outcome results."""

    arrangements: list[str]
    outcomes: list[str]
    scores: np.ndarray  # (arrangements, draws)
    target_met: np.ndarray  # (arrangements, draws, outcomes) of 0/1, NaN where not solved
    outcome_scores: np.ndarray  # (arrangements, draws, outcomes)

    def __len__(self) -> int:
        return int(self.scores.shape[1])

    @staticmethod
    def joined(parts: list[DrawResults]) -> DrawResults:
        """Results for consecutive chunks of the draws, as one in the draws' order."""
        return DrawResults(
            parts[0].arrangements,
            parts[0].outcomes,
            np.concatenate([p.scores for p in parts], axis=1),
            np.concatenate([p.target_met for p in parts], axis=1),
            np.concatenate([p.outcome_scores for p in parts], axis=1),
        )


@dataclass(frozen=True)
class ArrangementSummary:
    """How one arrangement fared over the draws: share solved, score mean and 5/50/95 percentiles
    (None when no draw solved), chance of being best, chance each target is met, and the swing outcomes."""

    arrangement: str
    solved: float  # share of draws with a plan
    mean: float | None
    p5: float | None
    p50: float | None
    p95: float | None
    p_best: float
    p_target_met: dict[str, float] = field(default_factory=dict)
    swing: list[tuple[str, float]] = field(default_factory=list)  # outcome, std of its score

    def to_dict(self) -> dict[str, object]:
        """The summary for the sensitivity document."""
        return {
            "arrangement": self.arrangement,
            "solved": self.solved,
            "mean": self.mean,
            "p5": self.p5,
            "p50": self.p50,
            "p95": self.p95,
            "p_best": self.p_best,
            "outcomes": [{"id": o, "p_target_met": p} for o, p in self.p_target_met.items()],
            "swing": [{"id": o, "score_std": s} for o, s in self.swing],
        }


def probability_best(scores: np.ndarray) -> np.ndarray:
    """Each arrangement's chance of being best: a tie shares the draw, draws none solved are left out,
    so the probabilities sum to 1 whenever any draw solved."""
    solved = ~np.isnan(scores)
    usable = solved.any(axis=0)
    if not usable.any():
        return np.zeros(scores.shape[0])
    filled = np.where(solved, scores, -np.inf)[:, usable]
    best = filled >= filled.max(axis=0) - TIE
    shares = best / best.sum(axis=0)
    return shares.sum(axis=1) / usable.sum()


def summarise(results: DrawResults, swing: int = 5) -> list[ArrangementSummary]:
    """One summary per arrangement of the draws' scores, with the `swing` outcomes whose scores vary most."""
    p_best = probability_best(results.scores)
    found = []
    for a, name in enumerate(results.arrangements):
        scores = results.scores[a]
        ok = ~np.isnan(scores)
        solved = float(ok.mean()) if scores.size else 0.0
        mean: float | None
        p5: float | None
        p50: float | None
        p95: float | None
        if ok.any():
            values = scores[ok]
            p5, p50, p95 = (float(v) for v in np.percentile(values, [5, 50, 95]))
            mean = float(values.mean())
            met = results.target_met[a][ok]
            p_met = {o: float(met[:, j].mean()) for j, o in enumerate(results.outcomes)}
            spread = results.outcome_scores[a][ok].std(axis=0)
            order = np.argsort(-spread, kind="stable")[:swing]
            swings = [(results.outcomes[j], float(spread[j])) for j in order if spread[j] > TIE]
        else:
            mean = p5 = p50 = p95 = None
            p_met, swings = {}, []
        found.append(ArrangementSummary(name, solved, mean, p5, p50, p95, float(p_best[a]), p_met, swings))
    return found
