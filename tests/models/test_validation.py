"""Each of SCENARIO.md's "What bad input gets", located by file, section, item id and field."""

from __future__ import annotations

import copy

import pytest
import yaml
from laa.models.errors import ScenarioError
from laa.models.load import parse_scenario, parse_yaml

from tests.paths import CHECKS, EXAMPLE

BASE = yaml.safe_load(EXAMPLE.read_text())


def problems_of(mutate) -> list:
    doc = copy.deepcopy(BASE)
    mutate(doc)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(doc, "area.yaml")
    return caught.value.problems


def one(mutate, section, item, field, *words):
    found = problems_of(mutate)
    match = [p for p in found if (p.section, p.item, p.field) == (section, item, field)]
    assert match, f"expected a problem at {section}[{item}].{field}; got {[str(p) for p in found]}"
    text = str(match[0])
    assert text.startswith("area.yaml: ")
    for word in words:
        assert word in text, text
    return match[0]


def item(doc, section, ident):
    return next(i for i in doc[section] if i.get("id") == ident)


def test_the_example_is_valid():
    assert parse_scenario(copy.deepcopy(BASE), "area.yaml").name.startswith("Northbridge")


def test_unknown_id_in_eligible():
    one(
        lambda d: item(d, "streams", "cf")["eligible"].append("neeet"), "streams", "cf", "eligible", "'neeet'"
    )


@pytest.mark.parametrize(
    ("section", "ident", "field", "value"),
    [
        ("rules", "nrf-deprived-areas", "streams", ["nope"]),
        ("rules", "nrf-deprived-areas", "outcomes", ["nope"]),
        ("pots", "laa-pot", "members", ["nope"]),
        ("pots", "s75-pot", "scope", ["nope"]),
    ],
)
def test_unknown_ids_in_lists(section, ident, field, value):
    one(lambda d: item(d, section, ident).__setitem__(field, value), section, ident, field, "'nope'")


def test_unknown_funder_and_block():
    one(lambda d: item(d, "streams", "nrf").__setitem__("funder", "dh"), "streams", "nrf", "funder", "'dh'")
    one(lambda d: item(d, "outcomes", "neet").__setitem__("block", "XYZ"), "outcomes", "neet", "block", "XYZ")


def test_unknown_historic_references():
    def mutate(d):
        d["historic"] = [{"stream": "zz", "outcome": "qq", "year": 2031, "amount": 5}]

    found = {(p.section, p.item, p.field) for p in problems_of(mutate)}
    assert {("historic", "#1", "stream"), ("historic", "#1", "outcome"), ("historic", "#1", "year")} <= found


@pytest.mark.parametrize(("stretch", "direction"), [(8.0, "lower"), (74.0, "higher")])
def test_stretch_worse_than_target(stretch, direction):
    ident = "neet" if direction == "lower" else "ks2"
    one(
        lambda d: item(d, "outcomes", ident).__setitem__("stretch", stretch),
        "outcomes",
        ident,
        None,
        "stretch",
        "at least as good as target",
    )


def test_target_not_better_than_baseline():
    one(
        lambda d: item(d, "outcomes", "neet").__setitem__("target", 10.0),
        "outcomes",
        "neet",
        None,
        "must be better than baseline",
    )


def test_returns_that_increase():
    def mutate(d):
        item(d, "outcomes", "neet")["response"][1]["effect"] = 50

    one(mutate, "outcomes", "neet", "response", "returns increase", "segment 1 to 2")


def test_unbounded_segment_only_last_and_without_effect():
    def middle(d):
        item(d, "outcomes", "neet")["response"][0]["spend"] = None
        item(d, "outcomes", "neet")["response"][0]["effect"] = 0

    one(middle, "outcomes", "neet", "response", "only the last segment")

    def effect(d):
        item(d, "outcomes", "neet")["response"][-1]["effect"] = 1

    one(effect, "outcomes", "neet", "response.3", "unbounded", "effect 0")


def test_stream_in_two_pots():
    one(
        lambda d: item(d, "pots", "s75-pot")["members"].append("nrf"),
        "pots",
        "s75-pot",
        "members",
        "'nrf'",
        "already a member of pot 'laa-pot'",
    )


def test_amount_for_a_year_not_in_years():
    one(
        lambda d: item(d, "streams", "nrf")["amounts"].__setitem__(2031, 5),
        "streams",
        "nrf",
        "amounts.2031",
        "2031",
        "not one of the years",
    )


def test_missing_amount_for_a_year():
    one(lambda d: item(d, "streams", "nrf")["amounts"].pop(2028), "streams", "nrf", "amounts.2028", "2028")


