"""`laa sweep`: re-plan as one stream's settlement or one rule's value moves across a range.

A negotiator asks "what if the PCT's grant is cut by 10%?" or "what if the
ring-fence were 30% instead of 40%?". Each step is a full re-plan of the
changed scenario; the report gives the score at each step and where the
money moved relative to the unchanged plan.

`--steps K` is the number of values across the range, its ends included,
and the unchanged scenario (0%) is always one of them when the range holds
it: the row every other is read against. A change that would take a rule
outside what it can mean (a share above 100%) is refused before anything is
solved, with the largest change the rule takes; a step with no feasible
plan says so, and has no "where the money moved", since there is no plan.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from laa.models.errors import InputError, ScenarioError
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.plan import Plan
from laa.pooling.solving.solvers import SolveOptions
from laa.pooling.units import money_text, solver_dust
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.table import grid, score_places, short
from pydantic import ValidationError

Progress = Callable[[str], None]  # hears what is under way, for a terminal's status line
RANGE = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)%?\s*\.\.\s*([+-]?\d+(?:\.\d+)?)%?\s*$")
DEFAULT_CHANGE = "-20%..+20%"
SHIFTS_SHOWN = 3


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


def changes(low: float, high: float, steps: int) -> list[float]:
    """`steps` values evenly from `low` to `high` (both ends), with 0 added when the range holds it."""
    count = max(steps, 2) if high > low else 1
    found = {round(low + (high - low) * i / (count - 1), 10) if count > 1 else low for i in range(count)}
    if low <= 0 <= high:
        found.add(0.0)
    return sorted(found)


def label_decimals(low: float, high: float, steps: int) -> int:
    """Decimals of a percentage that give each step its own label and write the ends as given."""
    step = (high - low) / max(steps - 1, 1) * 100
    fine = math.ceil(round(-math.log10(step), 9)) if step > 0 else 0
    return max(fine, _places(low * 100), _places(high * 100), 0)


def _places(percent: float) -> int:
    """The fewest decimals, up to 3, that write `percent` as it was given."""
    return next((d for d in range(3) if abs(percent - round(percent, d)) < 1e-9), 3)


def change_label(change: float, decimals: int = 0) -> str:
    """'-20%', '+12.5%', and the unchanged scenario as '0%' (never '-0%' or '+0%')."""
    value = round(change * 100, decimals) + 0.0
    return f"{value:.{decimals}f}%" if value == 0 else f"{value:+.{decimals}f}%"


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
    """One arrangement planned at one step of a sweep: its score, the spend shifts against the
    unchanged plan (None when there is no plan), and the swept value at this step."""

    change: float
    arrangement: str
    status: str
    score: float | None
    shifts: list[Shift] | None = field(default_factory=list)  # None: no plan at this step to compare
    value: float | None = None  # the rule's value, or the stream's money over the period, at this step

    def to_dict(self) -> dict[str, object]:
        """The step for the sweep's JSON document (`shifts` None when the step has no plan)."""
        return {
            "change": self.change,
            "arrangement": self.arrangement,
            "status": self.status,
            "score": self.score,
            "value": self.value,
            "shifts": None if self.shifts is None else [s.__dict__ for s in self.shifts],
        }


def changed(scenario: Scenario, change: float, stream: str | None, rule: str | None) -> Scenario:
    """The scenario with the stream's amounts, or the rule's value, scaled by (1 + change).

    A value the scenario cannot hold (a share over 1) is an `InputError` naming the largest change
    the rule takes, never quietly capped.
    """
    doc = scenario.model_dump(mode="python", exclude_unset=True)
    factor = 1.0 + change
    label = change_label(change, _places(change * 100))
    if stream is not None:
        item = next(s for s in doc["streams"] if s["id"] == stream)
        amounts = item["amounts"]
        item["amounts"] = (
            {t: v * factor for t, v in amounts.items()} if isinstance(amounts, dict) else amounts * factor
        )
    if rule is not None:
        item = next(r for r in doc["rules"] if r["id"] == rule)
        kind = scenario.rule(rule).kind
        base = item[kind.value]
        value = base * factor
        if kind.is_share and value > 1 + 1e-12:
            largest = change_label(1 / base - 1, 1) if base > 0 else "any"
            raise InputError(
                f"--change: at {label} rule {rule}'s {kind.value} {base:g} would be {value:.4g}, "
                f"but a share is at most 1 (100%); the largest rise it takes is {largest}"
            )
        item[kind.value] = min(value, 1.0) if kind.is_share else value
    try:
        return Scenario.model_validate(doc)
    except ValidationError as exc:
        what = f"stream {stream}'s amounts" if stream else f"rule {rule}'s value"
        why = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise InputError(f"--change: at {label} {what} cannot be planned: {why}") from None
    except ScenarioError as exc:
        what = f"stream {stream}'s amounts" if stream else f"rule {rule}'s value"
        raise InputError(f"--change: at {label} {what} cannot be planned: {exc}") from None


