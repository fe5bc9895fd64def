"""The data dictionary: every table, view and macro of the published DuckDB file, described once.

- Record tables: their dataclasses in schemas/records.py (class docstring, field docs).
- Everything derived from them at publish time (the indicator catalogue, the views, the search
  index and its macros): the header comment of each object in schemas/views.sql and
  schemas/search.sql, right next to its SQL:

      -- view plan_overview
      -- One row per document ...            (description; may run over several lines)
      -- param q: The query                  (macros only)
      -- column doc_id VARCHAR: Document id  (every column, with its DuckDB type)
      CREATE VIEW plan_overview AS ...

pipeline/views.py runs those files (in DERIVED_FILES order) and sets COMMENT ON from the same
descriptions; `vnplan schema` prints `markdown()`, and docs/DATA.md is that output (a test fails
when it is stale: regenerate with `vnplan schema --write docs/DATA.md`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

DERIVED_FILES = ("views.sql", "search.sql")  # created in this order, after the record tables
KINDS = ("table", "view", "macro", "table macro")

_HEADER = re.compile(r"^-- (table macro|table|view|macro) (\w+)\s*$")
_COLUMN = re.compile(r"^column (\w+) ([A-Z][A-Z0-9_]*(?: WITH TIME ZONE)?(?:\(\d+(?:,\d+)?\))?(?:\[\])?): (.+)$")
_PARAM = re.compile(r"^param (\w+): (.+)$")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    doc: str


@dataclass
class DbObject:
    kind: str  # table, view, macro or table macro
    name: str
    doc: str
    columns: list[Column] = field(default_factory=list)
    params: list[tuple[str, str]] = field(default_factory=list)  # (name, doc) of a macro's parameters
    sql: str = ""  # statements creating it (derived objects only)
    source: str = "schemas/records.py"


def record_tables() -> list[DbObject]:
    from pipeline.tables import duckdb_type

    from .records import TABLES, arrow_schema

    objects = []
    for name, cls in TABLES.items():
        schema = arrow_schema(cls)
        columns = [Column(f.name, duckdb_type(f.type), f.metadata[b"doc"].decode()) for f in schema]
        objects.append(DbObject("table", name, schema.metadata[b"doc"].decode(), columns))
    return objects


def parse_sql(text: str, source: str) -> list[DbObject]:
    """The objects of one SQL file, by their header comments (text before the first header is ignored)."""
    objects: list[DbObject] = []
    current: DbObject | None = None
    in_header = False
    last = None  # what a continuation line of the header adds to: "doc", a Column index or a param index
    sql_lines: list[str] = []

    def finish():
        if current is not None:
            current.sql = "\n".join(sql_lines).strip()
            objects.append(current)

    for line in text.splitlines():
        header = _HEADER.match(line)
        if header:
            finish()
            current = DbObject(header.group(1), header.group(2), "", source=source)
            in_header, last, sql_lines = True, "doc", []
            continue
        if current is None:
            continue
        if in_header and line.startswith("--"):
            body = line[2:].strip()
            if m := _COLUMN.match(body):
                current.columns.append(Column(m.group(1), m.group(2), m.group(3).strip()))
                last = ("column", len(current.columns) - 1)
            elif m := _PARAM.match(body):
                current.params.append((m.group(1), m.group(2).strip()))
                last = ("param", len(current.params) - 1)
            elif body.startswith(("column ", "param ")):
                raise ValueError(f"{source}: {current.name}: cannot read {line!r} (want 'column NAME TYPE: doc')")
            elif last == "doc":
                current.doc = f"{current.doc} {body}".strip()
            elif last[0] == "column":
                c = current.columns[last[1]]
                current.columns[last[1]] = Column(c.name, c.type, f"{c.doc} {body}")
            else:
                n, d = current.params[last[1]]
                current.params[last[1]] = (n, f"{d} {body}")
            continue
        in_header = False
        sql_lines.append(line)
    finish()
    for obj in objects:
        if not obj.doc or not obj.sql:
            raise ValueError(f"{source}: {obj.kind} {obj.name} needs a description and its SQL")
        if obj.kind in ("table", "view", "table macro") and not obj.columns:
            raise ValueError(f"{source}: {obj.kind} {obj.name} describes no columns")
    return objects


@lru_cache(maxsize=None)
def _derived() -> tuple[DbObject, ...]:
    objects = []
    for name in DERIVED_FILES:
        text = resources.files("schemas").joinpath(name).read_text(encoding="utf-8")
        objects.extend(parse_sql(text, f"schemas/{name}"))
    return tuple(objects)


def derived_objects() -> list[DbObject]:
    """Objects of DERIVED_FILES, in the order they are created."""
    return list(_derived())


def all_objects() -> list[DbObject]:
    return record_tables() + derived_objects()


# --- Markdown -------------------------------------------------------------------------------------

_INTRO = """\
# Data dictionary

