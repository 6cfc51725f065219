"""The run ledger: every batch run and every case it recorded, in one SQLite file.

Only the batch's own process writes (one writer, no locking between
workers), and each case is committed on its own as it finishes, after its
results document is on disk, so a row never points at a missing document.
One batch at a time: a batch holds `ledger_lock` for its whole life, so a
second one (a `--resume` of a run still going, say) is refused, not let
loose on the same run. `laa history` and `laa drift` open the ledger
read-only and take no lock.

WAL mode lets `laa history` and `laa drift` read while a batch writes.
`synchronous=NORMAL`: in WAL mode a commit survives the batch process being
killed (the write is in the OS before `commit` returns); only a power cut
can drop the last few commits, never corrupt the file, and a dropped case
is simply run again by `--resume`. FULL would add an fsync to every case
for no further guarantee the resume does not already give.

The schema version is SQLite's `user_version`; a ledger from a newer
version of the engine is refused rather than misread.

Every SQLite failure (a damaged file, a full disk, a read-only folder) is
a `LedgerError` naming the file and the cause, raised where it happens.
A ledger on a read-only disk is still read: SQLite needs to write a
shared-memory file beside a WAL ledger even to read it, so where it cannot
and no write-ahead log is left over, the file is read as immutable.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from laa.models.errors import InputError

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    ended_at TEXT,                -- NULL: still running, or interrupted (resumable)
    fingerprint TEXT NOT NULL,    -- the options that change results; --resume matches on it
    options TEXT NOT NULL,        -- JSON: every option as given
    out_dir TEXT NOT NULL,
    engine TEXT NOT NULL,         -- JSON: engine, solver and Python versions
    host TEXT NOT NULL,
    exit_code INTEGER
);
CREATE TABLE files (              -- each scenario file a run read
    run_id INTEGER NOT NULL REFERENCES runs(id),
    path TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    scenario TEXT,
    arrangements TEXT,            -- JSON list; NULL for an invalid file
    PRIMARY KEY (run_id, path)
);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    path TEXT NOT NULL,
    arrangement TEXT NOT NULL,    -- '-' for a file that could not be read
    file_sha256 TEXT NOT NULL,
    case_hash TEXT NOT NULL,      -- file bytes + arrangement + solver + engine versions
    status TEXT NOT NULL,
    score REAL,
    targets_met INTEGER,
    message TEXT NOT NULL,
    seconds REAL NOT NULL,        -- wall time the batch waited for the case
    solve_seconds REAL,           -- time inside the worker planning it
    document TEXT,
    document_sha256 TEXT,
    outcome_spend TEXT,           -- JSON {outcome: GBP}: what drift compares
    finished_at TEXT NOT NULL,
    UNIQUE (run_id, path, arrangement)
);
CREATE TABLE inputs (             -- parsed scenario content by file hash, for drift
    file_sha256 TEXT PRIMARY KEY,
    content BLOB NOT NULL         -- zlib-compressed canonical JSON
);
CREATE INDEX cases_by_hash ON cases (case_hash);  -- for SQL readers: which runs computed this case
"""


