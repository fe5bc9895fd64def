"""The nightly ingest as a Prefect flow: the same run as `vnplan ingest` (ingest.run_ingest), with
each file's extraction as its own Prefect task, and a run report.

    nightly_ingest(inbox, db, lake)
      discover ─ lock the lake ─ hash files (task) ─ extract each new or changed file (one task
      per file, run by the flow's task runner) ─ store each result as it arrives ─ commit ─
      publish (task) ─ report (Markdown + table artifacts, REPORTS/<run_id>.md and .json)

What is current is decided by the lake's manifest, never by Prefect's cache: tasks neither cache
nor persist results, so the Prefect database can be wiped without changing what a run does.

A file's failure never fails the run: a bad file comes back as a failed FileResult (ingest_log
has its error). Only transient I/O errors (ingest.is_transient) are retried, RETRIES times; a
task that still fails, or crashes (a Dask worker lost), is recorded as a failed file too.

Task runners: by default a thread pool whose tasks hand the CPU-bound extraction to the worker
processes of `vnplan ingest` (`processes`, default one per core; pipeline/workers.py): threads
alone share one core, and there each file runs under the time and memory limits, so a reader
that hangs or crashes costs its file, not the run. With `vnplan nightly --dask-address`,
prefect-dask's DaskTaskRunner runs the tasks on a Dask cluster instead, in the Dask workers'
threads; there each task hands its file to an extraction process of the Dask worker's own
(workers.shared_pool), under the time and memory limits of the machine that started the run.
"""
from __future__ import annotations

from . import prefect_env

prefect_env.configure()  # before Prefect reads the environment

import contextlib  # noqa: E402
import dataclasses  # noqa: E402
import os  # noqa: E402
import queue  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Iterable, Iterator, Sequence  # noqa: E402

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.artifacts import create_markdown_artifact, create_table_artifact  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.context import FlowRunContext  # noqa: E402
from prefect.states import Failed  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from schemas.records import utf8_text  # noqa: E402

from . import report  # noqa: E402
from .ingest import (MAX_SECONDS, FileResult, ProgressSteps, RunResult, check_files, extract_file,  # noqa: E402
                     is_transient, run_ingest)
from .lake import Lake, LakeBusy, Manifest  # noqa: E402
from .progress import RunProgress  # noqa: E402
from .publish import publish  # noqa: E402
from .run_level import ReportFailed, RunFailed, check_folder, failing_as_run  # noqa: E402
from .workers import CPUS, MAX_MEMORY_MB, WorkerPool, shared_pool  # noqa: E402

DEFAULT_DB = "data/plans.duckdb"
DEFAULT_LAKE = "data/lake"
DEFAULT_WAIT_S = 600.0  # how long a run waits for another run holding the lake before giving up
RETRIES = 2
RETRY_DELAYS_S = [2, 10]
LOCAL_IN_FLIGHT = 2 * CPUS  # tasks submitted ahead on the local runner: results wait in memory, so few
REMOTE_IN_FLIGHT = 256  # on a cluster: enough to keep many workers busy, bounded for memory
CHECKPOINT_FILES, CHECKPOINT_SECONDS = 500, 600.0  # a killed backlog import loses at most this much


def _retry_transient(task, task_run, state) -> bool:
    try:
        state.result()
    except Exception as e:
        return is_transient(e)
    return False


@task(name="hash files", cache_policy=NO_CACHE, persist_result=False)
def hash_files(files: Sequence[Path], known: Manifest, force: bool = False) -> list[FileResult]:
    """Hash every file; the unchanged ones come back skipped, the others pending."""
    return check_files(files, known, force)


@task(name="extract", task_run_name="extract {name}", cache_policy=NO_CACHE, persist_result=False,
      retries=RETRIES, retry_delay_seconds=RETRY_DELAYS_S, retry_condition_fn=_retry_transient)
def extract(checked: FileResult, name: str = "", limits: tuple[float, int] | None = None) -> FileResult:
    """Read and extract one file: in the flow run's extraction processes, else, given `limits`
    (max seconds, max memory MB), in an extraction process of the process running this task (a
    Dask worker) under those limits, else here. Raises only a transient I/O error, for Prefect to
    retry."""
    processes = _processes
    if processes is None and limits is not None:
        processes = shared_pool(extract_file, max_seconds=limits[0], max_memory_mb=limits[1])
    if processes is not None:
        return processes.extract(checked, raise_transient=True)
    return extract_file(checked, raise_transient=True)


