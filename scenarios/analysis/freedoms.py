"""The freedoms worth asking for, and how much of pooling's gain each dropped limit explains.

A negotiator can ask a department for two kinds of freedom: let stream S
pay for outcome O (an eligibility limit lifted), or relax rule R. The
marginal value of each comes from one solve (`laa.pooling.plans.freedoms`: a
rule's dual, an eligibility limit's reduced cost). Marginal values rank
the asks; the top few are then granted one at a time and re-solved, for
the exact gain, and said in the users' terms: which outcomes move, from
what to what, which targets are met, and the reward earned or put at risk.
This module names, words and ranks them; the programs are built and solved
in `laa.pooling`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.freedoms import (
    FREEDOM_ARRANGEMENTS,
    PRICE_NOISE,
    FreedomValues,
    aligned_gain,
    freedom_values,
    granted_plan,
    priced_plan,
    require_feasible,
)
from laa.pooling.plans.plan import Plan
from laa.pooling.solving.solvers import SolveOptions
from laa.pooling.units import money_text, solver_dust
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.effects import Effect, OutcomeMove, percent, plural, targets_text
from laa.scenarios.analysis.table import grid

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FREEDOM_ARRANGEMENTS",
    "Ask",
    "PoolingGain",
    "PoolingValue",
    "freedoms_frame",
    "freedoms_text",
    "pooling_value_text",
    "rank_freedoms",
    "value_of_pooling",
]

ASKS_LISTED = 10  # asks a table shows: the re-solved ones, then the next by marginal value
MOVES_SHOWN = 3


@dataclass(frozen=True)
class Ask:
    """One freedom a department could grant; the re-solved ones also say what it does to the outcomes."""

    kind: str  # eligibility | rule
    stream: str | None
    outcome: str | None
    rule: str | None
    per_million: float  # score per GBP 1m: the marginal value
    gain: float | None  # exact score gain from granting it (for the top asks)
    ask: str  # in the scenario's words: "let Stream A pay for 'Outcome two'"
    # granting it, against the plan it was priced on (re-solved asks only; None, () for the rest)
    targets_met_change: int | None = None
    reward_change: float | None = None  # GBP of Performance Reward Grant earned (+) or put at risk (-)
    outcomes: tuple[OutcomeMove, ...] = ()

    @property
    def text(self) -> str:
        """The ask in words, with the score it would gain when that was worked out."""
        return self.ask if self.gain is None else f"{self.ask}: {self.gain:+.3f} score"

    def to_dict(self) -> dict[str, object]:
        """The ask for the results document."""
        return {
            "kind": self.kind,
            "stream": self.stream,
            "outcome": self.outcome,
            "rule": self.rule,
            "per_million": self.per_million,
            "gain": self.gain,
            "targets_met_change": self.targets_met_change,
            "reward_change": self.reward_change,
            "outcomes": [m.to_dict() for m in self.outcomes],
            "text": self.text,
        }


def rank_freedoms(
    scenario: Scenario,
    arrangement: Arrangement = Arrangement.ALIGNED,
    top: int = 5,
    options: SolveOptions | None = None,
) -> list[Ask]:
    """Every ask with a positive marginal value, best first; the first `top` with their exact gain.

    Best first is by marginal value (score per £1m); asks that tie on it are ranked by their exact
    gain, every ask tied with the `top`-th re-solved too, so that the first three of `--top 5` are
    always `--top 3` (a cut inside a tie would otherwise pick by the file's order).
    """
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
    asks.sort(key=lambda a: (-a.per_million, *_ids(a)))
    cut = min(top, len(asks))
    while 0 < cut < len(asks) and _tied(asks[cut - 1], asks[cut]):
        cut += 1
    before = priced_plan(values, options) if cut > 0 else None
    exact = [_granted(values, before, ask, options) for ask in asks[:cut]]
    ranked: list[Ask] = []
    for ask in exact:  # already in marginal order: sort each run of tied asks by exact gain
        if ranked and _tied(ranked[-1], ask):
            group = [ask]
            while ranked and _tied(ranked[-1], ask):
                group.append(ranked.pop())
            group.sort(key=lambda a: (-_gain_key(a), *_ids(a)))
            ranked += group
        else:
            ranked.append(ask)
    # past the `top`-th, an ask re-solved only to settle a tie is listed as the others are, by its
    # marginal value alone: every command shows exact gains for exactly the first `top`
    unsettled = [Ask(a.kind, a.stream, a.outcome, a.rule, a.per_million, None, a.ask) for a in ranked[top:]]
    return ranked[:top] + unsettled + asks[cut:]


def _gain_key(a: Ask) -> float:
    """An ask's exact gain as ranked: to 9 decimals, since gains equal but for the solver's last
    digits (1e-14 here) must rank by ids, not by those digits; an ask whose plan failed, last."""
    return -1.0 if a.gain is None else round(a.gain, 9)


def _tied(a: Ask, b: Ask) -> bool:
    """Whether two asks' marginal values are the same to the solver's precision."""
    return abs(a.per_million - b.per_million) <= PRICE_NOISE * max(1.0, abs(a.per_million))


def _ids(a: Ask) -> tuple[str, str, str, str]:
    return (a.kind, a.stream or "", a.outcome or "", a.rule or "")


def _granted(values: FreedomValues, before: Plan | None, ask: Ask, options: SolveOptions | None) -> Ask:
    """The ask re-solved with the freedom granted: its exact gain and what it does to the outcomes."""
    after = granted_plan(values, ask.stream, ask.outcome, ask.rule, options)
    if after.score is None:
        return Ask(ask.kind, ask.stream, ask.outcome, ask.rule, ask.per_million, None, ask.ask)
    gain = after.score - values.score
    gain = 0.0 if abs(gain) < PRICE_NOISE else gain
    effect = Effect.between(before, after) if before is not None else None
    if effect is None:
        return Ask(ask.kind, ask.stream, ask.outcome, ask.rule, ask.per_million, gain, ask.ask)
    return Ask(
        ask.kind,
        ask.stream,
        ask.outcome,
        ask.rule,
        ask.per_million,
        gain,
        ask.ask,
        effect.targets_met_change,
        round(effect.reward_change, 2) + 0.0,
        effect.outcomes,
    )


FRAME_COLUMNS = [
    "kind",
    "stream",
    "outcome",
    "rule",
    "per_million",
    "gain",
    "ask",
    "targets_met_change",
    "reward_change",
    "moves",
    "moved_outcomes",
]


def freedoms_frame(scenario: Scenario, asks: list[Ask]) -> pd.DataFrame:
    """The asks as a DataFrame a notebook can filter and sort (what `laa.freedoms` returns): plain
    columns only. `targets_met_change` is a whole number (missing where the ask was not re-solved),
    `gain` and `reward_change` are floats (NaN there); the outcomes a granted ask moves are
    `moves`, in the scenario's words ("Serious acquisitive crime rate 18.8 -> 18.4 (now meets its
    target)", joined by "; "), and `moved_outcomes`, their ids joined by ", "."""
    import pandas as pd

    rows = [
        (
            a.kind,
            a.stream,
            a.outcome,
            a.rule,
            a.per_million,
            a.gain,
            a.ask,
            a.targets_met_change,
            a.reward_change,
            "; ".join(m.words(scenario) for m in a.outcomes),
            ", ".join(m.outcome for m in a.outcomes),
        )
        for a in asks
    ]
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    return frame.astype(
        {"per_million": float, "gain": float, "reward_change": float, "targets_met_change": "Int64"}
    )


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
        """This part of the pooling gain for the results document."""
        return self.__dict__.copy()


