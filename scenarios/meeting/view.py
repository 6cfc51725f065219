"""What the page shows after each change: every figure now, beside the base it moved from.

The page draws what it is given and computes nothing: scores, targets,
money and the outcomes that moved come from here, the charts are the
report's figures as JSON, and every string is scenario text for the page
to set as text (never as markup).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from laa.models.scenario import Arrangement
from laa.pooling.plans.evaluate import OutcomeResult
from laa.pooling.plans.plan import Plan
from laa.pooling.units import solver_dust
from laa.scenarios.meeting.charts import figure_data, score_change_chart
from laa.scenarios.meeting.partners import partner_rows
from laa.scenarios.meeting.words import change_text
from laa.scenarios.report.build import best_plan
from laa.scenarios.report.charts import money_chart, progress_chart, sankey_chart
from laa.scenarios.report.flows import money_flows
from laa.scenarios.report.progress import most_different, outcome_progress

if TYPE_CHECKING:
    from laa.scenarios.meeting.session import Meeting

PLANNING = "planning"  # the status shown for a pending arrangement
PROGRESS_ROWS = 25  # as the report draws
OUTCOMES_LISTED = 40
SCORE_NOISE = 1e-9


def meeting_view(meeting: Meeting) -> dict[str, Any]:
    """The page's whole state: the change list, each arrangement now and at base, and the charts."""
    base, now = meeting.based(), meeting.current()
    planned = [p for p in now if p is not None]
    focus = _focus(meeting, planned)
    scenario = meeting.scenario or meeting.base
    return {
        "changes": [{"change": c, "text": change_text(meeting.base, c)} for c in meeting.changes],
        "can_undo": bool(meeting.history),
        "arrangements": [a.value for a in meeting.arrangements],
        "chosen_focus": None if meeting.focus is None else meeting.focus.value,
        "focus": None if focus is None else focus.value,
        "seconds": round(meeting.seconds, 4),
        "pending": [a.value for a in meeting.pending],
        "rows": [
            {"arrangement": b.arrangement.value, "base": summary(b), "now": summary(n)}
            for b, n in zip(base, now, strict=True)
        ],
        "outcomes": [] if focus is None else moved_outcomes(meeting.base_plans[focus], meeting.plans[focus]),
        "partners": partner_rows(meeting.base, base, now, focus),
        "figures": _figures(scenario, base, now, None if focus is None else meeting.plans[focus]),
    }


class Views:
    """The latest views, by the very plans they show: going back to a list of changes (an undo, a
    control set back) draws what was drawn before without building its charts again."""

    def __init__(self, size: int = 8):
        self.size = size
        self.kept: OrderedDict[tuple[Any, ...], tuple[list[Any], dict[str, Any]]] = OrderedDict()

    def view(self, meeting: Meeting) -> dict[str, Any]:
        """What the page draws for the meeting's plans now, reused when the same plans were drawn lately."""
        plans = [*meeting.based(), *meeting.current()]
        key = (
            tuple(id(p) for p in plans),
            json.dumps(meeting.changes, sort_keys=True, default=str),
            meeting.focus,
            bool(meeting.history),
        )
        found = self.kept.pop(key, None)
        if found is None:
            found = (plans, meeting_view(meeting))  # the plans kept with it: their ids stay theirs
        self.kept[key] = found
        while len(self.kept) > self.size:
            self.kept.popitem(last=False)
        return {**found[1], "seconds": round(meeting.seconds, 4)}


def summary(plan: Plan | None) -> dict[str, Any]:
    """A plan's headline figures: what the cards and the 'what moved' table show (None: being planned)."""
    ev = plan.evaluation if plan is not None and plan.has_numbers else None
    if plan is None:
        return {"status": PLANNING, "message": "being planned for these changes", "score": None,
                "targets_met": None, "stretch_met": None, "reward": None, "money": None, "pooled": None,
                "broken": None}  # fmt: skip
    return {
        "status": plan.status.value,
        "message": plan.message,
        "score": plan.score,
        "targets_met": None if ev is None else ev.targets_met,
        "stretch_met": None if ev is None else ev.stretch_met,
        "reward": None if ev is None else ev.reward,
        "money": None if ev is None else dict(ev.money.__dict__),
        "pooled": len(plan.pooled) if ev is not None else None,
        "broken": None if ev is None else [v.message for v in ev.violations],
    }


def moved_outcomes(base: Plan, now: Plan) -> list[dict[str, Any]]:
    """The outcomes whose spend, indicator or targets moved under one arrangement, most score first."""
    if not (base.has_numbers and now.has_numbers and base.evaluation and now.evaluation):
        return []
    sc = now.scenario
    dust = solver_dust(sc)
    moved: list[tuple[float, float, str, dict[str, Any]]] = []  # score moved, spend moved, id, row
    for outcome, b, n in zip(sc.outcomes, base.evaluation.outcomes, now.evaluation.outcomes, strict=True):
        changed = (
            abs(n.spend - b.spend) >= dust
            or abs(n.score - b.score) > SCORE_NOISE
            or (n.target_met, n.stretch_met) != (b.target_met, b.stretch_met)
        )
        if changed:
            row = {
                "id": outcome.id,
                "name": sc.label("outcomes", outcome.id),
                "block": sc.label("blocks", outcome.block),
                "unit": outcome.unit,
                "direction": outcome.direction.value,
                "target": outcome.target,
                "base": _outcome_figures(b),
                "now": _outcome_figures(n),
            }
            moved.append((-abs(n.score - b.score), -abs(n.spend - b.spend), outcome.id, row))
    return [row for *_, row in sorted(moved, key=lambda m: m[:3])][:OUTCOMES_LISTED]


def _outcome_figures(result: OutcomeResult) -> dict[str, Any]:
    return {
        "spend": result.spend,
        "projected": result.projected,
        "score": result.score,
        "target_met": result.target_met,
        "stretch_met": result.stretch_met,
    }


def _focus(meeting: Meeting, planned: list[Plan]) -> Arrangement | None:
    """The chosen arrangement, or the best of those planned; None while the chosen one is pending."""
    if meeting.focus is not None:
        return None if meeting.focus in meeting.pending else meeting.focus
    best = best_plan(planned)
    return None if best is None else best.arrangement


def _figures(scenario: Any, base: list[Plan], now: list[Plan | None], focus: Plan | None) -> dict[str, Any]:
    scores = [(b.arrangement.value, b.score, n.score if n else None) for b, n in zip(base, now, strict=True)]
    planned = [p for p in now if p is not None]
    money = [
        (p.arrangement.value, p.evaluation.money.__dict__) for p in planned if p.has_numbers and p.evaluation
    ]
    rows = outcome_progress(scenario, planned)
    solved = [p.arrangement.value for p in planned if p.has_numbers]
    figures: dict[str, Any] = {
        "scores": figure_data(score_change_chart(scores)),
        "money": figure_data(money_chart(money)),
        "progress": None,
        "flows": None,
    }
    if solved:
        shown = most_different(scenario, planned, rows, PROGRESS_ROWS).rows
        figures["progress"] = figure_data(progress_chart(shown, solved))
    if focus is not None and focus.has_numbers:
        figures["flows"] = figure_data(sankey_chart(money_flows(focus)))
    return figures
