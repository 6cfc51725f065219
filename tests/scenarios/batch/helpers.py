"""Scenario folders for batch tests: hand-made and generated files, and `laa` as a subprocess."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import yaml

from benchmarks.generate import generate
from tests.paths import ROOT

LAA = str(Path(sys.executable).parent / "laa")
TWO_STREAMS = ROOT / "tests" / "scenarios" / "analysis" / "data" / "two_streams.yaml"


def write_generated(folder: Path, size: str, seed: int, name: str | None = None) -> Path:
    path = folder / (name or f"gen-{size}-{seed}.yaml")
    path.write_text(yaml.safe_dump(generate(size, seed), sort_keys=False))
    return path


def infeasible_text() -> str:
    """two_streams with a statutory minimum on o2 far above the money that may fund it."""
    text = TWO_STREAMS.read_text().replace("name: Two streams", "name: Two streams, minimum above the money")
    return text.replace("    block: SSC\n", "    block: SSC\n    min_spend: 5000000\n", 1)


def laa(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([LAA, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd)


def rows(ledger: Path, sql: str, *params: object) -> list[tuple]:
    with closing(sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=10)) as db:
        return db.execute(sql, params).fetchall()


def poll(ledger: Path, sql: str) -> int:
    """A count from a ledger another process is writing; 0 until the ledger exists."""
    try:
        return rows(ledger, sql)[0][0] if ledger.exists() else 0
    except sqlite3.OperationalError:  # created but its schema not yet committed
        return 0
