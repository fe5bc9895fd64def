"""Publishing: the DuckDB file researchers open, rebuilt from the lake's current rows.

A DuckDB file open for writing cannot be opened by another process, so the file is never written
in place: a new self-contained file is built next to the target and renamed onto it. Readers that
already have the old file open keep reading it; new readers get the new one.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from extractors.version import code_digest, extractor_version
from schemas.dictionary import DbObject, record_tables
from schemas.records import TABLES

from .atomic import process_alive, replace_durably
from .lake import Lake, Manifest
from .plans import link, published_plan_ids
from .tables import DUCKDB_CONFIG, quote_ident
from .views import comment_sql, create_derived

# DuckDB's default limit is 80 % of RAM; building the search index then took the 2,000-document
# publish to 2 GiB. With this cap it spills instead: 709 MiB peak for ~13 % more time.
PUBLISH_MEMORY = os.environ.get("VNPLAN_PUBLISH_MEMORY", "512MB")
# The storage format written, so that DuckDB 1.1 and newer (the CLI, R, DBeaver) open the file, not only the
# 2.0 that writes it: v1.0.0 (storage number 64) keeps every feature used, for a file ~25 % larger. Not newer:
# DuckDB 1.3.2 read a v1.3.0 file written by 2.0 with a column's strings turned NULL (1.0.0 cannot read the macros).
STORAGE_VERSION = "v1.0.0"


def publish(lake: Lake, db: Path | str) -> dict[str, int]:
    """Build the DuckDB file from the lake's current manifest; returns rows per table.

    When the previous file has the same record tables (its publication.records_fingerprint), it is
    copied and only its ingest_log replaced: a run that found every file unchanged publishes in
    about the time of the copy instead of rebuilding every table and the search index."""
    import duckdb

    db = Path(db).absolute()
    db.parent.mkdir(parents=True, exist_ok=True)
    _remove_dead_builds(db)
    tmp = db.with_name(f"{db.name}.tmp-{os.getpid()}")
    _remove_build(tmp)
    manifest = lake.manifest()  # one snapshot: every file it names is complete and never changes
    fingerprint = records_fingerprint(manifest)
    tables = {obj.name: obj for obj in record_tables()}
    try:
        published_fingerprint, previous_plans = _previous(db)
        log_only = published_fingerprint == fingerprint
        if log_only:
            shutil.copyfile(db, tmp)
        with duckdb.connect(str(tmp), config={**DUCKDB_CONFIG, "memory_limit": PUBLISH_MEMORY,
                                               "storage_compatibility_version": STORAGE_VERSION}) as con:
            if log_only:
                con.execute("DROP TABLE ingest_log")
                _load(con, lake, tables["ingest_log"], manifest)
                con.execute("UPDATE publication SET published_at = now()")
            else:
                for obj in tables.values():
                    _load(con, lake, obj, manifest)
                link(con, previous_plans)  # documents.plan_id, preferred_copy; citations.cited_doc_id
                # indicator catalogue, publication, views, plan changes, search index, macros (schemas/*.sql)
                create_derived(con, {"vnplan_version": extractor_version(), "vnplan_records_fingerprint": fingerprint})
            counts = {t: con.execute(f"SELECT count(*) FROM {quote_ident(t)}").fetchone()[0] for t in TABLES}
            con.execute("CHECKPOINT")  # everything into the main file, so no .wal has to travel with it
        # A WAL left by someone who opened the old file for writing would be replayed onto the new one.
        Path(f"{db}.wal").unlink(missing_ok=True)
        replace_durably(tmp, db)
    finally:
        _remove_build(tmp)
    return counts


def records_fingerprint(manifest: Manifest) -> str:
    """What the record tables of a file published from `manifest` hold: the current documents, the
    runs holding their rows, and the code that loads and derives them."""
    digest = hashlib.sha256(code_digest("extractors", "schemas", "pipeline").encode())
    for doc_id in sorted(manifest.docs):
        digest.update(f"\n{doc_id} {manifest.docs[doc_id].run_id}".encode())
    return digest.hexdigest()


def _previous(db: Path) -> tuple[str | None, dict[str, str]]:
    """The previously published file's records fingerprint, and its plan ids (doc_id -> plan_id) for
    the plans to keep them."""
    import duckdb

    if not db.is_file():
        return None, {}
    try:
        with duckdb.connect(str(db), read_only=True, config=DUCKDB_CONFIG) as con:
            plan_ids = published_plan_ids(con)
            return con.execute("SELECT records_fingerprint FROM publication").fetchone()[0], plan_ids
    except (duckdb.Error, TypeError):  # not a DuckDB file, an older layout, an empty publication table
        return None, {}


def _load(con, lake: Lake, table: DbObject, manifest: Manifest) -> None:
    """A record table with its rows and its comments (the dataclass's docs)."""
    lake.load(con, table.name, manifest)
    for statement in comment_sql(table):
        con.execute(statement)


def _remove_build(tmp: Path) -> None:
    """The file being built, its WAL, and the folder DuckDB spills to when over its memory limit."""
    tmp.unlink(missing_ok=True)
    Path(f"{tmp}.wal").unlink(missing_ok=True)
    shutil.rmtree(f"{tmp}.tmp", ignore_errors=True)


def _remove_dead_builds(db: Path) -> None:
    """Remove what publishers that were killed (their pid no longer runs) left half-built."""
    prefix = f"{db.name}.tmp-"
    for path in db.parent.glob(f"{prefix}*"):
        pid = path.name[len(prefix):].split(".")[0]
        if pid.isdigit() and not process_alive(int(pid)):
            _remove_build(db.with_name(prefix + pid))
