"""`vnplan export`: every record table, the indicator catalogue and the views of the published file,
as CSV, XLSX or Parquet, with Vietnamese text intact.

- csv: one `<table>.csv` per table, UTF-8 with a byte-order mark (Excel otherwise reads it as the
  local code page and garbles the diacritics), lists as JSON arrays, NULL as an empty field.
- xlsx: one workbook `vnplan.xlsx`, one sheet per table; lists joined by "; ", timestamps in UTC,
  texts longer than a cell holds cut with "…". Each sheet opens readable: columns as wide as their
  longest value (at most XLSX_MAX_WIDTH characters; longer texts wrap), a filter on the header row,
  and the header frozen.
- parquet: one `<table>.parquet` per table, every type kept.

Each file is written under a temporary name and renamed into place; the temporary file is a new
one (an unpredictable name, created exclusively: never a link planted in the folder), and the
rename replaces a link at the final name instead of writing through it. The rows are written from
Python (pyarrow, openpyxl), never by DuckDB's COPY: the connection (pipeline/readonly_db.py) may
not touch any file.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

from .tables import quote_ident

FORMATS = ("csv", "xlsx", "parquet")
XLSX_NAME = "vnplan.xlsx"
XLSX_CELL_CHARS = 32_767
# Column widths in characters: a Vietnamese sentence wider than this wraps in its cell instead; the header
# keeps room for the filter button.
XLSX_MAX_WIDTH, XLSX_MIN_WIDTH, XLSX_FILTER_BUTTON = 60, 6, 3
XLSX_DATETIME_CHARS = 19  # 2025-01-31 08:00:00
FETCH_ROWS = 2000
_CSV_SPECIAL = ',"\n\r'
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
    tables = _tables_present(con)
    if fmt == "xlsx":
        return _xlsx(con, tables, out / XLSX_NAME)
    written = {}
    for table in tables:
        path = out / f"{table}.{fmt}"
        with _replacing(path) as tmp:
            (_csv if fmt == "csv" else _parquet)(con, table, tmp)
        written[table] = (path, con.execute(f"SELECT count(*) FROM {quote_ident(table)}").fetchall()[0][0])
    return written


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[BinaryIO]:
    """A new file beside `path` to write, renamed onto `path` when the block ends without error."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # O_EXCL
    try:
        with open(fd, "wb") as f:
            yield f
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _columns(con, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {quote_ident(table)}").fetchall()]


def _csv_text(name: str, typ: str) -> str:
    """Column `name` as its CSV text: lists as JSON, timestamps in UTC, the rest as DuckDB writes it."""
    column = quote_ident(name)
    if typ.endswith("[]"):
        return f"CAST(to_json({column}) AS VARCHAR)"
    if typ == "TIMESTAMP WITH TIME ZONE":
        return f"CAST(timezone('UTC', {column}) AS VARCHAR) || '+00'"
    return f"CAST({column} AS VARCHAR)"


def _csv_field(text: str | None) -> str:
    """One CSV field as DuckDB writes it: NULL empty, an empty text quoted (so the two stay apart)."""
    if text is None:
        return ""
    if text == "" or any(c in text for c in _CSV_SPECIAL):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv(con, table: str, tmp: BinaryIO) -> None:
    columns = _columns(con, table)
    select = ", ".join(f"{_csv_text(name, typ)} AS {quote_ident(name)}" for name, typ in columns)
    cursor = con.execute(f"SELECT {select} FROM {quote_ident(table)}")
    f = io.TextIOWrapper(tmp, encoding="utf-8-sig", newline="")
    f.write(",".join(_csv_field(name) for name, _ in columns) + "\n")
    while batch := cursor.fetchmany(FETCH_ROWS):
        f.writelines(",".join(_csv_field(v) for v in row) + "\n" for row in batch)
    f.detach()  # flushed; the file is _replacing's to close


def _parquet(con, table: str, tmp: BinaryIO) -> None:
    import pyarrow.parquet as pq

    batches = con.sql(f"SELECT * FROM {quote_ident(table)}").to_arrow_reader(FETCH_ROWS)
    with pq.ParquetWriter(tmp, batches.schema, compression="zstd") as writer:
        for batch in batches:
            writer.write_batch(batch)


def xlsx_value(value):
    """A value as an XLSX cell holds it (also in the explorer's downloads)."""
    if isinstance(value, list):
        value = "; ".join("" if v is None else str(v) for v in value)
    if isinstance(value, bytes):  # source_path_bytes: a name's bytes that are not UTF-8, as \xNN
        value = value.decode("utf-8", "backslashreplace")
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
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    written = {}
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for table in tables:
        sheet = workbook.create_sheet(title=table[:31])
        sheet.freeze_panes = "A2"
        columns = _columns(con, table)
        widths = _xlsx_widths(con, table, columns)
        for i, width in enumerate(widths, 1):  # before the first row: write-only sheets write <cols> first
            sheet.column_dimensions[get_column_letter(i)].width = width
        header = []
        for name, _ in columns:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        cursor = con.execute(f"SELECT * FROM {quote_ident(table)}")
        rows = 0
        while batch := cursor.fetchmany(FETCH_ROWS):
            for row in batch:
                sheet.append([_xlsx_cell(sheet, xlsx_value(v), width, wrap) for v, width in zip(row, widths)])
            rows += len(batch)
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(columns)))}{rows + 1}"
        written[table] = (path, rows)
    with _replacing(path) as tmp:
        workbook.save(tmp)
    return written


def _xlsx_widths(con, table: str, columns: list[tuple[str, str]]) -> list[float]:
    """Each column's width: its longest value as the sheet shows it, or its header with the filter button,
    between XLSX_MIN_WIDTH and XLSX_MAX_WIDTH."""
    if not columns:
        return []
    longest = con.execute("SELECT " + ", ".join(f"max({_xlsx_length_sql(name, typ)})" for name, typ in columns)
                          + f" FROM {quote_ident(table)}").fetchone()
    return [float(min(XLSX_MAX_WIDTH, max(XLSX_MIN_WIDTH, len(name) + XLSX_FILTER_BUTTON, (chars or 0) + 1)))
            for (name, _), chars in zip(columns, longest)]


def _xlsx_length_sql(name: str, typ: str) -> str:
    """SQL for the length of a column's value as the sheet shows it (xlsx_value)."""
    if typ.endswith("[]"):
        return f"length(array_to_string({quote_ident(name)}, '; '))"
    if typ.startswith("TIMESTAMP"):
        return f"CASE WHEN {quote_ident(name)} IS NOT NULL THEN {XLSX_DATETIME_CHARS} END"
    return f"length(CAST({quote_ident(name)} AS VARCHAR))"


def _xlsx_cell(sheet, value, width: float, wrap):
    """A text longer than its column is wide wraps (top-aligned, so a row's cells start level)."""
    if not (isinstance(value, str) and len(value) >= width):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.alignment = wrap
    return cell
