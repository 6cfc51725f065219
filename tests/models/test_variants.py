"""Variants: each kind of change, its effect computed by hand on a two-stream area, and its located errors.

The area (one year): outcome `a` closes its whole gap (score 1) with £1m, outcome
`b` needs £2m (score 0.5 per £1m). Stream `s1` (funder f, £1m) may pay for `a`
only; `s2` (funder g, £1m) for `b` only, under rule `r`: at most half of its
unpooled money on `b`. Both may pool into pot `p` (scope a and b, no costs).

    aligned: s1 -> a £1m (1.0), s2 -> b £0.5m (0.25)        score 1.25
    pooled:  pot £2m -> a £1m (1.0), b £1m (0.5); r lapses     score 1.5
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from laa.models.errors import InputError, ScenarioError
from laa.models.load import parse_scenario
from laa.models.scenario import Scenario
from laa.models.variants import apply_changes, parse_changes, variant_scenario

import laa

AREA: dict[str, Any] = {
    "name": "Two streams",
    "years": [2026],
    "funders": [{"id": "f"}, {"id": "g"}],
    "outcomes": [
        {
            "id": "a",
            "block": "X",
            "direction": "higher",
            "baseline": 0,
            "target": 10,
            "response": [{"spend": 1_000_000, "effect": 10}, {"spend": None, "effect": 0}],
        },
        {
            "id": "b",
            "block": "Y",
            "direction": "higher",
            "baseline": 0,
            "target": 10,
            "response": [{"spend": 2_000_000, "effect": 10}, {"spend": None, "effect": 0}],
        },
    ],
    "streams": [
        {"id": "s1", "funder": "f", "amounts": 1_000_000, "eligible": ["a"]},
        {"id": "s2", "funder": "g", "amounts": 1_000_000, "eligible": ["b"]},
    ],
    "rules": [{"id": "r", "streams": ["s2"], "outcomes": ["b"], "max_share": 0.5}],
    "pots": [{"id": "p", "members": ["s1", "s2"], "scope": ["a", "b"]}],
}


@pytest.fixture(scope="module")
def area() -> Scenario:
    return parse_scenario(copy.deepcopy(AREA), "area.yaml")


def score(scenario: Scenario, arrangement: str = "aligned") -> float | None:
    return laa.plan(scenario, arrangement).score


def changed(scenario: Scenario, *changes: dict[str, Any]) -> Scenario:
    return apply_changes(scenario, parse_changes(list(changes), "changes"))


def test_the_base_as_computed_by_hand(area):
    assert score(area) == pytest.approx(1.25, abs=1e-7)
    assert score(area, "pooled") == pytest.approx(1.5, abs=1e-7)


@pytest.mark.parametrize(
    ("changes", "arrangement", "expected"),
    [
        # a rule dropped: s2 spends all £1m on b
        ([{"rule": "r", "drop": True}], "aligned", 1.5),
        # its value changed: 80% of s2 on b
        ([{"rule": "r", "value": 0.8}], "aligned", 1.4),
        # s1 doubled has nowhere to put its second £1m (a's curve is flat past £1m) ...
        ([{"stream": "s1", "scale": 2}], "aligned", 1.25),
        # ... until it may pay for b: b gets £1.5m
        ([{"stream": "s1", "scale": 2}, {"stream": "s1", "grant": ["Y"]}], "aligned", 1.75),
        # the given year's amount replaced: a gets £0.5m
        ([{"stream": "s1", "amounts": {2026: 500_000}}], "aligned", 0.75),
        # s2 out of the pot: the pot has s1's £1m for a, s2 stays under r
        ([{"stream": "s2", "pooled_share": 0}], "pooled", 1.25),
        # s2 pools half: pot £1.5m (a £1m, b £0.5m), s2 keeps £0.5m of which r allows half on b
        ([{"stream": "s2", "pooled_share": 0.5}], "pooled", 1.0 + 0.75 / 2),
        # b weighs twice
        ([{"outcome": "b", "weight": 2}], "aligned", 1.0 + 2 * 0.25),
        # b's target halved: £0.5m closes half of a gap of 5
        ([{"outcome": "b", "target": 5}], "aligned", 1.0 + 0.5),
        # a's target 5 with stretch 10: £1m moves a by 10, counted up to the stretch: 10 / 5
        ([{"outcome": "a", "target": 5, "stretch": 10}], "aligned", 2.0 + 0.25),
        ([{"outcome": "a", "target": 5}], "aligned", 1.0 + 0.25),
        # a cap on b's spend counts the pot's spend too
        ([{"outcome": "b", "spend_at_most": 300_000}], "aligned", 1.0 + 0.15),
        ([{"outcome": "b", "spend_at_most": 300_000}], "pooled", 1.0 + 0.15),
        # a floor the pot already meets
        ([{"outcome": "b", "spend_at_least": 900_000}], "pooled", 1.5),
        # pins on s2's spend on b
        ([{"pin": {"stream": "s2", "outcomes": ["b"], "at_most": 200_000}}], "aligned", 1.0 + 0.1),
        ([{"pin": {"stream": "s2", "outcomes": ["Y"], "at": 400_000}}], "aligned", 1.0 + 0.2),
        # the pin survives pooling: s2 is in the pot, so the pot's spend on b is held too
        ([{"pin": {"stream": "s2", "outcomes": ["b"], "at_most": 200_000}}], "pooled", 1.0 + 0.1),
    ],
)
def test_each_change_by_hand(area, changes, arrangement, expected):
    assert score(changed(area, *changes), arrangement) == pytest.approx(expected, abs=1e-7)


def test_changes_never_touch_the_base(area):
    before = area.model_dump()
    changed(area, {"rule": "r", "drop": True}, {"stream": "s1", "scale": 3})
    changed(area, {"stream": "s2", "pooled_share": 0}, {"outcome": "a", "weight": 3})
    assert area.model_dump() == before


def test_what_the_changes_leave_in_the_file(area):
    v = changed(
        area,
        {"stream": "s1", "scale": 1.1},
        {"stream": "s1", "grant": ["b", "a", "b"]},
        {"stream": "s2", "pooled_share": 0.5},
        {"outcome": "a", "min_spend": {2026: 250_000}},
    )
    s1 = v.stream("s1")
    assert s1.amount_in(2026) == pytest.approx(1_100_000)
    assert s1.eligible == ["a", "b"]
    assert v.stream("s2").max_pool_share == 0.5
    assert v.outcome("a").min_spend_in(2026) == 250_000
    assert v.variants is None
    # a valid scenario: the same when validated again from its plain data
    assert Scenario.model_validate(v.model_dump()) == v


def test_out_of_its_pot_and_the_pot_gone_with_its_last_member(area):
    one_out = changed(area, {"stream": "s1", "pooled_share": 0})
    assert [p.members for p in one_out.pots] == [["s2"]]
    assert changed(area, {"stream": "s1", "pooled_share": 0}, {"stream": "s2", "pooled_share": 0}).pots == []


def test_floors_caps_and_pins_are_rules_named_for_what_they_are(area):
    v = changed(
        area,
        {"outcome": "b", "spend_at_least": 100_000, "spend_at_most": 900_000},
        {"pin": {"stream": "s2", "outcomes": ["b", "Y"], "at": 400_000}},
        {"pin": {"stream": "s1", "outcomes": ["a"], "at_least": 1}},
        {"pin": {"stream": "s1", "outcomes": ["a"], "at_least": 2}},  # replaces the one before
    )
    generated = {r.id: r for r in v.rules if r.id != "r"}
    assert list(generated) == [
        "floor:b",
        "cap:b",
        "pin:s2:b+Y:at-least",
        "pin:s2:b+Y:at-most",
        "pin:s1:a:at-least",
    ]
    floor, pin = generated["floor:b"], generated["pin:s2:b+Y:at-most"]
    assert (floor.streams, floor.outcomes, floor.min_amount, floor.per, floor.survives_pooling) == (
        None,
        ["b"],
        100_000,
        "period",
        True,
    )
    assert (pin.streams, pin.outcomes, pin.max_amount, pin.per, pin.survives_pooling) == (
        ["s2"],
        ["b", "Y"],
        400_000,
        "period",
        True,
    )
    assert generated["pin:s1:a:at-least"].min_amount == 2


def test_a_pin_that_cannot_hold_is_named_in_the_diagnosis(area):
    # s2 may put at most £0.5m on b under r: a pin of at least £0.6m collides with it
    plan = laa.plan(changed(area, {"pin": {"stream": "s2", "outcomes": ["b"], "at_least": 600_000}}))
    assert plan.status == "infeasible"
    assert "pin:s2:b:at-least" in str(plan.diagnosis)


def test_silo_lists_a_floor_it_breaks(area):
    # a floor spans funders (every stream), so silo does not plan for it; it reports breaking it
    plan = laa.plan(changed(area, {"outcome": "b", "spend_at_least": 900_000}), "silo")
    broken = [v for v in plan.evaluation.violations if v.id == "floor:b"]
    assert broken and broken[0].required == pytest.approx(900_000)


def test_a_variant_of_the_file(area):
    doc = copy.deepcopy(AREA)
    doc["variants"] = [{"id": "free", "name": "r dropped", "changes": [{"rule": "r", "drop": True}]}]
    scenario = parse_scenario(doc, "area.yaml")
    assert score(variant_scenario(scenario, "free")) == pytest.approx(1.5, abs=1e-7)
    with pytest.raises(InputError, match=r"unknown variant 'nope'.*free"):
        variant_scenario(scenario, "nope")


# --- located errors, one per kind of bad change ---


def file_problems(*changes: Any) -> list[str]:
    doc = copy.deepcopy(AREA)
    doc["variants"] = [{"id": "v", "changes": list(changes)}]
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc, "area.yaml")
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"rule": "sp-housing", "drop": True}, "changes[0].rule: unknown rule 'sp-housing'"),
        ({"rule": "r", "value": 1.5}, "changes[0].value: max_share: input should be less than or equal to 1"),
        ({"rule": "r", "drop": False}, "changes[0]: drop: true takes the rule out"),
        ({"rule": "r"}, "changes[0]: a rule change has either drop: true or value; found neither"),
        ({"stream": "s9", "scale": 2}, "changes[0].stream: unknown stream 's9'"),
        ({"stream": "s1", "scale": -1}, "changes[0].scale: input should be greater than or equal"),
        ({"stream": "s1", "scale": 2, "grant": ["b"]}, "changes[0]: a stream change has exactly one of"),
        ({"stream": "s1", "grant": ["c"]}, "changes[0].grant: unknown outcome or block 'c'"),
        ({"stream": "s1", "amounts": {2031: 5}}, "changes[0].amounts.2031: year 2031 is not one"),
        ({"stream": "s1", "amounts": {2026: -5}}, "changes[0].amounts.2026: money must be 0, or £1 to"),
        ({"stream": "s1", "pooled_share": 1.5}, "changes[0].pooled_share: input should be less"),
        ({"outcome": "c", "weight": 2}, "changes[0].outcome: unknown outcome 'c'"),
        ({"outcome": "a", "weight": 0}, "changes[0].weight: input should be greater than 0"),
        ({"outcome": "a", "target": -1}, "changes[0].target: target -1 must be better than baseline"),
        ({"outcome": "a", "stretch": 5}, "changes[0].stretch: stretch 5 must be at least as good"),
        ({"outcome": "a", "min_spend": "lots"}, "min_spend: expected a number, or a mapping"),
        ({"outcome": "a", "min_spend": {2030: 1}}, "changes[0].min_spend.2030: year 2030 is not one"),
        ({"outcome": "a", "spend_at_least": 5, "spend_at_most": 1}, "changes[0]: spend_at_least 5 is more"),
        ({"pin": {"stream": "s9", "outcomes": ["a"], "at": 1}}, "changes[0].pin.stream: unknown stream 's9'"),
        ({"pin": {"stream": "s1", "outcomes": ["q"], "at": 1}}, "pin.outcomes: unknown outcome or block"),
        ({"pin": {"stream": "s1", "outcomes": ["a"]}}, "changes[0].pin: a pin needs at, at_least"),
        ({"pin": {"stream": "s1", "outcomes": ["a"], "at": 1, "at_most": 2}}, "pin: a pin has at, or"),
        ({"strem": "s1", "scale": 2}, "changes[0]: a change is a mapping naming exactly one of"),
        ({"stream": "s1", "rule": "r", "drop": True}, "changes[0]: a change is a mapping naming"),
        ("drop r", "changes[0]: a change is a mapping naming exactly one of rule, stream"),
        ({"rule": "r", "dorp": True}, "changes[0].dorp: unknown field"),
    ],
)
def test_each_bad_change_is_located(change, expected):
    found = file_problems(change)
    assert any(p.startswith("area.yaml: variants[v].") and expected in p for p in found), found


def test_pooled_share_limits():
    doc = copy.deepcopy(AREA)
    doc["streams"][0]["max_pool_share"] = 0.5
    doc["streams"][1]["poolable"] = False
    doc["variants"] = [
        {"id": "v", "changes": [{"stream": "s1", "pooled_share": 0.6},
                                {"stream": "s2", "pooled_share": 0.2}]},
        {"id": "w", "changes": [{"stream": "s1", "pooled_share": 0},
                                {"stream": "s1", "pooled_share": 0.2}]},
    ]
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc, "area.yaml")
    assert [f"{p.where}: {p.message}" for p in caught.value.problems] == [
        "variants[v].changes[0].pooled_share: at most the stream's max_pool_share 0.5 is expected; found 0.6",
        "variants[v].changes[1].pooled_share: stream 's2' is not poolable (poolable: false); "
        "only 0 is possible",
        "variants[w].changes[1].pooled_share: stream 's1' is in no pot; a pooled share above 0 needs one",
    ]


def test_changes_apply_in_order():
    # a rule dropped is unknown to the change after it
    assert file_problems({"rule": "r", "drop": True}, {"rule": "r", "value": 0.2}) == [
        "area.yaml: variants[v].changes[1].rule: unknown rule 'r'"
    ]


def test_every_problem_of_every_variant_at_once():
    doc = copy.deepcopy(AREA)
    doc["variants"] = [
        {"id": "v", "changes": [{"rule": "x", "drop": True}, {"stream": "s1", "grant": ["c"]}]},
        {"id": "v", "changes": []},
        {"id": "w", "name": 3, "changes": {"rule": "r"}},
        "z",
    ]
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc, "area.yaml")
    wheres = [p.where for p in caught.value.problems]
    assert "variants[v].id" in wheres  # the duplicate
    assert "variants[w].changes" in wheres  # not a list
    assert "variants[w].name" in wheres
    assert "variants[#4]" in wheres


def test_changes_sent_alone_are_located_under_where(area):
    with pytest.raises(ScenarioError) as caught:
        changed(area, {"stream": "s1", "scale": 2}, {"rule": "nope", "drop": True})
    assert [str(p) for p in caught.value.problems] == ["<changes>: changes[1].rule: unknown rule 'nope'"]
    with pytest.raises(ScenarioError) as caught:
        parse_changes([{"stream": "s1", "scale": "x"}], "changes", source="meeting")
    assert str(caught.value.problems[0]).startswith("meeting: changes[0].scale: input should be a valid")
    with pytest.raises(ScenarioError, match="changes: a list of changes is expected; found dict"):
        parse_changes({"rule": "r"}, "changes")  # type: ignore[arg-type]


def test_the_python_api(area):
    doc = copy.deepcopy(AREA)
    doc["variants"] = [{"id": "free", "changes": [{"rule": "r", "drop": True}]}]
    scenario = parse_scenario(doc, "area.yaml")
    freed = laa.variant(scenario, "free")
    assert [r.id for r in freed.rules] == [] and [r.id for r in scenario.rules] == ["r"]
    typed = parse_changes([{"stream": "s1", "scale": 2}], "changes")
    by_dict = laa.apply_changes(area, [{"stream": "s1", "scale": 2}, {"stream": "s1", "grant": ["Y"]}])
    by_model = laa.apply_changes(area, [*typed, {"stream": "s1", "grant": ["Y"]}])
    assert by_dict == by_model and score(by_dict) == pytest.approx(1.75, abs=1e-7)
    with pytest.raises(ScenarioError, match=r"changes\[0\]\.rule: unknown rule 'x'"):
        laa.apply_changes(area, [{"rule": "x", "drop": True}])
    document = laa.results_document(freed, [laa.plan(freed)], "free")
    assert document["variant"] == "free" and laa.results_document(area, [])["variant"] is None
