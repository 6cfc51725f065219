"""Breaches grouped by what they break, the largest gap first, so a long list can still be read."""

from __future__ import annotations

from pathlib import Path

from laa.models.load import load_scenario, parse_scenario
from laa.models.scenario import Arrangement
from laa.pooling.plans.evaluate import Violation
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.breaches import breach_groups, breach_kinds, breaches_text
from laa.scenarios.analysis.table import plans_report

from tests.scenarios.report.scenarios import two_streams

DATA = Path(__file__).parent / "data"


def _statutory(outcome: str, year: int, achieved: float) -> Violation:
    return Violation("statutory", outcome, None, outcome, year, 500_000.0, achieved, f"{outcome} {year}")


def test_groups_by_kind_and_what_is_broken_largest_gap_first():
    scenario = load_scenario(DATA / "two_streams.yaml")
    broken = [
        _statutory("o1", 2026, 400_000),  # £100,000 short
        _statutory("o2", 2026, 300_000),  # £200,000 short ...
        _statutory("o2", 2027, 0),  # ... and £500,000: o2's group is the worst
        Violation("rule", "b-cap", "b", None, 2026, 300_000.0, 350_000.0, "b-cap 2026"),
    ]
    groups = breach_groups(scenario, broken)
    assert [(g.kind, g.id, g.count, g.gap) for g in groups] == [
        ("statutory", "o2", 2, 700_000),
        ("statutory", "o1", 1, 100_000),
        ("rule", "b-cap", 1, 50_000),
    ]
    assert groups[0].worst.message == "o2 2027" and groups[0].years == (2026, 2027)
    assert groups[0].text(scenario) == (
        "statutory minimum for 'Outcome two': broken 2 times (2026-2027), £700,000 in all"
    )
    assert breach_kinds(broken) == "3 statutory minimums and 1 rule"
    lines = breaches_text(scenario, "silo", broken, top=2)
    assert lines[0] == (
        "silo breaks 3 statutory minimums and 1 rule; by what is broken, the largest gap first:"
    )
    assert lines[3] == "  ... and 1 more (every breach: --format json)"
    assert lines[4] == "  the worst: o2 2027"


def test_a_silo_plan_s_breaches_are_grouped_on_the_terminal():
    """o2's statutory minimum of GBP 500,000 a year is more than b may spend (its cap is GBP 300,000)."""
    doc = two_streams()
    doc["years"] = [2026, 2027, 2028]
    doc["outcomes"][1]["min_spend"] = 500_000
    scenario = parse_scenario(doc, "short.yaml")
    plans = plan_all(scenario, [Arrangement.SILO])
    text = plans_report(scenario, plans)
    assert "silo breaks 3 statutory minimums; by what is broken, the largest gap first:" in text
    assert "  - statutory minimum for 'Outcome two': broken 3 times (2026-2028), £600,000 in all" in text
    assert text.count("required") == 1  # one breach quoted whole, not all three


def test_a_budget_or_eligibility_breach_names_its_stream_or_pot():
    """Issue 23: `budget of b`, an id, where the file calls the stream 'Stream B'."""
    scenario = load_scenario(DATA / "two_streams.yaml")
    broken = [
        Violation("budget", "b", "b", None, 2026, 400_000.0, 450_000.0, "b over"),
        Violation("eligibility", "pot", None, "o1", 2026, 0.0, 10_000.0, "pot on o1"),
    ]
    assert [g.what for g in breach_groups(scenario, broken)] == ["budget of Stream B", "eligibility of pot"]


def test_status_words_say_how_many_rules_a_plan_breaks():
    from laa.scenarios.analysis.breaches import status_words

    assert status_words("optimal", 0) == status_words("optimal", None) == "optimal"
    assert status_words("optimal", 1) == "optimal, breaks 1 rule"
    assert status_words("evaluated", 174) == "evaluated, breaks 174 rules"
