"""Sweeps of a stream's amounts and of a rule's value, on the hand-computed two-stream area."""

import re
from itertools import pairwise
from pathlib import Path

import pytest
import yaml
from laa.models.errors import InputError
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.sweep import changed, parse_range, sweep, sweep_text

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(DATA / "two_streams.yaml")


def scores(steps, arrangement="aligned"):
    return {s.change: s.score for s in steps if s.arrangement == arrangement}


def test_stream_sweep_by_hand(scenario):
    """b has GBP 0.4m under a GBP 0.3m cap on o2 (0.5 score per GBP 1m): below 0.3m every pound
    counts, above it none does."""
    steps = sweep(scenario, -0.5, 0.5, 2, stream="b", arrangements=[Arrangement.ALIGNED])
    got = scores(steps)
    assert got[-0.5] == pytest.approx(0.5 + 0.1, abs=1e-6)
    assert got[0.0] == pytest.approx(0.65, abs=1e-6)
    assert got[0.5] == pytest.approx(0.65, abs=1e-6)
    cut = next(s for s in steps if s.change == -0.5)
    assert [(m.outcome, round(m.amount)) for m in cut.shifts] == [("o2", -100_000)]


def test_rule_sweep_by_hand(scenario):
    steps = sweep(scenario, -0.99, 0.0, 2, rule="b-cap", arrangements=[Arrangement.ALIGNED])
    got = scores(steps)
    # GBP 3,000 allowed on o2 (5 per GBP 1m, gap 10): 0.0015 over o1's 0.5
    assert got[-0.99] == pytest.approx(0.5015, abs=1e-6)
    assert got[0.0] == pytest.approx(0.65, abs=1e-6)


def test_more_money_never_lowers_the_score():
    example = load_scenario(Path(__file__).resolve().parents[3] / "examples" / "northbridge.yaml")
    steps = sweep(example, -0.3, 0.3, 3, stream="nrf", arrangements=[Arrangement.ALIGNED, Arrangement.POOLED])
    for arrangement in ("aligned", "pooled"):
        series = [v for _, v in sorted(scores(steps, arrangement).items())]
        assert all(b >= a - 1e-7 for a, b in pairwise(series))


def test_changed_scales_only_what_was_asked(scenario):
    more = changed(scenario, 0.25, "a", None)
    assert more.stream("a").amount_in(2026) == pytest.approx(1_250_000)
    assert more.stream("b").amount_in(2026) == pytest.approx(400_000)
    looser = changed(scenario, 0.5, None, "b-cap")
    assert looser.rule("b-cap").value == pytest.approx(450_000)


@pytest.mark.parametrize("text", ["20%", "+20%..-20%", "-100%..0%", "a..b"])
def test_bad_ranges_are_refused(text):
    with pytest.raises(InputError):
        parse_range(text)


def test_range_forms():
    assert parse_range("-20%..+20%") == (-0.2, 0.2)
    assert parse_range("-5..10") == (-0.05, 0.1)


def test_steps_are_values_across_the_range_and_always_hold_the_unchanged_plan(scenario):
    steps = sweep(scenario, -0.2, 0.2, 5, stream="b", arrangements=[Arrangement.ALIGNED])
    assert sorted(scores(steps)) == [-0.2, -0.1, 0.0, 0.1, 0.2]
    four = sweep(scenario, -0.2, 0.2, 4, stream="b", arrangements=[Arrangement.ALIGNED])
    assert sorted(scores(four)) == pytest.approx([-0.2, -0.2 / 3, 0.0, 0.2 / 3, 0.2])
    assert next(s for s in steps if s.change == 0.0).shifts == []


def test_a_share_pushed_past_100_percent_is_refused_with_the_largest_change_it_takes():
    example = load_scenario(Path(__file__).resolve().parents[3] / "examples" / "northbridge.yaml")
    with pytest.raises(InputError) as refused:
        sweep(example, -0.5, 0.2, 7, rule="sp-housing-support")
    assert str(refused.value) == (
        "--change: at +20% rule sp-housing-support's min_share 0.85 would be 1.02, "
        "but a share is at most 1 (100%); the largest rise it takes is +17.6%"
    )


@pytest.fixture(scope="module")
def floored():
    """two_streams with a floor of GBP 300,000 on b's spend: halve b's GBP 400,000 and no plan exists."""
    from laa.models.load import parse_scenario

    doc = yaml.safe_load((DATA / "two_streams.yaml").read_text())
    doc["rules"].append({"id": "b-floor", "streams": ["b"], "outcomes": ["o2"], "min_amount": 300_000})
    return parse_scenario(doc, "floored.yaml")


def test_an_infeasible_step_says_so_and_has_no_moves(floored):
    steps = sweep(floored, -0.5, 0.0, 3, stream="b", arrangements=[Arrangement.ALIGNED])
    worst = next(s for s in steps if s.change == -0.5)
    assert worst.status == "infeasible" and worst.score is None and worst.shifts is None
    assert worst.to_dict()["shifts"] is None
    text = sweep_text(floored, steps, stream="b")
    assert "-50%  £200,000  infeasible" in text
    assert "-50%  infeasible: no plan, so nothing to compare" in text
    assert text.count("spend per outcome") == 1  # the heading, once; never for a plan that does not exist


def test_moves_are_shown_for_every_step(scenario):
    steps = sweep(scenario, -0.5, 0.5, 3, stream="b", arrangements=[Arrangement.ALIGNED])
    text = sweep_text(scenario, steps, stream="b")
    assert "0%  £400,000    0.650" in text  # scores to three places, as every other table (issue 23)
    assert text.startswith("Two streams: sweeping the money stream Stream B (b) brings over the agreement\n")
    assert not re.search(r"\d\.\d{4}", text)
    assert "-50%  -£100,000 Outcome two" in text
    assert "0%  (the unchanged plan)" in text
    assert "+50%  no outcome's spend moves" in text
