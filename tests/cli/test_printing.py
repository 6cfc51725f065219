"""No command prints a file's control or bidi characters raw (issue 21): they are shown escaped.

A right-to-left override reverses what follows it; an escape (`\\x1b[31m`)
recolours the terminal; a tab or a zero-width space misaligns a table. A name
may hold them (not a line break: tests/models/test_names.py), so everything a
command prints goes through one function that escapes them (tests/models/test_visible.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

from tests.paths import EXAMPLE

LAA = str(Path(sys.executable).parent / "laa")
# every kind a name may hold: C0 (an escape sequence, a tab, a bell), C1, bidi, zero-width
ACTING = "\x1b[31m\t\x07\x9b\u202e\u2066\u200b"


def _acting(text: str) -> list[str]:
    """The characters of `text` a terminal acts on or does not show, but its line breaks."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs")]


@pytest.fixture(scope="module")
def hostile_names(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["name"] = f"Area{ACTING}X"
    for section in ("funders", "streams", "outcomes", "blocks", "pots", "variants"):
        for item in data[section]:
            item["name"] = f"{item.get('name', item['id'])}{ACTING}base"
    path = tmp_path_factory.mktemp("printing") / "area.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


@pytest.mark.parametrize(
    "command",
    [["compare", "--variants"], ["compare"], ["run", "--explain"], ["partners"]],
    ids=" ".join,
)
def test_names_holding_control_and_bidi_characters_are_printed_escaped(hostile_names, command):
    path = hostile_names
    done = subprocess.run([LAA, *command, str(path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _acting(done.stdout) == [] and _acting(done.stderr) == []
    assert "Area\\u001b[31m\\t\\u0007\\u009b\\u202e\\u2066\\u200bX" in done.stdout


def test_a_refusal_quoting_hostile_ids_prints_them_escaped(tmp_path: Path):
    """The issue's variant ids, refused by `laa validate` (exit 2) with each id shown escaped. The
    file is JSON: in YAML a raw U+2028 is refused before any id is read (a line break only YAML
    sees), while in JSON it is data inside a string."""
    data = yaml.safe_load(EXAMPLE.read_text())
    for variant, ident in zip(data["variants"], ["a\r\nb", "\u202egnp.exe", "x\u2028y", " "], strict=False):
        variant["id"] = ident
    path = tmp_path / "area.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    done = subprocess.run([LAA, "validate", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert _acting(done.stderr) == []
    for shown in ("a\\r\\nb", "\\u202egnp.exe", "x\\u2028y", " "):
        assert f"area.json: variants[{shown}].id: " in done.stderr
