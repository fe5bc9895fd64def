"""The Parquet lake and publishing from it, in process: atomic commits, replacement, the append-only log."""
from __future__ import annotations

import datetime as dt
import os
import threading
import time

import duckdb
import pyarrow.parquet as pq
import pytest

import pipeline.atomic
import pipeline.lake
from pipeline.lake import Lake
from pipeline.publish import publish
from schemas.records import DocumentRecord, IngestLogRecord, SectionRecord, TaskRecord, to_arrow

NOW = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


def document(doc_id: str, path: str = "plans/a.txt") -> DocumentRecord:
    return DocumentRecord(doc_id=doc_id, source_path=path, source_format="txt", sha256=doc_id * 4,
                          extractor_version="test", ingested_at=NOW)


def sections(doc_id: str, *headings: str) -> dict:
    rows = [SectionRecord(doc_id=doc_id, section_id=f"{doc_id}-{i}", level=1, heading=h, text="", ordinal=i)
            for i, h in enumerate(headings)]
    return {"sections": to_arrow(SectionRecord, rows)}


def log_row(run_id: str, path: str, status: str = "ok") -> IngestLogRecord:
    return IngestLogRecord(run_id=run_id, source_path=path, status=status, started_at=NOW, duration_ms=1)


def commit_run(lake: Lake, run_id: str, *docs: tuple[DocumentRecord, dict]) -> None:
    with lake.begin_run(run_id) as run:
        for doc, tables in docs:
            run.add_document(doc, tables)
            run.log(log_row(run_id, doc.source_path))
        run.commit()


def headings(lake: Lake) -> list[tuple[str, str]]:
    return sorted(zip(*lake.read("sections").select(["doc_id", "heading"]).to_pydict().values()))


def stray_files(lake: Lake) -> list[str]:
    return sorted(p.name for p in lake.root.rglob(".*"))


def test_commit_makes_run_visible_and_leaves_no_temp_files(tmp_path):
    lake = Lake(tmp_path / "lake")
    assert lake.read("documents").num_rows == 0

    commit_run(lake, "r1", (document("a" * 16), sections("a" * 16, "Mục tiêu", "Nhiệm vụ")))

    assert lake.read("documents")["doc_id"].to_pylist() == ["a" * 16]
    assert headings(lake) == [("a" * 16, "Mục tiêu"), ("a" * 16, "Nhiệm vụ")]
    assert sorted(p.name for p in (tmp_path / "lake").iterdir()) == [
        "_state", "assignments", "citations", "documents", "indicators", "ingest_log", "objectives",
        "sections", "tasks"]
    assert (tmp_path / "lake/sections/r1.parquet").is_file()
    assert stray_files(lake) == []


def test_run_left_without_commit_changes_nothing(tmp_path):
    lake = Lake(tmp_path / "lake")
    commit_run(lake, "r1", (document("a" * 16), sections("a" * 16, "old")))

    with lake.begin_run("r2") as run:
        run.add_document(document("a" * 16), sections("a" * 16, "new"))
        run.add_document(document("b" * 16, "plans/b.txt"), sections("b" * 16, "other"))
    assert headings(lake) == [("a" * 16, "old")]
    assert lake.manifest().runs == ["r1"]
    assert not (tmp_path / "lake/sections/r2.parquet").exists()
    assert stray_files(lake) == []


def test_run_killed_before_manifest_keeps_previous_state_and_is_swept(tmp_path, monkeypatch):
    lake = Lake(tmp_path / "lake")
    commit_run(lake, "r1", (document("a" * 16), sections("a" * 16, "old")))
    before = lake.manifest_path.read_bytes()

    def die(target, data):
        raise KeyboardInterrupt("killed just before the manifest is replaced")

    monkeypatch.setattr(pipeline.lake, "write_bytes_atomically", die)
    with pytest.raises(KeyboardInterrupt):
        commit_run(lake, "r2", (document("a" * 16), sections("a" * 16, "new")))
    monkeypatch.undo()

    assert (tmp_path / "lake/sections/r2.parquet").exists()  # in place, but no manifest names it
    assert lake.manifest_path.read_bytes() == before
    assert headings(lake) == [("a" * 16, "old")]

    commit_run(lake, "r3")
    assert not (tmp_path / "lake/sections/r2.parquet").exists()
    assert headings(lake) == [("a" * 16, "old")]


