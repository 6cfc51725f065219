"""The published allocation: the one allocation a plan shows everywhere, and the evaluator checks.

A solver's answer carries dust: spend it cannot tell from nothing, left
within its tolerance. Dust is judged per line, in that line's own money:
a spend is dust when it is below the solver's tolerance (`SOLVER_TOLERANCE`,
about 1e-7) both in the unit the solver saw it in and as a share of its own
source's money over the agreement (a stream's, or a pot's paid-in money). It
is never a share of the whole area: a millionth of the example's area with a
£1e12 stream added (£3.0m) once hid 44 of its aligned plan's 77 lines, and a
£54bn area's published allocation broke 7 ring-fences and 5 statutory
minimums (32 checks in all) and re-scored 39.85 against the plan's 42.27.

Dropping dust must change nothing that matters, so the evaluator judges the
allocation without it; if that breaks a budget, rule or minimum, or moves
the score from the solver's by more than `RESCORE_TOLERANCE`, the dust is
kept and the allocation published whole. Either way, what the plan holds
(`Plan.spending`) is what every output prints, line for line, and its score
(`Plan.score`) is the evaluator's score of exactly those lines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from laa.models.scenario import Rule, Scenario
from laa.pooling.plans.evaluate import Allocation, Evaluation, Key, evaluate, strict_breaches
from laa.pooling.plans.extract import allocation_from
from laa.pooling.program.scale import SOLVER_TOLERANCE

if TYPE_CHECKING:
    from laa.pooling.program.build import Builder

# the solver's score and the evaluator's score of the published allocation agree to this (relative);
# beyond it, a bug
RESCORE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Published:
    """The allocation a plan publishes, the evaluator's judgement of it, and why the plan must be
    refused (None when it keeps everything the program promised)."""

    allocation: Allocation
    evaluation: Evaluation
    refusal: str | None


def published(
    b: Builder,
    values: np.ndarray,
    rules: list[Rule],
    promised: frozenset[str],
    statutory: bool,
    objective: float | None,
) -> Published:
    """The solution's allocation without its dust where dropping the dust changes no check, else
    whole; judged by the evaluator against `rules` (those in `promised`, budgets, eligibility and,
    with `statutory`, statutory minimums must hold; the score must be the solver's `objective`
    unless that is None)."""
    whole = allocation_from(b, values)
    lean = without_dust(b.scenario, whole, b.unit)
    if lean is not whole:
        evaluation = evaluate(b.scenario, lean, rules, b.spec.extra_eligible)
        refusal = refused(evaluation, objective, promised, statutory)
        if refusal is None:
            return Published(lean, evaluation, None)
    evaluation = evaluate(b.scenario, whole, rules, b.spec.extra_eligible)
    return Published(whole, evaluation, refused(evaluation, objective, promised, statutory))


def dust_of(unit: float, source_money: float) -> float:
    """The largest spend (GBP) of a source that is dust: under the solver's tolerance in its unit
    (`unit` GBP) and as a share of the source's own money (GBP over the agreement)."""
    return SOLVER_TOLERANCE * min(unit, source_money)


def without_dust(scenario: Scenario, allocation: Allocation, unit: float) -> Allocation:
    """The allocation less every line that is dust (`dust_of`); the same object when none is."""
    money = source_money(scenario, allocation)
    stream_spend = _kept(allocation.stream_spend, money, unit)
    pot_spend = _kept(allocation.pot_spend, money, unit)
    if len(stream_spend) == len(allocation.stream_spend) and len(pot_spend) == len(allocation.pot_spend):
        return allocation
    return Allocation(stream_spend, pot_spend, allocation.shares, allocation.pots_used)


def source_money(scenario: Scenario, allocation: Allocation) -> dict[str, float]:
    """Each stream's money kept out of pots, and each pot's money paid in, over the agreement (GBP); a
    pot nobody pays into, the most it could have been paid (the solver saw its spend in that money)."""
    money: dict[str, float] = defaultdict(float)
    most: dict[str, float] = defaultdict(float)
    for stream in scenario.streams:
        share = allocation.shares.get(stream.id, 0.0)
        total = sum(stream.amount_in(t) for t in scenario.years)
        money[stream.id] += total * (1 - share)
        pot = scenario.pot_of(stream.id)
        if pot is not None:
            money[pot] += total * share
            most[pot] += total * stream.pool_share_limit
    for pot, paid in most.items():
        if money[pot] == 0:
            money[pot] = paid
    return money


def _kept(spend: dict[Key, float], money: dict[str, float], unit: float) -> dict[Key, float]:
    return {k: v for k, v in spend.items() if abs(v) >= dust_of(unit, money.get(k[0], 0.0))}


def refused(
    evaluation: Evaluation, objective: float | None, promised: frozenset[str], statutory: bool
) -> str | None:
    """Why a solved plan cannot be published (None: it can): its score is not the solver's, it
    breaks a budget, eligibility, a promised rule or (with `statutory`) a statutory minimum, or it
    breaks a limit by more than 1e-9 of its money (`evaluate.strict_breaches`)."""
    broken = [
        v
        for v in evaluation.violations
        if v.kind in ("budget", "eligibility")
        or (v.kind == "rule" and v.id in promised)
        or (v.kind == "statutory" and statutory)
    ]
    if objective is not None and abs(evaluation.score - objective) > RESCORE_TOLERANCE * max(
        1.0, abs(objective)
    ):
        return (
            f"internal check failed: the solver's score {objective:.9f} differs from "
            f"the re-scored allocation {evaluation.score:.9f}"
        )
    if broken:
        return "internal check failed: the plan breaks " + "; ".join(v.message for v in broken[:3])
    strict = strict_breaches(evaluation, promised, statutory)
    if strict:
        return (
            "internal check failed: the solver's plan breaks a limit by more than 1e-9 of its money: "
            + "; ".join(strict[:3])
        )
    return None
