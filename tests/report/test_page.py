"""The page as a file: self-contained, escaped, and `laa report`'s exit codes and located errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from models.load import parse_scenario
from scenarios.arrangements import plan_all
from scenarios.report import prepare_report, report_html
from scenarios.report_charts import chart_text
from scenarios.report_page import inline_script
from tests.paths import EXAMPLE
from tests.report.scenarios import hostile, laa, two_streams, write


def test_hostile_names_never_reach_the_html_as_markup():
    scenario = parse_scenario(hostile(), "hostile.yaml")
    page = report_html(prepare_report(scenario, plan_all(scenario), freedoms_top=2))
    # the page's own scripts are the only ones; no name opens an element or closes a script
    assert page.count("<script") == page.count("</script>")
    assert "<script>window.__pwned" not in page
    assert "<img" not in page
    assert 'onerror="' not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page  # shown, as text


def test_no_fetch_anywhere_in_the_page():
    scenario = parse_scenario(two_streams(), "two.yaml")
    page = report_html(prepare_report(scenario, plan_all(scenario), freedoms_top=0))
    assert "Content-Security-Policy" in page
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=""", page)
    assert page.count("<script>") >= 2  # plotly.js inlined, then one per chart


def test_chart_text_and_inline_script_cannot_break_out():
    assert chart_text("<b>&amp;</b>") == "&lt;b&gt;&amp;amp;&lt;/b&gt;"
    assert inline_script('x = "</SCRIPT><!--"') == 'x = "<\\/SCRIPT><\\!--"'


def test_example_report_exit_0(tmp_path: Path):
    out = tmp_path / "sub" / "report.html"
    done = laa("report", EXAMPLE, "-o", out, "--freedoms", "1")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"wrote {out}"
    assert "Northbridge LAA 2026-29 (illustrative)" in out.read_text()
    assert not list(out.parent.glob(".*.tmp"))  # written atomically


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sweep-stream", "nope"], "--sweep-stream: unknown stream 'nope'"),
        (["--sweep-rule", "nope"], "--sweep-rule: unknown rule 'nope'"),
        (["--sweep-stream", "a", "--sweep-change", "big"], "--sweep-change: expected a range"),
        (["--sweep-change", "-10%..10%"], "--sweep-change: give --sweep-stream or --sweep-rule"),
        (["--sweep-stream", "a", "--sweep-rule", "b-cap"], "sweep one thing at a time"),
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
    assert "statutory minimum for &#x27;Outcome two&#x27; in 2026: 5,000,000 required" in page
