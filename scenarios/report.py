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
from importlib.metadata import version

from models.errors import InputError, LaaError
from models.scenario import Arrangement, Scenario
from pooling.plan import Plan
from pooling.solvers import SolveOptions
from scenarios.freedoms import FREEDOM_ARRANGEMENTS, Ask, rank_freedoms
from scenarios.report_sections import page
from scenarios.sweep import SweepStep, sweep


@dataclass(frozen=True)
class SweepRequest:
    """One stream's amounts or one rule's value moved from `low` to `high` (fractions: -0.2 is -20%)."""

    stream: str | None
    rule: str | None
    low: float
    high: float
    steps: int

    def what(self, scenario: Scenario) -> str:
        if self.stream is not None:
            return f"the amounts of {scenario.label('streams', self.stream)}"
        return f"the value of rule {self.rule}"


@dataclass
class Report:
    scenario: Scenario
    plans: list[Plan]
    best: Plan | None  # the highest-scoring plan
    chosen: Plan | None  # whose money flows are drawn
    priced: Plan | None  # whose shadow prices and freedoms are given
    asks: list[Ask] = field(default_factory=list)
    freedoms_note: str = ""
    sweep: SweepRequest | None = None
    sweep_steps: list[SweepStep] = field(default_factory=list)
    generated: datetime = field(default_factory=lambda: datetime.now().astimezone())
    engine: str = field(default_factory=lambda: version("laa-pooling"))


def best_plan(plans: list[Plan]) -> Plan | None:
    """The highest-scoring plan that breaks no rule (else the highest-scoring); the first among equals."""
    scored = [p for p in plans if p.score is not None]
    feasible = [p for p in scored if p.evaluation is not None and p.evaluation.feasible]
    return max(feasible or scored, key=lambda p: p.score or 0.0) if scored else None


def check_sweep(scenario: Scenario, request: SweepRequest) -> None:
    """The request in the report's own option names, before any solving."""
    if (request.stream is None) == (request.rule is None):
        raise InputError("sweep one thing at a time: give --sweep-stream or --sweep-rule, not both")
    if request.stream is not None and request.stream not in {s.id for s in scenario.streams}:
        raise InputError(f"--sweep-stream: unknown stream {request.stream!r}")
    if request.rule is not None and request.rule not in {r.id for r in scenario.rules}:
        raise InputError(f"--sweep-rule: unknown rule {request.rule!r}")


def prepare_report(
    scenario: Scenario,
    plans: list[Plan],
    arrangement: Arrangement | None = None,
    freedoms_top: int = 5,
    sweep_request: SweepRequest | None = None,
    options: SolveOptions | None = None,
) -> Report:
    """Everything the page shows; `arrangement` picks the flows drawn (default: the best plan)."""
    if sweep_request is not None:
        check_sweep(scenario, sweep_request)
    if arrangement is None:
        chosen = best_plan(plans)
    else:
        chosen = next((p for p in plans if p.arrangement is arrangement), None)
        if chosen is None:
            raise InputError(f"--arrangement: {arrangement.value} was not planned")
    priced = _priced_plan(plans, chosen)
    report = Report(scenario, plans, best_plan(plans), chosen, priced, sweep=sweep_request)
    if priced is not None and freedoms_top > 0:
        try:
            report.asks = rank_freedoms(scenario, priced.arrangement, freedoms_top, options)
        except LaaError as exc:
            report.freedoms_note = f"Freedoms could not be priced: {exc}"
    elif freedoms_top == 0:
        report.freedoms_note = "Freedoms were not priced for this report."
    if sweep_request is not None:
        swept = [p.arrangement for p in plans if p.arrangement is not Arrangement.HISTORIC]
        report.sweep_steps = sweep(
            scenario,
            sweep_request.low,
            sweep_request.high,
            sweep_request.steps,
            sweep_request.stream,
            sweep_request.rule,
            swept or None,
            options,
        )
    return report


def _priced_plan(plans: list[Plan], chosen: Plan | None) -> Plan | None:
    """The chosen plan if it is a priced joint plan, else the best one (silo and historic have no prices)."""
    if chosen is not None and chosen.arrangement in FREEDOM_ARRANGEMENTS and chosen.score is not None:
        return chosen
    return best_plan([p for p in plans if p.arrangement in FREEDOM_ARRANGEMENTS])


def report_html(report: Report) -> str:
    return page(report)
