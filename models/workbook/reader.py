"""Reading a scenario workbook into the plain data `models.load` validates, each value's cell kept.

A workbook comes from someone else's desktop, so it is read as data and
nothing more: openpyxl's read-only mode, no formula ever evaluated here, no
external link followed, no macro kept. A formula cell is read as the value
the spreadsheet program stored with it when it last calculated (LibreOffice
writes a boolean as `=FALSE()`; finance leads build amounts as `=B4*1.02`):
the workbook is opened a second time for those stored values, only when a
sheet holds a formula. A formula with no stored value (a file written by a
program that does not calculate) is a problem at its cell, with the fix. Before openpyxl sees the file the
archive itself is checked: a zip (an encrypted workbook is not one), a
bounded size once unpacked, and no DTD in any part (XML's entity-expansion
attacks need one; a real workbook never has one). That byte search sees
only ASCII-compatible XML; a part in UTF-16 or UTF-32 hides its DTD from it,
so openpyxl parses through defusedxml (a dependency for this reason:
openpyxl uses it whenever it is installed), which refuses entities in any
encoding.

The result is the same dict a YAML file parses to, and a `CellMap` from
every (section, item's position, field) a problem may name to the cell it came from,
so that a problem reads `Streams!F7: amounts 2027: ...` rather than
pointing into a structure the finance lead never saw.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from laa.models.cells import unescape_text
from laa.models.errors import Problem, ScenarioError
from laa.models.workbook import typed
from laa.models.workbook.bounds import MAX_ROWS, Refusal, xlsx_refusal
from laa.models.workbook.layout import (
    AREA,
    LAYOUT,
    LIST_SEPARATOR,
    RESPONSE,
    RESPONSE_FIELD,
    RESPONSE_LINK,
    RULE_KIND,
    RULE_KINDS,
    RULE_VALUE,
    RULES,
    VARIANT_ID,
    VARIANT_NAME,
    VARIANTS,
    Column,
    Kind,
    Sheet,
)
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

# a scenario workbook unpacks to about 1 MB (the largest benchmark area, 1,000 streams: 0.95 MB); a part is
# held whole while it is checked and twice over while it is read, and 256 MB took a 282 kB file to 530 MB
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
# the start of an OLE compound file: an encrypted .xlsx, or an old .xls
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PASSWORD_PROTECTED = (
    "is a password-protected or old-style (.xls) workbook; save it as an .xlsx workbook without a password"
)
# a zip entry's flag bit for an encrypted part (zipfile would need a password to open it)
ZIP_ENCRYPTED = 0x1
# damaged XML or compressed data (SyntaxError: the XML ParseError)
DAMAGED = (SyntaxError, EOFError, zlib.error, zipfile.BadZipFile)
# openpyxl on a part that is not what Excel writes: a missing part (KeyError), a number that is not one
# (ValueError), a style that is not there (IndexError). Caught only around openpyxl's own parsing, so a
# bug in the reader surfaces as one rather than being blamed on the file.
MALFORMED = (ValueError, KeyError, TypeError, IndexError, InvalidFileException)
DATES = (dt.datetime, dt.date, dt.time, dt.timedelta)

Key = tuple[str | None, int | None, str | None]  # (section, item's position in it, field)


@dataclass(frozen=True)
class Place:
    """A workbook cell and its column's header, so a problem is reported where the finance lead looks."""

    cell: str  # "Streams!F7", or a sheet or row when no one cell is meant
    label: str  # what the cell holds (its column's header), said before the message


@dataclass(frozen=True)
class CellProblem(Problem):
    """A problem located at a workbook cell: `Streams!F7` is where a finance lead looks."""

    cell: str = ""

    @property
    def where(self) -> str:
        """The cell, e.g. `Streams!F7`, in place of the scenario path."""
        return self.cell