def test_manifest_is_replaced_atomically(tmp_path, monkeypatch):
    lake = Lake(tmp_path / "lake")
    commit_run(lake, "r1", (document("a" * 16), sections("a" * 16, "old")))
    before = lake.manifest_path.read_bytes()
    real_replace = os.replace

    def crash_on_manifest(src, dst):
        if str(dst).endswith("manifest.json"):
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(pipeline.atomic.os, "replace", crash_on_manifest)
    with pytest.raises(OSError, match="disk full"):
        commit_run(lake, "r2", (document("a" * 16), sections("a" * 16, "new")))
    monkeypatch.undo()

    assert lake.manifest_path.read_bytes() == before
    assert headings(lake) == [("a" * 16, "old")]
    assert stray_files(lake) == []


def test_reingest_replaces_the_documents_records(tmp_path):
    lake = Lake(tmp_path / "lake")
    commit_run(lake, "r1", (document("a" * 16), sections("a" * 16, "one", "two")),
               (document("b" * 16, "plans/b.txt"), sections("b" * 16, "kept")))
    commit_run(lake, "r2", (document("a" * 16), sections("a" * 16, "only")))

    assert headings(lake) == [("a" * 16, "only"), ("b" * 16, "kept")]
    assert sorted(lake.read("documents")["doc_id"].to_pylist()) == ["a" * 16, "b" * 16]


def test_changed_bytes_at_the_same_path_replace_the_old_document(tmp_path, monkeypatch):
    lake = Lake(tmp_path / "lake")
    monkeypatch.chdir(tmp_path)
    commit_run(lake, "r1", (document("a" * 16, "plans/a.txt"), sections("a" * 16, "old version")))
    # The same file given by its absolute path, from another folder, is still the same path.
    monkeypatch.chdir(tmp_path.parent)
    commit_run(lake, "r2", (document("c" * 16, str(tmp_path / "plans/a.txt")), sections("c" * 16, "new version")))

    assert lake.read("documents")["doc_id"].to_pylist() == ["c" * 16]
    assert headings(lake) == [("c" * 16, "new version")]


def test_content_read_from_a_new_path_survives_a_change_at_its_old_path(tmp_path):
    lake = Lake(tmp_path / "lake")
    commit_run(lake, "r1", (document("a" * 16, "old/a.txt"), sections("a" * 16, "moved")))
    commit_run(lake, "r2", (document("a" * 16, "new/a.txt"), sections("a" * 16, "moved")))
    commit_run(lake, "r3", (document("c" * 16, "old/a.txt"), sections("c" * 16, "other plan")))

    rows = lake.read("documents").to_pylist()
    assert sorted((r["doc_id"], r["source_path"]) for r in rows) == [("a" * 16, "new/a.txt"), ("c" * 16, "old/a.txt")]
    assert headings(lake) == [("a" * 16, "moved"), ("c" * 16, "other plan")]


def test_ingest_log_keeps_every_attempt(tmp_path):
    lake = Lake(tmp_path / "lake")
    commit_run(lake, "r1", (document("a" * 16), {}))
    with lake.begin_run("r2") as run:  # a run that stores no document still logs its attempts
        run.log(log_row("r2", "plans/a.txt", "skipped"))
        run.log(log_row("r2", "plans/bad.pdf", "failed"))
        run.commit()
    commit_run(lake, "r3", (document("a" * 16), {}))

    log = lake.read("ingest_log").to_pylist()
    assert sorted((r["run_id"], r["source_path"], r["status"]) for r in log) == [
        ("r1", "plans/a.txt", "ok"), ("r2", "plans/a.txt", "skipped"), ("r2", "plans/bad.pdf", "failed"),
        ("r3", "plans/a.txt", "ok")]
    assert not (tmp_path / "lake/sections/r2.parquet").exists()  # nothing stored: only the log is written