def now() -> str:
    """The time now in UTC to the second, as the ledger stores it."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Run:
    """One batch run as the ledger keeps it; `ended_at` and `exit_code` are None while it runs or if
    it was killed."""

    id: int
    started_at: str
    ended_at: str | None
    fingerprint: str
    options: dict[str, Any]
    out_dir: str
    engine: dict[str, str]
    host: str
    exit_code: int | None


@dataclass(frozen=True)
class CaseRow:
    """One case (a file and an arrangement) a run recorded: its status, score and timings, and the
    hashes that tell a resume whether it must be run again."""

    run_id: int
    path: str
    arrangement: str
    file_sha256: str
    case_hash: str
    status: str
    score: float | None
    targets_met: int | None
    message: str
    seconds: float
    solve_seconds: float | None
    document: str | None
    document_sha256: str | None
    outcome_spend: dict[str, float] | None
    finished_at: str


@dataclass(frozen=True)
class FileRow:
    """A scenario file a run read; `scenario` and `arrangements` are None when it could not be loaded."""

    path: str
    file_sha256: str
    scenario: str | None
    arrangements: list[str] | None


class LedgerError(InputError):
    """The run ledger cannot be read or written (damaged, on a read-only disk, its disk full); the
    message names the file and the cause."""


@contextmanager
def ledger_lock(path: Path) -> Iterator[None]:
    """Hold `<ledger>.lock` exclusively, or refuse at once naming the batch that holds it.

    `flock` is released by the kernel when its holder exits however it
    exits, so a killed batch never leaves a stale lock for `--resume` to
    trip over. The lock file is left in place: removing it would let a
    batch lock a file another has just replaced.

    The lock is beside the ledger's real path, every link resolved, so the
    same ledger reached through a linked folder or file name is one lock,
    however its path is spelled.
    """
    real = Path(os.path.realpath(path))
    lock = real.with_name(real.name + ".lock")
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        file = open(lock, "a+")  # noqa: SIM115 (closed by the with below; an open that fails is named)
    except OSError as exc:
        raise LedgerError(
            f"{path}: a batch cannot write its ledger there: {exc.strerror or exc} "
            f"(it needs a folder it may write to, for the ledger and {lock.name})"
        ) from None
    with file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            holder = file.read().strip() or "another process"
            raise InputError(
                f"{path} is in use by another `laa batch` ({holder}); "
                "run this one (or its --resume) once that one has finished"
            ) from None
        file.truncate(0)
        file.write(f"pid {os.getpid()} on {socket.gethostname()}, since {now()}\n")
        file.flush()
        yield


class Ledger:
    """A connection to one ledger file; create the schema on first use.

    `read_only`: for `laa history` and `laa drift`, which must never write,
    not even a schema into a file that is not a ledger.
    """

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        try:
            if read_only:
                self.db = self._open_read_only()
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._failure(exc) from None
        except OSError as exc:
            raise LedgerError(f"{self.path}: the run ledger cannot be made: {exc.strerror or exc}") from None
        try:
            if not read_only:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate(read_only)
        except sqlite3.Error as exc:
            self.db.close()
            raise self._failure(exc) from None
        except BaseException:
            self.db.close()
            raise

    def _open_read_only(self) -> sqlite3.Connection:
        """The ledger opened read-only; on a read-only disk with no write-ahead log left, as immutable."""
        uri = self.path.absolute().as_uri()
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA schema_version").fetchone()  # SQLite opens the file on first use
            return db
        except sqlite3.OperationalError as exc:
            db.close()
            writable = os.access(self.path.absolute().parent, os.W_OK)
            if _primary(exc) != sqlite3.SQLITE_CANTOPEN or not self.path.is_file() or writable:
                raise
        wal = Path(f"{self.path}-wal")
        if wal.exists() and wal.stat().st_size:
            raise LedgerError(
                f"{self.path} cannot be read in a read-only folder: its write-ahead log {wal.name} holds "
                "commits not yet in the ledger, which SQLite reads only where it may write; copy both "
                "files to a folder that can be written, or open the ledger there once"
            )
        # nothing to read beside the file, and nobody can write it here: it cannot change under us
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=30, isolation_level=None)

    def _failure(self, exc: sqlite3.Error) -> LedgerError:
        """The error to raise for an SQLite failure: the file, what could not be done, and why."""
        code = _primary(exc)
        if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
            return LedgerError(
                f"{self.path} is not a usable run ledger: {exc} (restore it from a backup, or give "
                "--ledger a new file)"
            )
        doing = "read" if self.read_only else "written"
        cause = "the disk holding it is full" if code == sqlite3.SQLITE_FULL else str(exc)
        return LedgerError(f"{self.path}: the run ledger could not be {doing}: {cause}")

    def _sql(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Every row the statement gives; an SQLite failure is a LedgerError saying what failed."""
        try:
            return self.db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._failure(exc) from None

    def _migrate(self, read_only: bool) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise InputError(
                f"{self.path} was written by a newer engine (ledger schema {version}; "
                f"this one reads {SCHEMA_VERSION})"
            )
        if self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise InputError(f"{self.path} is an SQLite file but not a run ledger")
        if read_only:
            raise InputError(f"{self.path} is not a run ledger (it is empty): run `laa batch` first")
        # one script, one transaction: a ledger is created whole or not at all
        self.db.executescript(f"BEGIN;\n{SCHEMA}\nPRAGMA user_version={SCHEMA_VERSION};\nCOMMIT;")

    def close(self) -> None:
        """Close the ledger's database connection."""
        self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything written inside is committed together, or (on an exception) not at all."""
        self._sql("BEGIN")
        try:
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # a failed statement may have rolled it back already
                self.db.execute("ROLLBACK")
            raise
        self._sql("COMMIT")

    # --- runs ---

    def start_run(
        self, fingerprint: str, options: dict[str, Any], out_dir: str, engine: dict[str, str]
    ) -> Run:
        """Record a new run as started now and return it (with its id)."""
        ((run_id,),) = self._sql(
            "INSERT INTO runs (started_at, fingerprint, options, out_dir, engine, host) VALUES (?,?,?,?,?,?)"
            " RETURNING id",
            (
                now(),
                fingerprint,
                json.dumps(options, sort_keys=True),
                out_dir,
                json.dumps(engine),
                socket.gethostname(),
            ),
        )
        run = self.run(run_id)
        assert run is not None
        return run

    def set_out_dir(self, run_id: int, out_dir: str) -> None:
        """Record where the run writes its results documents."""
        self._sql("UPDATE runs SET out_dir=? WHERE id=?", (out_dir, run_id))

    def finish_run(self, run_id: int, exit_code: int) -> None:
        """Record the run as ended now with its exit code; a run left unfinished can be resumed."""
        self._sql("UPDATE runs SET ended_at=?, exit_code=? WHERE id=?", (now(), exit_code, run_id))

    def run(self, run_id: int) -> Run | None:
        """The run with this id, or None when the ledger has none."""
        found = self._sql("SELECT * FROM runs WHERE id=?", (run_id,))
        return _run(found[0]) if found else None

    def runs(self) -> list[Run]:
        """Every run in the ledger, oldest first."""
        return [_run(r) for r in self._sql("SELECT * FROM runs ORDER BY id")]

    def unfinished_run(self, fingerprint: str) -> Run | None:
        """The most recent interrupted run with the same result-changing options."""
        found = self._sql(
            "SELECT * FROM runs WHERE ended_at IS NULL AND fingerprint=? ORDER BY id DESC LIMIT 1",
            (fingerprint,),
        )
        return _run(found[0]) if found else None

    def status_counts(self, run_id: int) -> dict[str, int]:
        """The run's cases by status; scenarios.batch.grouped adds the summary's groups."""
        found = self._sql("SELECT status, count(*) FROM cases WHERE run_id=? GROUP BY status", (run_id,))
        return {status: count for status, count in found}

    # --- files and cases ---

    def record_file(self, run_id: int, row: FileRow) -> None:
        """Record a file the run read (replacing an earlier row for it in the same run)."""
        arrangements = None if row.arrangements is None else json.dumps(row.arrangements)
        self._sql(
            "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?)",
            (run_id, row.path, row.file_sha256, row.scenario, arrangements),
        )

    def record_loaded(self, run_id: int, row: FileRow, input_blob: bytes | None) -> None:
        """Record a file a worker loaded and, the first time its bytes are seen, its parsed content."""
        with self.transaction():
            self.record_file(run_id, row)
            if input_blob is not None:
                self.store_input(row.file_sha256, input_blob)

    def files(self, run_id: int) -> dict[str, FileRow]:
        """The files a run read, by path."""
        found = self._sql(
            "SELECT path, file_sha256, scenario, arrangements FROM files WHERE run_id=?", (run_id,)
        )
        return {
            path: FileRow(path, sha, name, None if arr is None else json.loads(arr))
            for path, sha, name, arr in found
        }

    def forget_file(self, run_id: int, path: str) -> None:
        """Drop a file's rows from a resumed run because the file changed since: it runs again."""
        with self.transaction():
            self._sql("DELETE FROM cases WHERE run_id=? AND path=?", (run_id, path))
            self._sql("DELETE FROM files WHERE run_id=? AND path=?", (run_id, path))

    def record_case(self, row: CaseRow) -> None:
        """Commit one case; a case re-run on resume replaces its earlier row, so it appears once."""
        spend = None if row.outcome_spend is None else json.dumps(row.outcome_spend, sort_keys=True)
        self._sql(
            "INSERT OR REPLACE INTO cases (run_id, path, arrangement, file_sha256, case_hash, status, score,"
            " targets_met, message, seconds, solve_seconds, document, document_sha256, outcome_spend,"
            " finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                row.run_id,
                row.path,
                row.arrangement,
                row.file_sha256,
                row.case_hash,
                row.status,
                row.score,
                row.targets_met,
                row.message,
                row.seconds,
                row.solve_seconds,
                row.document,
                row.document_sha256,
                spend,
                row.finished_at,
            ),
        )

    def cases(self, run_id: int) -> list[CaseRow]:
        """Every case a run recorded, by file path and then in the order they were recorded."""
        found = self._sql(
            "SELECT run_id, path, arrangement, file_sha256, case_hash, status, score, targets_met, message,"
            " seconds, solve_seconds, document, document_sha256, outcome_spend, finished_at"
            " FROM cases WHERE run_id=? ORDER BY path, id",
            (run_id,),
        )
        return [_case(row) for row in found]

    # --- inputs ---

    def has_input(self, file_sha256: str) -> bool:
        """Whether the parsed content of a file with these bytes is already stored."""
        return bool(self._sql("SELECT 1 FROM inputs WHERE file_sha256=?", (file_sha256,)))

    def store_input(self, file_sha256: str, blob: bytes) -> None:
        """Store a file's parsed content (compressed) by its hash, once, for `laa drift` to compare."""
        self._sql("INSERT OR IGNORE INTO inputs VALUES (?,?)", (file_sha256, blob))

    def input(self, file_sha256: str) -> dict[str, Any] | None:
        """The parsed content of the file with this hash, or None when it was never stored."""
        found = self._sql("SELECT content FROM inputs WHERE file_sha256=?", (file_sha256,))
        if not found:
            return None
        try:
            return json.loads(zlib.decompress(found[0][0]))
        except (zlib.error, ValueError, TypeError) as exc:
            damaged = f"{self.path} is not a usable run ledger: a stored scenario is damaged ({exc})"
            raise LedgerError(damaged) from None


def _primary(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code for the failure (SQLITE_FULL, ...), without its extended part."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def _case(row: tuple[Any, ...]) -> CaseRow:
    run, path, arrangement, sha, key, status, score, met, message, seconds, solve, doc, doc_sha = row[:13]
    spend, finished = row[13:]
    return CaseRow(
        run, path, arrangement, sha, key, status, score, met, message, seconds, solve, doc, doc_sha,
        None if spend is None else json.loads(spend), finished,
    )  # fmt: skip


def _run(row: tuple[Any, ...]) -> Run:
    run_id, started, ended, fingerprint, options, out_dir, engine, host, code = row
    return Run(
        run_id, started, ended, fingerprint, json.loads(options), out_dir, json.loads(engine), host, code
    )
