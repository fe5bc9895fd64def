"""A list of the explorer as a CSV or XLSX file, written the way `vnplan export` writes tables: CSV in UTF-8
with a byte-order mark and lists as JSON arrays, XLSX with lists joined by "; "."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

from ..export import xlsx_value
from .queries import Listing

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _csv_value(value):
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return "" if value is None else value


def to_csv(listing: Listing) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(listing.columns)
    for row in listing.rows:
        writer.writerow([_csv_value(row[c]) for c in listing.columns])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(listing: Listing) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=listing.name[:31])
    sheet.freeze_panes = "A2"
    header = [WriteOnlyCell(sheet, value=name) for name in listing.columns]
    for cell in header:
        cell.font = Font(bold=True)
    sheet.append(header)
    for row in listing.rows:
        sheet.append([xlsx_value(row[c]) for c in listing.columns])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render(listing: Listing, fmt: str) -> bytes:
    return to_csv(listing) if fmt == "csv" else to_xlsx(listing)
