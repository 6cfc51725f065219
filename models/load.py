"""Reading a scenario file into a validated `Scenario`, or every problem with it at once.

Files come from finance leads' desktops and nightly folders, so they are
treated as untrusted: a size cap before reading, YAML's safe loader (no
Python objects), a cap on how far aliases expand (a "billion laughs" file
would otherwise hang validation), and no NaN or infinity anywhere.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from laa.models.checks import cross_check
from laa.models.errors import Problem, ScenarioError, item_label
from laa.models.messages import validation_message
from laa.models.scenario import Scenario
from laa.models.variants import check_variants, read_variants
from laa.models.workbook.ods import is_opendocument, ods_as_xlsx
from laa.models.workbook.reader import OLE_MAGIC, CellProblem, read_workbook
from pydantic import ValidationError

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_EXPANDED_NODES = 2_000_000
OPENDOCUMENT_SUFFIXES = (".ods",)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", *OPENDOCUMENT_SUFFIXES)
OLD_EXCEL_SUFFIXES = (".xls", ".xlt")
SAVE_AS_XLSX = "open it in Excel or LibreOffice and save it as an Excel workbook (.xlsx)"
LIST_SECTIONS = ("blocks", "funders", "outcomes", "streams", "rules", "pots", "historic")

try:  # the C loader is much faster on large files and just as safe
    _SafeLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _SafeLoader = yaml.SafeLoader


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file (YAML, JSON or an Excel workbook)."""
    path = Path(path)
    name = path.name or str(path)
    _refuse_unreadable(path, name)
    return load_scenario_bytes(path.read_bytes(), name)


def load_scenario_bytes(data: bytes, name: str) -> Scenario:
    """A scenario from a file's bytes, read as a file called `name` (its suffix decides the format).

    For bytes already in memory (`laa batch` hashes a file once and sends the
    bytes to a worker), so nothing is written to disk to be parsed; problems
    are located in `name`, and a workbook's at its sheet and cell (`Streams!F7`).
    """
    _refuse_oversized(len(data), name)
    suffix = Path(name).suffix.lower()
    if suffix in OLD_EXCEL_SUFFIXES:
        old = f"is an Excel 97-2003 workbook (.xls), which is not read: {SAVE_AS_XLSX}"
        raise ScenarioError([Problem(name, None, None, None, old)])
    if suffix in OPENDOCUMENT_SUFFIXES:
        return parse_workbook(ods_as_xlsx(data, name), name)
    if suffix in WORKBOOK_SUFFIXES:
        return parse_workbook(data, name)
    return parse_scenario(_document(data, name), source=name)


def read_document(path: Path) -> dict[str, Any]:
    """The file's content as plain data, refusing what cannot be a scenario."""
    name = path.name or str(path)
    _refuse_unreadable(path, name)
    return _document(path.read_bytes(), name)


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
    binary = "is a binary file, not YAML or JSON"
    if raw.startswith(OLE_MAGIC):
        return f"{binary}: an Excel 97-2003 (.xls) or password-protected workbook; {SAVE_AS_XLSX}"
    if is_opendocument(raw):
        return f"{binary}: an OpenDocument spreadsheet; name it .ods to read it"
    if raw.startswith(b"PK\x03\x04"):
        return f"{binary}: a zip archive (an Excel workbook?); name it .xlsx to read it"
    return binary


def _refuse_unreadable(path: Path, name: str) -> None:
    """A missing file, a folder or an oversized file, refused before anything is read."""
    if not path.exists():
        raise ScenarioError([Problem(name, None, None, None, f"no such file: {path}")])
    if path.is_dir():
        raise ScenarioError([Problem(name, None, None, None, "is a directory, not a scenario file")])
    _refuse_oversized(path.stat().st_size, name)


def _refuse_oversized(size: int, name: str) -> None:
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            [
                Problem(
                    name,
                    None,
                    None,
                    None,
                    f"file is {size:,} bytes; a scenario file is expected to be under "
                    f"{MAX_FILE_BYTES:,} bytes",
                )
            ]
        )


def parse_json(text: str, name: str) -> dict[str, Any]:
    def no_constants(token: str) -> float:
        raise ValueError(f"{token} is not a number a scenario may hold")

    try:
        data = json.loads(text, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            [Problem(name, None, None, None, f"JSON does not parse at line {exc.lineno}: {exc.msg}")]
        ) from None
    except ValueError as exc:
        raise ScenarioError([Problem(name, None, None, None, str(exc))]) from None
    return _expect_mapping(data, name)


def parse_yaml(text: str, name: str) -> dict[str, Any]:
    try:
        node = yaml.compose(text, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise ScenarioError([Problem(name, None, None, None, _yaml_message(exc))]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(name, None, None, None, f"YAML does not parse: {exc}")]) from None
    if node is None:
        raise ScenarioError([Problem(name, None, None, None, "is empty; a scenario is expected")])
    expanded = _expanded_size(node, {})
    if expanded > MAX_EXPANDED_NODES:
        raise ScenarioError(
            [
                Problem(
                    name,
                    None,
                    None,
                    None,
                    f"YAML aliases expand the file to over {MAX_EXPANDED_NODES:,} items; "
                    "write the values out instead of repeating anchors",
                )
            ]
        )
    try:
        data = _SafeLoader(text).get_single_data()
    except yaml.MarkedYAMLError as exc:
        raise ScenarioError([Problem(name, None, None, None, _yaml_message(exc))]) from None
    return _expect_mapping(data, name)


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    what = exc.problem or exc.context or "invalid YAML"
    if "could not determine a constructor" in str(exc):
        what = f"tag {exc.problem.split('tag')[-1].strip() if exc.problem else ''} is not allowed"
        what += " (a scenario holds plain values only)"
    return f"YAML does not parse{where}: {what}"


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many nodes the document has once aliases are expanded (shared nodes counted each time)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards against recursive aliases
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_size(child, memo)
            if total > MAX_EXPANDED_NODES:
                break
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            total += _expanded_size(k, memo) + _expanded_size(v, memo)
            if total > MAX_EXPANDED_NODES:
                break
    memo[key] = total
    return total


def _expect_mapping(data: Any, name: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        found = type(data).__name__ if data is not None else "nothing"
        raise ScenarioError(
            [Problem(name, None, None, None, f"a mapping of sections is expected; found {found}")]
        )
    return data


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
    data = _expect_mapping(data, source)
    problems = cross_check(data, source)
    # variants are read apart, so their problems read as the changes they are in (models.variants)
    variants, problems_in_variants = read_variants(data.get("variants"), source)
    problems += problems_in_variants
    base = {k: v for k, v in data.items() if k != "variants"}
    try:
        scenario = Scenario.model_validate(base, context={"years": _years_of(data)})
    except ValidationError as exc:
        return None, _located(exc, data, source) + problems
    except (RecursionError, TypeError, ValueError) as exc:
        return None, [Problem(source, None, None, None, f"cannot be read as a scenario: {exc}"), *problems]
    if variants is not None:
        scenario = scenario.model_copy(update={"variants": variants})
        if not problems:  # each variant applied to a valid base: unknown ids, values out of range
            problems = check_variants(scenario, source)
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
            if loc[tag].startswith("dict[") != meant_mapping:
                continue
            if not meant_mapping and not isinstance(value, int | float):
                err = {**err, "type": "union", "msg": "expected a number, or a mapping of year to number"}
            del loc[tag]
        section = str(loc.pop(0)) if loc else None
        item, index = None, None
        if section in LIST_SECTIONS and loc and isinstance(loc[0], int):
            index = loc.pop(0)
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
