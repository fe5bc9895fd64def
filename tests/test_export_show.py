"""`vnplan export` (CSV with BOM, XLSX, Parquet round trips) and `vnplan show`."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.export import exported_tables
from pipeline.tables import DUCKDB_CONFIG

VNPLAN = Path(sys.executable).with_name("vnplan")


def _vnplan(*args, columns=200):
    return subprocess.run([str(VNPLAN), *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": str(columns)})


@pytest.fixture(scope="module")
def counts(sample_db):
    with duckdb.connect(str(sample_db.db), read_only=True, config=DUCKDB_CONFIG) as con:
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in exported_tables()}


def _db_rows(sample_db, sql):
    with duckdb.connect(str(sample_db.db), read_only=True, config=DUCKDB_CONFIG) as con:
        return con.execute(sql).fetchall()


def test_exported_tables_are_the_record_tables_catalogue_and_views():
    tables = exported_tables()
    assert tables[:8] == ["documents", "sections", "objectives", "indicators", "tasks", "assignments", "citations",
                          "ingest_log"]
    assert {"indicator_catalogue", "indicator_targets", "agency_workload", "due_tasks", "plan_overview"} <= set(tables)
    assert not [t for t in tables if t.startswith("search")]


def test_csv_has_a_bom_and_vietnamese_text_intact(sample_db, counts, tmp_path):
    out = _vnplan("export", "--format", "csv", "--out", tmp_path / "csv", "--db", sample_db.db)
    assert out.returncode == 0, out.stderr
    for table, n in counts.items():
        raw = (tmp_path / "csv" / f"{table}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), table
        with open(tmp_path / "csv" / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == n, table
    with open(tmp_path / "csv" / "tasks.csv", encoding="utf-8-sig", newline="") as f:
        tasks = {r["task_id"]: r for r in csv.DictReader(f)}
    for task_id, content, lead, due in _db_rows(sample_db, "SELECT task_id, content, lead_agencies, due_date FROM tasks"):
        assert tasks[task_id]["content"] == content
        assert json.loads(tasks[task_id]["lead_agencies"]) == lead  # lists as JSON arrays
        assert tasks[task_id]["due_date"] == (due.isoformat() if due else "")
    issuers = {r[0] for r in _db_rows(sample_db, "SELECT issuer FROM documents WHERE issuer IS NOT NULL")}
    with open(tmp_path / "csv" / "documents.csv", encoding="utf-8-sig", newline="") as f:
        assert {r["issuer"] for r in csv.DictReader(f) if r["issuer"]} == issuers
    assert "Ủy ban nhân dân tỉnh Nghệ An" in issuers


def test_parquet_round_trips(sample_db, counts, tmp_path):
    out = _vnplan("export", "--format", "parquet", "--out", tmp_path / "pq", "--db", sample_db.db)
    assert out.returncode == 0, out.stderr
    for table, n in counts.items():
        assert pq.read_metadata(tmp_path / "pq" / f"{table}.parquet").num_rows == n, table
    tasks = pq.read_table(tmp_path / "pq" / "tasks.parquet").to_pylist()
    expected = {r[0]: r[1] for r in _db_rows(sample_db, "SELECT task_id, partner_agencies FROM tasks")}
    assert {t["task_id"]: t["partner_agencies"] for t in tasks} == expected


def test_xlsx_has_a_sheet_per_table(sample_db, counts, tmp_path):
    from openpyxl import load_workbook

    out = _vnplan("export", "--format", "xlsx", "--out", tmp_path / "x", "--db", sample_db.db)
    assert out.returncode == 0, out.stderr
    book = load_workbook(tmp_path / "x" / "vnplan.xlsx", read_only=True)
    assert book.sheetnames == list(counts)
    for table, n in counts.items():
        assert sum(1 for _ in book[table].iter_rows(values_only=True)) == n + 1, table
    rows = list(book["tasks"].iter_rows(values_only=True))
    header = rows[0]
    lead = {r[header.index("task_id")]: r[header.index("lead_agencies")] for r in rows[1:]}
    for task_id, agencies in _db_rows(sample_db, "SELECT task_id, lead_agencies FROM tasks"):
        assert (lead[task_id] or "") == "; ".join(agencies)


def test_xlsx_sheets_have_fitted_widths_wrapped_long_text_a_filter_and_a_frozen_header(sample_db, counts, tmp_path):
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from pipeline.export import XLSX_MAX_WIDTH

    out = _vnplan("export", "--format", "xlsx", "--out", tmp_path / "x", "--db", sample_db.db)
    assert out.returncode == 0, out.stderr
    book = load_workbook(tmp_path / "x" / "vnplan.xlsx")  # not read-only: widths, filters and styles
    wrapped = set()
    for table, n in counts.items():
        sheet = book[table]
        assert sheet.freeze_panes == "A2", table
        assert sheet.auto_filter.ref == f"A1:{get_column_letter(sheet.max_column)}{n + 1}", table
        for column in sheet.iter_cols():
            header, cells = column[0], column[1:]
            width = sheet.column_dimensions[header.column_letter].width
            texts = [c for c in cells if isinstance(c.value, str)]
            longest = max((len(c.value) for c in texts), default=0)
            assert len(header.value) < width <= XLSX_MAX_WIDTH, (table, header.value, width)
            assert width >= min(XLSX_MAX_WIDTH, longest), (table, header.value, width, longest)  # nothing hidden
            for cell in texts:
                if len(cell.value) > width:
                    assert cell.alignment.wrap_text, (table, header.value, cell.value[:40])
                    wrapped.add((table, header.value))
    sections = book["sections"]
    widths = {c.value: sections.column_dimensions[c.column_letter].width for c in sections[1]}
    assert widths["text"] == XLSX_MAX_WIDTH and ("sections", "text") in wrapped  # long paragraphs wrap
    assert widths["doc_id"] < 25  # a 16-character id keeps a narrow column


def test_export_needs_a_database_and_a_format(tmp_path):
    out = _vnplan("export", "--format", "csv", "--out", tmp_path, "--db", tmp_path / "none.duckdb")
    assert out.returncode == 2 and "no such database" in out.stderr
    assert _vnplan("export", "--format", "ods", "--out", tmp_path).returncode == 2


def test_show_prints_a_document(sample_db):
    out = _vnplan("show", "tamduong-2030", "--db", sample_db.db)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for expected in ("Ủy ban nhân dân huyện Tam Đường", "Objectives", "Indicators", "Số bác sĩ/10.000 dân",
                     "DOCTORS_PER_10K", "2023 (baseline)"):
        assert expected in text, expected
    nghean = _vnplan("show", "nghean-542", "--db", sample_db.db)
    assert nghean.returncode == 0, nghean.stderr
    assert "542/KH-UBND" in nghean.stdout and "Tasks" in nghean.stdout and "Quý 3/2024" in nghean.stdout


def test_show_by_doc_id_prefix_number_and_ambiguity(sample_db):
    doc_id = _db_rows(sample_db, "SELECT doc_id FROM documents WHERE source_path LIKE '%tamduong-2030.docx'")[0][0]
    out = _vnplan("show", doc_id[:8], "--db", sample_db.db)
    assert out.returncode == 0 and doc_id in out.stdout
    # Two samples are copies of one plan (542/KH-UBND as HTML and as text): the number names the plan,
    # shown from its preferred copy (the HTML), with its copies listed.
    both = _vnplan("show", "542/kh-ubnd", "--db", sample_db.db)
    assert both.returncode == 0 and "Copies of this plan" in both.stdout and "nghean-542-kh-ubnd" in both.stdout
    # Part of a path that several plans' files share is ambiguous.
    several = _vnplan("show", "text/00", "--db", sample_db.db)
    assert several.returncode == 2 and "several documents match" in several.stderr
    missing = _vnplan("show", "no-such-plan", "--db", sample_db.db)
    assert missing.returncode == 2 and "no document matches" in missing.stderr


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_export_never_writes_through_a_link_planted_at_its_file_names(sample_db, tmp_path, fmt):
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    out.mkdir()
    victim.write_text("not the export's to write")
    names = [f"{t}.{fmt}" for t in exported_tables()] if fmt != "xlsx" else ["vnplan.xlsx"]
    for name in names:  # at the temporary name an export used to write to, and at the file itself
        (out / f".{name}.tmp").symlink_to(victim)
    (out / names[0]).symlink_to(victim)
    result = _vnplan("export", "--format", fmt, "--out", out, "--db", sample_db.db)
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "not the export's to write"
    assert (out / names[0]).is_file() and not (out / names[0]).is_symlink()
    assert sorted(p.name for p in out.iterdir() if not p.is_symlink()) == sorted(
        n for n in names if (out / n).exists())


def test_export_writes_a_name_that_is_not_utf8_as_text(tmp_path):
    from pipeline.export import export
    from pipeline.ingest import run_ingest, Steps

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    plan = sorted((Path(__file__).resolve().parents[1] / "data" / "samples" / "text").glob("*.txt"))[0]
    with open(os.fsencode(inbox) + b"/K\xd5 ho\xb9ch.txt", "wb") as f:
        f.write(plan.read_bytes())
    run_ingest([inbox], tmp_path / "plans.duckdb", tmp_path / "lake", steps=Steps(processes=0))
    with duckdb.connect(str(tmp_path / "plans.duckdb"), read_only=True) as con:
        export(con, "xlsx", tmp_path / "out")
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "out" / "vnplan.xlsx")["documents"]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("source_path")].endswith("K\ufffd ho\ufffdch.txt")
    assert row[header.index("source_path_bytes")].endswith("K\\xd5 ho\\xb9ch.txt")
