"""Failures of a run as a whole (pipeline/run_level.py) and publishing under the lake lock.

A full disk, a read-only folder, a folder named as --db: `vnplan ingest` ends with one line naming
the path and the cause, exit status 4, and the previously published database intact. The disk and
the read-only folder are real (a small tmpfs, remounted read-only) where this process may mount one
(as root); elsewhere the same failure is simulated where the system would raise it.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Iterator

import duckdb
import pytest

from pipeline import cli

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
PLANS = sorted((SAMPLES / "text").glob("*.txt"))


@contextlib.contextmanager
def small_disk(where: Path, size_kb: int) -> Iterator[Path | None]:
    """A tmpfs of `size_kb` mounted at `where`, or None when this process may not mount one."""
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)],
                             capture_output=True).returncode == 0 if shutil.which("mount") else False
    try:
        yield where if mounted else None
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(where)], check=True)


def fill_up(disk: Path | None, monkeypatch, where: str) -> None:
    """No space left: the mounted tmpfs `disk` filled to its last page, or, where none could be
    mounted, the storage function `where` (a dotted name) failing with ENOSPC."""
    if disk:
        with contextlib.suppress(OSError), open(disk / "filler", "wb", buffering=0) as filler:
            while True:
                filler.write(b"\0" * 4096)
    else:
        def no_space(path, *args):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        monkeypatch.setattr(where, no_space)


def ingest(capsys, *args: str) -> tuple[int, str]:
    """`vnplan ingest ... --quiet --processes 0` in this process (so a failure can be simulated);
    returns the exit status and stderr."""
    capsys.readouterr()
    code = cli.main(["ingest", *args, "--quiet", "--processes", "0"])
    return code, capsys.readouterr().err


def documents(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [Path(p).name for (p,) in con.execute("SELECT source_path FROM documents ORDER BY 1").fetchall()]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_run_failed(code: int, stderr: str, *words: str) -> None:
    assert code == 4, stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr, stderr  # one line
    assert stderr.startswith("vnplan ingest: the run failed, the published database is unchanged: "), stderr
    for word in words:
        assert word in stderr, (word, stderr)


def published_once(tmp_path: Path, inbox: Path, capsys, disk: Path | None, on_disk: str) -> tuple[Path, Path, Path, str]:
    """A first run published, with the database or the lake (`on_disk`: "db" or "lake") in the small
    disk's folder and the other beside it: (that folder, the database, the lake, the database's digest)."""
    folder = disk or tmp_path / "disk"
    db = folder / "plans.duckdb" if on_disk == "db" else tmp_path / "plans.duckdb"
    lake = folder / "lake" if on_disk == "lake" else tmp_path / "lake"
    assert ingest(capsys, str(inbox), "--db", str(db), "--lake", str(lake))[0] == 0
    return folder, db, lake, digest(db)


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(PLANS[0], folder / "first.txt")
    return folder


def test_a_folder_named_as_db_fails_the_run_before_any_file_is_read(tmp_path, inbox, capsys):
    (tmp_path / "data").mkdir()
    code, err = ingest(capsys, str(inbox), "--db", str(tmp_path / "data"), "--lake", str(tmp_path / "lake"))
    assert_run_failed(code, err, f"{tmp_path / 'data'}: is a folder")
    assert not (tmp_path / "lake").exists()  # checked before the lake was touched or a file read


def test_a_db_folder_that_cannot_be_made_fails_the_run(tmp_path, inbox, capsys):
    (tmp_path / "data").write_text("a file where the database's folder should be")
    db = tmp_path / "data" / "sub" / "plans.duckdb"
    code, err = ingest(capsys, str(inbox), "--db", str(db), "--lake", str(tmp_path / "lake"))
    assert_run_failed(code, err, f"cannot publish the database at {db}: {tmp_path / 'data'} is not a folder")
    assert not (tmp_path / "lake").exists()


@pytest.mark.parametrize("read_only", ["db", "lake"])
def test_a_read_only_folder_fails_the_run_and_keeps_the_published_file(tmp_path, inbox, capsys, monkeypatch,
                                                                       read_only):
    with small_disk(tmp_path / "disk", 8192) as disk:
        folder, db, lake, before = published_once(tmp_path, inbox, capsys, disk, on_disk=read_only)
        if disk:  # root writes wherever permissions say no: only a read-only mount stops it
            subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        else:
            def refused(*args, **kwargs):  # open(path, ...) or mkstemp(..., dir=folder)
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(kwargs.get("dir") or args[0]))
            if read_only == "db":
                monkeypatch.setattr("pipeline.run_level.tempfile.mkstemp", refused)
            else:
                monkeypatch.setattr("pipeline.lake.open", refused, raising=False)  # the lock file
        shutil.copy(PLANS[1], inbox / "second.txt")
        code, err = ingest(capsys, str(inbox), "--db", str(db), "--lake", str(lake))
        where = (f"cannot publish the database at {db}: {folder}:" if read_only == "db"
                 else f"cannot write the lake {lake / '_state' / 'lock'}:")
        assert_run_failed(code, err, where, "Read-only file system")
        assert digest(db) == before and documents(db) == ["first.txt"]
        assert len(os.listdir(lake / "ingest_log")) == 1  # refused before the run: the lake has only the first


@pytest.mark.parametrize("full", ["db", "lake"])
def test_a_full_disk_fails_the_run_and_keeps_the_published_file(tmp_path, inbox, capsys, monkeypatch, full):
    with small_disk(tmp_path / "disk", 32768) as disk:
        folder, db, lake, before = published_once(tmp_path, inbox, capsys, disk, on_disk=full)
        fill_up(disk, monkeypatch,
                "pipeline.publish.replace_durably" if full == "db" else "pipeline.lake.replace_durably")
        shutil.copy(PLANS[1], inbox / "second.txt")
        code, err = ingest(capsys, str(inbox), "--db", str(db), "--lake", str(lake))
        assert_run_failed(code, err, str(folder), "No space left on device")
        assert digest(db) == before and documents(db) == ["first.txt"]
        assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith("plans.duckdb")) == ["plans.duckdb"]
        (folder / "filler").unlink(missing_ok=True)
        monkeypatch.undo()
        again = ingest(capsys, str(inbox), "--db", str(db), "--lake", str(lake))
        assert again[0] == 0, again  # space again: it goes on
        assert documents(db) == ["first.txt", "second.txt"]


# The slow run: its build (after the lake commit) waits until the fast run has finished, at most 15 s.
SLOW_RUN = """
import sys, time
from pathlib import Path
import pipeline.publish
from pipeline.ingest import Steps, run_ingest

