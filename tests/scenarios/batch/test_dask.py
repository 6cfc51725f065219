"""A batch through a Dask cluster gives the same cases and scores as local workers, with the same ledger."""

from __future__ import annotations

import json
import logging
import os

import pytest
from distributed import Client, LocalCluster
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.batch.cases import CaseResult, Deadline, Lost, Task
from laa.scenarios.batch.dask_executor import DaskPool
from laa.scenarios.batch.run import BatchOptions, run_batch

from tests.paths import EXAMPLE
from tests.scenarios.batch.helpers import TWO_STREAMS, infeasible_text, write_generated
from tests.scenarios.batch.standins import STUCK, stuck_or_solved, stuck_task


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as running:
        yield running


def test_dask_batch_gives_the_local_scores(tmp_path, cluster):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "two.yaml").write_text(TWO_STREAMS.read_text())
    (folder / "northbridge.yaml").write_text(EXAMPLE.read_text())
    (folder / "infeasible.yaml").write_text(infeasible_text())
    (folder / "broken.yaml").write_text("streams: [\n")
    for seed in range(2):
        write_generated(folder, "S", seed)
    ledger = tmp_path / "ledger.sqlite"
    common = {"paths": (str(folder),), "ledger": ledger, "jobs": 2}

    local = run_batch(BatchOptions(**common, out=tmp_path / "local"), cwd=tmp_path)
    remote = run_batch(
        BatchOptions(**common, out=tmp_path / "dask", executor="dask", scheduler=cluster.scheduler_address),
        cwd=tmp_path,
    )

    def scores(result):
        return {(c.path, c.arrangement): (c.status, c.score, c.targets_met) for c in result.cases}

    assert len(local.cases) == 4 + 4 + 4 + 1 + 4 + 4
    assert scores(remote) == scores(local)
    assert local.exit_code == remote.exit_code == 4  # broken.yaml is invalid
    assert remote.run.id == local.run.id + 1 and remote.run.options["executor"] == "dask"
    for name in ("two", "northbridge", "infeasible"):
        a = json.loads((tmp_path / "local" / f"{name}.json").read_text())
        b = json.loads((tmp_path / "dask" / f"{name}.json").read_text())
        for doc in (a, b):
            for record in doc["arrangements"]:
                record.pop("seconds")
        assert a == b


def test_dask_case_past_the_deadline_is_recorded_and_its_worker_restarted(cluster):
    """A case that can never finish (a stand-in sleeping for ever): only the deadline can free its
    worker, by restarting it; the real cases, far inside the same deadline, all run."""
    tasks = [stuck_task(), Task(str(TWO_STREAMS), TWO_STREAMS.name, TWO_STREAMS.read_bytes(), None)]
    with Client(cluster) as client:
        before = client.run(os.getpid)
        pool = DaskPool(
            2, SolveOptions(), Deadline(timeout=0.5, grace=4.5), cluster.scheduler_address, stuck_or_solved
        )
        pool.start()
        try:
            reports = list(pool.run(tasks))
        finally:
            pool.close()
        client.wait_for_workers(2, timeout=30)
        after = client.run(os.getpid)
    (lost,) = [r for r in reports if isinstance(r.event, Lost)]
    assert (lost.event.path, lost.event.arrangement, lost.event.status) == (STUCK, "optimal", "timeout")
    assert lost.waited >= 5
    solved = [r.event for r in reports if isinstance(r.event, CaseResult)]
    assert [(c.path, c.status) for c in solved] == [(str(TWO_STREAMS), "optimal")] * 4
    # exactly one worker process was replaced: the one stuck in the case, not the other
    assert len(set(before.values()) - set(after.values())) == 1
