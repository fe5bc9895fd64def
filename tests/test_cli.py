"""`vnplan` end to end, each command in its own process.

Most tests run vnplan through BOOTSTRAP, which registers a test-only reader for files starting
with "TESTPLAN" and a record extractor giving one section per line, so that they depend on no
real reader or extractor. Tests of usage errors, queries and empty files run the installed
`vnplan` script itself.
"""
from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import run_measured
from pipeline.atomic import process_alive
from pipeline.lake import Lake

VNPLAN = Path(sys.executable).with_name("vnplan")

BOOTSTRAP = r'''
import os, signal, subprocess, sys, time
from pathlib import Path

import pipeline.ingest
from extractors.errors import CorruptFile
from extractors.model import Block, Document
from extractors.records import Extracted
from extractors.records.metadata import Metadata
from extractors.registry import register
from pipeline.cli import main
from schemas.records import SectionRecord


@register
class TestPlanReader:
    """First line "TESTPLAN [corrupt | crash | slow SECONDS | hog MEGABYTES | signal SECONDS NAME]", then one
    paragraph per line. slow writes "<its pid> <pid of a child process it started>" to the file
    TESTPLAN_STARTED; signal reads SECONDS, then sends its own process the signal NAME (SIGKILL...)."""
    name = "testplan"

    def accepts(self, head, path):
        return head.startswith(b"TESTPLAN")

    def convert(self, path):
        first, *lines = path.read_text("utf-8").splitlines()
        mode = first.split()[1:]
        if mode[:1] == ["corrupt"]:
            raise CorruptFile("corrupt test plan: the body is cut off; export it again")
        if mode[:1] == ["crash"]:
            raise RuntimeError("boom")
        if mode[:1] == ["slow"]:
            child = subprocess.Popen(["sleep", "600"], start_new_session=True)  # as LibreOffice: a session of its own
            Path(os.environ["TESTPLAN_STARTED"]).write_text(f"{os.getpid()} {child.pid}")
            time.sleep(float(mode[1]))
            child.kill()
        if mode[:1] == ["signal"]:
            time.sleep(float(mode[1]))
            os.kill(os.getpid(), getattr(signal, mode[2]))
        if mode[:1] == ["hog"]:
            hoard = [b"x" * 2**20 for _ in range(int(mode[1]))]
        return Document("txt", [Block("paragraph", line) for line in lines], page_count=1)


def extract(doc, doc_id):
    return Extracted(
        metadata=Metadata(title=doc.blocks[0].text if doc.blocks else None),
        sections=[SectionRecord(doc_id=doc_id, section_id=f"{doc_id}-{i}", level=1, heading=b.text, text="",
                                ordinal=i) for i, b in enumerate(doc.blocks)])


pipeline.ingest.extract_records = extract
if __name__ == "__main__":  # the worker processes import this file too, for the reader and extract above
    sys.exit(main())
'''


