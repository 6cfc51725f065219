"""`laa batch`: every case of many scenario files, run unattended, each result kept exactly once.

The batch process reads and hashes the files, hands them to an executor
(local worker processes, or a Dask cluster), and is the only writer of the
ledger and of the output folder. For each case, in this order: its results
document is written (temporary file, then rename), then its ledger row is
committed. A batch killed at any moment therefore leaves whole documents
and rows that point only at whole documents; `--resume` continues that run
and redoes exactly the cases without both.

Statuses: a plan's own (`optimal`, `evaluated`, `infeasible`, `error`,
`time_limit` when the solver's limit stopped it), plus `invalid` (the file
cannot be planned; one case for the file, arrangement `-`), `timeout` (the
case was still running well past `--timeout`, the solver's own limit, and
its worker was stopped: see `Deadline`) and `worker_died`.

One batch at a time uses a ledger (`ledger_lock`), so two batches can never
resume, and so record into, the same run.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import platform
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol

from laa.models.errors import LaaError, ScenarioError
from laa.models.load import WORKBOOK_SUFFIXES
from laa.models.reading import irregular_kind, read_scenario_file, unreadable
from laa.pooling.solving.solvers import SolveOptions, SolverName
from laa.scenarios.analysis.breaches import status_words
from laa.scenarios.batch.cases import (
    EXIT_FAILED,
    EXIT_INFEASIBLE,
    EXIT_INVALID,
    EXIT_OK,
    FAILED,
    INFEASIBLE,
    INVALID,
    SOLVED,
    WHOLE_FILE,
    CaseResult,
    Deadline,
    Invalid,
    Loaded,
    Lost,
    Report,
    Task,
)
from laa.scenarios.batch.ledger import CaseRow, FileRow, Ledger, Run, ledger_lock, now
from laa.scenarios.batch.run_folder import claim, default_folder, document_keys, holds_results, variant_names
from laa.scenarios.batch.summary import (
    breaches_in,
    document_text,
    record_text_of,
    summary_rows,
    write_summary,
)
from laa.scenarios.batch.variant_cases import by_variant, split_case
from laa.scenarios.outputs.atomic import write_atomic
from laa.scenarios.outputs.results import empty_record

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json", *WORKBOOK_SUFFIXES)
# what a lost case's record says in the results document, whose statuses are a contract
DOCUMENT_STATUS = {"timeout": "time_limit", "worker_died": "error", "error": "error"}
DEFAULT_ARRANGEMENT_COUNT = 4  # a file without its own list runs silo, aligned, pooled and optimal


class Executor(Protocol):
    """What runs a batch's tasks: the local process pool or Dask; the batch only starts, feeds, closes
    or kills it."""

    def start(self) -> None: ...
    def run(self, tasks: list[Task]) -> Iterator[Report]: ...
    def close(self) -> None: ...
    def kill(self) -> None: ...


@dataclass(frozen=True)
class BatchOptions:
    """What `laa batch` was asked to do: the files, the ledger, where results go, how many workers,
    the time limit per case (seconds; None: none) and which executor."""

    paths: tuple[str, ...]
    ledger: Path
    out: Path | None = None
    jobs: int = 1
    timeout: float | None = None
    resume: bool = False
    arrangements: tuple[str, ...] = ()
    solver: SolverName = SolverName.HIGHS
    executor: str = "local"
    scheduler: str | None = None
    variants: bool = False  # each variant of a file is a case per arrangement too
    partners: bool = False  # each record carries every funder's account (laa batch --partners)

    def recorded(self) -> dict[str, Any]:
        """Every option, as the ledger keeps it for `laa history`."""
        return {
            "paths": list(self.paths),
            "jobs": self.jobs,
            "timeout": self.timeout,
            "arrangements": list(self.arrangements),
            "solver": self.solver.value,
            "executor": self.executor,
            "scheduler": self.scheduler,
            "variants": self.variants,
            "partners": self.partners,
        }

    def fingerprint(self, cwd: Path, engine: dict[str, str]) -> str:
        """What changes which cases run or what they give; `--resume` continues only a run that matches.

        The engine versions are part of it, so a run interrupted before an
        upgrade is not finished by the new engine: one run, one engine.
        """
        key = {
            "paths": sorted(
                str(real_path(cwd / p)) if not glob.has_magic(p) else str(cwd / p) for p in self.paths
            ),
            "timeout": self.timeout,
            "arrangements": list(self.arrangements),
            "solver": self.solver.value,
            "engine": engine,
        }
        if self.variants:  # a key only when asked, so the runs of earlier versions still resume
            key["variants"] = True
        if self.partners:  # likewise
            key["partners"] = True
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class CaseLine:
    """One finished case, for the progress display."""

    path: str
    arrangement: str
    status: str
    score: float | None
    seconds: float
    breaches: int | None = None  # rules and limits the plan breaks (a silo plan may); None: not known

    @property
    def status_text(self) -> str:
        """The status as the operator reads it: 'optimal, breaks 2 rules' for a plan that breaks rules."""
        return status_words(self.status, self.breaches)


@dataclass
class BatchResult:
    """How a batch run ended: its ledger row, the count of cases by status, its exit code and warnings."""

    run: Run
    resumed: bool
    counts: dict[str, int]
    exit_code: int
    out_dir: Path
    cases: list[CaseRow]
    warnings: list[str] = field(default_factory=list)
    busy_seconds: float = 0.0  # time inside workers this session: loading, planning, records

    @property
    def summary_line(self) -> str:
        """One line for the terminal: cases by outcome, the failures by kind, and what the exit code means."""
        c = self.counts
        parts = [f"{c.get(k, 0)} {k}" for k in ("solved", "infeasible", "failed", "invalid")]
        detail = ", ".join(f"{n} {s}" for s, n in sorted(c.items()) if s in FAILED and n)
        failed = f" ({detail})" if detail else ""
        verdict = {
            EXIT_OK: "every case solved",
            EXIT_INFEASIBLE: "some cases are infeasible",
            EXIT_FAILED: "some cases failed",
            EXIT_INVALID: "no file could be planned",
        }[self.exit_code]
        resumed = " (resumed)" if self.resumed else ""
        return (
            f"run {self.run.id}{resumed}: {c.get('cases', 0)} cases: {', '.join(parts)}{failed}; "
            f"exit {self.exit_code}: {verdict}"
        )


Progress = Callable[[int, int, CaseLine], None]
SHOWN_FILES = 5  # unfinished files a stopped batch names


class BatchStopped(LaaError):
    """The batch could not go on once its run had begun (its ledger or output disk failed, the Dask
    scheduler was lost): what it recorded is kept, and the run stays unfinished for `--resume`."""

    def __init__(self, cause: str, run_id: int, recorded: int, expected: int, unfinished: list[str]):
        names = ", ".join(unfinished[:SHOWN_FILES])
        more = f" and {len(unfinished) - SHOWN_FILES} more" if len(unfinished) > SHOWN_FILES else ""
        left = f"; not run: {expected - recorded} cases of {len(unfinished)} files ({names}{more})"
        super().__init__(
            f"{cause}\nrun {run_id} stopped with {recorded} cases recorded"
            f"{left if unfinished else ''}; once the cause is fixed, finish it with the same command "
            "and --resume"
        )


# --- choosing the files ---


def discover(paths: tuple[str, ...], exclude: list[Path]) -> tuple[list[Path], list[Path], list[str]]:
    """(scenario files, named files that do not exist, warnings) for files, folders and globs.

    A folder gives its own scenario files (not its subfolders'; use a glob
    such as `dir/**/*.yaml` for those). Hidden files, and anything under an
    output folder of this ledger, are left out, so results documents are
    never read back as scenarios (nor anything in another ledger's run
    folder, which carries its mark). A file named on its own is always kept,
    whatever it is (a pipe, a link loop): reading it records why it is
    `invalid`. What a folder or a glob holds that is not a regular file is
    skipped with a warning saying what it is.
    """
    found: dict[Path, None] = {}
    missing: list[Path] = []
    warnings: list[str] = []
    excluded = [real_path(e) for e in exclude]

    def keep(path: Path) -> bool:
        resolved = real_path(path)
        hidden = any(part.startswith(".") for part in path.parts if part not in (".", ".."))
        excluded_here = any(resolved.is_relative_to(e) for e in excluded) or holds_results(resolved)
        return not hidden and not excluded_here

    def regular(candidates: list[Path]) -> list[Path]:
        kept = []
        for p in candidates:
            what = _not_a_regular_file(p)
            if what is None:
                kept.append(p)
            else:
                warnings.append(f"{p}: skipped: {what}")
        return kept

    for given in paths:
        path = Path(given)
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in SCENARIO_SUFFIXES and keep(p))
            chosen = regular(inside)
            if not inside:
                warnings.append(f"{given}: no scenario files (*.yaml, *.yml, *.json, *.xlsx) in this folder")
        elif os.path.lexists(path):
            chosen = [path]
        elif glob.has_magic(given):
            matched = [Path(p) for p in sorted(glob.glob(given, recursive=True)) if not Path(p).is_dir()]
            chosen = regular([p for p in matched if keep(p)])
            if not matched:
                warnings.append(f"{given}: matches no files")
        else:
            missing.append(path)
            continue
        for p in chosen:
            found[real_path(p)] = None
    return list(found), missing, warnings


def real_path(path: Path) -> Path:
    """The path with every link resolved; a link loop or a link to nothing, which has no real path, as
    given (absolute), so a case names the link the user sees."""
    try:
        resolved = path.resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop
        return path.absolute()
    return resolved if resolved.exists() or not path.is_symlink() else path.absolute()


def _not_a_regular_file(path: Path) -> str | None:
    try:
        return irregular_kind(os.stat(path).st_mode)
    except OSError as exc:
        return unreadable(path, exc)


def display_name(path: str, cwd: Path) -> str:
    """The path relative to `cwd` when it is under it, so output names files as the user typed them."""
    p = Path(path)
    return str(p.relative_to(cwd)) if p.is_relative_to(cwd) else path


def engine_versions() -> dict[str, str]:
    """The versions that decide a result (engine, HiGHS, pulp, Python), kept with each run so a
    resume re-runs cases planned by a different engine."""
    return {
        "laa-pooling": version("laa-pooling"),
        "highspy": version("highspy"),
        "pulp": version("pulp"),
        "python": platform.python_version(),
    }


def case_hash(file_sha256: str, arrangement: str, options: BatchOptions, engine: dict[str, str]) -> str:
    """What decides a case's result: file bytes, arrangement, solver and its limit, engine versions.

    The batch never reads it back: it is in the ledger (with an index) for
    people auditing results with SQL, to find every run that computed the
    same case (docs/internals.md, "The run ledger").
    """
    key = [file_sha256, arrangement, options.solver.value, options.timeout, sorted(engine.items())]
    if options.partners:  # the record holds the accounts too (only then, so earlier hashes stand)
        key.append("partners")
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()


# --- the batch ---


class Batch:
    """One session of a run: records every report the executor gives, in the ledger and the out folder."""

    def __init__(
        self, options: BatchOptions, ledger: Ledger, run: Run, resumed: bool, progress: Progress | None
    ):
        self.options = options
        self.ledger = ledger
        self.run = run
        self.resumed = resumed
        self.progress = progress
        self.out_dir = Path(run.out_dir)
        self.engine = run.engine
        self.files = ledger.files(run.id) if resumed else {}
        self.keys: dict[str, str] = {}
        self.variant_names: dict[str, dict[str, str]] = {}  # path -> variant id -> its name in files
        self.records: dict[str, dict[str, str]] = {}  # path -> arrangement -> record text
        self.breaches: dict[tuple[str, str], int | None] = {}  # (path, arrangement) -> rules broken
        self.done: dict[str, dict[str, CaseRow]] = {}  # path -> arrangement -> row, whole documents only
        # path -> sha256 of the bytes this session read and handed out; a file's ledger row
        # (self.files) exists only once a worker has loaded it
        self.sha: dict[str, str] = {}
        self.total = 0
        self.finished = 0
        self.busy = 0.0
        self.to_run: list[str] = []  # the files this session hands out, for what a stop left undone

    # -- which cases are still to run --

    def plan_tasks(self, files: list[Path], missing: list[Path]) -> list[Task]:
        """The tasks still to run: one per file, leaving out the cases a resumed run already finished."""
        if self.resumed:
            for row in self.ledger.cases(self.run.id):
                if _whole(row):
                    self.done.setdefault(row.path, {})[row.arrangement] = row
        paths = [str(p) for p in files]
        self.keys = document_keys(paths)
        tasks = []
        for gone in missing:
            self._record_unreadable(str(gone.absolute()), f"{gone}: no such file or folder")
        for file in files:
            path = str(file)
            try:  # a regular file only, its size checked before a byte is read
                data = read_scenario_file(file, file.name)
            except ScenarioError as exc:
                self._record_unreadable(path, "; ".join(str(p) for p in exc.problems))
                continue
            sha = self.sha[path] = hashlib.sha256(data).hexdigest()
            known = self.files.get(path)
            if known is not None and known.file_sha256 != sha:
                self.ledger.forget_file(self.run.id, path)  # changed since the interrupted session
                self.files.pop(path)
                self.done.pop(path, None)
                known = None
            done = self.done.get(path, {})
            expected = self._expected(path)
            self.total += expected
            self.finished += len(done)
            if known is not None and (
                (known.arrangements is None and WHOLE_FILE in done)
                or (known.arrangements is not None and set(known.arrangements) <= set(done))
            ):
                self._write_scenario_document(path)  # in case the session died just before writing it
                continue
            # a file loaded in an earlier session runs its recorded list (see Task.loading_case)
            arrangements = known.arrangements if known is not None else None
            tasks.append(
                Task(
                    path,
                    file.name,
                    data,
                    tuple(arrangements or self.options.arrangements) or None,
                    frozenset(done),
                    want_input=not self.ledger.has_input(sha),
                    variants=self.options.variants,
                    partners=self.options.partners,
                )
            )
        self.to_run = [t.path for t in tasks]
        # largest first: the longest cases start early instead of finishing alone at the end
        return sorted(tasks, key=lambda t: -len(t.data))

    def _expected(self, path: str) -> int:
        known = self.files.get(path)
        if known is not None:
            return 1 if known.arrangements is None else len(known.arrangements)
        return len(self.options.arrangements) or DEFAULT_ARRANGEMENT_COUNT

    # -- recording --

    def record(self, report: Report) -> None:
        """Record one report from a worker in the ledger as it arrives (a file loaded or refused, a case
        finished or lost)."""
        event = report.event
        if isinstance(event, Loaded):
            self.busy += event.seconds
            self.total += len(event.arrangements) - self._expected(event.path)
            self.files[event.path] = FileRow(
                event.path, self.sha[event.path], event.scenario, event.arrangements
            )
            self.ledger.record_loaded(self.run.id, self.files[event.path], event.input_blob)
        elif isinstance(event, Invalid):
            self.busy += event.seconds
            if self._arrangements_known(event.path):
                # the same bytes loaded before (out of memory now, say): its remaining cases failed
                for arrangement in self._todo(event.path):
                    self._record_lost(Lost(event.path, arrangement, "error", event.message), report.waited)
                return
            self.total += 1 - self._expected(event.path)
            self.files[event.path] = FileRow(event.path, self.sha[event.path], None, None)
            self.ledger.record_file(self.run.id, self.files[event.path])
            self._commit(
                event.path, WHOLE_FILE, INVALID, None, None, event.message, report.waited, None, None
            )
        elif isinstance(event, CaseResult):
            self.busy += event.solve_seconds + event.record_seconds
            self._commit(
                event.path,
                event.arrangement,
                event.status,
                event.score,
                event.targets_met,
                event.message,
                report.waited,
                event.solve_seconds,
                event.record_text,
                event.outcome_spend,
                event.breaches,
            )
        elif isinstance(event, Lost):
            self._record_lost(event, report.waited)

    def stopped(self, exc: BaseException, cwd: Path) -> BatchStopped:
        """The stop `exc` made of this session: what is recorded and which files have cases not run."""
        cause = str(exc) if isinstance(exc, LaaError) else f"{type(exc).__name__}: {exc}"
        unfinished = [display_name(p, cwd) for p in self.to_run if not self._file_done(p)]
        return BatchStopped(cause, self.run.id, self.finished, self.total, unfinished)

    def _file_done(self, path: str) -> bool:
        known = self.files.get(path)
        done = self.done.get(path, {})
        if known is None or known.arrangements is None:
            return WHOLE_FILE in done
        return set(known.arrangements) <= set(done)

    def _arrangements_known(self, path: str) -> bool:
        known = self.files.get(path)
        return known is not None and known.arrangements is not None

    def _todo(self, path: str) -> list[str]:
        done = self.done.get(path, {})
        return [a for a in self.files[path].arrangements or () if a not in done]

    def _record_lost(self, event: Lost, waited: float) -> None:
        if event.arrangement == WHOLE_FILE:
            # only a first load is lost as WHOLE_FILE (Task.loading_case): no arrangements to replace
            assert not self._arrangements_known(event.path)
            self.total += 1 - self._expected(event.path)
            self.files[event.path] = FileRow(event.path, self.sha[event.path], None, None)
            self.ledger.record_file(self.run.id, self.files[event.path])
            self._commit(event.path, WHOLE_FILE, event.status, None, None, event.message, waited, None, None)
            return
        record = empty_record(event.arrangement, DOCUMENT_STATUS[event.status], event.message)
        text = json.dumps(record, indent=1)
        self._commit(
            event.path, event.arrangement, event.status, None, None, event.message, waited, None, text, None
        )

    def _record_unreadable(self, path: str, message: str) -> None:
        self.total += 1
        self.sha[path] = ""
        self.files[path] = FileRow(path, "", None, None)
        self.ledger.record_file(self.run.id, self.files[path])
        self._commit(path, WHOLE_FILE, INVALID, None, None, message, 0.0, None, None)

    def _commit(
        self,
        path: str,
        arrangement: str,
        status: str,
        score: float | None,
        targets_met: int | None,
        message: str,
        waited: float,
        solve_seconds: float | None,
        record_text: str | None,
        outcome_spend: dict[str, float] | None = None,
        breaches: int | None = None,
    ) -> None:
        """The case's document on disk first, then its ledger row: a row never points at nothing."""
        document = document_sha = None
        if record_text is not None:
            name = self.files[path].scenario or Path(path).stem
            text = document_text(name, [record_text], split_case(arrangement)[0])
            target = self._case_document(path, arrangement)
            write_atomic(target, text, make_folders=True)
            document, document_sha = str(target), hashlib.sha256(text.encode()).hexdigest()
            self.records.setdefault(path, {})[arrangement] = record_text
        sha = self.sha[path]
        row = CaseRow(
            self.run.id,
            path,
            arrangement,
            sha,
            case_hash(sha, arrangement, self.options, self.engine),
            status,
            score,
            targets_met,
            message,
            waited,
            solve_seconds,
            document,
            document_sha,
            outcome_spend,
            now(),
        )
        self.ledger.record_case(row)
        self.done.setdefault(path, {})[arrangement] = row
        self.breaches[(path, arrangement)] = breaches
        self.finished += 1
        if self.progress is not None:
            line = CaseLine(path, arrangement, status, score, waited, breaches)
            self.progress(self.finished, self.total, line)
        arrangements = self.files[path].arrangements
        if arrangements is not None and set(arrangements) <= set(self.done[path]):
            self._write_scenario_document(path)

    def breaches_of(self, case: CaseRow) -> int | None:
        """The rules and limits a case's plan breaks: as its worker counted them this session, else (a
        case an interrupted session recorded) from its results document; None when it has no figures."""
        key = (case.path, case.arrangement)
        if key not in self.breaches:
            self.breaches[key] = breaches_in(case.document)
        return self.breaches[key]

    def _write_scenario_document(self, path: str) -> None:
        """The scenario's whole results document, once every one of its cases is recorded."""
        file = self.files[path]
        if file.arrangements is None:
            return
        texts = self.records.setdefault(path, {})
        for arrangement in file.arrangements:
            if arrangement not in texts:
                texts[arrangement] = record_text_of(
                    Path(self.done[path][arrangement].document or "").read_text()
                )
        # one document for the scenario as written, one for each variant: as laa run --variant writes it
        for variant, keys in by_variant(file.arrangements).items():
            text = document_text(file.scenario or Path(path).stem, [texts[k] for k in keys], variant)
            write_atomic(self._scenario_document(path, variant), text, make_folders=True)
        del self.records[path]


    def _case_document(self, path: str, arrangement: str) -> Path:
        """`<file>/<arrangement>.json`, or `<file>/<variant>/<arrangement>.json` for a variant's case."""
        variant, plain = split_case(arrangement)
        folder = self.out_dir / self.keys[path]
        return (folder if variant is None else folder / self._variant_name(path, variant)) / f"{plain}.json"

    def _scenario_document(self, path: str, variant: str | None) -> Path:
        """`<file>.json`, or `<file>@<variant>.json` for a variant: as `laa run --variant` writes them."""
        stem = self.keys[path]
        if variant is not None:
            stem += f"@{self._variant_name(path, variant)}"
        return self.out_dir / f"{stem}.json"

    def _variant_name(self, path: str, variant: str) -> str:
        """The variant's name in file names, distinct among the variants of its file."""
        if path not in self.variant_names:
            variants = by_variant(self.files[path].arrangements or [])
            self.variant_names[path] = variant_names(v for v in variants if v is not None)
        return self.variant_names[path][variant]


