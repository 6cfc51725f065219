"""The report as a negotiator sees it: opened from disk in headless Chromium with the network off.

Each page must draw every chart with nothing logged at SEVERE and no request
leaving the machine; the checks read the rendered page, not the HTML source.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from laa.models.load import load_scenario
from laa.pooling.plans.plan import Plan
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.outputs.atomic import write_atomic
from laa.scenarios.report.build import prepare_report
from laa.scenarios.report.charts import SANKEY_LABEL_CHARS, short
from laa.scenarios.report.flows import BLOCK, MAX_NODES
from laa.scenarios.report.progress import most_different, outcome_progress
from laa.scenarios.report.sections import PROGRESS_ROWS, report_html, score_text
from selenium import webdriver

from tests.paths import EXAMPLE
from tests.scenarios.report.browser import Loaded, load, screenshot
from tests.scenarios.report.scenarios import (
    IMG,
    SCRIPT,
    all_infeasible,
    hostile,
    laa,
    short_of_money,
    two_streams,
    write,
)

SANKEY_NODES = "return document.querySelectorAll('#chart-flows g.sankey-node').length"


def text(driver: webdriver.Chrome) -> str:
    return driver.execute_script("return document.body.innerText")


def assert_clean(loaded: Loaded) -> None:
    assert loaded.errors == [], loaded.errors
    assert loaded.network == [], loaded.network


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "report.html"
    done = laa("report", EXAMPLE, "-o", out, "--freedoms", "2")
    assert done.returncode == 0, done.stderr
    return out


def test_example_shows_the_comparison_the_flows_and_the_words(browser, example: Path, tmp_path: Path):
    loaded = load(browser, example)
    assert_clean(loaded)
    shown = text(browser)
    for plan in plan_all(load_scenario(EXAMPLE)):
        row = browser.execute_script(
            "return [...document.querySelectorAll('#arrangements tbody tr')]"
            ".map(r => r.innerText).find(t => t.startsWith(arguments[0]))",
            plan.arrangement.value,
        )
        assert row is not None and score_text(plan.score) in row, (plan.arrangement, row)
    assert browser.execute_script(SANKEY_NODES) >= 20
    assert (
        browser.execute_script("return document.querySelectorAll('#chart-flows path.sankey-link').length")
        > 20
    )
    assert "Communities and Local Government" in shown
    assert "would add" in shown and "score if granted" in shown  # prices and freedoms in words
    png = screenshot(browser, tmp_path / "example.png")
    assert png.stat().st_size > 100_000


def test_hostile_names_are_shown_and_never_run(browser, tmp_path: Path):
    path = write(hostile(), tmp_path / "hostile.yaml")
    out = tmp_path / "hostile.html"
    done = laa(
        "report", path, "-o", out, "--arrangement", "aligned", "--sweep-stream", "a", "--sweep-steps", "2"
    )
    assert done.returncode == 0, done.stderr
    loaded = load(browser, out)
    assert_clean(loaded)
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert browser.execute_script("return document.images.length") == 0
    shown = text(browser)
    assert f"Hostile area {SCRIPT}{IMG}" in shown
    assert f"Stream {SCRIPT}{IMG}" in shown  # in the Sankey's labels
    assert f"drop rule {SCRIPT}" in shown.lower()  # the freedom, priced on the aligned plan
    labels = browser.execute_script(
        "return [...document.querySelectorAll('#chart-flows g.sankey-node text')].map(t => t.textContent)"
    )
    assert short(f"Block {SCRIPT}", SANKEY_LABEL_CHARS[BLOCK]) in labels  # shortened, shown as text
    assert any(label.startswith('Outcome "><img src=x') for label in labels)
    screenshot(browser, tmp_path / "hostile.png")


def test_infeasible_arrangements_are_explained(browser, tmp_path: Path):
    out = tmp_path / "short.html"
    done = laa("report", write(short_of_money(), tmp_path / "short.yaml"), "-o", out)
    assert done.returncode == 3  # like `laa run`: some infeasible, report written
    loaded = load(browser, out)
    assert_clean(loaded)
    shown = text(browser)
    assert "Infeasible plans and broken rules" in shown
    assert "the statutory minimum for 'Outcome two' in 2026 is £1,000,000" in shown
    assert "Smallest change that makes it feasible" in shown
    assert browser.execute_script(SANKEY_NODES) > 0  # pooled still plans, and its flows are drawn


def test_nothing_feasible_still_renders(browser, tmp_path: Path):
    out = tmp_path / "none.html"
    done = laa("report", write(all_infeasible(), tmp_path / "none.yaml"), "-o", out)
    assert done.returncode == 3
    assert_clean(load(browser, out))
    shown = text(browser)
    assert "No arrangement has a feasible plan, so there are no flows" in shown
    assert "No joint plan to price: aligned, pooled and optimal were run and found no plan." in shown


def test_sweep_is_plotted_per_arrangement(browser, tmp_path: Path):
    out = tmp_path / "sweep.html"
    path = write(two_streams(), tmp_path / "two.yaml")
    args = ["--sweep-stream", "a", "--sweep-change", "-50%..+50%", "--sweep-steps", "4", "--freedoms", "0"]
    done = laa("report", path, "-o", out, *args)
    assert done.returncode == 0, done.stderr
    assert_clean(load(browser, out))
    lines = browser.execute_script("return document.querySelectorAll('#chart-sweep g.trace.scatter').length")
    assert lines == 4  # silo, aligned, pooled, optimal
    assert "Sweep: the amounts of Stream A" in text(browser)


def test_xl_report_stays_readable(browser, xl_plans: list[Plan], tmp_path: Path):
    scenario = xl_plans[0].scenario
    out = write_atomic(tmp_path / "xl.html", report_html(prepare_report(scenario, xl_plans, freedoms_top=0)))
    loaded = load(browser, out)
    assert_clean(loaded)
    nodes = browser.execute_script(SANKEY_NODES)
    assert 0 < nodes <= MAX_NODES
    shown = text(browser)
    assert "Other streams" in shown and "Other outcomes" in shown
    picked = most_different(scenario, xl_plans, outcome_progress(scenario, xl_plans), PROGRESS_ROWS)
    assert 0 < len(picked.rows) <= PROGRESS_ROWS
    assert f"The {len(picked.rows)} of {len(scenario.outcomes)} outcomes on which the arrangements" in shown
    labels = browser.execute_script(
        "return [...document.querySelectorAll('#chart-progress .ytick text')].map(t => t.textContent)"
    )
    assert labels == [short(r.name) for r in picked.rows]
    screenshot(browser, tmp_path / "xl.png")


def test_a_script_that_slipped_past_escaping_would_not_run(browser, tmp_path: Path):
    """The second defence: the policy runs plotly.js and the drawing script only, by their hashes."""
    scenario = load_scenario(EXAMPLE)
    page = report_html(prepare_report(scenario, plan_all(scenario), freedoms_top=0))
    leaked = page.replace("<footer>", f"{SCRIPT}<footer>", 1)
    loaded = load(browser, write_atomic(tmp_path / "leaked.html", leaked))
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert any("Content Security Policy" in str(m.get("message")) for m in loaded.errors), loaded.errors
    assert browser.execute_script(SANKEY_NODES) > 0  # the page's own scripts still ran


LABEL_BOXES = """
return [...document.querySelectorAll('#chart-flows g.sankey-node text')]
  .filter(t => t.textContent.trim() !== '')
  .map(t => { const b = t.getBoundingClientRect();
              return [t.textContent, b.left, b.top, b.right, b.bottom]; });
