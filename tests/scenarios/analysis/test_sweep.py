"""Sweeps of a stream's amounts and of a rule's value, on the hand-computed two-stream area."""

from itertools import pairwise
from pathlib import Path

import pytest
from laa.models.errors import InputError
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.sweep import changed, parse_range, sweep

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
    steps = sweep(scenario, -1.0 + 1e-9, 0.0, 1, rule="b-cap", arrangements=[Arrangement.ALIGNED])
    got = scores(steps)
    assert min(got.items())[1] == pytest.approx(0.5, abs=1e-6)  # no spend allowed on o2
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