def _whole(row: CaseRow) -> bool:
    """A recorded case counts as done only if its document (when it has one) is on disk, unchanged."""
    if row.document is None:
        return row.arrangement == WHOLE_FILE or row.status in FAILED
    try:
        data = Path(row.document).read_bytes()
    except OSError:
        return False
    return hashlib.sha256(data).hexdigest() == row.document_sha256


def exit_code_of(statuses: set[str]) -> int:
    """2 if every case is an invalid file; else 4 if any failed or was invalid; else 3 if any infeasible.

    A file lost while loading (out of memory, past the deadline) is a
    failure (4), not "nothing could run": it may well run tomorrow.
    """
    if statuses <= {INVALID}:
        return EXIT_INVALID
    if statuses & (FAILED | {INVALID}):
        return EXIT_FAILED
    if statuses & INFEASIBLE:
        return EXIT_INFEASIBLE
    return EXIT_OK


def grouped(statuses: dict[str, int]) -> dict[str, int]:
    """Cases by status (as Ledger.status_counts gives them), with the groups the summary line gives."""
    counts = {"cases": sum(statuses.values()), **statuses}
    counts["solved"] = sum(statuses.get(s, 0) for s in SOLVED)
    counts["failed"] = sum(statuses.get(s, 0) for s in FAILED)
    counts["infeasible"] = sum(statuses.get(s, 0) for s in INFEASIBLE)
    counts.setdefault(INVALID, 0)
    return counts