@task(name="publish", cache_policy=NO_CACHE, persist_result=False)
def publish_db(lake: Lake, db: Path) -> dict[str, int]:
    """Publish; a storage failure (a full disk) fails the task with its one-line message as the
    state's, instead of Prefect's traceback of an exception, and is raised to the flow as RunFailed."""
    try:
        with failing_as_run(db, "cannot publish"):
            return publish(lake, db)
    except RunFailed as e:
        return Failed(message=str(e), data=e)


_processes: WorkerPool | None = None  # the extraction processes of the flow run going on in this process


# The progress display of the `vnplan nightly` that runs the flow in this process (pipeline/progress.py).
shown_progress: RunProgress | None = None


def _shown_progress() -> RunProgress | None:
    """shown_progress, read through a function: on a Dask cluster Prefect pickles the flow's
    function with the globals it names, and a live display (its lock) cannot be pickled."""
    return shown_progress


@contextlib.contextmanager
def _extraction_processes(count: int, on_start) -> Iterator[bool]:
    """Yields whether the files go to worker processes here (which call on_start as they take one)."""
    global _processes
    if count < 1 or not isinstance(FlowRunContext.get().task_runner, ThreadPoolTaskRunner):
        yield False  # in the task threads; on a Dask cluster, its worker processes
        return
    _processes = WorkerPool(count, extract_file, max_seconds=MAX_SECONDS, on_start=on_start)
    try:
        yield True
    finally:
        processes, _processes = _processes, None
        processes.close()


class PrefectSteps(ProgressSteps):
    """run_ingest's steps as Prefect tasks; results are stored in the flow's thread as they arrive."""

    def __init__(self, in_flight: int, processes: int, remote: bool, progress: RunProgress | None = None):
        super().__init__(progress or RunProgress(), processes)
        self.in_flight = in_flight
        # Tasks run elsewhere (a Dask cluster) take this run's limits with them.
        self.limits = (MAX_SECONDS, MAX_MEMORY_MB) if remote else None
        self.logger = get_run_logger()

    def check(self, files, known, force):
        self.logger.info("%d files found; hashing", len(files))
        self.progress.found(len(files))
        checked = hash_files(quote(list(files)), quote(known), force)
        todo = sum(r.status == "pending" for r in checked)
        self.progress.extracting(todo)
        self.logger.info("%d to extract, %d unchanged, %d unreadable", todo,
                         sum(r.status == "skipped" for r in checked), sum(r.status == "failed" for r in checked))
        return checked

    def extract(self, pending: Sequence[FileResult]) -> Iterable[FileResult]:
        done: queue.SimpleQueue = queue.SimpleQueue()
        waiting = iter(pending)
        running: dict = {}

        def submit_next() -> None:
            checked = next(waiting, None)
            if checked is not None:
                if not pooled:  # on a cluster or in the task threads: counted from when it is handed over
                    self.started(checked)
                future = extract.submit(checked, name=utf8_text(Path(checked.source_path).name), limits=self.limits)
                running[future] = checked
                future.add_done_callback(done.put)

        with _extraction_processes(min(self.processes, len(pending)), self.started) as pooled:
            for _ in range(self.in_flight):
                submit_next()
            while running:
                future = done.get()
                checked = running.pop(future)
                submit_next()
                yield self._outcome(future, checked)

    def _outcome(self, future, checked: FileResult) -> FileResult:
        try:
            result = future.result()
        except Exception as e:  # retries exhausted, or the task crashed: this file failed, the run goes on
            if is_transient(e):
                error = (f"cannot read the file after {RETRIES + 1} attempts: {e}; check the storage, "
                         "the next run tries again")
            else:
                error = f"the extraction task failed: {type(e).__name__}: {e}"
            result = dataclasses.replace(checked, status="failed", error=error, tables={}, transient=True)
        if result.status == "failed":
            self.logger.warning("failed: %s: %s", utf8_text(result.source_path), utf8_text(result.error))
        return result

    def publish(self, lake, db):
        self.progress.publishing(str(db))
        counts = publish_db(lake, db, return_state=True).result()  # raises the RunFailed of a failed publish
        self.logger.info("published %s: %s", db, ", ".join(f"{t} {n}" for t, n in counts.items()))
        return counts


