"""Shadow prices said with what £1m more (or £1m of slack) does when the plan is made again."""

from __future__ import annotations

from pathlib import Path

import pytest
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.explain import price_effects, prices_text, relaxed

from tests.paths import EXAMPLE

DATA = Path(__file__).parent / "data"


def test_relaxing_a_binding_cap_by_1m_is_re_planned_by_hand():
    """two_streams: b-cap holds b to GBP 0.3m on o2 (0.5 score per GBP 1m at the margin). £1m more of cap
    lets b spend all its GBP 0.4m: o2 moves 1.5 -> 2.0 and the score by 0.05, not 0.5."""
    scenario = load_scenario(DATA / "two_streams.yaml")
    plan = plan_all(scenario, [Arrangement.ALIGNED])[0]
    _, rules = price_effects(plan)
    cap = next(r for r in rules if r.price.id == "b-cap")
    assert cap.price.per_million == pytest.approx(0.5, abs=1e-6)
    assert cap.effect is not None
    assert cap.effect.score_change == pytest.approx(0.05, abs=1e-6)
    effect = cap.effect
    moves = [(m.outcome, round(m.projected_before, 6), round(m.projected_after, 6)) for m in effect.outcomes]
    assert moves == [("o2", 1.5, 2.0)]
    assert cap.effect.targets_met_change == 0 and cap.effect.reward_change == 0


def test_1m_more_of_a_stream_is_said_in_indicators_and_targets():
    scenario = load_scenario(EXAMPLE)
    plan = plan_all(scenario, [Arrangement.ALIGNED])[0]
    money, _ = price_effects(plan, replanned=1)
    first = money[0]
    assert first.effect is not None and all(m.effect is None for m in money[1:])
    # the re-plan's gain is at most the marginal price times £1m (returns diminish)
    assert 0 < first.effect.score_change <= first.price.per_million + 1e-7
    changed = relaxed(scenario, first.price)
    assert changed is not None
    stream = first.price.id
    assert changed.stream(stream).amount_in(first.price.year) == scenario.stream(stream).amount_in(
        first.price.year
    ) + 1_000_000
    text = prices_text(plan, replanned=1)
    assert "what £1m more would buy" in text and "GBP" not in text
    assert first.effect.moves_text(scenario) in text


def test_silo_is_not_priced():
    scenario = load_scenario(DATA / "two_streams.yaml")
    silo = plan_all(scenario, [Arrangement.SILO])[0]
    assert prices_text(silo) == "silo: silo plans are not priced"
