"""Vietnamese number, date and deadline parsers: examples from the samples plus properties."""
import datetime as dt

import pytest
from hypothesis import given, strategies as st

from extractors.records.dates import parse_date, parse_deadline
from extractors.records.numbers import parse_number, scale_of


def test_numbers_as_printed_in_plans():
    assert parse_number("6,63") == 6.63
    assert parse_number("19,5") == 19.5
    assert parse_number("59.472") == 59472
    assert parse_number("1.234,5") == 1234.5
    assert parse_number("0,5") == 0.5
    assert parse_number("100") == 100
    assert parse_number("0.5") == 0.5
    assert parse_number("1.2.3") is None
    assert parse_number("abc") is None
    assert parse_number("") is None
    assert scale_of("vạn") == 10_000


@given(st.integers(min_value=1000, max_value=10**9))
def test_thousands_dots_roundtrip(n):
    printed = f"{n:,}".replace(",", ".")
    assert parse_number(printed) == n


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=99))
def test_decimal_comma_roundtrip(whole, frac):
    printed = f"{whole},{frac:02d}"
    assert abs(parse_number(printed) - float(f"{whole}.{frac:02d}")) < 1e-9


@given(st.text(max_size=20))
def test_parse_number_never_raises(s):
    v = parse_number(s)
    assert v is None or isinstance(v, float)


def test_dates():
    assert parse_date("Nghệ An, ngày 09 tháng 07 năm 2024") == dt.date(2024, 7, 9)
    assert parse_date("ngày 05/4/2024") == dt.date(2024, 4, 5)
    assert parse_date("Tam Đường, ngày    tháng    năm 2024") is None
    assert parse_date("ngày   tháng 7 năm 2024") is None
    assert parse_date("ngày 31 tháng 2 năm 2024") is None


@given(st.dates(min_value=dt.date(1945, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date_roundtrip(d):
    assert parse_date(f"Hà Nội, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}") == d
    assert parse_date(f"ngày {d.day}/{d.month}/{d.year}") == d


def test_deadlines_per_contract():
    assert parse_deadline("Quý 3/2024").due_date == dt.date(2024, 9, 30)
    assert parse_deadline("Quý III/2024").due_date == dt.date(2024, 9, 30)
    assert parse_deadline("Quý IV năm 2025").due_date == dt.date(2025, 12, 31)
    assert parse_deadline("Năm 2025").due_date == dt.date(2025, 12, 31)
    assert parse_deadline("tháng 7/2024").due_date == dt.date(2024, 7, 31)
    assert parse_deadline("Tháng 02 năm 2024").due_date == dt.date(2024, 2, 29)
    assert parse_deadline("6 tháng đầu năm 2024").due_date == dt.date(2024, 6, 30)
    assert parse_deadline("2024-2025").due_date == dt.date(2025, 12, 31)
    assert parse_deadline("trước ngày 30/6/2024").due_date == dt.date(2024, 6, 30)
    regular = parse_deadline("Nhiệm vụ thường xuyên")
    assert regular.recurring and regular.due_date is None
    assert parse_deadline("Hằng năm").recurring
    assert parse_deadline("Định kỳ 6 tháng").recurring
    after = parse_deadline("Sau khi có Quyết định sắp xếp đơn vị hành chính")
    assert after.due_date is None and not after.recurring
    assert parse_deadline("Theo hướng dẫn của Bộ Y tế").due_date is None
    assert parse_deadline("Theo hướng dẫn của Bộ Y tế").recurring is False


@pytest.mark.parametrize("text, due", [
    ("2025 2028", dt.date(2028, 12, 31)),  # the dash lost by OCR: still a period
    ("2025 - 2028", dt.date(2028, 12, 31)),
    ("Từ năm 2025 đến năm 2028", dt.date(2028, 12, 31)),
    ("Năm 2027 2027", dt.date(2027, 12, 31)),
])
def test_two_years_in_a_row_are_a_period_ending_with_the_second(text, due):
    assert parse_deadline(text).due_date == due


@pytest.mark.parametrize("text, due", [
    ("Theo Quyết định số 415/QĐ-UBND ngày 21/5/2026", None),
    ("Thực hiện theo Nghị định số 45/2021/NĐ-CP ngày 18 tháng 4 năm 2021", None),
    ("Theo Kế hoạch số 12-KH/BCĐ 35 ngày 03/02/2026", None),
    ("Quý 4/2026 (Chỉ thị số 09/CT-UBND, ngày 11/01/2026)", dt.date(2026, 12, 31)),
    ("Trước ngày 20/10/2026 theo Công văn 77/STC-NS", dt.date(2026, 10, 20)),
])
def test_a_cited_document_gives_no_due_date(text, due):
    assert parse_deadline(text).due_date == due


@given(st.integers(min_value=1, max_value=4), st.integers(min_value=2000, max_value=2099))
def test_quarter_ends_on_last_day(q, year):
    due = parse_deadline(f"Quý {q}/{year}").due_date
    assert due.year == year and due.month == 3 * q
    assert (due + dt.timedelta(days=1)).day == 1


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=2000, max_value=2099))
def test_month_ends_on_last_day(m, year):
    due = parse_deadline(f"Tháng {m}/{year}").due_date
    assert (due.year, due.month) == (year, m) and (due + dt.timedelta(days=1)).day == 1


@given(st.text(max_size=40))
def test_deadline_never_raises(s):
    d = parse_deadline(s)
    assert d.due_date is None or isinstance(d.due_date, dt.date)