class CellMap:
    """Where each (section, position, field) that validation may name came from in the workbook.

    Items are keyed by position, not id: two rows may share an id, and a problem
    with the second must name the second row's cells.
    """

    def __init__(self) -> None:
        self._places: dict[Key, Place] = {}

    def add(self, key: Key, place: Place) -> None:
        """Record where a field came from; the first place given for a key is kept."""
        self._places.setdefault(key, place)

    def place(self, section: str | None, index: int | None, field: str | None) -> Place | None:
        """The cell of the field, or of the nearest thing holding it (a list's cell, the row, the sheet).

        A field whose column is missing from the header has the header itself, for every row.
        """
        parts = field.split(".") if field else []
        while parts:
            found = self._places.get((section, index, ".".join(parts)))
            if found is not None:
                return found
            parts.pop()
        if field and index is not None:
            found = self._places.get((section, None, field.split(".")[0]))
            if found is not None:
                return found
        return self._places.get((section, index, None)) or self._places.get((section, None, None))

    def locate(self, problem: Problem) -> Problem:
        """The problem said at its workbook cell, with the column's header before the message;
        unchanged when no cell is known."""
        if isinstance(problem, CellProblem):
            return problem
        place = self.place(problem.section, problem.index, problem.field)
        if place is None:
            return problem
        message = f"{place.label}: {problem.message}" if place.label else problem.message
        return CellProblem(
            problem.file, problem.section, problem.item, problem.field, message, problem.index, place.cell
        )


@dataclass(frozen=True)
class WorkbookDocument:
    """The plain data, where it came from, and what was wrong with cells while reading them.

    The reader's problems travel with the data rather than stopping there, so that
    validation reports everything else in the same pass (`models.load.parse_workbook`).
    """

    data: dict[str, Any]
    cells: CellMap
    problems: list[Problem]


def read_workbook(raw: bytes, name: str) -> WorkbookDocument:
    """The workbook's scenario as plain data with its cells; `ScenarioError` for a file that is unreadable."""
    refusal = archive_refusal(raw)
    if refusal:
        raise ScenarioError([Problem(name, None, None, None, refusal)])
    grid = xlsx_refusal(raw)
    if grid:
        raise ScenarioError([refusal_problem(name, grid)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about features it drops, such as extensions
        try:
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False, keep_links=False)
        except (*DAMAGED, *MALFORMED, OSError) as exc:
            raise ScenarioError(
                [Problem(name, None, None, None, f"cannot be read as an Excel workbook: {_reason(exc)}")]
            ) from None
        reader = _Reader(name, lambda: _stored_values_book(raw))
        try:
            return reader.read(book)
        except _Unreadable:
            raise ScenarioError(reader.problems) from None
        finally:
            book.close()
            reader.close()


def refusal_problem(name: str, refusal: Refusal) -> Problem:
    """A workbook refused for its size (`models.workbook.bounds`), at its cell when it names one."""
    if refusal.cell is None:
        return Problem(name, None, None, None, refusal.message)
    return CellProblem(name, None, None, None, refusal.message, cell=refusal.cell)


def _stored_values_book(raw: bytes) -> Any:
    """The workbook as its spreadsheet program last calculated it: each formula's stored value."""
    return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True, keep_links=False)


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def archive_refusal(raw: bytes) -> str | None:
    """Why the raw file is refused before openpyxl sees it (password-protected or .xls, not a zip,
    too large unpacked, a DTD or oversized markup), or None when it may be read."""
    if raw.startswith(OLE_MAGIC):
        return PASSWORD_PROTECTED
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = 0
            for info in archive.infolist():
                if info.flag_bits & ZIP_ENCRYPTED:
                    return PASSWORD_PROTECTED
                with archive.open(info) as member:
                    content = member.read(MAX_UNPACKED_BYTES - unpacked + 1)
                unpacked += len(content)
                if unpacked > MAX_UNPACKED_BYTES:
                    return f"unpacks to over {MAX_UNPACKED_BYTES:,} bytes; a scenario workbook is far smaller"
                if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
                    return f"part {info.filename} declares a DTD, which no Excel workbook has; refused"
                oversized = oversized_markup(content)
                if oversized:
                    return f"part {info.filename} {oversized}; refused before parsing"
    # zipfile raises NotImplementedError for a compression method it does not know: still not a workbook
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError):
        return "is not an Excel workbook (.xlsx): it is not a readable zip archive"
    return None


# the XML parser (expat 2.5) rescans a token that spans its read buffers from the token's start, so a
# token's cost grows with its square: a 40 MB comment took 34.6 s. Excel writes no comments, processing
# instructions beyond the declaration, or CDATA, and no text or tag longer than a cell's 32,767
# characters (under 200 kB escaped), so each is bounded well above that and refused before parsing
MAX_MARKUP_BYTES = 1024 * 1024
MAX_MARKUP_COUNT = 10_000
_MARKUP = (
    (b"<!--", b"-->", "an XML comment", "XML comments"),
    (b"<?", b"?>", "a processing instruction", "processing instructions"),
    (b"<![CDATA[", b"]]>", "a CDATA section", "CDATA sections"),
)


