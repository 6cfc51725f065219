"""The arrangement table: one row per arrangement, shown alike by `laa run`, `laa compare` and the report.

A finance lead reads targets met, reward and pounds first, and the score
beside them; every comparison is against the silo plan (each funder alone)
and the aligned one, so the gains of aligning and of pooling read off one
table. The same rows give the compare document's JSON and CSV, so no two
views of a plan can disagree on a figure or its form (stretch is `1/10`
everywhere, money is `£` everywhere).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from laa.models.scenario import Scenario
from laa.pooling.plans.plan import Plan
from laa.pooling.units import money_text, solver_dust
from laa.scenarios.analysis.breaches import breaches_text, status_words
from laa.scenarios.analysis.effects import figure_text, indicator_text, plural

NAME_CHARS = 44


def grid(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int] | None = None) -> str:
    """Columns padded to their widest cell; `right` are right-aligned (numbers)."""
    right = right if right is not None else set(range(1, len(headers)))
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def short(name: str, limit: int = NAME_CHARS) -> str:
    """The name cut to `limit` characters with "..." so tables stay readable."""
    return name if len(name) <= limit else name[: limit - 3] + "..."


@dataclass(frozen=True)
class ArrangementRow:
    """One arrangement's figures as every table shows them (None where the plan has no numbers)."""

    arrangement: str
    status: str
    score: float | None
    targets_met: int | None
    stretch_met: int | None
    reward: float | None  # GBP of Performance Reward Grant earned
    overhead: float | None
    setup: float | None
    lapsed: float | None
    streams_pooled: int | None
    breaches: int | None  # rules and limits the plan breaks (silo and historic may)
    gain_over_silo: float | None  # score
    gain_over_aligned: float | None  # score
    targets_over_silo: int | None  # how many more targets than each funder alone meets
    reward_over_silo: float | None  # GBP
    message: str


def _plan_of(plans: list[Plan], arrangement: str) -> Plan | None:
    return next((p for p in plans if p.arrangement.value == arrangement and p.has_numbers), None)


def arrangement_rows(plans: list[Plan]) -> list[ArrangementRow]:
    """One row per plan, with its gain over the silo (and aligned) plans where those have numbers."""
    silo, aligned = _plan_of(plans, "silo"), _plan_of(plans, "aligned")
    base = silo.evaluation if silo is not None else None
    rows = []
    for p in plans:
        ev = p.evaluation if p.has_numbers else None
        score = p.score
        rows.append(
            ArrangementRow(
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
                breaches=len(ev.violations) if ev else None,
                gain_over_silo=None if score is None or silo is None else score - (silo.score or 0.0),
                gain_over_aligned=None
                if score is None or aligned is None
                else score - (aligned.score or 0.0),
                targets_over_silo=None if ev is None or base is None else ev.targets_met - base.targets_met,
                reward_over_silo=None if ev is None or base is None else ev.reward - base.reward,
                message=p.message,
            )
        )
    return rows


def reward_at_stake(scenario: Scenario) -> float:
    """GBP of reward the stretch targets carry (an outcome with no stretch target earns none)."""
    return sum(o.reward for o in scenario.outcomes if o.stretch is not None)


SCORE_PLACES = 3  # a score as every table shows it
MOST_SCORE_PLACES = 6
SCORE_NOISE = 1e-6  # scores closer than this are the same plan's score, whatever the solver's last digits


def score_places(scores: Iterable[float | None]) -> int:
    """Three places, as every table shows a score; more only where two scores that differ would print
    alike (a sweep of 1% steps), up to six."""
    values = sorted({s for s in scores if s is not None})
    apart = [(a, b) for a, b in pairwise(values) if b - a > SCORE_NOISE]
    for places in range(SCORE_PLACES, MOST_SCORE_PLACES):
        if all(f"{a:.{places}f}" != f"{b:.{places}f}" for a, b in apart):
            return places
    return MOST_SCORE_PLACES


def signed(value: float | None) -> str:
    """A score change as every table prints it."""
    return "-" if value is None else f"{value:+.3f}"


def _count(value: int | None, of: int | None = None, sign: bool = False) -> str:
    if value is None:
        return "-"
    if sign:
        return f"{value:+d}"
    return f"{value}/{of}" if of is not None else str(value)


Grid = tuple[list[str], list[list[str]]]  # headers and rows of cells
COSTS = ["arrangement", "overhead", "set-up", "lapsed", "streams pooled", "rules broken"]


