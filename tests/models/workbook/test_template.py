"""`laa template`: the blank workbook finance leads fill in, and the layout it shares with the reader."""

from __future__ import annotations

import io

import openpyxl
import pytest
from hypothesis import given
from laa.models import changes
from laa.models import scenario as models
from laa.models.load import load_scenario, parse_workbook
from laa.models.workbook.layout import (
    AREA,
    LAYOUT,
    RESPONSE,
    RESPONSE_LINK,
    RULE_KIND,
    RULE_KINDS,
    RULE_VALUE,
    RULES,
    VARIANT_ID,
    VARIANT_NAME,
)
from laa.models.workbook.writer import template_workbook
from laa.scenarios.analysis.arrangements import plan_all

from tests.paths import EXAMPLE
from tests.strategies import scenarios

YEARS = [2026, 2027, 2028]


@pytest.fixture(scope="module")
def template():
    return openpyxl.load_workbook(io.BytesIO(template_workbook(YEARS)))


def test_one_sheet_per_section_with_frozen_noted_headers(template):
    assert template.sheetnames == [s.name for s in LAYOUT]
    for sheet in LAYOUT:
        ws = template[sheet.name]
        assert ws.freeze_panes in ("A2", "B2")
        heads = [c for c in (ws["A"] if sheet is AREA else ws[1]) if c.value]
        assert heads and all(c.comment and c.comment.text for c in heads), sheet.name
        assert sheet.note in ws["A1"].comment.text, sheet.name
    assert [c.value for c in template["Streams"][1]][3:7] == [
        "amounts",
        "amounts 2026",
        "amounts 2027",
        "amounts 2028",
    ]
    assert [template["Area"].cell(3, col).value for col in (2, 3, 4)] == YEARS


def _drop_downs(ws):
    return {
        cells: v.formula1.replace("'", "")
        for v in ws.data_validations.dataValidation
        for cells in str(v.sqref).split()
    }


def test_drop_downs_for_ids_directions_rule_kinds_and_per(template):
    outcomes, rules, streams = (_drop_downs(template[n]) for n in ("Outcomes", "Rules", "Streams"))
    assert '"higher,lower"' in outcomes.values()
    assert '"' + ",".join(RULE_KINDS) + '"' in rules.values()
    assert '"year,period"' in rules.values()
    assert any(f.startswith("Funders!$A$2") for f in streams.values())
    assert any(f.startswith("Outcomes!$A$2") for f in _drop_downs(template["Response"]).values())


def test_money_and_shares_are_formatted(template):
    ws = template["Streams"]
    formats = {c.value: ws.column_dimensions[c.column_letter].number_format for c in ws[1]}
    assert formats["amounts 2027"] == "#,##0" and formats["admin_rate"] == "0.00%"


def test_the_layout_names_every_field_of_every_model():
    """A field added to the models but not to the layout would be lost in every workbook."""
    sections = {"blocks", "funders", "outcomes", "streams", "rules", "pots", "historic", "variants"}
    assert {c.field for c in AREA.columns} == set(models.Scenario.model_fields) - sections
    by_sheet = {s.name: {c.field for c in s.columns} for s in LAYOUT}
    assert by_sheet["Blocks"] == set(models.Block.model_fields)
    assert by_sheet["Funders"] == set(models.Funder.model_fields)
    assert by_sheet["Outcomes"] | {"response"} == set(models.Outcome.model_fields)
    assert by_sheet["Response"] - {RESPONSE_LINK} == set(models.ResponseSegment.model_fields)
    assert by_sheet["Streams"] == set(models.Stream.model_fields)
    assert by_sheet["Rules"] - {RULE_KIND, RULE_VALUE} | set(RULE_KINDS) == set(models.Rule.model_fields)
    assert by_sheet["Pots"] == set(models.Pot.model_fields)
    assert by_sheet["Historic"] == set(models.HistoricSpend.model_fields)
    kinds = (changes.RuleChange, changes.StreamChange, changes.OutcomeChange)
    change_fields = {f for kind in kinds for f in kind.model_fields}
    pin_fields = {f"pin.{f}" for f in changes.Pin.model_fields}
    assert by_sheet["Variants"] - {VARIANT_ID, VARIANT_NAME} == change_fields | pin_fields
    for sheet in LAYOUT:
        if sheet.name == "Variants":
            continue  # a row is a change of one of several kinds: none of its fields is required by all
        for column in sheet.columns:
            model = _model_of(sheet.name)
            if sheet not in (RESPONSE, RULES) and not column.per_year and column.field in model.model_fields:
                required = model.model_fields[column.field].is_required()
                assert column.required == required, f"{sheet.name}.{column.header}"


