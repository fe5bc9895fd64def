"""The worker pool that reads files (pipeline/workers.py), with stand-ins for extract_file that
act by the file's name: they run in the spawned workers, so they live at module level here."""
from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import os
import time
from pathlib import Path

import pytest

from pipeline.ingest import FileResult
from pipeline.workers import WorkerPool


def pending(*names: str) -> list[FileResult]:
    return [FileResult(source_path=f"/inbox/{n}", status="pending", started_at=dt.datetime.now(dt.timezone.utc))
            for n in names]


def by_name(checked: FileResult, raise_transient: bool = False) -> FileResult:
    """slow*: sleeps a minute; flaky*: a transient I/O error; anything else: ok, its reader the worker's pid."""
    name = Path(checked.source_path).name
    if name.startswith("slow"):
        time.sleep(60)
    if name.startswith("flaky") and raise_transient:
        raise OSError(errno.EIO, "Input/output error", checked.source_path)
    time.sleep(0.05)
    return dataclasses.replace(checked, status="ok", reader=str(os.getpid()))


def test_a_file_over_the_time_limit_is_stopped_and_the_next_gets_a_new_worker():
    pool = WorkerPool(1, by_name, max_seconds=2)
    started = time.monotonic()
    results = list(pool.map(pending("slow.pdf", "a.docx")))
    assert time.monotonic() - started < 20
    assert [(Path(r.source_path).name, r.status) for r in results] == [("slow.pdf", "failed"), ("a.docx", "ok")]
    assert results[0].error.startswith("reading took longer than 2 s (VNPLAN_MAX_SECONDS) and was stopped")


def test_no_more_workers_than_its_size_and_every_file_once():
    names = [f"{i}.html" for i in range(12)]
    results = list(WorkerPool(2, by_name, max_seconds=60).map(pending(*names)))
    assert sorted(Path(r.source_path).name for r in results) == sorted(names)
    assert all(r.status == "ok" for r in results)
    assert len({r.reader for r in results}) == 2  # the two workers, each reading several files


def test_a_transient_error_reaches_the_caller_for_a_retry():
    with WorkerPool(1, by_name, max_seconds=60) as pool:
        with pytest.raises(OSError) as raised:
            pool.extract(pending("flaky.pdf")[0], raise_transient=True)
        assert raised.value.errno == errno.EIO
        assert pool.extract(pending("b.pdf")[0]).status == "ok"  # the worker goes on
