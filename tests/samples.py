"""The samples in README.md and the user guide (docs/*.md): each is what its command prints today.

The convention (follow it for any sample you add; the tests cover it with no change there):

- A sample of output is a fenced block marked ```text, and the line just before it (blank lines
  between are allowed) is an HTML comment naming the command, which readers of the rendered page
  do not see:

      <!-- laa: compare examples/northbridge.yaml -->
      ```text
      ...what it prints...
      ```

  The arguments follow `laa` as a user types them, run from the repository's root; to run in
  another folder (so a file is named as a user would see it), write `<!-- laa (in tests/readme):
  validate area.yaml -->`. What the command writes to stdout, then to stderr, is compared.
- `<!-- python -->` before a ```text block: what the ```python block just above it prints, run
  from the repository's root. Every ```python block runs, sample or not, and must not fail.
- `<!-- laa (in the new area): ARGS -->`: a step of docs/new-area.md, the walk from `laa template`
  to the meeting page. Its steps run in one empty folder in the guide's order, and each table the
  guide marks `<!-- fill riverside.xlsx: SHEET -->` is typed into that sheet of the workbook
  where the guide reaches it, as a newcomer would (tests/test_guide.py). `laa serve` runs until
  it serves, on any free port (read back as the default one), and is then stopped with Ctrl+C's
  signal; what it printed, in the order a terminal shows it, is compared.
- A line that is exactly `...` stands for any number of lines, so a sample may show part of a
  long output (its start, its end, or a piece of its middle).
- Every ```text block must have its command: an untested sample is how the README drifted before.
  A block that is not output (a tree, a sketch) goes in another fence (```sh, ```yaml, ```jsonc).

When what the commands print changes, `python -m tests.samples --update` rewrites every sample
from its command, keeping each `...` where it was (each shown piece keeps its length and is found
again where the new output is most like it); `python -m tests.samples` only lists those that
differ. Read the diff before committing: the prose around a sample may need changing too.

Why a tool of our own and not sybil or pytest's doctest: the samples are a command line's output,
not Python sessions, and they need the `...` elision, a working folder and a guide followed in
order; sybil would be a new dependency and still need a parser written for this form.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from laa.cli.serve import serve as serve_command

from tests.paths import ROOT

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NEW_AREA_GUIDE = ROOT / "docs" / "new-area.md"
NEW_AREA = "the new area"  # the folder docs/new-area.md builds, step by step
LAA = str(Path(sys.executable).parent / "laa")
FENCE = re.compile(r"^```(?P<lang>[\w-]*)[ \t]*\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
MARKER = re.compile(r"^(?:(?P<python>python)|laa(?: \(in (?P<folder>[^)]+)\))?: (?P<args>.+))$")
FILL = re.compile(r"^fill (?P<workbook>\S+): (?P<sheet>.+)$")
SERVING = re.compile(r"serving the meeting page at (?P<url>http://[^/\s]+/)")
DEFAULT_PORT = next(p.default for p in serve_command.params if p.name == "port")
ELISION = "..."


@dataclass(frozen=True)
class Command:
    python: bool
    folder: str | None  # None: the repository's root
    args: tuple[str, ...]

    @property
    def serves(self) -> bool:
        return not self.python and self.args[:1] == ("serve",)


@dataclass(frozen=True)
class Sample:
    document: Path
    line: int  # where its body starts, counted from 1
    start: int  # the body's place in the document's text, for --update
    end: int
    marker: str | None
    expected: str
    code: str | None  # a `python` sample's ```python block

    @property
    def id(self) -> str:
        return f"{_name(self.document)}:{self.line}"

    @property
    def command(self) -> Command | None:
        found = MARKER.match(self.marker or "")
        if not found:
            return None
        if found.group("python"):
            return Command(True, None, ()) if self.code is not None else None
        return Command(False, found.group("folder"), tuple(shlex.split(found.group("args"))))

    @property
    def in_new_area(self) -> bool:
        command = self.command
        return command is not None and command.folder == NEW_AREA


@dataclass(frozen=True)
class Fill:
    """A table the guide asks the reader to type into one sheet of a workbook."""

    document: Path
    line: int
    workbook: str
    sheet: str
    header: list[str]
    rows: list[list[str]]

    @property
    def id(self) -> str:
        return f"{_name(self.document)}:{self.line}"


@dataclass(frozen=True)
class Code:
    """A ```python block: it must run."""

    document: Path
    line: int
    code: str

    @property
    def id(self) -> str:
        return f"{_name(self.document)}:{self.line}"


def _name(document: Path) -> str:
    return str(document.relative_to(ROOT)) if document.is_relative_to(ROOT) else document.name


def _comment_before(text: str, start: int) -> str | None:
    """The HTML comment that ends just before `start` (only blank space between), if any."""
    before = text[:start].rstrip()
    if not before.endswith("-->"):
        return None
    opened = before.rfind("<!--")
    return before[opened + 4 : -3].strip() if opened >= 0 else None


def blocks(document: Path) -> list[Sample | Code]:
    """The document's ```text samples and ```python blocks, in order."""
    text = document.read_text()
    found: list[Sample | Code] = []
    code: str | None = None
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start("body")) + 1
        if m.group("lang") == "python":
            code = m.group("body")
            found.append(Code(document, line, code))
        elif m.group("lang") == "text":
            marker = _comment_before(text, m.start())
            found.append(Sample(document, line, m.start("body"), m.end("body"), marker, m.group("body"),
                                code if marker == "python" else None))  # fmt: skip
    return found


def samples(documents: list[Path] = DOCUMENTS) -> list[Sample]:
    return [b for d in documents for b in blocks(d) if isinstance(b, Sample)]


def python_blocks(documents: list[Path] = DOCUMENTS) -> list[Code]:
    return [b for d in documents for b in blocks(d) if isinstance(b, Code)]


def fills(document: Path) -> list[Fill]:
    """Each table after a `<!-- fill WORKBOOK: SHEET -->` comment."""
    text = document.read_text()
    found = []
    for m in re.finditer(r"<!--\s*(fill [^>]*?)\s*-->\s*\n((?:\|.*\n?)+)", text):
        what = FILL.match(m.group(1))
        if not what:
            raise ValueError(f"{_name(document)}: {m.group(1)!r}: expected 'fill WORKBOOK: SHEET'")
        lines = m.group(2).strip("\n").split("\n")
        cells = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
        line = text.count("\n", 0, m.start(2)) + 1
        found.append(Fill(document, line, what.group("workbook"), what.group("sheet"), cells[0], cells[2:]))
    return found


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` is `expected` line for line, each `...` standing for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == ELISION:
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and matches(expected[1:], actual[1:])


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.rstrip("\n").split("\n")]


