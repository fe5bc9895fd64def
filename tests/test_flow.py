"""The nightly Prefect flow (pipeline/flow.py) and `vnplan nightly` / `vnplan serve`.

One Prefect server serves the whole module (prefect_test_harness: a local server on 127.0.0.1, a
free port, a temporary database, under a temporary PREFECT_HOME); in-process flow runs and the
`vnplan` subprocesses pointed at it share it, since a server takes seconds to start. The inbox is
a temporary copy of the samples that read without OCR (HTML, DOCX, plain text).
"""
from __future__ import annotations

import contextlib
import errno
import inspect
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import duckdb
import pytest

from pipeline import prefect_env
from pipeline.lake import Lake
from test_cli import bootstrap, write_plan  # noqa: F401  (bootstrap: a fixture, the test reader's script)
from test_ocr import pages_of

prefect_env.configure()  # before anything imports Prefect: analytics off (here and in the servers started), quiet

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
VNPLAN = Path(sys.executable).with_name("vnplan")
TABLES = ["documents", "sections", "objectives", "indicators", "tasks", "assignments", "citations", "ingest_log"]


def sample_inbox(folder: Path) -> Path:
    for path in [*SAMPLES.glob("*.html"), *SAMPLES.glob("*.docx"), *(SAMPLES / "text").glob("*.txt")]:
        target = folder / path.relative_to(SAMPLES)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return folder


def files_in(folder: Path) -> int:
    return sum(p.is_file() for p in folder.rglob("*"))


def counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def sql(db: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query).fetchall()


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory):
    """A Prefect server for the module; yields its API URL. PREFECT_HOME is a temporary folder,
    for this process (temporary_settings) and for subprocesses (the environment)."""
    home = tmp_path_factory.mktemp("prefect-home")
    saved = {k: os.environ.get(k) for k in ("PREFECT_HOME", "PREFECT_API_URL")}
    os.environ["PREFECT_HOME"] = str(home)
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    try:
        with temporary_settings({PREFECT_HOME: str(home)}), prefect_test_harness(server_startup_timeout=120):
            os.environ["PREFECT_API_URL"] = PREFECT_API_URL.value()
            yield PREFECT_API_URL.value()
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


@pytest.fixture(scope="module")
def nightly(prefect_api):
    from pipeline.flow import nightly_ingest

    def run(ws: Path, flow=nightly_ingest, **options):
        """One in-process flow run on ws/inbox; returns (RunResult, flow run id)."""
        options = {"inbox": str(ws / "inbox"), "db": str(ws / "out/plans.duckdb"), "lake": str(ws / "out/lake"),
                   "wait": 60, **options}
        state = flow(**options, return_state=True)
        assert state.is_completed(), state.message
        return state.result(), state.state_details.flow_run_id
    return run


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    """The workspace of the first tests, which build on each other's runs, in order."""
    root = tmp_path_factory.mktemp("nightly")
    sample_inbox(root / "inbox")
    return root


def artifacts(flow_run_id) -> dict[str, object]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
    return {a.key: json.loads(a.data) if a.type == "table" and isinstance(a.data, str) else a.data for a in found}


def test_a_first_run_ingests_the_inbox_and_reports(ws, nightly):
    n = files_in(ws / "inbox")
    result, flow_run_id = nightly(ws)

    assert (result.ok, result.skipped, result.failed) == (n, 0, 0)
    published = counts(ws / "out/plans.duckdb")
    assert published["documents"] == n and published["ingest_log"] == n
    assert published["sections"] > 0 and published == result.published
    assert {f.change for f in result.files} == {"new"}
    assert set(result.timings) >= {"discover", "hash", "extract", "commit", "publish", "report", "total"}

    report = (ws / "out/reports" / f"{result.run_id}.md").read_text()
    assert result.report == ws / "out/reports" / f"{result.run_id}.md"
    assert f"## New files ({n})" in report and "- tamduong-2030.docx" in report and "## Slowest files" in report
    assert f"| sections | {published['sections']} | {published['sections']} |" in report
    summary = json.loads((ws / "out/reports" / f"{result.run_id}.json").read_text())
    assert summary["files"]["new"] == n and summary["published_rows"] == published
    assert summary["timings_s"]["total"] > 0
    # 8 files, 4 plans (Nghệ An as HTML, text and draft text; Tam Đường and Ninh Bình twice; Ninh Sơn)
    assert summary["plans"] == {"new_plans": 4, "new_plan_files": n, "known_plan_files": 0}
    assert f"- new plans: 4 (from {n} of the new and changed files)" in report

    found = artifacts(flow_run_id)
    assert found["vnplan-run-report"] == report
    assert sorted(row["file"] for row in found["vnplan-run-files"]) == sorted(
        str(p.relative_to(ws / "inbox")) for p in (ws / "inbox").rglob("*") if p.is_file())