@pytest.fixture(scope="session")
def bootstrap(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bootstrap") / "vnplan_with_test_reader.py"
    path.write_text(BOOTSTRAP)
    return path


@pytest.fixture
def ws(tmp_path) -> Path:
    """A working folder with two plans; vnplan's default --db and --lake land in its data/."""
    write_plan(tmp_path / "plans/a.txt", "Kế hoạch A", "I. Mục tiêu", "II. Nhiệm vụ")
    write_plan(tmp_path / "plans/sub/b.txt", "Kế hoạch B", "1. Tăng cường")
    return tmp_path


@pytest.fixture
def run(ws, bootstrap):
    def run(*args: str, real: bool = False, env: dict | None = None) -> subprocess.CompletedProcess:
        command = [str(VNPLAN)] if real else [sys.executable, str(bootstrap)]
        return subprocess.run(command + list(args), cwd=ws, capture_output=True, text=True, timeout=300,
                              env={**os.environ, **(env or {})})
    return run


def write_plan(path: Path, *lines: str, mode: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([f"TESTPLAN {mode}".strip(), *lines]) + "\n", encoding="utf-8")


def sql(ws: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(ws / "data/plans.duckdb"), read_only=True) as con:
        return con.execute(query).fetchall()


def count(ws: Path, table: str) -> int:
    return sql(ws, f"SELECT count(*) FROM {table}")[0][0]


def last_run(ws: Path) -> list[tuple]:
    return sql(ws, "SELECT source_path, status, error FROM ingest_log "
                   "WHERE run_id = (SELECT max(run_id) FROM ingest_log) ORDER BY source_path")


def test_ingest_publishes_and_exits_0(ws, run):
    result = run("ingest", "plans")

    assert result.returncode == 0, result.stderr
    assert sql(ws, "SELECT source_path, title, source_format, page_count FROM documents ORDER BY 1") == [
        ("plans/a.txt", "Kế hoạch A", "txt", 1), ("plans/sub/b.txt", "Kế hoạch B", "txt", 1)]
    assert count(ws, "sections") == 5
    assert last_run(ws) == [("plans/a.txt", "ok", None), ("plans/sub/b.txt", "ok", None)]
    assert "files ok" in result.stdout and "sections" in result.stdout


def test_ingest_json_prints_the_run_summary_on_stdout_and_the_rest_on_stderr(ws, run):
    write_plan(ws / "plans/bad.txt", "Kế hoạch hỏng", mode="corrupt")
    result = run("ingest", "plans", "--json")

    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)  # stdout is the JSON document alone
    assert summary["files"] == {"new": 2, "changed": 0, "reextracted": 0, "unchanged": 0, "failed": 1, "total": 3}
    assert summary["failed"] == [{"file": "plans/bad.txt",
                                  "error": "corrupt test plan: the body is cut off; export it again"}]
    assert summary["published_rows"]["sections"] == count(ws, "sections") == 5
    assert summary["new_rows"]["documents"] == 2
    assert summary["db"] == str(ws / "data/plans.duckdb") and summary["timings_s"]["total"] > 0
    assert summary["run_id"] == sql(ws, "SELECT max(run_id) FROM ingest_log")[0][0]
    assert "files ok" in result.stderr and "failed file" in result.stderr  # the summary table, for the person

    again = run("ingest", "plans", "--json", "--quiet")
    assert json.loads(again.stdout)["files"]["unchanged"] == 2
    assert "failed: plans/bad.txt" in again.stderr


def test_rerun_skips_unchanged_files_and_duplicates_nothing(ws, run):
    assert run("ingest", "plans").returncode == 0
    result = run("ingest", "plans", "--quiet")

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert last_run(ws) == [("plans/a.txt", "skipped", None), ("plans/sub/b.txt", "skipped", None)]
    assert (count(ws, "documents"), count(ws, "sections"), count(ws, "ingest_log")) == (2, 5, 4)

    assert run("ingest", "plans", "--force").returncode == 0
    assert [status for _, status, _ in last_run(ws)] == ["ok", "ok"]
    assert (count(ws, "documents"), count(ws, "sections")) == (2, 5)


def test_a_changed_file_replaces_its_old_records(ws, run):
    assert run("ingest", "plans").returncode == 0
    old_id = sql(ws, "SELECT doc_id FROM documents WHERE source_path = 'plans/a.txt'")[0][0]
    write_plan(ws / "plans/a.txt", "Kế hoạch A (sửa đổi)", "I. Mục tiêu mới")

    assert run("ingest", str(ws / "plans/a.txt")).returncode == 0  # the same file, given another way

    assert count(ws, "documents") == 2
    assert sql(ws, f"SELECT count(*) FROM sections WHERE doc_id = '{old_id}'") == [(0,)]
    assert sql(ws, "SELECT heading FROM sections JOIN documents USING (doc_id) "
                   "WHERE title LIKE '%sửa đổi%' ORDER BY ordinal") == [("Kế hoạch A (sửa đổi)",), ("I. Mục tiêu mới",)]


def test_failed_files_are_logged_and_the_rest_is_published(ws, run):
    write_plan(ws / "plans/bad.txt", "x", mode="corrupt")
    write_plan(ws / "plans/crash.txt", "x", mode="crash")
    (ws / "plans/empty.pdf").write_bytes(b"")

    result = run("ingest", "plans")

    assert result.returncode == 1
    assert count(ws, "documents") == 2
    failed = {path: error for path, status, error in last_run(ws) if status == "failed"}
    assert failed["plans/bad.txt"] == "corrupt test plan: the body is cut off; export it again"
    assert failed["plans/crash.txt"].startswith("internal error in testplan: RuntimeError: boom")
    assert failed["plans/empty.pdf"].startswith("empty file (0 bytes)")
    assert "plans/crash.txt" in result.stdout and "files failed" in result.stdout


