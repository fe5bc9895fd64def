"""One ingest run: find the files, hash them, extract the new and changed ones, store the batch in
the lake, publish.

The sequence lives once, in run_ingest; what differs between `vnplan ingest` and the Prefect flow
(pipeline/flow.py) is only how the per-file steps are executed, given as a Steps object:

    files = discover(paths, exclude=[lake.root, db])
    with lake.begin_run(run_id, wait=wait) as run:          # the lake lock: one writer at a time
        checked = steps.check(files, run.pending, force)   # hash; unchanged files come back skipped
        for result in steps.extract(pending files):        # Steps: worker processes; the flow: Prefect tasks
            store(run, result)                             # always in this thread: RunWriter is not thread-safe
        run.commit()
        steps.publish(lake, db)                            # still under the lock: runs publish in turn

check_file and extract_file never raise for a bad input: whatever goes wrong becomes a failed
FileResult, recorded in ingest_log. What stops the run is the storage failing (run_level.RunFailed).
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import hashlib
import os
import secrets
import shutil
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import pyarrow as pa

from extractors.errors import ExtractionError, LimitExceeded
from extractors.records import extract_records
from extractors.records.fingerprint import text_minhash
from extractors.version import extractor_version
from extractors.registry import read_document, reader_for
from extractors.scratch import scratch_folders
from extractors.settings import env_int
from schemas.records import TABLES, DocumentRecord, IngestLogRecord, to_arrow

from .atomic import process_alive
from .lake import RECORD_TABLES, Lake, Manifest, RunWriter
from .plans import new_content_plans
from .progress import RunProgress, live
from .publish import publish
from .run_level import RunFailed, check_db_path, failing_as_run
from .sources import discover
from .workers import CPUS, WorkerPool, memory_cap_mb, tell_parent

EXTRACTED_TABLES = [t for t in RECORD_TABLES if t != "documents"]  # the lists on extract_records' result
PENDING = "pending"  # checked, to be extracted: never stored
MAX_SECONDS = env_int("VNPLAN_MAX_SECONDS", 900)  # per file; a 20-page scan OCRs in about a minute
LAKE_WRITE = "cannot write the lake"
HASH_THREADS = 4  # hashing is I/O: a few threads keep a network share busy


def new_run_id() -> str:
    """UTC time to the microsecond first, so that max(run_id) is the latest run; the random suffix
    keeps runs started at the same instant on different machines apart."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


# errnos that say the file itself is missing or off limits: trying again a second later changes nothing.
_PERMANENT_ERRNOS = {errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.ENAMETOOLONG,
                     errno.ELOOP}


def is_transient(error: BaseException) -> bool:
    """An I/O error from the operating system that may pass (EIO, ESTALE, ETIMEDOUT, EAGAIN... on a
    network share), as opposed to a missing or unreadable file, or a library's complaint about a
    file's content (an OSError without errno, as PIL raises for a truncated image)."""
    return isinstance(error, OSError) and error.errno is not None and error.errno not in _PERMANENT_ERRNOS


@dataclass
class FileResult:
    """The outcome of one file: for ok files, its document and records as Arrow tables."""
    source_path: str
    status: str  # pending (checked, not yet extracted), ok, skipped, failed
    started_at: dt.datetime
    duration_ms: int = 0
    sha256: str | None = None
    doc_id: str | None = None
    reader: str | None = None
    error: str | None = None
    document: DocumentRecord | None = None
    tables: dict[str, pa.Table] = field(default_factory=dict)
    # Compared with the lake before this run: new (path never ingested), changed (other bytes at a
    # known path), reextracted (same bytes, newer extractor or --force), unchanged.
    change: str | None = None
    # A failure that may pass (an I/O error of the storage, a lost task): the next run tries the
    # file again. Other failures are remembered by content (Manifest.failed) and not retried.
    transient: bool = False

    def log_record(self, run_id: str) -> IngestLogRecord:
        return IngestLogRecord(
            run_id=run_id, source_path=self.source_path, sha256=self.sha256, status=self.status,
            error=self.error, started_at=self.started_at, duration_ms=self.duration_ms,
            doc_id=self.doc_id if self.status != "failed" else None, reader=self.reader)


