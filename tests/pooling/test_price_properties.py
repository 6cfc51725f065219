"""Shadow prices and freedoms, as properties over generated scenarios.

A linear program's optimal score is concave in its budgets, and any dual is
a supergradient: v(B + d) <= v(B) + price * d in both directions. So a
price bounds the change of a small budget move from above either way, and
equals it whenever the score is smooth there.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from laa.models.load import parse_scenario
from laa.models.scenario import Arrangement
from laa.pooling.plans.plan import PlanStatus
from laa.scenarios.analysis.arrangements import aligned, optimal
from laa.scenarios.analysis.freedoms import rank_freedoms

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


@given(scenario_documents(), st.data())
def test_a_shadow_price_predicts_a_small_budget_change(doc, data):
    base = aligned(parse_scenario(doc, "base.yaml"))
    assume(base.status is PlanStatus.OPTIMAL)
    k = data.draw(st.integers(0, len(doc["streams"]) - 1))
    year = data.draw(st.sampled_from(doc["years"]))
    assume(amount(doc, k, year) >= 2 * STEP)
    sid = doc["streams"][k]["id"]
    price = next(
        p.per_million for p in base.shadow_prices if p.kind == "stream" and p.id == sid and p.year == year
    )
    up = aligned(parse_scenario(with_amount(doc, k, year, STEP), "up.yaml"))
    down = aligned(parse_scenario(with_amount(doc, k, year, -STEP), "down.yaml"))
    assert up.status is PlanStatus.OPTIMAL
    if down.status is not PlanStatus.OPTIMAL:
        return  # a rule needs that money: the score falls off a cliff, below any price's line
    rise, fall = up.score - base.score, base.score - down.score
    move = STEP / 1e6
    assert rise <= price * move + 1e-7
    assert fall >= price * move - 1e-7
    if abs(rise - fall) < 1e-9:  # smooth here: the price is the derivative
        assert price * move == pytest.approx(rise, abs=1e-7)


@given(scenario_documents(), st.data())
def test_granting_a_freedom_never_lowers_the_score(doc, data):
    scenario = parse_scenario(doc, "base.yaml")
    pairs = [(s.id, o.id) for s in scenario.streams for o in scenario.outcomes]
    pairs = [(s, o) for s, o in pairs if o not in scenario.eligible(s)]
    assume(pairs)
    s, o = data.draw(st.sampled_from(pairs))
    freer_doc = {**doc, "streams": [dict(x) for x in doc["streams"]]}
    target = next(x for x in freer_doc["streams"] if x["id"] == s)
    target["eligible"] = [*target["eligible"], o]
    freer = parse_scenario(freer_doc, "freer.yaml")
    for arrange in (aligned, optimal):
        before, after = arrange(scenario), arrange(freer)
        if before.status is PlanStatus.OPTIMAL:
            assert after.status is PlanStatus.OPTIMAL
            assert after.score >= before.score - 1e-7


@given(scenario_documents())
def test_exact_gains_of_the_top_asks_are_never_negative(doc):
    scenario = parse_scenario(doc, "base.yaml")
    assume(aligned(scenario).status is PlanStatus.OPTIMAL)
    for ask in rank_freedoms(scenario, Arrangement.ALIGNED, top=3):
        assert ask.per_million > 0
        if ask.gain is not None:
            assert ask.gain >= -1e-7
