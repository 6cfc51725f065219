"""The random family (benchmarks/family.py): seeded, drawn within its stated ranges, valid, with plans."""

from __future__ import annotations

import pytest
from laa.models.load import parse_scenario

from benchmarks.family import MONEY, OUTCOMES, POTS, SIZE_CLASSES, STREAMS, YEARS, area, draw, family
from benchmarks.independent import independent_floor
from benchmarks.random_family import percentile


def test_a_draw_is_its_seed_and_index_and_a_new_seed_is_a_new_family():
    assert draw("L", 5, 3) == draw("L", 5, 3)
    assert area(draw("L", 5, 3)) == area(draw("L", 5, 3))
    assert family("L", 5, 10) != family("L", 6, 10)


@pytest.mark.parametrize("size", sorted(SIZE_CLASSES))
def test_draws_keep_to_the_ranges_and_their_size_class(size):
    draws = family(size, 7, 60)
    for d in draws:
        assert STREAMS[0] <= d.streams <= STREAMS[1]
        assert OUTCOMES[0] <= d.outcomes <= OUTCOMES[1]
        assert YEARS[0] <= d.years <= YEARS[1]
        assert POTS[0] <= d.pots <= POTS[1]
        assert MONEY[0] <= d.money <= MONEY[1]
        low, high = SIZE_CLASSES[size]
        assert low <= d.streams * d.outcomes * d.years * d.density <= high * 1.001
    # wide, not fitted: each range is spread over, and both poolings are drawn
    assert max(d.streams for d in draws) > 5 * min(d.streams for d in draws)
    assert max(d.outcomes for d in draws) > 5 * min(d.outcomes for d in draws)
    assert {d.partial_pooling for d in draws} == {True, False}


def test_an_areas_money_is_the_drawn_share_of_what_its_curves_absorb():
    d = draw("L", 3, 0, money=0.5)
    doc = area(d)
    absorb = sum(s["spend"] for o in doc["outcomes"] for s in o["response"] if s["spend"] is not None)
    money = sum(sum(s["amounts"].values()) for s in doc["streams"])
    assert money == pytest.approx(0.5 * absorb, rel=1e-3)
    assert len(doc["streams"]) == d.streams and len(doc["outcomes"]) == d.outcomes
    assert len(doc["years"]) == d.years and doc["partial_pooling"] == d.partial_pooling


def test_draws_are_valid_and_have_plans():
    """Every draw is meant to have a plan: the family benchmarks the solve, not the diagnosis."""
    for d in family("L", 11, 3):
        scenario = parse_scenario(area(d), f"{d.name}.yaml")
        for arrangement in ("aligned", "pooled"):
            assert independent_floor(scenario, arrangement).status == "Optimal", (d, arrangement)


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 41)]
    assert percentile(values, 0.9) == 36.0
    assert percentile([3.0], 0.9) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9) == 9.0