def check_file(path: Path | str, *, known: Manifest | None = None, force: bool = False,
               known_paths: dict[str, str] | None = None) -> FileResult:
    """Hash one file and decide: skipped when its content is already current in `known` with this
    extractor version (unless `force`), failed when unreadable or when the same content already
    failed with this extractor version (unless `force`), pending when it must be extracted.
    `known_paths` is known.by_source(), passed in when checking many files against one manifest."""
    path = Path(path)
    clock = time.monotonic()
    result = FileResult(source_path=str(path), status=PENDING, started_at=dt.datetime.now(dt.timezone.utc))
    try:
        result.sha256 = sha256_file(path)
    except OSError as e:
        result.status, result.error = "failed", _cannot_read(e)
    else:
        result.doc_id = result.sha256[:16]
        entry = known.docs.get(result.doc_id) if known else None
        failed = known.failed.get(result.doc_id) if known else None
        if entry is None and failed and failed.extractor_version == extractor_version() and not force:
            result.status, result.change = "failed", "unchanged"
            result.error = (f"{failed.error} [unchanged since it failed in run {failed.run_id}, so not read "
                            "again: replace the file, or re-run with --force]")
        elif entry is None:
            if known_paths is None:
                known_paths = known.by_source() if known else {}
            result.change = "changed" if os.path.abspath(path) in known_paths else "new"
        elif entry.extractor_version != extractor_version() or force:
            result.change = "reextracted"
        else:
            result.status, result.change = "skipped", "unchanged"
            if entry.source_key != os.path.abspath(path):
                result.error = _same_content_as(entry.source_path)
    result.duration_ms = round((time.monotonic() - clock) * 1000)
    return result


def check_files(files: Sequence[Path], known: Manifest | None, force: bool = False) -> list[FileResult]:
    """check_file for many files against one manifest, hashed in a few threads; in order."""
    known_paths = known.by_source() if known else {}
    if len(files) < 2:
        return [check_file(p, known=known, force=force, known_paths=known_paths) for p in files]
    with ThreadPoolExecutor(HASH_THREADS) as pool:
        return list(pool.map(lambda p: check_file(p, known=known, force=force, known_paths=known_paths), files))


def extract_file(checked: FileResult, *, raise_transient: bool = False) -> FileResult:
    """Read and extract a pending file (from check_file). Never raises for a bad input; with
    `raise_transient`, an I/O error that may pass (is_transient) is raised instead, for the
    caller to retry."""
    if checked.status != PENDING:
        return checked
    result = dataclasses.replace(checked, tables={})
    clock = time.monotonic()
    try:
        _extract(Path(result.source_path), result)
        result.status = "ok"
    except ExtractionError as e:
        result.transient = is_transient(e.__cause__)
        if raise_transient and result.transient:
            raise e.__cause__ from None
        result.status, result.error = "failed", str(e)
    result.duration_ms = checked.duration_ms + round((time.monotonic() - clock) * 1000)
    return result


def _extract(path: Path, result: FileResult) -> None:
    stage = "reader selection"
    try:
        reader = reader_for(path)
        result.reader = stage = reader.name
        tell_parent(reader.name)  # in a worker: kept for the file's record should the worker die
        doc = read_document(path, reader)
        stage = "extract_records"
        extracted = extract_records(doc, result.doc_id)
        metadata = {f.name: getattr(extracted.metadata, f.name) for f in dataclasses.fields(extracted.metadata)}
        result.document = DocumentRecord(
            doc_id=result.doc_id, source_path=str(path), source_format=doc.source_format, sha256=result.sha256,
            page_count=doc.page_count, ocr_used=doc.ocr_used, ocr_confidence=doc.ocr_confidence,
            extractor_version=extractor_version(), text_minhash=text_minhash(doc.text()),
            ingested_at=dt.datetime.now(dt.timezone.utc), **metadata)
        # Converting here, per file, pins a record of the wrong type on the file that produced it.
        result.tables = {t: to_arrow(TABLES[t], getattr(extracted, t)) for t in EXTRACTED_TABLES}
    except ExtractionError:
        raise
    except MemoryError:
        raise LimitExceeded(f"reading needed more memory than VNPLAN_MAX_MEMORY_MB={memory_cap_mb()} allows: the file "
                            "may be malformed or very large; split it or raise the limit") from None
    except Exception as e:
        if isinstance(e, OSError) and e.errno is not None:  # the system's, not a library's complaint about content
            raise ExtractionError(_cannot_read(e)) from e
        where = traceback.extract_tb(e.__traceback__)[-1]
        raise ExtractionError(f"internal error in {stage}: {type(e).__name__}: {e} "
                              f"(at {Path(where.filename).name}:{where.lineno})") from e


def _cannot_read(e: OSError) -> str:
    return f"cannot read the file: {e.strerror or e}; check that it exists and is readable"


def _same_content_as(first_path: str) -> str:
    return f"same content as {first_path}: its records are kept once, under that path"


