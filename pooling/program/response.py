"""Response curves and the score (MODEL.md, response and Objective).

Total spend on an outcome over the period is split into segments of
non-increasing slope, so filling them in order is what a maximiser does
anyway and no ordering constraint is needed. The score counts progress up
to the stretch target (or the target when there is none), divided by the
target gap, so an outcome that meets its target adds its weight.

The cap needs no row of its own: the curve is cut where its progress
reaches the cap. Each segment with an effect keeps a column for the part of
it below the cap, scored at its slope (`Segment`), and whatever the curve
can still absorb past the cap is one column scored at nothing (`Excess`).
Because the slopes do not increase, a maximiser fills the scored parts
first, so the score is `w/gap * min(d, cap)` exactly. A segment wholly past
the cap keeps its column with no width, as does the excess of a curve that
ends below its cap, so a change of effects moves only bounds and costs (or
the coefficients of the row its score is held in), never the program's shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from laa.models.scenario import Outcome
from laa.pooling.program.curve import Curve, cut
from laa.pooling.program.labelled import INF, Program
from laa.pooling.program.vocabulary import Excess, RowFamily, RowLabel, Segment

if TYPE_CHECKING:
    from laa.pooling.program.builder import Builder

Terms = list[tuple[int, float]]


def add_response(b: Builder, score: bool = True) -> None:
    """Every outcome's curve over all spend on it; with `score`, its cut segments in the objective."""
    for outcome in b.scenario.outcomes:
        spend = b.x_by_outcome.get(outcome.id, []) + b.q_by_outcome.get(outcome.id, [])
        if not spend:
            b.score_terms[outcome.id] = []  # no money can reach it: no curve to move
            continue
        curve = add_curve(b.program, outcome, spend, b.unit, in_objective=score)
        b.curves.append(curve)
        b.score_terms[outcome.id] = curve.score_terms


def add_curve(
    program: Program,
    outcome: Outcome,
    spend: list[int],
    unit: float,
    view: str = "",
    in_objective: bool = True,
    absorb_excess: bool = False,
) -> Curve:
    """The curve's segment columns summing to the spend.

    `view` names a separate copy of the curve (a silo funder's own view of an outcome);
    `in_objective=False` keeps its score out of the objective (the caller puts its
    `score_terms` in a row of its own); `absorb_excess` lets spend exceed the curve's widths
    to no effect (the silo funders' sum), so it needs no column for the excess.
    """
    o = outcome.id
    c = cut(outcome, unit)
    scored = tuple(
        program.column(Segment(view, o, k), upper=width, cost=w if in_objective else 0.0)
        for k, width, w in zip(c.segments, c.widths, c.worth, strict=True)
    )
    excess = None if absorb_excess else program.column(Excess(view, o), upper=c.excess)
    curve = list(scored) if excess is None else [*scored, excess]
    cols = np.array(curve + spend, dtype=np.int32)  # spend columns are distinct
    vals = np.concatenate([np.ones(len(curve)), -np.ones(len(spend))])
    lower = -INF if absorb_excess else 0.0
    program.row_arrays(
        RowLabel(RowFamily.RESPONSE, outcome=o, funder=view or None), cols, vals, lower=lower, upper=0.0
    )
    return Curve(view, o, scored, excess, c.worth, in_objective)