def test_a_second_run_over_the_unchanged_inbox_skips_every_file(ws, nightly):
    n = files_in(ws / "inbox")
    before = counts(ws / "out/plans.duckdb")
    result, _ = nightly(ws)

    assert (result.ok, result.skipped, result.failed) == (0, n, 0)
    assert result.timings["extract"] < 0.5
    after = counts(ws / "out/plans.duckdb")
    assert after == {**before, "ingest_log": 2 * n}  # no duplicate record; each attempt is logged
    assert f"| 0 | 0 | 0 | {n} | 0 | {n} |" in result.report.read_text()


def test_changing_one_file_re_extracts_only_that_file(ws, nightly):
    before = counts(ws / "out/plans.duckdb")
    changed = ws / "inbox/text/002_f759c3cd735fe016.txt"
    old_id = sql(ws / "out/plans.duckdb", f"SELECT doc_id FROM documents WHERE source_path = '{changed}'")[0][0]
    changed.write_text(changed.read_text() + "\n1. Nhiệm vụ bổ sung năm 2026.\n", encoding="utf-8")

    n = files_in(ws / "inbox")
    result, _ = nightly(ws, processes=0)  # one file: no process start-up for it

    assert (result.ok, result.skipped, result.failed) == (1, n - 1, 0)
    assert [(f.source_path, f.change) for f in result.files if f.status == "ok"] == [(str(changed), "changed")]
    after = counts(ws / "out/plans.duckdb")
    assert after["documents"] == before["documents"]
    assert sql(ws / "out/plans.duckdb", f"SELECT count(*) FROM sections WHERE doc_id = '{old_id}'") == [(0,)]
    assert "## Changed files (1)" in result.report.read_text()


