"""Shadow prices and freedoms, as properties over generated scenarios.

A linear program's optimal score is concave in its budgets, and any dual is
a supergradient: v(B + d) <= v(B) + price * d in both directions. So a
price bounds the change of a small budget move from above either way, and
equals it whenever the score is smooth there.

None passes vacuously: each counts the examples it checked and those it could not (an infeasible
plan, a stream-year too small to move), and must check at least the share its `at_least` names
(`tests.exercised`).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from laa.models.load import parse_scenario
from laa.models.scenario import Arrangement
from laa.pooling.plans.plan import PlanStatus
from laa.scenarios.analysis.arrangements import aligned, optimal
from laa.scenarios.analysis.freedoms import rank_freedoms

from tests.exercised import at_least, checked, skipped
from tests.strategies import scenario_documents

STEP = 20_000.0  # GBP moved


def with_amount(doc: dict, stream: int, year: int, delta: float) -> dict:
    doc = {**doc, "streams": [dict(s) for s in doc["streams"]]}
    s = doc["streams"][stream]
    amounts = s["amounts"] if isinstance(s["amounts"], dict) else dict.fromkeys(doc["years"], s["amounts"])
    s["amounts"] = {**amounts, year: amounts[year] + delta}
    return doc


def amount(doc: dict, stream: int, year: int) -> float:
    a = doc["streams"][stream]["amounts"]
    return a[year] if isinstance(a, dict) else a


@at_least(0.8)  # 25 of the ci profile's 25
@given(scenario_documents(), st.data())
def test_a_shadow_price_predicts_a_small_budget_change(doc, data):
    base = aligned(parse_scenario(doc, "base.yaml"))
    if base.status is not PlanStatus.OPTIMAL:
        assert base.status is PlanStatus.INFEASIBLE, base.message
        skipped("aligned infeasible")
        return
    k = data.draw(st.integers(0, len(doc["streams"]) - 1))
    year = data.draw(st.sampled_from(doc["years"]))
    if amount(doc, k, year) < 2 * STEP:
        skipped("the stream-year has too little money to move")
        return
    sid = doc["streams"][k]["id"]
    price = next(
        p.per_million for p in base.shadow_prices if p.kind == "stream" and p.id == sid and p.year == year
    )
    up = aligned(parse_scenario(with_amount(doc, k, year, STEP), "up.yaml"))
    down = aligned(parse_scenario(with_amount(doc, k, year, -STEP), "down.yaml"))
    assert up.status is PlanStatus.OPTIMAL
    move = STEP / 1e6
    rise = up.score - base.score
    assert rise <= price * move + 1e-7  # more money: never above the price's line, whatever is below
    if down.status is not PlanStatus.OPTIMAL:
        # a rule needs that money: the score falls off a cliff, below any price's line
        assert down.status is PlanStatus.INFEASIBLE, down.message
        skipped("less money is infeasible: only the rise was checked")
        return
    fall = base.score - down.score
    assert fall >= price * move - 1e-7
    if abs(rise - fall) < 1e-9:  # smooth here: the price is the derivative
        assert price * move == pytest.approx(rise, abs=1e-7)
    checked()


@at_least(0.8)  # 23 of 25
@given(scenario_documents(), st.data())
def test_granting_a_freedom_never_lowers_the_score(doc, data):
    scenario = parse_scenario(doc, "base.yaml")
    pairs = [(s.id, o.id) for s in scenario.streams for o in scenario.outcomes]
    pairs = [(s, o) for s, o in pairs if o not in scenario.eligible(s)]
    if not pairs:
        skipped("every stream may already fund every outcome")
        return
    s, o = data.draw(st.sampled_from(pairs))
    freer_doc = {**doc, "streams": [dict(x) for x in doc["streams"]]}
    target = next(x for x in freer_doc["streams"] if x["id"] == s)
    target["eligible"] = [*target["eligible"], o]
    freer = parse_scenario(freer_doc, "freer.yaml")
    for arrange in (aligned, optimal):
        before, after = arrange(scenario), arrange(freer)
        if before.status is not PlanStatus.OPTIMAL:
            assert before.status is PlanStatus.INFEASIBLE, before.message
            skipped(f"{before.arrangement.value} infeasible before the freedom")
            continue
        assert after.status is PlanStatus.OPTIMAL
        assert after.score >= before.score - 1e-7
        checked()


@at_least(0.4)  # 13 of 25: in the rest no freedom is worth anything, so none is re-solved
@given(scenario_documents())
def test_exact_gains_of_the_top_asks_are_never_negative(doc):
    scenario = parse_scenario(doc, "base.yaml")
    plan = aligned(scenario)
    if plan.status is not PlanStatus.OPTIMAL:
        assert plan.status is PlanStatus.INFEASIBLE, plan.message
        skipped("aligned infeasible")
        return
    asks = rank_freedoms(scenario, Arrangement.ALIGNED, top=3)
    for ask in asks:
        assert ask.per_million > 0
        if ask.gain is not None:
            assert ask.gain >= -1e-7
    if not any(ask.gain is not None for ask in asks):
        skipped("no freedom is worth asking for (none has an exact gain)")
        return
    checked()
