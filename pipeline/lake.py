"""The Parquet lake: every run's records, and a manifest saying which of them are current.

Layout:
    LAKE/<table>/<run_id>.parquet   one file per table per run, never modified once in place
    LAKE/_state/manifest.json       committed runs, and for each current document the run holding its rows
    LAKE/_state/lock                held by the one run writing to the lake; names its pid, host and run

A run writes its files under temporary names and renames them into place, then replaces the
manifest, last. A run killed at any moment therefore leaves the previous manifest pointing at
complete files; whatever it left behind is swept by the next run. Only the manifest decides
what is current, so re-ingesting a document never rewrites older files: the manifest just points
to the new run for that doc_id. ingest_log is the exception: every committed run's log is read.
"""
from __future__ import annotations

import dataclasses
import fcntl
import json
import logging
import os
import re
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Mapping

import pyarrow as pa
import pyarrow.parquet as pq

from schemas.records import TABLES, DocumentRecord, IngestLogRecord, arrow_schema, to_arrow

from .atomic import fsync_dir, replace_durably, write_bytes_atomically
from .tables import DUCKDB_CONFIG, create_table_sql, quote_ident, quote_str

logger = logging.getLogger(__name__)

MANIFEST_FORMAT = 1
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
RECORD_TABLES = [t for t in TABLES if t != "ingest_log"]
FLUSH_ROWS = 10_000  # rows buffered per table before a row group is written: bounds memory on big runs
# Pieces buffered before they are merged into one: a one-row Arrow table (a document, a log row)
# costs some 50 KiB of objects, so 10,000 of them would hold half a gigabyte.
MERGE_PIECES = 200


class LakeBusy(Exception):
    """Another run held the lake's lock for longer than this run would wait."""


@dataclass(frozen=True)
class DocEntry:
    """Where a current document's rows are, and what they were extracted from."""
    run_id: str
    source_path: str
    source_key: str  # absolute source path: the same file given relative to another cwd still matches
    extractor_version: str


@dataclass(frozen=True)
class FailedEntry:
    """Content that could not be read, and why; the same bytes are not read again by the same
    extractor version (a file that hangs would otherwise cost its time limit every night)."""
    run_id: str
    source_path: str
    extractor_version: str
    error: str


@dataclass
class Manifest:
    runs: list[str] = field(default_factory=list)
    docs: dict[str, DocEntry] = field(default_factory=dict)
    failed: dict[str, FailedEntry] = field(default_factory=dict)  # by doc_id: content, not path

    @classmethod
    def from_json(cls, data: dict) -> Manifest:
        if data.get("format") != MANIFEST_FORMAT:
            raise ValueError(f"lake manifest format {data.get('format')!r} is not {MANIFEST_FORMAT}: "
                             "this vnplan cannot read the lake; use the vnplan version that wrote it")
        return cls(runs=list(data["runs"]), docs={k: DocEntry(**v) for k, v in data["docs"].items()},
                   failed={k: FailedEntry(**v) for k, v in data.get("failed", {}).items()})  # added later

    def to_json(self) -> bytes:
        data = {"format": MANIFEST_FORMAT, "runs": self.runs,
                "docs": {k: dataclasses.asdict(v) for k, v in self.docs.items()},
                "failed": {k: dataclasses.asdict(v) for k, v in self.failed.items()}}
        # A file name that is not UTF-8 holds lone surrogates (schemas/records.py): written as \udcXX
        # escapes, which json.loads turns back into the same name, the rest of the text stays readable.
        text = json.dumps(data, ensure_ascii=False, indent=1)
        return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).encode()

    def copy(self) -> Manifest:
        return Manifest(runs=list(self.runs), docs=dict(self.docs), failed=dict(self.failed))

    def by_source(self) -> dict[str, str]:
        """Absolute source path → doc_id of the document currently read from it."""
        return {entry.source_key: doc_id for doc_id, entry in self.docs.items()}