def test_negative_amount():
    one(
        lambda d: item(d, "streams", "nrf")["amounts"].__setitem__(2027, -5),
        "streams",
        "nrf",
        "amounts.2027",
        "money must be 0, or £1 to £1,000,000,000,000; found -5",
        "-5",
    )
    one(lambda d: item(d, "streams", "sscf").__setitem__("amounts", -1), "streams", "sscf", "amounts", "-1")


@pytest.mark.parametrize(
    ("section", "ident", "field", "value"),
    [
        ("streams", "nrf", "admin_rate", 1.5),
        ("streams", "nrf", "carry_forward", -0.1),
        ("streams", "nrf", "max_pool_share", 2),
        ("rules", "nrf-deprived-areas", "min_share", 1.2),
        ("pots", "laa-pot", "carry_forward", 1.01),
    ],
)
def test_share_outside_0_1(section, ident, field, value):
    one(lambda d: item(d, section, ident).__setitem__(field, value), section, ident, field, str(value))


@pytest.mark.parametrize("section", ["funders", "outcomes", "streams", "rules", "pots", "blocks"])
def test_duplicate_id(section):
    def mutate(d):
        d[section].append(copy.deepcopy(d[section][0]))

    ident = BASE[section][0]["id"]
    one(mutate, section, ident, "id", "duplicate id")


def test_unknown_fields_at_top_level_and_inside_items():
    one(lambda d: d.__setitem__("partial_pooolng", True), "partial_pooolng", None, None, "unknown field")
    one(
        lambda d: item(d, "streams", "nrf").__setitem__("admin", 0.1),
        "streams",
        "nrf",
        "admin",
        "unknown field",
    )
    one(
        lambda d: item(d, "outcomes", "neet")["response"][0].__setitem__("cost", 1),
        "outcomes",
        "neet",
        "response.0.cost",
        "unknown field",
    )


def test_rule_with_no_kind_or_two_kinds():
    one(
        lambda d: item(d, "rules", "nrf-deprived-areas").pop("min_share"),
        "rules",
        "nrf-deprived-areas",
        None,
        "exactly one of",
        "found none",
    )
    one(
        lambda d: item(d, "rules", "nrf-deprived-areas").__setitem__("max_amount", 5),
        "rules",
        "nrf-deprived-areas",
        None,
        "found min_share, max_amount",
    )


def test_years_must_increase():
    one(lambda d: d.__setitem__("years", [2026, 2028, 2027]), "years", None, None, "increasing order")


def test_missing_required_field():
    one(lambda d: item(d, "streams", "nrf").pop("funder"), "streams", "nrf", "funder", "required")


def test_nan_and_infinity_refused():
    one(
        lambda d: item(d, "streams", "nrf")["amounts"].__setitem__(2026, float("nan")),
        "streams",
        "nrf",
        "amounts.2026",
        "finite",
    )
    one(
        lambda d: item(d, "outcomes", "neet").__setitem__("baseline", float("inf")),
        "outcomes",
        "neet",
        "baseline",
        "finite",
    )


def test_yaml_that_does_not_parse_names_its_line():
    text = (CHECKS / "check1.yaml").read_text().replace("  name: Funder 1", "  name: [Funder 1", 1)
    with pytest.raises(ScenarioError) as caught:
        parse_yaml(text, "broken.yaml")
    message = str(caught.value.problems[0])
    line = text.splitlines().index("  name: [Funder 1") + 1
    assert message.startswith("broken.yaml: YAML does not parse at line")
    assert f"line {line}" in message or f"line {line + 1}" in message


def test_every_problem_is_reported_at_once():
    def mutate(d):
        item(d, "streams", "nrf")["amounts"][2027] = -5
        item(d, "streams", "cf")["eligible"].append("neeet")
        item(d, "outcomes", "neet")["stretch"] = 8.0
        item(d, "pots", "s75-pot")["members"].append("nrf")
        item(d, "rules", "esf-match")["typo"] = 1

    found = {(p.section, p.item) for p in problems_of(mutate)}
    assert {
        ("streams", "nrf"),
        ("streams", "cf"),
        ("outcomes", "neet"),
        ("pots", "s75-pot"),
        ("rules", "esf-match"),
    } <= found


@pytest.mark.parametrize(
    ("section", "ident", "field", "value"),
    [("outcomes", "neet", "effect_uncertainty", -0.1), ("streams", "nrf", "amount_uncertainty", 4.0)],
)
def test_uncertainty_is_a_coefficient_of_variation(section, ident, field, value):
    one(lambda d: item(d, section, ident).__setitem__(field, value), section, ident, field, str(value))
    one(lambda d: d.__setitem__("effect_uncertainty", "high"), "effect_uncertainty", None, None, "'high'")