@flow(name="nightly-ingest", task_runner=ThreadPoolTaskRunner(max_workers=CPUS), persist_result=False,
      log_prints=False)
def nightly_ingest(inbox: str, db: str = DEFAULT_DB, lake: str = DEFAULT_LAKE, reports: str | None = None,
                   force: bool = False, wait: float | None = DEFAULT_WAIT_S, processes: int | None = None,
                   in_flight: int | None = None, checkpoint_files: int | None = CHECKPOINT_FILES,
                   checkpoint_seconds: float | None = CHECKPOINT_SECONDS) -> RunResult:
    """Ingest the inbox folder (recursively) into the lake, publish the DuckDB file, report.

    inbox, db, lake: paths, relative to the working directory; the inbox's files are recorded
    under their absolute paths. reports: the report folder (default: `reports` next to the db).
    force: re-extract unchanged files. wait: seconds to wait for another run holding the lake
    (None: no limit). processes: extraction processes on the local runner (default one per core,
    at most one per file to extract; 0: in the task threads, no isolation). in_flight:
    tasks submitted ahead of their results. checkpoint_files, checkpoint_seconds: commit the
    lake every that many extracted files or seconds, so that a long import killed midway keeps
    what it had done (None: once, at the end); the database is published at the end.
    """
    logger = get_run_logger()
    inbox_path = os.path.abspath(inbox)  # tasks may run elsewhere: on a Dask worker, in another directory
    reports_dir = Path(reports) if reports else report.default_reports_dir(db)
    remote = not isinstance(FlowRunContext.get().task_runner, ThreadPoolTaskRunner)
    steps = PrefectSteps(in_flight or (REMOTE_IN_FLIGHT if remote else LOCAL_IN_FLIGHT),
                         CPUS if processes is None else processes, remote, _shown_progress())
    try:
        check_folder(reports_dir, "cannot write the run report")  # before the run, not after publishing
        result = run_ingest([inbox_path], db, lake, force=force, wait=wait, steps=steps,
                            checkpoint_files=checkpoint_files, checkpoint_seconds=checkpoint_seconds,
                            exclude=[reports_dir, prefect_env.home()])  # an inbox may hold them: `--inbox .`
    except (LakeBusy, RunFailed) as e:  # expected ways to fail: the message says it all, no traceback
        logger.error("%s", e)
        return Failed(message=str(e), data=e)
    with result.timed("report"):
        try:
            with failing_as_run(reports_dir, f"published {db}, but cannot write the run report to"):
                text = report.markdown(result, inbox=inbox_path)
                path = report.write(result, reports_dir, inbox=inbox_path, text=text)
        except RunFailed as e:  # the disk filled up after publishing: the database is the new one
            failure = ReportFailed(str(e))
            logger.error("%s", failure)
            return Failed(message=str(failure), data=failure)
        create_markdown_artifact(markdown=text, key="vnplan-run-report",
                                 description=f"vnplan run {result.run_id}: files, rows per table, failures")
        create_table_artifact(table=report.table(result, inbox=inbox_path) or [{"file": "(no file was read)"}],
                              key="vnplan-run-files",
                              description=f"vnplan run {result.run_id}: each file read, failures first, then slowest")
    logger.info("run %s: %d ok, %d unchanged, %d failed; report %s", result.run_id, result.ok, result.skipped,
                result.failed, path)
    result.report = path
    return result


def dask_runner(address: str):
    """prefect-dask's task runner on the Dask scheduler at `address` (tcp://host:8786)."""
    from prefect_dask import DaskTaskRunner

    return DaskTaskRunner(address=address)


def drain_prefect(timeout: float = 10) -> None:
    """Send the logs and events still queued in this process to the API (before its server stops)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=timeout)
    EventsWorker.drain_all(timeout=timeout)
