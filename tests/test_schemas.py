"""Each record type is defined once: its dataclass and its Arrow schema must agree, and cover the contract."""
import dataclasses
import datetime as dt
import os
import typing

import pyarrow as pa
import pytest

from schemas.records import TABLES, arrow_schema, to_arrow

CONTRACT = {
    "documents": "doc_id, source_path, source_format, sha256, doc_number, doc_type, issuer, issuer_level, province, "
                 "district, place, issue_date, signer, signer_title, title, page_count, ocr_used, extractor_version, ingested_at",
    "sections": "doc_id, section_id, parent_id, level, label, heading, text, ordinal",
    "objectives": "doc_id, objective_id, kind, text, section_id",
    "indicators": "doc_id, indicator_id, name, comparator, value, value_text, unit, year, is_baseline, group_name, "
                  "source, section_id, raw_text",
    "tasks": "doc_id, task_id, seq, group_name, content, output, lead_agencies, partner_agencies, monitor_agencies, "
             "deadline_text, due_date, recurring, page",
    "assignments": "doc_id, agency, agency_raw, duty, section_id",
    "citations": "doc_id, cited_number, cited_type, cited_date, cited_issuer",
    "ingest_log": "run_id, source_path, sha256, status, error, started_at, duration_ms",
}
SAMPLE_VALUES = {str: "Sở Y tế", bytes: b"S\xd5 Y t\xd5", int: 7, float: 6.63, bool: True, dt.date: dt.date(2024, 9, 30),
                 dt.datetime: dt.datetime(2024, 7, 9, 8, 0, tzinfo=dt.timezone.utc)}


def _sample_value(hint):
    if typing.get_origin(hint) is list:
        item = typing.get_args(hint)[0]
        return ["Sở Y tế", "UBND cấp huyện"] if item is str else [SAMPLE_VALUES[item], SAMPLE_VALUES[item] + 1]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return SAMPLE_VALUES[args[0] if args else hint]


@pytest.mark.parametrize("table", TABLES)
def test_dataclass_and_arrow_schema_agree(table):
    cls = TABLES[table]
    schema = arrow_schema(cls)
    fields = dataclasses.fields(cls)
    assert schema.names == [f.name for f in fields]
    assert all(f.metadata["doc"] for f in fields), "every column is described"
    hints = typing.get_type_hints(cls)
    record = cls(**{f.name: _sample_value(hints[f.name]) for f in fields})
    back = to_arrow(cls, [record]).to_pylist()[0]
    assert back == dataclasses.asdict(record)


@pytest.mark.parametrize("table", TABLES)
def test_contract_columns_present(table):
    names = arrow_schema(TABLES[table]).names
    assert [c for c in CONTRACT[table].split(", ") if c not in names] == []


def test_contract_types():
    docs, inds, tasks = (arrow_schema(TABLES[t]) for t in ("documents", "indicators", "tasks"))
    assert docs.field("issue_date").type == pa.date32()
    assert inds.field("value").type == pa.float64() and inds.field("is_baseline").type == pa.bool_()
    assert pa.types.is_integer(inds.field("year").type)
    assert tasks.field("lead_agencies").type == pa.list_(pa.string())


@pytest.mark.parametrize("table", ["documents", "ingest_log"])
def test_a_source_path_that_is_not_utf8_is_stored_as_text_and_exact_bytes(table):
    cls = TABLES[table]
    hints = typing.get_type_hints(cls)
    raw = b"/inbox/K\xd5 ho\xb9ch.txt"  # "Kế hoạch" in TCVN3 bytes, from an archive made on Windows
    values = {f.name: _sample_value(hints[f.name]) for f in dataclasses.fields(cls)}
    record = cls(**{**values, "source_path": os.fsdecode(raw), "source_path_bytes": None,
                    "error" if table == "ingest_log" else "title": f"cannot read {os.fsdecode(raw)}"})
    row = to_arrow(cls, [record]).to_pylist()[0]
    assert row["source_path"] == "/inbox/K\ufffd ho\ufffdch.txt" and row["source_path_bytes"] == raw
    assert row["error" if table == "ingest_log" else "title"] == "cannot read /inbox/K\ufffd ho\ufffdch.txt"
    assert to_arrow(cls, [dataclasses.replace(record, source_path="/inbox/a.txt")]).to_pylist()[0][
        "source_path_bytes"] is None  # exact text: no bytes beside it
