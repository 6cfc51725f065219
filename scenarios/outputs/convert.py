"""A scenario written as YAML, JSON or a workbook, and checked to read back as the same scenario.

`laa convert` promises no loss, so it does not trust the writers: the
output is read back in memory and compared with the input before anything
is written, and a difference is refused with the field it is in.

An OpenDocument spreadsheet (.ods, LibreOffice's own format) is the Excel
workbook's cells at the same places, written by pandas through odfpy (the
library `laa` already reads .ods with): every value and every sheet, but
not the header notes, drop-down lists and colours, which pandas' writer
cannot make. Open it in LibreOffice and save it again, or convert to .xlsx,
for those.
"""

from __future__ import annotations

import io
import json
from enum import Enum
from typing import Any

from laa.models.errors import InputError, ScenarioError
from laa.models.line_breaks import dump_yaml
from laa.models.load import parse_json, parse_scenario, parse_workbook, parse_yaml
from laa.models.scenario import Scenario
from laa.models.workbook.writer import scenario_workbook

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".xlsx": "xlsx", ".ods": "ods"}


def format_of(name: str) -> str:
    """The scenario format a file name's suffix names; refused, with the suffixes we read, otherwise."""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix not in FORMATS:
        raise InputError(f"{name}: cannot tell the format; name it .yaml, .yml, .json, .xlsx or .ods")
    return FORMATS[suffix]


def converted(scenario: Scenario, name: str) -> bytes:
    """The scenario in the format `name`'s suffix names, refused if it would not read back the same."""
    fmt = format_of(name)
    payload = encode(scenario, fmt)
    try:
        back = decode(payload, fmt, name)
    except ScenarioError as exc:
        # the output is ours, so a problem reading it back is the writer's loss, not the user's cell
        raise InputError(
            f"{name}: the scenario would not survive as {fmt} unchanged (it does not read back: "
            f"{exc.problems[0].message}); nothing was written"
        ) from None
    if back != scenario:
        raise InputError(
            f"{name}: the scenario would not survive as {fmt} unchanged "
            f"(it differs at {difference(scenario.model_dump(), back.model_dump()) or 'an unknown place'}); "
            "nothing was written"
        )
    return payload


def encode(scenario: Scenario, fmt: str) -> bytes:
    """The scenario as bytes in `fmt` (yaml, json, xlsx or ods), holding only the fields the file set."""
    if fmt == "xlsx":
        return scenario_workbook(scenario)
    if fmt == "ods":
        return opendocument(scenario_workbook(scenario))
    if fmt == "json":
        doc = scenario.model_dump(mode="json", exclude_unset=True)
        return (json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
    text = dump_yaml(_plain(scenario.model_dump(exclude_unset=True)), sort_keys=False, allow_unicode=True)
    return text.encode("utf-8")


def decode(payload: bytes, fmt: str, name: str) -> Scenario:
    """Read bytes in `fmt` back as a checked scenario; `name` is the file named in any problem."""
    if fmt == "xlsx":
        return parse_workbook(payload, name)
    if fmt == "ods":
        from laa.models.workbook.ods import ods_as_xlsx  # pandas, only for an .ods

        return parse_workbook(ods_as_xlsx(payload, name), name)
    text = payload.decode("utf-8")
    return parse_scenario(parse_json(text, name) if fmt == "json" else parse_yaml(text, name), name)


def opendocument(workbook: bytes) -> bytes:
    """An .xlsx workbook's sheets as an .ods spreadsheet: each cell's value at its own row and column."""
    import pandas as pd  # only for an .ods: `laa template` and other conversions do without it
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="odf") as writer:
        for ws in book.worksheets:
            rows = list(ws.iter_rows(min_row=1, min_col=1, values_only=True))
            pd.DataFrame(rows, dtype=object).to_excel(writer, sheet_name=ws.title, header=False, index=False)
    return buffer.getvalue()


def difference(a: Any, b: Any, path: str = "") -> str | None:
    """The first place two dumped scenarios differ, as `streams.3.amounts`."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            found = difference(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            found = difference(x, y, f"{path}.{k}")
            if found:
                return found
        return None
    return None if a == b else path or "the whole scenario"


def _plain(value: Any) -> Any:
    """Python data YAML's safe dumper takes: enum members as their values."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
