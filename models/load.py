"""Reading a scenario file into a validated `Scenario`, or every problem with it at once.

Files come from finance leads' desktops and nightly folders, so they are
treated as untrusted: only a regular file is read, and its size is checked
before a byte is (`models.reading`); the text is parsed with nesting, aliases
and duplicate keys guarded and no object tags (`models.documents`); no NaN or
infinity anywhere, and every number within its range (`models.ranges`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from laa.models.checks import cross_check
from laa.models.documents import expect_mapping, parse_json, parse_yaml
from laa.models.errors import Problem, ScenarioError, item_label
from laa.models.messages import validation_message
from laa.models.reading import MAX_FILE_BYTES as MAX_FILE_BYTES  # re-exported: the cap callers state
from laa.models.reading import read_scenario_file, refuse_oversized
from laa.models.scenario import Scenario
from laa.models.variants import check_variants, read_variants
from pydantic import ValidationError

# The workbook readers (openpyxl, pandas for .ods) are imported only for a workbook, inside the
# functions below: `laa validate` on YAML or JSON starts without them (issue 15).

OPENDOCUMENT_SUFFIXES = (".ods",)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", *OPENDOCUMENT_SUFFIXES)
OLD_EXCEL_SUFFIXES = (".xls", ".xlt")
SAVE_AS_XLSX = "open it in Excel or LibreOffice and save it as an Excel workbook (.xlsx)"
LIST_SECTIONS = ("blocks", "funders", "outcomes", "streams", "rules", "pots", "historic")


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file (YAML, JSON or an Excel workbook)."""
    path = Path(path)
    name = path.name or str(path)
    return load_scenario_bytes(read_scenario_file(path, name), name)


def load_scenario_bytes(data: bytes, name: str) -> Scenario:
    """A scenario from a file's bytes, read as a file called `name` (its suffix decides the format).

    For bytes already in memory (`laa batch` hashes a file once and sends the
    bytes to a worker), so nothing is written to disk to be parsed; problems
    are located in `name`, and a workbook's at its sheet and cell (`Streams!F7`).
    """
    refuse_oversized(len(data), name)
    suffix = Path(name).suffix.lower()
    if suffix in OLD_EXCEL_SUFFIXES:
        old = f"is an Excel 97-2003 workbook (.xls), which is not read: {SAVE_AS_XLSX}"
        raise ScenarioError([Problem(name, None, None, None, old)])
    if suffix in OPENDOCUMENT_SUFFIXES:
        from laa.models.workbook.ods import ods_as_xlsx

        return parse_workbook(ods_as_xlsx(data, name), name)
    if suffix in WORKBOOK_SUFFIXES:
        return parse_workbook(data, name)
    return parse_scenario(_document(data, name), source=name)


def read_document(path: Path) -> dict[str, Any]:
    """The file's content as plain data, refusing what cannot be a scenario."""
    name = path.name or str(path)
    return _document(read_scenario_file(path, name), name)


