"""One ingest run: read each file, extract its records, store the batch in the lake, publish.

The steps are separate functions so that a scheduler can run them as its own tasks:

    files = discover(paths, exclude=[lake.root, db])
    with lake.begin_run(new_run_id()) as run:
        for path in files:
            store(run, process_file(path, known=run.pending))
        run.commit()
    publish(lake, db)

`ingest` is exactly that, plus progress and a summary. process_file never raises for a bad
input: whatever goes wrong becomes a failed FileResult, recorded in ingest_log.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import secrets
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pyarrow as pa

from extractors.errors import ExtractionError
from extractors.records import extract_records
from extractors.registry import reader_for
from schemas.records import TABLES, DocumentRecord, IngestLogRecord, to_arrow

from . import __version__
from .lake import RECORD_TABLES, Lake, Manifest, RunWriter
from .publish import publish
from .sources import discover

EXTRACTED_TABLES = [t for t in RECORD_TABLES if t != "documents"]  # the lists on extract_records' result


def new_run_id() -> str:
    """UTC time to the microsecond first, so that max(run_id) is the latest run; the random suffix
    keeps runs started at the same instant on different machines apart."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class FileResult:
    """The outcome of one file: for ok files, its document and records as Arrow tables."""
    source_path: str
    status: str  # ok, skipped, failed
    started_at: dt.datetime
    duration_ms: int = 0
    sha256: str | None = None
    doc_id: str | None = None
    reader: str | None = None
    error: str | None = None
    document: DocumentRecord | None = None
    tables: dict[str, pa.Table] = field(default_factory=dict)

    def log_record(self, run_id: str) -> IngestLogRecord:
        return IngestLogRecord(
            run_id=run_id, source_path=self.source_path, sha256=self.sha256, status=self.status,
            error=self.error, started_at=self.started_at, duration_ms=self.duration_ms,
            doc_id=self.doc_id if self.status != "failed" else None, reader=self.reader)


def process_file(path: Path | str, *, known: Manifest | None = None, force: bool = False) -> FileResult:
    """Hash, read and extract one file. A file whose content is already current in `known` with
    this extractor version is skipped unless `force`."""
    path = Path(path)
    clock = time.monotonic()
    result = FileResult(source_path=str(path), status="failed", started_at=dt.datetime.now(dt.timezone.utc))
    try:
        _process(path, result, known, force)
    except ExtractionError as e:
        result.error = str(e)
    result.duration_ms = round((time.monotonic() - clock) * 1000)
    return result


def _process(path: Path, result: FileResult, known: Manifest | None, force: bool) -> None:
    try:
        result.sha256 = sha256_file(path)
    except OSError as e:
        raise ExtractionError(f"cannot read the file: {e.strerror or e}; check that it exists and is readable") from e
    result.doc_id = result.sha256[:16]
    entry = known.docs.get(result.doc_id) if known else None
    if entry and entry.extractor_version == __version__ and not force:
        result.status = "skipped"
        if entry.source_key != os.path.abspath(path):
            result.error = _same_content_as(entry.source_path)
        return
    stage = "reader selection"
    try:
        reader = reader_for(path)
        result.reader = stage = reader.name
        doc = reader.convert(path)
        stage = "extract_records"
        extracted = extract_records(doc, result.doc_id)
        metadata = {f.name: getattr(extracted.metadata, f.name) for f in dataclasses.fields(extracted.metadata)}
        result.document = DocumentRecord(
            doc_id=result.doc_id, source_path=str(path), source_format=doc.source_format, sha256=result.sha256,
            page_count=doc.page_count, ocr_used=doc.ocr_used, extractor_version=__version__,
            ingested_at=dt.datetime.now(dt.timezone.utc), **metadata)
        # Converting here, per file, pins a record of the wrong type on the file that produced it.
        result.tables = {t: to_arrow(TABLES[t], getattr(extracted, t)) for t in EXTRACTED_TABLES}
    except ExtractionError:
        raise
    except Exception as e:
        where = traceback.extract_tb(e.__traceback__)[-1]
        raise ExtractionError(f"internal error in {stage}: {type(e).__name__}: {e} "
                              f"(at {Path(where.filename).name}:{where.lineno})") from e
    result.status = "ok"


def _same_content_as(first_path: str) -> str:
    return f"same content as {first_path}: its records are kept once, under that path"


def store(run: RunWriter, result: FileResult) -> FileResult:
    """Add one file's outcome to the run: its records if ok, and its ingest_log row.
    A second file with content already stored in this run is logged as skipped."""
    if result.status == "ok" and result.doc_id in run.stored:
        first = run.pending.docs[result.doc_id].source_path
        result = dataclasses.replace(result, status="skipped", document=None, tables={}, error=_same_content_as(first))
    if result.status == "ok":
        run.add_document(result.document, result.tables)
    run.log(result.log_record(run.run_id))
    return result


@dataclass
class RunResult:
    run_id: str
    db: Path
    ok: int = 0
    skipped: int = 0
    failed: int = 0
    records: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RECORD_TABLES, 0))  # new rows this run
    failures: list[tuple[str, str]] = field(default_factory=list)  # (source_path, error)
    published: dict[str, int] = field(default_factory=dict)  # rows per table in the published DuckDB file

    def count(self, result: FileResult) -> None:
        setattr(self, result.status, getattr(self, result.status) + 1)
        if result.status == "failed":
            self.failures.append((result.source_path, result.error))
        elif result.status == "ok":
            self.records["documents"] += 1
            for table, rows in result.tables.items():
                self.records[table] += rows.num_rows


def ingest(paths: Iterable[Path | str], db: Path | str, lake: Path | str | Lake, *,
           progress: bool = True, force: bool = False) -> RunResult:
    """Ingest files and folders into the lake and publish the DuckDB file.
    Raises sources.InputNotFound, before doing anything, when a path does not exist."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    lake = lake if isinstance(lake, Lake) else Lake(lake)
    db = Path(db)
    files = discover(paths, exclude=[lake.root, db])
    summary = RunResult(run_id=new_run_id(), db=db)
    bar = Progress(TextColumn("{task.description}", style="dim"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=Console(stderr=True), disable=not progress)
    with bar, lake.begin_run(summary.run_id) as run:
        task = bar.add_task("ingesting", total=len(files))
        for path in files:
            bar.update(task, description=path.name[-40:])
            summary.count(store(run, process_file(path, known=run.pending, force=force)))
            bar.advance(task)
        bar.update(task, description=f"publishing {db.name}")
        run.commit()
        summary.published = publish(lake, db)
    return summary
