"""An outcome's response curve cut at its cap, in solver units: what its columns score.

The cap needs no row of its own: the curve is cut where its progress reaches
the cap (`cut`), and each view of a curve in a program (`Curve`) keeps its
columns and their worth. A module of its own so that the builder's state can
hold curves without knowing how they are added (`response`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from laa.models.scenario import Outcome
from laa.pooling.program.labelled import INF

Terms = list[tuple[int, float]]


@dataclass(frozen=True)
class Cut:
    """A curve cut at its cap, in solver units: each scored segment's width and score per unit."""

    segments: tuple[int, ...]  # which of the outcome's segments are scored (those with an effect)
    widths: tuple[float, ...]  # the part of each below the cap (0 when the cap came before it)
    worth: tuple[float, ...]  # score per unit of money in it: weight / gap * slope
    excess: float  # what the curve absorbs past the cap, scored at nothing (INF: no end)


def cut(outcome: Outcome, unit: float, slopes: Sequence[float] | None = None) -> Cut:
    """Where `outcome`'s curve (with `slopes` instead of its own, if given) reaches its cap."""
    weight = outcome.weight / outcome.gap
    remaining = outcome.cap
    segments, widths, worth = [], [], []
    excess = 0.0
    for k, seg in enumerate(outcome.response):
        slope = seg.slope if slopes is None else slopes[k]  # indicator units per GBP
        if seg.spend is None:
            excess = INF  # an unbounded last segment: its effect is 0 by definition
            continue
        width = seg.spend / unit
        if slope <= 0:
            excess += width
            continue
        effect = slope * seg.spend
        scored = width if effect <= remaining else remaining / (slope * unit)
        remaining = max(remaining - effect, 0.0)
        segments.append(k)
        widths.append(scored)
        worth.append(weight * slope * unit)
        excess += width - scored
    return Cut(tuple(segments), tuple(widths), tuple(worth), excess)


@dataclass(frozen=True)
class Curve:
    """One view of one outcome's curve in a program: its columns, and whether the objective scores it."""

    view: str
    outcome: str
    segments: tuple[int, ...]  # the columns of `Cut.segments`
    excess: int | None
    worth: tuple[float, ...]
    in_objective: bool

    @property
    def score_terms(self) -> Terms:
        """The curve's score, `w/gap * min(d, cap)`, as (column, coefficient)."""
        return list(zip(self.segments, self.worth, strict=True))


