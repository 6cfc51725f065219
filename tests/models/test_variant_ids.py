"""A variant's id is an id like any other (issue 21): visible text, from a file, a workbook or the page.

Ids `"a\\r\\nb"`, `"\\u202egnp.exe"`, `"x\\u2028y"` and `" "` were saved through the
meeting page and validated, and `laa compare --variants` printed the carriage
return, so a row read as a second `base` row on a terminal.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from laa.models.errors import ScenarioError
from laa.models.load import load_scenario_bytes, parse_scenario
from laa.models.variants import read_changes
from laa.models.visible import invisible, printable

from tests.paths import EXAMPLE

HOSTILE_IDS = ["a\r\nb", "\u202egnp.exe", "x\u2028y", " ", "\u3000", "tab\there", "nel\x85", "\ud800"]


def _example() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text())


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(data, "area.yaml")
    return [str(p) for p in refused.value.problems]


@pytest.mark.parametrize("ident", HOSTILE_IDS, ids=ascii)
def test_a_variant_id_without_visible_text_is_refused_located_and_shown_escaped(ident: str):
    data = _example()
    data["variants"][0]["id"] = ident
    (problem,) = _problems(data)
    shown = printable(ident, lines=False)
    assert problem.startswith(f"area.yaml: variants[{shown}].id: "), problem
    assert not any(invisible(c) for c in problem), problem  # nothing in it acts on a terminal


@pytest.mark.parametrize("ident", [" ", "\u3000\u3000"], ids=ascii)
def test_an_id_of_spaces_alone_is_refused_for_every_item_not_only_variants(ident: str):
    data = _example()
    data["blocks"].append({"id": ident, "name": "Nothing to see"})
    problems = _problems(data)
    located = f"area.yaml: blocks[{ident}].id: is "
    assert any(p.startswith(located) and "holds visible text" in p for p in problems), problems


def test_a_variant_id_from_json_bytes_is_refused_as_from_yaml():
    data = _example()
    data["variants"][1]["id"] = "\u202egnp.exe"
    raw = yaml.safe_dump(data, allow_unicode=True).encode()
    with pytest.raises(ScenarioError, match=r"variants\[\\u202egnp.exe\]\.id: holds the control character"):
        load_scenario_bytes(raw, "area.yaml")


def test_an_id_a_change_names_is_checked_by_the_same_rule():
    """A change naming a stream `"nrf\\u202e"` is refused as an id, not looked up and said raw."""
    base = parse_scenario({k: v for k, v in _example().items() if k != "variants"}, "area.yaml")
    with pytest.raises(ScenarioError) as refused:
        read_changes(base, [{"stream": "nrf\u202e", "scale": 1.1}])
    (problem,) = refused.value.problems
    assert problem.where == "changes[0].stream" and "holds the control character '\\u202e'" in problem.message


@pytest.mark.parametrize("ident", ["pct-half", "a b", "Ünïcode 中文", "x'y"])
def test_visible_ids_are_still_taken(ident: str):
    data = _example()
    data["variants"][0]["id"] = ident
    assert parse_scenario(data, "area.yaml").variants[0].id == ident
