"""A scenario written as a workbook reads back as the same model: nothing lost, nothing run."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from laa.models.errors import InputError
from laa.models.load import load_scenario, parse_scenario
from laa.models.scenario import Scenario
from laa.models.workbook.writer import scenario_workbook
from laa.scenarios.outputs import convert
from laa.scenarios.outputs.convert import converted, decode

from benchmarks.generate import generate
from tests.models.workbook.helpers import cells, example_doc, through_workbook
from tests.paths import CHECKS, EXAMPLE
from tests.strategies import scenario_documents

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+1",
    "-x",
    "@SUM(A1)",
    "'quoted",
    "''twice",
    "#N/A",
    "#DIV/0!",
]


@pytest.mark.parametrize("path", [EXAMPLE, *sorted(CHECKS.glob("*.yaml"))], ids=lambda p: p.name)
def test_files_survive_the_workbook(path):
    scenario = load_scenario(path)
    assert through_workbook(scenario) == scenario


@pytest.mark.parametrize("seed", [0, 1])
def test_generated_areas_survive_the_workbook(seed):
    scenario = parse_scenario(generate("S", seed), "generated.yaml")
    assert through_workbook(scenario) == scenario


@st.composite
def everything(draw: st.DrawFn) -> dict[str, Any]:
    """A generated scenario with the optional fields the base strategy leaves out."""
    doc = draw(scenario_documents())
    years = doc["years"]
    blocks = sorted({o["block"] for o in doc["outcomes"]})
    if draw(st.booleans()):
        doc["blocks"] = [
            {"id": b, "name": draw(st.sampled_from(["", "Block " + b, *HOSTILE]))} for b in blocks
        ]
    for outcome in doc["outcomes"]:
        if draw(st.booleans()):
            outcome["effect_uncertainty"] = draw(st.sampled_from([0.0, 0.1, 0.35, 3.0]))
        if draw(st.integers(0, 3)) == 0:
            outcome["min_spend"] = {t: float(draw(st.integers(0, 3)) * 10_000) for t in years[:-1] or years}
        if draw(st.booleans()):
            outcome["unit"] = draw(st.sampled_from(["%", "per 1,000", "rate"]))
        outcome["baseline"] += draw(st.sampled_from([0.0, 0.1 + 0.2 - 0.3, 1 / 3]))  # every digit kept
    for stream in doc["streams"]:
        if draw(st.booleans()):
            stream["amount_uncertainty"] = draw(st.sampled_from([0.0, 0.05, 0.15]))
        stream["name"] = draw(st.sampled_from([stream["name"], *HOSTILE]))
    for rule in doc["rules"]:
        if draw(st.booleans()):
            rule["years"] = years[:1]
        if draw(st.booleans()):
            del rule["streams"]
    if draw(st.booleans()):
        stream, outcome = doc["streams"][0], doc["outcomes"][0]
        doc["historic"] = [
            {"stream": stream["id"], "outcome": outcome["id"], "year": years[0], "amount": 1234.5}
        ]
    if draw(st.booleans()):
        doc["arrangements"] = draw(
            st.lists(st.sampled_from(["silo", "aligned", "pooled", "optimal"]), min_size=1, unique=True)
        )
    if draw(st.booleans()):
        doc["partial_pooling"] = draw(st.booleans())
        doc["effect_uncertainty"] = draw(st.sampled_from([0.0, 0.2]))
        doc["amount_uncertainty"] = draw(st.sampled_from([0.0, 0.05]))
    doc["name"] = draw(st.sampled_from(["generated", *HOSTILE]))
    return doc


@given(everything())
def test_yaml_to_workbook_to_yaml_gives_the_same_model(doc):
    scenario = parse_scenario(doc, "generated.yaml")
    as_workbook = converted(scenario, "area.xlsx")
    from_workbook = decode(as_workbook, "xlsx", "area.xlsx")
    assert from_workbook == scenario
    assert decode(converted(from_workbook, "area.yaml"), "yaml", "area.yaml") == scenario


@given(everything())
def test_json_survives_too(doc):
    scenario = parse_scenario(doc, "generated.yaml")
    assert decode(converted(scenario, "area.json"), "json", "area.json") == scenario


def test_hostile_text_is_stored_as_text_and_read_back_as_written():
    doc = example_doc()
    doc["name"] = HOSTILE[0]
    doc["funders"][0]["id"] = "=cmd|' /C calc'!A0"
    for stream in doc["streams"]:
        if stream["funder"] == "clg":
            stream["funder"] = "=cmd|' /C calc'!A0"
    doc["streams"][0]["name"] = "@SUM(A1:A9)"
    scenario = parse_scenario(doc, "area.yaml")
    payload = scenario_workbook(scenario)
    written = cells(payload)
    assert not [c for c in written if c.data_type == "f"], "a formula was written"
    texts = {c.value for c in written if isinstance(c.value, str)}
    assert "'" + HOSTILE[0] in texts and "'@SUM(A1:A9)" in texts and "'=cmd|' /C calc'!A0" in texts
    assert through_workbook(scenario) == scenario


def test_text_spelled_like_an_error_value_stays_text():
    doc = example_doc()
    doc["name"] = "#DIV/0!"
    doc["streams"][0]["name"] = "#N/A"
    scenario = parse_scenario(doc, "area.yaml")
    payload = converted(scenario, "area.xlsx")
    written = cells(payload)
    assert not [c for c in written if c.data_type == "e"], "an error cell was written"
    assert {"#DIV/0!", "#N/A"} <= {c.value for c in written}
    assert decode(payload, "xlsx", "area.xlsx") == scenario


def test_output_that_does_not_read_back_is_refused_and_not_blamed_on_a_cell(monkeypatch):
    monkeypatch.setattr(convert, "scenario_workbook", lambda scenario: b"not a workbook")
    with pytest.raises(
        InputError, match=r"would not survive as xlsx unchanged .*nothing was written"
    ) as caught:
        converted(load_scenario(EXAMPLE), "area.xlsx")
    assert "!" not in str(caught.value).split("(")[0]


def test_a_cell_cannot_say_an_empty_list_so_writing_one_is_refused():
    doc = copy.deepcopy(example_doc())
    doc["rules"][0]["streams"] = []  # applies to no stream; a blank cell would mean every stream
    # a file is refused this (models.checks); a scenario built in Python without the file checks is not
    with pytest.raises(InputError, match=r"rules\[.*\]\.streams: an empty list"):
        scenario_workbook(Scenario.model_validate(doc))


def test_an_id_with_a_comma_cannot_be_listed_so_writing_it_is_refused():
    doc = example_doc()
    doc.pop("variants")  # they name neet too; the lists of the base are what this is about
    old = doc["outcomes"][0]["id"]
    doc["outcomes"][0]["id"] = "neet, 16-18"
    for stream in doc["streams"]:
        stream["eligible"] = ["neet, 16-18" if e == old else e for e in stream["eligible"]]
    for rule in doc["rules"]:
        if rule.get("outcomes"):
            rule["outcomes"] = ["neet, 16-18" if e == old else e for e in rule["outcomes"]]
    for pot in doc["pots"]:
        if pot.get("scope"):
            pot["scope"] = ["neet, 16-18" if e == old else e for e in pot["scope"]]
    with pytest.raises(InputError, match="comma"):
        scenario_workbook(parse_scenario(doc, "area.yaml"))