@dataclass(frozen=True)
class PoolingValue:
    """Pooling's gain over aligned, in parts that add up to it.

    Each limit pooling lifts, lifted alone in the aligned plan; what pooling
    does to the money alone (its pots' lower overhead, less their set-up
    costs); and the rest, named: interactions, the gain the parts make only
    together (two limits that each unlock the same money count once when
    lifted together, so it may be negative) and what the parts leave out
    (pots' own carry-forward shares).
    """

    total: float | None  # the pooled plan's score less the aligned plan's; None: pooled is infeasible
    limits: list[PoolingGain]
    overhead: float | None  # lower overhead, less set-up, alone in the aligned plan
    interactions: float | None  # total less every part above
    effect: Effect | None = None  # pooled against aligned: targets met, reward, outcomes moved
    setup: float = 0.0  # GBP of pots' set-up costs the pooled plan pays

    def to_dict(self) -> dict[str, object]:
        """Pooling's gain and its parts for the results document, money to the penny."""
        effect = self.effect
        return {
            "pooling_gain": self.total,
            "targets_met_change": effect.targets_met_change if effect else None,
            "reward_change": round(effect.reward_change, 2) + 0.0 if effect else None,
            "limits": [g.to_dict() for g in self.limits],
            "overhead_and_setup": self.overhead,
            "overhead_share_of_pooling_gain": _share(self.overhead, self.total),
            "interactions": self.interactions,
            "interactions_share_of_pooling_gain": _share(self.interactions, self.total),
        }


