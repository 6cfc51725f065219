"""Characters a person does not see as themselves, and how they are shown when text from a file is printed.

A carriage return sends a terminal's cursor back to the start of the line,
so a variant id holding one printed a second `base` row over its own; a
right-to-left override (U+202E) makes `gnp.exe` read as `exe.png`; a line
separator (U+2028) ends a line for some readers and not others. An id may
hold none of them (`models.ranges.check_id`). Free text (a name, a unit) may,
so every command prints through `printable`, which shows each one as the
escape JSON would write for it (`\\r`, `\\u202e`): the printed text reads as
the file holds it, and printed JSON still parses to the same data.
"""

from __future__ import annotations

import unicodedata

# controls, invisible formatting (bidi overrides, zero-width characters), line and paragraph separators,
# and lone surrogates (no terminal can even be sent one)
INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_SHORT = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def invisible(char: str) -> bool:
    """Whether the character is not seen as itself (a control, a bidi override, a line separator)."""
    return unicodedata.category(char) in INVISIBLE


def escaped(char: str) -> str:
    """The character as JSON escapes it: `\\r`, `\\u202e`, a pair of `\\uXXXX` above the first plane."""
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def printable(text: str, lines: bool = True) -> str:
    """`text` with every invisible character shown as its escape, but for the line breaks (`\n`) of
    printed output when `lines`. Text with none, nearly all text, is returned as it is after one check."""
    parts = text.split("\n") if lines else [text]
    if all(part.isprintable() for part in parts):  # `isprintable` is false for every invisible character
        return text
    shown = ("".join(escaped(c) if invisible(c) else c for c in part) for part in parts)
    return "\n".join(shown)
