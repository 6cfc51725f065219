"""Save-as-variant keeps the bytes it says it keeps, and the file's permissions (issue 21, rows 8 and 12).

A UTF-8 byte order mark was dropped, a CRLF file got the variant's lines
ending LF, a 0600 file came back 0644, and a 0444 file was rewritten.
"""

from __future__ import annotations

import codecs
import json
import stat
from pathlib import Path

import pytest
import yaml
from laa.models.errors import InputError
from laa.models.load import load_scenario
from laa.scenarios.meeting.save import save_variant

from tests.paths import EXAMPLE
from tests.scenarios.meeting.conftest import client_of, open_meeting

VARIANT = {"id": "nrf-stays-out", "changes": [{"stream": "nrf", "pooled_share": 0.0}]}


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def saved(path: Path, original: bytes) -> bytes:
    path.write_bytes(original)
    save_variant(path, load_scenario(path), VARIANT, None)
    return path.read_bytes()


def test_a_byte_order_mark_stays(tmp_path):
    original = codecs.BOM_UTF8 + EXAMPLE.read_bytes()
    written = saved(tmp_path / "area.yaml", original)
    assert written.startswith(original.rstrip(b"\n"))
    assert load_scenario(tmp_path / "area.yaml").variants[-1].id == "nrf-stays-out"


@pytest.mark.parametrize("name", ["area.yaml", "area.json"])
def test_a_crlf_file_gets_its_new_lines_ending_crlf_too(tmp_path, name):
    text = EXAMPLE.read_text()
    if name.endswith(".json"):
        text = json.dumps(yaml.safe_load(text), indent=1) + "\n"
    original = text.replace("\n", "\r\n").encode()
    written = saved(tmp_path / name, original)
    assert written.count(b"\n") == written.count(b"\r\n") > original.count(b"\n")  # no LF-only line
    if name.endswith(".yaml"):  # a YAML file is edited in place: what was there stays byte for byte
        assert written.startswith(original.rstrip(b"\r\n"))
    assert load_scenario(tmp_path / name).variants[-1].id == "nrf-stays-out"


def test_a_file_with_both_line_ends_keeps_each_line_as_it_was(tmp_path):
    original = EXAMPLE.read_bytes().replace(b"\n", b"\r\n", 3)
    written = saved(tmp_path / "area.yaml", original)
    assert written.startswith(original.rstrip(b"\n")) and written.count(b"\r\n") == 3


def test_the_file_keeps_its_permissions_and_a_new_file_beside_it_is_as_private(tmp_path):
    path = tmp_path / "area.yaml"
    path.write_bytes(EXAMPLE.read_bytes())
    path.chmod(0o600)
    save_variant(path, load_scenario(path), VARIANT, None)
    assert mode_of(path) == 0o600
    beside = save_variant(path, load_scenario(path), {**VARIANT, "id": "another"}, "copy.yaml")
    assert mode_of(beside) == 0o600


def test_a_read_only_file_is_not_rewritten(tmp_path):
    path = tmp_path / "area.yaml"
    path.write_bytes(EXAMPLE.read_bytes())
    path.chmod(0o444)
    with pytest.raises(InputError, match=r"area\.yaml: is read-only \(mode 0444\); nothing was written"):
        save_variant(path, load_scenario(path), VARIANT, None)
    assert path.read_bytes() == EXAMPLE.read_bytes() and mode_of(path) == 0o444


def test_the_page_is_told_the_file_is_read_only(tmp_path):
    meeting = open_meeting(tmp_path)
    meeting.path.chmod(0o444)
    with client_of(meeting) as client:
        refused = client.post("/api/session/save", json={"id": "v"})
    assert refused.status_code == 400
    assert "is read-only (mode 0444)" in refused.json()["problems"][0]["message"]
    assert meeting.path.read_bytes() == EXAMPLE.read_bytes()
