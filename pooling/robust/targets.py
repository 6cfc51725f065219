"""The `targets:P` measure: the most targets met in at least a share P of the draws.

A target is met in a draw when the plan's spend on its outcome, as the draw moves it, reaches
what the draw's curve needs (`spend_needed`). Counting the draws takes a binary per outcome and
draw: a mixed-integer program whose linear relaxation is weak (half a target met in every draw
looks as good as the whole target in half of them), so it is solved in two stages, each within
the time limit:

1. restricted: each outcome may miss only the draws where it is hardest to meet (the largest
   spend needed, per unit of the draw's money for it); then one binary per outcome decides
   whether it is met in all the rest. When an outcome's spend moves alike in every draw this
   loses nothing: the draws it misses are always the hardest ones.
2. exact: a binary per outcome and draw, started from the restricted plan, with each draw's
   binary held below that of a draw where the target is plainly easier (less spend needed and
   no less money), which cuts the symmetric branches.

Among plans meeting as many targets, the one with the best mean score is taken; the mean
score is weighted so that it never outweighs one target.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from laa.models.scenario import Outcome
from laa.pooling.robust.stack import Matrix, Stack

# the targets programs hold their rows this tightly (solver units): a target met at the solver's
# usual 1e-7 short of its spend could read as missed to the evaluator on a steep curve
FEASIBILITY = 1e-9


def spend_needed(outcome: Outcome) -> float:
    """GBP an outcome needs over the period to meet its target (infinite when its curve falls short)."""
    spent = reached = 0.0
    for seg in outcome.response:
        if seg.spend is None or seg.effect <= 0:
            break
        if reached + seg.effect >= outcome.gap:
            return spent + (outcome.gap - reached) / seg.slope
        spent += seg.spend
        reached += seg.effect
    return float("inf")


@dataclass(frozen=True)
class TargetDraws:
    """One outcome across the draws: the plan's spend columns on it, how each draw moves them,
    and the spend each draw needs (solver units)."""

    outcome: int
    columns: np.ndarray  # the outcome's aggregate spend columns
    factors: np.ndarray  # (draws, columns)
    needed: np.ndarray  # (draws,), infinite where the target cannot be met

    def easiest(self, need: int) -> np.ndarray:
        """The `need` draws where the target is easiest to meet: least spend needed per unit of money."""
        money = self.factors.mean(axis=1)
        return np.argsort(self.needed / money, kind="stable")[:need]


def target_draws(s: Stack) -> list[TargetDraws]:
    """Each outcome someone may fund, with the spend each draw needs to meet its target (infinite
    where it cannot be met); outcomes nobody may fund are left out."""
    found = []
    for j in range(len(s.builder.scenario.outcomes)):
        terms = [spend[j] for spend in s.spend]
        first = terms[0]
        if first is None:
            continue  # nobody may fund it
        factors = np.stack([t[1] for t in terms if t is not None])
        needed = np.array([spend_needed(d.outcomes[j]) for d in s.draws]) / s.unit
        found.append(TargetDraws(j, first[0], factors, needed))
    return found


def restricted(matrix: Matrix, targets: list[TargetDraws], need: int) -> list[tuple[TargetDraws, int]]:
    """Stage 1: one binary per outcome, met in all but its hardest draws. Returns the binaries."""
    counted = []
    for target in targets:
        keep = target.easiest(need)
        if not np.isfinite(target.needed[keep]).all():
            continue
        likely = matrix.column(upper=1.0, cost=1.0, integer=True)
        for d in keep.tolist():
            cols = np.concatenate([target.columns, [likely]])
            matrix.row(cols, np.concatenate([target.factors[d], [-target.needed[d]]]), lower=0.0)
        counted.append((target, likely))
    return counted


@dataclass(frozen=True)
class ExactTargets:
    """The stage 2 binaries: which outcomes are counted met, and in which draws each is met."""

    likely: np.ndarray  # a binary per outcome that can be met often enough
    met: list[np.ndarray]  # per such outcome: a binary per draw it can be met in
    draws: list[np.ndarray]  # ... and which draws those are
    targets: list[TargetDraws]


def exact(matrix: Matrix, targets: list[TargetDraws], need: int) -> ExactTargets:
    """Stage 2: a binary per outcome and per draw it can be met in."""
    likely, met, draws, kept = [], [], [], []
    for target in targets:
        reach = np.flatnonzero(np.isfinite(target.needed))
        if len(reach) < need:
            continue  # cannot be met often enough whatever the plan
        w = matrix.column(upper=1.0, cost=1.0, integer=True)
        z = matrix.columns(len(reach), upper=1.0, integer=True)
        for d, zc in zip(reach.tolist(), z.tolist(), strict=True):
            cols = np.concatenate([target.columns, [zc]])
            matrix.row(cols, np.concatenate([target.factors[d], [-target.needed[d]]]), lower=0.0)
        matrix.row(np.concatenate([z, [w]]), np.concatenate([np.ones(len(z)), [-float(need)]]), lower=0.0)
        _order(matrix, target, reach, z)
        likely.append(w)
        met.append(z)
        draws.append(reach)
        kept.append(target)
    return ExactTargets(np.asarray(likely, dtype=np.int64), met, draws, kept)


def _order(matrix: Matrix, target: TargetDraws, reach: np.ndarray, z: np.ndarray) -> None:
    """`met[d] <= met[e]` where draw e is plainly easier than d: it needs no more spend and moves
    every source's money no less. Only the nearest such e per draw (the chain implies the rest)."""
    needed, factors = target.needed[reach], target.factors[reach]
    for i in range(len(reach)):
        easier = (needed <= needed[i]) & np.all(factors >= factors[i], axis=1)
        easier[i] = False
        if not easier.any():
            continue
        candidates = np.flatnonzero(easier)
        nearest = candidates[np.argmax(needed[candidates])]
        matrix.row(np.array([z[i], z[nearest]]), np.array([1.0, -1.0]), upper=0.0)


def start_from(
    values: np.ndarray, shared: int, exact_targets: ExactTargets, need: int, num_cols: int
) -> np.ndarray:
    """The restricted plan as a start for the exact program: the `shared` columns (the stacked
    draws) as it has them, and every draw it meets counted."""
    start = np.zeros(num_cols)
    start[:shared] = values[:shared]
    for w, z, reach, target in zip(
        exact_targets.likely, exact_targets.met, exact_targets.draws, exact_targets.targets, strict=True
    ):
        spend = target.factors[reach] @ values[target.columns]
        hit = spend >= target.needed[reach] - FEASIBILITY
        start[z] = hit.astype(float)
        start[w] = float(hit.sum() >= need)
    return start
