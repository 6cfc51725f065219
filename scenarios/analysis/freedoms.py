"""The freedoms worth asking for, and how much of pooling's gain each dropped limit explains.

A negotiator can ask a department for two kinds of freedom: let stream S
pay for outcome O (an eligibility limit lifted), or relax rule R. The
marginal value of each comes from one solve (`laa.pooling.freedoms`: a
rule's dual, an eligibility limit's reduced cost). Marginal values rank
the asks; the top few are then granted one at a time and re-solved, for
the exact gain. This module names, words and ranks them; the programs are
built and solved in `laa.pooling`.
"""

from __future__ import annotations

from dataclasses import dataclass

from laa.models.scenario import Arrangement, Scenario
from laa.pooling.freedoms import (
    FREEDOM_ARRANGEMENTS,
    PRICE_NOISE,
    FreedomValues,
    aligned_gain,
    eligibility_gain,
    freedom_values,
    pooling_scores,
    rule_gain,
)
from laa.pooling.solvers import SolveOptions

__all__ = ["FREEDOM_ARRANGEMENTS", "Ask", "PoolingGain", "rank_freedoms", "value_of_pooling"]


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


def rank_freedoms(
    scenario: Scenario,
    arrangement: Arrangement = Arrangement.ALIGNED,
    top: int = 5,
    options: SolveOptions | None = None,
) -> list[Ask]:
    """Every ask with a positive marginal value, best first; the first `top` with their exact gain."""
    values = freedom_values(scenario, arrangement, options)
    asks = [
        Ask("eligibility", s, o, None, value, None, _eligibility_text(scenario, s, o))
        for (s, o), value in values.eligibility.items()
        if value > PRICE_NOISE
    ]
    asks += [
        Ask("rule", None, None, r, value, None, _rule_text(scenario, r))
        for r, value in values.rules.items()
        if value > PRICE_NOISE
    ]
    asks.sort(key=lambda a: (-a.per_million, a.kind, a.stream or "", a.outcome or "", a.rule or ""))
    exact = [_with_gain(values, ask, options) for ask in asks[:top]]
    exact.sort(key=lambda a: -(a.gain if a.gain is not None else -1.0))  # stable: ties keep marginal order
    return exact + asks[top:]


def _with_gain(values: FreedomValues, ask: Ask, options: SolveOptions | None) -> Ask:
    if ask.kind == "eligibility":
        assert ask.stream and ask.outcome
        gain = eligibility_gain(values, ask.stream, ask.outcome, options)
    else:
        assert ask.rule
        gain = rule_gain(values, ask.rule, options)
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
    base, pooled = pooling_scores(scenario, options)
    total = pooled - base if pooled is not None else None
    found: list[PoolingGain] = []
    for pot in scenario.pots:
        scope = set(scenario.scope(pot.id))
        for s in pot.members:
            if scenario.stream(s).pool_share_limit <= 0:
                continue
            wider = scope - set(scenario.eligible(s))
            if not wider:
                continue
            granted = frozenset((s, o) for o in wider)
            gain = aligned_gain(scenario, base, extra_eligible=granted, options=options)
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
            gain = aligned_gain(scenario, base, without_rules=frozenset({rule.id}), options=options)
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


def _share(gain: float | None, total: float | None) -> float | None:
    if gain is None or total is None or abs(total) < PRICE_NOISE:
        return None
    return gain / total
