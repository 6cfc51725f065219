"""The fuzzing harness in CI: a few hundred fresh documents, and every finding kept as a regression file.

The long run is `python -m tests.fuzz --count 10000 --seed S` (benchmarks/README.md has its figures).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fuzz.mutator import Document, document
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