def value_of_pooling(scenario: Scenario, options: SolveOptions | None = None) -> PoolingValue:
    """Pooled-over-aligned gain in parts: each lifted limit, the money, and the interactions.

    Pooling lifts a member's eligibility limit (its pooled money may fund
    anything in the pot's scope) and its rules that do not survive pooling,
    and it changes the money: the pot's admin rate instead of the
    stream's, and the pot's set-up cost. Each is taken alone in the aligned
    plan; the remainder is named, so the parts add up to the whole.
    """
    aligned_plan, pooled_plan = plan_all(scenario, [Arrangement.ALIGNED, Arrangement.POOLED], options)
    require_feasible(aligned_plan, Arrangement.ALIGNED)
    base, pooled = aligned_plan.score or 0.0, pooled_plan.score
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
            where = scenario.label("pots", pot.id)
            text = (
                f"let {scenario.label('streams', s)} fund everything in {where}'s scope "
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
    overhead = aligned_gain(with_pooled_money(scenario), base, options=options)
    parts = [g.gain for g in found] + [overhead]
    interactions = None
    if total is not None and all(p is not None for p in parts):
        interactions = total - sum(p for p in parts if p is not None)
        interactions = 0.0 if abs(interactions) < PRICE_NOISE else interactions
    setup = pooled_plan.evaluation.money.setup if pooled_plan.has_numbers and pooled_plan.evaluation else 0.0
    return PoolingValue(
        total, found, overhead, interactions, Effect.between(aligned_plan, pooled_plan), setup
    )


def with_pooled_money(scenario: Scenario) -> Scenario:
    """The scenario with its streams' money as pooling would leave it, and nothing else pooled.

    A member pooling a share `phi` loses its own admin rate on that share and
    bears its pot's instead (`a_s (1 - phi) + a_p phi`), and the pot's set-up
    cost comes out of the first year, split among its members by what they pay
    in that year (grossed up by the admin rate, so exactly that much less is
    left to spend).
    """
    doc = scenario.model_dump(mode="python", exclude_unset=True)
    first = scenario.first_year
    streams = {item["id"]: item for item in doc["streams"]}
    for pot in scenario.pots:
        paid = {
            s: scenario.stream(s).pool_share_limit * scenario.stream(s).amount_in(first) for s in pot.members
        }
        total_paid = sum(paid.values())
        for s in pot.members:
            phi = scenario.stream(s).pool_share_limit
            if phi <= 0:
                continue
            item = streams[s]
            rate = item.get("admin_rate", 0.0) * (1 - phi) + pot.admin_rate * phi
            item["admin_rate"] = rate
            if pot.setup_cost and total_paid > 0:
                amounts = item["amounts"]
                if not isinstance(amounts, dict):
                    amounts = {t: amounts for t in scenario.years}
                cut = pot.setup_cost * paid[s] / total_paid / (1 - rate)
                amounts[first] = max(amounts.get(first, 0.0) - cut, 0.0)
                item["amounts"] = amounts
    return Scenario.model_validate(doc)


def _share(gain: float | None, total: float | None) -> float | None:
    if gain is None or total is None or abs(total) < PRICE_NOISE:
        return None
    return gain / total


def _gain_cell(value: float | None) -> str:
    return "infeasible" if value is None else f"{value:+.3f}"


def freedoms_text(scenario: Scenario, arrangement: str, asks: list[Ask], top: int) -> str:
    """The asks in a negotiator's words: each re-solved one with what it does, then the next few."""
    dust = solver_dust(scenario)
    head = [
        f"{scenario.name}: freedoms on the {arrangement} plan, best first",
        f"{len(asks)} asks have a positive marginal value; the top {min(top, len(asks))} are re-solved for "
        "what granting each does.",
        "",
    ]
    if not asks:
        return "\n".join([*head, "(none: no limit binds)"]) + "\n"
    lines = []
    for i, a in enumerate(asks[:top], start=1):
        lines.append(f"{i}. {a.ask}")
        if a.gain is None:
            lines.append("   granting it leaves no feasible plan")
            continue
        worth = f"{a.gain:+.3f} score ({a.per_million:.4f} per £1m at the margin)"
        if a.targets_met_change is not None and a.reward_change is not None:
            reward = money_text(a.reward_change, dust, signed=True)
            worth += f"; {targets_text(a.targets_met_change)}; reward {reward}"
        lines.append(f"   {worth}")
        for move in a.outcomes[:MOVES_SHOWN]:
            lines.append(f"   - {move.words(scenario)}")
        if len(a.outcomes) > MOVES_SHOWN:
            more = len(a.outcomes) - MOVES_SHOWN
            lines.append(f"   - and {plural(more, 'more outcome')} {'moves' if more == 1 else 'move'}")
    rest = asks[top:ASKS_LISTED] if top < ASKS_LISTED else []
    if rest:
        rows = [[str(i), a.kind, f"{a.per_million:.4f}", a.ask] for i, a in enumerate(rest, start=top + 1)]
        lines += ["", "The next asks by marginal value (score per £1m; not re-solved):", ""]
        lines.append(grid(["#", "kind", "per £1m", "ask"], rows, right={0, 2}))
    return "\n".join(head + lines) + "\n"


def pooling_value_text(scenario: Scenario, value: PoolingValue) -> str:
    """Pooling's gain and its parts, which add up to it, each with its share."""
    dust = solver_dust(scenario)
    if value.total is None:
        return f"{scenario.name}: the pooled plan is infeasible, so pooling has no gain to explain.\n"
    said = f"{scenario.name}: pooling gains {value.total:+.3f} score over aligned"
    if value.effect is not None:
        reward = money_text(value.effect.reward_change, dust, signed=True)
        said += f" ({targets_text(value.effect.targets_met_change)}; reward {reward})"
    rows = [
        [g.kind, _gain_cell(g.gain), _share_cell(g.gain, value.total), g.text]
        for g in value.limits
    ]
    setup = f", less {money_text(value.setup, dust)} of set-up" if value.setup else ""
    rows.append(
        [
            "money: overhead and set-up",
            _gain_cell(value.overhead),
            _share_cell(value.overhead, value.total),
            f"the pots' admin rates instead of the streams'{setup}",
        ]
    )
    rows.append(
        [
            "interactions",
            _gain_cell(value.interactions),
            _share_cell(value.interactions, value.total),
            "the rest: what the parts make only together (two limits freeing the same money count once)",
        ]
    )
    rows.append(["total", f"{value.total:+.3f}", "100%", "the pooled plan against the aligned plan"])
    lines = [
        said + ".",
        "Its parts, each taken alone in the aligned plan, and the rest, add up to it:",
        "",
        grid(["part", "score", "share", "what"], rows, right={1, 2}),
    ]
    return "\n".join(lines) + "\n"


def _share_cell(gain: float | None, total: float | None) -> str:
    share = _share(gain, total)
    return "-" if share is None else percent(share)
