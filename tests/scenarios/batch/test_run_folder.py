"""One owner per output path: a run folder belongs to one ledger, and every document in it has a name of
its own inside it (issue 21, rows 5 and 6).

Reproductions: two ledgers in one folder both wrote `laa-runs/run-1`, the second overwriting the
first's documents; `summary.yaml`'s document was overwritten by the batch's summary.json; the file
`two@pct-half.yaml` and the variant `pct-half` of `two.yaml` wrote one file, as did the variants
`a b` and `a_b-7dbde935`; a file named `...yaml` wrote into the parent of `--out`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from laa.models.errors import InputError
from laa.scenarios.batch.run import BatchOptions, discover, run_batch
from laa.scenarios.batch.run_folder import MARK, claim, document_keys, unique_names, variant_names

from tests.scenarios.batch.helpers import TWO_STREAMS, laa, rows


def _documents_match_their_rows(ledger: Path, out: Path) -> list[Path]:
    """Every case's document is inside `out`, its own (no two rows share one) and as the ledger hashed it."""
    found = rows(ledger, "SELECT document, document_sha256 FROM cases WHERE document IS NOT NULL")
    paths = [Path(d) for d, _ in found]
    assert len(set(paths)) == len(paths)
    for path, sha in zip(paths, (s for _, s in found), strict=True):
        assert path.resolve().is_relative_to(out.resolve()), path
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha, path
    return paths


def test_two_ledgers_in_one_folder_keep_their_documents_apart(tmp_path):
    (tmp_path / "two.yaml").write_text(TWO_STREAMS.read_text())
    first = laa("batch", "two.yaml", "--ledger", "a.sqlite", "--jobs", "1", cwd=tmp_path)
    # the same file changed, under a second ledger beside the first: its run 1 too
    (tmp_path / "two.yaml").write_text(TWO_STREAMS.read_text().replace("amounts: 400000", "amounts: 600000"))
    second = laa("batch", "two.yaml", "--ledger", "b.sqlite", "--jobs", "1", cwd=tmp_path)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    a_out = tmp_path / "laa-runs" / "a.sqlite" / "run-1"
    b_out = tmp_path / "laa-runs" / "b.sqlite" / "run-1"
    assert f"results in {a_out}" in first.stderr and f"results in {b_out}" in second.stderr
    assert len(_documents_match_their_rows(tmp_path / "a.sqlite", a_out)) == 4
    assert len(_documents_match_their_rows(tmp_path / "b.sqlite", b_out)) == 4
    assert json.loads((a_out / "two.json").read_text())["arrangements"][1]["score"] == pytest.approx(0.65)


