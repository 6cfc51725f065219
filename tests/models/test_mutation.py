"""Mutated scenario documents: the loader accepts them or raises ScenarioError, never anything else."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st
from laa.models.errors import ScenarioError
from laa.models.load import parse_scenario

from tests.paths import CHECKS, EXAMPLE

DOCUMENTS = [yaml.safe_load(p.read_text()) for p in (EXAMPLE, CHECKS / "check1.yaml", CHECKS / "check4.yaml")]

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            found += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += paths(v, (*prefix, i))
    return found


def parent_of(doc: Any, path: tuple) -> Any:
    for part in path[:-1]:
        doc = doc[part]
    return doc


@st.composite
def mutated(draw: st.DrawFn) -> dict:
    doc = copy.deepcopy(draw(st.sampled_from(DOCUMENTS)))
    for _ in range(draw(st.integers(1, 4))):
        candidates = [p for p in paths(doc) if p]
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        parent, key = parent_of(doc, path), path[-1]
        action = draw(st.sampled_from(["drop", "retype", "junk-key", "corrupt-id", "duplicate"]))
        if action == "drop":
            del parent[key]
        elif action == "retype":
            parent[key] = draw(JUNK)
        elif action == "junk-key" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=6))] = draw(JUNK)
        elif action == "corrupt-id" and isinstance(parent[key], str):
            parent[key] = parent[key] + draw(st.text(min_size=1, max_size=3))
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
    return doc


@given(mutated())
def test_loader_accepts_or_raises_its_own_error(doc):
    try:
        parse_scenario(doc, "mutated.yaml")
    except ScenarioError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert str(problem).startswith("mutated.yaml")