class Lake:
    def __init__(self, root: Path | str):
        self.root = Path(root).absolute()
        self.state_dir = self.root / "_state"
        self.manifest_path = self.state_dir / "manifest.json"

    def manifest(self) -> Manifest:
        try:
            return Manifest.from_json(json.loads(self.manifest_path.read_bytes()))
        except FileNotFoundError:
            return Manifest()

    def table_file(self, table: str, run_id: str) -> Path:
        return self.root / table / f"{run_id}.parquet"

    def _lock(self, run_id: str, wait: float | None) -> IO:
        """Exclusive hold on the lake for one writing run, released by closing the returned file
        (the OS releases it too when the process dies, so a killed run never leaves it stale).
        Waits for another holder at most `wait` seconds (None: as long as it takes), then raises
        LakeBusy. The holder's pid, run and start time are written into the file for that message."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        f = open(self.state_dir / "lock", "a+")
        try:
            self._acquire(f, wait)
            f.seek(0)
            f.truncate()
            f.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "run_id": run_id,
                                "since": time.strftime("%Y-%m-%d %H:%M:%S %z")}) + "\n")
            f.flush()
        except BaseException:
            f.close()
            raise
        return f

    def _acquire(self, f: IO, wait: float | None) -> None:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        holder = self.lock_holder()
        logger.warning("another run (%s) is writing to %s; waiting for it to finish%s", holder, self.root,
                       "" if wait is None else f" (at most {wait:g} s)")
        if wait is None:
            fcntl.flock(f, fcntl.LOCK_EX)
            return
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LakeBusy(f"another run ({self.lock_holder()}) is still writing to {self.root} after "
                                   f"waiting {wait:g} s; nothing was changed. Run again when it has finished, "
                                   "or wait longer (--wait SECONDS)") from None
                time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))

    def lock_holder(self) -> str:
        """Who holds the lake lock, as written by the holder (best effort: for messages only)."""
        try:
            info = json.loads((self.state_dir / "lock").read_text() or "{}")
        except (OSError, ValueError):
            info = {}
        if not info:
            return "unknown holder"
        return f"pid {info.get('pid')} on {info.get('host')}, run {info.get('run_id')}, since {info.get('since')}"

    def begin_run(self, run_id: str, *, wait: float | None = None) -> RunWriter:
        """Start writing a run; holds the lake lock until the run is committed or aborted.
        Raises LakeBusy when another run still holds it after `wait` seconds (None: wait on)."""
        lock = self._lock(run_id, wait)
        try:
            base = self.manifest()
            self._sweep(base)
        except BaseException:
            lock.close()
            raise
        return RunWriter(self, run_id, base, lock)

    def _sweep(self, manifest: Manifest) -> None:
        """Remove what killed runs left: temporary files, and files of runs that never committed."""
        committed = set(manifest.runs)
        for table in TABLES:
            folder = self.root / table
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.name.startswith(".") or (path.suffix == ".parquet" and path.stem not in committed):
                    path.unlink(missing_ok=True)

    def current_files(self, table: str, manifest: Manifest) -> list[Path]:
        if table == "ingest_log":
            runs = manifest.runs
        else:
            runs = sorted({entry.run_id for entry in manifest.docs.values()})
        # A table added to the schema after a run was written has no file in that run.
        return [path for run in runs if (path := self.table_file(table, run)).exists()]

    def load(self, con, table: str, manifest: Manifest) -> None:
        """Create `table` on a DuckDB connection and fill it with the table's current rows."""
        con.execute(create_table_sql(table))
        files = self.current_files(table, manifest)
        if not files:
            return
        file_list = "[" + ", ".join(quote_str(str(f)) for f in files) + "]"
        # union_by_name: files written before a column was added read it as NULL.
        if table == "ingest_log":
            con.execute(f"INSERT INTO {quote_ident(table)} BY NAME "
                        f"SELECT * FROM read_parquet({file_list}, union_by_name = true)")
            return
        current = pa.table({"doc_id": list(manifest.docs), "run_id": [e.run_id for e in manifest.docs.values()]})
        con.register("_current_docs", current)
        try:
            # A run file can also hold rows of documents re-ingested since: keep each doc's current run only.
            con.execute(f"""
                INSERT INTO {quote_ident(table)} BY NAME
                SELECT * EXCLUDE (filename)
                FROM read_parquet({file_list}, union_by_name = true, filename = true) AS r
                WHERE EXISTS (SELECT 1 FROM _current_docs c
                              WHERE c.doc_id = r.doc_id AND c.run_id = parse_filename(r.filename, true))""")
        finally:
            con.unregister("_current_docs")

    def read(self, table: str) -> pa.Table:
        """The table's current rows (for tests and notebooks; the published DuckDB file is the usual way in)."""
        import duckdb

        with duckdb.connect(config=DUCKDB_CONFIG) as con:
            self.load(con, table, self.manifest())
            return con.table(table).to_arrow_table()