def oversized_markup(content: bytes) -> str | None:
    """What in an XML part is too long (or too many) to parse in time, or None.

    Text and tags hold no `<`, so a run of bytes without one bounds them both;
    comments, processing instructions and CDATA may hold `<`, so they are measured
    from start to end.
    """
    for start, end, what, many in _MARKUP:
        count = content.count(start)
        if count > MAX_MARKUP_COUNT:
            return f"holds {count:,} {many}; a workbook part holds a few at most"
        at = content.find(start)
        while at != -1:
            close = content.find(end, at + len(start))
            stop = len(content) if close == -1 else close + len(end)
            if stop - at > MAX_MARKUP_BYTES:
                return f"holds {what} of {stop - at:,} bytes; at most {MAX_MARKUP_BYTES:,} is read"
            at = content.find(start, stop)
    if _run_without_tag(content, MAX_MARKUP_BYTES):
        too_long = f"holds a text or tag of over {MAX_MARKUP_BYTES:,} bytes"
        return f"{too_long}; a cell holds 32,767 characters at most"
    return None


def _run_without_tag(content: bytes, limit: int) -> bool:
    """Whether over `limit` bytes in a row hold no `<`, in time linear in the part.

    Each window of `limit + 1` bytes is searched from its end for a `<`, and the
    next starts after the one found: a regular expression for the run instead
    restarts at every byte of every shorter run, and two runs of a little under
    1 MB (2 MB, 2 kB compressed) took over two minutes.
    """
    at = 0
    while at + limit < len(content):
        last = content.rfind(b"<", at, at + limit + 1)
        if last == -1:
            return True
        at = last + 1
    return False


class _Unreadable(Exception):
    """A sheet openpyxl cannot parse; the problem is recorded with those found before it."""


@dataclass(frozen=True)
class _Stored:
    """A formula's value as its spreadsheet program stored it, and that value's type ("e": an error)."""

    value: Any
    data_type: str | None


@dataclass
class _Row:
    number: int
    item: dict[str, Any]
    places: dict[str, Place] = field(default_factory=dict)  # by the field path a problem names
    first: str = ""  # the row's first cell, for problems with the row as a whole


