"""Publishing: the DuckDB file researchers open, rebuilt from the lake's current rows.

A DuckDB file open for writing cannot be opened by another process, so the file is never written
in place: a new self-contained file is built next to the target and renamed onto it. Readers that
already have the old file open keep reading it; new readers get the new one.
"""
from __future__ import annotations

import os
from pathlib import Path

from schemas.records import TABLES

from .atomic import process_alive, replace_durably
from .lake import Lake
from .tables import DUCKDB_CONFIG, comment_sql, quote_ident
from .views import create_derived

# DuckDB's default limit is 80 % of RAM; building the search index then took the 2,000-document
# publish to 2 GiB. With this cap it spills instead: 709 MiB peak for ~13 % more time.
PUBLISH_MEMORY = os.environ.get("VNPLAN_PUBLISH_MEMORY", "512MB")


def publish(lake: Lake, db: Path | str) -> dict[str, int]:
    """Build the DuckDB file from the lake's current manifest; returns rows per table."""
    import duckdb

    db = Path(db).absolute()
    db.parent.mkdir(parents=True, exist_ok=True)
    _remove_dead_builds(db)
    tmp = db.with_name(f"{db.name}.tmp-{os.getpid()}")
    _remove_build(tmp)
    manifest = lake.manifest()  # one snapshot: every file it names is complete and never changes
    try:
        with duckdb.connect(str(tmp), config={**DUCKDB_CONFIG, "memory_limit": PUBLISH_MEMORY}) as con:
            counts = {}
            for table in TABLES:
                lake.load(con, table, manifest)
                for statement in comment_sql(table):
                    con.execute(statement)
                counts[table] = con.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchone()[0]
            create_derived(con)  # indicator catalogue, views, search index, macros (schemas/*.sql)
            con.execute("CHECKPOINT")  # everything into the main file, so no .wal has to travel with it
        # A WAL left by someone who opened the old file for writing would be replayed onto the new one.
        Path(f"{db}.wal").unlink(missing_ok=True)
        replace_durably(tmp, db)
    finally:
        _remove_build(tmp)
    return counts


def _remove_build(tmp: Path) -> None:
    tmp.unlink(missing_ok=True)
    Path(f"{tmp}.wal").unlink(missing_ok=True)


def _remove_dead_builds(db: Path) -> None:
    """Remove half-built files of publishers that were killed (their pid no longer runs)."""
    prefix = f"{db.name}.tmp-"
    for path in db.parent.glob(f"{prefix}*"):
        pid = path.name[len(prefix):].removesuffix(".wal")
        if pid.isdigit() and not process_alive(int(pid)):
            path.unlink(missing_ok=True)
