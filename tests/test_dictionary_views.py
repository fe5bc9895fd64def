"""The data dictionary (vnplan schema, docs/DATA.md, comments in the published file) and the views."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from schemas.dictionary import all_objects, derived_objects, markdown, parse_sql
from pipeline.tables import DUCKDB_CONFIG

ROOT = Path(__file__).resolve().parents[1]
VNPLAN = Path(sys.executable).with_name("vnplan")


@pytest.fixture(scope="module")
def con(sample_db):
    with duckdb.connect(str(sample_db.db), read_only=True, config=DUCKDB_CONFIG) as con:
        yield con


def test_docs_data_md_is_the_output_of_vnplan_schema():
    out = subprocess.run([str(VNPLAN), "schema"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == markdown()
    assert (ROOT / "docs" / "DATA.md").read_text(encoding="utf-8") == out.stdout, \
        "docs/DATA.md is stale: run `vnplan schema --write docs/DATA.md`"


def test_schema_write(tmp_path):
    target = tmp_path / "docs" / "DATA.md"
    out = subprocess.run([str(VNPLAN), "schema", "--write", str(target)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert target.read_text(encoding="utf-8") == markdown()


def test_every_object_of_the_published_file_is_described(con):
    described = {(o.name, o.kind) for o in all_objects()}
    tables = {(r[0], "table") for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()}
    views = {(r[0], "view") for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary").fetchall()}
    macros = {(r[0], "table macro" if r[1] == "table_macro" else "macro") for r in con.execute(
        "SELECT function_name, function_type FROM duckdb_functions() "
        "WHERE function_type IN ('macro', 'table_macro') AND NOT internal").fetchall()}
    assert tables | views | macros == described


def test_declared_columns_and_types_are_the_real_ones(con):
    for obj in derived_objects():
        if obj.kind in ("table", "view"):
            real = [(r[0], r[1]) for r in con.execute(f'DESCRIBE "{obj.name}"').fetchall()]
        elif obj.kind == "table macro":
            real = [(r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {obj.name}('y te')").fetchall()]
        else:
            continue
        assert real == [(c.name, c.type) for c in obj.columns], obj.name


def test_every_column_has_its_comment(con):
    expected = {(o.name, c.name): c.doc for o in all_objects() if o.kind in ("table", "view") for c in o.columns}
    real = {(r[0], r[1]): r[2] for r in con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE NOT internal").fetchall()}
    assert real == expected
    for name, comment in con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall():
        assert comment, name
    for name, comment in con.execute("SELECT function_name, comment FROM duckdb_functions() "
                                     "WHERE function_type IN ('macro', 'table_macro') AND NOT internal").fetchall():
        assert comment, name


def test_parse_sql_reads_headers_and_refuses_undescribed_objects():
    objects = parse_sql("-- preamble\n\n-- view v\n-- What v is,\n-- on two lines.\n-- column a BIGINT: the a\n"
                        "--   continued\nCREATE VIEW v AS SELECT 1 AS a;\n", "x.sql")
    assert [(o.kind, o.name, o.doc) for o in objects] == [("view", "v", "What v is, on two lines.")]
    assert objects[0].columns[0].doc == "the a continued" and objects[0].sql.startswith("CREATE VIEW")
    with pytest.raises(ValueError):
        parse_sql("-- view v\n-- no columns\nCREATE VIEW v AS SELECT 1 AS a;\n", "x.sql")


# --- views -------------------------------------------------------------------------------------

def test_plan_overview_one_row_per_document_with_counts(con):
    docs = con.execute("SELECT count(*) FROM documents").fetchall()[0][0]
    rows = con.execute("SELECT doc_id, indicators, tasks, coded_indicators FROM plan_overview").fetchall()
    assert len(rows) == docs == len({r[0] for r in rows})
    for doc_id, indicators, tasks, coded in rows:
        assert indicators == con.execute("SELECT count(*) FROM indicators WHERE doc_id = ?", [doc_id]).fetchall()[0][0]
        assert tasks == con.execute("SELECT count(*) FROM tasks WHERE doc_id = ?", [doc_id]).fetchall()[0][0]
        assert coded <= indicators


def test_agency_workload_counts_leads_partners_and_duties(con):
    lead, partner, duties = con.execute("""
        SELECT (SELECT count(*) FROM tasks WHERE list_contains(lead_agencies, 'Sở Y tế')),
               (SELECT count(*) FROM tasks WHERE list_contains(partner_agencies, 'Sở Y tế')),
               (SELECT count(*) FROM assignments WHERE agency = 'Sở Y tế')""").fetchall()[0]
    row = con.execute("SELECT tasks_lead, tasks_partner, assignments, total FROM agency_workload "
                      "WHERE agency = 'Sở Y tế'").fetchall()[0]
    assert row[:3] == (lead, partner, duties) and lead > 0 and duties > 0
    assert row[3] >= lead + partner + duties
    assert con.execute("SELECT count(*) FROM agency_workload WHERE total <> tasks_lead + tasks_partner + "
                       "tasks_monitor + assignments").fetchall()[0][0] == 0


def test_due_tasks_by_quarter(con):
    rows = con.execute("SELECT deadline_text, due_date, due_period, due_quarter, quarter_start FROM due_tasks").fetchall()
    assert rows
    assert ("Quý 3/2024", dt.date(2024, 9, 30), "2024-Q3", 3, dt.date(2024, 7, 1)) in rows
    assert con.execute("SELECT count(*) FROM tasks WHERE due_date IS NOT NULL").fetchall()[0][0] == len(rows)
