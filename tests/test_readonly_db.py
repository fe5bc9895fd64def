"""Read-only commands cannot write through SQL, read other files or attach databases (issue #15).

`vnplan query` opened the file read-only, yet `COPY (...) TO '<the database file>'` overwrote it,
`ATTACH ... (READ_ONLY false)` wrote another database and `read_csv('/etc/shadow')` returned the
file. Every statement below must be refused, by the CLI and by the Python helper the notebook and
the web explorer use, and the database file must stay byte for byte the same.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.readonly_db import NoDatabase, open_read_only

VNPLAN = Path(sys.executable).with_name("vnplan")


@pytest.fixture
def published(sample_db, tmp_path) -> Path:
    db = tmp_path / "plans.duckdb"
    shutil.copyfile(sample_db.db, db)
    return db


def _hostile_statements(db: Path) -> dict[str, str]:
    """name -> SQL that must be refused; the files it would read or write are this test's own."""
    secret = db.with_name("secret.csv")
    secret.write_text("password\nhunter2\n")
    other = db.with_name("other.duckdb")
    return {
        "copy over the database": f"COPY (SELECT 42 AS answer) TO '{db}' (FORMAT csv)",
        "copy to a new file": f"COPY (SELECT 42 AS answer) TO '{db.with_name('out.csv')}'",
        "attach writable": f"ATTACH '{other}' AS other (READ_ONLY false)",
        "read another file": f"SELECT * FROM read_csv('{secret}')",
        "read a file by name": f"SELECT * FROM '{secret}'",
        "read text": f"SELECT content FROM read_text('{secret}')",
        "turn access back on": "SET enable_external_access = true",
        "reset access": "RESET enable_external_access",
        "load an extension": "LOAD httpfs",
        "export the database": f"EXPORT DATABASE '{db.with_name('dump')}'",
    }


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _nothing_written(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if p.name not in (db.name, "secret.csv"))


def test_query_refuses_files_attachments_and_settings(published):
    before = _digest(published)
    for name, sql in _hostile_statements(published).items():
        run = subprocess.run([str(VNPLAN), "query", sql, "--db", str(published)], capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 2, (name, run.stdout, run.stderr)
        assert "hunter2" not in run.stdout, name
        assert "vnplan query:" in run.stderr, name
        if name != "load an extension":  # refused as "external extensions are disabled"
            assert "queries read the published file only" in run.stderr, (name, run.stderr)
    assert _digest(published) == before
    assert _nothing_written(published) == []


def test_the_helper_refuses_them_too_and_still_reads_views_and_macros(published):
    before = _digest(published)
    with open_read_only(published) as con:
        for name, sql in _hostile_statements(published).items():
            with pytest.raises(duckdb.Error):
                con.execute(sql).fetchall()
        # The file's own objects still work: a view, and the search macro over its index.
        assert con.execute("SELECT count(*) FROM plan_overview").fetchall()[0][0] > 0
        assert con.execute("SELECT count(*) FROM search('bảo hiểm y tế', top := 5)").fetchall()[0][0] > 0
    assert _digest(published) == before
    assert _nothing_written(published) == []


def test_the_helper_names_a_missing_database(tmp_path):
    with pytest.raises(NoDatabase, match="no such database; run `vnplan ingest` first or pass --db"):
        open_read_only(tmp_path / "missing.duckdb")
    with pytest.raises(NoDatabase):
        open_read_only(tmp_path)  # a folder is no database either


def test_export_still_writes_its_own_files(published, tmp_path):
    for fmt in ("csv", "parquet"):
        run = subprocess.run([str(VNPLAN), "export", "--format", fmt, "--out", str(tmp_path / fmt), "--db",
                              str(published)], capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        assert (tmp_path / fmt / f"documents.{fmt}").stat().st_size > 0
