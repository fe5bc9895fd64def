"""Every record type, defined once: a frozen dataclass whose fields carry their description.

The Arrow schema of each table is derived from the dataclass (see `arrow_schema`), so the
Parquet lake, the DuckDB file and the data dictionary all come from this one module.
Add columns at the end; never rename or repurpose one.

File names are kept whole. A name that is not valid UTF-8 (bytes from an archive made on Windows)
reaches Python as os.fsdecode gives it, each such byte a lone surrogate (surrogateescape), and
records carry it so: the lake's manifest and the skip decisions compare the exact name. Arrow and
DuckDB hold only valid UTF-8, so to_arrow stores such a path as text with U+FFFD in place of each
undecodable byte, and its exact bytes in the `<column>_bytes` column that declares `bytes_of` it
(NULL when the text is exact). Any other text with a lone surrogate (an error message naming the
file) is stored with U+FFFD.

Plan identity (documents.plan_id, preferred_copy; citations.cited_doc_id) is not read from one file:
it is decided when the database is published, over every document (pipeline/plans.py), and is NULL
in the lake. The rule: documents with the same number and issuer are copies of one plan (unless both
state their year of issue and the years differ); a document joins a plan when its text is the same
(documents.text_minhash agree on at least half of their values, types and issuers do not disagree,
and no two numbers end up in one plan). A plan keeps the plan_id it was first published with (the
previous file's ids are read back), so a new copy, a rename or a re-ingest changes none; a plan
published for the first time gets an id from content alone: from its number and issuer (and year),
else from its smallest doc_id.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import typing
from dataclasses import dataclass, field

import pyarrow as pa


def col(doc: str, default=None):
    return field(default=default, metadata={"doc": doc})


def bytes_col(doc: str, of: str):
    """The exact bytes of the file-system path in column `of`, filled by to_arrow when left None."""
    return field(default=None, metadata={"doc": doc, "bytes_of": of})


SOURCE_PATH_BYTES_DOC = ("The source path's exact bytes when they are not valid UTF-8 (a name from an archive made "
                         "on Windows): source_path then shows each undecodable byte as U+FFFD. NULL when "
                         "source_path is exact")


def list_col(doc: str):
    return field(default_factory=list, metadata={"doc": doc})


@dataclass(frozen=True)
class DocumentRecord:
    """One ingested source file and what it says about itself."""
    doc_id: str = col("Stable id: the first 16 hex digits of the file's SHA-256")
    source_path: str = col("Path of the source file as given to the ingest")
    source_format: str = col("html, pdf, pdf_scanned, docx, doc, txt, md or image")
    sha256: str = col("SHA-256 of the source file's bytes")
    doc_number: str | None = col("Document number as printed (542/KH-UBND); NULL when left blank in a draft")
    doc_type: str | None = col("Kế hoạch, Quyết định, Nghị quyết, ...")
    issuer: str | None = col("Issuing body in full (Ủy ban nhân dân tỉnh Nghệ An)")
    issuer_level: str | None = col("central, province, district, commune, or party (Đảng bodies)")
    province: str | None = col("Province the issuer belongs to; a district body's from the districts list "
                               "(extractors/data/districts.csv), or the text where several provinces have that district")
    district: str | None = col("District the issuer belongs to, for district-level issuers")
    place: str | None = col("Place name of the dateline (Nghệ An, ngày ...)")
    issue_date: dt.date | None = col("Date of issue; NULL when the day or month is blank")
    signer: str | None = col("Name of the person who signed")
    signer_title: str | None = col("Signer's title (Phó Chủ tịch)")
    title: str | None = col("Title: the summary line under the document type")
    page_count: int | None = col("Pages in the source, where it has pages")
    ocr_used: bool = col("True when any page's text came from OCR", False)
    extractor_version: str = col("vnplan version that produced the records")
    ingested_at: dt.datetime | None = col("When the records were extracted (UTC)")
    doc_type_code: str | None = col("Type code from the number (KH, QĐ, NQ, ...)")
    ocr_confidence: float | None = col("Mean Tesseract confidence (0-100) of the words read by OCR; NULL when no "
                                       "page needed OCR. Below about 80, check quoted text against the scan")
    signed_at: dt.datetime | None = col("Date and time of the digital-signature stamp (Ký bởi / Thời gian ký / Ngày ký); "
                                        "NULL when the file carries no such stamp")
    issue_date_source: str | None = col("Where issue_date was read: dateline (the printed 'ngày ... tháng ... năm') or "
                                        "signature (the digital-signature stamp, used when the dateline's day is blank "
                                        "or unreadable); NULL when issue_date is NULL")
    attached_to: str | None = col("Number of the document this one is an appendix of or is attached to "
                                  "(Phụ lục ... kèm theo Báo cáo số 35/BC-UBND), else NULL")
    source_path_bytes: bytes | None = bytes_col(SOURCE_PATH_BYTES_DOC, of="source_path")
    is_draft: bool = col("True for a draft: a 'Dự thảo' / 'DỰ THẢO' mark in the front matter, or a number or a "
                         "dateline day left blank in a file without a digital-signature stamp", False)
    text_minhash: list[int] = list_col("MinHash signature (128 values) of the folded text's word 3-grams "
                                       "(extractors/records/fingerprint.py): the share of equal values of two "
                                       "documents estimates how much of their wording they share")
    plan_id: str | None = col("The plan this file is a copy of, the same for every copy (portal HTML, signed "
                              "PDF, scan, text, draft): set when the file is published, from content only "
                              "(pipeline/plans.py; NULL in the lake). See the plans view")
    preferred_copy: bool | None = col("True for the copy that stands for its plan in the plans and plan_* views: a "
                                      "final over a draft, born-digital over OCR, then the newest. Set when published")


@dataclass(frozen=True)
class SectionRecord:
    """One heading or numbered item of the outline."""
    doc_id: str = col("Document id")
    section_id: str = col("Section id, unique across documents")
    parent_id: str | None = col("Enclosing section, NULL at the top")
    level: int = col("Depth in the outline, 1 at the top")
    label: str | None = col("Numbering as printed: I, 1, a, -, +")
    heading: str = col("Heading text without its numbering")
    text: str = col("Body text directly under the heading (before any sub-section)")
    ordinal: int = col("Position of the section in document order")
    page: int | None = col("Page of the heading")


@dataclass(frozen=True)
class ObjectiveRecord:
    """One stated objective."""
    doc_id: str = col("Document id")
    objective_id: str = col("Objective id")
    kind: str = col("general, specific or orientation")
    text: str = col("The objective as stated")
    section_id: str | None = col("Section the objective stands in")


@dataclass(frozen=True)
class IndicatorRecord:
    """One value of one quantified indicator: a table cell or a target stated in a sentence."""
    doc_id: str = col("Document id")
    indicator_id: str = col("Indicator id")
    name: str = col("Indicator name")
    comparator: str = col(">, >=, <, <= or =")
    value: float | None = col("Numeric value (Vietnamese number format decoded)")
    value_text: str = col("The value as printed (>7, 19,5, 94 (14 loại))")
    unit: str | None = col("Unit (%, ‰, bác sĩ/10.000 dân, người)")
    year: int | None = col("Year the value applies to; NULL when not stated")
    is_baseline: bool = col("True for the baseline (current-state) value", False)
    group_name: str | None = col("Group row of an indicator table (Chỉ tiêu đầu vào)")
    source: str = col("table or text")
    section_id: str | None = col("Section the indicator stands in")
    raw_text: str = col("The sentence or table row the value was read from")
    page: int | None = col("Page of the source")
    indicator_code: str | None = col("Code of the comparable indicator in extractors/data/indicator_catalogue.csv "
                                     "(HEALTH_INSURANCE_COVERAGE, DOCTORS_PER_10K, ...); NULL when the name and unit "
                                     "fit no catalogue entry surely enough")
    indicator_match_score: float | None = col("How surely indicator_code fits, from 0.6 (least sure kept) to 1.0; "
                                              "NULL when indicator_code is NULL")
    role: str = col("target (a value to reach), baseline (the state at the start) or achieved (a value a report "
                    "says was reached)", "target")


@dataclass(frozen=True)
class TaskRecord:
    """One row of a responsibility table."""
    doc_id: str = col("Document id")
    task_id: str = col("Task id")
    seq: int | None = col("Number printed in the TT/STT column")
    group_name: str | None = col("Group row above the task (I. Cải cách thể chế)")
    content: str = col("The task (Nội dung / Tên nhiệm vụ)")
    output: str | None = col("Sản phẩm column, if the table has one")
    lead_agencies: list[str] = list_col("Lead agencies (chủ trì), canonical names")
    partner_agencies: list[str] = list_col("Partner agencies (phối hợp), canonical names")
    monitor_agencies: list[str] = list_col("Monitoring agencies (Theo dõi), canonical names")
    deadline_text: str | None = col("Deadline as printed")
    due_date: dt.date | None = col("Last day of the stated period, else NULL")
    recurring: bool = col("True for thường xuyên / hằng năm / định kỳ", False)
    page: int | None = col("Page of the row")
    note: str | None = col("Ghi chú column, if any")
    lead_raw: str | None = col("Lead agency cell as printed")
    partner_raw: str | None = col("Partner agency cell as printed")


@dataclass(frozen=True)
class AssignmentRecord:
    """One duty given to one agency, wherever the document gives it."""
    doc_id: str = col("Document id")
    assignment_id: str = col("Assignment id")
    agency: str = col("Canonical agency name")
    agency_raw: str = col("Agency as printed")
    duty: str = col("The duty")
    section_id: str | None = col("Section of the duty")
    deadline_text: str | None = col("Deadline the duty states, as printed (trước ngày 15/9/2027, trong quý III năm 2026)")
    due_date: dt.date | None = col("Last day of the stated deadline, else NULL")


@dataclass(frozen=True)
class CitationRecord:
    """Another document cited by number."""
    doc_id: str = col("Citing document id")
    cited_number: str = col("Cited number, normalized (281/QĐ-TTg)")
    cited_type: str | None = col("Type of the cited document (Quyết định)")
    cited_date: dt.date | None = col("Date of the cited document, where stated")
    cited_issuer: str | None = col("Issuer of the cited document, where stated")
    context: str | None = col("The sentence the citation stands in")
    cited_doc_id: str | None = col("The cited document when it is in the database: the preferred copy of the one "
                                   "plan whose number (and year, when the cited number has none), type and issuer "
                                   "fit; NULL when none or several fit. Set when published (NULL in the lake)")


@dataclass(frozen=True)
class IngestLogRecord:
    """One attempt to ingest one file in one run."""
    run_id: str = col("Run id")
    source_path: str = col("Source file path")
    sha256: str | None = col("SHA-256 of the file, when it could be read")
    status: str = col("ok, skipped or failed")
    error: str | None = col("What went wrong and what to do, for failed files")
    started_at: dt.datetime | None = col("When the attempt started (UTC)")
    duration_ms: int | None = col("Wall time of the attempt")
    doc_id: str | None = col("Document id, for ok and skipped files")
    reader: str | None = col("Reader that read the file")
    source_path_bytes: bytes | None = bytes_col(SOURCE_PATH_BYTES_DOC, of="source_path")


TABLES: dict[str, type] = {
    "documents": DocumentRecord,
    "sections": SectionRecord,
    "objectives": ObjectiveRecord,
    "indicators": IndicatorRecord,
    "tasks": TaskRecord,
    "assignments": AssignmentRecord,
    "citations": CitationRecord,
    "ingest_log": IngestLogRecord,
}

_ARROW = {str: pa.string(), bytes: pa.binary(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(),
          dt.date: pa.date32(), dt.datetime: pa.timestamp("us", tz="UTC")}


def _arrow_type(hint) -> tuple[pa.DataType, bool]:
    args = typing.get_args(hint)
    nullable = type(None) in args
    base = next((a for a in args if a is not type(None)), hint) if args and typing.get_origin(hint) is not list else hint
    if typing.get_origin(base) is list:
        return pa.list_(_ARROW[typing.get_args(base)[0]]), False
    return _ARROW[base], nullable


def arrow_schema(cls: type) -> pa.Schema:
    hints = typing.get_type_hints(cls)
    fields = []
    for f in dataclasses.fields(cls):
        typ, nullable = _arrow_type(hints[f.name])
        fields.append(pa.field(f.name, typ, nullable=True, metadata={"doc": f.metadata["doc"], "nullable": str(nullable)}))
    return pa.schema(fields, metadata={"doc": (cls.__doc__ or "").strip()})


def to_arrow(cls: type, records: list) -> pa.Table:
    schema = arrow_schema(cls)
    fields = dataclasses.fields(cls)
    columns = {f.name: [getattr(r, f.name) for r in records] for f in fields}
    for f in fields:
        if "bytes_of" in f.metadata:  # filled here, where the text it stands beside is made valid
            columns[f.name] = [path_bytes(path) if raw is None else raw
                               for raw, path in zip(columns[f.name], columns[f.metadata["bytes_of"]])]
    try:
        return pa.Table.from_pydict(columns, schema=schema)
    except UnicodeEncodeError:  # a lone surrogate: rare, so the values are only checked when Arrow refuses one
        return pa.Table.from_pydict({name: [_valid(v) for v in values] for name, values in columns.items()},
                                    schema=schema)


_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8_text(text: str) -> str:
    """Text as valid UTF-8, for storing and showing: each lone surrogate (a byte of a file name
    that is not UTF-8, as os.fsdecode keeps it) becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if _has_surrogate(text) else text


def path_bytes(path: str | None) -> bytes | None:
    """A path's exact bytes when its text cannot hold them (see utf8_text), else None."""
    return os.fsencode(path) if path is not None and _has_surrogate(path) else None


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _valid(value):
    if isinstance(value, str):
        return utf8_text(value)
    if isinstance(value, list):
        return [_valid(v) for v in value]
    return value