def store(run: RunWriter, result: FileResult) -> FileResult:
    """Add one file's outcome to the run: its records if ok, and its ingest_log row.
    A second file with content already stored in this run is logged as skipped."""
    if result.status == PENDING:
        raise ValueError(f"{result.source_path} was checked but never extracted")
    if result.status == "ok" and result.doc_id in run.stored:
        first = run.pending.docs[result.doc_id].source_path
        result = dataclasses.replace(result, status="skipped", document=None, tables={}, error=_same_content_as(first))
    if result.status == "ok":
        run.add_document(result.document, result.tables)
    elif result.status == "failed" and result.doc_id and result.change != "unchanged" and not result.transient:
        run.remember_failure(result.doc_id, result.source_path, extractor_version(), result.error)
    run.log(result.log_record(run.run_id))
    return result


@dataclass(frozen=True)
class FileOutcome:
    """What a run report says about one file (a FileResult without its records)."""
    source_path: str
    status: str
    change: str | None
    duration_ms: int
    reader: str | None = None
    error: str | None = None
    doc_id: str | None = None


@dataclass
class RunResult:
    run_id: str
    db: Path
    lake: Path | None = None
    ok: int = 0
    skipped: int = 0
    failed: int = 0
    records: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RECORD_TABLES, 0))  # new rows this run
    failures: list[tuple[str, str]] = field(default_factory=list)  # (source_path, error)
    published: dict[str, int] = field(default_factory=dict)  # rows per table in the published DuckDB file
    files: list[FileOutcome] = field(default_factory=list)  # every file, in the order they were stored
    # Seconds spent in each step: discover, lock (waiting for another writer), hash, extract, commit,
    # publish, total (all of them). The flow adds report; the CLI adds prefect_start.
    timings: dict[str, float] = field(default_factory=dict)
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    report: Path | None = None  # the run report's Markdown file, when one was written (the flow)
    runs: list[str] = field(default_factory=list)  # the lake runs written: run_id, then one per checkpoint
    # What the files of new content (new and changed) were: new_plans (plans none of whose copies was in the
    # database before), new_plan_files (their files), known_plan_files (copies of plans already there).
    plans: dict[str, int] = field(default_factory=dict)

    def count(self, result: FileResult) -> None:
        setattr(self, result.status, getattr(self, result.status) + 1)
        self.files.append(FileOutcome(result.source_path, result.status, result.change, result.duration_ms,
                                      result.reader, result.error, result.doc_id))
        if result.status == "failed":
            self.failures.append((result.source_path, result.error))
        elif result.status == "ok":
            self.records["documents"] += 1
            for table, rows in result.tables.items():
                self.records[table] += rows.num_rows

    @contextlib.contextmanager
    def timed(self, step: str) -> Iterator[None]:
        clock = time.monotonic()
        try:
            yield
        finally:
            self.timings[step] = round(self.timings.get(step, 0.0) + time.monotonic() - clock, 3)


class Steps:
    """How a run executes its steps: here files are read by `processes` worker processes, each file
    under the time and memory limits (pipeline/workers.py), or with 0, one after the other in this
    process, without limits. The Prefect flow passes a subclass running them as tasks; run_ingest's
    sequence around them is the same."""

    def __init__(self, processes: int = CPUS):
        self.processes = processes

    def check(self, files: Sequence[Path], known: Manifest, force: bool) -> list[FileResult]:
        return check_files(files, known, force)

    def extract(self, pending: Sequence[FileResult]) -> Iterable[FileResult]:
        """Extract the pending files; results may come in any order, and are stored as they come."""
        if self.processes < 1:
            for checked in pending:
                self.started(checked)
                yield extract_file(checked)
            return
        pool = WorkerPool(min(self.processes, len(pending)), extract_file, max_seconds=MAX_SECONDS,
                          on_start=self.started)
        yield from pool.map(pending)  # stops its processes when done, before the lake is committed

    def started(self, checked: FileResult) -> None:
        """Called as a file starts being read, from the thread handing it to a worker (progress)."""

    def stored(self, result: FileResult) -> None:
        """Called after each file's outcome is stored (progress)."""

    def publish(self, lake: Lake, db: Path) -> dict[str, int]:
        return publish(lake, db)