def make_executor(options: BatchOptions) -> Executor:
    """The executor the options ask for (local processes, or Dask), sharing one deadline for the batch."""
    solve = SolveOptions(solver=options.solver, time_limit=options.timeout)
    deadline = None if options.timeout is None else Deadline.after(options.timeout)
    if options.executor == "dask":
        from laa.scenarios.batch.dask_executor import (
            DaskPool,  # only a Dask batch pays for importing distributed
        )

        return DaskPool(options.jobs, solve, deadline, options.scheduler)
    from laa.scenarios.batch.workers import LocalPool

    return LocalPool(options.jobs, solve, deadline)


def run_batch(
    options: BatchOptions, progress: Progress | None = None, cwd: Path | None = None
) -> BatchResult:
    """Run (or, with `resume`, finish) a batch and return what the ledger then holds for the run.

    A failure once the run has begun (its ledger or output disk, the Dask
    scheduler, workers that cannot start) stops the batch with
    `BatchStopped`, the run kept unfinished for `--resume`; before then
    (the ledger or output folder cannot be used), it is the error as found.
    """
    cwd = cwd or Path.cwd()
    # the lock before the ledger is opened: a second batch is refused before it touches SQLite
    with ledger_lock(options.ledger), Ledger(options.ledger) as ledger:
        executor = make_executor(options)
        # before the run is opened, so a cluster that cannot be reached leaves no run behind;
        # local workers import while the files are read and hashed
        executor.start()
        try:
            run, resumed, warnings = _open_run(ledger, options, cwd)
            exclude = [Path(r.out_dir) for r in ledger.runs() if r.out_dir] + [options.ledger]
            files, missing, found = discover(options.paths, exclude)
            batch = Batch(options, ledger, run, resumed, progress)
            try:
                for report in executor.run(batch.plan_tasks(files, missing)):
                    batch.record(report)
            except (LaaError, OSError) as exc:
                raise batch.stopped(exc, cwd) from None
        except BaseException:
            executor.kill()  # Ctrl-C or a bug: the run stays unfinished, and --resume picks it up
            raise
        executor.close()
        try:
            cases = ledger.cases(run.id)
            counts = grouped(ledger.status_counts(run.id))
            code = exit_code_of({c.status for c in cases})
            display = {c.path: display_name(c.path, cwd) for c in cases}
            broken = {(c.path, c.arrangement): batch.breaches_of(c) for c in cases}
            write_summary(Path(run.out_dir), run, summary_rows(cases, display, broken), counts, code)
            ledger.finish_run(run.id, code)
            finished = ledger.run(run.id) or run
        except (LaaError, OSError) as exc:
            raise batch.stopped(exc, cwd) from None
    return BatchResult(
        finished, resumed, counts, code, Path(run.out_dir), cases, warnings + found, batch.busy
    )


