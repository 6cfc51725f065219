"""'Save as variant': the meeting's changes written back into the scenario file, or beside it.

A finance lead's YAML file carries comments and an order of its own that a
re-dump would lose, so the file is not re-written: only the text of the
`variants:` block changes (one item replaced, or one appended; the block
added at the end when there is none), and the rest of the file stays byte
for byte as it was. JSON has no comments, so a JSON file is re-written with
the same data. Before anything is written the new text is read back: its
data must be the old data with exactly this variant put in, and it must
load as a valid scenario; then it is written atomically.

The bytes the edit does not touch are the file's own: a UTF-8 byte order
mark stays, and a file whose lines end CRLF (Windows) gets its new lines
ending CRLF too. The file keeps its permissions (`write_atomic`), a
read-only one is refused, and a new file beside it is no more readable than
the scenario it was made from.

A workbook is never rewritten: the scenario with the variant goes to a new
file beside it (a workbook with a Variants sheet, YAML or JSON).

Nothing is ever written outside the scenario's folder: a new file is a bare
file name in that folder, never a path, never a link, never an existing file.
"""

from __future__ import annotations

import codecs
import json
import re
import stat
from pathlib import Path
from typing import Any

import yaml
from laa.models.errors import InputError, ScenarioError
from laa.models.line_breaks import dump_yaml
from laa.models.load import load_scenario, load_scenario_bytes
from laa.models.scenario import Scenario
from laa.models.variants import check_variants, read_variants
from laa.scenarios.outputs.atomic import UMASK, write_atomic
from laa.scenarios.outputs.convert import FORMATS, converted

TEXT_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,120}$")


def save_variant(scenario_path: Path, base: Scenario, variant: dict[str, Any], new_file: str | None) -> Path:
    """Write `variant` ({id, name, changes}) into the scenario file, or into `new_file` beside it.

    `base` is the scenario the meeting planned against; the file must still hold it (someone may
    have edited the file since the meeting began), or nothing is written. Returns the path written.
    """
    source = scenario_path
    fmt = TEXT_SUFFIXES.get(source.suffix.lower())
    if fmt is None:
        return _save_beside_workbook(source, base, variant, new_file)
    target = source if new_file is None else new_file_in_folder(source, new_file)
    if target == source and source.is_symlink():
        raise InputError(f"{source.name} is a link; save the variant to a new file in its folder instead")
    raw = source.read_bytes()
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    text = raw[len(bom) :].decode("utf-8")
    crlf = "\r\n" in text and text.count("\n") == text.count("\r\n")  # every line ends CRLF
    if crlf:  # edited with LF line ends, and every one written back CRLF
        text = text.replace("\r\n", "\n")
    before = _data(text, fmt, source.name)
    if _without_variants(load_scenario_bytes(text.encode(), source.name)) != _without_variants(base):
        raise InputError(
            f"{source.name} has changed since the meeting began; save the variant to a new file instead"
        )
    updated = put_variant_yaml(text, variant) if fmt == "yaml" else put_variant_json(before, variant)
    expected = dict(before)
    expected["variants"] = _replaced(before.get("variants"), variant)
    if fmt == "json":  # JSON's keys are text: a year's amount {2027: 0} reads back as {"2027": 0}
        expected = json.loads(json.dumps(expected))
    if _data(updated, fmt, target.name) != expected:
        raise InputError(
            f"{source.name}: the variants block could not be rewritten safely; nothing was written"
        )
    payload = bom + (updated.replace("\n", "\r\n") if crlf else updated).encode()
    load_scenario_bytes(payload, target.name)  # the variant is checked as a file's would be
    write_atomic(target, payload, new_mode=_mode_beside(source))
    return target


def _save_beside_workbook(
    source: Path, base: Scenario, variant: dict[str, Any], new_file: str | None
) -> Path:
    """A workbook is not rewritten (its look is the finance lead's): the scenario with the variant
    goes to a new file beside it, in any format a scenario is read from."""
    if new_file is None:
        raise InputError(
            f"{source.name} is a workbook, which the meeting does not rewrite: give a new file name "
            "(.xlsx, .yaml or .json) to save the scenario with this variant beside it"
        )
    target = new_file_in_folder(source, new_file)
    if _without_variants(load_scenario(source)) != _without_variants(base):
        raise InputError(
            f"{source.name} has changed since the meeting began; start the meeting again to save from it"
        )
    current = [v.model_dump(exclude_unset=True) for v in base.variants or []]
    read = read_variants(_replaced(current, variant), target.name)
    problems = check_variants(base, read)
    if problems:
        raise ScenarioError(problems)
    scenario = base.model_copy(update={"variants": read.variants})
    write_atomic(target, converted(scenario, target.name), new_mode=_mode_beside(source))
    return target


def _mode_beside(source: Path) -> int:
    """A new file's permissions: those any new file gets here, but no more readable than `source`
    (a budget kept private, 0600, is not copied out world-readable); its owner may read and write it."""
    return (stat.S_IMODE(source.stat().st_mode) | stat.S_IRUSR | stat.S_IWUSR) & 0o666 & ~UMASK


