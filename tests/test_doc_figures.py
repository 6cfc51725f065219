"""The figures the README and the guide state in prose, held to what decides them.

Outputs are samples (tests/samples.py); what is left in prose is a limit, a default or a figure
of the guide's own tables. Each is checked here against the code or the table it comes from, so
changing either without the other fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from laa.cli.main import COMMANDS, load_command
from laa.models.documents import MAX_ALIAS_ITEMS, MAX_DEPTH
from laa.models.reading import MAX_FILE_BYTES
from laa.models.workbook.reader import MAX_MARKUP_BYTES
from laa.pooling.program.scale import SOLVER_TOLERANCE
from laa.pooling.robust.against_draws import TARGETS_TIME_LIMIT
from laa.scenarios.analysis.robust_frontier import ALPHAS
from laa.scenarios.analysis.shapley import EXACT_UP_TO
from laa.scenarios.batch.cases import Deadline
from laa.scenarios.outputs.results import FORMAT_VERSION

import laa
from tests.paths import EXAMPLE, ROOT
from tests.samples import DEFAULT_PORT, DOCUMENTS, NEW_AREA_GUIDE, fills, typed

DOCS = ROOT / "docs"
MB = 1024 * 1024


def _says(document: Path, phrase: str) -> None:
    text = " ".join(document.read_text().split())  # a phrase may be wrapped across lines
    assert phrase in text, f"{document.relative_to(ROOT)} no longer says {phrase!r}"


def _default(command: str, option: str) -> object:
    return next(p.default for p in load_command(COMMANDS[command]).params if p.name == option)


def test_the_limits_on_what_is_read_are_the_readers():
    internals = DOCS / "internals.md"
    assert MAX_FILE_BYTES == 32 * MB
    _says(internals, "files over 32 MB are refused")
    assert MAX_ALIAS_ITEMS == 2_000_000
    _says(internals, "YAML aliases that add over two million items")
    assert MAX_DEPTH == 32
    _says(internals, "nesting over 32 levels")
    assert MAX_MARKUP_BYTES == 1 * MB
    _says(internals, "text or tag over 1 MB")


def test_the_dust_rule_is_the_engines():
    """docs/internals.md and docs/meeting.md: dust is the solver's tolerance, 1e-7, line by line."""
    assert SOLVER_TOLERANCE == 1e-7
    for page in ("internals.md", "meeting.md"):
        text = (ROOT / "docs" / page).read_text()
        assert "1e-7" in text and "millionth of the area" not in text, page
    _says(DOCS / "internals.md", "under 1e-7 both in the unit the solver saw it in")


def test_the_robust_figures_are_the_engines():
    assert TARGETS_TIME_LIMIT == 20
    _says(DOCS / "uncertainty.md", "solved in stages within 20 s in all")
    assert (ALPHAS[0], ALPHAS[-1]) == (1, 0.05)
    _says(DOCS / "uncertainty.md", "for ALPHA from 1 (the mean) down to the worst twentieth")


def test_the_batchs_grace_is_the_batchs():
    assert Deadline.after(200).grace == 40 and Deadline.after(10).grace == 30
    _says(DOCS / "batch.md", "A case still running 30 seconds or 20% later (whichever is longer)")
    assert _default("batch", "ledger") == "laa-ledger.sqlite"
    _says(DOCS / "batch.md", "(default `laa-ledger.sqlite` in the folder the batch runs in")


def test_shapley_shares_are_exact_as_far_as_the_guide_says():
    assert EXACT_UP_TO == 12
    _says(DOCS / "meeting.md", "Exact up to 12 partners (every group's plan, re-solved in place)")


def test_defaults_and_versions_the_guide_gives():
    assert _default("partners", "epsilon") == 0.01
    _says(DOCS / "meeting.md", "[--epsilon 0.01]")
    assert FORMAT_VERSION == 1
    _says(DOCS / "file-format.md", "(`--format json`; `format_version` 1)")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_address_of_the_meeting_page_has_its_default_port(document: Path):
    ports = set(re.findall(r"127\.0\.0\.1:(\d+)", document.read_text()))
    assert ports <= {str(DEFAULT_PORT)}


def _table(sheet: str) -> list[dict[str, object]]:
    table = next(f for f in fills(NEW_AREA_GUIDE) if f.sheet == sheet)
    return [{h: typed(c) for h, c in zip(table.header, row, strict=True)} for row in table.rows]


def test_what_the_new_area_says_of_its_tables_is_what_they_hold():
    smoking = [(r["spend"], r["effect"]) for r in _table("Response") if r["outcome"] == "smoking"]
    assert smoking == [(1_500_000, 120), (1_500_000, 60)]
    _says(NEW_AREA_GUIDE, "the first £1,500,000 spent on smoking brings 120 more quitters, "
                          "the next £1,500,000 another 60, and money beyond that nothing more")  # fmt: skip
    [rule] = _table("Rules")
    assert (rule["streams"], rule["outcomes"], rule["kind"], rule["value"]) == ("public_health", "smoking",
                                                                                "min_share", 0.3)  # fmt: skip
    _says(NEW_AREA_GUIDE, "the council ring-fences 30% of its public health grant for stop-smoking services")
    cut = next(r for r in _table("Variants") if r["variant"] == "ph-cut")
    assert (cut["stream"], cut["scale"]) == ("public_health", 0.9)
    _says(NEW_AREA_GUIDE, "the public health grant is cut by a tenth")


def test_the_variants_the_meeting_guide_shows_apply_to_the_example():
    text = (DOCS / "meeting.md").read_text()
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL) if b.startswith("variants:"))
    [shown] = yaml.safe_load(block)["variants"]
    changed = laa.apply_changes(laa.load(EXAMPLE), shown["changes"])
    assert changed is not None


LINK = re.compile(r"\]\((?!https?://)(?P<path>[^)#\s]*)(?:#(?P<anchor>[^)\s]+))?\)")


def _anchors(document: Path) -> set[str]:
    """GitHub's ids for a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#+ (.+)$", document.read_text(), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_link_leads_somewhere(document: Path):
    broken = []
    for m in LINK.finditer(document.read_text()):
        target = (document.parent / m.group("path")).resolve() if m.group("path") else document
        if not target.exists() or (m.group("anchor") and m.group("anchor") not in _anchors(target)):
            broken.append(m.group(0))
    assert not broken, broken
