"""Line breaks YAML reads that a reviewer does not see: refused, at the line and column an editor shows.

YAML (1.1, as libyaml reads it) ends a line at a line feed, a carriage
return, NEXT LINE (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR
(U+2029). grep, diff and a code review end a line at a line feed only, and
a terminal shows the others as nothing, or a carriage return as a jump back
to the start of the same line. So in

    outcomes:   # weight reviewed by finance<U+2028>  min_spend: 40000000

a reviewer reads one comment, and the loader reads a minimum that makes the
aligned plan infeasible (issue 21). Any of these characters in a YAML file
is refused, each at its line and column counted as an editor counts them
(lines end at line feeds; columns are characters from 1), with the text it
would hide. A carriage return is refused only where no line feed follows
it: a file saved with Windows' CRLF line ends is read as it always was.

What the engine writes as YAML (`laa convert`, a saved variant) goes
through `dump_yaml`, which writes a text holding one of them escaped
(`"a\\Lb"`), where PyYAML would write it raw and the file be refused.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from laa.models.errors import Problem

HIDDEN_BREAKS = re.compile("[\x85\u2028\u2029]|\r(?!\n)")
NAMES = {
    "\r": "U+000D CARRIAGE RETURN (not followed by a line feed)",
    "\x85": "U+0085 NEXT LINE",
    "\u2028": "U+2028 LINE SEPARATOR",
    "\u2029": "U+2029 PARAGRAPH SEPARATOR",
}
MAX_SHOWN = 20  # a file saved with old Mac line ends has one on every line: the first few say it


def hidden_line_breaks(text: str, name: str) -> list[Problem]:
    """Every character of the YAML text that YAML reads as a line break and a reviewer does not."""
    found = list(HIDDEN_BREAKS.finditer(text))
    problems = [Problem(name, None, None, None, _message(text, m.start())) for m in found[:MAX_SHOWN]]
    if len(found) > MAX_SHOWN:
        more = f"{len(found) - MAX_SHOWN:,} more characters YAML reads as line breaks and a reviewer does not"
        problems.append(Problem(name, None, None, None, f"{more}; only the first {MAX_SHOWN} are listed"))
    return problems


def _message(text: str, at: int) -> str:
    line_start = text.rfind("\n", 0, at) + 1
    line = text.count("\n", 0, at) + 1
    column = at - line_start + 1
    end = text.find("\n", at)
    after = text[at + 1 : len(text) if end == -1 else end].rstrip("\r")
    after = HIDDEN_BREAKS.split(after)[0]
    said = f"line {line}, column {column} holds {NAMES[text[at]]}, which YAML reads as a line break "
    said += "and grep, diff and a review do not"
    if after.strip():
        shown = after if len(after) <= 60 else after[:57] + "..."
        said += f": {shown!r} after it is read as a line of its own, unseen in review"
    return said + "; delete it, or break the line with an ordinary line break"


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe writer, with a text holding a hidden line break double-quoted, so it is escaped."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if HIDDEN_BREAKS.search(value) or "\r" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump_yaml(data: Any, **options: Any) -> str:
    """`yaml.safe_dump(data, **options)`, with every hidden line break in a text written escaped."""
    return yaml.dump(data, Dumper=_Dumper, **options)