def run(command: Command, folder: Path, code: str | None = None) -> str:
    """What the command prints, stdout then stderr, run in `folder` (a sample's own folder, if any)."""
    if command.folder and command.folder != NEW_AREA:
        folder = ROOT / command.folder
    args = [sys.executable, "-c", code or ""] if command.python else [LAA, *command.args]
    done = subprocess.run(args, cwd=folder, capture_output=True, text=True, timeout=600)
    return done.stdout + done.stderr


def serve(command: Command, folder: Path, while_serving: Callable[[str], None] | None = None) -> str:
    """`laa serve` as a person runs it: started, used while it serves, stopped with Ctrl+C.

    It listens on any free port, so a test never collides with a meeting already on the default
    one; the address it prints is read back as the default port's, which is what the guide's
    reader sees. Its stdout and stderr are read as one stream, in the order a terminal shows them.
    """
    process = subprocess.Popen(
        [LAA, *command.args, "--port", "0"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    printed: list[str] = []
    url = None
    try:
        for line in process.stdout:
            printed.append(line)
            if found := SERVING.search(line):
                url = found.group("url")
                break
        if url is None:
            said = "".join(printed)
            raise AssertionError(f"`laa {shlex.join(command.args)}` stopped before serving:\n{said}")
        _wait_until_ready(url)
        if while_serving is not None:
            while_serving(url)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    text = "".join(printed) + rest
    port = url.rstrip("/").rsplit(":", 1)[1]
    return text.replace(url, url.replace(f":{port}/", f":{DEFAULT_PORT}/"))


def _wait_until_ready(url: str, seconds: float = 120) -> None:
    """As a person waits for the page to open: until the server answers that its base is planned."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "api/health", timeout=10) as answer:
                if json.loads(answer.read()).get("status") == "ready":
                    return
        except OSError:
            pass  # not listening yet
        time.sleep(0.1)
    raise AssertionError(f"{url} did not say it was ready within {seconds:g} s")


def typed(cell: str) -> object:
    """A table cell as a spreadsheet takes it when typed: numbers (with commas, or a % sign) become
    numbers, TRUE and FALSE booleans, a blank nothing, anything else text."""
    if cell == "":
        return None
    if cell in ("TRUE", "FALSE"):
        return cell == "TRUE"
    number = re.fullmatch(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?", cell)
    percent = re.fullmatch(r"(-?\d+(?:\.\d+)?)%", cell)
    if number:
        value = float(cell.replace(",", ""))
        return int(value) if value.is_integer() and "." not in cell else value
    if percent:
        return float(percent.group(1)) / 100
    return cell


def fill(workbook: Path, table: Fill) -> None:
    """Type the table into its sheet: under the headers it names, from the first empty row; or, on a
    sheet of `field | value` rows (Area), beside the field each row names."""
    book = openpyxl.load_workbook(workbook)
    if table.sheet not in book.sheetnames:
        raise AssertionError(f"{table.id}: {workbook.name} has no sheet {table.sheet!r}")
    sheet = book[table.sheet]
    headers = [c.value for c in sheet[1]]
    if headers[:2] == ["field", "value"]:
        rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
        for row in table.rows:
            if row[0] not in rows:
                raise AssertionError(f"{table.id}: the {table.sheet} sheet has no field {row[0]!r}")
            for offset, cell in enumerate(row[1:]):
                if cell:
                    sheet.cell(rows[row[0]], 2 + offset, typed(cell))
    else:
        unknown = [h for h in table.header if h not in headers]
        if unknown:
            raise AssertionError(f"{table.id}: the {table.sheet} sheet has no column {unknown[0]!r}")
        first = 1 + max(r for r in range(1, sheet.max_row + 1) if any(c.value is not None for c in sheet[r]))
        for n, row in enumerate(table.rows):
            for header, cell in zip(table.header, row, strict=True):
                sheet.cell(first + n, headers.index(header) + 1, typed(cell))
    book.save(workbook)


def walk(folder: Path, while_serving: Callable[[str], None] | None = None,
         document: Path = NEW_AREA_GUIDE) -> Iterator[tuple[Sample, str]]:  # fmt: skip
    """Follow the guide's new area in `folder`, step by step: each sample with what it printed."""
    steps: list[Sample | Fill] = [s for s in samples([document]) if s.in_new_area]
    steps += fills(document)
    steps.sort(key=lambda step: step.line)
    for step in steps:
        if isinstance(step, Fill):
            fill(folder / step.workbook, step)
            continue
        command = step.command
        assert command is not None
        yield step, serve(command, folder, while_serving) if command.serves else run(command, folder)


def printed_now(documents: list[Path]) -> Iterator[tuple[Sample, str | None]]:
    """Every sample of the documents with what its command prints now (None: it has no command)."""
    for document in documents:
        if document == NEW_AREA_GUIDE:
            with tempfile.TemporaryDirectory(prefix="laa-new-area-") as folder:
                yield from walk(Path(folder), document=document)
        for sample in samples([document]):
            command = sample.command
            if sample.in_new_area:
                continue
            yield sample, None if command is None else run(command, ROOT, sample.code)


def refreshed(expected: list[str], actual: list[str]) -> list[str] | None:
    """The sample rewritten from `actual`, with its `...` where they were; None when a shown piece
    cannot be found again (the sample is then rewritten by hand).

    The piece before the first `...` is the output's start and the piece after the last its end;
    each piece between is placed where the new output is most like it, after the piece before.
    """
    if ELISION not in expected:
        return actual
    pieces: list[list[str]] = [[]]
    for line in expected:
        if line == ELISION:
            pieces.append([])
        else:
            pieces[-1].append(line)
    first, *middle, last = pieces
    if len(first) + len(last) > len(actual):
        return None
    new = [actual[: len(first)]]
    cursor, stop = len(first), len(actual) - len(last)
    for piece in middle:
        places = range(cursor, stop - len(piece) + 1)
        if not piece or not places:
            if piece:
                return None
            new.append([])
            continue
        likeness = [
            sum(difflib.SequenceMatcher(None, a, b).ratio() for a, b in zip(piece, actual[p:], strict=False))
            for p in places
        ]
        best = max(range(len(likeness)), key=lambda i: (likeness[i], -i))
        if likeness[best] < 0.5 * len(piece):
            return None
        at = places[best]
        new.append(actual[at : at + len(piece)])
        cursor = at + len(piece)
    new.append(actual[stop:])
    rewritten = new[0]
    for piece in new[1:]:
        rewritten = [*rewritten, ELISION, *piece]
    return rewritten if matches(rewritten, actual) else None


def update(documents: list[Path], write: bool) -> list[str]:
    """Check (or, with `write`, rewrite) the documents' samples; what was found, one line each."""
    said: list[str] = []
    edits: dict[Path, list[tuple[Sample, str]]] = {}
    for sample, printed in printed_now(documents):
        if printed is None:
            said.append(f"{sample.id}: no <!-- laa: ARGS --> before the block; not checked")
            continue
        expected, actual = lines(sample.expected), lines(printed)
        if matches(expected, actual):
            continue
        new = refreshed(expected, actual)
        if new is None:
            said.append(f"{sample.id}: differs, and its `...` cannot be kept; rewrite it by hand:\n{printed}")
        elif write:
            edits.setdefault(sample.document, []).append((sample, "\n".join(new) + "\n"))
            said.append(f"{sample.id}: rewritten")
        else:
            said.append(f"{sample.id}: differs")
    for document, changes in edits.items():
        text = document.read_text()
        for sample, body in sorted(changes, key=lambda c: c[0].start, reverse=True):
            text = text[: sample.start] + body + text[sample.end :]
        temporary = document.with_name(f".{document.name}.tmp")
        temporary.write_text(text)
        temporary.replace(document)
    return said


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.samples", description=__doc__.split("\n")[0])
    parser.add_argument("--update", action="store_true", help="rewrite the samples that differ")
    parser.add_argument("documents", nargs="*", type=Path, help="default: README.md and docs/*.md")
    options = parser.parse_args(argv)
    documents = [d.resolve() for d in options.documents] or DOCUMENTS
    said = update(documents, options.update)
    for line in said:
        print(line)
    verb = "were rewritten or differ" if options.update else "differ"
    print(f"{len(said)} of {len(samples(documents))} samples {verb}")
    return 1 if any("rewritten" not in line for line in said) else 0


if __name__ == "__main__":
    sys.exit(main())
