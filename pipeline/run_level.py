"""Failures of a run as a whole, as opposed to one file's: the storage is full or read-only, a
path is not what it should be. The run then stops with one line naming the path and the cause
(`vnplan` exits with status 4), and the previously published database stays as it was: the lake's
manifest and the DuckDB file are only ever replaced whole (pipeline/atomic.py).
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator


class RunFailed(Exception):
    """The run could not go on; its message is one line naming the path and the cause."""


class ReportFailed(RunFailed):
    """The run published its database, then could not write its report: the message must not
    say the database is unchanged."""


def check_db_path(db: Path) -> None:
    """Fail now, before any file is read, when the DuckDB file cannot be published at `db`: a folder
    is there, or its folder cannot be made or written to (read-only, no permission; for root, whose
    permissions are not checked, only an actual write tells: so one is tried)."""
    db = Path(db).absolute()
    if db.is_dir():
        raise RunFailed(f"{db}: is a folder; --db names the DuckDB file to publish, e.g. {db / 'plans.duckdb'}")
    if os.path.lexists(db) and not db.is_file():
        raise RunFailed(f"{db}: is not a regular file; --db names the DuckDB file to publish")
    check_folder(db.parent, f"cannot publish the database at {db}")


def check_folder(folder: Path, doing: str) -> None:
    """Fail now when `folder` cannot be made or written to; `doing` starts the message."""
    folder = Path(folder).absolute()
    existing = next(f for f in (folder, *folder.parents) if os.path.lexists(f))
    if not existing.is_dir():
        raise RunFailed(f"{doing}: {existing} is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".vnplan-probe-", dir=folder)
    except OSError as e:  # the folder, not the name of the probe, is what the user can fix
        raise RunFailed(f"{doing}: {folder}: {e.strerror or e}") from e
    os.close(fd)
    os.unlink(probe)


@contextlib.contextmanager
def failing_as_run(path: Path | str, doing: str) -> Iterator[None]:
    """A storage error inside becomes RunFailed: '<doing> <path>: <cause>', the path being the
    file the system named when it names one."""
    import duckdb

    try:
        yield
    except OSError as e:
        where = os.fsdecode(e.filename) if e.filename else str(path)
        cause = e.strerror or str(e)
        raise RunFailed(f"{doing} {where}: {cause}") from e
    except duckdb.Error as e:  # DuckDB's own I/O: a full disk while building the file
        cause = " ".join(str(e).split())
        raise RunFailed(f"{doing} {path}: {cause}") from e
