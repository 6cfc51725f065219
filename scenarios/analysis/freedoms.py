"""The freedoms worth asking for, and how much of pooling's gain each dropped limit explains.

A negotiator can ask a department for two kinds of freedom: let stream S
pay for outcome O (an eligibility limit lifted), or relax rule R. The
marginal value of each comes from one solve: a rule's value is its dual;
an eligibility limit's is the reduced cost of a spend column the plan does
not have, so every ineligible pair is given a column fixed at zero and
HiGHS prices it. Marginal values rank the asks; the top few are then
granted one at a time and re-solved, for the exact gain.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from laa.models.errors import LaaError
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.build import build
from laa.pooling.optimise import optimise, plan_from
from laa.pooling.plan import Plan
from laa.pooling.solvers import SolveOptions, solve
from laa.pooling.spec import ModelSpec, PoolingChoice, PoolingMode

PRICE_NOISE = 1e-9
FREEDOM_ARRANGEMENTS = (Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)


@dataclass(frozen=True)
class Ask:
    kind: str  # eligibility | rule
    stream: str | None
    outcome: str | None
    rule: str | None
    per_million: float  # score per GBP 1m: the marginal value
    gain: float | None  # exact score gain from granting it (for the top asks)
    ask: str  # in the scenario's words: "let Stream A pay for 'Outcome two'"

    @property
    def text(self) -> str:
        return self.ask if self.gain is None else f"{self.ask}: {self.gain:+.3f} score"

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "stream": self.stream,
            "outcome": self.outcome,
            "rule": self.rule,
            "per_million": self.per_million,
            "gain": self.gain,
            "text": self.text,
        }


def base_spec(scenario: Scenario, arrangement: Arrangement, options: SolveOptions | None) -> ModelSpec:
    """The program the freedoms are priced on; for `optimal`, its pooling choice held fixed."""
    if arrangement is Arrangement.ALIGNED:
        return ModelSpec(scenario, PoolingChoice.aligned())
    if arrangement is Arrangement.POOLED:
        return ModelSpec(scenario, PoolingChoice.pooled(scenario))
    if arrangement is Arrangement.OPTIMAL:
        plan = optimise(
            ModelSpec(scenario, PoolingChoice.chosen_by_solver(scenario.partial_pooling)),
            Arrangement.OPTIMAL,
            options,
        )
        _require(plan, arrangement)
        assert plan.spending is not None
        choice = PoolingChoice(PoolingMode.FIXED, dict(plan.spending.shares), plan.spending.pots_used)
        return ModelSpec(scenario, choice)
    raise LaaError(
        f"freedoms are priced on a joint plan: aligned, pooled or optimal, not {arrangement.value}"
    )


def _require(plan: Plan, arrangement: Arrangement) -> None:
    if plan.score is None:
        raise LaaError(
            f"the {arrangement.value} plan is {plan.status.value}: {plan.message}; "
            "freedoms can be priced only on a feasible plan"
        )


def rank_freedoms(
    scenario: Scenario,
    arrangement: Arrangement = Arrangement.ALIGNED,
    top: int = 5,
    options: SolveOptions | None = None,
) -> list[Ask]:
    """Every ask with a positive marginal value, best first; the first `top` with their exact gain."""
    spec = base_spec(scenario, arrangement, options)
    streams = {s.id: set(scenario.eligible(s.id)) for s in scenario.streams}
    candidates = frozenset((s, o.id) for s in streams for o in scenario.outcomes if o.id not in streams[s])
    b = build(replace(spec, candidates=candidates))
    solution = solve(b.program, options)
    plan = plan_from(b, solution, arrangement, {})
    _require(plan, arrangement)
    base_score = plan.score or 0.0
    if solution.reduced is None:
        raise LaaError("the solver gave no marginal values for this plan")

    best: dict[tuple[str, str], float] = {}
    for s, o in candidates:
        for t in scenario.years:
            col = b.program.col(("x", s, o, t))
            value = float(solution.reduced[col])
            best[(s, o)] = max(best.get((s, o), 0.0), value)
    asks = [
        Ask("eligibility", s, o, None, value, None, _eligibility_text(scenario, s, o))
        for (s, o), value in best.items()
        if value > PRICE_NOISE
    ]
    rule_value: dict[str, float] = {}
    for price in plan.shadow_prices:
        if price.kind == "rule":
            rule_value[price.id] = max(rule_value.get(price.id, 0.0), price.per_million)
    asks += [
        Ask("rule", None, None, r, value, None, _rule_text(scenario, r))
        for r, value in rule_value.items()
        if value > PRICE_NOISE
    ]
    asks.sort(key=lambda a: (-a.per_million, a.kind, a.stream or "", a.outcome or "", a.rule or ""))
    exact = [_with_gain(scenario, spec, ask, base_score, arrangement, options) for ask in asks[:top]]
    exact.sort(key=lambda a: -(a.gain if a.gain is not None else -1.0))  # stable: ties keep marginal order
    return exact + asks[top:]


def _with_gain(
    scenario: Scenario,
    spec: ModelSpec,
    ask: Ask,
    base: float,
    arrangement: Arrangement,
    options: SolveOptions | None,
) -> Ask:
    if ask.kind == "eligibility":
        assert ask.stream and ask.outcome
        granted = replace(spec, extra_eligible=frozenset({(ask.stream, ask.outcome)}))
    else:
        assert ask.rule
        granted = replace(spec, without_rules=frozenset({ask.rule}))
    plan = optimise(granted, arrangement, options)
    gain = (plan.score - base) if plan.score is not None else None
    gain = 0.0 if gain is not None and abs(gain) < PRICE_NOISE else gain
    return Ask(ask.kind, ask.stream, ask.outcome, ask.rule, ask.per_million, gain, ask.ask)


def _eligibility_text(scenario: Scenario, stream: str, outcome: str) -> str:
    return f"let {scenario.label('streams', stream)} pay for '{scenario.label('outcomes', outcome)}'"


def _rule_text(scenario: Scenario, rule_id: str) -> str:
    rule = scenario.rule(rule_id)
    funders = sorted({scenario.label("funders", scenario.funder_of(s)) for s in scenario.rule_streams(rule)})
    whose = f" ({', '.join(funders)})" if len(funders) <= 2 else ""
    return f"drop rule {rule_id}{whose}"


@dataclass(frozen=True)
class PoolingGain:
    """One limit that pooling lifts, and what lifting it alone in the aligned plan is worth."""

    kind: str  # eligibility | rule
    id: str  # the stream whose eligibility widens, or the rule dropped
    pot: str
    gain: float | None
    share_of_pooling_gain: float | None
    text: str

    def to_dict(self) -> dict[str, object]:
        return self.__dict__.copy()


def value_of_pooling(
    scenario: Scenario, options: SolveOptions | None = None
) -> tuple[float | None, list[PoolingGain]]:
    """Pooled-over-aligned gain, and each lifted limit's own gain when dropped from the aligned plan.

    Pooling lifts a member's eligibility limit (its pooled money may fund
    anything in the pot's scope) and its rules that do not survive pooling.
    Each is lifted alone in the aligned plan; the gains need not add up to
    the pooling gain (limits interact, and pooling also changes overhead and
    costs set-up), so each is also shown as a share of it.
    """
    aligned = optimise(ModelSpec(scenario, PoolingChoice.aligned()), Arrangement.ALIGNED, options)
    pooled = optimise(ModelSpec(scenario, PoolingChoice.pooled(scenario)), Arrangement.POOLED, options)
    _require(aligned, Arrangement.ALIGNED)
    base = aligned.score or 0.0
    total = pooled.score - base if pooled.score is not None else None
    found: list[PoolingGain] = []
    for pot in scenario.pots:
        scope = set(scenario.scope(pot.id))
        for s in pot.members:
            if scenario.stream(s).pool_share_limit <= 0:
                continue
            wider = scope - set(scenario.eligible(s))
            if not wider:
                continue
            spec = ModelSpec(
                scenario, PoolingChoice.aligned(), extra_eligible=frozenset((s, o) for o in wider)
            )
            gain = _gain(spec, base, options)
            text = (
                f"let {scenario.label('streams', s)} fund everything in pot {pot.id}'s scope "
                f"({len(wider)} more outcome{'s' if len(wider) != 1 else ''})"
            )
            found.append(PoolingGain("eligibility", s, pot.id, gain, _share(gain, total), text))
        for rule in scenario.rules:
            if rule.survives_pooling or not set(scenario.rule_streams(rule)) & set(pot.members):
                continue
            if any(g.kind == "rule" and g.id == rule.id for g in found):
                continue
            spec = ModelSpec(scenario, PoolingChoice.aligned(), without_rules=frozenset({rule.id}))
            gain = _gain(spec, base, options)
            found.append(
                PoolingGain(
                    "rule",
                    rule.id,
                    pot.id,
                    gain,
                    _share(gain, total),
                    f"drop rule {rule.id} (it falls away when its streams are pooled)",
                )
            )
    found.sort(key=lambda g: -(g.gain or 0.0))
    return total, found


def _gain(spec: ModelSpec, base: float, options: SolveOptions | None) -> float | None:
    plan = optimise(spec, Arrangement.ALIGNED, options)
    if plan.score is None:
        return None
    gain = plan.score - base
    return 0.0 if abs(gain) < PRICE_NOISE else gain


def _share(gain: float | None, total: float | None) -> float | None:
    if gain is None or total is None or abs(total) < PRICE_NOISE:
        return None
    return gain / total
