"""A plan's score and feasibility from its allocation alone, with no solver.

This is the engine's independent check on itself: every plan the optimiser
returns is re-scored here, and a historic allocation or a silo plan (which
no single program produced) is judged here. It shares the scenario's
lookups with the optimiser and nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from laa.models.scenario import Direction, Outcome, Rule, RuleKind, Scenario
from laa.pooling.units import money_text, years_text

Key = tuple[str, str, int]


@dataclass(frozen=True)
class Allocation:
    """Who spends what (GBP), and how much of each stream went into its pot."""

    stream_spend: dict[Key, float] = field(default_factory=dict)
    pot_spend: dict[Key, float] = field(default_factory=dict)
    shares: dict[str, float] = field(default_factory=dict)
    pots_used: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OutcomeResult:
    """How one outcome fares under a plan: spend in pounds, the improvement it buys, the projected
    level, whether target and stretch are met, and the reward and score it counts for."""
    id: str
    spend: float
    improvement: float
    projected: float
    target_met: bool
    stretch_met: bool
    reward: float
    score: float


@dataclass(frozen=True)
class Money:
    """Where the area's money went under a plan, in pounds: what was available, lost to overhead and
    pot set-up, left to lapse, and spent on outcomes."""
    available: float
    overhead: float
    setup: float
    lapsed: float
    spent: float


@dataclass(frozen=True)
class Violation:
    """One way a plan breaks the scenario (budget, eligibility, rule or statutory minimum), located by
    stream, outcome and year where they apply; `required` and `achieved` are None where no amount applies."""
    kind: str  # budget | eligibility | rule | statutory
    id: str
    stream: str | None
    outcome: str | None
    year: int | None
    required: float | None
    achieved: float | None
    message: str


@dataclass(frozen=True)
class RuleCheck:
    """One rule (or statutory minimum) over one year or the period: required vs achieved."""

    kind: str  # rule | statutory
    id: str
    pot: str | None
    years: tuple[int, ...]
    bound: str  # "min" or "max"
    required: float
    achieved: float
    holds: bool
    binding: bool


@dataclass(frozen=True)
class SourceYear:
    """A stream's or pot's money in one year, after the greedy carry-forward."""

    kind: str
    id: str
    year: int
    gross: float
    overhead: float
    setup: float
    carried_in: float
    spent: float
    carried_out: float
    lapsed: float


@dataclass(frozen=True)
class Evaluation:
    """A plan checked against the scenario on its own terms: its score, per-outcome results, where
    the money went, and every broken constraint, so a plan from anywhere can be trusted or refused."""
    score: float
    outcomes: list[OutcomeResult]
    money: Money
    violations: list[Violation]
    checks: list[RuleCheck]
    sources: list[SourceYear]

    @property
    def feasible(self) -> bool:
        """True when the plan breaks no budget, eligibility, rule or statutory minimum."""
        return not self.violations

    @property
    def targets_met(self) -> int:
        """How many outcomes reach their target under the plan."""
        return sum(o.target_met for o in self.outcomes)

    @property
    def stretch_met(self) -> int:
        """How many outcomes reach their stretch target under the plan."""
        return sum(o.stretch_met for o in self.outcomes)

    @property
    def reward(self) -> float:
        """The Performance Reward Grant the plan earns, in pounds."""
        return sum(o.reward for o in self.outcomes)


def improvement(outcome: Outcome, spend: float) -> float:
    """Indicator movement from `spend` pounds over the period, on the true (concave) curve."""
    left, moved = max(spend, 0.0), 0.0
    for seg in outcome.response:
        if left <= 0:
            break
        if seg.spend is None:
            break  # unbounded last segment: no further effect
        used = min(left, seg.spend)
        moved += seg.effect * used / seg.spend
        left -= used
    return moved


def outcome_result(outcome: Outcome, spend: float) -> OutcomeResult:
    """What `spend` (pounds) buys for `outcome`: the target and stretch counted met within a hair
    of the gap, and the reward paid only from 60% of the way from target to stretch."""
    d = improvement(outcome, spend)
    gap, cap = outcome.gap, outcome.cap
    counted = min(d, cap)
    eps = 1e-7 * gap
    sign = 1.0 if outcome.direction is Direction.HIGHER else -1.0
    target_met = d >= gap - eps
    stretch_met = outcome.stretch is not None and d >= cap - eps
    reward = 0.0
    if outcome.stretch is not None and outcome.reward > 0:
        # a stretch equal to the target has no enhancement: it is met or not
        share = (counted - gap) / (cap - gap) if cap - gap > eps else float(target_met)
        if share >= 0.6 - 1e-7:
            reward = outcome.reward * min(share, 1.0)
    return OutcomeResult(
        id=outcome.id,
        spend=spend,
        improvement=d,
        projected=outcome.baseline + sign * d,
        target_met=target_met,
        stretch_met=stretch_met,
        reward=reward,
        score=outcome.weight * counted / gap,
    )


def evaluate(
    scenario: Scenario,
    allocation: Allocation,
    rules: list[Rule] | None = None,
    extra_eligible: frozenset[tuple[str, str]] = frozenset(),
) -> Evaluation:
    """Score the allocation and list everything it breaks.

    `rules` are the rules in force (default: all of the scenario's);
    statutory minimums are always in force. `extra_eligible` are freedoms
    granted: stream-outcome pairs that may be funded although the file
    does not say so.
    """
    rules = scenario.rules if rules is None else rules
    total = sum(s.amount_in(t) for s in scenario.streams for t in scenario.years)
    violations: list[Violation] = []

    spend_on: dict[str, float] = defaultdict(float)
    for (_, o, _), v in allocation.stream_spend.items():
        spend_on[o] += v
    for (_, o, _), v in allocation.pot_spend.items():
        spend_on[o] += v
    outcomes = [outcome_result(o, spend_on.get(o.id, 0.0)) for o in scenario.outcomes]

    violations += _eligibility(scenario, allocation, extra_eligible, TOLD)
    sources, budget_violations = _money(scenario, allocation, TOLD)
    violations += budget_violations
    checks = _rules(scenario, allocation, rules, TOLD) + _statutory(scenario, allocation, TOLD)
    for check in checks:
        if not check.holds:
            violations.append(_violation_of(scenario, check))

    available = total
    overhead = sum(s.overhead for s in sources)
    setup = sum(s.setup for s in sources)
    spent = sum(allocation.stream_spend.values()) + sum(allocation.pot_spend.values())
    lapsed = sum(s.lapsed for s in sources)
    money = Money(available, overhead, setup, lapsed, spent)
    return Evaluation(
        score=sum(o.score for o in outcomes),
        outcomes=outcomes,
        money=money,
        violations=violations,
        checks=checks,
        sources=sources,
    )


# what a person is told breaks or binds: 1e-7 of the money involved (a rule's larger side, a source's
# year, the most a source could spend), never of the whole area's: a £0.50 match breach once went
# unreported beside a £1e7 stream. A solved plan is also held to 1e-9 of it (`strict_breaches`)
TOLD = 1e-7
FLOOR = 1e-12  # pounds: what floating point leaves of a sum that is zero

# a solved plan may break a budget or a rule by no more than this share of the money involved
STRICT = 1e-9


def strict_breaches(
    evaluation: Evaluation, rules: frozenset[str], statutory: bool = True, relative: float = STRICT
) -> list[str]:
    """Every budget, and every rule in `rules` (and statutory minimum, with `statutory`), that the
    allocation breaks by more than `relative` of the money involved: a year's money for a budget,
    the larger of required and achieved for a rule. A solver's tolerances are absolute (about 1e-7
    of its unit); a plan it calls optimal must still keep every limit it was given, to the pound
    at any scale of money, or it is no plan."""
    found = []
    for s in evaluation.sources:
        available = s.gross - s.overhead - s.setup + s.carried_in
        if s.spent - available > relative * (s.gross + s.carried_in):
            found.append(
                f"{s.kind} {s.id} spends {s.spent:.9g} in {s.year} but has {available:.9g}"
            )
    for c in evaluation.checks:
        if (c.kind == "rule" and c.id not in rules) or (c.kind == "statutory" and not statutory):
            continue
        short = c.required - c.achieved if c.bound == "min" else c.achieved - c.required
        if short > relative * max(abs(c.required), abs(c.achieved)):
            where = f" in pot {c.pot}" if c.pot else ""
            found.append(
                f"{c.kind} {c.id}{where} ({years_text(c.years)}): {c.bound} {c.required:.9g}, "
                f"achieved {c.achieved:.9g}"
            )
    return found


def _eligibility(
    scenario: Scenario, allocation: Allocation, extra: frozenset[tuple[str, str]], told: float
) -> list[Violation]:
    found = []
    eligible = {s.id: set(scenario.eligible(s.id)) for s in scenario.streams}
    most = _most_money(scenario)
    for (s, o, t), v in allocation.stream_spend.items():
        if v > _limit(told, most.get(s, 0.0)) and o not in eligible.get(s, set()) and (s, o) not in extra:
            found.append(
                Violation(
                    "eligibility",
                    s,
                    s,
                    o,
                    t,
                    0.0,
                    v,
                    f"{scenario.label('streams', s)} may not pay for "
                    f"'{scenario.label('outcomes', o)}' but spends {money_text(v)}",
                )
            )
    for (p, o, t), v in allocation.pot_spend.items():
        if v <= _limit(told, most.get(p, 0.0)):
            continue
        if p not in allocation.pots_used:
            found.append(
                Violation(
                    "eligibility",
                    p,
                    None,
                    o,
                    t,
                    0.0,
                    v,
                    f"pot {p} is not set up but spends {money_text(v)}",
                )
            )
        elif o not in set(scenario.scope(p)):
            found.append(
                Violation(
                    "eligibility",
                    p,
                    None,
                    o,
                    t,
                    0.0,
                    v,
                    f"pot {p} may not pay for '{scenario.label('outcomes', o)}' "
                    f"(outside its scope) but spends {money_text(v)}",
                )
            )
    return found


def _money(
    scenario: Scenario, allocation: Allocation, told: float
) -> tuple[list[SourceYear], list[Violation]]:
    """Each stream and pot, year by year, carrying as much as its carry-forward share allows."""
    sources: list[SourceYear] = []
    violations: list[Violation] = []
    by_stream: dict[tuple[str, int], float] = defaultdict(float)
    for (s, _, t), v in allocation.stream_spend.items():
        by_stream[(s, t)] += v
    by_pot: dict[tuple[str, int], float] = defaultdict(float)
    for (p, _, t), v in allocation.pot_spend.items():
        by_pot[(p, t)] += v

    def run(kind: str, ident: str, rows: list[tuple[int, float, float, float, float, float]]) -> None:
        carried = 0.0
        for t, gross, admin_rate, carry_share, setup, spent in rows:
            overhead = admin_rate * gross
            available = gross - overhead - setup + carried
            last = t == scenario.last_year
            if spent > available + _limit(told, gross + carried):
                violations.append(
                    Violation(
                        "budget",
                        ident,
                        ident if kind == "stream" else None,
                        None,
                        t,
                        available,
                        spent,
                        f"{kind} {ident} spends {money_text(spent)} in {t} "
                        f"but has {money_text(available)}",
                    )
                )
            left = max(available - spent, 0.0)
            carry_out = 0.0 if last else min(carry_share * gross, left)
            sources.append(
                SourceYear(
                    kind, ident, t, gross, overhead, setup, carried, spent, carry_out, left - carry_out
                )
            )
            carried = carry_out

    for stream in scenario.streams:
        share = allocation.shares.get(stream.id, 0.0)
        rows = [
            (
                t,
                stream.amount_in(t) * (1 - share),
                stream.admin_rate,
                stream.carry_forward,
                0.0,
                by_stream.get((stream.id, t), 0.0),
            )
            for t in scenario.years
        ]
        run("stream", stream.id, rows)
    for pot in scenario.pots:
        if pot.id not in allocation.pots_used:
            continue
        rows = []
        for t in scenario.years:
            paid_in = sum(
                scenario.stream(m).amount_in(t) * allocation.shares.get(m, 0.0) for m in pot.members
            )
            setup = pot.setup_cost if t == scenario.first_year else 0.0
            rows.append((t, paid_in, pot.admin_rate, pot.carry_forward, setup, by_pot.get((pot.id, t), 0.0)))
        run("pot", pot.id, rows)
    return sources, violations


def _by_source(spend: dict[Key, float]) -> dict[str, list[tuple[str, int, float]]]:
    grouped: dict[str, list[tuple[str, int, float]]] = defaultdict(list)
    for (s, o, t), v in spend.items():
        grouped[s].append((o, t, v))
    return grouped


def _sum(
    grouped: dict[str, list[tuple[str, int, float]]],
    sources: set[str],
    outcomes: set[str],
    years: tuple[int, ...],
) -> float:
    return sum(v for s in sources for o, t, v in grouped.get(s, ()) if o in outcomes and t in years)


def _rules(scenario: Scenario, allocation: Allocation, rules: list[Rule], told: float) -> list[RuleCheck]:
    checks: list[RuleCheck] = []
    shares = allocation.shares
    stream_spend, pot_spend = _by_source(allocation.stream_spend), _by_source(allocation.pot_spend)
    for rule in rules:
        streams = set(scenario.rule_streams(rule))
        outcomes = set(scenario.expand(rule.outcomes))
        kind, value = rule.kind, rule.value
        bound = "min" if kind.is_minimum else "max"
        used = [p for p in scenario.pots if p.id in allocation.pots_used]
        for years in scenario.rule_periods(rule):
            spend = _sum(stream_spend, streams, outcomes, years)
            if kind.is_share:
                unpooled = sum(
                    scenario.stream(s).amount_in(t) * (1 - shares.get(s, 0.0)) for s in streams for t in years
                )
                checks.append(_check("rule", rule.id, None, years, bound, value * unpooled, spend, told))
                if rule.survives_pooling:
                    for pot in used:
                        held = [m for m in pot.members if m in streams and shares.get(m, 0.0) > 0]
                        if not held:
                            continue
                        paid_in = sum(
                            scenario.stream(m).amount_in(t) * shares[m] for m in held for t in years
                        )
                        in_pot = _sum(pot_spend, {pot.id}, outcomes, years)
                        checks.append(
                            _check("rule", rule.id, pot.id, years, bound, value * paid_in, in_pot, told)
                        )
            elif kind.is_amount:
                if rule.survives_pooling:  # pots holding money of the rule's streams
                    pots = {
                        p.id for p in used if any(m in streams and shares.get(m, 0.0) > 0 for m in p.members)
                    }
                    spend += _sum(pot_spend, pots, outcomes, years)
                checks.append(_check("rule", rule.id, None, years, bound, value, spend, told))
            else:
                funders = {scenario.funder_of(s) for s in streams}
                others = {s.id for s in scenario.streams if s.funder not in funders}
                matching = _sum(stream_spend, others, outcomes, years)
                matching += _sum(pot_spend, {p.id for p in used}, outcomes, years)
                checks.append(_check("rule", rule.id, None, years, bound, value * spend, matching, told))
    return checks


def _statutory(scenario: Scenario, allocation: Allocation, told: float) -> list[RuleCheck]:
    spent: dict[tuple[str, int], float] = defaultdict(float)  # every stream's and pot's, by outcome-year
    for source in (allocation.stream_spend, allocation.pot_spend):
        for (_, o, y), v in source.items():
            spent[(o, y)] += v
    checks = []
    for outcome in scenario.outcomes:
        for t in scenario.years:
            minimum = outcome.min_spend_in(t)
            if minimum <= 0:
                continue
            spend = spent.get((outcome.id, t), 0.0)
            checks.append(_check("statutory", outcome.id, None, (t,), "min", minimum, spend, told))
    return checks


def _check(
    kind: str,
    ident: str,
    pot: str | None,
    years: tuple[int, ...],
    bound: str,
    required: float,
    achieved: float,
    told: float,
) -> RuleCheck:
    slack = achieved - required if bound == "min" else required - achieved
    limit = _limit(told, max(abs(required), abs(achieved)))
    return RuleCheck(kind, ident, pot, years, bound, required, achieved, slack >= -limit, abs(slack) <= limit)


def _limit(told: float, money: float) -> float:
    """How far `money` may be off before it is told: the `told` share of it, or floating point's floor."""
    return max(told * money, FLOOR)