def _document(raw: bytes, name: str) -> dict[str, Any]:
    """YAML or JSON (by the suffix of `name`) as plain data; binary or non-UTF-8 bytes refused."""
    if b"\x00" in raw[:65536]:
        raise ScenarioError([Problem(name, None, None, None, _binary(raw))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [Problem(name, None, None, None, f"is not UTF-8 text (byte {exc.start})")]
        ) from None
    if Path(name).suffix.lower() == ".json":
        return parse_json(text, name)
    return parse_yaml(text, name)


def _binary(raw: bytes) -> str:
    """What a binary file named as YAML or JSON seems to be, and what to do with it."""
    from laa.models.workbook.ods import is_opendocument
    from laa.models.workbook.reader import OLE_MAGIC

    binary = "is a binary file, not YAML or JSON"
    if raw.startswith(OLE_MAGIC):
        return f"{binary}: an Excel 97-2003 (.xls) or password-protected workbook; {SAVE_AS_XLSX}"
    if is_opendocument(raw):
        return f"{binary}: an OpenDocument spreadsheet; name it .ods to read it"
    if raw.startswith(b"PK\x03\x04"):
        return f"{binary}: a zip archive (an Excel workbook?); name it .xlsx to read it"
    return binary


def parse_scenario(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate plain data as a scenario, raising `ScenarioError` with every problem found."""
    scenario, problems = _validated(data, source)
    if problems:
        raise ScenarioError(_unique(problems))
    assert scenario is not None
    return scenario


def parse_workbook(raw: bytes, name: str) -> Scenario:
    """A workbook's scenario, every problem located at its sheet and cell (`Streams!F7`).

    What the reader found wrong with cells (a formula, a date, an unknown kind) is
    reported with validation's problems in one pass, so a finance lead fixes them all
    at once; a validation problem at a cell the reader already flagged (the amount
    missing where a formula was) only repeats it, and is left out.
    """
    from laa.models.workbook.reader import CellProblem, read_workbook

    book = read_workbook(raw, name)
    scenario, problems = _validated(book.data, name)
    flagged = {p.where for p in book.problems}
    located = [book.cells.locate(p) for p in problems]
    problems = [p for p in located if not (isinstance(p, CellProblem) and p.where in flagged)]
    if book.problems or problems:
        raise ScenarioError(_unique([*book.problems, *problems]))
    assert scenario is not None
    return scenario


def _validated(data: dict[str, Any], source: str) -> tuple[Scenario | None, list[Problem]]:
    data = expect_mapping(data, source)
    problems = cross_check(data, source)
    # variants are read apart, so their problems read as the changes they are in (models.variants)
    variants = read_variants(data.get("variants"), source)
    base = {k: v for k, v in data.items() if k != "variants"}
    try:
        scenario = Scenario.model_validate(base, context={"years": _years_of(data)})
    except ValidationError as exc:
        return None, _located(exc, data, source) + problems + variants.problems
    except (RecursionError, TypeError, ValueError) as exc:
        problems = [Problem(source, None, None, None, f"cannot be read as a scenario: {exc}"), *problems]
        return None, problems + variants.problems
    if [p for p in problems if p.section != "variants"]:
        problems += variants.problems
    else:  # a valid base: the changes' ids and values too
        problems += check_variants(scenario, variants)
    if variants.variants is not None and not problems:
        scenario = scenario.model_copy(update={"variants": variants.variants})
    return scenario, problems


def _years_of(data: dict[str, Any]) -> list[int]:
    years = data.get("years")
    if isinstance(years, list):
        return [y for y in years if isinstance(y, int) and not isinstance(y, bool)]
    return []


def _located(exc: ValidationError, data: dict[str, Any], source: str) -> list[Problem]:
    found: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        tag = next((i for i, p in enumerate(loc) if isinstance(p, str) and _is_union_tag(p)), None)
        if tag is not None:
            # "a number, or a mapping of year to number": report only the branch the user meant
            value = _value_at(data, loc[:tag])
            meant_mapping = isinstance(value, dict)
            if str(loc[tag]).startswith("dict[") != meant_mapping:
                continue
            if not meant_mapping and not isinstance(value, int | float):
                err = {**err, "type": "union", "msg": "expected a number, or a mapping of year to number"}
            del loc[tag]
        section = str(loc.pop(0)) if loc else None
        item, index = None, None
        if section in LIST_SECTIONS and loc and isinstance(loc[0], int):
            index = int(loc.pop(0))
            raw = data.get(section)
            entry = raw[index] if isinstance(raw, list) and index < len(raw) else None
            item = item_label(section, entry, index)
        field = ".".join(str(p) for p in loc) or None
        found.append(Problem(source, section, item, field, validation_message(err), index))
    return found


def _is_union_tag(part: str) -> bool:
    return part.startswith(("dict[", "function-after[")) or part in ("constrained-float", "float", "int")


def _value_at(data: Any, loc: list[Any]) -> Any:
    for part in loc:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    ordered = []
    for p in problems:
        if p not in seen:
            seen.add(p)
            ordered.append(p)
    return ordered
