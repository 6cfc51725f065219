"""`laa compare`: the arrangements side by side, and the outcomes they disagree on most."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from laa.models.scenario import Scenario
from laa.pooling.plan import Plan
from laa.scenarios.analysis.table import grid, pounds
from laa.scenarios.outputs.csvout import to_csv
from laa.scenarios.outputs.results import gbp


@dataclass(frozen=True)
class Row:
    arrangement: str
    status: str
    score: float | None
    targets_met: int | None
    stretch_met: int | None
    reward: float | None
    overhead: float | None
    setup: float | None
    lapsed: float | None
    streams_pooled: int | None
    gain_over_silo: float | None
    gain_over_aligned: float | None
    message: str


@dataclass(frozen=True)
class OutcomeSpread:
    """How far apart the arrangements leave one outcome (in score, and in the indicator)."""

    id: str
    name: str
    spread: float
    scores: dict[str, float]
    projected: dict[str, float]


def _score_of(plans: list[Plan], arrangement: str) -> float | None:
    return next((p.score for p in plans if p.arrangement.value == arrangement), None)


def comparison_rows(plans: list[Plan]) -> list[Row]:
    silo, aligned = _score_of(plans, "silo"), _score_of(plans, "aligned")
    rows = []
    for p in plans:
        ev = p.evaluation if p.has_numbers else None
        score = p.score
        rows.append(
            Row(
                arrangement=p.arrangement.value,
                status=p.status.value,
                score=score,
                targets_met=ev.targets_met if ev else None,
                stretch_met=ev.stretch_met if ev else None,
                reward=ev.reward if ev else None,
                overhead=ev.money.overhead if ev else None,
                setup=ev.money.setup if ev else None,
                lapsed=ev.money.lapsed if ev else None,
                streams_pooled=len(p.pooled) if ev else None,
                gain_over_silo=None if score is None or silo is None else score - silo,
                gain_over_aligned=None if score is None or aligned is None else score - aligned,
                message=p.message,
            )
        )
    return rows


def outcome_spreads(scenario: Scenario, plans: list[Plan], top: int = 8) -> list[OutcomeSpread]:
    solved = [p for p in plans if p.has_numbers and p.evaluation is not None]
    if len(solved) < 2:
        return []
    spreads = []
    for i, outcome in enumerate(scenario.outcomes):
        scores = {p.arrangement.value: p.evaluation.outcomes[i].score for p in solved}  # type: ignore[union-attr]
        projected = {p.arrangement.value: p.evaluation.outcomes[i].projected for p in solved}  # type: ignore[union-attr]
        spread = max(scores.values()) - min(scores.values())
        if spread > 1e-9:
            spreads.append(OutcomeSpread(outcome.id, outcome.name or outcome.id, spread, scores, projected))
    spreads.sort(key=lambda s: -s.spread)
    return spreads[:top]


def signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+.3f}"


def money_and_gain_cells(r: Row) -> list[str]:
    """Reward, overhead, set-up, lapsed, streams pooled and the gains: as every comparison shows them."""
    return [
        pounds(r.reward),
        pounds(r.overhead),
        pounds(r.setup),
        pounds(r.lapsed),
        "-" if r.streams_pooled is None else str(r.streams_pooled),
        signed(r.gain_over_silo),
        signed(r.gain_over_aligned),
    ]


def comparison_text(scenario: Scenario, plans: list[Plan]) -> str:
    rows = comparison_rows(plans)
    outcomes = len(scenario.outcomes)
    headers = [
        "arrangement",
        "status",
        "score",
        "targets",
        "stretch",
        "reward",
        "overhead",
        "set-up",
        "lapsed",
        "pooled",
        "vs silo",
        "vs aligned",
    ]
    cells = [
        [
            r.arrangement,
            r.status,
            "-" if r.score is None else f"{r.score:.3f}",
            "-" if r.targets_met is None else f"{r.targets_met}/{outcomes}",
            "-" if r.stretch_met is None else str(r.stretch_met),
            *money_and_gain_cells(r),
        ]
        for r in rows
    ]
    parts = [scenario.name, "", grid(headers, cells, right=set(range(2, len(headers))))]
    failed = [r for r in rows if r.score is None]
    if failed:
        parts.append("")
        parts += [f"{r.arrangement}: {r.status}. {r.message}" for r in failed]
    spreads = outcome_spreads(scenario, plans)
    if spreads:
        names = list(spreads[0].scores)
        parts += ["", "Outcomes the arrangements disagree on most (projected indicator values)", ""]
        table = [
            [s.name if len(s.name) <= 44 else s.name[:41] + "...", f"{s.spread:.3f}"]
            + [f"{s.projected[n]:,.4g}" for n in names]
            for s in spreads
        ]
        parts.append(grid(["outcome", "score spread", *names], table))
    return "\n".join(parts) + "\n"


def comparison_document(scenario: Scenario, plans: list[Plan]) -> dict[str, Any]:
    rows = comparison_rows(plans)
    return {
        "format_version": 1,
        "scenario": scenario.name,
        "arrangements": [
            {
                **r.__dict__,
                **{
                    k: gbp(getattr(r, k)) if getattr(r, k) is not None else None
                    for k in ("reward", "overhead", "setup", "lapsed")
                },
            }
            for r in rows
        ],
        "outcomes": [s.__dict__ for s in outcome_spreads(scenario, plans)],
    }


def comparison_csv(plans: list[Plan]) -> str:
    rows = comparison_rows(plans)
    headers = list(Row.__dataclass_fields__)
    return to_csv(
        headers, [[getattr(r, h) if getattr(r, h) is not None else "" for h in headers] for r in rows]
    )
