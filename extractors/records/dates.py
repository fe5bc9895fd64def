"""Vietnamese dates and deadlines.

A date is "ngày 09 tháng 07 năm 2024" or "09/07/2024"; a blank day or month (a draft's
"ngày    tháng 7 năm 2024") gives None, never a guess. A deadline gives the last day of the
period it names: "Quý 3/2024" -> 2024-09-30, "tháng 7/2024" -> 2024-07-31, "Năm 2025" ->
2025-12-31, "2024-2025" (or "2024 2025", its dash lost by OCR) -> 2025-12-31, "6 tháng đầu năm
2024" -> 2024-06-30. A document cited in a deadline ("theo Quyết định số 2207/QĐ-UBND ngày
14/8/2025") is no part of it: neither its number nor its date is a due date.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from ..normalize import fold

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"((?:19|20)\d\d)"

DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+" + _YEAR, re.IGNORECASE)
DATE_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*" + _YEAR + r"(?!\d)")


def make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """The first full date stated in text, or None (blank day or month gives None)."""
    m = DATE_WORDS.search(text or "") or DATE_NUMERIC.search(text or "")
    if not m:
        return None
    return make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))


def end_of_month(year: int, month: int) -> dt.date | None:
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Deadline:
    text: str
    due_date: dt.date | None
    recurring: bool


# Patterns on the folded (accent-free, lower-case) text, most specific first.
_QUARTER = re.compile(r"quy\s+(\d|i{1,3}|iv)\s*(?:/|nam|-)\s*" + _YEAR)
_HALF = re.compile(r"(6|sau)\s+thang\s+(dau|cuoi)\s+nam\s+" + _YEAR)
_FULL_DATE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*" + _YEAR)
_DATE_WORDS_F = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+" + _YEAR)
_MONTH = re.compile(r"thang\s+(\d{1,2})\s*(?:/|nam|-)\s*" + _YEAR)
_MONTH_NUMERIC = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*" + _YEAR + r"(?![\d/])")
# Two years in a row are a period: "2024 - 2030", "2024 2030" (a dash OCR lost), "từ năm 2024 đến năm 2030".
_YEAR_RANGE = re.compile(_YEAR + r"\s*(?:[-–—]|\bden\b)?\s*(?:nam\s+)?" + _YEAR + r"\b")
# A cited document on the folded text: its number ("2207/qd-ubnd", "30/2020/nd-cp", "20-kh/bcd"),
# then maybe a word or two of it ("bcd 57") and its date.
_CITED = re.compile(r"(?<![\w/])\d+(?:/(?:19|20)\d\d)?[/-][a-z][\w/.-]*"
                    r"(?:(?:\s+(?!ngay\b)\S+){0,2}\s*,?\s+ngay\s+(?:\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}"
                    r"|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}))?")
_YEAR_ONLY = re.compile(r"(?:nam\s+|^\s*)" + _YEAR + r"\b")
_RECURRING = re.compile(r"thuong xuyen|hang nam|hang quy|hang thang|dinh ky|hang tuan|lien tuc")


def parse_deadline(text: str) -> Deadline:
    raw = (text or "").strip()
    f = fold(raw)
    recurring = bool(_RECURRING.search(f))
    return Deadline(raw, _due_date(_CITED.sub(" ", f)), recurring)


def _due_date(f: str) -> dt.date | None:
    if m := _QUARTER.search(f):
        q = int(m.group(1)) if m.group(1).isdigit() else _ROMAN[m.group(1)]
        return end_of_month(int(m.group(2)), 3 * q) if 1 <= q <= 4 else None
    if m := _HALF.search(f):
        return end_of_month(int(m.group(3)), 6 if m.group(2) == "dau" else 12)
    if m := _DATE_WORDS_F.search(f) or _FULL_DATE.search(f):
        return make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if m := _MONTH.search(f) or _MONTH_NUMERIC.search(f):
        return end_of_month(int(m.group(2)), int(m.group(1)))
    if m := next((m for m in _YEAR_RANGE.finditer(f) if int(m.group(1)) < int(m.group(2))), None):
        return dt.date(int(m.group(2)), 12, 31)
    if m := _YEAR_ONLY.search(f):
        return dt.date(int(m.group(1)), 12, 31)
    return None
