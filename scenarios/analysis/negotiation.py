"""The negotiator's answers for each joint plan, gathered once: the freedoms worth asking for, and
what £1m more (or a rule relaxed by £1m) does.

The results workbook shows them beside the plans, and must not solve
anything itself; this is where the re-solves it needs are made, so that
`laa run --format xlsx` asks for them in one call and hands the figures on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from laa.models.errors import LaaError
from laa.models.scenario import Scenario
from laa.pooling.plans.plan import Plan
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.analysis.explain import PriceEffect, price_effects
from laa.scenarios.analysis.freedoms import FREEDOM_ARRANGEMENTS, Ask, rank_freedoms

FREEDOMS_TOP = 5  # asks re-solved for their exact gain, per joint plan


@dataclass
class NegotiationFigures:
    """Per arrangement: its asks (or why it has none), and its priced money and rules with their effects."""

    asks: dict[str, list[Ask] | str] = field(default_factory=dict)
    money: dict[str, list[PriceEffect]] = field(default_factory=dict)
    rules: dict[str, list[PriceEffect]] = field(default_factory=dict)
    top: int = FREEDOMS_TOP


def negotiation_figures(
    scenario: Scenario, plans: list[Plan], top: int = FREEDOMS_TOP, options: SolveOptions | None = None
) -> NegotiationFigures:
    """The freedoms and price effects of every joint plan with numbers (silo and historic have none)."""
    found = NegotiationFigures(top=top)
    for plan in plans:
        if plan.arrangement not in FREEDOM_ARRANGEMENTS or plan.score is None:
            continue
        name = plan.arrangement.value
        try:
            found.asks[name] = rank_freedoms(scenario, plan.arrangement, top, options)
        except LaaError as exc:
            found.asks[name] = f"not priced: {exc}"
        found.money[name], found.rules[name] = price_effects(plan, options=options)
    return found
