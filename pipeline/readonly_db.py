"""The published DuckDB file opened for reading only: what `query`, `search`, `show`, `export`, the
notebook and the web explorer use.

Read-only alone is not enough: SQL can still `COPY ... TO` any path (the database file included),
`ATTACH` another database writable, or read any file the user can (`read_csv('/etc/shadow')`).
With external access disabled DuckDB refuses every file-system and network operation and the
loading of extensions, and with the configuration locked no `SET` can turn that back on. The
file's own tables, views and macros still work.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from .tables import DUCKDB_CONFIG

READ_ONLY_CONFIG = {**DUCKDB_CONFIG, "enable_external_access": False, "lock_configuration": True}
REFUSED = ("queries read the published file only: reading or writing other files, attaching databases, "
           "loading extensions and changing settings are refused")


class NoDatabase(FileNotFoundError):
    """The path names no database file (missing, or a folder)."""


def open_read_only(db: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to `db` that can reach nothing outside it; NoDatabase if there is no such file."""
    if not Path(db).is_file():
        raise NoDatabase(f"{db}: no such database; run `vnplan ingest` first or pass --db")
    return duckdb.connect(str(db), read_only=True, config=READ_ONLY_CONFIG)


def is_refusal(error: duckdb.Error) -> bool:
    """Whether DuckDB refused `error`'s statement for reaching outside the file or changing a setting."""
    return isinstance(error, duckdb.PermissionException) or "configuration has been locked" in str(error)
