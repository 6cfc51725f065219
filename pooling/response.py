"""Response curves and the score (MODEL.md, response and Objective).

Total spend on an outcome over the period is split into segments of
non-increasing slope, so filling them in order is what a maximiser does
anyway and no ordering constraint is needed. The scored progress is capped
at the stretch target (or the target when there is none) and divided by
the target gap, so an outcome that meets its target adds its weight.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from laa.models.scenario import Outcome
from laa.pooling.program import INF, Program
from laa.pooling.units import MILLION, millions
from laa.pooling.vocabulary import Progress, RowFamily, RowLabel, Segment

if TYPE_CHECKING:
    from laa.pooling.build import Builder


def add_response(b: Builder, score: bool = True) -> None:
    for outcome in b.scenario.outcomes:
        spend = b.x_by_outcome.get(outcome.id, []) + b.q_by_outcome.get(outcome.id, [])
        add_curve(b.program, outcome, spend, score=score)


def add_curve(
    program: Program,
    outcome: Outcome,
    spend: list[int],
    score: bool = True,
    view: str = "",
    in_objective: bool = True,
    absorb_excess: bool = False,
) -> int | None:
    """Segments `u[o,k]` summing to the spend, and the capped, weighted progress.

    `view` names a separate copy of the curve (a silo funder's own view of an
    outcome); `in_objective=False` keeps its progress out of the objective;
    `absorb_excess` lets spend exceed the curve's widths to no effect (the
    silo funders' sum). Returns the progress column.
    """
    o = outcome.id
    segments = []
    for k, seg in enumerate(outcome.response):
        width = INF if seg.spend is None else millions(seg.spend)
        segments.append((program.column(Segment(view, o, k), upper=width), seg.slope * MILLION))
    cols = np.array([c for c, _ in segments] + spend, dtype=np.int32)  # spend columns are distinct
    vals = np.concatenate([np.ones(len(segments)), -np.ones(len(spend))])
    lower = -INF if absorb_excess else 0.0
    program.row_arrays(
        RowLabel(RowFamily.RESPONSE, outcome=o, funder=view or None), cols, vals, lower=lower, upper=0.0
    )
    if not score:
        return None
    cost = outcome.weight / outcome.gap if in_objective else 0.0
    progress = program.column(Progress(view, o), upper=outcome.cap, cost=cost)
    program.row(
        RowLabel(RowFamily.PROGRESS, outcome=o, funder=view or None),
        [(progress, 1.0)] + [(c, -slope) for c, slope in segments if slope > 0],
        upper=0.0,
    )
    return progress
