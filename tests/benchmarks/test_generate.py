"""The benchmark generator: each shape and size seeded, valid, and planned feasibly."""

from __future__ import annotations

import pytest
from laa.models.load import parse_scenario
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.arrangements import plan_arrangement

from benchmarks.generate import SHAPES, SIZES, generate


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_seeded_valid_and_feasible(shape: str) -> None:
    assert generate("S", 3, shape) == generate("S", 3, shape)
    assert generate("S", 3, shape) != generate("S", 4, shape)
    for size in SHAPES[shape].sizes:
        parse_scenario(generate(size, 0, shape), f"{shape}-{size}.yaml")  # every size is valid
    scenario = parse_scenario(generate("S", 3, shape), "s.yaml")
    for arrangement in (Arrangement.ALIGNED, Arrangement.POOLED):
        assert plan_arrangement(scenario, arrangement).status.value == "optimal"


def test_the_standard_shape_by_size_alone() -> None:
    """Tests and batches name scenarios by size and seed: the standard shape is the default."""
    assert generate("L", 2) == generate("L", 2, "standard") == generate(SIZES["L"], 2)
    assert generate("L", 2, "many-pots") != generate("L", 2)


def test_shapes_differ_as_named() -> None:
    def scenario(shape: str, size: str = "M"):
        return parse_scenario(generate(size, 0, shape), "g.yaml")

    standard = scenario("standard")
    assert len(scenario("many-pots", "XL").pots) > 10 * len(standard.pots)
    assert len(scenario("dense-rules").rules) > 4 * len(standard.rules)
    assert len(scenario("long-horizon").years) >= 10
    many_outcomes, many_streams = scenario("many-outcomes", "XL"), scenario("many-streams", "XL")
    assert len(many_outcomes.outcomes) >= 5 * len(many_outcomes.streams)
    assert len(many_streams.streams) >= 5 * len(many_streams.outcomes)
    blocks = scenario("block-wide")
    assert all(set(s.eligible) <= blocks.block_ids for s in blocks.streams)
