"""No command silently writes over someone's work (issue 23, item 2).

`laa template keep.xlsx` on a filled workbook replaced it with a blank one, exit 0; `laa convert` the
same. Now: template and convert keep any existing output unless `--force`; `--out` replaces an
earlier result (a result is asked for again by running the command again) but keeps a scenario
unless `--force`; no command ever writes over the file it reads.
"""

from __future__ import annotations

import json
import shutil

import pytest
from laa.cli.main import COMMANDS, load_command

from tests.cli.test_cli import laa
from tests.paths import CHECKS

SMALL = CHECKS / "check1.yaml"


@pytest.fixture
def filled(tmp_path):
    """A scenario workbook someone filled in (the small check area, as `laa convert` writes it)."""
    book = tmp_path / "keep.xlsx"
    done = laa("convert", str(SMALL), str(book))
    assert done.returncode == 0, done.stderr
    return book


def test_template_keeps_an_existing_workbook_unless_forced(filled):
    before = filled.read_bytes()
    refused = laa("template", str(filled))
    assert refused.returncode == 2
    assert refused.stderr == (
        f"error: {filled}: already exists; give --force to replace it, or name another file (nothing was "
        "written)\n"
    )
    assert filled.read_bytes() == before
    assert laa("template", str(filled), "--force").returncode == 0
    assert filled.read_bytes() != before


def test_convert_keeps_an_existing_target_unless_forced_and_never_writes_over_its_source(filled, tmp_path):
    target = tmp_path / "area.yaml"
    target.write_text("# my notes\n")
    refused = laa("convert", str(filled), str(target))
    assert refused.returncode == 2 and "already exists; give --force" in refused.stderr
    assert target.read_text() == "# my notes\n"
    assert laa("convert", str(filled), str(target), "--force").returncode == 0
    assert target.read_text().startswith("name:")
    before = filled.read_bytes()
    itself = laa("convert", str(filled), str(filled), "--force")
    assert itself.returncode == 2 and "is the file this command reads" in itself.stderr
    assert filled.read_bytes() == before


def test_out_replaces_an_earlier_result_but_keeps_a_scenario(filled, tmp_path):
    result = tmp_path / "results.json"
    for _ in range(2):  # the same command again: last week's result is replaced, as asked
        done = laa("run", str(SMALL), "-a", "aligned", "--format", "json", "--out", str(result))
        assert done.returncode == 0, done.stderr
    assert json.loads(result.read_text())["arrangements"][0]["arrangement"] == "aligned"
    before = filled.read_bytes()
    refused = laa("run", str(SMALL), "-a", "aligned", "--format", "xlsx", "--out", str(filled))
    assert refused.returncode == 2
    assert "holds a scenario workbook (it has a Streams sheet), not an earlier result" in refused.stderr
    assert "give --force" in refused.stderr and filled.read_bytes() == before
    scenario = tmp_path / "area.yaml"
    shutil.copy(SMALL, scenario)
    scenario.chmod(0o644)  # shared/ is read-only, and a read-only file is refused before anything else
    kept = laa("compare", str(SMALL), "--out", str(scenario))
    assert kept.returncode == 2 and scenario.read_bytes() == SMALL.read_bytes()
    forced = laa("compare", str(SMALL), "--out", str(scenario), "--force")
    assert forced.returncode == 0 and "silo" in scenario.read_text()


def test_out_never_writes_over_the_file_the_command_reads(tmp_path):
    scenario = tmp_path / "area.yaml"
    shutil.copy(SMALL, scenario)
    scenario.chmod(0o644)  # shared/ is read-only, and a read-only file is refused before anything else
    for command in (["run", "-a", "aligned"], ["report", "-a", "aligned", "--freedoms", "0"]):
        refused = laa(command[0], str(scenario), *command[1:], "--out", str(scenario), "--force")
        assert refused.returncode == 2, refused.stderr
        assert "is the file this command reads" in refused.stderr
        assert scenario.read_bytes() == SMALL.read_bytes()


def test_every_command_that_writes_a_named_file_takes_force():
    """Batch's --out is a folder each run writes its own documents into (laa-runs/run-N by default)."""
    writers = []
    for name, where in COMMANDS.items():
        if name == "batch":
            continue
        params = {p.name for p in load_command(where).params}
        if "out" in params or name in ("template", "convert"):
            assert "force" in params, name
            writers.append(name)
    assert {"run", "compare", "report", "partners", "sweep", "template", "convert"} <= set(writers)
