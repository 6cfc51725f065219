"""A seeded mutator of scenario files: the project's examples and test scenarios, broken as people break them.

Document `i` of seed `s` is always the same bytes (`document(s, i)`), so any
finding is reproduced with `python -m tests.fuzz --seed s --only i`. A
document is a YAML, JSON or workbook file made from one of the seed
scenarios by a few mutations, of two kinds:

- of the data: a field dropped, retyped or set to junk (None, huge or tiny
  numbers, non-finite ones, text with control characters or formulas, deep
  lists), a number scaled by powers of ten or set at the edge of its range,
  a list entry duplicated or emptied, an id changed, an unknown field added;
- of the text or bytes: characters inserted, deleted or replaced, a line
  repeated (a duplicate key), nesting, anchors and aliases, tags, a
  truncation; for workbooks, a cell rewritten (junk, formulas, dates, long
  text) or a part of the archive damaged.

A few documents also get a hostile variant id (a carriage return, a bidi
override, spaces alone: `hostile_variant_id`), and a few are not files but
bodies sent chunked to the meeting server (`tests/fuzz/requests.py`); both
are drawn apart from the rest, so the other documents keep their bytes.
"""

from __future__ import annotations

import copy
import io
import json
import math
import random
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from tests.paths import CHECKS, ROOT

SEED_FILES = (
    sorted((ROOT / "examples").glob("*.yaml"))
    + sorted(CHECKS.glob("*.yaml"))
    + sorted((ROOT / "tests" / "pooling" / "scenarios").glob("*.yaml"))
    + sorted((ROOT / "tests" / "scenarios" / "analysis" / "data").glob("*.yaml"))
    + sorted((ROOT / "tests" / "scenarios" / "analysis" / "partners").glob("*.yaml"))
)
FORMATS = ("yaml", "yaml", "json", "xlsx")  # YAML is what finance leads and batches mostly write

JUNK_TEXT = [
    "",
    " ",
    "=HYPERLINK(\"http://x\",\"y\")",
    "s\r=2+5+cmd|' /C calc'!A0",
    "+1",
    "-",
    "@SUM(A1)",
    "a\nb",
    "tab\there",
    "nul\x00",
    "\u202eevil",
    "#N/A",
    "'quoted",
    "x" * 5000,
    "é中文🙂",
    "2026-02-30",
    "yes",
    "null",
    ".nan",
    "1e400",
]
EDGE_NUMBERS = [
    0, -0.0, 1, -1, 0.5, 0.999999, 1.000001, 2, 100, 1e-300, 1e-12, 1e-9, 1e-6, 1e-3,
    1e3, 1e6, 1e9, 1e12, 1e12 + 1, 1.0000001e12, 1e13, 1e15, 1e300, 1e308, -1e308,
    10**20, 10**400, 2**63, -(2**63), math.inf, -math.inf, math.nan, 1900, 2200, 2026, 99999,
]  # fmt: skip


ACTIONS = ["drop", "junk", "junk", "scale", "edge", "edge", "duplicate", "empty", "id", "unknown", "deep"]
ACTIONS += ["sign"]

# the edges of the stated ranges (models.ranges), and just inside them
IN_RANGE_EDGES = [0, 1, 1.5, 1e12, 999_999_999_999.0, 0.001, 1000, 1e-6, 2e-6, 100, 1e9, -1e9, 1e6, 0.999999]


@dataclass(frozen=True)
class Document:
    """One fuzz document: a file's name (its suffix decides the format), its bytes, and how it was made."""

    index: int
    name: str
    data: bytes
    origin: str  # the seed file
    mutations: tuple[str, ...]


@cache
def seeds() -> list[tuple[str, dict[str, Any]]]:
    return [(p.name, yaml.safe_load(p.read_text())) for p in SEED_FILES]