"""


def _overlaps(boxes: list[list]) -> list[tuple[str, str]]:
    found = []
    for i, (a, l1, t1, r1, b1) in enumerate(boxes):
        for b, l2, t2, r2, b2 in boxes[i + 1 :]:
            if l1 < r2 - 0.5 and l2 < r1 - 0.5 and t1 < b2 - 0.5 and t2 < b1 - 0.5:
                found.append((a, b))
    return found


def test_flow_labels_never_overlap(browser, example: Path, xl_plans: list[Plan], tmp_path: Path):
    load(browser, example)
    boxes = browser.execute_script(LABEL_BOXES)
    assert len(boxes) > 10 and _overlaps(boxes) == []
    scenario = xl_plans[0].scenario
    out = write_atomic(tmp_path / "xl.html", report_html(prepare_report(scenario, xl_plans, freedoms_top=0)))
    load(browser, out)
    boxes = browser.execute_script(LABEL_BOXES)
    assert boxes and _overlaps(boxes) == []
    hover = browser.execute_script(
        "return document.querySelector('#chart-flows').data[0].node.customdata.join('|')"
    )
    assert "Other outcomes" in hover  # every node's full name is in its hover, labelled or not


def test_an_infeasible_arrangement_is_labelled_in_every_chart(browser, tmp_path: Path):
    out = tmp_path / "short.html"
    done = laa("report", write(short_of_money(), tmp_path / "short.yaml"), "-o", out, "--freedoms", "0")
    assert done.returncode == 3
    assert_clean(load(browser, out))

    def chart_text(chart: str) -> str:
        return browser.execute_script(f"return document.querySelector('#{chart}').textContent")

    assert "infeasible: no plan" in chart_text("chart-scores")
    assert "infeasible: no plan" in chart_text("chart-money")
    assert "infeasible" in chart_text("chart-progress")


def test_the_partners_table_stays_on_the_page_at_1400_pixels(browser, tmp_path: Path):
    """Issue 23: at 1,400 px the partners table (six departments, eleven columns) ran off the page's right
    edge; its headers now wrap, so every table ends inside the page's column."""
    out = tmp_path / "settlement.html"
    settlement = EXAMPLE.parent / "integrated-settlement.yaml"
    done = laa("report", settlement, "-o", out, "--partners", "--freedoms", "0")
    assert done.returncode == 0, done.stderr
    assert_clean(load(browser, out))
    browser.set_window_size(1400, 1000)
    edges = browser.execute_script(
        "const main = document.querySelector('main');"
        "const inside = main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight);"
        "return [...document.querySelectorAll('table')].map(t => "
        "[t.closest('section').id, t.getBoundingClientRect().right, inside]);"
    )
    assert "partners" in {section for section, _, _ in edges}
    for section, right, page in edges:
        assert right <= page + 0.5, (section, right, page)
