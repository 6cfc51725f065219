"""`laa template`, `laa convert`: scenarios as the workbooks finance leads fill in and send on.

Both write a scenario, someone's typing, so an existing output file is kept unless `--force`
(`scenarios.outputs.existing`).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click
from laa.cli.common import emit, force_option, forced, guarded, load
from laa.models.errors import InputError
from laa.models.workbook.writer import template_workbook
from laa.scenarios.outputs.convert import converted
from laa.scenarios.outputs.existing import check_replace

YEARS = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*$")
MAX_YEARS = 50


def parse_years(text: str | None) -> list[int]:
    """'2026-2028' (or '2026') as [2026, 2027, 2028]; default: this year and the next two."""
    if text is None:
        first = dt.date.today().year
        return [first, first + 1, first + 2]
    match = YEARS.match(text)
    if not match:
        raise InputError(f"--years: expected a year or a range like 2026-2028; found {text!r}")
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if not 0 <= last - first < MAX_YEARS:
        raise InputError(f"--years: expected 1 to {MAX_YEARS} years, first to last; found {text!r}")
    return list(range(first, last + 1))


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--years", default=None, help="The plan's years, e.g. 2026-2028 (default: this year and the next two)."
)
@force_option("Replace FILE if it exists (a filled workbook there is lost).")
@guarded
def template(file: str, years: str | None) -> None:
    """Write a blank scenario workbook to fill in: one sheet per section, notes on every header.

    An existing FILE is kept (exit 2) unless --force: it may be a workbook someone has filled in.
    """
    if not file.lower().endswith(".xlsx"):
        raise InputError(f"{file}: a template is an Excel workbook; name it .xlsx")
    check_replace(Path(file), (), forced(), any_file=True)
    emit(template_workbook(parse_years(years)), file)


@click.command()
@click.argument("source", type=click.Path(dir_okay=True))
@click.argument("target", type=click.Path(dir_okay=False))
@force_option("Replace TARGET if it exists (never SOURCE).")
@guarded
def convert(source: str, target: str) -> None:
    """Convert a scenario between YAML, JSON, an Excel workbook and an .ods (formats from the file names).

    The output is read back before it is written and must give the same scenario. An .ods holds the
    workbook's values but not its header notes and drop-downs. An existing TARGET is kept (exit 2)
    unless --force.
    """
    check_replace(Path(target), (source,), forced(), any_file=True)
    emit(converted(load(source), target), target)
