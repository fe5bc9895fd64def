"""`vnplan export`: every record table, the indicator catalogue and the views of the published file,
as CSV, XLSX or Parquet, with Vietnamese text intact.

- csv: one `<table>.csv` per table, UTF-8 with a byte-order mark (Excel otherwise reads it as the
  local code page and garbles the diacritics), lists as JSON arrays, NULL as an empty field.
- xlsx: one workbook `vnplan.xlsx`, one sheet per table; lists joined by "; ", timestamps in UTC,
  texts longer than a cell holds cut with "…".
- parquet: one `<table>.parquet` per table, every type kept.

Each file is written under a temporary name and renamed into place.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

from .tables import quote_ident, quote_str

FORMATS = ("csv", "xlsx", "parquet")
BOM = "\ufeff".encode()
XLSX_NAME = "vnplan.xlsx"
XLSX_CELL_CHARS = 32_767
FETCH_ROWS = 2000
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def exported_tables() -> list[str]:
    """Record tables, then the indicator catalogue and the views (not the search index's internals)."""
    from schemas.dictionary import derived_objects, record_tables

    return [o.name for o in record_tables()] + [o.name for o in derived_objects()
                                                if o.source == "schemas/views.sql" and o.kind in ("table", "view")]


def _tables_present(con) -> list[str]:
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() UNION ALL "
                                         "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    return [t for t in exported_tables() if t in present]


def export(con, fmt: str, out: Path | str) -> dict[str, tuple[Path, int]]:
    """Write every exported table found on `con` into `out`; returns table → (file, rows)."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    con.execute("SET TimeZone = 'UTC'")
    tables = _tables_present(con)
    if fmt == "xlsx":
        return _xlsx(con, tables, out / XLSX_NAME)
    written = {}
    for table in tables:
        path = out / f"{table}.{fmt}"
        tmp = out / f".{path.name}.tmp"
        try:
            if fmt == "csv":
                _csv(con, table, path, tmp)
            else:
                con.execute(f"COPY (SELECT * FROM {quote_ident(table)}) TO {quote_str(str(tmp))} "
                            "(FORMAT parquet, COMPRESSION zstd)")
                os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        written[table] = (path, con.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchall()[0][0])
    return written


def _columns(con, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {quote_ident(table)}").fetchall()]


def _csv(con, table: str, path: Path, tmp: Path) -> None:
    select = ", ".join(f"CAST(to_json({quote_ident(name)}) AS VARCHAR) AS {quote_ident(name)}" if typ.endswith("[]")
                       else quote_ident(name) for name, typ in _columns(con, table))
    raw = tmp.with_name(tmp.name + ".raw")
    try:
        con.execute(f"COPY (SELECT {select} FROM {quote_ident(table)}) TO {quote_str(str(raw))} "
                    "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', NULLSTR '')")
        with open(tmp, "wb") as dst, open(raw, "rb") as src:
            dst.write(BOM)
            shutil.copyfileobj(src, dst, 1 << 20)
        os.replace(tmp, path)
    finally:
        raw.unlink(missing_ok=True)


def _xlsx_value(value):
    if isinstance(value, list):
        value = "; ".join("" if v is None else str(v) for v in value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if isinstance(value, str):
        value = _ILLEGAL_XLSX.sub("", value)
        if len(value) > XLSX_CELL_CHARS:
            value = value[:XLSX_CELL_CHARS - 1] + "…"
    return value


def _xlsx(con, tables: list[str], path: Path) -> dict[str, tuple[Path, int]]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    written = {}
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(title=table[:31])
        sheet.freeze_panes = "A2"
        cursor = con.execute(f"SELECT * FROM {quote_ident(table)}")
        header = []
        for d in cursor.description:
            cell = WriteOnlyCell(sheet, value=d[0])
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        rows = 0
        while batch := cursor.fetchmany(FETCH_ROWS):
            for row in batch:
                sheet.append([_xlsx_value(v) for v in row])
            rows += len(batch)
        written[table] = (path, rows)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        workbook.save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return written