Every table, view and macro of the published DuckDB file (`data/plans.duckdb`), with every column.
Generated by `vnplan schema` from `schemas/records.py` (record tables) and `schemas/views.sql`,
`schemas/search.sql` (views, indicator catalogue, search index, macros): do not edit it by hand,
run `vnplan schema --write docs/DATA.md`. The same descriptions are in the file itself as
comments: `SELECT table_name, column_name, comment FROM duckdb_columns()`.

Conventions: text is Unicode NFC with one tone-mark style (hòa, khỏe, thủy); dates are DATE;
lists are VARCHAR[]; ids are stable across runs (doc_id is the start of the file's SHA-256).
The Parquet lake (`data/lake/`) has the record tables with the same columns.

Searching: `SELECT * FROM search('bao hiem y te') LIMIT 10` (or `vnplan search "bao hiem y te"`)
ranks documents (title), sections (heading and text), objectives, indicators (name) and tasks
(content) by BM25; terms are folded (đ → d, marks dropped, lower case), so a query matches with
or without diacritics and in either tone-mark style.

Exports (`vnplan export --format csv|xlsx|parquet --out DIR`) write the record tables, the
indicator catalogue and the views, one file per table (xlsx: one sheet per table in
`vnplan.xlsx`). CSV is UTF-8 with a byte-order mark (so Excel reads Vietnamese correctly),
lists as JSON arrays (`["Sở Y tế","UBND cấp huyện"]`), dates as YYYY-MM-DD, timestamps in UTC,
NULL as an empty field. In xlsx a list is its elements joined by `; `, and a text longer than a
cell holds (32,767 characters) is cut, ending in `…`. Parquet keeps every type as it is.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _signature(obj: DbObject) -> str:
    return f"{obj.name}({', '.join(n for n, _ in obj.params)})" if obj.kind.endswith("macro") else obj.name


def _catalogue_section() -> list[str]:
    from extractors.records.indicator_codes import CATALOGUE, catalogue_version

    from extractors.domain import table

    lines = [f"## Indicator codes (catalogue version {catalogue_version()})", "",
             f"`indicators.indicator_code` takes one of these codes (`extractors/data/{CATALOGUE}.csv`; how names are",
             "matched: `extractors/records/indicator_codes.py`). A row gets a code only when its name and unit fit",
             "one entry surely enough (indicator_match_score ≥ 0.6); otherwise the code is NULL.", "",
             "| code | name | unit | English |", "|---|---|---|---|"]
    for r in table(CATALOGUE):
        lines.append(f"| {r['code']} | {_cell(r['name_vi'])} | {_cell(r['unit'])} | {_cell(r['name_en'])} |")
    return lines + [""]


def markdown() -> str:
    objects = all_objects()
    out = [_INTRO]
    groups = [("Record tables", [o for o in objects if o.source == "schemas/records.py"]),
              ("Indicator catalogue and views", [o for o in objects if o.source == "schemas/views.sql"]),
              ("Search index and macros", [o for o in objects if o.source == "schemas/search.sql"])]
    out.append("## Contents\n")
    for title, group in groups:
        out.append(f"- {title}: " + ", ".join(f"[{_signature(o)}](#{o.name})" for o in group))
    out.append("")
    for title, group in groups:
        out.append(f"## {title}\n")
        for obj in group:
            out.append(f"### {obj.name}\n")
            out.append(f"*{obj.kind}*{'' if obj.source == 'schemas/records.py' else f' (`{obj.source}`)'}. "
                       f"{obj.doc}\n")
            if obj.params:
                out.append(f"`{_signature(obj)}`\n")
                out.extend(f"- `{n}`: {d}" for n, d in obj.params)
                out.append("")
            if obj.columns:
                out.append("| column | type | description |")
                out.append("|---|---|---|")
                out.extend(f"| {c.name} | {c.type} | {_cell(c.doc)} |" for c in obj.columns)
                out.append("")
    out.extend(_catalogue_section())
    return "\n".join(out).rstrip() + "\n"