def document(seed: int, index: int) -> Document:
    """Document `index` of the run seeded `seed`: the same bytes every time."""
    from tests.fuzz.requests import is_request, request_document  # it builds on this module

    if is_request(seed, index):  # a body sent to the meeting server, not a file
        return request_document(seed, index)
    rng = random.Random(f"laa-fuzz:{seed}:{index}")
    origin, base = rng.choice(seeds())
    from tests.fuzz.hostile_files import hostile_file  # it builds on this module

    hostile = hostile_file(seed, index, origin, base)  # a grid bomb or a hidden line break, drawn apart
    if hostile is not None:
        return hostile
    data = copy.deepcopy(base)
    fmt = rng.choice(FORMATS)
    done: list[str] = []
    # a third of the documents change only numbers, to the edges of their ranges and a little past: most
    # stay valid, so the planner meets the extreme areas a file may describe
    numbers_only = rng.random() < 0.35
    for _ in range(rng.choice((1, 1, 2, 3, 4))):
        done.append(mutate_number(rng, data) if numbers_only else mutate_data(rng, data))
    hostile, hostile_id = _hostile_draws(seed, index)
    if hostile_id and fmt != "xlsx":
        done.append(hostile_variant_id(hostile, data))
    if fmt == "xlsx":
        raw, more = _workbook(rng, data, base)
        if hostile_id:
            raw, how = hostile_variant_id_cell(hostile, raw)
            more.append(how)
        return Document(index, f"doc{index}.xlsx", raw, origin, (*done, *more))
    text = _as_json(data) if fmt == "json" else _as_yaml(data)
    if rng.random() < 0.4:
        text, how = mutate_text(rng, text, fmt)
        done.append(how)
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if rng.random() < 0.03:
        raw, how = mutate_bytes(rng, raw)
        done.append(how)
    return Document(index, f"doc{index}.{fmt}", raw, origin, tuple(done))


# --- the data ---


def mutate_data(rng: random.Random, doc: Any) -> str:
    places = list(_places(doc))
    if not places:
        return "nothing to mutate"
    path = rng.choice(places)
    parent, key = _parent(doc, path), path[-1]
    value = parent[key]
    where = "/".join(str(p) for p in path)
    action = rng.choice(ACTIONS)
    if action == "drop":
        del parent[key]
    elif action == "junk":
        parent[key] = _junk(rng)
    elif action == "scale" and _is_number(value):
        parent[key] = value * 10.0 ** rng.choice([-300, -12, -6, -3, 3, 6, 9, 12, 300])
    elif action == "edge" and _is_number(value):
        parent[key] = rng.choice(EDGE_NUMBERS)
    elif action == "sign" and _is_number(value):
        parent[key] = -value
    elif action == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(value))
    elif action == "empty" and isinstance(value, list | dict):
        value.clear()
    elif action == "id" and isinstance(value, str):
        parent[key] = rng.choice([value + rng.choice(JUNK_TEXT[:12]), rng.choice(JUNK_TEXT), value.upper()])
    elif action == "unknown" and isinstance(parent, dict):
        parent[rng.choice(["amount", "weigth", "streams ", "Eligible", "x"])] = _junk(rng)
    elif action == "deep":  # deeper nesting is a text mutation: PyYAML's writer recurses per level
        nested: Any = rng.choice([1, "x", None])
        for _ in range(rng.choice([5, 31, 33, 40])):
            nested = [nested]
        parent[key] = nested
    else:
        parent[key] = _junk(rng)
        action = "junk"
    return f"{action} {where}"


def mutate_number(rng: random.Random, doc: Any) -> str:
    places = [p for p in _places(doc) if _is_number(_parent(doc, p)[p[-1]])]
    if not places:
        return "no number to change"
    path = rng.choice(places)
    parent, key = _parent(doc, path), path[-1]
    where = "/".join(str(p) for p in path)
    if rng.random() < 0.5:
        parent[key] = rng.choice(IN_RANGE_EDGES)
        return f"edge {where}"
    parent[key] = parent[key] * 10.0 ** rng.choice([-6, -3, -1, 1, 3, 6])
    return f"scale {where}"


# --- hostile variant ids (issue 21: saved through the page and validated, printed raw) ---

HOSTILE_ID_SHARE = 0.06
HOSTILE_IDS = [
    "a\r\nb", "\u202egnp.exe", "x\u2028y", " ", "\u3000", "nel\x85", "\ufeffpct-half", "pct-half\u200b",
    "\t", "esc\x1b[2J", "\u2066isolate", "", "x" * 201, "=cmd|' /C calc'!A0", "pct half",
]  # fmt: skip


def _hostile_draws(seed: int, index: int) -> tuple[random.Random, bool]:
    """Its own draws, apart from the document's: every document that gets no hostile id is the bytes it
    always was. (The generator, and whether document `index` gets a hostile variant id.)"""
    rng = random.Random(f"laa-fuzz-variant-id:{seed}:{index}")
    return rng, rng.random() < HOSTILE_ID_SHARE


def has_hostile_variant_id(seed: int, index: int) -> bool:
    """Whether document `index` of seed `seed` is given a hostile variant id (a request never is)."""
    from tests.fuzz.requests import is_request

    return _hostile_draws(seed, index)[1] and not is_request(seed, index)


