"""Line breaks YAML reads and a reviewer does not see: refused where an editor shows them (issue 21, row 9).

`# weight reviewed by finance<U+2028>  min_spend: 40000000` set a minimum
that made aligned infeasible, and grep, diff and the review saw one comment.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from laa.models.errors import ScenarioError
from laa.models.line_breaks import dump_yaml
from laa.models.load import load_scenario, load_scenario_bytes
from laa.scenarios.outputs.convert import converted

from tests.fuzz.bombs import HIDDEN_BREAKS, hidden_break
from tests.paths import EXAMPLE

LAA = Path(sys.executable).parent / "laa"
NAMES = {
    "\u2028": "U+2028 LINE SEPARATOR",
    "\u2029": "U+2029 PARAGRAPH SEPARATOR",
    "\x85": "U+0085 NEXT LINE",
    "\r": "U+000D CARRIAGE RETURN (not followed by a line feed)",
}
TEXT = "name: Tiny\noutcome:\n  id: o1\nyears: [2026]\n"


def problems(text: str, name: str = "area.yaml") -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_bytes(text.encode(), name)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("char", HIDDEN_BREAKS)
def test_a_setting_hidden_after_a_line_break_only_yaml_sees_is_refused_at_its_line_and_column(char):
    text = hidden_break(TEXT, 1, char)  # line 2: "outcome:  # reviewed by finance<char>  min_spend: ..."
    assert yaml.safe_load(text)["outcome"]["min_spend"] == 40_000_000, "the loader reads the hidden setting"
    assert problems(text) == [
        f"area.yaml: line 2, column 32 holds {NAMES[char]}, which YAML reads as a line break and grep, "
        "diff and a review do not: '  min_spend: 40000000' after it is read as a line of its own, unseen in "
        "review; delete it, or break the line with an ordinary line break"
    ]


def test_the_issues_example_in_the_example_file_is_refused(tmp_path):
    lines = EXAMPLE.read_text().split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("weight:"))
    path = tmp_path / "northbridge.yaml"
    path.write_text(hidden_break(EXAMPLE.read_text(), at), encoding="utf-8")
    done = subprocess.run([LAA, "validate", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"northbridge.yaml: line {at + 1}, column " in done.stderr
    assert "holds U+2028 LINE SEPARATOR" in done.stderr


def test_columns_are_characters_as_an_editor_counts_them_and_every_one_is_listed():
    text = "name: é中🙂\u2028x: 1\nyears: [2026]\u2029\n"
    assert [p.split(" holds ")[0] for p in problems(text)] == [
        "area.yaml: line 1, column 10",
        "area.yaml: line 2, column 14",
    ]


def test_a_file_saved_with_old_mac_line_ends_lists_the_first_twenty():
    found = problems("\r".join(f"k{i}: {i}" for i in range(30)))
    assert len(found) == 21 and found[0].startswith("area.yaml: line 1, column 6 holds U+000D")
    assert found[-1] == (
        "area.yaml: 9 more characters YAML reads as line breaks and a reviewer does not; "
        "only the first 20 are listed"
    )


def test_crlf_line_ends_read_as_before():
    assert load_scenario_bytes(EXAMPLE.read_bytes().replace(b"\n", b"\r\n"), "area.yaml") == load_scenario(
        EXAMPLE
    )


def test_json_text_may_hold_them_inside_its_strings():
    """In JSON a line separator inside a string is data, not a hidden line: the file is read, and a
    name holding one is refused for what it is (a name is one line), at its field."""
    data = yaml.safe_load(EXAMPLE.read_text())
    data["name"] = "Northbridge\u2028LAA"
    with pytest.raises(ScenarioError, match=r"area.json: name: holds a line break"):
        load_scenario_bytes(json.dumps(data).encode(), "area.json")


@pytest.mark.parametrize("text", ["a\u2028b", "a\u2029b", "a\x85b", "a\rb", "a\r\nb", "ends\u2028"])
def test_what_the_engine_writes_as_yaml_holds_them_escaped_and_reads_back(text):
    written = dump_yaml({"name": text}, allow_unicode=True)
    assert not any(c in written for c in HIDDEN_BREAKS)
    assert yaml.safe_load(written) == {"name": text}


def test_laa_convert_writes_a_name_holding_one_as_yaml_that_reads_back():
    """A name may not hold a line break, but a tab or a bidi mark beside the separator characters
    YAML escapes must still survive `laa convert` to YAML and back."""
    data = yaml.safe_load(EXAMPLE.read_text())
    data["name"] = "Northbridge\u202bLAA\u0085"[:-1]
    scenario = load_scenario_bytes(json.dumps(data).encode(), "area.json")
    assert load_scenario_bytes(converted(scenario, "area.yaml"), "area.yaml") == scenario
