"""What the CLI prints: the closing summary of an ingest, and query results as table, CSV or JSON."""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import re
import sys
from typing import IO, TYPE_CHECKING, Iterator

from rich.console import Console
from rich.table import Table
from rich.text import Text

from schemas.records import utf8_text

if TYPE_CHECKING:
    from .ingest import RunResult

FETCH_ROWS = 1000  # CSV and JSON stream in chunks, so a large result never sits in memory whole


def print_summary(result: RunResult, file: IO[str] | None = None) -> None:
    console = Console(file=file)
    files = Table(title=f"run {result.run_id}", show_header=False)
    files.add_row("files ok", str(result.ok))
    files.add_row("files skipped (unchanged)", str(result.skipped))
    files.add_row("files failed", str(result.failed), style="red" if result.failed else None)
    if result.plans and result.plans["new_plan_files"] + result.plans["known_plan_files"]:
        files.add_row("new plans (their files)", f"{result.plans['new_plans']} ({result.plans['new_plan_files']})")
        files.add_row("files that are copies of plans already in the database", str(result.plans["known_plan_files"]))
    console.print(files)

    records = Table("table", "new rows")
    records.add_column(Text(f"rows in {result.db}"))
    for table, rows in result.published.items():
        records.add_row(table, str(result.records.get(table, "")), str(rows))  # ingest_log has no "new rows"
    console.print(records)

    if result.failures:
        failed = Table(title="failed files", title_style="red", show_lines=True)
        failed.add_column("failed file", overflow="fold")  # folded, never cut: a path is only useful whole
        failed.add_column("error", overflow="fold")
        for path, error in result.failures:
            failed.add_row(Text(shown(path)), Text(shown(error)))  # Text: brackets in a name are not markup
        console.print(failed)


def print_failures(result: RunResult) -> None:
    """One line per failed file on stderr (what --quiet still says)."""
    for path, error in result.failures:
        print(f"failed: {shown(path)}: {shown(error)}", file=sys.stderr)


_LINE_BREAKS = re.compile(r"[\t\n\r]+")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    """A file name or message for the terminal: valid UTF-8 (utf8_text), on one line, and with no
    control character, so that a name holding ESC sequences cannot drive the terminal."""
    return _CONTROLS.sub("\ufffd", _LINE_BREAKS.sub(" ", utf8_text(text)))


def write_rows(cursor, fmt: str, out: IO[str]) -> None:
    """Write a DuckDB cursor's result; a statement without a result writes nothing."""
    if cursor.description is None:
        return
    columns = [d[0] for d in cursor.description]
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in _rows(cursor):
            writer.writerow(["" if v is None else _text(v) for v in row])
    elif fmt == "json":
        out.write("[")
        for i, row in enumerate(_rows(cursor)):
            out.write(",\n " if i else "\n ")
            out.write(json.dumps(dict(zip(columns, row)), ensure_ascii=False, default=_json_value))
        out.write("\n]\n")
    else:
        table = Table(*columns)
        for row in _rows(cursor):
            table.add_row(*(Text("NULL", style="dim") if v is None else Text(_text(v)) for v in row))
        # Piped output is not cut to 80 columns: rows are kept whole for grep and less.
        Console(file=out, width=None if out.isatty() else 1 << 16).print(table)


def _rows(cursor) -> Iterator[tuple]:
    while chunk := cursor.fetchmany(FETCH_ROWS):
        yield from chunk


def _text(value) -> str:
    """A cell as text: lists and structs as JSON, so a CSV cell holds one parseable value."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=_json_value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _json_value(value):
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return str(value)
