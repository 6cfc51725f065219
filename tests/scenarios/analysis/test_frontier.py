"""The pooling frontier: non-decreasing, from the aligned score to the optimal partial-pooling score."""

import re
from itertools import pairwise
from pathlib import Path

import pytest
from laa.models.load import load_scenario
from laa.scenarios.analysis.arrangements import aligned, optimal
from laa.scenarios.analysis.frontier import MILESTONES, frontier_text, pooling_frontier, step_shares

ROOT = Path(__file__).resolve().parents[3]
CHECKS = ROOT.parent / "shared" / "data" / "checks"


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "examples" / "northbridge.yaml",
        CHECKS / "check3.yaml",
        Path(__file__).parent / "data" / "two_streams.yaml",
    ],
)
def test_frontier_rises_from_aligned_to_optimal_partial(path):
    scenario = load_scenario(path)
    frontier = pooling_frontier(scenario, steps=5)
    scores = [s.score for s in frontier.steps]
    assert all(s is not None for s in scores)
    assert all(b >= a - 1e-7 for a, b in pairwise(scores))
    assert scores[0] == pytest.approx(aligned(scenario).score, abs=1e-6)
    partial = scenario.model_copy(update={"partial_pooling": True})
    assert scores[-1] == pytest.approx(optimal(partial).score, abs=1e-6)
    assert frontier.steps[0].pooled == {}


def test_steps_always_hold_the_milestones():
    assert step_shares(4) == [0.0, 0.1, 0.25, 0.5, 0.75, 1.0]
    assert set(MILESTONES) <= set(step_shares(3))


def test_two_streams_frontier_by_hand():
    """Pooling all GBP 1.4m gains 0.30 (see data/two_streams.yaml). A first slice of pooled money,
    a's idle money or b's money above its cap, is worth 0.5 score per GBP 1m in o2: 10% of 1.4m
    = 0.14m gains 0.07."""
    scenario = load_scenario(Path(__file__).parent / "data" / "two_streams.yaml")
    frontier = pooling_frontier(scenario, steps=10)
    assert frontier.gain == pytest.approx(0.30, abs=1e-6)
    tenth = next(s for s in frontier.steps if s.share == pytest.approx(0.1))
    assert tenth.score == pytest.approx(0.65 + 0.07, abs=1e-6)
    assert frontier.captured[0.1] == pytest.approx(0.07 / 0.30, abs=1e-6)
    assert tenth.entered and set(tenth.entered) <= {"a", "b"}
    text = frontier_text(scenario, frontier)  # scores to three places, as every other table (issue 23)
    assert "Pooling all poolable money gains +0.300 over pooling none." in text
    assert "0.720" in text and not re.search(r"\d\.\d{4}", text)
