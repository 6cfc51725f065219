"""A name (or an outcome's unit) is one line (issue 21): a line break in it would print a row of its own.

`name: "Police\\nbase  optimal 99"` printed a `base` row of a table that no plan
made. Where a name is printed its other invisible characters are escaped
(tests/cli/test_printing.py); a line break cannot be, since the table's own
rows end with one, so a name holding one is refused where it is read, located
as any field is (in a workbook, at its cell).
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
import yaml
from laa.models.errors import ScenarioError
from laa.models.load import load_scenario_bytes, parse_scenario
from laa.models.workbook.writer import scenario_workbook

from tests.paths import EXAMPLE

BREAKS = ["\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x85", "\u2028", "\u2029"]
PLACES = [
    (lambda d: d, "name", "name"),
    (lambda d: d["funders"][0], "funders[clg].name", "name"),
    (lambda d: d["blocks"][0], "blocks[CYP].name", "name"),
    (lambda d: d["streams"][0], "streams[nrf].name", "name"),
    (lambda d: d["outcomes"][0], "outcomes[neet].name", "name"),
    (lambda d: d["outcomes"][0], "outcomes[neet].unit", "unit"),
    (lambda d: d["pots"][0], "pots[laa-pot].name", "name"),
    (lambda d: d["variants"][0], "variants[pct-half].name", "name"),
]


def _example() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text())


@pytest.mark.parametrize("brk", BREAKS, ids=ascii)
@pytest.mark.parametrize(("item", "where", "field"), PLACES, ids=[w for _, w, _ in PLACES])
def test_a_name_holding_a_line_break_is_refused_where_it_is(brk: str, item, where: str, field: str):
    data = _example()
    assert data["outcomes"][0]["id"] == "neet" and data["funders"][0]["id"] == "clg"
    item(data)[field] = f"Police{brk}base  optimal 99"
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(data, "area.yaml")
    (problem,) = refused.value.problems
    assert str(problem).startswith(f"area.yaml: {where}: holds a line break"), problem


def test_a_workbook_name_typed_over_two_lines_is_refused_at_its_cell():
    sheets = openpyxl.load_workbook(io.BytesIO(scenario_workbook(parse_scenario(_example(), "area.yaml"))))
    streams = sheets["Streams"]
    assert (streams["A3"].value, streams["B1"].value) == ("sscf", "name")
    streams["B3"] = "Safer and Stronger\nCommunities Fund"  # Alt+Enter in the cell
    out = io.BytesIO()
    sheets.save(out)
    with pytest.raises(ScenarioError) as refused:
        load_scenario_bytes(out.getvalue(), "area.xlsx")
    (problem,) = refused.value.problems
    assert str(problem).startswith("area.xlsx: Streams!B3: name: holds a line break ('\\n') at position 19")


@pytest.mark.parametrize("name", ["Police\tfund", "\u202bشرطة\u202c", "👩\u200d💻 digital", "  spaced  ", ""])
def test_a_name_may_hold_other_characters_shown_escaped_where_printed(name: str):
    data = _example()
    data["streams"][0]["name"] = name
    assert parse_scenario(data, "area.yaml").streams[0].name == name
