"""`laa history` and `laa drift` as a finance lead reads them the morning after."""

from __future__ import annotations

import json

from laa.scenarios.batch.drift import input_changes, score_text

from tests.scenarios.batch.helpers import TWO_STREAMS, laa


def test_drift_names_the_input_changes_behind_changed_results(tmp_path):
    folder = tmp_path / "nightly"
    folder.mkdir()
    scenario = folder / "two.yaml"
    scenario.write_text(TWO_STREAMS.read_text())
    ledger = str(tmp_path / "ledger.sqlite")
    first = laa("batch", "nightly", "--ledger", ledger, "--jobs", "1", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    # overnight someone gives stream b more money and drops its cap
    text = TWO_STREAMS.read_text().replace("amounts: 400000", "amounts: 600000")
    scenario.write_text(
        text.replace("rules:\n  - {id: b-cap, streams: [b], outcomes: [o2], max_amount: 300000}\n", "")
    )
    second = laa("batch", "nightly", "--ledger", ledger, "--jobs", "1", cwd=tmp_path)
    assert second.returncode == 0, second.stderr

    history = laa("history", "--ledger", ledger, cwd=tmp_path)
    assert history.returncode == 0
    lines = history.stdout.splitlines()
    assert lines[0].split()[:4] == ["run", "started", "ended", "cases"] and len(lines) == 4
    assert lines[2].split()[0] == "1" and lines[2].split()[3:5] == ["4", "4"]

    drift = laa("drift", "--ledger", ledger, cwd=tmp_path)
    assert drift.returncode == 0, drift.stderr
    assert "drift from run 1" in drift.stdout and "to run 2" in drift.stdout
    assert "nightly/two.yaml" in drift.stdout
    assert "rules b-cap removed" in drift.stdout
    # issue 23: things by the names the file gives them (ids only to find them in the file)
    assert "streams Stream B (b) changed: amounts" in drift.stdout
    assert "  aligned: optimal; score 0.650 -> " in drift.stdout
    assert "  pooled: optimal; score 0.950 -> 1.050 (+0.100)\n    Outcome two: £900,000 -> £1,100,000\n" in (
        drift.stdout
    )
    assert "    o2:" not in drift.stdout
    report = json.loads(laa("drift", "1", "2", "--ledger", ledger, "--format", "json", cwd=tmp_path).stdout)
    (changed,) = report["scenarios"]
    aligned = next(c for c in changed["cases"] if c["arrangement"] == "aligned")
    assert aligned["score_b"] > aligned["score_a"]
    assert {(s["outcome"], s["name"]) for s in aligned["spend"]} == {("o2", "Outcome two")}  # b's extra money
    assert {(i["section"], i["id"], i["change"]) for i in changed["inputs"]} == {
        ("streams", "b", "changed"),
        ("rules", "b-cap", "removed"),
    }


def test_drift_and_history_without_a_ledger_say_so(tmp_path):
    for command in ("history", "drift"):
        done = laa(command, "--ledger", str(tmp_path / "none.sqlite"), cwd=tmp_path)
        assert done.returncode == 2 and "no ledger at" in done.stderr and "Traceback" not in done.stderr


def test_input_changes_by_id():
    before = {"name": "x", "streams": [{"id": "a", "amounts": {"2026": 1}, "admin_rate": 0.01}], "rules": []}
    after = {
        "name": "y",
        "streams": [{"id": "a", "amounts": {"2026": 2}, "admin_rate": 0.02}],
        "rules": [{"id": "r"}],
    }
    assert [c.text() for c in input_changes(before, after)] == [
        'streams a changed: admin_rate 0.01 -> 0.02; amounts {"2026":1} -> {"2026":2}',
        "rules r added",
        "name changed: name 'x' -> 'y'",
    ]
    after["streams"][0]["name"] = "Neighbourhood Renewal Fund"
    named = input_changes(before, after)[0].text()
    assert named.startswith("streams Neighbourhood Renewal Fund (a) changed:")


def test_a_score_that_did_not_move_says_so_and_a_small_move_gets_the_places_that_show_it():
    """Issue 23: `score 5.4899 -> 5.4899 (+0.0000)` for a case listed because its spend moved."""
    assert score_text(5.4899, 5.4899, 1e-6) == "score 5.490 (unchanged)"
    assert score_text(0.65, 0.75, 1e-6) == "score 0.650 -> 0.750 (+0.100)"
    assert score_text(5.48990, 5.48992, 1e-6) == "score 5.48990 -> 5.48992 (+0.00002)"
    assert score_text(None, 0.75, 1e-6) == "score - -> 0.750"
