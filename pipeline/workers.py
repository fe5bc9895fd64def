"""Extraction in worker processes, each file under a wall-time and a memory limit.

Files are read by a few long-lived worker processes (one per core by default), for two reasons:
Python code runs on one core per process, and a file can only be stopped safely from outside the
process reading it. Each worker

- is stopped together with every process it started (Tesseract, LibreOffice in a session of its own);
- has its data segment capped (RLIMIT_DATA, VNPLAN_MAX_MEMORY_MB): an allocation beyond the cap fails
  inside the worker, in Python as a MemoryError that becomes the file's error, in native code as a
  crash of that worker only, and children it starts inherit the cap;
- is killed when one file takes longer than VNPLAN_MAX_SECONDS, even inside native code that never
  returns to Python, and replaced for the next file;
- exits when the process that started it is gone, even killed by SIGKILL.

A worker that dies or is killed costs only its own file, recorded as failed with the reason, the
time it ran and what the worker noted about the file before (tell_parent: its reader).
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import multiprocessing
import os
import resource
import signal
import threading
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator

from extractors.settings import env_int

MAX_MEMORY_MB = env_int("VNPLAN_MAX_MEMORY_MB", 1024)  # per worker; 0: no cap
CPUS = os.cpu_count() or 1
STARTUP_SECONDS = 300  # for a new worker's imports, not counted in any file's time limit


_to_parent = None  # in a worker process: its end of the pipe, for tell_parent


def memory_cap_mb() -> int:
    """The memory cap this process runs under, in MB: a worker's is its pool's (on a Dask worker,
    the run's limit, which may differ from this machine's VNPLAN_MAX_MEMORY_MB); elsewhere that."""
    cap = resource.getrlimit(resource.RLIMIT_DATA)[0]
    return MAX_MEMORY_MB if cap == resource.RLIM_INFINITY else cap // 2**20


def tell_parent(note: str) -> None:
    """In a worker: tell the parent something about the file being read (its reader, once sniffed),
    for the record if this process dies or is killed before it answers. Elsewhere: nothing."""
    if _to_parent is not None:
        _to_parent.send(("note", note))


def _serve(conn, parent: int, memory_bytes: int, function: Callable) -> None:
    """A worker's life: read files sent by the parent until the pipe closes."""
    global _to_parent
    _to_parent = conn
    os.setpgrp()  # out of the terminal's process group: Ctrl-C is the parent's to handle
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(1)
        kill_tree(os.getpid())
    threading.Thread(target=watch_parent, daemon=True).start()

    conn.send(("ready", None))  # imports done: from now on the time is the file's
    while True:
        try:
            checked, raise_transient = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("result", function(checked, raise_transient=raise_transient)))
        except Exception as e:  # only what `function` lets through: a transient I/O error, for a retry
            conn.send(("error", e))