def hostile_variant_id(rng: random.Random, data: Any) -> str:
    """A variant's id (one of the file's, or a variant added) set to an id a person cannot read as typed."""
    if not isinstance(data, dict):
        return "no mapping for a variant"
    n = rng.randrange(len(HOSTILE_IDS))
    ident = HOSTILE_IDS[n]
    variants = data.get("variants")
    if isinstance(variants, list) and variants and isinstance(variants[0], dict):
        victim = rng.randrange(len(variants))
        if isinstance(variants[victim], dict):
            variants[victim]["id"] = ident
            return f"variant id #{n} {ident!r} at variants/{victim}"
    streams = data.get("streams")
    first = streams[0] if isinstance(streams, list) and streams else None
    stream = first.get("id", "s") if isinstance(first, dict) else "s"
    data["variants"] = [{"id": ident, "changes": [{"stream": stream, "scale": 0.9}]}]
    return f"variant id #{n} {ident!r} added"


def hostile_variant_id_cell(rng: random.Random, raw: bytes) -> tuple[bytes, str]:
    """A workbook's Variants sheet with one variant's id cell set to a hostile id."""
    import openpyxl
    from openpyxl.utils.exceptions import IllegalCharacterError

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw))
    except Exception:  # a damaged archive: the reader's refusal is what the document tests
        return raw, "no workbook for a variant id"
    if "Variants" not in book.sheetnames or book["Variants"].max_row < 2:
        return raw, "no variant in the workbook"
    sheet = book["Variants"]
    row = rng.randrange(2, sheet.max_row + 1)
    n = rng.randrange(len(HOSTILE_IDS))
    ident = HOSTILE_IDS[n]
    try:
        sheet.cell(row=row, column=1, value=ident)
    except IllegalCharacterError:  # openpyxl will not store C0 controls other than tab and line breaks
        ident = ident.replace("\x1b", "\u202e")  # as hostile, and as invisible
        sheet.cell(row=row, column=1, value=ident)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), f"variant id #{n} {ident!r} at Variants!A{row}"


def _junk(rng: random.Random) -> Any:
    kind = rng.randrange(7)
    if kind == 0:
        return rng.choice(EDGE_NUMBERS)
    if kind == 1:
        return rng.choice(JUNK_TEXT)
    if kind == 2:
        return rng.choice([None, True, False, [], {}])
    if kind == 3:
        return [rng.choice(EDGE_NUMBERS) for _ in range(rng.randrange(4))]
    if kind == 4:
        keys = [2026, 2027, "2026", 1, "x"]
        return {rng.choice(keys): rng.choice(EDGE_NUMBERS) for _ in range(rng.randrange(3))}
    if kind == 5:
        return rng.uniform(-1e6, 1e6)
    return rng.randrange(-(10**6), 10**6)


def _places(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            found += _places(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += _places(v, (*prefix, i))
    return found


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        doc = doc[part]
    return doc


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- the text ---


def _as_yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _as_json(data: Any) -> str:
    def plain(value: Any) -> Any:  # JSON has no NaN or infinity: written as JSON's parser would read them
        if isinstance(value, float) and not math.isfinite(value):
            return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return json.dumps(plain(data), indent=1, ensure_ascii=False)


CONTROL = ["\r", "\t", "\x00", "\x1b", "\u2028", "\ufeff", "\ud800"]
PUNCTUATION = ["{", "}", "[", "]", ":", "-", "&a ", "*a", "!!python/object ", "'", '"', "#"]
DIGITS = ["9e999", "-", "1_000", "0x10", ".inf", "1e308"]


def mutate_text(rng: random.Random, text: str, fmt: str) -> tuple[str, str]:
    lines = text.split("\n")
    n = rng.randrange(len(lines))
    at = rng.randrange(len(text) + 1)
    action = rng.randrange(11)
    if action == 0:  # a line given twice: a duplicate key in a mapping
        lines.insert(n, lines[n])
        return "\n".join(lines), f"repeat line {n + 1}"
    if action == 1:
        return text[:at] + rng.choice(CONTROL) + text[at:], "control"
    if action == 2:
        return text[:at] + text[at + rng.randrange(1, 40) :], "delete"
    if action == 3:
        return text[:at] + rng.choice(PUNCTUATION) + text[at:], "insert"
    if action == 4:
        return text[:at], "truncate"
    if action == 5:
        depth = rng.choice([32, 33, 990, 5000])
        nested = "[" * depth + "1" + "]" * depth
        if fmt == "yaml":
            return text.replace(": ", f": {nested}\n#", 1), f"nest {depth}"
        return "[" * depth + text + "]" * depth, f"nest {depth}"
    if action == 6 and fmt == "yaml":
        laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True):
            laughs += f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9) + "]\n"
        return laughs + text, "aliases"
    if action == 7 and fmt == "yaml":
        if rng.random() < 0.3:
            return text.replace("\n", "\n---\n", 1), "second document"
        return text.replace(": ", ": !!binary ", 1), "tag"
    if action == 8:
        return text.replace("\n", "\r\n"), "crlf"
    if action == 9 and fmt == "yaml":
        return "x: &x {a: 1}\n" + text.replace("\n", "\n  <<: *x\n", 1), "merge"
    return text.replace(rng.choice(["1", "0", "2"]), rng.choice(DIGITS), 1), "digit"


