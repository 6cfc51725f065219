"""A batch through a Dask cluster gives the same cases and scores as local workers, with the same ledger."""

from __future__ import annotations

import json
import logging

import pytest
from distributed import Client, LocalCluster

from scenarios.batch import BatchOptions, run_batch
from tests.batch.helpers import TWO_STREAMS, infeasible_text, write_generated
from tests.paths import EXAMPLE


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


def test_dask_case_past_the_deadline_is_recorded_and_its_worker_freed(tmp_path, cluster):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    write_generated(folder, "L", 0, "slow.yaml")  # its silo plan takes seconds
    (folder / "two.yaml").write_text(TWO_STREAMS.read_text())
    options = BatchOptions(
        paths=(str(folder),),
        ledger=tmp_path / "ledger.sqlite",
        out=tmp_path / "out",
        jobs=2,
        timeout=1,
        executor="dask",
        scheduler=cluster.scheduler_address,
    )
    result = run_batch(options, cwd=tmp_path)
    status = {(c.path.rsplit("/", 1)[-1], c.arrangement): c.status for c in result.cases}
    assert status[("slow.yaml", "silo")] == "timeout"
    assert {a for f, a in status if f == "slow.yaml"} == {"silo", "aligned", "pooled", "optimal"}
    assert [status[("two.yaml", a)] for a in ("silo", "aligned", "pooled", "optimal")] == ["optimal"] * 4
    assert result.exit_code == 4
    with Client(cluster) as client:
        client.wait_for_workers(2, timeout=30)  # the stuck worker was restarted, not lost