def kill_tree(pid: int) -> None:
    """SIGKILL a process and all its descendants, whatever process group or session they moved to
    (LibreOffice takes a session of its own), the deepest first and `pid` last."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])  # the name, in (), may hold spaces
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        children.setdefault(ppid, []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        tree.append(todo.pop())
        todo.extend(children.get(tree[-1], ()))
    for member in reversed(tree):
        try:
            os.kill(member, signal.SIGKILL)
        except ProcessLookupError:
            pass


class _Lost(Exception):
    """A worker stopped answering: killed for its time, or died; `note` is its last tell_parent,
    `seconds` the time the file was in its hands."""

    def __init__(self, message: str, note: str | None = None, seconds: float = 0.0):
        super().__init__(message)
        self.note, self.seconds = note, seconds


class _Worker:
    def __init__(self, context, memory_bytes: int, function: Callable):
        self.memory_bytes = memory_bytes
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, os.getpid(), memory_bytes, function),
                                       name="vnplan-extract", daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def run(self, checked, raise_transient: bool, seconds: float):
        if not self.ready:
            self._wait_ready()
        self.conn.send((checked, raise_transient))
        started = time.monotonic()
        deadline = started + seconds if seconds > 0 else None
        note = None
        while True:
            # A worker stopped (SIGSTOP) or stuck in native code is caught here too: it never answers.
            if not self.conn.poll(None if deadline is None else max(0.0, deadline - time.monotonic())):
                self.kill()
                raise _Lost(f"reading took longer than {seconds:g} s (VNPLAN_MAX_SECONDS) and was stopped: the "
                            "file may be malformed or very large; split it or raise the limit", note,
                            time.monotonic() - started)
            try:
                kind, value = self.conn.recv()
            except (EOFError, OSError):
                self.process.join()
                raise _Lost(self._died(), note, time.monotonic() - started) from None
            if kind == "note":
                note = value
            elif kind == "error":
                raise value
            else:
                return value

    def _wait_ready(self) -> None:
        """Wait for a new worker's imports (seconds on a busy machine), which no file's time limit counts."""
        try:
            if not self.conn.poll(STARTUP_SECONDS):
                self.kill()
                raise _Lost(f"the extraction process did not start within {STARTUP_SECONDS} s: the machine "
                            "may be overloaded")
            self.conn.recv()
        except (EOFError, OSError):
            self.process.join()
            raise _Lost(self._died()) from None
        self.ready = True

    def kill(self) -> None:
        """Stop it now, with whatever it started; its thread in run() then sees the pipe close."""
        kill_tree(self.process.pid)
        self.process.join()

    def stop(self) -> None:
        """Let an idle worker go: it returns when its pipe closes."""
        self.conn.close()
        self.process.join(5)
        if self.process.is_alive():
            self.kill()

    def _died(self) -> str:
        code = self.process.exitcode
        how = f"signal {signal.Signals(-code).name}" if code and code < 0 else f"exit code {code}"
        return (f"the extraction process died while reading this file ({how}): a crash in a reader's native "
                f"library, or more memory than VNPLAN_MAX_MEMORY_MB={self.memory_bytes // 2**20}; check the "
                "file, or split it")


class WorkerPool:
    """`size` worker processes, started as files arrive, each calling `function(checked,
    raise_transient=...)` (ingest.extract_file, or a stand-in in tests: picklable by reference) on
    the FileResults sent to it. extract() is thread-safe and blocks until its file is read; map()
    reads many files, yielding the results as they finish."""

    def __init__(self, size: int, function: Callable, *, max_seconds: float, max_memory_mb: int = MAX_MEMORY_MB,
                 on_start: Callable | None = None):
        self.size = max(1, size)
        self.on_start = on_start  # called with each file as a worker takes it (the progress display)
        self.function = function
        self.max_seconds = max_seconds
        self.memory_bytes = max_memory_mb * 2**20
        # spawn: a fork of a process running threads (Prefect's, the progress bar's) could inherit a held lock.
        self.context = multiprocessing.get_context("spawn")
        self.idle: list[_Worker] = []
        self.busy: set[_Worker] = set()
        self.slots = threading.BoundedSemaphore(self.size)  # callers beyond `size` wait for a worker
        self.lock = threading.Lock()
        self.closed = False

    def extract(self, checked, raise_transient: bool = False):
        """function(checked) in a worker; a worker lost on the way gives `checked` failed, with the
        reason, the reader it noted (tell_parent) and the time it took. With `raise_transient`, a
        transient I/O error is raised here, for the caller to retry."""
        with self.slots:
            worker = self._take()
            if self.on_start:
                self.on_start(checked)
            try:
                return worker.run(checked, raise_transient, self.max_seconds)
            except _Lost as e:
                return dataclasses.replace(checked, status="failed", error=str(e), tables={},
                                           reader=e.note or checked.reader,
                                           duration_ms=checked.duration_ms + round(e.seconds * 1000))
            finally:
                self._give_back(worker)

    def map(self, pending: Iterable) -> Iterator:
        """extract() for each file, `size` at a time; results in the order they finish. A file more
        per worker waits its turn, so that a worker goes on while the caller stores a result."""
        threads = concurrent.futures.ThreadPoolExecutor(self.size, thread_name_prefix="vnplan-extract")
        waiting, running = iter(pending), set()
        try:
            for checked in waiting:
                running.add(threads.submit(self.extract, checked))
                if len(running) < 2 * self.size:
                    continue
                done, running = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
                yield from (future.result() for future in done)
            for future in concurrent.futures.as_completed(running):
                yield future.result()
        finally:
            self.close()  # a busy worker is stopped, so that its thread returns
            threads.shutdown(wait=True, cancel_futures=True)

    def _take(self) -> _Worker:
        with self.lock:
            if self.closed:
                raise RuntimeError("the worker pool is closed")
            worker = self.idle.pop() if self.idle else _Worker(self.context, self.memory_bytes, self.function)
            self.busy.add(worker)
            return worker

    def _give_back(self, worker: _Worker) -> None:
        with self.lock:
            self.busy.discard(worker)
            if worker.process.is_alive() and not self.closed:
                self.idle.append(worker)
                return
        worker.stop()

    def close(self) -> None:
        with self.lock:
            self.closed = True
            workers, busy, self.idle = [*self.idle, *self.busy], set(self.busy), []
        for worker in workers:
            if worker in busy:
                worker.kill()  # its thread in extract() then gives it back, and it is let go there
            else:
                worker.stop()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_shared: dict[tuple, WorkerPool] = {}
_shared_lock = threading.Lock()


def shared_pool(function: Callable, *, max_seconds: float, max_memory_mb: int) -> WorkerPool:
    """A pool for the life of this process, one per function and limits, at most one worker per
    core: for a long-lived process that runs files for others (a Dask worker), so that each file
    is read under the limits its run was given. Its workers go when this process does."""
    key = (function, max_seconds, max_memory_mb)
    # A Dask worker runs as a daemonic process (distributed.worker.daemon), which multiprocessing
    # forbids to start processes, lest they outlive it; ours cannot (they watch their parent, _serve).
    multiprocessing.current_process()._config["daemon"] = False
    with _shared_lock:
        if key not in _shared:
            _shared[key] = WorkerPool(CPUS, function, max_seconds=max_seconds, max_memory_mb=max_memory_mb)
        return _shared[key]
