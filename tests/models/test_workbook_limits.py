"""A workbook's XML is bounded before it is parsed (issue 13, defect 5).

expat rescans a token that spans its buffers from the token's start: a 5 MB comment took 1.35 s,
40 MB 34.6 s, and a 200 MB comment in a 237 KB file over 5 minutes.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from laa.models.errors import ScenarioError
from laa.models.load import load_scenario, load_scenario_bytes
from laa.models.workbook.reader import MAX_MARKUP_BYTES, MAX_MARKUP_COUNT
from laa.models.workbook.writer import scenario_workbook

from tests.paths import CHECKS

SHEET = "xl/worksheets/sheet2.xml"


@pytest.fixture(scope="module")
def workbook() -> bytes:
    return scenario_workbook(load_scenario(CHECKS / "check1.yaml"))


def injected(book: bytes, blob: bytes) -> bytes:
    """The workbook with `blob` just before a sheet's data, every part deflated as Excel does."""
    source = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == SHEET:
                at = data.index(b"<sheetData")
                data = data[:at] + blob + data[at:]
            target.writestr(info.filename, data)
    return out.getvalue()


N = MAX_MARKUP_BYTES + 10
CASES = {
    "comment": (b"<!--" + b"a" * N + b"-->", "holds an XML comment of"),
    "comment of '<'": (b"<!--" + b"<" * N + b"-->", "holds an XML comment of"),
    "unclosed comment": (b"<!--" + b"a" * N, "holds an XML comment of"),
    "processing instruction": (b"<?x " + b"a" * N + b"?>", "holds a processing instruction of"),
    "cdata": (b"<x><![CDATA[" + b"<" * N + b"]]></x>", "holds a CDATA section of"),
    "text": (b"<x>" + b"a" * N + b"</x>", "holds a text or tag of over 1,048,576 bytes"),
    "attribute": (b'<x a="' + b"a" * N + b'"/>', "holds a text or tag of over 1,048,576 bytes"),
    "many comments": (b"<!---->" * (MAX_MARKUP_COUNT + 1), "holds 10,001 XML comments; a workbook part"),
}


@pytest.mark.parametrize("case", CASES)
def test_oversized_markup_is_refused_before_parsing(workbook, case):
    blob, words = CASES[case]
    raw = injected(workbook, blob)
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as caught:
        load_scenario_bytes(raw, "area.xlsx")
    assert time.perf_counter() - started < 5
    message = str(caught.value.problems[0])
    assert message.startswith(f"area.xlsx: part {SHEET} ") and words in message, message
    assert message.endswith("; refused before parsing")


def test_small_comments_and_long_text_a_cell_can_hold_are_read(workbook):
    raw = injected(workbook, b"<!-- written by hand -->" + b"<x>" + b"a" * 200_000 + b"</x>")
    assert load_scenario_bytes(raw, "area.xlsx") == load_scenario(CHECKS / "check1.yaml")
