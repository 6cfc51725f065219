"""`laa batch --variants`: each variant a case per arrangement, documents as `laa run --variant` writes them,
and `laa drift` naming the variant whose results moved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from laa.scenarios.batch.run_folder import variant_names
from laa.scenarios.batch.variant_cases import case_key, split_case

from tests.scenarios.batch.helpers import TWO_STREAMS, laa, rows

# two_streams.yaml: aligned 0.65, pooled 0.95 (see its comments); b-cap dropped lets b spend all its
# £0.4m on o2 (aligned 0.70); a granted o2 puts its idle £0.5m there too (aligned 0.65 + 0.25)
VARIANTS = """
variants:
  - id: free
    name: b-cap dropped
    changes:
      - {rule: b-cap, drop: true}
  - id: ../a/../grant
    changes:
      - {stream: a, grant: [o2]}
"""
ARRANGEMENTS = ("-a", "aligned", "-a", "pooled")


def _folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "nightly"
    folder.mkdir(exist_ok=True)
    (folder / "two.yaml").write_text(text)
    return folder


def _without_seconds(document: dict) -> dict:
    for record in document["arrangements"]:
        record.pop("seconds", None)
    return document


def test_each_variant_is_a_case_with_its_own_documents(tmp_path):
    _folder(tmp_path, TWO_STREAMS.read_text() + VARIANTS)
    ledger, out = tmp_path / "ledger.sqlite", tmp_path / "out"
    done = laa("batch", "nightly", "--variants", *ARRANGEMENTS, "--ledger", str(ledger), "--out", str(out),
               "--jobs", "1", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    cases = dict(rows(ledger, "SELECT arrangement, score FROM cases"))
    assert cases == pytest.approx(
        {
            "aligned": 0.65,
            "pooled": 0.95,
            "free/aligned": 0.70,
            "free/pooled": 0.95,
            "../a/../grant/aligned": 0.90,
            "../a/../grant/pooled": 0.95,
        },
        abs=1e-7,
    )
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    hostile = variant_names(["free", "../a/../grant"])["../a/../grant"]
    assert "/" not in hostile and not hostile.startswith(".")
    assert written == sorted(
        [
            "summary.json",
            "two.json",
            "two@free.json",
            f"two@{hostile}.json",
            "two/aligned.json",
            "two/pooled.json",
            "two/free/aligned.json",
            "two/free/pooled.json",
            f"two/{hostile}/aligned.json",
            f"two/{hostile}/pooled.json",
        ]
    )
    # each variant's document is what laa run --variant prints, but for the timings
    ran = laa("run", "nightly/two.yaml", "--variant", "free", *ARRANGEMENTS, "--format", "json", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    batch_document = json.loads((out / "two@free.json").read_text())
    assert batch_document["variant"] == "free"
    assert _without_seconds(batch_document) == _without_seconds(json.loads(ran.stdout))
    assert json.loads((out / "two.json").read_text())["variant"] is None


def test_without_the_flag_variants_are_not_run(tmp_path):
    _folder(tmp_path, TWO_STREAMS.read_text() + VARIANTS)
    ledger = tmp_path / "ledger.sqlite"
    done = laa("batch", "nightly", *ARRANGEMENTS, "--ledger", str(ledger), "--jobs", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(a for (a,) in rows(ledger, "SELECT arrangement FROM cases")) == ["aligned", "pooled"]


def test_drift_names_the_variant(tmp_path):
    folder = _folder(tmp_path, TWO_STREAMS.read_text() + VARIANTS)
    ledger = str(tmp_path / "ledger.sqlite")
    relaxed = (TWO_STREAMS.read_text() + VARIANTS).replace("drop: true", "value: 350000")
    for text in (None, relaxed):
        if text is not None:
            (folder / "two.yaml").write_text(text)
        done = laa("batch", "nightly", "--variants", *ARRANGEMENTS, "--ledger", ledger, "--jobs", "1",
                   cwd=tmp_path)  # fmt: skip
        assert done.returncode == 0, done.stderr
    drift = laa("drift", "--ledger", ledger, cwd=tmp_path)
    assert drift.returncode == 0, drift.stderr
    assert "variants b-cap dropped (free) changed: changes" in drift.stdout
    assert "variant free, aligned: optimal; score 0.700 -> 0.675" in drift.stdout
    report = json.loads(laa("drift", "--ledger", ledger, "--format", "json", cwd=tmp_path).stdout)
    (changed,) = report["scenarios"]
    assert [(c["variant"], c["arrangement"]) for c in changed["cases"]] == [("free", "aligned")]


def test_case_keys():
    assert case_key(None, "aligned") == "aligned" and split_case("aligned") == (None, "aligned")
    assert split_case(case_key("a/b", "optimal")) == ("a/b", "optimal")
    assert variant_names(["dclg-freedom"]) == {"dclg-freedom": "dclg-freedom"}
    names = variant_names(["..", "a b", "a_b"])
    assert names[".."] != ".." and names["a b"] != names["a_b"]
