"""The fuzz harness's hostile files (issue 21): grid bombs and hidden line breaks, each answered located."""

from __future__ import annotations

from tests.fuzz.hostile_files import is_hostile_file
from tests.fuzz.mutator import document
from tests.fuzz.runner import run

CI_SEED = 20261128  # as tests/fuzz/test_fuzz.py

BOUNDS = ("by here", "past Excel's last row", "columns A to AMJ", "unpacks to over", "rows past row 100,000")


def test_grid_bombs_and_hidden_line_breaks_are_refused_where_they_are():
    indexes = [i for i in range(1500) if is_hostile_file(CI_SEED, i)][:40]
    docs = {i: document(CI_SEED, i) for i in indexes}
    summary = run(CI_SEED, indexes, jobs=2, timeout=120)
    assert summary.bad() == [], summary.text()
    breaks = bombs_refused = 0
    for result in summary.results:
        how = docs[result.index].mutations[0]
        if how.startswith("hidden line break"):
            breaks += 1
            assert result.outcome == "refused-located" and "which YAML reads as a line break" in result.detail
        elif result.outcome == "refused-located" and any(words in result.detail for words in BOUNDS):
            bombs_refused += 1
    assert breaks >= 5 and bombs_refused >= 5, summary.text()
    assert {"yaml", "xlsx", "ods"} <= {d.name.rsplit(".")[-1] for d in docs.values()}  # requests too
    assert all(r.peak_mb > 0 and r.cpu_seconds > 0 for r in summary.results)  # each document measured