def swept_value(scenario: Scenario, stream: str | None, rule: str | None) -> float:
    """What moves: the rule's value, or the stream's money over the agreement (GBP)."""
    if rule is not None:
        return scenario.rule(rule).value
    assert stream is not None
    return sum(scenario.stream(stream).amount_in(t) for t in scenario.years)


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
    progress: Progress | None = None,
) -> list[SweepStep]:
    """Every step's plans; `base_plans`, the unchanged scenario's plans when the caller has them, are
    what the shifts are measured against (else they are solved here). Every step's scenario is made
    (and refused, if it cannot be) before anything is solved."""
    check_target(scenario, stream, rule)
    chosen = arrangements or [a for a in scenario.arrangements_to_run() if a is not Arrangement.HISTORIC]
    variants = {change: changed(scenario, change, stream, rule) for change in changes(low, high, steps)}
    base = {p.arrangement.value: p for p in base_plans or ()}
    missing = [a for a in chosen if a.value not in base]
    if missing:  # plan_all plans the scenario's own list when given none
        base.update((p.arrangement.value, p) for p in plan_all(scenario, missing, options))
    found = []
    for i, (change, variant) in enumerate(variants.items(), start=1):
        if progress is not None:
            progress(f"sweep step {i} of {len(variants)} ({change_label(change, _places(change * 100))})")
        value = swept_value(variant, stream, rule)
        plans = plan_all(variant, chosen, options) if change != 0 else [base[a.value] for a in chosen]
        for plan in plans:
            found.append(
                SweepStep(
                    change,
                    plan.arrangement.value,
                    plan.status.value,
                    plan.score,
                    _shifts(base[plan.arrangement.value], plan),
                    value,
                )
            )
    return found


def _totals(plan: Plan) -> dict[str, float] | None:
    if plan.evaluation is None or plan.score is None:
        return None
    return {o.id: o.spend for o in plan.evaluation.outcomes}


def _shifts(base: Plan, plan: Plan) -> list[Shift] | None:
    """Spend moved per outcome (moves the solver can vouch for only, `units.solver_dust`); None when
    either has no plan."""
    before, after = _totals(base), _totals(plan)
    if before is None or after is None:
        return None
    moved = [Shift(o, after.get(o, 0.0) - before.get(o, 0.0)) for o in set(before) | set(after)]
    dust = solver_dust(base.scenario)
    moved = [m for m in moved if abs(m.amount) >= dust]
    moved.sort(key=lambda m: (-abs(m.amount), m.outcome))
    return moved


def swept_words(scenario: Scenario, stream: str | None, rule: str | None) -> str:
    """'stream Neighbourhood Renewal Fund (nrf)': what a sweep moves, by name, with its id."""
    kind, ident = ("stream", stream) if stream is not None else ("rule", rule or "")
    name = scenario.label(f"{kind}s", ident)
    return f"{kind} {name}" if name == ident else f"{kind} {name} ({ident})"


def shifts_text(scenario: Scenario, shifts: list[Shift], top: int = SHIFTS_SHOWN) -> str:
    """'+£1,200,000 Serious acquisitive crime rate; -£300,000 ...' for the largest moves."""
    dust = solver_dust(scenario)
    shown = [f"{money_text(m.amount, dust, signed=True)} {short(scenario.label('outcomes', m.outcome))}"
             for m in shifts[:top]]  # fmt: skip
    more = len(shifts) - top
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def _value_text(scenario: Scenario, stream: str | None, rule: str | None, value: float | None) -> str:
    if value is None:
        return "-"
    if stream is not None or scenario.rule(rule or "").kind.is_amount:
        return money_text(value, solver_dust(scenario))
    if scenario.rule(rule or "").kind.is_share:
        return f"{value:.1%}"
    return f"{value:.3g}"


def sweep_text(
    scenario: Scenario, steps: list[SweepStep], stream: str | None = None, rule: str | None = None
) -> str:
    """The score of each arrangement at each step, then, per arrangement, where the money moved."""
    names = list(dict.fromkeys(s.arrangement for s in steps))
    by_change: dict[float, dict[str, SweepStep]] = defaultdict(dict)
    for s in steps:
        by_change[s.change][s.arrangement] = s
    ordered = sorted(by_change)
    decimals = max((_places(c * 100) for c in ordered), default=0)
    places = score_places(s.score for s in steps)
    swept = swept_words(scenario, stream, rule)
    what = f"the money {swept} brings over the agreement" if stream else f"the value of {swept}"
    rows = []
    for change in ordered:
        cells = by_change[change]
        value = next(iter(cells.values())).value
        rows.append(
            [change_label(change, decimals), _value_text(scenario, stream, rule, value)]
            + [_score_cell(cells.get(n), places) for n in names]
        )
    column = "amount" if stream else "value"
    table = grid(["change", column, *names], rows, right=set(range(len(names) + 2)))
    lines = [f"{scenario.name}: sweeping {what}", "", table, ""]
    lines += ["Where the money moved against the unchanged plan (spend per outcome over the agreement)", ""]
    for n in names:
        moves = []
        for change in ordered:
            step = by_change[change].get(n)
            if step is None:
                continue
            if change == 0:
                text = "(the unchanged plan)"
            elif step.shifts is None:
                text = f"{step.status}: no plan, so nothing to compare"
            elif not step.shifts:
                text = "no outcome's spend moves"
            else:
                text = shifts_text(scenario, step.shifts)
            moves.append([change_label(change, decimals), text])
        lines += [n, grid(["change", "spend moved"], moves, right={0}), ""]
    return "\n".join(lines).rstrip() + "\n"


def _score_cell(step: SweepStep | None, places: int) -> str:
    if step is None:
        return "-"
    return step.status if step.score is None else f"{step.score:.{places}f}"
