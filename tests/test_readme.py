"""Every sample output in README.md is what the command prints today, or this test fails.

The convention (follow it for any sample you add, and this test covers it with no change here):

- A sample of output is a fenced block marked ```text, and the line just before it (blank lines
  between are allowed) is an HTML comment naming the command, which readers of the rendered
  README do not see:

      <!-- laa: compare examples/northbridge.yaml -->
      ```text
      ...what it prints...
      ```

  The arguments follow `laa` as a user types them, run from the repository's root; to run in
  another folder (so a file is named as a user would see it), write `<!-- laa (in tests/readme):
  validate area.yaml -->`. What the command writes to stdout, then to stderr, is compared.
- A line that is exactly `...` stands for any number of lines, so a sample may show part of a long
  output (its start, its end, or a piece of its middle).
- Every ```text block must have its command: an untested sample is how the README drifted before.
  A block that is not output (a tree, a sketch) goes in another fence (```sh, ```yaml, ```jsonc).

Why a test of our own and not sybil or pytest's doctest: the samples are a command line's output,
not Python sessions, and they need the `...` elision and a working folder. That is forty lines
here; sybil would be a new dependency and still need a parser written for this form.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.paths import ROOT

README = ROOT / "README.md"
LAA = str(Path(sys.executable).parent / "laa")
BLOCK = re.compile(r"(?:<!-- (?P<marker>.*?) -->\s*\n)?```text\n(?P<body>.*?)```", re.DOTALL)
MARKER = re.compile(r"^laa(?: \(in (?P<cwd>[^)]+)\))?: (?P<args>.+)$")
ELISION = "..."


@dataclass(frozen=True)
class Sample:
    line: int  # where its block starts in README.md
    marker: str | None
    expected: str

    @property
    def id(self) -> str:
        return f"README.md:{self.line}"


def samples() -> list[Sample]:
    text = README.read_text()
    return [
        Sample(text.count("\n", 0, m.start("body")), m.group("marker"), m.group("body"))
        for m in BLOCK.finditer(text)
    ]


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` is `expected` line for line, each `...` standing for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == ELISION:
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and matches(expected[1:], actual[1:])


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.rstrip("\n").split("\n")]


def test_the_readme_has_samples_and_each_names_its_command():
    found = samples()
    assert len(found) >= 5
    untested = [s.id for s in found if s.marker is None or not MARKER.match(s.marker)]
    assert not untested, f"```text blocks without <!-- laa: ARGS --> before them: {untested}"


def test_elision_matches_any_number_of_lines():
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"]) and matches(["a", "...", "d"], ["a", "d"])
    assert matches(["...", "c"], ["a", "b", "c"]) and matches(["a", "..."], ["a", "b"])
    assert not matches(["a", "...", "d"], ["a", "b", "c"]) and not matches(["a", "b"], ["a", "c"])


@pytest.mark.parametrize("sample", samples(), ids=lambda s: s.id)
def test_each_sample_is_what_its_command_prints(sample: Sample):
    found = MARKER.match(sample.marker or "")
    assert found, f"{sample.id}: no <!-- laa: ARGS --> before the block"
    cwd = ROOT / found.group("cwd") if found.group("cwd") else ROOT
    done = subprocess.run(
        [LAA, *found.group("args").split()], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    actual = _lines(done.stdout + done.stderr)
    expected = _lines(sample.expected)
    assert matches(expected, actual), (
        f"{sample.id}: `laa {found.group('args')}` no longer prints the README's sample; update README.md."
        "\n--- printed now ---\n" + "\n".join(actual)
    )
