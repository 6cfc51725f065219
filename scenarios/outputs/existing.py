"""What a command may write over: never a file it reads, and never someone's work unless asked.

A result (`--out` of run, compare, partners, report, sweep, ...) is asked
for again by running the command again, so an earlier result at the same
name is replaced: that is what a finance lead re-running last week's command
expects, and what a nightly script relies on. What is not a result is
refused unless the command is given `--force`: a scenario (a YAML file, a
JSON scenario, a workbook with a Streams sheet), which is someone's typing.
`laa template` and `laa convert` write scenarios, so any file already at
their output is refused unless `--force`. A file the command reads is
never written over, with `--force` or without: the result would destroy
what it was worked out from.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path

from laa.models.errors import InputError

WORKBOOKS = (".xlsx", ".xlsm")
OPENDOCUMENT = (".ods",)
YAML = (".yaml", ".yml")
LARGEST_JSON_READ = 64 * 1024 * 1024  # a JSON file past this is not opened to see whether it is a scenario


def check_replace(path: Path, reads: Iterable[str | Path], force: bool, any_file: bool = False) -> None:
    """Refuse (`InputError`, nothing written) to write `path` over a file the command reads, or, without
    `force`, over a scenario; with `any_file` (template, convert), over any existing file."""
    if not path.exists():
        return
    for given in reads:
        if _same_file(path, Path(given)):
            raise InputError(
                f"{path}: is the file this command reads ({given}); name another file for the output "
                "(nothing was written)"
            )
    if force:
        return
    if any_file:
        raise InputError(f"{path}: already exists; give --force to replace it, or name another file "
                         "(nothing was written)")  # fmt: skip
    what = scenario_kind(path)
    if what is not None:
        raise InputError(
            f"{path}: holds {what}, not an earlier result; give --force to replace it, or name another "
            "file (nothing was written)"
        )


def scenario_kind(path: Path) -> str | None:
    """'a scenario workbook (it has a Streams sheet)', ...: what makes the file someone's scenario, or
    None when it reads as anything else (an earlier result, or a file that cannot be read)."""
    suffix = path.suffix.lower()
    if suffix in YAML:
        return "a YAML file (a scenario, as laa reads them)"
    if suffix in WORKBOOKS + OPENDOCUMENT and "Streams" in _sheet_names(path):
        return "a scenario workbook (it has a Streams sheet)"
    if suffix == ".json" and _json_scenario(path):
        return "a scenario (a JSON file with streams and outcomes)"
    return None


def _sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names, read from its index alone; none when it cannot be read as one."""
    try:
        if path.suffix.lower() in OPENDOCUMENT:
            import pandas as pd

            return [str(n) for n in pd.ExcelFile(path, engine="odf").sheet_names]
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        try:
            return list(book.sheetnames)
        finally:
            book.close()
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, ImportError, TypeError, AttributeError):
        return []


def _json_scenario(path: Path) -> bool:
    try:
        if path.stat().st_size > LARGEST_JSON_READ:
            return False
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and "streams" in doc and "outcomes" in doc


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