def _most_money(scenario: Scenario) -> dict[str, float]:
    """The most each stream and pot could spend over the agreement (a pot: its members pooled whole)."""
    most = {s.id: sum(s.amount_in(t) for t in scenario.years) for s in scenario.streams}
    for pot in scenario.pots:
        most[pot.id] = sum(most.get(m, 0.0) * scenario.stream(m).pool_share_limit for m in pot.members)
    return most


def _violation_of(scenario: Scenario, check: RuleCheck) -> Violation:
    year = check.years[0] if len(check.years) == 1 else None
    when = years_text(check.years)
    if check.kind == "statutory":
        name = scenario.label("outcomes", check.id)
        message = (
            f"statutory minimum for '{name}' in {when}: {money_text(check.required)} required, "
            f"{money_text(check.achieved)} spent"
        )
        return Violation("statutory", check.id, None, check.id, year, check.required, check.achieved, message)
    rule = scenario.rule(check.id)
    streams = rule.streams if rule.streams is not None and len(rule.streams) == 1 else None
    what = {RuleKind.MATCH: "matching spend"}.get(rule.kind, "spend")
    where = f" in pot {check.pot}" if check.pot else ""
    word = "at least" if check.bound == "min" else "at most"
    message = (
        f"rule {rule.id} ({rule.kind.value}){where}, {when}: {what} of {word} "
        f"{money_text(check.required)} required, {money_text(check.achieved)} achieved"
    )
    return Violation(
        "rule", rule.id, streams[0] if streams else None, None, year, check.required, check.achieved, message
    )
