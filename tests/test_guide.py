"""The user guide followed as a newcomer would, and every command it names one that `laa` has.

docs/new-area.md is walked from `laa template` to the meeting page in one empty folder: each
command in the guide's order, each table typed into the workbook where the guide reaches it
(tests/samples.py), every output compared with what the guide shows. While the guide's `laa
serve` runs, its server (on loopback) is asked what the guide says of the meeting page.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from laa.cli.main import COMMANDS, load_command

from tests.paths import ROOT
from tests.samples import DEFAULT_PORT, DOCUMENTS, LAA, NEW_AREA_GUIDE, fills, lines, matches, typed, walk

GUIDE = NEW_AREA_GUIDE.read_text()
WORKBOOK = "riverside.xlsx"


def _http(url: str, body: dict[str, Any] | None = None) -> tuple[int, str, str]:
    """Status, content type and text of a GET (or, with a body, a JSON POST), as curl would send it."""
    data = None if body is None else json.dumps(body).encode()
    headers = {} if body is None else {"Content-Type": "application/json"}
    method = "GET" if body is None else "POST"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=300) as answer:
        return answer.status, answer.headers.get_content_type(), answer.read().decode()


def _figures(document: dict[str, Any]) -> dict[str, tuple[str, float | None]]:
    """Each arrangement's status and score: what the page's cards and `laa compare` show."""
    return {
        a["arrangement"]: (a["status"], None if a["score"] is None else round(a["score"], 6))
        for a in document["arrangements"]
    }


def _laa_run_json(folder: Path, *args: str) -> dict[str, Any]:
    done = subprocess.run([LAA, "run", WORKBOOK, *args, "--format", "json"], cwd=folder, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _the_guides_curl() -> tuple[str, dict[str, Any]]:
    """The address and body of the `curl` the guide shows for the page's API."""
    block = next(b for b in re.findall(r"```sh\n(.*?)```", GUIDE, re.DOTALL) if "curl" in b)
    words = shlex.split(block.replace("\\\n", " "))
    url = next(w for w in words if w.startswith("http://"))
    return url, json.loads(words[words.index("-d") + 1])


def _the_guides_variant(variant: str) -> list[dict[str, Any]]:
    """The changes of a variant as the guide's Variants table types them."""
    table = next(f for f in fills(NEW_AREA_GUIDE) if f.sheet == "Variants")
    changes = []
    for row in table.rows:
        cells = dict(zip(table.header, row, strict=True))
        if cells.pop("variant") == variant:
            cells.pop("name", None)
            changes.append({k: typed(v) for k, v in cells.items() if v})
    return changes


def _the_meeting_page_is_what_the_guide_says(url: str, folder: Path) -> None:
    # the page opens at the address printed, titled with the area's name
    status, kind, page = _http(url)
    assert (status, kind) == (200, "text/html") and "Riverside LAA 2026-28" in page
    # it shows the arrangements as `laa run` planned them
    status, _, base = _http(url + "api/plan", {"changes": []})
    assert status == 200 and _figures(json.loads(base)) == _figures(_laa_run_json(folder))
    # the guide's curl makes the change the police-out variant makes, and the page plans what it planned
    address, body = _the_guides_curl()
    assert address == f"http://127.0.0.1:{DEFAULT_PORT}/api/plan"
    assert body["changes"] == _the_guides_variant("police-out")
    status, _, changed = _http(url + "api/plan", body)
    variant = _laa_run_json(folder, "--variant", "police-out")
    assert status == 200 and _figures(json.loads(changed)) == _figures(variant)
    assert _figures(variant) != _figures(json.loads(base)), "the what-if the guide shows changes nothing"


def test_a_newcomer_builds_the_new_area_from_the_template_to_the_meeting_page(tmp_path: Path):
    asked: list[str] = []

    def at_the_meeting(url: str) -> None:
        _the_meeting_page_is_what_the_guide_says(url, tmp_path)
        asked.append(url)

    differ = []
    steps = 0
    for sample, printed in walk(tmp_path, at_the_meeting):
        steps += 1
        if not matches(lines(sample.expected), lines(printed)):
            differ.append(f"{sample.id}: `{sample.marker}` prints now:\n{printed}")
    assert steps >= 8 and len(asked) == 1
    assert (tmp_path / WORKBOOK).is_file() and (tmp_path / "riverside.html").is_file()
    assert not differ, "docs/new-area.md no longer shows what its commands print:\n" + "\n".join(differ)


def _commands_shown(text: str) -> list[str]:
    """Each `laa ...` the text shows: in ```sh blocks (continued lines joined, comments cut, one
    per `&&` or `;`) and in inline code."""
    shown = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL):
        for line in block.replace("\\\n", " ").split("\n"):
            for part in re.split(r"&&|;", re.sub(r"\s#\s.*$", "", line)):
                shown.append(part.strip())
    shown += [" ".join(code.split()) for code in re.findall(r"(?<!`)`(laa [^`]+)`", text)]
    return [re.sub(r"^(?:\S*/)?laa ", "laa ", s) for s in shown if re.match(r"(?:\S*/)?laa [a-z]", s)]


def _options(names: list[str]) -> set[str]:
    found = {"--help", "-h"}
    for name in names:
        for param in load_command(COMMANDS[name]).params:
            found.update(param.opts, param.secondary_opts)
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_laa_command_shown_is_one_laa_has_with_options_it_has(document: Path):
    """A renamed command or option must not leave the guide telling readers to type the old one."""
    wrong = []
    for shown in _commands_shown(document.read_text()):
        found = re.match(r"laa ((?:[\w-]+ \| )*[\w-]+)(.*)$", shown)
        assert found, shown
        names = found.group(1).split(" | ")
        if unknown := [n for n in names if n not in COMMANDS]:
            wrong.append(f"{shown!r}: laa has no command {unknown[0]!r}")
            continue
        words = re.split(r"[\s\[\]|(),`]+", found.group(2))
        flags = {w.split("=")[0] for w in words if re.fullmatch(r"--?[a-z][\w-]*(=\S*)?", w)}
        wrong += [f"{shown!r}: laa {names[0]} has no option {f}" for f in sorted(flags - _options(names))]
    assert not wrong, "\n".join(wrong)


def test_the_check_of_commands_catches_an_unknown_command_or_option():
    text = "```sh\nlaa run x.yaml --explain && laa runn x  # a typo\n```\nthen `laa sweep FILE\n--steps K`"
    shown = _commands_shown(text)
    assert shown == ["laa run x.yaml --explain", "laa runn x", "laa sweep FILE --steps K"]
    assert "--explain" in _options(["run"]) and "--stepz" not in _options(["sweep"])


def test_ci_runs_exactly_the_readmes_test_command_and_requires_system_programs():
    readme = (ROOT / "README.md").read_text()
    install_and_run, install_and_test = re.findall(r"```sh\n(.*?)\n```", readme, re.DOTALL)[:2]
    assert install_and_run.endswith(".venv/bin/laa run examples/northbridge.yaml")
    assert install_and_test.endswith(".venv/bin/python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text().strip().split("\n")
    assert ci[-1] == install_and_test
    assert "export LAA_REQUIRE_SYSTEM_TOOLS=1" in ci
