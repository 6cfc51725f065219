"""The text of a scenario file read as untrusted input: duplicate keys, nesting, aliases, tags.

Issue 13's reproductions: a duplicate `amounts` (last one won), JSON and YAML nested 990 deep
(RecursionError, exit 4), a 6.3 MB file with no aliases refused as if its aliases expanded it.
"""

from __future__ import annotations

import json
import time

import pytest
import yaml
from laa.models.documents import MAX_ALIAS_ITEMS, MAX_DEPTH, parse_json, parse_yaml
from laa.models.errors import ScenarioError
from laa.models.load import load_scenario_bytes

from tests.paths import EXAMPLE


def problems(parse, text: str, name: str = "area.yaml") -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse(text, name)
    return [str(p) for p in caught.value.problems]


def test_a_yaml_key_given_twice_is_refused_naming_both_lines_and_the_place():
    text = EXAMPLE.read_text().replace("  amounts:\n", "  amounts: 1000\n  amounts:\n", 1)
    first = text.index("amounts: 1000")
    line = text.count("\n", 0, first) + 1
    found = problems(parse_yaml, text)
    assert found == [
        f"area.yaml: streams[nrf].amounts: key 'amounts' is given twice in one mapping, at lines {line} "
        f"and {line + 1}; the second would silently replace the first: keep one"
    ]


def test_a_reviewer_cannot_be_slipped_a_second_effect():
    """The fuzz case: `effect: 1e9` after the real effect, in the same segment."""
    text = "outcomes:\n- id: neet\n  response:\n  - {spend: 1000000, effect: 1.0, effect: 1.0e9}\n"
    found = problems(parse_yaml, text)
    assert found == [
        "area.yaml: outcomes[neet].response.0.effect: key 'effect' is given twice in one mapping, at lines "
        "4 and 4; the second would silently replace the first: keep one"
    ]


def test_every_duplicate_is_reported_at_once():
    text = "name: a\nname: b\nyears: [2026]\nyears: [2027]\n"
    assert len(problems(parse_yaml, text)) == 2


def test_a_json_key_given_twice_is_refused_with_its_lines():
    text = '{"name": "x",\n "streams": [{"id": "a", "amounts": 1000,\n   "amounts": 0}]}\n'
    found = problems(parse_json, text, "area.json")
    assert found == [
        "area.json: streams[a].amounts: key 'amounts' is given twice in one mapping, at lines 2 and 3; "
        "the second would silently replace the first: keep one"
    ]


def test_a_json_duplicate_whose_lines_cannot_be_found_names_its_path_and_says_so():
    text = '{"streams": [{"id": "a", "name": "\\ud83d\\ude00", "amounts": 1, "amounts": 0}]}'
    found = problems(parse_json, text, "area.json")
    assert found == [
        "area.json: streams[a].amounts: key 'amounts' is given twice in one mapping, (JSON's reader gives "
        "no line numbers; look for the key twice in this place); the second would silently replace the "
        "first: keep one"
    ]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 990, 100_000])
def test_deep_nesting_is_refused_at_its_line_before_any_parser_recurses(depth):
    yaml_text = "name: x\nyears: " + "[" * depth + "]" * depth + "\n"
    json_text = '{"name": "x",\n "years": ' + "[" * depth + "]" * depth + "}"
    ours = (
        f"is nested more than {MAX_DEPTH} levels deep at line 2 (lists and mappings inside one another); "
        "a scenario needs fewer than 10"
    )
    assert problems(parse_json, json_text, "a.json") == [f"a.json: {ours}"]
    # libyaml's scanner reads ahead, and stops at its own limit of 1000 levels first when there are more
    libyaml = "a.yaml: YAML does not parse at line 2, column 1007: exceeded maximum nesting depth"
    assert problems(parse_yaml, yaml_text, "a.yaml") == [libyaml if depth > 1000 else f"a.yaml: {ours}"]


def test_nesting_up_to_the_limit_is_read():
    text = "x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert parse_yaml(text, "a.yaml")["x"] is not None
    assert parse_json(json.dumps({"x": json.loads(text[3:])}), "a.json")["x"] is not None