def _model_of(name):
    return {
        "Area": models.Scenario,
        "Blocks": models.Block,
        "Funders": models.Funder,
        "Outcomes": models.Outcome,
        "Response": models.ResponseSegment,
        "Streams": models.Stream,
        "Rules": models.Rule,
        "Pots": models.Pot,
        "Historic": models.HistoricSpend,
    }[name]


def typed(value):
    """A value as a person types it into a cell: whole numbers without a decimal point, lists with commas."""
    if isinstance(value, list):
        return ", ".join(str(typed(v)) for v in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def fill(template_bytes: bytes, scenario) -> bytes:
    """Type the scenario's plain data into the template under its headers, as a finance lead would.

    Built from the scenario's own dump, not the writer's rows, so the writer's escaping and
    joining are not what is tested: a rule's kind goes in `kind`, a response segment is a row
    on Response, an amount per year goes under `amounts <year>`.
    """
    doc = scenario.model_dump(mode="json", exclude_unset=True)
    book = openpyxl.load_workbook(io.BytesIO(template_bytes))
    area = book["Area"]
    for number in range(2, area.max_row + 1):
        value = doc.get(area.cell(number, 1).value)
        for offset, v in enumerate(value if isinstance(value, list) else [value]):
            area.cell(number, 2 + offset).value = typed(v)
    sections = {s.name: s.section for s in LAYOUT if s is not AREA}
    for name, section in sections.items():
        items = doc.get(section) or []
        if name == "Response":
            items = [{"outcome": o["id"], **segment} for o in doc["outcomes"] for segment in o["response"]]
        if name == "Variants":
            items = _change_rows(items)
        ws = book[name]
        where = {c.value: c.column for c in ws[1] if c.value}
        for number, item in enumerate(items, start=2):
            if name == "Rules":
                kind = next(k for k in RULE_KINDS if k in item)
                item = {**{k: v for k, v in item.items() if k != kind}, "kind": kind, "value": item[kind]}
            for field, value in item.items():
                if field == "response" or value is None:
                    continue
                cells = value.items() if isinstance(value, dict) else [(None, value)]
                for year, v in cells:
                    ws.cell(number, where[field if year is None else f"{field} {year}"]).value = typed(v)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _change_rows(variants):
    """A variant's changes typed one a row, its name on the first, a pin's fields under `pin ...`."""
    rows = []
    for v in variants:
        for k, change in enumerate(v.get("changes") or [{}]):
            row = {"variant": v["id"], **({"name": v.get("name")} if k == 0 else {})}
            for key, value in change.items():
                row.update({f"pin {f}": x for f, x in value.items()} if key == "pin" else {key: value})
            rows.append(row)
    return rows


def test_the_template_filled_with_the_example_plans_to_the_same_scores(tmp_path):
    from_yaml = load_scenario(EXAMPLE)
    path = tmp_path / "northbridge.xlsx"
    path.write_bytes(fill(template_workbook(list(from_yaml.years)), from_yaml))
    expected = {p.arrangement: p.score for p in plan_all(from_yaml)}
    got = {p.arrangement: p.score for p in plan_all(load_scenario(path))}
    assert expected.keys() == got.keys()
    for arrangement, score in expected.items():
        assert score is not None and got[arrangement] == pytest.approx(score, abs=1e-9)


@given(scenarios())
def test_any_scenario_typed_into_the_template_reads_back(scenario):
    filled = fill(template_workbook(list(scenario.years)), scenario)
    assert parse_workbook(filled, "filled.xlsx") == scenario
