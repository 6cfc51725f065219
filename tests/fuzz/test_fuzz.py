"""The fuzzing harness in CI: a few hundred fresh documents, and every finding kept as a regression file.

The long run is `python -m tests.fuzz --count 10000 --seed S` (benchmarks/README.md has its figures).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from laa.models.visible import invisible

from tests.fuzz.mutator import HOSTILE_IDS, Document, document, has_hostile_variant_id
from tests.fuzz.requests import is_request
from tests.fuzz.runner import BAD, examine, run

REGRESSIONS = Path(__file__).parent / "regressions"
EXPECTED = json.loads((REGRESSIONS / "expected.json").read_text())
CI_SEED = 20261128
CI_COUNT = 300


def test_a_few_hundred_documents_get_an_answer_and_none_a_bad_one():
    summary = run(CI_SEED, list(range(CI_COUNT)), jobs=2, timeout=60)
    assert len(summary.results) == CI_COUNT
    assert summary.bad() == [], summary.text()
    assert summary.counts["valid-planned"] > 10 and summary.counts["refused-located"] > 100  # both reached


def test_the_same_seed_and_index_give_the_same_document():
    assert document(7, 42) == document(7, 42)
    assert document(7, 42).data != document(7, 43).data


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_regression_file_gets_its_expected_answer(name):
    """A document a fuzz run (or issue 13) found wrong: its outcome now, and the message it must give."""
    want = EXPECTED[name]
    path = REGRESSIONS / name
    result = examine(Document(0, name, path.read_bytes(), "regression", ()))
    assert result.outcome not in BAD, result.detail
    assert result.outcome == want["outcome"], result.detail
    assert want["message"] in result.detail, result.detail


def test_every_regression_file_is_listed():
    files = {p.name for p in REGRESSIONS.iterdir() if p.name != "expected.json"}
    assert files == set(EXPECTED)


def test_request_documents_are_sent_chunked_and_each_gets_a_cheap_answer():
    """Bodies for `POST /api/plan` (tests/fuzz/requests.py): over the limit, nested 100,000 deep, with hostile
    ids, broken as files are; before issue 21 the first were read whole and the nested ones were 500s."""
    docs = [document(CI_SEED, i) for i in range(3000) if is_request(CI_SEED, i)][:60]
    results = [examine(doc) for doc in docs]
    assert [(r.name, r.outcome, r.detail) for r in results if r.outcome in BAD] == []
    notes = [m for doc in docs for m in doc.mutations[1:]]
    assert {"nest", "stream", "rule"} <= {m.split(" ")[0] for m in notes}
    assert any(m.endswith(" spaces") for m in notes)  # a body over the limit
    assert {"valid-planned", "refused-located"} <= {r.outcome for r in results}
    assert {d.mutations[0] for d in docs} >= {"chunks of 1", "chunks of 65536"}


def test_documents_with_hostile_variant_ids_are_refused_at_the_variant():
    """Ids a person cannot read as typed (issue 21), in YAML, JSON and workbooks: never planned, and refused
    at the variant where nothing else in the document is refused first; visible ids (`pct half`) may plan."""
    indexes = [i for i in range(600) if has_hostile_variant_id(CI_SEED, i)][:24]
    docs = [document(CI_SEED, i) for i in indexes]
    results = [examine(doc) for doc in docs]
    assert [(r.name, r.outcome, r.detail) for r in results if r.outcome in BAD] == []
    at_the_variant = 0
    for doc, result in zip(docs, results, strict=True):
        note = next((m for m in doc.mutations if m.startswith("variant id #")), None)
        ident = HOSTILE_IDS[int(note.split("#")[1].split(" ")[0])] if note else "no variant to change"
        if ident.strip() == "" or any(invisible(c) for c in ident):
            assert result.outcome == "refused-located", (doc.name, note, result.detail)
            at_the_variant += "variants[" in result.detail or "Variants!" in result.detail
    assert at_the_variant >= 5

