"""The meeting's list of changes as a person uses it, against a plain model of what they expect.

A sequence of controls set, changes taken out, undos and returns to the
base must leave the list a person would write down (a control set again
replaces its earlier change, in its place), and the plans must be those of
the base with that list applied, planned afresh: warm re-plans take a
shorter path to the same optimum, never another one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from laa.models.errors import InputError
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.models.variants import apply_changes, parse_changes, variant_scenario
from laa.scenarios.analysis.arrangements import plan_all, plan_arrangement
from laa.scenarios.meeting.session import Meeting, slot

from tests.paths import EXAMPLE

CONTROLS = [
    {"stream": "nrf", "pooled_share": 0.0},
    {"stream": "nrf", "pooled_share": 0.5},
    {"stream": "sscf", "scale": 0.8},
    {"stream": "sscf", "scale": 1.2},
    {"stream": "pct_ph", "grant": ["SSC"]},
    {"rule": "sp-housing-support", "drop": True},
    {"rule": "sp-housing-support", "value": 0.5},
    {"outcome": "neet", "weight": 3.0},
    {"pin": {"stream": "police_cs", "outcomes": ["SSC"], "at_least": 2_000_000.0}},
    {"pin": {"stream": "police_cs", "outcomes": ["SSC"], "at_most": 9_000_000.0}},
]
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("change"), st.sampled_from(CONTROLS)),
        st.tuples(st.just("remove"), st.integers(0, 3)),
        st.just(("undo", None)),
        st.just(("clear", None)),
    ),
    min_size=2,
    max_size=6,
)


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> Meeting:
    path = tmp_path_factory.mktemp("session") / "northbridge.yaml"
    path.write_text(EXAMPLE.read_text())
    opened = Meeting.open(path, load_scenario(path), [Arrangement.POOLED])
    opened.quick_seconds = float("inf")
    return opened


def expected_list(listed: list[dict[str, Any]], change: dict[str, Any]) -> list[dict[str, Any]]:
    """What a person writes down: the control's earlier setting replaced in its place, else added."""
    if change in listed:
        return listed
    for i, earlier in enumerate(listed):
        if _same_control(earlier, change):
            return [*listed[:i], change, *listed[i + 1 :]]
    return [*listed, change]


def _same_control(earlier: dict[str, Any], change: dict[str, Any]) -> bool:
    """A rule's setting (dropped or valued), a pin on the same spend, or the same field of a stream or
    outcome; a grant is never a setting, it adds to what the stream may fund."""
    if "rule" in change:
        return earlier.get("rule") == change["rule"]
    if "pin" in change:
        where = (change["pin"]["stream"], change["pin"]["outcomes"])
        return "pin" in earlier and (earlier["pin"]["stream"], earlier["pin"]["outcomes"]) == where
    if "grant" in change:
        return False
    subject = "stream" if "stream" in change else "outcome"
    return set(earlier) == set(change) and earlier.get(subject) == change[subject]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_the_list_is_what_a_person_expects_and_the_plan_is_planned_afresh(meeting: Meeting, steps):
    meeting.clear()
    meeting.history.clear()
    listed: list[dict[str, Any]] = []
    before: list[list[dict[str, Any]]] = []
    for action, argument in steps:
        if action == "change":
            new = expected_list(listed, argument)
            meeting.change(argument)
        elif action == "remove":
            if argument >= len(listed):
                with pytest.raises(InputError):
                    meeting.remove(argument)
                continue
            new = listed[:argument] + listed[argument + 1 :]
            meeting.remove(argument)
        elif action == "undo":
            if not before:
                with pytest.raises(InputError):
                    meeting.undo()
                continue
            meeting.undo()
            listed = before.pop()
            assert meeting.changes == listed
            continue
        else:
            new = []
            meeting.clear()
        if new != listed:
            before.append(listed)
        listed = new
        assert meeting.changes == listed
    applied = apply_changes(meeting.base, parse_changes(listed, "changes")) if listed else meeting.base
    afresh = plan_arrangement(applied, Arrangement.POOLED)
    assert meeting.plans[Arrangement.POOLED].score == pytest.approx(afresh.score, abs=1e-7)


def test_a_control_set_again_replaces_its_setting_but_grants_add_up():
    assert slot({"stream": "s", "scale": 1.1}) == slot({"stream": "s", "scale": 0.9})
    assert slot({"stream": "s", "scale": 1.1}) != slot({"stream": "s", "amounts": {2026: 0}})
    assert slot({"rule": "r", "drop": True}) == slot({"rule": "r", "value": 0.2})
    assert slot({"stream": "s", "grant": ["o"]}) is None
    assert slot({"pin": {"stream": "s", "outcomes": ["b", "a"], "at": 1}}) == slot(
        {"pin": {"stream": "s", "outcomes": ["a", "b"], "at_most": 2}}
    )
    assert slot({"outcome": "o", "weight": 2}) != slot({"outcome": "o", "target": 2})


def test_every_variant_in_the_file_plans_through_the_api_as_laa_run_variant_does(tmp_path: Path):
    """The file's own variants, sent as changes: the same plans as the file's variant, planned afresh."""
    from tests.scenarios.meeting.conftest import client_of, open_meeting

    data = yaml.safe_load(EXAMPLE.read_text())
    scenario = load_scenario(EXAMPLE)
    assert data.get("variants"), "the example is expected to carry the meeting's questions as variants"
    arrangements = [Arrangement.ALIGNED, Arrangement.POOLED]
    with client_of(open_meeting(tmp_path)) as client:
        for variant in data["variants"]:
            answer = client.post(
                "/api/plan",
                json={"changes": variant["changes"], "arrangements": [a.value for a in arrangements]},
            )
            assert answer.status_code == 200, (variant["id"], answer.text)
            expected = plan_all(variant_scenario(scenario, variant["id"]), arrangements)
            for record, plan in zip(answer.json()["arrangements"], expected, strict=True):
                assert record["status"] == plan.status.value, variant["id"]
                assert record["score"] == pytest.approx(plan.score, abs=1e-7), variant["id"]


def test_going_back_to_a_list_of_changes_shows_the_plans_already_made(meeting: Meeting):
    meeting.clear()
    meeting.change({"stream": "sscf", "scale": 0.7})
    first = dict(meeting.plans)
    meeting.change({"rule": "sp-housing-support", "drop": True})
    assert meeting.plans[Arrangement.POOLED] is not first[Arrangement.POOLED]
    meeting.undo()
    assert meeting.plans[Arrangement.POOLED] is first[Arrangement.POOLED] and meeting.seconds < 0.05
    meeting.change({"stream": "sscf", "scale": 0.6})
    meeting.change({"stream": "sscf", "scale": 0.7})  # the slider set back
    assert meeting.plans[Arrangement.POOLED] is first[Arrangement.POOLED]