class _TableFile:
    """One table's file of one run, written in row groups as records arrive."""

    def __init__(self, path: Path, schema: pa.Schema):
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp")
        self.schema = schema
        self.buffered: list[pa.Table] = []
        self.buffered_rows = 0
        self.writer: pq.ParquetWriter | None = None

    def append(self, rows: pa.Table) -> None:
        self.buffered.append(rows)
        self.buffered_rows += rows.num_rows
        if self.buffered_rows >= FLUSH_ROWS:
            self.flush()
        elif len(self.buffered) >= MERGE_PIECES:
            self.buffered = [pa.concat_tables(self.buffered).combine_chunks()]

    def flush(self) -> None:
        if self.writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(self.tmp, self.schema)
        if self.buffered_rows:
            self.writer.write_table(pa.concat_tables(self.buffered))
        self.buffered, self.buffered_rows = [], 0

    def finish(self) -> None:
        self.flush()
        self.writer.close()
        replace_durably(self.tmp, self.path)

    def discard(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.tmp.unlink(missing_ok=True)


class RunWriter:
    """The batch of one run: documents and log rows go to disk as they are added, and become
    visible only at commit(). Use as a context manager: leaving it without commit() aborts."""

    def __init__(self, lake: Lake, run_id: str, base: Manifest, lock: IO):
        self.lake = lake
        self.run_id = run_id
        self.pending = base.copy()  # the manifest as it will be after commit; skip decisions read it
        self.stored: set[str] = set()  # doc_ids stored by this run
        self._lock = lock
        self._files: dict[str, _TableFile] = {}
        self._by_path = {entry.source_key: doc_id for doc_id, entry in base.docs.items()}
        self._done = False

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Abort the run unless it was committed, and release the lake lock."""
        if not self._done:
            self.abort()
        self._lock.close()

    def _file(self, table: str) -> _TableFile:
        if table not in self._files:
            self._files[table] = _TableFile(self.lake.table_file(table, self.run_id), arrow_schema(TABLES[table]))
        return self._files[table]

    def add_document(self, document: DocumentRecord, tables: Mapping[str, pa.Table]) -> None:
        """Store one document and its records (table name → rows in the table's Arrow schema),
        replacing any earlier version of the same doc_id and any other document previously read
        from the same path."""
        if document.doc_id in self.stored:
            raise ValueError(f"document {document.doc_id} is already stored in run {self.run_id}")
        self._file("documents").append(to_arrow(DocumentRecord, [document]))
        for table, rows in tables.items():
            self._file(table).append(rows)
        key = os.path.abspath(document.source_path)
        replaced = self._by_path.get(key)
        if replaced is not None and replaced != document.doc_id:
            del self.pending.docs[replaced]
        moved = self.pending.docs.get(document.doc_id)
        if moved is not None and moved.source_key != key:  # same content, now read from another path
            del self._by_path[moved.source_key]
        self._by_path[key] = document.doc_id
        self.pending.docs[document.doc_id] = DocEntry(
            run_id=self.run_id, source_path=document.source_path, source_key=key,
            extractor_version=document.extractor_version)
        self.pending.failed.pop(document.doc_id, None)
        self.stored.add(document.doc_id)

    def log(self, entry: IngestLogRecord) -> None:
        self._file("ingest_log").append(to_arrow(IngestLogRecord, [entry]))

    def remember_failure(self, doc_id: str, source_path: str, extractor_version: str, error: str) -> None:
        """Content that failed for a reason of its own (not a passing I/O error): kept in the
        manifest so that later runs do not read the same bytes again with the same extractor."""
        self.pending.failed[doc_id] = FailedEntry(self.run_id, source_path, extractor_version, error)

    def commit(self, *, release: bool = True) -> Manifest:
        """Put the run's files in place, then publish the new manifest: the moment the run becomes visible.
        With release=False the lock is kept (until close()), for the database to be published under it."""
        tables = (["ingest_log"] + RECORD_TABLES) if self.stored else ["ingest_log"]
        for table in tables:
            self._file(table).finish()
        fsync_dir(self.lake.root)  # a table folder created by this run must exist before the manifest names it
        self.pending.runs.append(self.run_id)
        write_bytes_atomically(self.lake.manifest_path, self.pending.to_json())
        self._done = True
        if release:
            self._lock.close()
        return self.pending

    def checkpoint(self, next_run_id: str) -> RunWriter:
        """Commit this run and go on writing as `next_run_id`, still holding the lock: a long
        import made of several runs, of which a kill loses only the last."""
        return RunWriter(self.lake, next_run_id, self.commit(release=False), self._lock)

    def abort(self) -> None:
        for f in self._files.values():
            f.discard()
        self._done = True
        self._lock.close()
