"""The page as a file: self-contained, escaped, and `laa report`'s exit codes and located errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from laa.cli.report import report
from laa.models.load import parse_scenario
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.outputs import atomic as output
from laa.scenarios.report.build import prepare_report
from laa.scenarios.report.charts import chart_text
from laa.scenarios.report.page import inline_script
from laa.scenarios.report.sections import report_html

from tests.paths import EXAMPLE
from tests.scenarios.report.scenarios import hostile, laa, two_streams, write


def test_hostile_names_never_reach_the_html_as_markup():
    scenario = parse_scenario(hostile(), "hostile.yaml")
    page = report_html(prepare_report(scenario, plan_all(scenario), freedoms_top=2))
    # the page's own scripts are the only ones: plotly.js, a data block per chart (scores, money,
    # progress, flows) and the script that draws them; no name opens an element or closes a script
    assert page.count("<script") == 6
    assert page.count("</script>") == 6
    assert "<script>window.__pwned" not in page
    assert "<img" not in page
    assert 'onerror="' not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page  # shown, as text


def test_no_fetch_anywhere_in_the_page():
    scenario = parse_scenario(two_streams(), "two.yaml")
    page = report_html(prepare_report(scenario, plan_all(scenario), freedoms_top=0))
    assert "Content-Security-Policy" in page
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=""", page)
    assert page.count("<script>") == 2  # plotly.js inlined, and the one that draws every chart
    assert "unsafe-inline'; style" not in page and "script-src 'sha256-" in page  # only those two run


def test_the_heading_counts_in_words_a_reader_would_write():
    """Issue 23: the heading said "1 pots"."""
    scenario = parse_scenario(two_streams(), "two.yaml")
    page = report_html(prepare_report(scenario, plan_all(scenario), freedoms_top=0))
    assert "2 outcomes · 2 streams from 2 funders · 1 pot · generated" in page


def test_chart_text_and_inline_script_cannot_break_out():
    assert chart_text("<b>&amp;</b>") == "&lt;b&gt;&amp;amp;&lt;/b&gt;"
    assert inline_script('x = "</SCRIPT><!--"') == 'x = "<\\/SCRIPT><\\!--"'


def test_example_report_exit_0(tmp_path: Path):
    out = tmp_path / "report.html"
    done = laa("report", EXAMPLE, "-o", out, "--freedoms", "1")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"wrote {out}"
    assert "Northbridge LAA 2026-29 (illustrative)" in out.read_text()


def test_a_failed_write_leaves_the_old_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The page lands whole or not at all: a rename that fails keeps the old file and no temporary."""
    out = tmp_path / "report.html"
    out.write_text("the old page")

    def no_rename(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(output.os, "replace", no_rename)
    done = CliRunner().invoke(report, [str(write(two_streams(), tmp_path / "two.yaml")), "-o", str(out)])
    assert done.exit_code == 4
    assert "disk full" in done.output
    assert out.read_text() == "the old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "two.yaml"]


def test_historic_csv_adds_the_historic_arrangement(tmp_path: Path):
    spends = tmp_path / "spent.csv"
    spends.write_text("stream,outcome,year,amount\na,o1,2026,500000\nb,o2,2026,300000\n")
    out = tmp_path / "r.html"
    done = laa("report", write(two_streams(), tmp_path / "two.yaml"), "-o", out, "--historic", spends)
    assert done.returncode == 0, done.stderr
    page = out.read_text()
    row = re.search(r'<tr[^>]*><td class="name">historic</td><td class="name">evaluated</td>(.*?)</tr>', page)
    assert row is not None and '<td class="num">0.650</td>' in row.group(1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sweep-stream", "nope"], "--sweep-stream: unknown stream 'nope'"),
        (["--sweep-rule", "nope"], "--sweep-rule: unknown rule 'nope'"),
        (["--sweep-stream", "a", "--sweep-change", "big"], "--sweep-change: expected a range"),
        (["--sweep-change", "-10%..10%"], "--sweep-change: give --sweep-stream or --sweep-rule"),
        (["--sweep-stream", "a", "--sweep-rule", "b-cap"], "sweep one thing at a time"),
        (["-a", "historic"], "--arrangement historic: no historic allocation"),
    ],
)
def test_bad_sweep_options_are_located(tmp_path: Path, args: list[str], message: str):
    path = write(two_streams(), tmp_path / "two.yaml")
    done = laa("report", path, "-o", tmp_path / "r.html", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "r.html").exists()


def test_bad_file_is_located(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nyears: [2026]\n")
    done = laa("report", path, "-o", tmp_path / "r.html")
    assert done.returncode == 2
    assert "broken.yaml" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_silo_plan_that_breaks_a_minimum_is_said_to():
    """Silo funders plan alone and ignore the area's statutory minimums; the page says what broke."""
    doc = two_streams()
    doc["outcomes"][1]["min_spend"] = 5_000_000
    scenario = parse_scenario(doc, "statutory.yaml")
    report = prepare_report(scenario, plan_all(scenario), freedoms_top=0)
    assert report.best is not None and report.best.arrangement.value == "silo"  # the only plan with numbers
    page = report_html(report)
    assert "silo: planned, but not every rule holds" in page
    assert "statutory minimum for &#x27;Outcome two&#x27; in 2026: £5,000,000 required" in page


def test_breaches_are_grouped_by_what_they_break_with_the_full_list_folded():
    """o2's minimum of GBP 500,000 a year, beyond b's cap of GBP 300,000: silo breaks it in every year.
    The page says it once, with the count, the years and the gap, and folds the three breaches."""
    doc = two_streams()
    doc["years"] = [2026, 2027, 2028]
    doc["outcomes"][1]["min_spend"] = 500_000
    scenario = parse_scenario(doc, "short.yaml")
    page = report_html(prepare_report(scenario, plan_all(scenario), freedoms_top=0))
    problems = page[page.index('id="infeasible"') :]
    assert "It breaks 3 statutory minimums, on 1 outcome; the largest gaps first." in problems
    what = "statutory minimum for &#x27;Outcome two&#x27;"
    row = re.search(rf'<tr><td class="name">{what}</td>(.*?)</tr>', problems)
    assert row is not None
    assert '<td class="num">3</td>' in row.group(1) and "2026-2028" in row.group(1)
    assert '<td class="num">£600,000</td>' in row.group(1)
    start = problems.index('<details class="breaches">')
    folded = problems[start : problems.index("</details>", start)]
    assert folded.startswith('<details class="breaches"><summary>All 3 breaches</summary>')
    assert folded.count("<li>") == 3