def new_file_in_folder(scenario_path: Path, name: str) -> Path:
    """`name` as a new file beside the scenario, in no other folder: a bare name, of the scenario's own
    format (a YAML or JSON file's text is kept), or any scenario format beside a workbook."""
    if not FILE_NAME.match(name) or name in (".", ".."):
        raise InputError(
            f"new file {name!r}: give a plain file name (letters, digits, '.', '_', '-', spaces), "
            "no folder: it is written beside the scenario"
        )
    wanted, own = Path(name).suffix.lower(), scenario_path.suffix.lower()
    if own in TEXT_SUFFIXES and TEXT_SUFFIXES.get(wanted) != TEXT_SUFFIXES[own]:
        raise InputError(f"new file {name!r}: name it {scenario_path.suffix}, as the scenario file is")
    if own not in TEXT_SUFFIXES and wanted not in FORMATS:
        raise InputError(f"new file {name!r}: name it .xlsx, .yaml or .json")
    folder = scenario_path.parent.resolve()
    target = folder / name
    if target.parent.resolve() != folder:
        raise InputError(f"new file {name!r} would not be in the scenario's folder")
    if target.exists() or target.is_symlink():
        raise InputError(f"new file {name!r} already exists in {folder}; choose another name")
    return target


def put_variant_yaml(text: str, variant: dict[str, Any]) -> str:
    """The YAML text with `variant` replacing the item of the same id in `variants:`, or appended."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise InputError("the scenario file is not a block mapping of sections; save to a new file")
    entry = next(((k, v) for k, v in root.value if k.value == "variants"), None)
    if entry is None:
        return _ending(text) + "variants:\n" + _item_text(variant, 0)
    key, value = entry
    items = value.value if isinstance(value, yaml.SequenceNode) and not value.flow_style else None
    if not items:  # `variants:` with nothing, `[]`, or a flow list: the value is written out anew
        start = key.end_mark.index
        end = _content_end(text, value.end_mark.index) if value.value else value.end_mark.index
        rewritten = _replaced(_data(text, "yaml", "file").get("variants"), variant)
        body = "".join(_item_text(v, 0) for v in rewritten).rstrip("\n")
        return text[:start] + ":\n" + body + text[end:]
    for item in items:
        if _item_id(item) == str(variant.get("id")):
            dash = _dash(text, item.start_mark.index)
            end = _content_end(text, item.end_mark.index)
            column = _column(text, dash)  # the dash's line already holds its indent
            return text[:dash] + _item_text(variant, column)[column:].rstrip("\n") + text[end:]
    last_end = _content_end(text, items[-1].end_mark.index)
    column = _column(text, _dash(text, items[0].start_mark.index))
    return text[:last_end] + "\n" + _item_text(variant, column).rstrip("\n") + text[last_end:]


def put_variant_json(data: dict[str, Any], variant: dict[str, Any]) -> str:
    """The JSON scenario text with `variant` in place of the one sharing its id (or added after the
    last); the rest of the data is left as it was."""
    updated = dict(data)
    updated["variants"] = _replaced(data.get("variants"), variant)
    return json.dumps(updated, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def _replaced(variants: Any, variant: dict[str, Any]) -> list[Any]:
    """The file's variants with `variant` in place of the one sharing its id, or after the last."""
    current = list(variants) if isinstance(variants, list) else []
    for i, v in enumerate(current):
        if isinstance(v, dict) and str(v.get("id")) == str(variant.get("id")):
            current[i] = variant
            return current
    return [*current, variant]


def _item_text(variant: dict[str, Any], column: int) -> str:
    """One `- id: ...` item, its continuation lines indented to sit under a dash at `column`."""
    dumped = dump_yaml([variant], sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    pad = " " * column
    return "".join(pad + line if line.strip() else line for line in dumped.splitlines(keepends=True))


def _item_id(item: yaml.Node) -> str | None:
    if not isinstance(item, yaml.MappingNode):
        return None
    ids = (str(v.value) for k, v in item.value if k.value == "id" and isinstance(v, yaml.ScalarNode))
    return next(ids, None)


def _dash(text: str, index: int) -> int:
    """Where the `-` of the sequence item whose node starts at `index` is."""
    i = index - 1
    while i >= 0 and text[i] in " \t\r\n":
        i -= 1
    if i < 0 or text[i] != "-":
        raise InputError(
            "the variants block is written in a form that cannot be edited in place; save to a new file"
        )
    return i


def _column(text: str, index: int) -> int:
    return index - (text.rfind("\n", 0, index) + 1)


def _content_end(text: str, index: int) -> int:
    """`index` moved back over the blank and comment-only lines a YAML node's end mark takes in."""
    lines = text[:index].splitlines(keepends=True)
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        lines.pop()
    end = sum(len(line) for line in lines)
    return end - len(lines[-1]) + len(lines[-1].rstrip("\r\n")) if lines else 0


def _ending(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def _data(text: str, fmt: str, name: str) -> dict[str, Any]:
    try:
        data = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"{name}: does not parse: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{name}: a mapping of sections is expected")
    return data


def _without_variants(scenario: Scenario) -> dict[str, Any]:
    return scenario.model_dump(exclude={"variants"})
