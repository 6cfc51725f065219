"""What a freedom does, in outcomes, targets and reward; and pooling's gain in parts that add up.

A freedom's `outcomes`, `targets_met_change` and `reward_change` must be
what `laa run` prints for the scenario with the freedom granted, against
`laa run` on the scenario as it is.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from laa.models.load import load_scenario
from laa.models.scenario import Arrangement
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.freedoms import pooling_value_text, rank_freedoms, value_of_pooling
from laa.scenarios.outputs.results import results_document

from tests.paths import CHECKS, EXAMPLE

DATA = Path(__file__).parent / "data"
LAA = str(Path(sys.executable).parent / "laa")


def laa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([LAA, *args], capture_output=True, text=True, timeout=120)


def test_a_granted_eligibility_moves_the_outcome_it_opens_by_hand():
    """two_streams: letting a's idle GBP 0.5m fund o2 (5 per GBP 1m) takes o2 from 1.5 to 4.0."""
    scenario = load_scenario(DATA / "two_streams.yaml")
    asks = rank_freedoms(scenario, Arrangement.ALIGNED, top=5)
    lift = next(a for a in asks if (a.kind, a.stream, a.outcome) == ("eligibility", "a", "o2"))
    moves = [(m.outcome, round(m.projected_before, 6), round(m.projected_after, 6)) for m in lift.outcomes]
    assert moves == [("o2", 1.5, 4.0)]
    assert lift.outcomes[0].target_met_after is False and lift.targets_met_change == 0
    assert lift.reward_change == 0
    assert lift.to_dict()["outcomes"] == [
        {
            "outcome": "o2",
            "projected_before": pytest.approx(1.5),
            "projected_after": pytest.approx(4.0),
            "target_met_before": False,
            "target_met_after": False,
        }
    ]
    # an ask that was not re-solved says nothing it does not know
    unsolved = rank_freedoms(scenario, Arrangement.ALIGNED, top=0)
    assert all(a.outcomes == () and a.targets_met_change is None for a in unsolved)


def _granted(doc: dict, ask: dict) -> dict:
    doc = yaml.safe_load(yaml.safe_dump(doc))
    doc.pop("variants", None)  # they may name the rule a freedom drops
    if ask["kind"] == "rule":
        doc["rules"] = [r for r in doc["rules"] if r["id"] != ask["rule"]]
    else:
        stream = next(s for s in doc["streams"] if s["id"] == ask["stream"])
        stream["eligible"] = [*stream["eligible"], ask["outcome"]]
    return doc


def _aligned(path: Path) -> dict:
    """What `laa run FILE -a aligned --format json` writes for the plan (the same calls, in process)."""
    scenario = load_scenario(path)
    return results_document(scenario, plan_all(scenario, [Arrangement.ALIGNED]))["arrangements"][0]


def test_the_top_freedoms_agree_with_laa_run_on_the_scenario_with_the_freedom_granted(tmp_path):
    done = laa("freedoms", str(EXAMPLE), "--format", "json")
    assert done.returncode == 0, done.stderr
    asks = json.loads(done.stdout)[:5]
    doc = yaml.safe_load(EXAMPLE.read_text())
    before = _aligned(EXAMPLE)
    for i, ask in enumerate(asks):
        assert {"per_million", "gain", "outcomes", "targets_met_change", "reward_change"} <= set(ask)
        assert ask["outcomes"], f"ask {i + 1} moves no outcome: {ask['text']}"
        path = tmp_path / f"granted{i}.yaml"
        path.write_text(yaml.safe_dump(_granted(doc, ask)))
        after = _aligned(path)
        assert after["score"] - before["score"] == pytest.approx(ask["gain"], abs=1e-7)
        assert after["targets_met"] - before["targets_met"] == ask["targets_met_change"]
        assert after["reward"] - before["reward"] == pytest.approx(ask["reward_change"], abs=0.01)
        was = {o["id"]: o for o in before["outcomes"]}
        now = {o["id"]: o for o in after["outcomes"]}
        for move in ask["outcomes"]:
            o = move["outcome"]
            assert move["projected_before"] == pytest.approx(was[o]["projected"], abs=1e-6)
            assert move["projected_after"] == pytest.approx(now[o]["projected"], abs=1e-6)
            assert (move["target_met_before"], move["target_met_after"]) == (
                was[o]["target_met"],
                now[o]["target_met"],
            )
        unmoved = set(was) - {m["outcome"] for m in ask["outcomes"]}
        for o in unmoved:
            assert now[o]["target_met"] == was[o]["target_met"]


def test_pooling_s_parts_add_up_to_its_gain_with_the_rest_named():
    scenario = load_scenario(EXAMPLE)
    value = value_of_pooling(scenario)
    assert value.total is not None and value.overhead is not None and value.interactions is not None
    parts = sum(g.gain or 0.0 for g in value.limits) + value.overhead + value.interactions
    assert parts == pytest.approx(value.total, abs=1e-12)
    # targets met are the two plans' own counts (which of equally good plans the solver returns moves them)
    aligned, pooled = plan_all(scenario, [Arrangement.ALIGNED, Arrangement.POOLED])
    assert value.effect is not None
    assert value.effect.targets_met_change == pooled.evaluation.targets_met - aligned.evaluation.targets_met
    text = pooling_value_text(scenario, value)
    assert "money: overhead and set-up" in text and "interactions" in text and "total" in text
    assert "less £180,000 of set-up" in text
    # issue 23: parts said in the file's names, not `eligibility legi (laa-pot)`
    assert "\neligibility  " in text and "(laa-pot)" not in text and "laa-pot's" not in text
    assert "let Local Enterprise Growth Initiative fund everything in LAA pooled fund's scope" in text
    document = value.to_dict()
    listed = [g["share_of_pooling_gain"] for g in document["limits"]]
    listed += [document["overhead_share_of_pooling_gain"], document["interactions_share_of_pooling_gain"]]
    assert sum(listed) == pytest.approx(1.0, abs=1e-9)


def test_pooling_that_only_changes_the_money_is_all_overhead_by_hand():
    """overhead_pool.yaml: aligned 0.45, pooled 0.475; nothing to lift, so all 0.025 is the money."""
    value = value_of_pooling(load_scenario(DATA / "overhead_pool.yaml"))
    assert value.limits == []
    assert value.total == pytest.approx(0.025, abs=1e-9)
    assert value.overhead == pytest.approx(0.025, abs=1e-9)
    assert value.interactions == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(
    ("outcome", "before", "after", "met_before", "met_after", "note"),
    [
        ("o0", 10.0, 9.0, True, True, " (worse)"),  # higher is better: down is worse
        ("o0", 10.0, 11.0, True, True, ""),
        ("o1", 20.0, 21.0, False, False, " (worse)"),  # lower is better: up is worse
        ("o1", 20.0, 18.0, False, True, " (now meets its target)"),
        ("o1", 18.0, 20.0, True, False, " (worse, no longer meets its target)"),
    ],
)
def test_a_move_the_wrong_way_says_it_is_worse(outcome, before, after, met_before, met_after, note):
    """Issue 23: --explain and freedoms listed indicators that got worse without saying so."""
    from laa.scenarios.analysis.effects import OutcomeMove

    scenario = load_scenario(CHECKS / "check1.yaml")
    words = OutcomeMove(outcome, before, after, met_before, met_after).words(scenario)
    assert words.endswith(note) and ("worse" in words) == ("worse" in note)