def test_brackets_inside_json_strings_are_text():
    text = json.dumps({"name": "[" * 1000 + "{" * 1000, "years": [2026]})
    assert parse_json(text, "a.json")["name"].startswith("[[[")


def test_an_alias_deepening_past_the_limit_is_refused():
    deep = "[" * 20 + "]" * 20
    text = f"a: &a {deep}\nb: [[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]\n"
    assert "nested more than" in problems(parse_yaml, text)[0]


def test_a_billion_laughs_is_refused_as_its_aliases_are_met():
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        text += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]\n"
    started = time.perf_counter()
    found = problems(parse_yaml, text)
    assert time.perf_counter() - started < 5
    assert found[0].startswith(f"area.yaml: YAML aliases expand the file by over {MAX_ALIAS_ITEMS:,} items")


def test_a_large_file_with_no_aliases_is_not_refused_for_aliases():
    """Issue 13, defect 7: 6.3 MB with no aliases was refused as 'aliases expand the file' (897 MB)."""
    text = "x: [" + ",".join(["1"] * (MAX_ALIAS_ITEMS + 100_000)) + "]\n"
    assert len(parse_yaml(text, "a.yaml")["x"]) == MAX_ALIAS_ITEMS + 100_000


def test_anchors_merges_and_a_few_aliases_read_as_pyyaml_reads_them():
    text = "base: &b {x: 1, y: 2}\nc: {<<: *b, y: 3}\nd:\n  <<: [{p: 1}, {p: 2, q: 2}]\n  r: 0\ne: [*b, *b]\n"
    assert parse_yaml(text, "a.yaml") == yaml.load(text, Loader=yaml.SafeLoader)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a: &a [1, *a]\n", "alias *a at line 1 is inside its own anchor"),
        ("a: *nowhere\n", "alias *nowhere at line 1 has no anchor &nowhere before it"),
        ('name: !!python/object/apply:os.system ["echo pwned"]\n', "tag !!python/object/apply:os.system"),
        ("a: !!set {x: null}\n", "tag !!set is not allowed"),
        ("a: !!binary aGVsbG8=\n", "tag !!binary is not allowed"),
        ("a: !custom 1\n", "tag !custom is not allowed"),
        ("name: a\n---\nname: b\n", "holds a second YAML document at line 2"),
        ("? [a, b]\n: 1\n", "a mapping's key at line 1 is a list or mapping"),
        ("a: {<<: 5}\n", "a merge (<<) at line 1 takes a mapping or a list of mappings"),
        ("a: " + "9" * 5000 + "\n", "at line 1 cannot be read"),
        ("a: 2026-02-30\n", "'2026-02-30' at line 1 cannot be read"),
        ("a: [1, 2\n", "YAML does not parse at line 2"),
        ("", "is empty"),
        ("- 1\n", "a mapping of sections is expected; found list"),
    ],
)
def test_what_a_scenario_cannot_hold_is_refused_at_its_line(text, words):
    found = problems(parse_yaml, text)
    assert len(found) == 1 and words in found[0], found


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"a": NaN}', "NaN is not a number a scenario may hold"),
        ('{"a": ' + "9" * 5000 + "}", "JSON cannot be read"),
        ('{"a": [1, 2}', "JSON does not parse at line 1"),
        ("[1]", "a mapping of sections is expected; found list"),
    ],
)
def test_what_json_cannot_hold_is_refused(text, words):
    found = problems(parse_json, text, "a.json")
    assert len(found) == 1 and words in found[0], found


def test_the_example_reads_the_same_as_yaml_and_as_json():
    text = EXAMPLE.read_text()
    as_yaml = parse_yaml(text, "a.yaml")
    assert as_yaml == yaml.load(text, Loader=yaml.SafeLoader)
    assert load_scenario_bytes(json.dumps(as_yaml).encode(), "a.json") == load_scenario_bytes(
        text.encode(), "a.yaml"
    )
