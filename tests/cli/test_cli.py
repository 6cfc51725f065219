"""The `laa` command as a user runs it: exit codes, pure JSON on stdout, the results document's contract."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import CHECKS, EXAMPLE

LAA = str(Path(sys.executable).parent / "laa")

# SCENARIO.md's results document: these names are a contract other programs read
RECORD_KEYS = {
    "arrangement",
    "status",
    "score",
    "targets_met",
    "stretch_met",
    "reward",
    "money",
    "outcomes",
    "allocation",
    "pooled",
    "shadow_prices",
    "violations",
    "diagnosis",
}
MONEY_KEYS = {"available", "overhead", "setup", "lapsed", "spent"}
OUTCOME_KEYS = {"id", "spend", "improvement", "projected", "target_met", "stretch_met", "reward"}
ALLOCATION_KEYS = {"source", "kind", "outcome", "year", "amount"}
POOLED_KEYS = {"stream", "pot", "share"}
PRICE_KEYS = {"kind", "id", "year", "per_million"}
VIOLATION_KEYS = {"kind", "id", "stream", "outcome", "year", "required", "achieved", "message"}


def laa(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([LAA, *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def example_json():
    done = laa("run", str(EXAMPLE), "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # pure JSON: HiGHS's banner on fd 1 would break this


def test_validate(tmp_path):
    ok = laa("validate", str(EXAMPLE))
    assert ok.returncode == 0 and "valid" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text().replace("funder: clg", "funder: clgg", 1))
    refused = laa("validate", str(bad))
    assert refused.returncode == 2
    assert "bad.yaml: streams[nrf].funder: unknown funder 'clgg'" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_results_document_contract(example_json):
    doc = example_json
    assert doc["format_version"] == 1
    assert doc["scenario"] == "Northbridge LAA 2026-29 (illustrative)"
    assert [r["arrangement"] for r in doc["arrangements"]] == ["silo", "aligned", "pooled", "optimal"]
    for record in doc["arrangements"]:
        assert set(record) >= RECORD_KEYS
        assert record["status"] == "optimal"
        assert set(record["money"]) == MONEY_KEYS
        assert all(set(o) >= OUTCOME_KEYS for o in record["outcomes"])
        assert all(set(a) >= ALLOCATION_KEYS for a in record["allocation"])
        assert all(set(p) >= POOLED_KEYS for p in record["pooled"])
        assert all(set(p) >= PRICE_KEYS for p in record["shadow_prices"])
        assert all(set(v) >= VIOLATION_KEYS for v in record["violations"])
        assert all(round(a["amount"], 2) == a["amount"] and a["amount"] > 0 for a in record["allocation"])


def test_allocation_adds_up_to_the_money_spent(example_json):
    # the allocation is every line the plan holds (laa.pooling.plans.published), each to the penny
    for record in example_json["arrangements"]:
        pennies = 0.005 * (len(record["allocation"]) + 1)
        spent = sum(a["amount"] for a in record["allocation"])
        assert spent == pytest.approx(record["money"]["spent"], abs=pennies)
        by_outcome = {o["id"]: o["spend"] for o in record["outcomes"]}
        assert sum(by_outcome.values()) == pytest.approx(spent, abs=pennies + 0.005 * len(by_outcome))


def test_out_writes_the_file_and_nothing_to_stdout(tmp_path):
    out = tmp_path / "results" / "area.json"
    refused = laa("run", str(EXAMPLE), "--format", "json", "--out", str(out), "-a", "aligned")
    assert refused.returncode == 2 and "does not exist; create it first" in refused.stderr  # no folder made
    assert not out.parent.exists()
    out.parent.mkdir()
    done = laa("run", str(EXAMPLE), "--format", "json", "--out", str(out), "-a", "aligned")
    assert done.returncode == 0
    assert done.stdout == ""
    assert json.loads(out.read_text())["arrangements"][0]["arrangement"] == "aligned"
    assert [p.name for p in out.parent.iterdir()] == ["area.json"]  # no temporary file left


def test_csv_allocation():
    done = laa("run", str(EXAMPLE), "--format", "csv", "-a", "pooled")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows and set(rows[0]) == {
        "arrangement",
        "source",
        "kind",
        "funder",
        "outcome",
        "block",
        "year",
        "amount",
        "source_name",
        "outcome_name",
    }
    assert {r["kind"] for r in rows} == {"stream", "pot"}
    # issue 23: the names a person reads beside the ids a program joins on, money as numbers
    named = {(r["source"], r["source_name"]) for r in rows}
    named |= {(r["outcome"], r["outcome_name"]) for r in rows}
    assert ("laa-pot", "LAA pooled fund") in named
    assert ("first_time_entrants", "First-time entrants to the youth justice system") in named
    assert all(float(r["amount"]) > 0 for r in rows)
    assert {r["funder"] for r in rows if r["kind"] == "pot"} == {""}  # never the text "nan"


def test_table_shows_pounds_with_separators():
    done = laa("run", str(EXAMPLE), "-a", "aligned", "-a", "pooled")
    assert done.returncode == 0
    assert "£6,606,000" in done.stdout  # the aligned plan's overhead
    assert "aligned" in done.stdout and "pooled" in done.stdout and "silo" not in done.stdout


def test_infeasible_arrangement_exits_3_and_keeps_its_record():
    done = laa("run", str(CHECKS / "check4.yaml"), "--format", "json")
    assert done.returncode == 3
    records = {r["arrangement"]: r for r in json.loads(done.stdout)["arrangements"]}
    assert records["pooled"]["status"] == "infeasible"
    assert records["pooled"]["score"] is None
    assert "r-s3-min_share" in json.dumps(records["pooled"]["diagnosis"])
    assert records["optimal"]["status"] == "optimal"


def test_cbc_solver_gives_the_same_scores(example_json):
    done = laa("run", str(EXAMPLE), "--format", "json", "--solver", "cbc", "-a", "aligned", "-a", "optimal")
    assert done.returncode == 0, done.stderr
    cbc = {r["arrangement"]: r["score"] for r in json.loads(done.stdout)["arrangements"]}
    highs = {r["arrangement"]: r["score"] for r in example_json["arrangements"]}
    for name, score in cbc.items():
        assert score == pytest.approx(highs[name], rel=1e-6)


def test_explain_prints_shadow_prices():
    done = laa("run", str(EXAMPLE), "-a", "aligned", "--explain")
    assert "what £1m more would buy" in done.stdout
    assert "rule sp-housing-support" in done.stdout


def test_compare_json_and_csv():
    done = laa("compare", str(EXAMPLE), "--format", "json")
    doc = json.loads(done.stdout)
    rows = {r["arrangement"]: r for r in doc["arrangements"]}
    assert rows["aligned"]["gain_over_aligned"] == 0
    assert rows["optimal"]["gain_over_silo"] == pytest.approx(
        rows["optimal"]["score"] - rows["silo"]["score"]
    )
    assert doc["outcomes"]
    table = list(csv.DictReader(io.StringIO(laa("compare", str(EXAMPLE), "--format", "csv").stdout)))
    assert [r["arrangement"] for r in table] == ["silo", "aligned", "pooled", "optimal"]


def test_freedoms_json():
    done = laa("freedoms", str(EXAMPLE), "--top", "2", "--format", "json")
    asks = json.loads(done.stdout)
    assert {"kind", "stream", "outcome", "rule", "per_million", "gain"} <= set(asks[0])
    assert all(a["gain"] is not None for a in asks[:2])
    assert all(a["gain"] is None for a in asks[2:])
    assert all(a["per_million"] > 0 for a in asks)


def test_historic_csv(tmp_path):
    spends = tmp_path / "spent.csv"
    spends.write_text("stream,outcome,year,amount\nnrf,neet,2026,250000\nnrf,nope,2026,5\n")
    done = laa("run", str(EXAMPLE), "--historic", str(spends), "-a", "historic")
    assert done.returncode == 2
    assert "spent.csv: historic[row 3].outcome: unknown outcome 'nope'" in done.stderr
    spends.write_text("stream,outcome,year,amount\nnrf,neet,2026,250000\n")
    done = laa("run", str(EXAMPLE), "--historic", str(spends), "-a", "historic", "--format", "json")
    record = json.loads(done.stdout)["arrangements"][0]
    assert record["status"] == "evaluated"
    assert record["allocation"] == [
        {"source": "nrf", "kind": "stream", "outcome": "neet", "year": 2026, "amount": 250000.0}
    ]
