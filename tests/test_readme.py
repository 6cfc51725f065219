"""Every sample output in README.md and the user guide (docs/*.md) is what its command prints today.

The convention for samples, and `python -m tests.samples --update` that rewrites them after a
change to what commands print, are in tests/samples.py. docs/new-area.md's samples are steps of
one walk through a new area and are checked in tests/test_guide.py.
"""

from __future__ import annotations

import pytest

from tests.paths import ROOT
from tests.samples import (
    DOCUMENTS,
    MARKER,
    Command,
    Sample,
    lines,
    matches,
    python_blocks,
    refreshed,
    run,
    samples,
    update,
)

ON_THEIR_OWN = [s for s in samples() if not s.in_new_area]


def test_the_readme_and_the_guide_have_samples_and_each_names_its_command():
    found = samples()
    assert len([s for s in found if s.document.name == "README.md"]) >= 2
    assert {s.document.name for s in found} >= {"README.md", "new-area.md", "meeting.md", "uncertainty.md"}
    untested = [s.id for s in found if s.command is None]
    assert not untested, f"```text blocks with no <!-- laa: ARGS --> or <!-- python --> before: {untested}"
    assert all(MARKER.match(s.marker or "") for s in found)


def test_elision_matches_any_number_of_lines():
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"]) and matches(["a", "...", "d"], ["a", "d"])
    assert matches(["...", "c"], ["a", "b", "c"]) and matches(["a", "..."], ["a", "b"])
    assert not matches(["a", "...", "d"], ["a", "b", "c"]) and not matches(["a", "b"], ["a", "c"])


@pytest.mark.parametrize("sample", ON_THEIR_OWN, ids=lambda s: s.id)
def test_each_sample_is_what_its_command_prints(sample: Sample):
    command = sample.command
    assert command is not None, f"{sample.id}: no <!-- laa: ARGS --> before the block"
    actual = lines(run(command, ROOT, sample.code))
    assert matches(lines(sample.expected), actual), (
        f"{sample.id}: `{sample.marker}` no longer prints the sample; `python -m tests.samples --update`"
        "\n--- printed now ---\n" + "\n".join(actual)
    )


def test_every_python_block_runs():
    """Those whose output a sample shows run there; the rest (if any) run here and must not fail."""
    shown = {s.code for s in samples() if s.code is not None}
    failed = []
    for block in python_blocks():
        if block.code not in shown:
            printed = run(Command(True, None, ()), ROOT, block.code)
            if "Traceback" in printed:
                failed.append(f"{block.id}:\n{printed}")
    assert not failed, "\n".join(failed)


def test_a_refreshed_sample_keeps_its_elisions_where_they_were():
    expected = ["title 1", "", "...", "table", "row a 1", "row b 1", "...", "the end 1"]
    actual = ["title 2", "", "intro", "more", "table", "row a 2", "row b 2", "row c 2", "notes", "the end 2"]
    assert refreshed(expected, actual) == [
        "title 2", "", "...", "table", "row a 2", "row b 2", "...", "the end 2",
    ]  # fmt: skip
    assert refreshed(["a", "b"], ["c"]) == ["c"]  # no elision: the whole new output
    assert refreshed(["a", "...", "b", "c"], ["x"]) is None  # the pieces no longer fit: by hand
    assert refreshed(["...", "zzzz", "..."], ["aaaa", "bbbb"]) is None  # nothing like the piece shown


def test_update_rewrites_a_stale_sample_in_place_and_keeps_the_rest(tmp_path):
    document = tmp_path / "guide.md"
    stale = (
        "Intro.\n\n<!-- laa (in tests/readme): validate area.yaml -->\n```text\n2 problems in the scenario:\n"
        "...\n  - area.yaml: streams[nrf].eligible: gone\n```\n\nAfter.\n"
    )
    document.write_text(stale)
    assert update([document], write=False) == ["guide.md:5: differs"]
    assert document.read_text() == stale
    assert update([document], write=True) == ["guide.md:5: rewritten"]
    text = document.read_text()
    assert text.startswith(stale[: stale.index("2 problems")] + "3 problems in the scenario:\n...\n")
    assert text.endswith("streams[nrf].eligible: unknown outcome or block 'neeet'\n```\n\nAfter.\n")
    assert update([document], write=False) == []


def test_the_documents_are_the_readme_and_the_guide():
    assert DOCUMENTS[0] == ROOT / "README.md" and all(d.parent == ROOT / "docs" for d in DOCUMENTS[1:])
