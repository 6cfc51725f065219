"""`printable`: what every command prints through, so a file's control and bidi characters never act."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from laa.models.visible import escaped, invisible, printable

# any text, with the characters that act on a terminal or hide (C0, C1, bidi, separators, surrogates) common
TEXT = st.text(
    st.one_of(
        st.characters(codec=None),
        st.sampled_from("\r\n\t\x1b\x85\u202e\u2066\u200b\u2028\u2029\ufeff\U000e0001\ud800"),
    )
)


@given(TEXT)
def test_printed_text_holds_no_invisible_character_but_its_line_breaks(text: str):
    shown = printable(text)
    assert [c for c in shown if invisible(c) and c != "\n"] == []
    assert shown.count("\n") == text.count("\n")
    assert not any(invisible(c) for c in printable(text, lines=False))


@given(TEXT)
def test_printed_json_still_reads_as_the_same_text(text: str):
    """A JSON document written with its text unescaped (`ensure_ascii=False`) and then printed reads back
    to the same data: every escape `printable` writes is one JSON reads (not Python's `\\x85`)."""
    document = json.dumps({"name": text}, ensure_ascii=False)
    assert json.loads(printable(document)) == {"name": text}


def test_visible_text_is_printed_as_it_is():
    text = "Northbridge £1,200,000 → Ünïcode 中文 🙂 ok\n"
    assert printable(text) is text


def test_each_escape_is_the_one_json_writes():
    assert [escaped(c) for c in "\r\t\x1b\x85\u202e"] == ["\\r", "\\t", "\\u001b", "\\u0085", "\\u202e"]
    assert escaped("\U000e0001") == "\\udb40\\udc01"  # a surrogate pair, as JSON writes one past U+FFFF