def test_an_empty_file_fails_with_the_real_readers(ws, run):
    (ws / "empty.docx").write_bytes(b"")
    result = run("ingest", "empty.docx", "--quiet", real=True)

    assert result.returncode == 1
    assert "empty.docx: empty file (0 bytes)" in result.stderr
    assert last_run(ws)[0][:2] == ("empty.docx", "failed")
    assert count(ws, "documents") == 0


@pytest.mark.parametrize("args", [
    ["ingest", "plans", "no/such/folder"],
    ["ingest"],
    ["ingest", "plans", "--no-such-option"],
    ["frobnicate"],
    [],
])
def test_usage_errors_exit_2_and_write_nothing(ws, run, args):
    result = run(*args, real=True)

    assert result.returncode == 2
    assert result.stderr
    assert not (ws / "data").exists()


def test_query_formats_and_errors(ws, run):
    assert run("query", "SELECT 1", real=True).returncode == 2  # no database yet
    assert run("ingest", "plans").returncode == 0
    query = "SELECT source_path, page_count, ['x', 'y'] AS l FROM documents ORDER BY 1"

    as_csv = run("query", query, "--format", "csv", real=True)
    as_json = run("query", query, "--format", "json", real=True)
    as_table = run("query", query, real=True)
    bad = run("query", "SELECT no_such_column FROM documents", real=True)
    write = run("query", "DELETE FROM documents", real=True)

    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [
        ["source_path", "page_count", "l"], ["plans/a.txt", "1", '["x", "y"]'], ["plans/sub/b.txt", "1", '["x", "y"]']]
    assert json.loads(as_json.stdout) == [{"source_path": "plans/a.txt", "page_count": 1, "l": ["x", "y"]},
                                          {"source_path": "plans/sub/b.txt", "page_count": 1, "l": ["x", "y"]}]
    assert as_table.returncode == 0 and "plans/sub/b.txt" in as_table.stdout
    assert bad.returncode == 2 and "no_such_column" in bad.stderr and bad.stdout == ""
    assert write.returncode == 2 and "read-only" in write.stderr
    assert count(ws, "documents") == 2


def test_hidden_files_and_symlinks_out_of_the_folder_are_skipped(ws, run):
    write_plan(ws / "elsewhere/outside.txt", "Ngoài thư mục")
    (ws / "plans/link-out.txt").symlink_to(ws / "elsewhere/outside.txt")
    (ws / "plans/link-dir").symlink_to(ws / "elsewhere", target_is_directory=True)
    (ws / "plans/link-in.txt").symlink_to(ws / "plans/sub/b.txt")  # inside, but the same file as b.txt
    write_plan(ws / "plans/.draft.txt", "Ẩn")
    write_plan(ws / "plans/.git/x.txt", "Ẩn")

    assert run("ingest", "plans").returncode == 0

    assert [path for path, _, _ in last_run(ws)] == ["plans/a.txt", "plans/sub/b.txt"]


def test_the_lake_and_database_inside_the_input_are_not_ingested(ws, run):
    assert run("ingest", ".").returncode == 0
    result = run("ingest", ".")  # now data/lake and data/plans.duckdb sit inside "."

    assert result.returncode == 0, result.stdout
    assert [path for path, _, _ in last_run(ws)] == ["plans/a.txt", "plans/sub/b.txt"]


