"""`laa report`: one self-contained HTML page for a negotiation meeting.

The page answers what the negotiators will ask, in this order: which
arrangement does best and at what cost, what each does to each target,
where every pound goes under the chosen one, what more money or a freedom
would buy, and why an arrangement cannot be planned when it cannot. This
module gathers the answers (which may mean more solves: the freedoms and an
optional sweep); `report_sections` lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from importlib.metadata import version

from laa.models.errors import InputError, LaaError
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.plan import Plan
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.explain import PriceEffect, price_effects
from laa.scenarios.analysis.freedoms import FREEDOM_ARRANGEMENTS, Ask, rank_freedoms
from laa.scenarios.analysis.partners import PartnersResult
from laa.scenarios.analysis.sweep import (
    DEFAULT_CHANGE,
    Progress,
    SweepStep,
    change_label,
    changed,
    changes,
    check_target,
    label_decimals,
    parse_range,
    sweep,
)
from laa.scenarios.analysis.variants import VariantPlans


@dataclass(frozen=True)
class SweepRequest:
    """One stream's amounts or one rule's value moved from `low` to `high` (fractions: -0.2 is -20%)."""

    stream: str | None
    rule: str | None
    low: float
    high: float
    steps: int

    @classmethod
    def read(
        cls, scenario: Scenario, stream: str | None, rule: str | None, change: str | None, steps: int
    ) -> SweepRequest | None:
        """The report's sweep options checked before any solving, in the report's own option names."""
        if stream is None and rule is None:
            if change is not None:
                raise InputError("--sweep-change: give --sweep-stream or --sweep-rule to say what moves")
            return None
        check_target(scenario, stream, rule, "--sweep-stream", "--sweep-rule")
        low, high = parse_range(change or DEFAULT_CHANGE, "--sweep-change")
        for step in changes(low, high, steps):  # a share pushed past 100% is refused before any solve
            try:
                changed(scenario, step, stream, rule)
            except InputError as exc:
                raise InputError(str(exc).replace("--change", "--sweep-change", 1)) from None
        return cls(stream, rule, low, high, steps)

    def what(self, scenario: Scenario) -> str:
        """What the sweep changes, in words for the report: a stream's amounts or a rule's value."""
        if self.stream is not None:
            return f"the amounts of {scenario.label('streams', self.stream)}"
        return f"the value of rule {self.rule}"

    @property
    def decimals(self) -> int:
        """Decimals of a percentage that give each step its own label and write the ends as given."""
        return label_decimals(self.low, self.high, self.steps)

    def label(self, change: float) -> str:
        """A step's change as a percentage label, with just enough decimals to tell steps apart."""
        return change_label(change, self.decimals)


@dataclass
class Report:
    """Everything the report page is drawn from: the plans, whose money flows and prices are shown,
    and the optional asks, sweep, price effects and partners' figures."""

    scenario: Scenario
    plans: list[Plan]
    chosen: Plan | None  # whose money flows are drawn
    priced: Plan | None  # whose shadow prices and freedoms are given
    asks: list[Ask] = field(default_factory=list)
    freedoms_note: str = ""
    sweep: SweepRequest | None = None
    sweep_steps: list[SweepStep] = field(default_factory=list)
    # the priced plan's dearest money and rules, re-planned with £1m more (empty with --freedoms 0)
    price_effects: tuple[list[PriceEffect], list[PriceEffect]] = field(default_factory=lambda: ([], []))
    partners: PartnersResult | None = None  # laa report --partners: the Partners section's figures
    variants: list[VariantPlans] | None = None  # laa report --variants: the base and each variant planned
    generated: datetime = field(default_factory=lambda: datetime.now().astimezone())
    engine: str = field(default_factory=lambda: version("laa-pooling"))

    @cached_property
    def best(self) -> Plan | None:
        """The plan the report leads with: the highest-scoring that breaks no rule (see `best_plan`)."""
        return best_plan(self.plans)


def best_plan(plans: list[Plan]) -> Plan | None:
    """The highest-scoring plan that breaks no rule (else the highest-scoring); the first among equals."""
    scored = [p for p in plans if p.score is not None]
    feasible = [p for p in scored if p.evaluation is not None and p.evaluation.feasible]
    return max(feasible or scored, key=lambda p: p.score or 0.0) if scored else None


def plan_each(
    scenario: Scenario,
    arrangements: list[Arrangement],
    options: SolveOptions | None = None,
    progress: Progress | None = None,
) -> list[Plan]:
    """The arrangements planned one by one, saying which is under way (a large one takes minutes)."""
    plans = []
    for i, arrangement in enumerate(arrangements, start=1):
        if progress is not None:
            progress(f"planning {arrangement.value} ({i} of {len(arrangements)})")
        plans += plan_all(scenario, [arrangement], options)
    return plans


def prepare_report(
    scenario: Scenario,
    plans: list[Plan],
    arrangement: Arrangement | None = None,
    freedoms_top: int = 5,
    sweep_request: SweepRequest | None = None,
    options: SolveOptions | None = None,
    progress: Progress | None = None,
) -> Report:
    """Everything the page shows; `arrangement` picks the flows drawn (default: the best plan).

    `sweep_request` comes from `SweepRequest.read`, which has checked it against the scenario.
    `progress`, when given, hears what is under way (for a terminal's status line).
    """
    say = progress or (lambda _: None)
    report = Report(scenario, plans, None, None, sweep=sweep_request)
    if arrangement is None:
        report.chosen = report.best
    else:
        report.chosen = next((p for p in plans if p.arrangement is arrangement), None)
        if report.chosen is None:
            raise InputError(f"--arrangement: {arrangement.value} was not planned")
    priced = report.priced = _priced_plan(plans, report.chosen)
    if priced is not None and freedoms_top > 0:
        say(f"pricing the freedoms on the {priced.arrangement.value} plan")
        try:
            report.asks = rank_freedoms(scenario, priced.arrangement, freedoms_top, options)
        except LaaError as exc:
            report.freedoms_note = f"Freedoms could not be priced: {exc}"
        say(f"re-planning the {priced.arrangement.value} plan with £1m more")
        report.price_effects = price_effects(priced, options=options)
    elif freedoms_top == 0:
        report.freedoms_note = "Freedoms were not priced for this report."
    if sweep_request is not None:
        say(f"sweeping {sweep_request.what(scenario)}")
        swept = [p for p in plans if p.arrangement is not Arrangement.HISTORIC]
        report.sweep_steps = sweep(
            scenario,
            sweep_request.low,
            sweep_request.high,
            sweep_request.steps,
            sweep_request.stream,
            sweep_request.rule,
            [p.arrangement for p in swept] or None,
            options,
            base_plans=swept,
            progress=progress,
        )
    return report


def _priced_plan(plans: list[Plan], chosen: Plan | None) -> Plan | None:
    """The chosen plan if it is a priced joint plan, else the best one (silo and historic have no prices)."""
    if chosen is not None and chosen.arrangement in FREEDOM_ARRANGEMENTS and chosen.score is not None:
        return chosen
    return best_plan([p for p in plans if p.arrangement in FREEDOM_ARRANGEMENTS])