def arrangement_grids(scenario: Scenario, plans: list[Plan]) -> tuple[Grid, Grid]:
    """The cells of the two tables: what each arrangement achieves, and what it costs.

    Shared by the terminal (`arrangement_tables`) and the report, so both say every figure alike.
    """
    rows = arrangement_rows(plans)
    dust = solver_dust(scenario)
    outcomes = len(scenario.outcomes)
    stretches = sum(o.stretch is not None for o in scenario.outcomes)

    # against silo and aligned only where they were planned: a column of dashes says nothing
    silo = any(p.arrangement.value == "silo" and p.has_numbers for p in plans)
    aligned = any(p.arrangement.value == "aligned" and p.has_numbers for p in plans)
    columns: list[tuple[str, bool, Callable[[ArrangementRow], str]]] = [
        ("arrangement", True, lambda r: r.arrangement),
        ("status", True, lambda r: status_words(r.status, r.breaches)),
        ("targets met", True, lambda r: _count(r.targets_met, outcomes)),
        ("vs silo", silo, lambda r: _count(r.targets_over_silo, sign=True)),
        ("stretch met", True, lambda r: _count(r.stretch_met, stretches)),
        ("reward", True, lambda r: money_text(r.reward, dust)),
        ("vs silo", silo, lambda r: money_text(r.reward_over_silo, dust, signed=True)),
        ("score", True, lambda r: "-" if r.score is None else f"{r.score:.3f}"),
        ("vs silo", silo, lambda r: signed(r.gain_over_silo)),
        ("vs aligned", aligned, lambda r: signed(r.gain_over_aligned)),
    ]
    shown = [(name, cell) for name, wanted, cell in columns if wanted]
    achieved = [[cell(r) for _, cell in shown] for r in rows]
    costs = [
        [
            r.arrangement,
            money_text(r.overhead, dust),
            money_text(r.setup, dust),
            money_text(r.lapsed, dust),
            _count(r.streams_pooled),
            _count(r.breaches),
        ]
        for r in rows
    ]
    return ([name for name, _ in shown], achieved), (list(COSTS), costs)


def stake_text(scenario: Scenario) -> str:
    """'23 outcomes, £5,150,000 of reward at stake on 10 stretch targets'."""
    stake = reward_at_stake(scenario)
    stretches = sum(o.stretch is not None for o in scenario.outcomes)
    stake_shown = money_text(stake, solver_dust(scenario))
    reward = (
        f"{stake_shown} of reward at stake on {plural(stretches, 'stretch target')}"
        if stake
        else "no reward at stake"
    )
    return f"{plural(len(scenario.outcomes), 'outcome')}, {reward}"


def arrangement_tables(scenario: Scenario, plans: list[Plan]) -> str:
    """What each arrangement achieves (targets, reward, score) and what it costs (money lost, breaches)."""
    if not plans:
        return "(no arrangements)"
    rows = arrangement_rows(plans)
    (head, achieved), (cost_head, costs) = arrangement_grids(scenario, plans)
    parts = [
        f"{scenario.name}: {stake_text(scenario)}",
        "",
        grid(head, achieved, right=set(range(2, len(head)))),
        "",
        grid(cost_head, costs),
    ]
    failed = [r for r in rows if r.score is None]
    if failed:
        parts.append("")
        parts += [f"{r.arrangement}: {r.status}. {r.message}" for r in failed]
    return "\n".join(parts)


def outcomes_table(scenario: Scenario, plans: list[Plan]) -> str:
    """Every outcome's projected indicator under each plan, to the scenario's precision, marked T or S."""
    solved = [p for p in plans if p.has_numbers and p.evaluation is not None]
    headers = ["outcome", "baseline", "target", "stretch"] + [p.arrangement.value for p in solved]
    rows = []
    for i, outcome in enumerate(scenario.outcomes):
        cells = [
            short(outcome.name or outcome.id),
            figure_text(outcome.baseline),
            figure_text(outcome.target),
            figure_text(outcome.stretch) if outcome.stretch is not None else "",
        ]
        for p in solved:
            assert p.evaluation is not None
            result = p.evaluation.outcomes[i]
            mark = " S" if result.stretch_met else " T" if result.target_met else "  "
            cells.append(f"{indicator_text(outcome, result.projected)}{mark}")
        rows.append(cells)
    return grid(headers, rows, right=set(range(1, len(headers))))


def plans_report(scenario: Scenario, plans: list[Plan]) -> str:
    """`laa run`'s table: the arrangement table, why a plan failed, every outcome, the rules broken."""
    parts = [arrangement_tables(scenario, plans), ""]
    for p in plans:
        if not p.has_numbers and p.diagnosis is not None:
            parts += [p.diagnosis.to_text(), ""]
    if any(p.has_numbers for p in plans):
        parts += [
            "Projected indicator values (T: target met, S: stretch target met)",
            "",
            outcomes_table(scenario, plans),
            "",
        ]
    for p in plans:
        if p.has_numbers and p.evaluation is not None and p.evaluation.violations:
            parts += [*breaches_text(scenario, p.arrangement.value, p.evaluation.violations), ""]
    return "\n".join(parts).rstrip() + "\n"