def test_help_and_version_stay_light():
    probe = ("import sys, pipeline.cli; print(sorted(m for m in "
             "('duckdb', 'pandas', 'pyarrow', 'pdfplumber', 'prefect', 'rich') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    from pipeline import __version__

    assert loaded.stdout.strip() == "[]"
    for command in ([str(VNPLAN)], [sys.executable, "-m", "pipeline.cli"]):
        version = subprocess.run(command + ["--version"], capture_output=True, text=True)
        assert (version.returncode, version.stdout.strip()) == (0, f"vnplan {__version__}")
        assert subprocess.run(command + ["--help"], capture_output=True, text=True).returncode == 0


def start_slow_ingest(ws: Path, bootstrap: Path, folder: str) -> subprocess.Popen:
    started = ws / "started"
    started.unlink(missing_ok=True)
    process = subprocess.Popen([sys.executable, str(bootstrap), "ingest", folder, "--quiet"], cwd=ws,
                               env={**os.environ, "TESTPLAN_STARTED": str(started)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not started.exists() or not started.read_text():
        assert process.poll() is None and time.monotonic() < deadline, "the slow ingest never started reading"
        time.sleep(0.02)
    return process


def assert_gone(pids: list[int], within: float = 10) -> None:
    deadline = time.monotonic() + within
    for pid in pids:
        while process_alive(pid) and not _reap(pid):
            assert time.monotonic() < deadline, f"process {pid} outlived the ingest"
            time.sleep(0.05)


def _reap(pid: int) -> bool:
    """A zombie is gone for our purposes; only its parent (not this test) can reap it, so read its state."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_killed_ingest_leaves_the_published_database_intact(ws, run, bootstrap):
    assert run("ingest", "plans").returncode == 0
    for i in range(20):
        write_plan(ws / f"more/{i:02}.txt", f"Kế hoạch {i}", "Mục tiêu", mode="slow 0.1")

    process = start_slow_ingest(ws, bootstrap, "more")
    assert count(ws, "documents") == 2  # readable while an ingest runs: it writes elsewhere
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert_gone([int(pid) for pid in (ws / "started").read_text().split()])  # its worker, and the worker's child

    assert (count(ws, "documents"), count(ws, "sections"), count(ws, "ingest_log")) == (2, 5, 2)
    finished = run("ingest", "more", "--quiet", env={"TESTPLAN_STARTED": str(ws / "started")})
    assert finished.returncode == 0, finished.stderr
    assert (count(ws, "documents"), count(ws, "sections")) == (22, 45)
    assert not list((ws / "data").glob("plans.duckdb.*"))
    assert not list((ws / "data/lake").rglob(".*"))


@pytest.mark.parametrize("seed", [7, 19, 42])
def test_kills_at_random_moments_leave_whole_runs(ws, run, bootstrap, seed):
    """Kill runs at random moments, through reading, commit and publish. A run's batch is in the
    lake whole or not at all, and the database always holds whole committed batches: a run killed
    after its commit but before publishing shows up at the next publish."""
    rng = random.Random(seed)
    clock = time.monotonic()
    assert run("ingest", "plans").returncode == 0
    whole_run = time.monotonic() - clock  # mostly start-up, so it calibrates the kill moments below
    lake = Lake(ws / "data/lake")
    published = 2
    batches = 5
    for i in range(batches):
        for j in range(5):
            write_plan(ws / f"batch{i}/{j}.txt", f"Kế hoạch {i}.{j}", "Mục tiêu")
        process = subprocess.Popen([sys.executable, str(bootstrap), "ingest", "plans", f"batch{i}", "--quiet"],
                                   cwd=ws, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.2) * whole_run)
        process.send_signal(signal.SIGKILL)
        process.wait()

        documents, distinct = sql(ws, "SELECT count(*), count(DISTINCT doc_id) FROM documents")[0]
        in_lake = lake.read("documents").num_rows
        assert documents == distinct and (documents - 2) % 5 == 0 and (in_lake - 2) % 5 == 0
        assert published <= documents <= in_lake
        assert count(ws, "sections") == 5 + 2 * (documents - 2) and lake.read("sections").num_rows == 5 + 2 * (in_lake - 2)
        published = documents

    finished = run("ingest", *[f"batch{i}" for i in range(batches)], "--quiet")
    assert finished.returncode == 0, finished.stderr
    assert count(ws, "documents") == 2 + 5 * batches
    assert not list((ws / "data").glob("plans.duckdb.*"))


def test_a_file_that_reads_too_long_fails_and_the_run_goes_on(ws, run):
    write_plan(ws / "plans/hang.txt", "Kế hoạch treo", mode="slow 30")
    started = time.monotonic()
    result = run("ingest", "plans", "--quiet",
                 env={"VNPLAN_MAX_SECONDS": "2", "TESTPLAN_STARTED": str(ws / "started")})
    assert result.returncode == 1 and time.monotonic() - started < 25
    assert count(ws, "documents") == 2
    errors = dict(sql(ws, "select source_path, error from ingest_log where status = 'failed'"))
    assert list(errors) == ["plans/hang.txt"] and "longer than 2 s" in errors["plans/hang.txt"]
    assert_gone([int(pid) for pid in (ws / "started").read_text().split()], within=0)  # stopped with its child


def test_a_failed_file_is_not_read_again_until_it_changes_or_is_forced(ws, run):
    write_plan(ws / "plans/hang.txt", "Kế hoạch treo", mode="slow 30")
    started = ws / "started"
    env = {"VNPLAN_MAX_SECONDS": "2", "TESTPLAN_STARTED": str(started)}
    assert run("ingest", "plans", "--quiet", env=env).returncode == 1
    started.unlink()

    again = run("ingest", "plans", "--quiet", env=env)
    assert again.returncode == 1 and not started.exists()  # its reader never ran: no time limit spent again
    assert "longer than 2 s" in again.stderr and "so not read again" in again.stderr
    forced = run("ingest", "plans", "--quiet", "--force", env=env)
    assert forced.returncode == 1 and started.exists()

    write_plan(ws / "plans/hang.txt", "Kế hoạch treo", "sửa lại")  # fixed: other bytes
    assert run("ingest", "plans", "--quiet", env=env).returncode == 0
    assert count(ws, "documents") == 3


def test_a_file_that_needs_too_much_memory_fails_and_the_run_goes_on(ws, bootstrap):
    write_plan(ws / "plans/hog.txt", "Kế hoạch tham", mode="hog 3000")
    result, peak_mib = run_measured([sys.executable, str(bootstrap), "ingest", "plans", "--quiet"], cwd=ws,
                                    timeout=300, env={**os.environ, "VNPLAN_MAX_MEMORY_MB": "400"})
    assert result.returncode == 1, result.stderr
    assert count(ws, "documents") == 2
    errors = dict(sql(ws, "select source_path, error from ingest_log where status = 'failed'"))
    assert list(errors) == ["plans/hog.txt"]
    assert "more memory than VNPLAN_MAX_MEMORY_MB=400" in errors["plans/hog.txt"]
    assert peak_mib < 500  # the hog's worker stopped at its cap, not at 3 GB


@pytest.mark.parametrize("signal_name, reason", [("SIGKILL", "died while reading this file (signal SIGKILL)"),
                                                 ("SIGSEGV", "died while reading this file (signal SIGSEGV)"),
                                                 ("SIGSTOP", "longer than 3 s (VNPLAN_MAX_SECONDS)")])
def test_a_worker_that_dies_or_is_stopped_is_logged_with_its_reader_signal_and_time(ws, run, signal_name, reason):
    write_plan(ws / "plans/lost.txt", "Kế hoạch mất", mode=f"signal 1 {signal_name}")
    result = run("ingest", "plans", "--quiet", env={"VNPLAN_MAX_SECONDS": "3"})
    assert result.returncode == 1, result.stderr
    assert count(ws, "documents") == 2, sql(ws, "SELECT * FROM ingest_log")
    [(reader, error, duration_ms)] = sql(ws, "SELECT reader, error, duration_ms FROM ingest_log WHERE status = 'failed'")
    assert reader == "testplan" and reason in error
    assert duration_ms >= (3000 if signal_name == "SIGSTOP" else 1000)  # the time it ran, not its hashing


def test_a_limit_set_to_nonsense_is_named_in_a_usage_error(ws, run):
    result = run("ingest", "plans", real=True, env={"VNPLAN_MAX_SECONDS": "15min"})
    assert result.returncode == 2
    assert result.stderr.strip() == ("vnplan: VNPLAN_MAX_SECONDS='15min' is not a whole number ≥ 0 (default 900); "
                                      "fix or unset it")
    assert not (ws / "data/plans.duckdb").exists()