def test_a_folder_another_ledger_owns_is_refused_before_anything_is_written(tmp_path):
    (tmp_path / "two.yaml").write_text(TWO_STREAMS.read_text())
    out = tmp_path / "out"
    first = laa("batch", "two.yaml", "--ledger", "a.sqlite", "--out", "out", "--jobs", "1", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    second = laa("batch", "two.yaml", "--ledger", "b.sqlite", "--out", "out", "--jobs", "1", cwd=tmp_path)

    assert second.returncode == 2 and "Traceback" not in second.stderr
    assert f"{out} holds the results of another ledger, {tmp_path / 'a.sqlite'}" in second.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert rows(tmp_path / "b.sqlite", "SELECT count(*) FROM runs") == [(0,)]  # no run left to resume
    _documents_match_their_rows(tmp_path / "a.sqlite", out)
    # the owner itself may use its folder again
    again = laa("batch", "two.yaml", "--ledger", "a.sqlite", "--out", "out", "--jobs", "1", cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_a_folder_of_other_files_is_refused_and_an_empty_one_taken(tmp_path):
    scenarios = tmp_path / "nightly"
    scenarios.mkdir()
    (scenarios / "two.json").write_text("{}")  # a results document named two.json would replace it
    with pytest.raises(InputError, match=r"already holds files that no batch of .* wrote"):
        claim(scenarios, tmp_path / "l.sqlite", [])
    assert not (scenarios / MARK).exists()
    claim(scenarios, tmp_path / "l.sqlite", [scenarios])  # a folder an earlier run of this ledger used
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".gitkeep").write_text("")
    claim(empty, tmp_path / "l.sqlite", [])
    assert json.loads((empty / MARK).read_text()) == {"ledger": str(tmp_path / "l.sqlite")}


def test_colliding_file_and_variant_names_each_get_a_document_of_their_own(tmp_path):
    """Every collision the issue found, in one batch: each case's document is its own, as hashed."""
    nightly = tmp_path / "nightly"
    nightly.mkdir()
    variants = (
        "variants:\n"
        "  - {id: pct-half, changes: [{rule: b-cap, value: 150000}]}\n"
        "  - {id: a b, changes: [{rule: b-cap, drop: true}]}\n"
        "  - {id: a_b-7dbde935, changes: [{stream: a, grant: [o2]}]}\n"  # what `a b` was named
    )
    (nightly / "two.yaml").write_text(TWO_STREAMS.read_text() + variants)
    (nightly / "two@pct-half.yaml").write_text(TWO_STREAMS.read_text())
    (nightly / "summary.yaml").write_text(TWO_STREAMS.read_text())
    (nightly / "Summary.JSON.yaml").write_text(TWO_STREAMS.read_text())
    (tmp_path / "...yaml").write_text(TWO_STREAMS.read_text())
    out = tmp_path / "runs" / "out"
    options = BatchOptions(
        paths=(str(nightly), str(tmp_path / "...yaml")),
        ledger=tmp_path / "ledger.sqlite",
        out=out,
        arrangements=("aligned",),
        variants=True,
    )

    result = run_batch(options, cwd=tmp_path)

    assert result.exit_code == 0 and result.counts["cases"] == 4 + 4 * 1
    documents = _documents_match_their_rows(options.ledger, out)
    assert len(documents) == 8
    assert not (tmp_path / "runs" / "aligned.json").exists() and not list((tmp_path / "runs").glob("*.json"))
    assert json.loads((out / "summary.json").read_text())["run"] == 1  # the batch's, not summary.yaml's
    whole = sorted(p.name for p in out.glob("*.json"))
    assert len(whole) == 1 + 5 + 3  # the summary, each file's document, each variant's
    variants_by_document = {}
    for name in whole:
        document = json.loads((out / name).read_text())
        if name != "summary.json":
            variants_by_document[name] = document["variant"]
    assert sorted(v for v in variants_by_document.values() if v) == ["a b", "a_b-7dbde935", "pct-half"]
    scores = {a: s for a, s in rows(options.ledger, "SELECT arrangement, score FROM cases WHERE path LIKE ?",
                                    "%nightly/two.yaml")}  # fmt: skip
    assert scores == pytest.approx(
        {"aligned": 0.65, "pct-half/aligned": 0.575, "a b/aligned": 0.70, "a_b-7dbde935/aligned": 0.90}
    )


def test_names_are_plain_when_they_can_be_and_distinct_always():
    assert document_keys(["/a/two.yaml", "/b/area-20261207.yaml"]) == {
        "/a/two.yaml": "two",
        "/b/area-20261207.yaml": "area-20261207",
    }
    keys = document_keys(["/a/two.yaml", "/b/two.yaml", "/c/Two.yaml", "/d/summary.yaml", "/e/...yaml"])
    assert len({k.casefold() for k in keys.values()}) == 5  # Two and two are one file on macOS
    assert all(k.startswith(("two-", "Two-", "summary-")) for k in list(keys.values())[:4])
    assert "/" not in keys["/e/...yaml"] and not keys["/e/...yaml"].startswith(".")
    names = variant_names(["a b", "a_b-7dbde935", "../x", "x.json", "dclg-freedom"])
    assert names["dclg-freedom"] == "dclg-freedom" and names["a_b-7dbde935"] == "a_b-7dbde935"
    assert names["a b"] not in {"a_b-7dbde935", "a b"} and names["a b"].startswith("a_b-7dbde935")
    assert names["../x"].startswith("_x-") and not names["x.json"].endswith(".json")
    # a crafted clash of the short hash is lengthened, not shared
    clash = unique_names({"p": "a", "q": "a", "r": f"a-{hashlib.sha1(b'p').hexdigest()[:8]}"})
    assert len(set(clash.values())) == 3


def test_no_ledger_reads_another_ledgers_documents_back_as_scenarios(tmp_path):
    (tmp_path / "two.yaml").write_text(TWO_STREAMS.read_text())
    done = laa("batch", "two.yaml", "--ledger", "a.sqlite", "--jobs", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    documents = list((tmp_path / "laa-runs").rglob("*.json"))
    assert len(documents) == 1 + 1 + 4  # the summary, the file's document, each case's
    files, _, _ = discover((str(tmp_path / "**" / "*.json"), str(tmp_path)), [])
    assert files == [tmp_path / "two.yaml"]  # b's batch of everything finds a's run folder marked
