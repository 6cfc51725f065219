"""Fuzz documents that are hostile files (issue 21): grid bombs, and YAML with line breaks a reviewer does
not see, each made from the document's seed scenario by `tests/fuzz/bombs.py`.

Whether document `i` of seed `s` is one, and which, is drawn from a
generator of its own, so every other document keeps the bytes it always
had. A grid bomb's size is drawn at, just inside and just past the bound it
tests (`models.workbook.bounds`): inside, the file must load or be refused
for what else is wrong with it, as fast as any; past it, it must be refused
at its sheet and cell. The runner's figures (CPU seconds and peak memory of
each document) say how fast.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from laa.models.workbook import bounds

from tests.fuzz import bombs
from tests.fuzz.mutator import Document, _as_yaml, _seed_workbook

GRID_SHARE = 0.04
BREAK_SHARE = 0.02

# a bomb made from the seed's workbook (or spreadsheet) and the draws: its bytes, and what it is
Bomb = Callable[[bytes, random.Random], tuple[bytes, str]]


def _far_column(book: bytes, rng: random.Random) -> tuple[bytes, str]:
    column = rng.choice([bounds.MAX_COLUMNS, bounds.MAX_COLUMNS + 1, 16_384])
    rows = rng.choice([1, 50, 5000])
    letters = bounds.column_letters(column)
    return bombs.far_column(book, rows=rows, column=letters), f"{rows} rows with a cell in {letters}"


def _cells(book: bytes, rng: random.Random) -> tuple[bytes, str]:
    rows = bounds.MAX_CELLS // bounds.MAX_COLUMNS + rng.choice([-10, 0, 10])
    return bombs.far_column(book, rows=rows, column="AMJ"), f"{rows} rows padded to AMJ"


def _far_row(book: bytes, rng: random.Random) -> tuple[bytes, str]:
    number = rng.choice([bounds.MAX_ROWS + 1, bounds.LAST_EXCEL_ROW, bounds.LAST_EXCEL_ROW + 1, 10**11])
    return bombs.far_row(book, number), f"a row numbered {number}"


def _flood(book: bytes, rng: random.Random) -> tuple[bytes, str]:
    count = bounds.MAX_XLSX_ELEMENTS + rng.choice([-100_000, 100_000])
    return bombs.element_flood(book, count), f"{count} elements"


def _texts(book: bytes, rng: random.Random) -> tuple[bytes, str]:
    cells = rng.choice([100, 600, 20_000])
    return bombs.shared_texts(book, cells=cells), f"a text of 30,000 characters shared by {cells} cells"


def _runs(book: bytes, rng: random.Random) -> tuple[bytes, str]:
    runs = rng.choice([2, 3])
    return bombs.long_runs(book, runs=runs), f"{runs} runs of markup just under the bound"


def _space(book: bytes, rng: random.Random) -> tuple[bytes, str]:
    megabytes = rng.choice([60, 70, 255])
    return bombs.blank_space(book, megabytes), f"{megabytes} MB of spaces"


def _ods_columns(ods: bytes, rng: random.Random) -> tuple[bytes, str]:
    count = rng.choice([1000, bounds.MAX_COLUMNS + 1, 10**6])
    return bombs.repeated_columns(ods, count), f"a value repeated {count} times across"


def _ods_rows(ods: bytes, rng: random.Random) -> tuple[bytes, str]:
    count = rng.choice([900, 5_000, bounds.MAX_ROWS + 1, 10**6])
    return bombs.repeated_rows(ods, count), f"a row with a value repeated {count} times"


def _ods_blank_rows(ods: bytes, rng: random.Random) -> tuple[bytes, str]:
    count = rng.choice([1000, bounds.MAX_ROWS, 1_048_000])
    return bombs.blank_rows_then_a_value(ods, count), f"{count} blank rows, then a value"


def _ods_spaces(ods: bytes, rng: random.Random) -> tuple[bytes, str]:
    count = rng.choice([10, 40_000, 10**9])
    return bombs.repeated_spaces(ods, count), f"a space repeated {count} times"


def _ods_flood(ods: bytes, rng: random.Random) -> tuple[bytes, str]:
    count = bounds.MAX_ODS_ELEMENTS + rng.choice([-20_000, 20_000])
    return bombs.ods_flood(ods, count), f"a row of {count} blank cells"


def _ods_edges(ods: bytes, rng: random.Random) -> tuple[bytes, str]:
    return bombs.libreoffice_trailers(ods), "LibreOffice's blanks to the sheet's edges"


BOMBS: list[tuple[str, Bomb]] = [
    ("xlsx", _far_column), ("xlsx", _cells), ("xlsx", _far_row), ("xlsx", _flood), ("xlsx", _texts),
    ("xlsx", _runs), ("xlsx", _space), ("ods", _ods_columns), ("ods", _ods_rows), ("ods", _ods_blank_rows),
    ("ods", _ods_spaces), ("ods", _ods_flood), ("ods", _ods_edges),
]  # fmt: skip


def _draws(seed: int, index: int) -> tuple[random.Random, float]:
    rng = random.Random(f"laa-fuzz-hostile-file:{seed}:{index}")
    return rng, rng.random()


def is_hostile_file(seed: int, index: int) -> bool:
    """Whether document `index` of seed `seed` is a grid bomb or hides a line break."""
    return _draws(seed, index)[1] < GRID_SHARE + BREAK_SHARE


def hostile_file(seed: int, index: int, origin: str, base: dict[str, Any]) -> Document | None:
    """Document `index` as a hostile file made from the seed scenario `base`, or None for the others."""
    rng, draw = _draws(seed, index)
    if draw >= GRID_SHARE + BREAK_SHARE:
        return None
    if draw >= GRID_SHARE:
        text = _as_yaml(base)
        line = rng.randrange(len(text.split("\n")))
        char = rng.choice(bombs.HIDDEN_BREAKS)
        raw = bombs.hidden_break(text, line, char).encode()
        how = f"hidden line break {char!r} at line {line + 1}"
        return Document(index, f"doc{index}.yaml", raw, origin, (how,))
    kind, bomb = rng.choice(BOMBS)
    book = _seed_workbook(json.dumps(base, sort_keys=True, default=str))
    raw, how = bomb(book if kind == "xlsx" else _seed_ods(book), rng)
    return Document(index, f"doc{index}.{kind}", raw, origin, (f"grid bomb: {how}",))


_ODS: dict[bytes, bytes] = {}


def _seed_ods(book: bytes) -> bytes:
    """The seed's workbook as an .ods, made once per seed in each worker."""
    if book not in _ODS:
        _ODS[book] = bombs.ods_of(book)
    return _ODS[book]
