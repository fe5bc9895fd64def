"""The worker pool that reads files (pipeline/workers.py), with stand-ins for extract_file that
act by the file's name: they run in the spawned workers, so they live at module level here."""
from __future__ import annotations

import dataclasses
import datetime as dt
import errno
import os
import signal
import time
from pathlib import Path

import pytest

from pipeline.ingest import FileResult
from pipeline import report
from pipeline.ingest import RunResult
from pipeline.workers import WorkerPool, tell_parent


def pending(*names: str) -> list[FileResult]:
    return [FileResult(source_path=f"/inbox/{n}", status="pending", started_at=dt.datetime.now(dt.timezone.utc))
            for n in names]


# A stand-in that notes its reader (the file's extension), reads for half a second, then gets this signal.
SIGNALS = {"killed": signal.SIGKILL, "segfault": signal.SIGSEGV, "stopped": signal.SIGSTOP}


def by_name(checked: FileResult, raise_transient: bool = False) -> FileResult:
    """slow*: sleeps a minute; flaky*: a transient I/O error; killed*, segfault*, stopped*: SIGNALS;
    anything else: ok, its reader the worker's pid."""
    name = Path(checked.source_path).name
    if name.split(".")[0] in SIGNALS:
        tell_parent(Path(name).suffix[1:])
        time.sleep(0.5)
        os.kill(os.getpid(), SIGNALS[name.split(".")[0]])
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


@pytest.mark.parametrize("name, reason", [
    ("killed.doc", "died while reading this file (signal SIGKILL)"),
    ("segfault.pdf", "died while reading this file (signal SIGSEGV)"),
    ("stopped.html", "reading took longer than 2 s (VNPLAN_MAX_SECONDS) and was stopped")])
def test_a_worker_that_dies_or_is_stopped_is_recorded_with_its_reader_and_time(name, reason, tmp_path):
    with WorkerPool(1, by_name, max_seconds=2) as pool:
        clock = time.monotonic()
        lost = pool.extract(pending(name)[0])
        elapsed_ms = (time.monotonic() - clock) * 1000
        quick = pool.extract(pending("quick.txt")[0])
    assert (lost.status, lost.reader) == ("failed", Path(name).suffix[1:])  # the reader it was reading with
    assert reason in lost.error
    assert (2000 if name.startswith("stopped") else 500) <= lost.duration_ms <= elapsed_ms + 1
    assert lost.log_record("r1").reader == lost.reader  # what ingest_log gets
    result = RunResult(run_id="r1", db=tmp_path / "plans.duckdb")
    for outcome in (quick, lost):
        result.count(outcome)
    assert report.slowest(result)[0].source_path == lost.source_path
    assert (f"| /inbox/{name} | {lost.reader} | {lost.duration_ms / 1000:.2f} | failed |"
            in report.markdown(result))


def test_the_folder_of_a_killed_doc_conversion_is_swept_by_the_next_run(tmp_path):
    import shutil
    import subprocess
    import sys

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed for .doc files: install libreoffice-writer-nogui (make setup)"
    inbox, tmp, stuck = tmp_path / "inbox", tmp_path / "tmp", tmp_path / "stuck-bin"
    for folder in (inbox, tmp, stuck):
        folder.mkdir()
    plan = Path(__file__).resolve().parents[1] / "data" / "samples" / "tamduong-2030.docx"
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(inbox), str(plan)], check=True, capture_output=True,
                   timeout=180)
    # A LibreOffice that never finishes: the worker is surely inside the conversion when its time is up,
    # however slow the machine is to get there.
    (stuck / "soffice").write_text("#!/bin/sh\nexec sleep 600\n")
    (stuck / "soffice").chmod(0o755)
    vnplan = [str(Path(sys.executable).with_name("vnplan")), "ingest", str(inbox), "--db",
              str(tmp_path / "plans.duckdb"), "--lake", str(tmp_path / "lake"), "--quiet"]
    env = {**os.environ, "TMPDIR": str(tmp)}  # the scratch folders of this test's runs only
    killed = subprocess.run(vnplan, capture_output=True, text=True, timeout=300, env={
        **env, "VNPLAN_MAX_SECONDS": "10", "PATH": f"{stuck}{os.pathsep}{os.environ['PATH']}"})
    assert killed.returncode == 1 and "longer than 10 s (VNPLAN_MAX_SECONDS)" in killed.stderr, killed.stderr
    scratch = tmp / f"vnplan-{os.getuid()}"
    [left] = list(scratch.iterdir())  # the killed worker's: its pid in the name
    assert left.name.startswith("doc-") and (left / "source.doc").exists()
    live = scratch / f"doc-{os.getpid()}-inuse"  # a conversion going on in a live process
    live.mkdir()
    again = subprocess.run([*vnplan, "--force"], capture_output=True, text=True, timeout=300, env=env)
    assert again.returncode == 0, again.stderr  # the real LibreOffice converts the plan this time
    assert list(scratch.iterdir()) == [live]
