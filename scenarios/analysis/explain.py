"""Shadow prices in words: which money and which rules the plan is most short of, and what £1m buys.

A shadow price is the score one more £1m of a stream (or £1m of slack in a
rule) is worth at the margin. A finance lead asks what that money would do:
so the dearest few are re-planned with £1m more (or the rule relaxed by
£1m) and said in the users' terms: which indicators move, from what to
what, and what happens to targets met and reward (`effects.Effect`). The
re-plans compose `plan_all` on a changed scenario; the program is never
built here.
"""

from __future__ import annotations

from dataclasses import dataclass

from laa.models.scenario import Scenario
from laa.pooling.plans.plan import Plan
from laa.pooling.plans.prices import PRICE_NOISE, ShadowPrice
from laa.pooling.solving.solvers import SolveOptions
from laa.pooling.units import MILLION, years_text
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.effects import Effect

TOP = 8  # prices listed per plan
REPLANNED = 3  # of them, re-planned with £1m more for what it does


@dataclass(frozen=True)
class PriceEffect:
    """A shadow price, and what £1m more (or £1m of relaxation) does when the plan is made again."""

    price: ShadowPrice
    effect: Effect | None  # None: not re-planned, or the change cannot be said in the scenario's terms

    def to_dict(self) -> dict[str, object]:
        """The price and what re-planning with the extra money found, for the results document."""
        return {
            "kind": self.price.kind,
            "id": self.price.id,
            "year": self.price.year,
            "years": list(self.price.years),
            "per_million": self.price.per_million,
            **(self.effect.to_dict() if self.effect is not None else {}),
        }


def _stream_prices(plan: Plan) -> list[ShadowPrice]:
    """Each stream's dearest year, dearest stream first."""
    best: dict[str, ShadowPrice] = {}
    for p in plan.shadow_prices:
        if p.kind == "stream" and (p.id not in best or p.per_million > best[p.id].per_million):
            best[p.id] = p
    return sorted(best.values(), key=lambda p: (-p.per_million, p.id))


def _rule_prices(plan: Plan) -> list[ShadowPrice]:
    return sorted(
        (p for p in plan.shadow_prices if p.kind in ("rule", "statutory") and p.per_million > PRICE_NOISE),
        key=lambda p: (-p.per_million, p.id),
    )


def relaxed(scenario: Scenario, price: ShadowPrice) -> Scenario | None:
    """The scenario with £1m more of the priced money, or the priced rule relaxed by £1m.

    None where a scenario cannot say it: a share or match rule (its ratio is the lever, not pounds),
    or a yearly rule priced in one of several years (the scenario's rule holds in all of them).
    """
    doc = scenario.model_dump(mode="python", exclude_unset=True)
    if price.kind == "stream" and price.year is not None:
        item = next(s for s in doc["streams"] if s["id"] == price.id)
        amounts = item["amounts"]
        amounts = dict(amounts) if isinstance(amounts, dict) else {t: amounts for t in scenario.years}
        amounts[price.year] = amounts.get(price.year, 0.0) + MILLION
        item["amounts"] = amounts
    elif price.kind == "statutory":
        item = next(o for o in doc["outcomes"] if o["id"] == price.id)
        floor = item.get("min_spend", 0.0)
        floor = dict(floor) if isinstance(floor, dict) else {t: floor for t in scenario.years}
        for t in (price.year,) if price.year is not None else price.years:
            floor[t] = max(floor.get(t, 0.0) - MILLION, 0.0)
        item["min_spend"] = floor
    elif price.kind == "rule" and price.pot is None:
        rule = scenario.rule(price.id)
        if not rule.kind.is_amount:
            return None
        if rule.per == "year" and len(scenario.rule_years(rule)) > 1:
            return None
        item = next(r for r in doc["rules"] if r["id"] == price.id)
        value = rule.value - MILLION if rule.kind.is_minimum else rule.value + MILLION
        item[rule.kind.value] = max(value, 0.0)
    else:
        return None
    return Scenario.model_validate(doc)


def price_effects(
    plan: Plan, replanned: int = REPLANNED, options: SolveOptions | None = None
) -> tuple[list[PriceEffect], list[PriceEffect]]:
    """(money, rules): the dearest streams and binding rules, the first `replanned` of each re-planned."""
    if not plan.has_numbers:
        return [], []

    def effects(prices: list[ShadowPrice]) -> list[PriceEffect]:
        found = []
        for i, price in enumerate(prices[:TOP]):
            wanted = i < replanned and price.per_million > PRICE_NOISE
            changed = relaxed(plan.scenario, price) if wanted else None
            effect = None
            if changed is not None:
                again = plan_all(changed, [plan.arrangement], options)[0]
                effect = Effect.between(plan, again)
            found.append(PriceEffect(price, effect))
        return found

    return effects(_stream_prices(plan)), effects(_rule_prices(plan))


def _effect_lines(plan: Plan, effect: Effect | None) -> list[str]:
    if effect is None:
        return []
    return [f"            {effect.summary()}", f"            {effect.moves_text(plan.scenario)}"]


def prices_text(plan: Plan, replanned: int = REPLANNED, options: SolveOptions | None = None) -> str:
    """What £1m more of each stream, or a looser rule, would buy in score, the first `replanned`
    checked by re-planning; says why when the plan has no prices (silo plans, plans not solved as LPs)."""
    sc = plan.scenario
    if not plan.shadow_prices:
        reason = (
            "silo plans are not priced"
            if plan.arrangement.value == "silo"
            else "no prices (not a solved linear program)"
        )
        return f"{plan.arrangement.value}: {reason}"
    money, rules = price_effects(plan, replanned, options)
    lines = [f"{plan.arrangement.value}: what £1m more would buy (score per £1m; re-planned for the first "
             f"{replanned})"]  # fmt: skip
    for found in money:
        p = found.price
        funder = sc.label("funders", sc.funder_of(p.id))
        lines.append(f"  {p.per_million:8.4f}  {sc.label('streams', p.id)} ({funder}), in {p.year}")
        lines += _effect_lines(plan, found.effect)
    if rules:
        lines.append(f"{plan.arrangement.value}: what the binding rules cost (score per £1m of relaxation)")
        for found in rules:
            p = found.price
            when = years_text((p.year,) if p.year is not None else p.years)
            if p.kind == "statutory":
                lines.append(
                    f"  {p.per_million:8.4f}  statutory minimum for '{sc.label('outcomes', p.id)}', {when}"
                )
            else:
                who = f" ({sc.label('funders', p.funder)})" if p.funder else ""
                inside = f" inside pot {p.pot}" if p.pot else ""
                point = f"; {p.per_point:.4f} per 0.01 of its ratio" if p.per_point else ""
                lines.append(f"  {p.per_million:8.4f}  rule {p.id}{who}{inside}, {when}{point}")
            lines += _effect_lines(plan, found.effect)
    else:
        lines.append(f"{plan.arrangement.value}: no rule binds at a cost")
    return "\n".join(lines)