def test_a_failing_file_is_reported_and_logged_while_the_others_publish(ws, nightly):
    (ws / "inbox/broken.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 64 + b"word/document.xml")
    (ws / "inbox/new.txt").write_text("KẾ HOẠCH\nTriển khai chuyển đổi số năm 2026\nI. MỤC TIÊU\n",
                                      encoding="utf-8")
    before = counts(ws / "out/plans.duckdb")
    n = files_in(ws / "inbox")

    result, flow_run_id = nightly(ws, processes=0)

    assert (result.ok, result.skipped, result.failed) == (1, n - 2, 1)
    (path, error), = result.failures
    assert path == str(ws / "inbox/broken.docx") and error
    assert counts(ws / "out/plans.duckdb")["documents"] == before["documents"] + 1
    logged = sql(ws / "out/plans.duckdb", "SELECT source_path, status, error FROM ingest_log "
                                          "WHERE run_id = (SELECT max(run_id) FROM ingest_log) AND status = 'failed'")
    assert logged == [(path, "failed", error)]
    report = result.report.read_text()
    assert f"**1 of {n} files failed**" in report and "| broken.docx |" in report
    table = artifacts(flow_run_id)["vnplan-run-files"]
    assert table[0]["file"] == "broken.docx" and table[0]["status"] == "failed" and table[0]["error"] == error


def test_the_reports_lake_and_database_inside_the_inbox_are_not_ingested(tmp_path, nightly):
    inbox = tmp_path / "inbox"
    for path in sorted((SAMPLES / "text").glob("*.txt"))[:2]:
        (inbox / path.name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, inbox / path.name)
    paths = {"inbox": str(inbox), "db": str(inbox / "data/plans.duckdb"), "lake": str(inbox / "data/lake")}

    first, _ = nightly(tmp_path, **paths, processes=0)
    second, _ = nightly(tmp_path, **paths, processes=0)

    assert (first.ok, first.failed) == (2, 0)
    assert (second.ok, second.skipped, second.failed) == (0, 2, 0)  # not its report, nor the database


def test_only_transient_io_errors_are_retried(tmp_path, nightly, monkeypatch):
    import pipeline.flow
    import pipeline.ingest

    sample_inbox(tmp_path / "inbox")
    shutil.rmtree(tmp_path / "inbox/text")
    (tmp_path / "inbox/broken.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    attempts: dict[str, int] = {}
    real_reader_for = pipeline.ingest.reader_for

    def flaky(path):  # reader_for opens the file: where a shaky network share shows first
        attempts[path.name] = attempts.get(path.name, 0) + 1
        if path.name == "tamduong-2030.docx" and attempts[path.name] < 3:  # passes on the last try
            raise OSError(errno.EIO, "Input/output error")
        if path.name == "ninhbinh-2016-2020.docx":  # never passes
            raise OSError(errno.ESTALE, "Stale file handle")
        if path.name == "nghean-542-kh-ubnd.html":  # missing: not transient
            raise FileNotFoundError(errno.ENOENT, "No such file or directory")
        return real_reader_for(path)

    monkeypatch.setattr(pipeline.ingest, "reader_for", flaky)
    monkeypatch.setattr(pipeline.flow, "extract", pipeline.flow.extract.with_options(retry_delay_seconds=0))
    result, _ = nightly(tmp_path, processes=0)  # in the task threads, where the patch is

    assert attempts | {"tamduong-2030.docx": 3, "ninhbinh-2016-2020.docx": 3, "nghean-542-kh-ubnd.html": 1,
                       "broken.docx": 1} == attempts
    status = {Path(f.source_path).name: (f.status, f.error) for f in result.files}
    assert status["tamduong-2030.docx"] == ("ok", None)
    assert status["ninhbinh-2016-2020.docx"][0] == "failed"
    assert status["ninhbinh-2016-2020.docx"][1].startswith("cannot read the file after 3 attempts")
    assert status["nghean-542-kh-ubnd.html"] == (
        "failed", "cannot read the file: No such file or directory; check that it exists and is readable")
    assert status["broken.docx"][0] == "failed"


def crash_on_crash(checked, raise_transient=False):
    """Stands for extract_file in the extraction processes: a file named crash* kills its process."""
    import dataclasses

    if Path(checked.source_path).name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.2)  # the others are in flight when it happens
    return dataclasses.replace(checked, status="ok")


def test_a_file_that_kills_its_extraction_process_fails_alone(prefect_api):
    import datetime as dt
    from concurrent.futures import ThreadPoolExecutor

    from pipeline.ingest import FileResult
    from pipeline.workers import WorkerPool

    names = ["a.docx", "crash.pdf", "b.docx", "c.docx"]
    files = [FileResult(source_path=f"/inbox/{n}", status="pending", started_at=dt.datetime.now(dt.timezone.utc))
             for n in names]
    processes = WorkerPool(2, crash_on_crash, max_seconds=60)
    try:
        with ThreadPoolExecutor(2) as threads:  # as the flow's task threads
            results = list(threads.map(processes.extract, files))
    finally:
        processes.close()

    assert [(Path(r.source_path).name, r.status) for r in results] == [
        ("a.docx", "ok"), ("crash.pdf", "failed"), ("b.docx", "ok"), ("c.docx", "ok")]
    assert results[1].error.startswith("the extraction process died while reading this file")


def test_a_long_run_commits_the_lake_at_checkpoints(tmp_path, nightly):
    n = files_in(sample_inbox(tmp_path / "inbox"))
    result, _ = nightly(tmp_path, checkpoint_files=3, processes=0)

    assert (result.ok, result.failed, len(result.runs)) == (n, 0, (n + 2) // 3)  # 3 files each, the rest last
    assert Lake(tmp_path / "out/lake").manifest().runs == result.runs
    assert sql(tmp_path / "out/plans.duckdb", "SELECT count(*), count(DISTINCT doc_id) FROM documents") == [(n, n)]
    assert sql(tmp_path / "out/plans.duckdb", "SELECT DISTINCT run_id FROM ingest_log ORDER BY 1") == [
        (r,) for r in result.runs]
    assert f"committed to the lake in {len(result.runs)} parts" in result.report.read_text()


def test_the_flow_runs_on_a_two_worker_dask_cluster(tmp_path, nightly):
    from distributed import Client, LocalCluster, get_task_stream

    from pipeline.flow import dask_runner, nightly_ingest

    n = files_in(sample_inbox(tmp_path / "inbox"))
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client, get_task_stream(client) as stream:
        flow = nightly_ingest.with_options(task_runner=dask_runner(cluster.scheduler_address))
        result, flow_run_id = nightly(tmp_path, flow=flow)
        workers = set(cluster.workers)

    assert (result.ok, result.failed) == (n, 0)
    assert counts(tmp_path / "out/plans.duckdb")["documents"] == n
    assert len(artifacts(flow_run_id)["vnplan-run-files"]) == n
    assert len(stream.data) >= n  # one Dask task per file, run by the workers
    assert len({t["worker"] for t in stream.data}) == len(workers) == 2


@contextlib.contextmanager
def running(command: list[str], log: Path, stop: int = signal.SIGTERM, **kwargs) -> Iterator[subprocess.Popen]:
    """A server process for the duration (its output in `log`), stopped by `stop` at the end
    however it goes (killed if it does not stop)."""
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **kwargs)
    try:
        yield process
    finally:
        process.send_signal(stop)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def dask_cluster(tmp_path, bootstrap) -> Iterator[tuple[str, Path]]:
    """A `dask scheduler` and two `dask worker` processes on 127.0.0.1 (free ports), the workers
    started through a script that imports the test reader first, so that they and the processes
    they start (spawned: they import it again) read TESTPLAN files. Yields (scheduler address, the
    file where a slow TESTPLAN file records the extraction process reading it)."""
    from distributed import Client

    dask = Path(sys.executable).with_name("dask")
    worker_script = tmp_path / "dask_worker_with_test_reader.py"
    worker_script.write_text(f"import sys\nsys.path.insert(0, {str(bootstrap.parent)!r})\n"
                             "import vnplan_with_test_reader  # noqa: F401  (registers the test reader)\n"
                             "from distributed.cli.dask_worker import main\n"
                             "if __name__ == '__main__':\n    sys.exit(main())\n")
    scheduler_file, started = tmp_path / "scheduler.json", tmp_path / "started"
    env = {**os.environ, "TESTPLAN_STARTED": str(started)}
    with running([str(dask), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                  "--scheduler-file", str(scheduler_file)], tmp_path / "scheduler.log", env=env), \
            contextlib.ExitStack() as workers:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() or not scheduler_file.read_text():
            assert time.monotonic() < deadline, (tmp_path / "scheduler.log").read_text()
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        for i in range(2):
            workers.enter_context(running(
                [sys.executable, str(worker_script), address, "--host", "127.0.0.1", "--nthreads", "1",
                 "--no-dashboard", "--name", f"worker-{i}"], tmp_path / f"worker-{i}.log", env=env, cwd=tmp_path))
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address, started


def test_on_a_dask_cluster_each_file_runs_under_the_time_and_memory_limits(tmp_path, prefect_api, dask_cluster):
    """`vnplan nightly --dask-address` against real scheduler and worker processes: a file that
    reads too long, or needs too much memory, is stopped on its worker under the limits of the
    machine that started the run (the workers have none set), and fails with the limit's error;
    the scan is read by OCR."""
    address, started = dask_cluster
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    pages_of(SAMPLES / "ninhson-2023-scan.pdf", [1], inbox / "scan.pdf")
    write_plan(inbox / "hang.txt", "Kế hoạch treo", mode="slow 150")  # ok after 150 s, unless stopped
    write_plan(inbox / "hog.txt", "Kế hoạch tham", mode="hog 3000")
    limit, memory = 60, 800  # the scan's page reads in about 15 s on a busy machine, within 800 MB

    clock = time.monotonic()
    code, out, err = finish(vnplan("nightly", "--inbox", "inbox", "--dask-address", address, "--quiet", cwd=tmp_path,
                                   env={"VNPLAN_MAX_SECONDS": str(limit), "VNPLAN_MAX_MEMORY_MB": str(memory)}),
                            timeout=400)

    assert code == 1, err
    assert time.monotonic() - clock < 300
    logged = dict(((Path(path).name, (status, error)) for path, status, error in
                   sql(tmp_path / "data/plans.duckdb", "SELECT source_path, status, error FROM ingest_log")))
    assert logged["scan.pdf"] == ("ok", None)
    assert logged["hang.txt"][0] == "failed"
    assert logged["hang.txt"][1].startswith(f"reading took longer than {limit} s (VNPLAN_MAX_SECONDS) and was stopped")
    assert logged["hog.txt"][0] == "failed"
    assert f"more memory than VNPLAN_MAX_MEMORY_MB={memory}" in logged["hog.txt"][1]
    assert sql(tmp_path / "data/plans.duckdb", "SELECT source_format, ocr_used FROM documents") == [
        ("pdf_scanned", True)]
    reader, its_child = (int(pid) for pid in started.read_text().split())  # on a worker: only they have TESTPLAN_STARTED
    deadline = time.monotonic() + 10
    while alive(reader) or alive(its_child):  # stopped with what it started
        assert time.monotonic() < deadline, "the slow file's extraction process outlived its time limit"
        time.sleep(0.1)


def vnplan(*args: str, cwd: Path, env: dict | None = None, base_env: dict | None = None,
           **kwargs) -> subprocess.Popen:
    """`vnplan` in a process of its own, in this environment (or `base_env`) updated with `env`."""
    return subprocess.Popen([str(VNPLAN), *args], cwd=cwd, env={**(os.environ if base_env is None else base_env),
                                                                **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def without_prefect(home: Path, **env: str) -> dict[str, str]:
    """This environment as a user's without any Prefect setting, in their home folder `home`."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}, "HOME": str(home), **env}


def wait_until_healthy(api_url: str, process: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not prefect_env.healthy(api_url):
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.5)


def api_post(api_url: str, path: str, body: dict) -> list | dict:
    request = urllib.request.Request(f"{api_url}/{path}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def api_get(url: str) -> list | dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def test_nightly_reports_to_the_server_of_the_users_prefect_profile(tmp_path):
    """A user's own Prefect (their profile in ~/.prefect/profiles.toml names their server) gets
    the run: vnplan neither moves PREFECT_HOME next to the database nor starts a server."""
    port = prefect_env.free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    home = tmp_path / "home"
    (home / ".prefect").mkdir(parents=True)
    (home / ".prefect/profiles.toml").write_text(
        f'active = "team"\n\n[profiles.team]\nPREFECT_API_URL = "{api_url}"\n')
    (tmp_path / "inbox").mkdir()
    shutil.copy(SAMPLES / "text/002_f759c3cd735fe016.txt", tmp_path / "inbox")
    (tmp_path / "server").mkdir()
    server_env = without_prefect(tmp_path / "server", PREFECT_HOME=str(tmp_path / "server"),
                                 PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    log = tmp_path / "server.log"
    with running([str(VNPLAN.with_name("prefect")), "server", "start", "--host", "127.0.0.1", "--port", str(port),
                  "--no-ui"], log, env=server_env) as server:
        wait_until_healthy(api_url, server, log)
        code, out, err = finish(vnplan("nightly", "--inbox", "inbox", cwd=tmp_path, base_env=without_prefect(home)))
        runs = api_post(api_url, "flow_runs/filter", {})

    assert code == 0, err
    assert f"Prefect: {api_url}" in err
    assert [(r["state_type"], r["parameters"]["inbox"]) for r in runs] == [("COMPLETED", "inbox")]
    assert not (tmp_path / "data/prefect").exists()  # the project-local home is for users without one
    assert counts(tmp_path / "data/plans.duckdb")["documents"] == 1


def test_serve_on_another_port_serves_a_ui_calling_that_port_and_a_run_hint_that_works(tmp_path):
    """`vnplan serve --port` with no Prefect configured: the UI's settings name that port, its
    promotional content is off, and the command it prints to run the deployment works as printed
    in a plain shell (another environment, no virtualenv on the PATH)."""
    port = prefect_env.free_port()
    (tmp_path / "inbox").mkdir()
    shutil.copy(SAMPLES / "text/002_f759c3cd735fe016.txt", tmp_path / "inbox")
    plain_path = "/usr/bin:/bin"
    log = tmp_path / "serve.log"
    with running([str(VNPLAN), "serve", "--inbox", "inbox", "--port", str(port), "--name", "hinted"], log,
                 cwd=tmp_path, env=without_prefect(tmp_path / "home", PATH=plain_path), stop=signal.SIGINT) as serve:
        deadline = time.monotonic() + 180
        while "deployment run" not in log.read_text() or not prefect_env.healthy(f"http://127.0.0.1:{port}/api"):
            assert serve.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        ui_settings = api_get(f"http://127.0.0.1:{port}/ui-settings")
        server_settings = api_get(f"http://127.0.0.1:{port}/api/admin/settings")
        hint = next(line.strip() for line in log.read_text().splitlines() if "deployment run" in line)
        shell = subprocess.run(["sh", "-c", hint], env={"PATH": plain_path, "HOME": str(tmp_path / "shell-home")},
                               capture_output=True, text=True, timeout=180)
        deadline = time.monotonic() + 180
        while not (tmp_path / "data/plans.duckdb").exists():
            assert serve.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)

    assert ui_settings["api_url"] == f"http://127.0.0.1:{port}/api"
    assert server_settings["server"]["ui"]["show_promotional_content"] is False
    assert shell.returncode == 0, shell.stdout + shell.stderr
    assert "Created flow run" in shell.stdout and "nightly-ingest/hinted" in hint
    assert counts(tmp_path / "data/plans.duckdb")["documents"] == 1  # the run it asked for ran


def test_prefect_yaml_deploys_the_flow_with_prefect_deploy(tmp_path, prefect_api):
    """prefect.yaml, for a team on Prefect: its entrypoint is the flow, and `prefect deploy`
    creates the deployment on their server, working in this folder, on its schedule."""
    import yaml
    from prefect.client.orchestration import get_client
    from prefect.flows import load_flow_from_entrypoint

    from pipeline.flow import nightly_ingest

    [spec] = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]
    entry_file, entry_flow = spec["entrypoint"].split(":")
    assert load_flow_from_entrypoint(f"{ROOT / entry_file}:{entry_flow}").name == nightly_ingest.name
    assert set(spec["parameters"]) <= set(inspect.signature(nightly_ingest.fn).parameters)

    prefect = str(VNPLAN.with_name("prefect"))
    made = subprocess.run([prefect, "work-pool", "create", spec["work_pool"]["name"], "--type", "process"],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    deployed = subprocess.run([prefect, "--no-prompt", "deploy", "--all"], cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr

    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(f"{nightly_ingest.name}/{spec['name']}")
    assert deployment.entrypoint == spec["entrypoint"] and deployment.work_pool_name == spec["work_pool"]["name"]
    assert deployment.parameters == spec["parameters"]
    assert [(s.schedule.cron, s.schedule.timezone) for s in deployment.schedules] == [
        (c["cron"], c["timezone"]) for c in spec["schedules"]]
    assert deployment.pull_steps == [{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}]




def finish(process: subprocess.Popen, timeout: float = 180) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"vnplan did not finish in {timeout} s:\n{out}\n{err}")
    return process.returncode, out, err


def test_a_second_writer_waits_a_bounded_time_then_exits_with_a_clear_message(tmp_path, prefect_api):
    sample_inbox(tmp_path / "inbox")
    lake = Lake(tmp_path / "data/lake")
    with lake.begin_run("held-by-the-test"):
        clock = time.monotonic()
        code, out, err = finish(vnplan("nightly", "--inbox", "inbox", "--wait", "1", "--quiet", cwd=tmp_path))
        ingest_code, _, ingest_err = finish(vnplan("ingest", "inbox", "--wait", "0.5", "--quiet", cwd=tmp_path))
    assert ingest_code == 3 and "held-by-the-test" in ingest_err and "vnplan ingest: another run (pid" in ingest_err
    assert code == 3, err
    assert "another run (pid" in err and f"{os.getpid()}" in err and "held-by-the-test" in err
    assert "nothing was changed" in err and "--wait" in err
    assert time.monotonic() - clock < 60
    assert not (tmp_path / "data/plans.duckdb").exists() and lake.manifest().runs == []


def test_a_folder_named_as_db_fails_the_nightly_run_with_one_line_and_exit_4(tmp_path, prefect_api):
    (tmp_path / "inbox").mkdir()
    shutil.copy(next((SAMPLES / "text").glob("*.txt")), tmp_path / "inbox")
    (tmp_path / "data/plans.duckdb").mkdir(parents=True)
    code, out, err = finish(vnplan("nightly", "--inbox", "inbox", "--quiet", cwd=tmp_path))
    assert code == 4, err
    assert err.strip() == ("vnplan nightly: the run failed, the published database is unchanged: "
                                            f"{tmp_path}/data/plans.duckdb: is a folder; --db names the DuckDB file "
                                            f"to publish, e.g. {tmp_path}/data/plans.duckdb/plans.duckdb")
    assert not (tmp_path / "data/lake").exists()  # before the lake was touched or a file read


def test_a_full_disk_fails_the_nightly_publish_in_one_line_and_keeps_the_published_file(tmp_path, prefect_api,
                                                                                         capfd, monkeypatch):
    from pipeline.flow import nightly_ingest
    from test_run_failures import PLANS, digest, fill_up, small_disk

    (tmp_path / "inbox").mkdir()
    shutil.copy(PLANS[0], tmp_path / "inbox" / "first.txt")
    with small_disk(tmp_path / "disk", 32768) as disk:
        db = (disk or tmp_path / "disk") / "plans.duckdb"
        options = {"inbox": str(tmp_path / "inbox"), "db": str(db), "lake": str(tmp_path / "lake"),
                   "reports": str(tmp_path / "reports"), "return_state": True}
        assert nightly_ingest(**options).is_completed()
        before = digest(db)
        fill_up(disk, monkeypatch, "pipeline.publish.replace_durably")
        shutil.copy(PLANS[1], tmp_path / "inbox" / "second.txt")
        capfd.readouterr()
        state = nightly_ingest(**options)
        output = "".join(capfd.readouterr())
        assert state.is_failed() and state.message.startswith(f"cannot publish {db}")  # or its build, beside it
        assert "No space left on device" in state.message and "\n" not in state.message
        assert "Traceback" not in output, output
        assert digest(db) == before


def test_a_disk_full_after_publishing_says_the_database_was_published(tmp_path, prefect_api, capsys, monkeypatch):
    """The reports folder fills up between publishing and the report: the new database is there,
    and the one-line message must say so (not 'the published database is unchanged')."""
    import argparse

    from pipeline import cli
    from pipeline.flow import nightly_ingest
    from test_run_failures import PLANS, documents, fill_up, small_disk

    (tmp_path / "inbox").mkdir()
    shutil.copy(PLANS[0], tmp_path / "inbox" / "first.txt")
    with small_disk(tmp_path / "disk", 64) as disk:
        reports, db = (disk or tmp_path / "disk") / "reports", tmp_path / "plans.duckdb"
        options = {"inbox": str(tmp_path / "inbox"), "db": str(db), "lake": str(tmp_path / "lake"),
                   "reports": str(reports), "return_state": True}
        assert nightly_ingest(**options).is_completed()
        # the reports folder's disk filled up after the check before the run (its empty probe file fitted)
        fill_up(disk, monkeypatch, "pipeline.report.write_bytes_atomically")
        shutil.copy(PLANS[1], tmp_path / "inbox" / "second.txt")
        state = nightly_ingest(**options)
        assert state.is_failed()
        assert state.message.startswith(f"published {db}, but cannot write the run report to {reports}")
        assert state.message.endswith(": No space left on device") and "\n" not in state.message
        assert documents(db) == ["first.txt", "second.txt"]  # the run's database is the published one
        capsys.readouterr()
        assert cli._flow_exit(state, argparse.Namespace(), 0.0) == cli.EXIT_RUN_FAILED
        assert capsys.readouterr().err == f"vnplan nightly: {state.message}\n"


def test_a_report_folder_that_cannot_be_written_fails_the_nightly_run_before_it_starts(tmp_path, prefect_api):
    (tmp_path / "inbox").mkdir()
    shutil.copy(next((SAMPLES / "text").glob("*.txt")), tmp_path / "inbox")
    (tmp_path / "reports").write_text("a file where the reports folder should be")
    code, out, err = finish(vnplan("nightly", "--inbox", "inbox", "--reports", "reports", "--quiet", cwd=tmp_path))
    assert code == 4, err
    assert err.strip() == ("vnplan nightly: the run failed, the published database is unchanged: "
                                            f"cannot write the run report: {tmp_path}/reports is not a folder")
    assert not (tmp_path / "data/plans.duckdb").exists()  # refused before anything was published


def test_a_nightly_run_takes_a_file_name_that_is_not_utf8(tmp_path, nightly):
    (tmp_path / "inbox").mkdir()
    shutil.copy(SAMPLES / "tamduong-2030.docx", tmp_path / "inbox")
    odd = os.fsencode(tmp_path / "inbox") + b"/K\xd5 ho\xb9ch.txt"  # TCVN3 bytes, from a Windows archive
    with open(odd, "wb") as f:
        f.write(next((SAMPLES / "text").glob("*.txt")).read_bytes())
    open(odd.replace(b".txt", b" (empty).txt"), "wb").close()
    result, flow_run_id = nightly(tmp_path)
    assert (result.ok, result.failed) == (2, 1)
    assert "| K\ufffd ho\ufffdch (empty).txt | empty file" in result.report.read_text()
    assert {row["file"] for row in artifacts(flow_run_id)["vnplan-run-files"]} == {
        "tamduong-2030.docx", "K\ufffd ho\ufffdch.txt", "K\ufffd ho\ufffdch (empty).txt"}
    assert sql(tmp_path / "out/plans.duckdb", "SELECT source_path_bytes FROM documents WHERE source_path_bytes "
                                              "IS NOT NULL") == [(odd,)]


def children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found.update(int(c) for c in (task / "children").read_text().split())
        except FileNotFoundError:  # a thread that just ended
            pass
    return found


def command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_sigkill_during_a_nightly_run_leaves_the_last_database_whole(tmp_path, nightly):
    """Runs `vnplan nightly` as a user would, with no Prefect server configured: it starts its
    own. Killed mid-extraction, it leaves the published database and the lake as they were, and
    no process behind (its server, its extraction processes); the next run finishes the work."""
    ws = tmp_path
    sample_inbox(ws / "inbox")
    shutil.rmtree(ws / "inbox/text")
    first, _ = nightly(ws, db=str(ws / "data/plans.duckdb"), lake=str(ws / "data/lake"))
    previous = counts(ws / "data/plans.duckdb")
    for i in range(6):  # 6 × 5 new distinct files: enough for the extraction processes to start
        for path in sorted((SAMPLES / "text").glob("*.txt")):
            (ws / f"inbox/batch/{i}-{path.name}").parent.mkdir(parents=True, exist_ok=True)
            (ws / f"inbox/batch/{i}-{path.name}").write_text(path.read_text() + f"\nBản sao {i}\n", encoding="utf-8")
    no_server = {"PREFECT_API_URL": ""}

    process = vnplan("nightly", "--inbox", "inbox", "--quiet", cwd=ws, env=no_server)
    deadline = time.monotonic() + 120
    while not any(b"spawn_main" in command_line(c) for c in children(process.pid)):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never started its extraction processes"
        time.sleep(0.05)
    time.sleep(0.5)
    left = children(process.pid)
    assert len(left) >= 3  # the Prefect server and the extraction processes
    process.send_signal(signal.SIGKILL)
    process.communicate()

    lake = Lake(ws / "data/lake")
    assert lake.manifest().runs == [first.run_id]  # killed before its commit
    assert counts(ws / "data/plans.duckdb") == previous
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in left):
        assert time.monotonic() < deadline, f"left behind: {[p for p in left if alive(p)]}"
        time.sleep(0.1)

    code, out, err = finish(vnplan("nightly", "--inbox", "inbox", cwd=ws, env=no_server))
    assert code == 0, err
    assert "files ok" in out and "report: " in out
    assert "a temporary server" in err and "View at" not in out + err  # no link to a server gone with the run
    after = counts(ws / "data/plans.duckdb")
    assert after["documents"] == previous["documents"] + files_in(ws / "inbox/batch")
    assert sql(ws / "data/plans.duckdb", "SELECT count(*) - count(DISTINCT doc_id) FROM documents") == [(0,)]
    assert not list((ws / "data").glob("plans.duckdb.*")) and not list((ws / "data/lake").rglob(".*"))
    assert len(list((ws / "data/reports").glob("*.md"))) == 2


def test_nightly_json_prints_the_run_summary_on_stdout(tmp_path, prefect_api):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "tamduong-2030.docx", inbox)
    code, out, err = finish(vnplan("nightly", "--inbox", "inbox", "--json", cwd=tmp_path))

    assert code == 0, err
    summary = json.loads(out)  # Prefect's log, the summary table and the report's path went to stderr
    assert summary["files"]["new"] == summary["files"]["total"] == 1
    assert summary["published_rows"] == counts(tmp_path / "data/plans.duckdb")
    assert summary["inbox"] == str(inbox) and Path(summary["report"]).is_file()
    assert "files ok" in err and f"report: {summary['report']}" in err


def test_the_flow_tells_the_progress_display_each_file_read_and_stored(tmp_path, nightly, monkeypatch):
    from pipeline import flow
    from test_progress import Recording

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("tamduong-2030.docx", "nghean-542-kh-ubnd.html"):
        shutil.copy(SAMPLES / name, inbox)
    progress = Recording()
    monkeypatch.setattr(flow, "shown_progress", progress)  # as `vnplan nightly` sets it
    result, _ = nightly(tmp_path, processes=2)

    assert result.ok == 2
    for path in (str(inbox / "tamduong-2030.docx"), str(inbox / "nghean-542-kh-ubnd.html")):
        assert progress.events.index(("started", path)) < progress.events.index(("stored", path, True))
    assert (progress.total, progress.done, progress.extracted, progress.reading) == (2, 2, 2, {})
    assert progress.step == "publishing plans.duckdb"


def test_serve_deploys_the_flow_on_a_cron_schedule(tmp_path, prefect_api):
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    sample_inbox(tmp_path / "inbox")
    shutil.rmtree(tmp_path / "inbox/text")
    process = vnplan("serve", "--inbox", "inbox", "--cron", "0 2 * * *", "--name", "test-nightly", cwd=tmp_path,
                     env={"PREFECT_RUNNER_POLL_FREQUENCY": "1"})
    try:
        deployment = None
        deadline = time.monotonic() + 90
        with get_client(sync_client=True) as client:
            while deployment is None:
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the deployment never appeared"
                try:
                    deployment = client.read_deployment_by_name("nightly-ingest/test-nightly")
                except Exception:
                    time.sleep(0.5)
        assert [s.schedule.cron for s in deployment.schedules] == ["0 2 * * *"]
        assert deployment.parameters["inbox"] == str(tmp_path / "inbox")

        flow_run = run_deployment("nightly-ingest/test-nightly", timeout=120, poll_interval=1)
        assert flow_run.state.is_completed(), flow_run.state
        assert counts(tmp_path / "data/plans.duckdb")["documents"] == files_in(tmp_path / "inbox")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
