"""The report's sentences: shadow prices and freedoms as a negotiator would say them.

`scenarios.explain` lays prices out as terminal columns; a meeting reads
sentences, so the same prices are said here in words, best first, with
what £1m more does to the indicators, targets and reward where it was
re-planned; these are plain strings the page escapes like any other
scenario text.
"""

from __future__ import annotations

from collections import defaultdict

from laa.models.scenario import Scenario
from laa.pooling.plans.plan import Plan
from laa.pooling.plans.prices import ShadowPrice
from laa.pooling.units import money_text, solver_dust, years_text
from laa.scenarios.analysis.effects import Effect, targets_text
from laa.scenarios.analysis.explain import PriceEffect
from laa.scenarios.analysis.freedoms import Ask

PRICE_NOISE = 1e-9
MOVES_SAID = 3


def effect_words(scenario: Scenario, effect: Effect | None) -> str:
    """' Made again with it: +0.066 score; no change in targets met; reward £0; crime 18.8 -> 18.6.'"""
    if effect is None:
        return ""
    return f" Made again with it: {effect.summary()}; {effect.moves_text(scenario, MOVES_SAID)}."


def price_sentences(
    plan: Plan, top: int = 5, effects: tuple[list[PriceEffect], list[PriceEffect]] | None = None
) -> tuple[list[str], list[str]]:
    """(money, rules): what £1m more of a stream would buy, and what relaxing a binding rule would;
    with `effects` (`explain.price_effects`), what that does when the plan is made again."""
    made = {(f.price.kind, f.price.id): f for f in (effects[0] + effects[1] if effects else [])}
    sc = plan.scenario
    by_stream: dict[str, dict[int, float]] = defaultdict(dict)
    for p in plan.shadow_prices:
        if p.kind == "stream" and p.year is not None and p.per_million > PRICE_NOISE:
            by_stream[p.id][p.year] = p.per_million
    ranked = sorted(by_stream.items(), key=lambda kv: (-max(kv[1].values()), kv[0]))
    money = []
    for s, values in ranked[:top]:
        value = max(values.values())
        years = [t for t, v in sorted(values.items()) if v >= value - PRICE_NOISE]
        when = "in any year" if len(years) == len(sc.years) else "in " + years_text(years)
        found = made.get(("stream", s))
        again = ""
        if found is not None and found.effect is not None:
            effect = found.effect
            moves = effect.moves_text(sc, MOVES_SAID)
            again = f" With £1m more in {found.price.year}: {effect.summary()}; {moves}."
        money.append(
            f"£1m more of {sc.label('streams', s)} ({sc.label('funders', sc.funder_of(s))}) {when} "
            f"would add {value:.3f} to the score.{again}"
        )
    rules = []
    for prices in _binding(plan)[:top]:
        found = made.get((prices[0].kind, prices[0].id))
        rules.append(_rule_sentence(plan, prices) + effect_words(sc, found.effect if found else None))
    return money, rules


def _binding(plan: Plan) -> list[list[ShadowPrice]]:
    """The priced rules and statutory minimums, each with all its years together, dearest first."""
    grouped: dict[tuple[str, str, str | None], list[ShadowPrice]] = defaultdict(list)
    for p in plan.shadow_prices:
        if p.kind in ("rule", "statutory") and p.per_million > PRICE_NOISE:
            grouped[(p.kind, p.id, p.pot)].append(p)
    return sorted(grouped.values(), key=lambda ps: (-max(p.per_million for p in ps), ps[0].id))


def _rule_sentence(plan: Plan, prices: list[ShadowPrice]) -> str:
    sc = plan.scenario
    first = prices[0]
    when = years_text({t for p in prices for t in ((p.year,) if p.year is not None else p.years)})
    top = max(prices, key=lambda p: p.per_million)
    if first.kind == "statutory":
        what = f"Lowering the statutory minimum for '{sc.label('outcomes', first.id)}' by £1m"
    else:
        who = f" ({sc.label('funders', first.funder)})" if first.funder else ""
        inside = f" inside pot {sc.label('pots', first.pot)}" if first.pot else ""
        what = f"Relaxing rule {first.id}{who}{inside} by £1m"
    each = "up to " if len({round(p.per_million, 9) for p in prices}) > 1 else ""
    point = (
        f", or {top.per_point:.3f} per percentage point of its ratio" if (top.per_point or 0) >= 5e-4 else ""
    )
    return f"{what} would add {each}{top.per_million:.3f} to the score in {when}{point}."


def freedom_sentence(ask: Ask, scenario: Scenario | None = None) -> str:
    """An ask with its worth: the exact gain, targets, reward and what moves when it was re-solved, else
    its marginal value."""
    text = ask.ask[0].upper() + ask.ask[1:]
    if ask.gain is None:
        return f"{text}: worth {ask.per_million:.3f} score per £1m at the margin."
    said = f"{text}: {ask.gain:+.3f} score if granted ({ask.per_million:.3f} per £1m at the margin)"
    if scenario is not None and ask.targets_met_change is not None and ask.reward_change is not None:
        reward = money_text(ask.reward_change, solver_dust(scenario), signed=True)
        said += f"; {targets_text(ask.targets_met_change)}; reward {reward}"
        moves = "; ".join(m.words(scenario) for m in ask.outcomes[:MOVES_SAID])
        if moves:
            said += f"; {moves}"
    return said + "."