def mutate_bytes(rng: random.Random, raw: bytes) -> tuple[bytes, str]:
    buffer = bytearray(raw)
    for _ in range(rng.randrange(1, 8)):
        if buffer:
            buffer[rng.randrange(len(buffer))] = rng.randrange(256)
    return bytes(buffer), "bytes"


# --- workbooks ---


def _workbook(rng: random.Random, data: dict[str, Any], base: dict[str, Any]) -> tuple[bytes, list[str]]:
    """A workbook of the scenario (of the seed when the mutated data cannot be written), then damaged."""
    from laa.models.load import parse_scenario
    from laa.models.workbook.writer import scenario_workbook

    done = []
    try:
        raw = scenario_workbook(parse_scenario(data, "fuzz"))
    except Exception:  # the loader's own failures are found through the YAML and JSON documents
        raw = _seed_workbook(json.dumps(base, sort_keys=True, default=str))
        done.append("from the seed")
    if rng.random() < 0.7:
        raw, how = _cells(rng, raw)
        done.append(how)
    if rng.random() < 0.3:
        raw, how = _archive(rng, raw)
        done.append(how)
    return raw, done


@cache
def _seed_workbook(key: str) -> bytes:
    from laa.models.load import parse_scenario
    from laa.models.workbook.writer import scenario_workbook

    return scenario_workbook(parse_scenario(json.loads(key), "fuzz"))


FINITE_EDGES = [n for n in EDGE_NUMBERS if abs(n) < 1e300 and n == n]
CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*?)(?:/>|>.*?</c>)', re.S)
CELL_VALUES = [
    lambda rng: _text_cell(rng.choice(JUNK_TEXT[:14]).replace("\x00", "")),
    lambda rng: b"<v>" + repr(float(rng.choice(FINITE_EDGES))).encode() + b"</v>",
    lambda rng: b'<f>1+1</f><v>2</v>',
    lambda rng: b"<f>A1</f>",
    lambda rng: b'<v>#DIV/0!</v>',
    lambda rng: b"<v>1</v>",
    lambda rng: _text_cell("x" * 40_000),
    lambda rng: b"<v>46023</v>",
    lambda rng: b"<v>not a number</v>",
]
CELL_TYPES = [b' t="inlineStr"', b"", b"", b"", b' t="e"', b' t="b"', b' t="inlineStr"', b' s="1"', b""]


def _text_cell(text: str) -> bytes:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return b"<is><t>" + escaped.encode("utf-8", "surrogatepass") + b"</t></is>"


def _cells(rng: random.Random, raw: bytes) -> tuple[bytes, str]:
    """One cell of one sheet rewritten in the sheet's XML: junk text, a number, a formula, an error."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(raw))
    sheets = [n for n in source.namelist() if n.startswith("xl/worksheets/sheet")]
    victim = rng.choice(sheets)
    part = source.read(victim)
    cells = list(CELL.finditer(part))
    if not cells:
        return raw, "no cell"
    cell = rng.choice(cells)
    kind = rng.randrange(len(CELL_VALUES))
    value = CELL_VALUES[kind](rng)
    replacement = b'<c r="' + cell.group(1) + b'"' + CELL_TYPES[kind] + b">" + value + b"</c>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == victim:
                data = part[: cell.start()] + replacement + part[cell.end() :]
            target.writestr(name, data)
    return out.getvalue(), f"cell {victim} {cell.group(1).decode()} #{kind}"


def _archive(rng: random.Random, raw: bytes) -> tuple[bytes, str]:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(raw))
    names = source.namelist()
    victim = rng.choice(names)
    action = rng.randrange(5)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            part = source.read(name)
            if name == victim:
                if action == 0:
                    continue  # a part missing
                if action == 1:
                    part = part[: rng.randrange(len(part) + 1)]
                elif action == 2:
                    at = part.find(b">") + 1
                    part = part[:at] + b"<!--" + b"c" * rng.choice([10, 2_000_000]) + b"-->" + part[at:]
                elif action == 3:
                    part = part.replace(b"<", b"<!DOCTYPE x [<!ENTITY e 'lol'>]><", 1)
                else:
                    at = rng.randrange(len(part) + 1)
                    part = part[:at] + bytes(rng.randrange(256) for _ in range(4)) + part[at:]
            target.writestr(name, part)
    return out.getvalue(), f"archive {victim} #{action}"