def _open_run(ledger: Ledger, options: BatchOptions, cwd: Path) -> tuple[Run, bool, list[str]]:
    """The interrupted run to resume, or a new one, with its output folder claimed for this ledger
    (`run_folder.claim`) before anything is written there; by default a folder of its own per run."""
    engine = engine_versions()
    fingerprint = options.fingerprint(cwd, engine)
    warnings = []
    used = [Path(r.out_dir) for r in ledger.runs() if r.out_dir]
    run = ledger.unfinished_run(fingerprint) if options.resume else None
    if options.resume and run is None:
        warnings.append(
            "nothing to resume (no interrupted run with these options and engine versions): "
            "starting a new run"
        )
    if run is not None:
        if options.out is not None and Path(run.out_dir) != options.out.resolve():
            warnings.append(f"run {run.id} writes to {run.out_dir}; resuming it there, not in {options.out}")
        claim(Path(run.out_dir), options.ledger, used)
        return run, True, warnings
    with ledger.transaction():  # a run whose folder is refused is not recorded
        run = ledger.start_run(fingerprint, options.recorded(), "", engine)
        out = options.out.resolve() if options.out else default_folder(options.ledger, run.id)
        ledger.set_out_dir(run.id, str(out))
        claim(out, options.ledger, used)
    return ledger.run(run.id) or run, False, warnings
