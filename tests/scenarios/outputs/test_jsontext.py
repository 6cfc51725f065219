"""The results document's JSON writer makes the bytes `json.dumps(indent=1, allow_nan=False)` makes."""

from __future__ import annotations

import json
import math
from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st
from laa.models.load import load_scenario
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.outputs.jsontext import dumps
from laa.scenarios.outputs.results import results_document, to_json

from tests.paths import EXAMPLE

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
keys = st.text(max_size=8) | st.integers(-100, 100) | st.booleans() | st.none() | st.floats(-1e6, 1e6)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.tuples(inner, inner)
    | st.dictionaries(keys, inner, max_size=4),
    max_leaves=30,
)


def reference(value: object) -> str:
    return json.dumps(value, indent=1, allow_nan=False)


@given(values)
def test_random_values(value: object) -> None:
    assert dumps(value) == reference(value)


def test_the_example_document() -> None:
    """Every field of every arrangement's record: money, outcomes, allocation, prices, violations,
    diagnosis (the silo plan breaks rules, with messages in £)."""
    scenario = load_scenario(EXAMPLE)
    document = results_document(scenario, plan_all(scenario))
    assert to_json(document) == reference(document) + "\n"


class Kind(StrEnum):
    STREAM = "stream"


def test_what_json_takes_and_refuses() -> None:
    assert dumps({"kind": Kind.STREAM, "é": "£5 \x00"}) == reference({"kind": Kind.STREAM, "é": "£5 \x00"})
    assert dumps({1.5: [], 2: {}, None: -0.0}) == reference({1.5: [], 2: {}, None: -0.0})
    for bad in (math.nan, [math.inf], {"x": -math.inf}):
        with pytest.raises(ValueError):
            dumps(bad)
    for strange in ({"x": {1, 2}}, {(1, 2): 3}, object()):
        with pytest.raises(TypeError):
            dumps(strange)