inbox, db, lake, fast_done = sys.argv[1:]
create_derived = pipeline.publish.create_derived

def slow_build(con, settings):
    deadline = time.monotonic() + 15
    while not Path(fast_done).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    create_derived(con, settings)

pipeline.publish.create_derived = slow_build
run_ingest([inbox], db, lake, steps=Steps(processes=0))
"""


def test_an_older_build_never_replaces_a_newer_publication(tmp_path):
    """Two runs on one lake: the first is slow to build its file, the second commits meanwhile. The
    file published last must be the second's, holding both runs' documents."""
    import sys

    from pipeline.ingest import Steps, run_ingest

    for name, plan in (("slow", PLANS[0]), ("fast", PLANS[1])):
        (tmp_path / name).mkdir()
        shutil.copy(plan, tmp_path / name / f"{name}.txt")
    db, lake, fast_done = tmp_path / "plans.duckdb", tmp_path / "lake", tmp_path / "fast-done"
    slow = subprocess.Popen([sys.executable, "-c", SLOW_RUN, str(tmp_path / "slow"), str(db), str(lake),
                             str(fast_done)], env={**os.environ, "PYTHONPATH": str(Path(cli.__file__).parents[1])})
    try:
        deadline = time.monotonic() + 120
        while not (lake / "_state" / "manifest.json").exists():  # the slow run has committed; it is building
            assert slow.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        run_ingest([tmp_path / "fast"], db, lake, steps=Steps(processes=0))
        fast_done.touch()
        assert slow.wait(120) == 0
    finally:
        slow.kill()
    assert documents(db) == ["fast.txt", "slow.txt"]
