"""The Variants sheet: a variant's changes one row each, read back as written, problems at their cells."""

from __future__ import annotations

import copy
import io

import openpyxl
import pytest
from laa.models.errors import ScenarioError
from laa.models.load import load_scenario, parse_scenario, parse_workbook
from laa.models.workbook.writer import scenario_workbook

from tests.models.workbook.helpers import column_of, example_doc, example_workbook, through_workbook
from tests.paths import EXAMPLE

EVERY_KIND = [
    {"id": "all", "name": "Every kind of change", "changes": [
        {"rule": "sp-housing-support", "drop": True},
        {"rule": "nrf-deprived-areas", "value": 0.3},
        {"stream": "legi", "grant": ["neet", "CYP"]},
        {"stream": "nrf", "scale": 1.1},
        {"stream": "nrf", "amounts": {2027: 0, 2028: 1_000_000}},
        {"stream": "sp", "pooled_share": 0.25},
        {"stream": "pct_ic", "pooled_share": 0},
        {"outcome": "neet", "weight": 2, "target": 7.0, "stretch": 6.0},
        {"outcome": "ks2", "min_spend": {2026: 10_000, 2028: 0}},
        {"outcome": "falls", "min_spend": 5_000},
        {"outcome": "neet", "spend_at_least": 100_000, "spend_at_most": 3_000_000},
        {"pin": {"stream": "police_cs", "outcomes": ["SSC", "first_time_entrants"], "at_least": 2_000_000}},
        {"pin": {"stream": "vcs", "outcomes": ["carers"], "at": 400_000}},
    ]},
    {"id": "nothing", "name": "The base again"},
]  # fmt: skip


def test_the_example_keeps_its_variants_through_the_workbook():
    scenario = load_scenario(EXAMPLE)
    back = through_workbook(scenario)
    assert back.variants == scenario.variants and len(back.variants) == 10


def test_every_kind_of_change_survives_the_workbook():
    doc = example_doc()
    doc["variants"] = copy.deepcopy(EVERY_KIND)
    scenario = parse_scenario(doc, "area.yaml")
    back = through_workbook(scenario)
    assert back == scenario
    assert back.variants[1].changes == []


def test_one_row_a_change_the_name_on_the_first():
    doc = example_doc()
    doc["variants"] = copy.deepcopy(EVERY_KIND)
    book = openpyxl.load_workbook(io.BytesIO(scenario_workbook(parse_scenario(doc, "area.yaml"))))
    ws = book["Variants"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2) if any(c.value for c in row)]
    assert [r[0] for r in rows] == ["all"] * 13 + ["nothing"]
    names = [r[1] for r in rows]
    assert names[0] == "Every kind of change" and set(names[1:13]) == {None}
    pin = rows[11]
    assert pin[column_of(ws, "pin stream") - 1] == "police_cs"
    assert pin[column_of(ws, "pin outcomes") - 1] == "SSC, first_time_entrants"
    assert pin[column_of(ws, "pin at_least") - 1] == 2_000_000


def test_a_scenario_dumped_with_its_nulls_reads_back_the_same():
    """A null in a change leaves its field as it is, so a full dump's nulls change nothing."""
    doc = example_doc()
    doc["variants"] = copy.deepcopy(EVERY_KIND)
    scenario = parse_scenario(doc, "area.yaml")
    again = parse_scenario(scenario.model_dump(mode="json"), "area.yaml")
    assert again.variants == scenario.variants
    assert again.variants[0].changes[7].changed == ["weight", "target", "stretch"]


def _variants_sheet(tmp_path, rows):
    """The example's workbook with these rows on its Variants sheet (headers as written)."""

    def edit(book):
        ws = book["Variants"]
        ws.delete_rows(2, ws.max_row)
        for number, values in enumerate(rows, start=2):
            for header, value in values.items():
                ws.cell(row=number, column=column_of(ws, header), value=value)

    return example_workbook(tmp_path, edit)


def problems_at(path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_workbook(path.read_bytes(), "area.xlsx")
    return [str(p) for p in caught.value.problems]


def test_a_change_typed_in_a_workbook(tmp_path):
    path = _variants_sheet(
        tmp_path,
        [
            {"variant": "cut", "name": "Skills cut", "stream": "lsc_skills", "scale": 0.9},
            {"variant": "cut", "pin stream": "police_cs", "pin outcomes": "SSC", "pin at_most": 9_000_000},
            {"variant": "free", "rule": "sp-housing-support", "drop": True},
        ],
    )
    scenario = parse_workbook(path.read_bytes(), "area.xlsx")
    read = [(v.id, v.name, len(v.changes)) for v in scenario.variants]
    assert read == [("cut", "Skills cut", 2), ("free", "", 1)]
    pin = scenario.variants[0].changes[1].pin
    assert (pin.stream, pin.outcomes, pin.at_most) == ("police_cs", ["SSC"], 9_000_000)


def test_problems_with_changes_are_at_their_cells(tmp_path):
    path = _variants_sheet(
        tmp_path,
        [
            {"variant": "v", "rule": "sp-housing", "drop": True},
            {"variant": "v", "stream": "nrf", "scale": -1},
            {"variant": "v", "stream": "nrf", "amounts 2027": 5, "pooled_share": 0.5},
            {"variant": "v", "name": "one", "outcome": "neet", "weight": 2},
            {"variant": "v", "name": "two", "outcome": "neet", "weight": 3},
            {"name": "lost", "outcome": "neet", "weight": 3},
        ],
    )
    found = problems_at(path)
    ws = openpyxl.load_workbook(path)["Variants"]

    def at(header: str, row: int) -> str:
        return f"Variants!{openpyxl.utils.get_column_letter(column_of(ws, header))}{row}"

    expected = [
        f"{at('rule', 2)}: rule: unknown rule 'sp-housing'",
        f"{at('scale', 3)}: scale: input should be greater than or equal to 0",
        "Variants!A4: a stream change has exactly one of grant, scale, amounts, pooled_share",
        f"{at('name', 6)}: variant 'v' is named 'one' on a row above",
        f"{at('variant', 7)}: the variant is missing",
    ]
    for words in expected:
        assert any(words in p for p in found), (words, found)