def run_ingest(paths: Iterable[Path | str], db: Path | str, lake: Path | str | Lake, *, force: bool = False,
               wait: float | None = None, steps: Steps | None = None, run_id: str | None = None,
               checkpoint_files: int | None = None, checkpoint_seconds: float | None = None,
               exclude: Iterable[Path | str] = ()) -> RunResult:
    """The ingest sequence, shared by `vnplan ingest` and the nightly flow.

    The run's batch is committed to the lake whole at the end, unless checkpoint_files or
    checkpoint_seconds is given: then it is committed each time that many files were extracted or
    that many seconds passed, and goes on as a new lake run (RunResult.runs lists them), so that a
    long import killed midway keeps all but its last part. The database is published once, at the end.
    Files under `exclude` are not read, nor those of the lake and the database.
    Raises sources.InputNotFound, before doing anything, when a path does not exist,
    lake.LakeBusy when another run holds the lake for more than `wait` seconds, and
    run_level.RunFailed when the run cannot go on (the database's folder or the lake cannot be
    written, the disk is full): before reading any file when the database's path is wrong."""
    steps = steps or Steps()
    lake = lake if isinstance(lake, Lake) else Lake(lake)
    db = Path(db)
    summary = RunResult(run_id=run_id or new_run_id(), db=db, lake=lake.root)
    with summary.timed("total"):
        with summary.timed("discover"):
            files = discover(paths, exclude=[lake.root, db, *exclude])
            check_db_path(db)  # before any file is read: a folder named as --db, a read-only folder...
            sweep_scratch()
        with summary.timed("lock"), failing_as_run(lake.root, LAKE_WRITE):
            run = lake.begin_run(summary.run_id, wait=wait)
        summary.runs.append(run.run_id)
        try:
            with summary.timed("hash"):
                checked = steps.check(files, run.pending, force)
            pending = []
            for result in checked:
                if result.status == PENDING:
                    pending.append(result)
                else:
                    _add(run, summary, steps, result)
            with summary.timed("extract"):
                since, clock = 0, time.monotonic()
                for result in steps.extract(pending):
                    _add(run, summary, steps, result)
                    since += 1
                    if ((checkpoint_files and since >= checkpoint_files)
                            or (checkpoint_seconds and time.monotonic() - clock >= checkpoint_seconds)):
                        with failing_as_run(lake.root, LAKE_WRITE):
                            run = run.checkpoint(new_run_id())
                        summary.runs.append(run.run_id)
                        since, clock = 0, time.monotonic()
            with summary.timed("commit"), failing_as_run(lake.root, LAKE_WRITE):
                run.commit(release=False)
            # Under the lock: a slower run's older build never replaces a newer run's published file.
            with summary.timed("publish"), failing_as_run(db, "cannot publish"):
                summary.published = steps.publish(lake, db)
                summary.plans = new_content_plans(db, [f.doc_id for f in summary.files
                                                       if f.status == "ok" and f.change in ("new", "changed")])
        finally:
            run.close()  # aborts the run unless committed, and releases the lock
    return summary


def sweep_scratch() -> None:
    """Remove the conversion folders that workers killed in earlier runs left (extractors/scratch.py)."""
    for pid, folder in scratch_folders():
        if not process_alive(pid):
            shutil.rmtree(folder, ignore_errors=True)


def _add(run: RunWriter, summary: RunResult, steps: Steps, result: FileResult) -> None:
    try:
        with failing_as_run(run.lake.root, LAKE_WRITE):  # the storage itself: disk full, permissions
            result = store(run, result)
    except RunFailed:
        raise
    except Exception as e:  # one file's records the storage refused: that file fails, the run goes on
        result = dataclasses.replace(result, status="failed", document=None, tables={}, transient=False,
                                     error=f"its records could not be stored: {type(e).__name__}: {e}")
        run.log(result.log_record(run.run_id))
    summary.count(result)
    steps.stored(result)


class ProgressSteps(Steps):
    """Steps that tell a progress.RunProgress what the run is doing."""

    def __init__(self, progress: RunProgress, processes: int = CPUS):
        super().__init__(processes)
        self.progress = progress

    def check(self, files, known, force):
        self.progress.found(len(files))
        checked = super().check(files, known, force)
        self.progress.extracting(sum(r.status == PENDING for r in checked))
        return checked

    def started(self, checked):
        self.progress.started(checked.source_path)

    def stored(self, result):
        self.progress.stored(result.source_path, extracted=result.change not in (None, "unchanged"))

    def publish(self, lake, db):
        self.progress.publishing(str(db))
        return super().publish(lake, db)


def ingest(paths: Iterable[Path | str], db: Path | str, lake: Path | str | Lake, *, progress: bool = True,
           force: bool = False, wait: float | None = None, processes: int = CPUS) -> RunResult:
    """Ingest files and folders into the lake and publish the DuckDB file, the files read by
    `processes` worker processes (0: in this process, without time and memory limits).
    Raises sources.InputNotFound, before doing anything, when a path does not exist."""
    with live(RunProgress(), enabled=progress) as shown:
        return run_ingest(paths, db, lake, force=force, wait=wait, steps=ProgressSteps(shown, processes))