class _Reader:
    def __init__(self, name: str, stored_values: Callable[[], Any]) -> None:
        self.name = name
        self.cells = CellMap()
        self.problems: list[Problem] = []
        self._rows_of: dict[str, list[_Row]] = {}
        self._open_stored = stored_values
        self._stored_book: Any = None
        self._stored: dict[str, dict[str, _Stored]] = {}  # sheet title -> cell ("K11") -> stored value

    def close(self) -> None:
        if self._stored_book is not None:
            self._stored_book.close()

    def _stored_value(self, ref: str) -> _Stored | None:
        """The value stored with the formula at `ref` ("Streams!K11"); None when none was stored."""
        title, cell = ref.rsplit("!", 1)
        if title not in self._stored:
            if self._stored_book is None:
                self._stored_book = self._open_stored()
            ws = self._stored_book[title]
            ws.reset_dimensions()
            self._stored[title] = {
                f"{get_column_letter(col)}{number}": _Stored(c.value, getattr(c, "data_type", None))
                for number, row in enumerate(ws.iter_rows(max_row=MAX_ROWS), start=1)
                for col, c in enumerate(row, start=1)
                if c.value is not None
            }
        return self._stored[title].get(cell)

    def fail(self, cell: str, message: str, section: str | None = None) -> None:
        self.problems.append(CellProblem(self.name, section, None, None, message, cell=cell))

    def read(self, book: Any) -> WorkbookDocument:
        titles = {ws.title: ws for ws in book.worksheets}
        folded = {t.strip().lower(): ws for t, ws in titles.items()}
        data: dict[str, Any] = {}
        responses: list[tuple[str, _Row]] = []
        for sheet in LAYOUT:
            ws = titles.get(sheet.name) or folded.get(sheet.name.lower())
            if ws is None:
                if sheet.required:
                    expected = ", ".join(s.name for s in LAYOUT if s.required)
                    self.fail(sheet.name, f"sheet is missing; a scenario workbook has sheets {expected}")
                    if sheet.section and sheet is not RESPONSE:
                        self.cells.add((sheet.section, None, None), Place(sheet.name, ""))
                continue
            rows = self._rows(ws)
            if sheet is AREA:
                data.update(self._area(ws.title, rows))
            elif sheet is RESPONSE:
                responses = [(r.item.pop(RESPONSE_LINK), r) for r in self._table(sheet, ws.title, rows)]
            elif sheet is VARIANTS:
                variants = self._variants(ws.title, rows)
                if variants:  # no rows: no variants, as when YAML leaves the section out
                    data[sheet.section] = variants
            else:
                items = self._section(sheet, ws.title, rows)
                if items or not sheet.required:  # a required sheet with no rows is as good as missing:
                    data[sheet.section] = items  # its one problem, not every reference to its items
        self._attach(responses)
        if data.get("historic") == []:
            del data["historic"]  # no rows: no historic arrangement, as when YAML leaves it out
        return WorkbookDocument(data, self.cells, self.problems)

    # --- cells ---

    def _rows(self, ws: Any) -> list[tuple[int, tuple[Any, ...]]]:
        """The sheet's rows; read-only openpyxl parses the sheet's XML here, as it iterates."""
        ws.reset_dimensions()  # a stated size of a million rows must not be padded out
        rows = []
        try:
            for number, row in enumerate(ws.iter_rows(), start=1):
                if number > MAX_ROWS:
                    if any(c.value is not None for c in row):
                        self.fail(
                            ws.title, f"has rows past row {MAX_ROWS:,}; a scenario sheet is far shorter"
                        )
                        break
                    continue
                rows.append((number, row))
        except (*DAMAGED, *MALFORMED) as exc:
            self.fail(ws.title, f"the sheet cannot be read: {_reason(exc)}")
            raise _Unreadable from None
        return rows

    def _value(self, cell: Any, ref: str, kind: Kind, label: str = "") -> Any:
        """The cell's value as typed, or None for blank (or unusable, with a problem recorded).

        A formula gives the value its spreadsheet stored for it; the formula itself is never run.
        Money and shares typed as a spreadsheet user types them (`£800k`, `70%`) are read as the
        numbers they say (`models.workbook.typed`); a problem with one is said after the cell's
        `label` (its column's header), as validation's problems are.
        """
        value = cell.value
        if value is None:
            return None
        data_type = getattr(cell, "data_type", None)
        if data_type == "f":
            shown = str(value)
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            stored = self._stored_value(ref)
            if stored is None:
                self.fail(
                    ref,
                    f"holds a formula ({shown}) with no value stored for it (the program that wrote the "
                    "file did not calculate it); open and save the workbook in Excel or LibreOffice, "
                    "or type the value itself",
                )
                return None
            value, data_type = stored.value, stored.data_type  # an error result is refused below
        if data_type == "e":
            self.fail(ref, f"holds the error value {value}; a value is expected")
            return None
        if isinstance(value, DATES):
            self.fail(
                ref,
                f"holds a date or time ({_date_text(value)}); {_expected(kind)} is expected "
                "(a number formatted as a date shows as one: format the cell as a number)",
            )
            return None
        if isinstance(value, bool) and kind in (Kind.NUMBER, Kind.MONEY, Kind.SHARE, Kind.INT):
            self.fail(ref, f"holds {str(value).upper()}; {_expected(kind)} is expected")
            return None
        if isinstance(value, str):
            if not value.strip():
                return None
            value = unescape_text(value)
        try:
            if kind is Kind.MONEY:
                return typed.money(value)
            if kind is Kind.SHARE:
                return typed.share(value)
        except typed.Mistyped as exc:
            self.fail(ref, f"{label}: {exc}" if label else str(exc))
            return None
        return value

    def _convert(self, column: Column, value: Any) -> Any:
        if column.many:
            parts = value.split(LIST_SEPARATOR) if isinstance(value, str) else [value]
            return [_scalar(column.kind, p.strip() if isinstance(p, str) else p) for p in parts if _given(p)]
        return _scalar(column.kind, value)

    # --- sheets ---

    def _area(self, title: str, rows: list[tuple[int, tuple[Any, ...]]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        by_header = {c.header: c for c in AREA.columns}
        head = rows[0][1] if rows else ()
        if not head or str(head[0].value or "").strip().lower() != "field":
            self.fail(f"{title}!A1", "the Area sheet starts with a header 'field' in A1, its fields below it")
            return found
        seen: dict[str, str] = {}
        for number, row in rows[1:]:
            key_ref = f"{title}!A{number}"
            key = self._value(row[0], key_ref, Kind.TEXT) if row else None
            values = [(f"{title}!{get_column_letter(i + 1)}{number}", c) for i, c in enumerate(row[1:], 1)]
            if key is None:
                for ref, c in values:
                    if c.value is not None:
                        self.fail(ref, "a value with no field name in column A")
                        break
                continue
            column = by_header.get(str(key).strip().lower())
            if column is None:
                self.fail(key_ref, f"unknown field {key!r}; Area's fields are {', '.join(by_header)}")
                continue
            if column.field in seen:
                self.fail(key_ref, f"field {column.header!r} is given twice (also {seen[column.field]})")
                continue
            seen[column.field] = key_ref
            self.cells.add((column.field, None, None), Place(f"{title}!B{number}", column.header))
            read = [(ref, self._value(c, ref, column.kind, column.header)) for ref, c in values]
            given = [(ref, v) for ref, v in read if v is not None]
            if column.many:
                items: list[Any] = []
                for ref, v in given:
                    for element in self._convert(column, v):
                        self.cells.add((column.field, None, str(len(items))), Place(ref, column.header))
                        items.append(element)
                if items:
                    found[column.field] = items
            elif given:
                if len(given) > 1:
                    self.fail(given[1][0], f"{column.header} takes one value, in column B")
                found[column.field] = self._convert(column, given[0][1])
        for column in AREA.columns:  # a field with no row: the sheet, for want of a cell
            self.cells.add((column.field, None, None), Place(title, column.header))
        return found

    def _header(
        self, sheet: Sheet, title: str, head: tuple[Any, ...]
    ) -> dict[int, tuple[Column, int | None]]:
        named = {c.header: c for c in sheet.columns if not c.per_year}
        yearly = [c for c in sheet.columns if c.per_year]
        found: dict[int, tuple[Column, int | None]] = {}
        seen: dict[tuple[str, int | None], str] = {}
        for pos, cell in enumerate(head):
            ref = f"{title}!{get_column_letter(pos + 1)}1"
            value = self._value(cell, ref, Kind.TEXT)
            if value is None:
                continue
            text = " ".join(str(value).split()).lower()
            match = _match(text, named, yearly)
            if match is None:
                expected = ", ".join(
                    c.header if not c.per_year else f"{c.header} <year>" for c in sheet.columns
                )
                self.fail(ref, f"unknown column {str(value)!r}; the columns of {sheet.name} are {expected}")
                continue
            tag = (match[0].header, match[1])
            if tag in seen:
                self.fail(ref, f"column {str(value)!r} appears twice (also {seen[tag]})")
                continue
            seen[tag] = ref
            found[pos] = match
        covered = {c.field for c, _ in found.values()}
        for column in sheet.columns:
            if column.required and column.field not in covered:
                self.fail(f"{title}!1:1", f"column {column.header!r} is missing from the header row")
                if sheet is not RESPONSE:  # each row's missing field is this one problem at the header
                    self.cells.add((sheet.section, None, column.field), Place(f"{title}!1:1", column.header))
        return found

    def _table(self, sheet: Sheet, title: str, rows: list[tuple[int, tuple[Any, ...]]]) -> list[_Row]:
        if not rows and not sheet.required:
            return []  # an optional sheet left empty is as good as absent
        columns = self._header(sheet, title, rows[0][1] if rows else ())
        covered = {c.field for c, _ in columns.values()}
        # with no kind or value column no rule can say its kind: that is the header's one problem
        kindless = sheet is RULES and not {RULE_KIND, RULE_VALUE} <= covered
        found = []
        for number, row in rows[1:]:
            values = {pos: (f"{title}!{get_column_letter(pos + 1)}{number}", c) for pos, c in enumerate(row)}
            stray = [ref for pos, (ref, c) in values.items() if pos not in columns and c.value is not None]
            for ref in stray[:1]:
                self.fail(ref, "a value in a column with no header (or an unknown one)", sheet.section)
            if all(c.value is None for _, c in values.values()):
                continue
            parsed = _Row(number, {}, first=f"{title}!1:1" if kindless else f"{title}!A{number}")
            per_year: dict[str, dict[int, Any]] = {}
            scalar_ref: dict[str, str] = {}
            for pos, (column, year) in columns.items():
                ref = f"{title}!{get_column_letter(pos + 1)}{number}"
                label = column.header if year is None else column.year_header(year)
                path = column.field if year is None else f"{column.field}.{year}"
                parsed.places[path] = Place(ref, label)
                if year is None:
                    scalar_ref[column.field] = ref
                cell = values[pos][1] if pos in values else None
                value = self._value(cell, ref, column.kind, label) if cell is not None else None
                if value is None:
                    continue
                if year is None:
                    parsed.item[column.field] = self._convert(column, value)
                else:
                    per_year.setdefault(column.field, {})[year] = self._convert(column, value)
            for name, by_year in per_year.items():
                if name in parsed.item:
                    self.fail(
                        scalar_ref[name],
                        f"{name} is given both for every year and year by year; give one or the other",
                        sheet.section,
                    )
                parsed.item[name] = by_year
            if sheet is RULES:
                self._rule_kind(parsed)
            if sheet is RESPONSE:
                if RESPONSE_LINK not in parsed.item:
                    if RESPONSE_LINK in parsed.places:  # else the header's missing column is the problem
                        self.fail(parsed.places[RESPONSE_LINK].cell, "the outcome is missing", "outcomes")
                    continue
                parsed.item.setdefault("spend", None)  # blank spend: no limit
            found.append(parsed)
        return found

    def _rule_kind(self, row: _Row) -> None:
        """A rule's kind and value, as the one field of the rule the kind names.

        A kind or value column missing from the header is reported there, once, not on every row.
        """
        places = row.places
        kind, value = row.item.pop(RULE_KIND, None), row.item.pop(RULE_VALUE, None)
        if kind is None:
            if value is not None and RULE_KIND in places:
                self.fail(
                    places[RULE_KIND].cell, f"the kind is missing: one of {', '.join(RULE_KINDS)}", "rules"
                )
            return
        if kind not in RULE_KINDS:
            self.fail(places[RULE_KIND].cell, f"kind {kind!r} is not one of {', '.join(RULE_KINDS)}", "rules")
            return
        if value is None:
            if RULE_VALUE in places:
                self.fail(places[RULE_VALUE].cell, f"the value is missing for a {kind} rule", "rules")
            return
        row.item[kind] = value
        for name in RULE_KINDS:
            places[name] = places[RULE_VALUE]

    def _section(self, sheet: Sheet, title: str, rows: list[tuple[int, tuple[Any, ...]]]) -> list[Any]:
        parsed = self._table(sheet, title, rows)
        self.cells.add((sheet.section, None, None), Place(title, ""))
        if sheet.required and not parsed:
            self.fail(
                title, "the sheet has no rows below its header; at least one is expected", sheet.section
            )
        for index, row in enumerate(parsed):
            self.cells.add((sheet.section, index, None), Place(row.first, ""))
            for path, place in row.places.items():
                self.cells.add((sheet.section, index, path), place)
        self._rows_of[sheet.section] = parsed
        return [row.item for row in parsed]

    def _variants(self, title: str, rows: list[tuple[int, tuple[Any, ...]]]) -> list[dict[str, Any]]:
        """The Variants sheet's rows as variants: a row is one change of the variant it names, in row order.

        Each change's cells are kept under the path a problem names (`variants[v].changes[2].scale`),
        so a problem with a change reads at its cell.
        """
        found: dict[Any, tuple[int, dict[str, Any]]] = {}
        self.cells.add((VARIANTS.section, None, None), Place(title, ""))
        for row in self._table(VARIANTS, title, rows):
            ident, name = row.item.pop(VARIANT_ID, None), row.item.pop(VARIANT_NAME, None)
            if ident is None:
                if VARIANT_ID in row.places:  # else the header's missing column is the problem
                    message = "the variant is missing: the id of the variant this change is in"
                    self.fail(row.places[VARIANT_ID].cell, message, VARIANTS.section)
                continue
            if ident not in found:
                found[ident] = (len(found), {"id": ident, "changes": []})
                self.cells.add((VARIANTS.section, len(found) - 1, None), Place(row.first, ""))
                self.cells.add((VARIANTS.section, len(found) - 1, "id"), row.places[VARIANT_ID])
            index, variant = found[ident]
            if name is not None:
                if variant.get("name", name) != name:
                    message = f"variant {ident!r} is named {variant['name']!r} on a row above; name it once"
                    self.fail(row.places[VARIANT_NAME].cell, message, VARIANTS.section)
                elif "name" not in variant:
                    variant["name"] = name
                    self.cells.add((VARIANTS.section, index, "name"), row.places[VARIANT_NAME])
            if not row.item:
                continue  # a row that names its variant and changes nothing (a variant with no changes)
            change: dict[str, Any] = {}
            for key, value in row.item.items():
                if key.startswith("pin."):
                    change.setdefault("pin", {})[key.removeprefix("pin.")] = value
                else:
                    change[key] = value
            at = f"changes[{len(variant['changes'])}]"
            variant["changes"].append(change)
            self.cells.add((VARIANTS.section, index, at), Place(row.first, ""))
            for path, place in row.places.items():
                if path not in (VARIANT_ID, VARIANT_NAME):
                    self.cells.add((VARIANTS.section, index, f"{at}.{path}"), place)
        return [variant for _, variant in found.values()]

    def _attach(self, responses: list[tuple[Any, _Row]]) -> None:
        """Each Response row onto its outcome's curve, in row order."""
        rows = self._rows_of.get("outcomes", [])
        if not rows:  # no Outcomes sheet, or no rows on it: that one problem, not one per Response row
            return
        # every row of an id gets its curve: a duplicate id is validation's one problem, and the
        # second row must not be said to miss a response it has
        by_id: dict[Any, list[tuple[int, _Row]]] = {}
        for index, row in enumerate(rows):
            by_id.setdefault(row.item.get("id"), []).append((index, row))
        curves: dict[Any, list[_Row]] = {}
        for ident, row in responses:
            if ident not in by_id:
                self.fail(
                    row.places[RESPONSE_LINK].cell, f"no outcome {ident!r} on the Outcomes sheet", "outcomes"
                )
                continue
            curves.setdefault(ident, []).append(row)
        for ident, outcomes in by_id.items():
            segments = curves.get(ident, [])
            for index, outcome in outcomes:
                self._curve(index, outcome, segments)

    def _curve(self, index: int, outcome: _Row, segments: list[_Row]) -> None:
        """The Response rows as the outcome's curve, each segment's cells kept for its problems."""
        if not segments:
            self.cells.add(
                ("outcomes", index, RESPONSE_FIELD),
                Place(outcome.first, "response (it has no rows on the Response sheet)"),
            )
            return
        outcome.item[RESPONSE_FIELD] = [row.item for row in segments]
        for k, row in enumerate(segments):
            link = row.places[RESPONSE_LINK]
            self.cells.add(("outcomes", index, RESPONSE_FIELD), Place(link.cell, "response"))
            self.cells.add(("outcomes", index, f"{RESPONSE_FIELD}.{k}"), Place(link.cell, f"segment {k + 1}"))
            for path, place in row.places.items():
                self.cells.add(("outcomes", index, f"{RESPONSE_FIELD}.{k}.{path}"), place)


def _given(value: Any) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _scalar(kind: Kind, value: Any) -> Any:
    """One value as the field expects it where that is unambiguous; pydantic judges the rest."""
    if kind in (Kind.TEXT, Kind.ID) and isinstance(value, int | float) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else repr(value)
    if kind is Kind.ID and isinstance(value, str):
        return value.strip()
    if kind is Kind.CHOICE and isinstance(value, str):
        return value.strip().lower()
    if kind is Kind.INT and isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    return value


def _date_text(value: Any) -> str:
    """A date as a person writes it (9 December 2025); a time or a duration as Python shows it."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def _expected(kind: Kind) -> str:
    return {Kind.MONEY: "an amount (GBP)", Kind.SHARE: "a share", Kind.INT: "a whole number"}.get(
        kind, "a number" if kind is Kind.NUMBER else "text"
    )


def _match(text: str, named: dict[str, Column], yearly: list[Column]) -> tuple[Column, int | None] | None:
    if text in named:
        return named[text], None
    for column in yearly:
        found = re.fullmatch(rf"{re.escape(column.header)} (-?\d+)", text)
        if found:
            return column, int(found.group(1))
    return None