def test_files_written_before_a_column_was_added_read_it_as_null(tmp_path):
    lake = Lake(tmp_path / "lake")
    commit_run(lake, "r1", (document("a" * 16), {}))
    path = tmp_path / "lake/documents/r1.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["doc_type_code"]), path)

    rows = lake.read("documents").to_pylist()
    assert [(r["doc_id"], r["doc_type_code"]) for r in rows] == [("a" * 16, None)]


def test_a_second_writer_waits_for_the_first(tmp_path):
    lake = Lake(tmp_path / "lake")
    first = lake.begin_run("r1")
    second_started = threading.Event()

    def second():
        with lake.begin_run("r2") as run:
            second_started.set()
            run.commit()

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.3)
    assert not second_started.is_set()
    first.commit()
    thread.join(timeout=10)
    assert second_started.is_set()
    assert lake.manifest().runs == ["r1", "r2"]


def test_publish_builds_a_self_contained_typed_commented_database(tmp_path):
    lake = Lake(tmp_path / "lake")
    task = TaskRecord(doc_id="a" * 16, task_id="t1", seq=1, content="Rà soát", lead_agencies=["Sở Y tế"],
                      due_date=dt.date(2025, 12, 31))
    commit_run(lake, "r1", (document("a" * 16), {"tasks": to_arrow(TaskRecord, [task])}))
    db = tmp_path / "out/plans.duckdb"

    counts = publish(lake, db)

    assert counts["documents"] == 1 and counts["tasks"] == 1 and counts["sections"] == 0
    assert sorted(p.name for p in db.parent.iterdir()) == ["plans.duckdb"]
    for path in sorted(lake.root.rglob("*"), reverse=True):  # the file must not need the lake
        path.rmdir() if path.is_dir() else path.unlink()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT lead_agencies, due_date FROM tasks").fetchall() == [
            (["Sở Y tế"], dt.date(2025, 12, 31))]
        types = dict(con.execute("SELECT table_name || '.' || column_name, data_type FROM duckdb_columns()").fetchall())
        assert types["tasks.lead_agencies"] == "VARCHAR[]"
        assert types["tasks.due_date"] == "DATE"
        assert types["tasks.recurring"] == "BOOLEAN"
        assert types["indicators.value"] == "DOUBLE"
        assert types["indicators.year"] in ("INTEGER", "BIGINT")
        assert types["documents.ingested_at"] == "TIMESTAMP WITH TIME ZONE"
        assert con.execute("SELECT count(*) FROM objectives").fetchone() == (0,)
        table_doc = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'tasks'").fetchone()[0]
        assert table_doc == "One row of a responsibility table."
        column_doc = con.execute("SELECT comment FROM duckdb_columns() "
                                 "WHERE table_name = 'tasks' AND column_name = 'due_date'").fetchone()[0]
        assert column_doc == "Last day of the stated period, else NULL"


def test_publish_replaces_the_file_and_clears_dead_builds(tmp_path):
    lake = Lake(tmp_path / "lake")
    db = tmp_path / "plans.duckdb"
    publish(lake, db)
    dead = tmp_path / "plans.duckdb.tmp-999999999"  # no such pid: a killed publisher's leftovers
    dead.write_bytes(b"half a database")
    dead.with_name(f"{dead.name}.wal").write_bytes(b"its log")
    (tmp_path / f"{dead.name}.tmp").mkdir()  # where DuckDB spilled over its memory limit
    (tmp_path / f"{dead.name}.tmp/duckdb_temp_storage-0.tmp").write_bytes(b"spilled")
    with duckdb.connect(str(db), read_only=True) as old_reader:
        commit_run(lake, "r1", (document("a" * 16), {}))
        publish(lake, db)
        assert old_reader.execute("SELECT count(*) FROM documents").fetchone() == (0,)  # its snapshot
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lake", "plans.duckdb"]


