"""A nightly batch over bad, infeasible, slow and crashing cases: every case recorded, the batch goes on."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

from tests.batch.helpers import LAA, TWO_STREAMS, infeasible_text, laa, poll, rows, write_generated


def test_mixed_folder_records_every_case_with_its_status(tmp_path):
    folder = tmp_path / "nightly"
    folder.mkdir()
    (folder / "good.yaml").write_text(TWO_STREAMS.read_text())
    (folder / "broken.yaml").write_text("name: [unclosed\nyears: 2026\n")
    (folder / "unknown_funder.yaml").write_text(
        TWO_STREAMS.read_text().replace("funder: fb", "funder: nobody")
    )
    (folder / "infeasible.yaml").write_text(infeasible_text())
    write_generated(folder, "L", 0, "slow.yaml")  # its silo plan takes seconds: past --timeout 1
    (folder / "notes.txt").write_text("not a scenario: a folder gives only its scenario files")
    ledger = tmp_path / "ledger.sqlite"

    done = laa(
        "batch",
        str(folder),
        "--jobs",
        "2",
        "--timeout",
        "1",
        "--ledger",
        str(ledger),
        "--out",
        "out",
        cwd=tmp_path,
    )

    assert done.returncode == 4, done.stderr  # some failed (timeout, invalid) outranks some infeasible
    assert "Traceback" not in done.stderr
    assert "exit 4: some cases failed" in done.stderr
    # not a terminal: one line per case, for cron's mail
    assert "[1/" in done.stderr and "nightly/good.yaml aligned optimal 0.6500" in done.stderr
    status = {
        (Path(p).name, a): (s, m)
        for p, a, s, m in rows(ledger, "SELECT path, arrangement, status, message FROM cases")
    }
    assert {
        a: status[("good.yaml", a)][0] for a in ("silo", "aligned", "pooled", "optimal")
    } == dict.fromkeys(("silo", "aligned", "pooled", "optimal"), "optimal")
    assert status[("broken.yaml", "-")][0] == "invalid"
    assert "broken.yaml: YAML does not parse at line 2" in status[("broken.yaml", "-")][1]
    funder_status, funder_message = status[("unknown_funder.yaml", "-")]
    assert funder_status == "invalid"
    assert "unknown_funder.yaml: streams[b].funder: unknown funder 'nobody'" in funder_message
    assert status[("infeasible.yaml", "aligned")][0] == "infeasible"
    assert status[("infeasible.yaml", "silo")][0] == "optimal"  # silo is judged, not constrained
    assert status[("slow.yaml", "silo")] == ("timeout", "abandoned after 1 s (--timeout)")
    assert {a for (f, a) in status if f == "slow.yaml"} == {"silo", "aligned", "pooled", "optimal"}
    assert not any(f == "notes.txt" for f, _ in status)

    out = tmp_path / "out"
    summary = list(csv.DictReader((out / "summary.csv").open()))
    assert len(summary) == len(status) == 4 + 1 + 1 + 4 + 4
    document = json.loads((out / "summary.json").read_text())
    assert document["exit_code"] == 4 and document["counts"]["timeout"] >= 1
    # every row's document is whole and is the one the ledger recorded
    for path, sha in rows(ledger, "SELECT document, document_sha256 FROM cases WHERE document IS NOT NULL"):
        data = Path(path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha
        assert len(json.loads(data)["arrangements"]) == 1
    slow = json.loads((out / "slow.json").read_text())
    assert [r["arrangement"] for r in slow["arrangements"]] == ["silo", "aligned", "pooled", "optimal"]
    assert slow["arrangements"][0]["status"] == "time_limit"  # the document keeps its contract's statuses
    whole = json.loads((out / "good.json").read_text())
    assert [r["score"] for r in whole["arrangements"]] == [0.65, 0.65, 0.95, 0.95]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def test_a_worker_killed_mid_case_is_recorded_and_the_batch_goes_on(tmp_path):
    """What the kernel's out-of-memory killer does to a worker: SIGKILL while it solves."""
    write_generated(tmp_path, "L", 1, "big.yaml")  # largest first: its silo plan runs for seconds
    (tmp_path / "small.yaml").write_text(TWO_STREAMS.read_text())
    ledger = tmp_path / "ledger.sqlite"
    batch = subprocess.Popen(
        [LAA, "batch", "big.yaml", "small.yaml", "--jobs", "1", "--ledger", str(ledger), "--out", "out"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not poll(ledger, "SELECT count(*) FROM files WHERE path LIKE '%big.yaml'"):
        assert time.monotonic() < deadline and batch.poll() is None
        time.sleep(0.05)
    workers = [c for c in _children(batch.pid) if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
    assert len(workers) == 1
    os.kill(workers[0], signal.SIGKILL)
    _, err = batch.communicate(timeout=90)

    assert batch.returncode == 4, err
    status = {
        (Path(p).name, a): (s, m)
        for p, a, s, m in rows(ledger, "SELECT path, arrangement, status, message FROM cases")
    }
    assert status[("big.yaml", "silo")] == ("worker_died", "the worker process was killed by SIGKILL")
    # the rest of the file went to the replacement worker, and the batch went on
    assert [status[("big.yaml", a)][0] for a in ("aligned", "pooled", "optimal")] == ["optimal"] * 3
    assert all(status[("small.yaml", a)][0] == "optimal" for a in ("silo", "aligned", "pooled", "optimal"))


def test_batch_killed_then_resumed_keeps_every_case_exactly_once(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for seed in range(8):
        write_generated(folder, "M", seed)
    ledger = tmp_path / "ledger.sqlite"
    args = [LAA, "batch", "scenarios", "--jobs", "1", "--ledger", str(ledger), "--out", "out"]
    batch = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while poll(ledger, "SELECT count(*) FROM cases") < 2:
        assert time.monotonic() < deadline and batch.poll() is None
        time.sleep(0.02)
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()
    before = dict(((p, a), f) for p, a, f in rows(ledger, "SELECT path, arrangement, finished_at FROM cases"))
    assert 2 <= len(before) < 32
    assert rows(ledger, "SELECT ended_at FROM runs") == [(None,)]

    resumed = subprocess.run([*args, "--resume"], cwd=tmp_path, capture_output=True, text=True, timeout=120)

    assert resumed.returncode == 0, resumed.stderr
    assert "run 1 (resumed): 32 cases: 32 solved" in resumed.stderr
    assert len(rows(ledger, "SELECT id FROM runs WHERE ended_at IS NOT NULL")) == 1
    cases = rows(
        ledger, "SELECT path, arrangement, finished_at, document, document_sha256, status FROM cases"
    )
    assert len(cases) == len({(p, a) for p, a, *_ in cases}) == 32
    assert {s for *_, s in cases} == {"optimal"}
    kept = {(p, a): f for p, a, f, *_ in cases}
    assert all(kept[k] == f for k, f in before.items())  # recorded before the kill: not run again
    for _, _, _, document, sha, _ in cases:
        assert hashlib.sha256(Path(document).read_bytes()).hexdigest() == sha
    out = tmp_path / "out"
    for seed in range(8):
        whole = json.loads((out / f"gen-M-{seed}.json").read_text())
        assert [r["arrangement"] for r in whole["arrangements"]] == ["silo", "aligned", "pooled", "optimal"]
    assert len(json.loads((out / "summary.json").read_text())["cases"]) == 32
