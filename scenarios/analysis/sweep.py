"""`laa sweep`: re-plan as one stream's settlement or one rule's value moves across a range.

A negotiator asks "what if the PCT's grant is cut by 10%?" or "what if the
ring-fence were 30% instead of 40%?". Each step is a full re-plan of the
changed scenario; the report gives the score at each step and where the
money moved relative to the unchanged plan.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from laa.models.errors import InputError
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plan import Plan
from laa.pooling.solvers import SolveOptions
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.table import grid, pounds

RANGE = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)%?\s*\.\.\s*([+-]?\d+(?:\.\d+)?)%?\s*$")
DEFAULT_CHANGE = "-20%..+20%"
SHIFT_NOISE_GBP = 100.0
SHIFT_NOISE_SHARE = 1e-6  # of the area's money: equally good plans differ by solver tolerance, not choice


def parse_range(text: str, option: str = "--change") -> tuple[float, float]:
    """'-20%..+20%' as (-0.2, 0.2); messages name `option`, as the command that read it calls it."""
    match = RANGE.match(text)
    if not match:
        raise InputError(f"{option}: expected a range like {DEFAULT_CHANGE}; found {text!r}")
    low, high = float(match.group(1)) / 100, float(match.group(2)) / 100
    if low > high:
        raise InputError(f"{option}: the range must run from low to high; found {text!r}")
    if low <= -1:
        raise InputError(f"{option}: a cut of 100% or more leaves nothing to plan; found {text!r}")
    return low, high


def check_target(
    scenario: Scenario,
    stream: str | None,
    rule: str | None,
    stream_option: str = "--stream",
    rule_option: str = "--rule",
) -> None:
    """One stream or one rule the scenario has; messages name the options as the calling command does."""
    if (stream is None) == (rule is None):
        raise InputError(f"sweep one thing at a time: give {stream_option} or {rule_option}")
    if stream is not None and stream not in {s.id for s in scenario.streams}:
        raise InputError(f"{stream_option}: unknown stream {stream!r}")
    if rule is not None and rule not in {r.id for r in scenario.rules}:
        raise InputError(f"{rule_option}: unknown rule {rule!r}")


@dataclass(frozen=True)
class Shift:
    """Spend on an outcome over the period, against the unchanged plan (GBP).

    Shifts are by outcome, not by stream: many plans are equally good, and
    which stream pays for what among them is not a change anyone made.
    """

    outcome: str
    amount: float


@dataclass(frozen=True)
class SweepStep:
    change: float
    arrangement: str
    status: str
    score: float | None
    shifts: list[Shift] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "change": self.change,
            "arrangement": self.arrangement,
            "status": self.status,
            "score": self.score,
            "shifts": [s.__dict__ for s in self.shifts],
        }


def changed(scenario: Scenario, change: float, stream: str | None, rule: str | None) -> Scenario:
    """The scenario with the stream's amounts, or the rule's value, scaled by (1 + change)."""
    doc = scenario.model_dump(mode="python")
    factor = 1.0 + change
    if stream is not None:
        item = next(s for s in doc["streams"] if s["id"] == stream)
        amounts = item["amounts"]
        item["amounts"] = (
            {t: v * factor for t, v in amounts.items()} if isinstance(amounts, dict) else amounts * factor
        )
    if rule is not None:
        item = next(r for r in doc["rules"] if r["id"] == rule)
        kind = scenario.rule(rule).kind
        value = item[kind.value] * factor
        item[kind.value] = min(max(value, 0.0), 1.0) if kind.is_share else max(value, 0.0)
    return Scenario.model_validate(doc)


def sweep(
    scenario: Scenario,
    low: float,
    high: float,
    steps: int,
    stream: str | None = None,
    rule: str | None = None,
    arrangements: list[Arrangement] | None = None,
    options: SolveOptions | None = None,
    base_plans: list[Plan] | None = None,
) -> list[SweepStep]:
    """Every step's plans; `base_plans`, the unchanged scenario's plans when the caller has them, are
    what the shifts are measured against (else they are solved here)."""
    check_target(scenario, stream, rule)
    chosen = arrangements or [a for a in scenario.arrangements_to_run() if a is not Arrangement.HISTORIC]
    base = {p.arrangement.value: p for p in base_plans or ()}
    missing = [a for a in chosen if a.value not in base]
    if missing:  # plan_all plans the scenario's own list when given none
        base.update((p.arrangement.value, p) for p in plan_all(scenario, missing, options))
    changes = sorted({low + (high - low) * i / steps for i in range(steps + 1)} if steps else {low, high})
    found = []
    for change in changes:
        plans = plan_all(changed(scenario, change, stream, rule), chosen, options)
        for plan in plans:
            found.append(
                SweepStep(
                    round(change, 10),
                    plan.arrangement.value,
                    plan.status.value,
                    plan.score,
                    _shifts(base[plan.arrangement.value], plan),
                )
            )
    return found


def _totals(plan: Plan) -> dict[str, float]:
    if plan.evaluation is None or plan.score is None:
        return {}
    return {o.id: o.spend for o in plan.evaluation.outcomes}


def _shifts(base: Plan, plan: Plan, top: int = 5) -> list[Shift]:
    before, after = _totals(base), _totals(plan)
    moved = [Shift(o, after.get(o, 0.0) - before.get(o, 0.0)) for o in set(before) | set(after)]
    money = sum(s.amount_in(t) for s in base.scenario.streams for t in base.scenario.years)
    noise = max(SHIFT_NOISE_GBP, SHIFT_NOISE_SHARE * money)
    moved = [m for m in moved if abs(m.amount) > noise]
    moved.sort(key=lambda m: (-abs(m.amount), m.outcome))
    return moved[:top]


def sweep_text(scenario: Scenario, what: str, steps: list[SweepStep]) -> str:
    names = list(dict.fromkeys(s.arrangement for s in steps))
    by_change: dict[float, dict[str, SweepStep]] = defaultdict(dict)
    for s in steps:
        by_change[s.change][s.arrangement] = s
    rows = [
        [f"{change:+.0%}"]
        + ["-" if cell.get(n) is None or cell[n].score is None else f"{cell[n].score:.4f}" for n in names]
        for change, cell in sorted(by_change.items())
    ]
    lines = [f"{scenario.name}: sweeping {what}", "", grid(["change", *names], rows), ""]
    last = max(by_change)
    for n in names:
        step = by_change[last].get(n)
        if step and step.shifts:
            lines.append(f"{n} at {last:+.0%}: spend per outcome against the unchanged plan")
            lines += [
                f"  {pounds(m.amount) if m.amount >= 0 else '-' + pounds(-m.amount)}  "
                f"{scenario.label('outcomes', m.outcome)}"
                for m in step.shifts
            ]
    return "\n".join(lines) + "\n"