def test_a_run_that_changed_no_record_republishes_only_the_log(tmp_path):
    lake = Lake(tmp_path / "lake")
    db = tmp_path / "plans.duckdb"
    commit_run(lake, "r1", (document("a" * 16), sections("a" * 16, "Mục tiêu", "Nhiệm vụ")))
    publish(lake, db)
    first = publication(db)

    with lake.begin_run("r2") as run:  # every file unchanged: log rows only
        run.log(log_row("r2", "plans/a.txt", status="skipped"))
        run.commit()
    counts = publish(lake, db)
    second = publication(db)
    assert counts["ingest_log"] == 2 and counts["sections"] == 2
    assert second["records_fingerprint"] == first["records_fingerprint"]
    assert second["records_published_at"] == first["records_published_at"]  # the copied record tables
    assert second["published_at"] > first["published_at"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT run_id, status FROM ingest_log ORDER BY run_id").fetchall() == [
            ("r1", "ok"), ("r2", "skipped")]
        assert con.execute("SELECT count(*) FROM search_docs").fetchone()[0] > 0  # derived objects came along
        comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'ingest_log'").fetchone()[0]
        assert comment.startswith("One attempt")

    commit_run(lake, "r3", (document("b" * 16, "plans/b.txt"), sections("b" * 16, "Mục tiêu")))
    publish(lake, db)
    third = publication(db)
    assert third["records_fingerprint"] != first["records_fingerprint"]
    assert third["records_published_at"] > first["records_published_at"]  # rebuilt
    assert sql_count(db, "sections") == 3


def publication(db) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute("SELECT * FROM publication")
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    assert len(rows) == 1
    return dict(zip(names, rows[0]))


def sql_count(db, table: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_one_row_pieces_are_merged_while_buffered_and_all_written_in_order(tmp_path):
    path = tmp_path / "documents" / "r1.parquet"
    table_file = pipeline.lake._TableFile(path, to_arrow(DocumentRecord, []).schema)
    ids = [f"{i:016x}" for i in range(2 * pipeline.lake.MERGE_PIECES + 50)]
    for doc_id in ids:
        table_file.append(to_arrow(DocumentRecord, [document(doc_id)]))
        # a one-row Arrow table costs tens of KiB of objects: thousands must not pile up
        assert len(table_file.buffered) < pipeline.lake.MERGE_PIECES
    table_file.finish()
    assert pq.read_table(path).column("doc_id").to_pylist() == ids


def test_failures_are_remembered_by_content_unless_they_may_pass(tmp_path):
    import dataclasses

    from pipeline.ingest import check_file, store

    lake = Lake(tmp_path / "lake")
    corrupt, flaky = tmp_path / "corrupt.txt", tmp_path / "flaky.txt"
    corrupt.write_text("TESTPLAN corrupt")
    flaky.write_text("on a share that failed")
    results = [dataclasses.replace(check_file(corrupt, known=lake.manifest()), status="failed",
                                   error="corrupt test plan: the body is cut off"),
               dataclasses.replace(check_file(flaky, known=lake.manifest()), status="failed",
                                   error="cannot read the file: Input/output error", transient=True)]
    with lake.begin_run("r1") as run:
        for result in results:
            store(run, result)
        run.commit()

    manifest = lake.manifest()
    assert list(manifest.failed) == [results[0].doc_id]
    again = check_file(corrupt, known=manifest)
    assert (again.status, again.change) == ("failed", "unchanged")
    assert again.error.startswith("corrupt test plan: the body is cut off [unchanged since it failed in run r1")
    assert check_file(corrupt, known=manifest, force=True).status == "pending"
    assert check_file(flaky, known=manifest).status == "pending"  # tried again next run

    corrupt.write_text("TESTPLAN\nKế hoạch")  # replaced: other bytes, read again
    assert check_file(corrupt, known=manifest).status == "pending"
