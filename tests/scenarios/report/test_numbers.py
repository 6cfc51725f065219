"""The page's numbers against `laa compare`'s: the same cards, the same outcomes named, the same words.

These read the HTML, not a browser: the numbers are what the negotiators quote, so they are checked
against the functions `laa compare` prints from, on scenarios where the two could part ways.
"""

from __future__ import annotations

import json
import re

import pytest
from laa.models.errors import LaaError
from laa.models.load import parse_scenario
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.compare import outcome_spreads
from laa.scenarios.analysis.table import arrangement_rows, score_places, signed
from laa.scenarios.report import build as report_module
from laa.scenarios.report.build import SweepRequest, prepare_report
from laa.scenarios.report.progress import OutcomeProgress, outcome_progress
from laa.scenarios.report.sections import PROGRESS_ROWS, report_html
from laa.scenarios.report.words import years_text

from benchmarks.generate import generate
from tests.scenarios.report.scenarios import short_of_money, two_streams


def cards(page: str) -> dict[str, str]:
    found = re.findall(r'<div class="label">([^<]*)</div><div class="value">([^<]*)</div>', page)
    return dict(found)


def progress_labels(page: str) -> list[str]:
    """The progress chart's outcome labels, top to bottom, as the page's figure JSON has them."""
    block = re.search(r'<script type="application/json" data-chart="chart-progress">(.*?)</script>', page)
    assert block is not None
    return json.loads(block.group(1))["layout"]["yaxis"]["ticktext"]


def progress_spread(row: OutcomeProgress) -> float:
    values = [c.progress for c in row.cells.values()]
    return max(values) - min(values)


@pytest.fixture(scope="module")
def medium():
    """M, seed 3: outcome o60 goes past its target and has no stretch, so its score is capped where
    its progress is not; a ranking by progress and one by score part ways on it."""
    scenario = parse_scenario(generate("M", 3), "m.yaml")
    plans = plan_all(scenario)
    return scenario, plans, prepare_report(scenario, plans, freedoms_top=0)


def test_cards_are_compare_s_numbers(medium):
    scenario, plans, report = medium
    page = report_html(report)
    best = report.best
    assert best is not None and best.arrangement is not Arrangement.SILO
    row = next(r for r in arrangement_rows(plans) if r.arrangement == best.arrangement.value)
    shown = cards(page)
    assert shown["Best arrangement"] == best.arrangement.value
    assert shown["Targets met"] == f"{row.targets_met}/{len(scenario.outcomes)}"
    assert shown["Gain over silo"] == signed(row.gain_over_silo)


def test_progress_names_the_outcomes_compare_names_in_its_order(medium):
    scenario, plans, report = medium
    i, o60 = next((i, o) for i, o in enumerate(scenario.outcomes) if o.id == "o60")
    past = [p for p in plans if p.evaluation and p.evaluation.outcomes[i].improvement > o60.gap]
    assert past and o60.stretch is None
    spreads = outcome_spreads(scenario, plans, len(scenario.outcomes))
    assert len(scenario.outcomes) > PROGRESS_ROWS
    expected = [scenario.label("outcomes", s.id) for s in spreads[:PROGRESS_ROWS]]
    page = report_html(report)
    assert progress_labels(page) == expected
    assert expected[:8] == [scenario.label("outcomes", s.id) for s in outcome_spreads(scenario, plans)]
    assert f"The {len(spreads)} of 80 outcomes on which the arrangements differ, ranked" in page
    # the scenario tells the rankings apart: by uncapped progress, o60 would be named among them
    widest = sorted(outcome_progress(scenario, plans), key=lambda r: -progress_spread(r))
    assert "o60" in [r.id for r in widest[: len(spreads)]] and "o60" not in [s.id for s in spreads]


def test_silo_alone_claims_no_gain_and_says_nothing_joint_was_run():
    doc = two_streams()
    doc["arrangements"] = ["silo"]
    scenario = parse_scenario(doc, "silo.yaml")
    plans = plan_all(scenario)
    page = report_html(prepare_report(scenario, plans))
    row = arrangement_rows(plans)[0]
    shown = cards(page)
    assert shown["Best arrangement"] == "silo"
    assert shown["Targets met"] == f"{row.targets_met}/{len(scenario.outcomes)}"
    assert "Gain over silo" not in shown
    assert "No joint plan to price: prices come from a joint arrangement" in page
    assert "none was run" in page


def test_failed_joint_arrangements_are_named():
    doc = short_of_money()
    doc["arrangements"] = ["silo", "aligned"]
    scenario = parse_scenario(doc, "short.yaml")
    page = report_html(prepare_report(scenario, plan_all(scenario)))
    assert "No joint plan to price: aligned was run and found no plan." in page


def test_a_chosen_plan_without_numbers_is_not_said_to_show_flows():
    scenario = parse_scenario(short_of_money(), "short.yaml")
    page = report_html(prepare_report(scenario, plan_all(scenario), Arrangement.ALIGNED, freedoms_top=0))
    assert "The aligned arrangement is infeasible: it has no flows to draw." in page
    assert "flows shown" not in page


def test_freedoms_that_cannot_be_priced_say_why(monkeypatch: pytest.MonkeyPatch):
    def no_prices(*args: object) -> None:
        raise LaaError("the solver gave no marginal values for this plan")

    monkeypatch.setattr(report_module, "rank_freedoms", no_prices)
    scenario = parse_scenario(two_streams(), "two.yaml")
    page = report_html(prepare_report(scenario, plan_all(scenario)))
    assert "Freedoms could not be priced: the solver gave no marginal values for this plan" in page


def test_years_with_gaps_are_written_as_runs():
    assert years_text([2030, 2026, 2027, 2029]) == "2026-2027, 2029-2030"
    assert years_text([2026]) == "2026"
    assert years_text([2026, 2028]) == "2026, 2028"


def test_fine_sweeps_give_every_step_its_own_label_and_scores_to_the_places_that_tell_them_apart():
    scenario = parse_scenario(two_streams(), "two.yaml")
    request = SweepRequest.read(scenario, "a", None, "-1%..1%", 8)
    assert request is not None
    plans = plan_all(scenario)
    page = report_html(prepare_report(scenario, plans, freedoms_top=0, sweep_request=request))
    table = page[page.index('id="sweep"') :]
    labels = re.findall(r'<tr><td class="name">([^<]*)</td>', table)
    assert len(set(labels)) == 9 and (labels[0], labels[4], labels[8]) == ("-1.0%", "0.0%", "+1.0%")
    assert "by -1.0% to +1.0%" in page
    assert ">0.950<" in table  # pooled at the unchanged amounts, as `laa sweep` prints it: three places
    cells = r'<td class="num">[^<]*</td><td class="num">[^<]*</td><td class="num">([^<]*)</td>'
    pooled = re.findall(cells, table)
    assert len(set(pooled)) == 9  # each step's own score, told apart


def test_scores_take_three_places_and_more_only_where_different_scores_would_print_alike():
    """Issue 23: sweep and frontier printed four places where every other table prints three."""
    assert score_places([18.5588, 18.7003, None]) == 3
    assert score_places([0.95, 0.9501, 0.9502]) == 4
    assert score_places([0.95, 0.95004]) == 5
    assert score_places([1.0, 1.0 + 1e-12]) == 3  # one plan's score, whatever the solver's last digits
    assert score_places([]) == 3
