"""Indicators: quantified targets, baselines and achieved values, read from indicator tables and
from sentences. Each value has a role: target, baseline (where a plan starts from) or achieved
(what a report says was reached).

A table is an indicator table when its header names the indicator column (Chỉ tiêu, Nội dung,
Chỉ tiêu thống kê) and other columns carry a year or a value word (data/indicator_columns.csv:
Kế hoạch, Thực hiện, Số liệu, Điểm số, Thứ hạng ...); every filled cell of such a column is one
value, with the role its header word gives and the year its header states, else the table's
(its heading's, else the document's period). In a plan the first year column is the baseline
when later years follow it, and an achieved column is a baseline too. A header of two rows
qualifies the name with what tells columns apart ("Lâm Đồng, Điểm số"). Rubrics, coordinate
tables and responsibility tables are not indicator tables.

A sentence gives a value when a number carries a unit that marks a target: %, ‰, a rate
("11 bác sỹ/1 vạn dân", "2,1 con/phụ nữ") or, in the objectives part, a count of facilities
reaching a standard ("02 bệnh viện tuyến tỉnh đạt hạng I"). The value is named by the noun phrase
before it (from its head noun on: data/indicator_heads.csv), else by the one after it ("ít nhất
80% xã, phường, thị trấn đạt ..."), else by the value before it in the same clause ("dưới 18% vào
năm 2030 và dưới 15% vào năm 2045"). Its year is the one the sentence states, else the one its
lead-in line or heading states, else (in the objectives part, or in a report) the document's
period from its title. Plans also recall past results and mention shares in passing, so outside
the objectives part a sentence must state a bound (trên, dưới, ít nhất ...), an aim (phấn đấu,
dự kiến) or "chỉ tiêu" to give a target; a report's "đạt 97,4%" gives an achieved value, and
scoring bands ("trường hợp dưới 70% thì ...") give nothing.

Comparator words are in data/comparators.csv, unit words (%, counted things, "dân" of a rate,
"tuổi" of an age band) in data/units.csv.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterator

from schemas.records import IndicatorRecord

from ..domain import table
from ..model import Block, Document
from ..normalize import fold
from .numbers import NUMBER, parse_number
from .metadata import Metadata, document_is_report, extract_metadata
from .outline import Node, Outline, body_start, build_outline, marker_of

# Header words of an indicator table (folded).
_NAME_HEADERS = ("chi tieu", "cac chi tieu", "ten chi tieu", "noi dung", "noi dung chi tieu", "chi so", "ten chi so",
                 "tieu chi")
_UNIT_HEADERS = ("don vi tinh", "dvt", "don vi")
_SEQ_HEADERS = ("stt", "tt", "so tt", "so thu tu")
# A column headed by a task word makes the table a responsibility table, whatever else it has.
_TASK_HEADERS = re.compile(r"\b(chu tri|phoi hop|co quan|thoi gian hoan thanh|thoi gian thuc hien|san pham)\b")
# A first year column headed as a plan figure is a target, not the baseline.
_TARGET_HEADERS = re.compile(r"\b(ke hoach|muc tieu|phan dau|du kien)\b")
_HEADER_ROWS = 3  # the header starts within this many rows and spans at most this many
_ROMAN = re.compile(r"[IVX]+(\.\d+)*\.?")  # a group's label in the STT column: "II", "III.1"
_NAME_HEADER_WORDS = 5  # "Chỉ tiêu thống kê" names the column; a sentence that starts "Nội dung" does not
_FURNITURE_WORDS = 8  # a page number or running header between two parts of a table is shorter

# Headings of the objectives part (folded). A long numbered paragraph that mentions "mục tiêu"
# in passing is not one.
_OBJECTIVES_START = re.compile(r"^(cac |mot so )?(muc tieu|chi tieu)\b")
_OBJECTIVES_WORD = re.compile(r"\b(muc tieu|chi tieu)\b")
_OBJECTIVES_HEADING_WORDS = 12

# Outside the objectives part an aim makes "đạt 90%" a target; a past result ("đã", "hiện
# đạt") or a condition ("trường hợp dưới 70% thì ...") never is one.
_AIM = re.compile(r"\b(phan dau|du kien)\b")  # folded, so the common misspelling "phân đầu" counts too
_PAST = re.compile(r"(?<!\w)(đã|hiện đạt|hiện chỉ|hiện nay|tính đến|đến nay)(?!\w)", re.I)
_CONDITION = re.compile(r"(?<!\w)(trường hợp|nếu)(?!\w)", re.I)
# Words that make a value a target wherever it stands: "(chỉ tiêu đề ra là tối thiểu 98%)" (folded).
_TARGET_WORDS = re.compile(r"\b(chi tieu|muc tieu|ke hoach giao|ke hoach de ra)\b")
# A reached value says "đạt" shortly before it: "tỷ lệ ... hiện chỉ đạt 72%".
_REACH_WINDOW = 40  # characters

# A name that only says "the target" stands for the indicator named before it:
# "X đạt 97,4% (chỉ tiêu đề ra là tối thiểu 98%)" (folded).
# A percentage of a reference figure: "đạt 24,88% dự toán Trung ương", "bằng 105% cùng kỳ" (folded).
_REFERENCE = re.compile(r"(du toan|ke hoach|cung ky|chi tieu)\b")
_OF_REFERENCE = " so với "
_SUBJECT_END = re.compile(r"\d|(?<!\w)(?:là|ước|đạt|bằng|đến ngày|tính đến|lũy kế)(?!\w)", re.I)
# "... chưa đạt chỉ tiêu đề ra": a remark on the value, not part of the indicator's name.
_TARGET_REMARK = re.compile(r"(?:\s+(?:đã|chưa|không|đạt|vượt|hoàn thành))+\s+(?:chỉ tiêu|kế hoạch|mục tiêu)"
                            r"(?:\s+(?:đề ra|được giao|giao))?\s*$", re.I)
_GENERIC_NAMES = re.compile(r"^(chi tieu|muc tieu|ke hoach|ty le|ti le)( de ra| ke hoach| giao)?$")
# A change verb before a level is not part of its name ("Giảm tỷ suất chết ... dưới 20‰");
# before an amount of change it is ("Giảm tỷ lệ ... bình quân hàng năm là 0,5%", "Giảm 10% số ca").
_CHANGE_VERBS = ("giảm", "tăng", "nâng", "hạ")
_LEVEL_WORDS = re.compile(r"(?<!\w)(xuống|lên|còn|đạt)(?!\w)", re.I)  # "giảm X xuống 10%", "còn 12%"
# A yearly rate ("bình quân hàng năm là 0,5%") holds every year: it has no target year.
_ANNUAL = re.compile(r"(?<!\w)(hàng năm|hằng năm|mỗi năm|bình quân|trung bình năm)(?!\w)", re.I)
# Where a name starts when the words before it state the aim or purpose (folded).
_NAME_CUT = re.compile(r"\b(phan dau|nham|huong toi|trong do|dong thoi)\b")
# Verbs and connectives at the edges of a name that are not part of it (as printed).
_LEAD_WORDS = ("phấn đấu", "duy trì", "đạt được", "đạt", "có", "dành", "bảo đảm", "đảm bảo", "và", "với", "để")
_TRAIL_WORDS = ("xuống", "lên", "mức", "và", "có", "được", "tới", "đến", "khoảng", "từ", "đã", "hiện", "chỉ", "vẫn")
_PUNCTUATION = " ,;:.-–+•*()"
# What may stand between two values of one series: "10% trong năm 2027, 50% trong năm 2028 và 100% ...".
_SERIES_GAP = re.compile(r"[\s,;]*(?:(?:và|hoặc)\s*)?")
# Function words that, with duty verbs, make up a fragment that names nothing ("xây dựng được", "là căn cứ để").
_FUNCTION_WORDS = ("được", "để", "cho", "của", "sẽ", "nhằm", "thì")
_MIN_NAME_WORDS = 2
_MAX_NAME_WORDS = 30

_YEAR = r"(?:19|20)\d\d"
# The year a value applies to: "giai đoạn 2016-2020" (its end), "đến năm 2030", "vào năm 2045", "đến 2030".
_YEAR_RE = re.compile(
    rf"(?:(?:vào|trong|đến|tới|hết|cuối)\s+)*"
    rf"(?:giai đoạn\s+(?:từ\s+)?(?:năm\s+)?{_YEAR}\s*(?:[-–—]|đến)\s*(?:năm\s+)?(?P<end>{_YEAR})"
    rf"|(?:giai đoạn\s+)?(?:(?:đến|tới)\s+(?:hết\s+)?)?năm\s+(?P<year>{_YEAR})"
    rf"|(?:đến|tới)\s+(?P<to>{_YEAR}))(?!\d)",
    re.I,
)
# The plan's period in its title: only the "giai đoạn" and "đến" forms, as a bare "năm 2024"
# there is the date line.
_PERIOD_RE = re.compile(
    rf"giai đoạn\s+(?:từ\s+)?(?:năm\s+)?{_YEAR}\s*(?:[-–—]|đến)\s*(?:năm\s+)?(?P<end>{_YEAR})"
    rf"|(?:đến|tới)\s+(?:hết\s+)?(?:năm\s+)?(?P<to>{_YEAR})(?!\d)",
    re.I,
)
# A year that belongs to a date ("ngày 5 tháng 4 năm 2024") or a comparison ("so với năm 2020").
_NOT_TARGET_YEAR = re.compile(r"(tháng\s+\d{1,2}|so với)\s*$", re.I)
_DIGIT = re.compile(r"\d")
# The opening words of the legal basis and the preamble, which cite other documents (folded).
_LEGAL_BASIS = re.compile(r"(can cu|thuc hien|theo|xet|trien khai)\b")


# --- entry point ------------------------------------------------------------------------------

def extract_indicators(doc: Document, doc_id: str, section_of: Callable[[int], str | None] | None = None, *,
                       tree: Outline | None = None, md: Metadata | None = None) -> list[IndicatorRecord]:
    """Every indicator value of the document, table cells and sentences, in document order.
    section_of maps a block index to its section id, where the outline is known; tree and md, the
    document's outline and metadata when the caller has them (else they are worked out again)."""
    found: list[tuple[int, dict]] = []
    context = _Context(doc, doc_id, tree, md)
    previous: _Layout | None = None  # the indicator table just read, which a table without header may go on
    for i, block in enumerate(doc.blocks):
        if block.kind == "table":
            values, previous = _table_values(block, context.year_of(i) or context.plan_year, context.is_report,
                                             previous)
            found.extend((i, fields) for fields in values)
        elif block.kind == "heading" or len(block.text.split()) > _FURNITURE_WORDS:
            previous = None
    for i, text, page in _text_units(doc):
        if re.search(r"\d", text):
            found.extend((i, {**fields, "page": page})
                         for fields in _text_values(text, context.year_of(i), context.in_objectives(i),
                                                    context.is_report))
    found.sort(key=lambda f: f[0])
    return [IndicatorRecord(doc_id=doc_id, indicator_id=f"{doc_id}:i{n}",
                            section_id=section_of(i) if section_of else None,
                            role=fields.pop("role", None) or ("baseline" if fields["is_baseline"] else "target"),
                            **fields)
            for n, (i, fields) in enumerate(found)]


# --- vocabulary and patterns ------------------------------------------------------------------

@lru_cache(maxsize=None)
def _comparator_words(position: str = "before") -> dict[str, str]:
    """Comparator words that stand before a number ("trên 95%"), or after it ("80% trở lên")."""
    return {r["word"].lower(): r["comparator"] for r in table("comparators") if r["position"] == position}


@lru_cache(maxsize=None)
def _unit_words(kind: str) -> tuple[str, ...]:
    """Unit words of one kind (percent, permille, count, per, age), longest first."""
    return tuple(sorted((r["word"] for r in table("units") if r["kind"] == kind), key=len, reverse=True))


def _alternation(words) -> str:
    """Regex alternation, longest first; a word matches only whole ("trên" not in "trênh")."""
    parts = []
    for w in sorted(words, key=len, reverse=True):
        escaped = re.escape(w).replace(r"\ ", r"\s+")
        parts.append(rf"(?<!\w){escaped}(?!\w)" if w[0].isalpha() else escaped)
    return "|".join(parts)


@lru_cache(maxsize=None)
def _patterns() -> dict[str, re.Pattern]:
    comparator = _alternation(_comparator_words())
    chain = rf"(?:(?:{comparator})\s*)*"
    # Not part of a code, date or range: "281/QĐ", "05/4/2024", "Covid-19", "2021-2025".
    number = rf"(?<![\w/.,\-])(?P<num>{NUMBER})(?![\w/]|[.,]\d|\s*[-–]\s*\d|-\w)"
    denominator = rf"(?:{NUMBER}\s*)?(?:vạn\s+|nghìn\s+|ngàn\s+)?(?:{_alternation(_unit_words('per'))})"
    symbols = _alternation(_unit_words("percent") + _unit_words("permille"))
    return {
        "comparator": re.compile(comparator, re.I),
        "comparator_after": re.compile(rf"\s*(?P<word>{_alternation(_comparator_words('after'))})", re.I),
        "value": re.compile(rf"(?P<comp>{chain}){number}", re.I),
        "cell": re.compile(rf"(?P<comp>{chain})(?P<num>{NUMBER})\s*(?P<sym>{symbols})?(?:\s*/\s*{NUMBER})?"
                           rf"(?:\s*\(.*|\s+\S.*)?", re.I),
        "symbol": re.compile(rf"\s*(?P<sym>{symbols})", re.I),
        "age": re.compile(rf"\s*(?:{_alternation(_unit_words('age'))})", re.I),
        "count": re.compile(rf"\s+(?P<noun>{_alternation(_unit_words('count'))})", re.I),
        # "11 bác sỹ /1 vạn dân", "2 dược sỹ đại học (DSDH)/1 vạn dân", "28 giường bệnh trên 10.000 dân"
        "rate": re.compile(rf"\s+(?P<noun>(?:[^\W\d_]+\s*){{1,6}}?(?:\([^()]*\)\s*)?)"
                           rf"(?:/|trên\s)\s*(?P<den>{denominator})(?!\w)", re.I),
        "rate_in_name": re.compile(rf"(?P<noun>[^\W\d_][^/()]*?)\s*/\s*(?P<den>{denominator})(?!\w)", re.I),
    }


def _comparator(words: str) -> str:
    """The comparator of the words before a number: a bound wins over "đạt" ("đạt > 95%")."""
    found = [_comparator_words()[" ".join(w.lower().split())] for w in _patterns()["comparator"].findall(words)]
    bounds = [c for c in found if c != "="]
    return bounds[-1] if bounds else "="


def _spaced(text: str) -> str:
    return " ".join(text.split())


# --- tables -----------------------------------------------------------------------------------

@dataclass
class _Column:
    """A value column: the role and year of its cells, the unit its header gives, and the words
    that tell it apart from the table's other value columns ("Lâm Đồng, Điểm số")."""
    role: str
    year: int | None
    unit: str | None
    qualifier: str = ""


@dataclass
class _Layout:
    name_col: int
    columns: dict[int, _Column]
    unit_col: int | None
    seq_col: int | None
    first_row: int  # the first row below the header
    width: int  # columns


def _table_values(block: Block, table_year: int | None = None, is_report: bool = False,
                  previous: _Layout | None = None) -> tuple[list[dict], _Layout | None]:
    """One value per filled value cell, and the layout read. table_year is the year of the columns
    whose header states none (a report's "Số liệu", a plan's "Kế hoạch"): the heading's, else the
    period's. A table without a header, as wide as the indicator table just before it, goes on
    with that table's layout: the rest of it on the next page."""
    grid = [[_spaced(c) for c in row] for row in block.grid()]
    if not grid:
        return [], None
    layout = _layout(grid, table_year, is_report)
    if layout is None and previous is not None and previous.width == len(grid[0]) and _name_header(grid) is None:
        layout = dataclasses.replace(previous, first_row=0)
    if layout is None:
        return [], None
    out: list[dict] = []
    group: str | None = None
    rows = grid[layout.first_row:]
    for k, row in enumerate(rows):
        name = row[layout.name_col]
        values = {c: _parse_cell(row[c]) for c in layout.columns}
        if not any(values.values()):
            if name and _is_group_row(row, layout, rows[k + 1] if k + 1 < len(rows) else None):
                group = _without_label(name)
            continue
        if layout.seq_col is not None and _ROMAN.fullmatch(row[layout.seq_col]):
            group = name  # "II | Tiến độ, kết quả giải quyết | | 18,88": a group with its own total
        if not name:
            continue
        unit = _row_unit(row, layout, name)
        for col, parsed in values.items():
            if parsed is None:
                continue
            comparator, value, symbol = parsed
            column = layout.columns[col]
            out.append(dict(
                name=f"{name} ({column.qualifier})" if column.qualifier else name,
                comparator=comparator, value=value, value_text=row[col],
                unit=unit or symbol or column.unit, year=column.year,
                is_baseline=column.role == "baseline", role=column.role, group_name=group, source="table",
                raw_text=" | ".join(row), page=block.page))
    return out, layout


def _layout(grid: list[list[str]], table_year: int | None, is_report: bool) -> _Layout | None:
    """Column roles from the header rows, or None when the table is not an indicator table."""
    found = _name_header(grid)
    if found is None:
        return None
    top, name_col = found
    bottom = top + 1
    while bottom < min(top + _HEADER_ROWS, len(grid)) and _continues_header(grid[bottom], grid[top], name_col):
        bottom += 1
    cells = [list(dict.fromkeys(grid[r][c] for r in range(top, bottom) if grid[r][c])) for c in range(len(grid[top]))]
    headers = [" ".join(h) for h in cells]
    if any(_TASK_HEADERS.search(fold(h)) for h in headers):
        return None
    words = [[_column_word(cell) for cell in h] for h in cells]
    if any(w and w["role"] == "exclude" for ws in words for w in ws):
        return None  # a rubric's scoring bands or a coordinates table
    unit_col = next((c for c, h in enumerate(cells) if c != name_col and any(_header_is(x, _UNIT_HEADERS) for x in h)), None)
    seq_col = next((c for c, h in enumerate(cells) if c != name_col and any(_header_is(x, _SEQ_HEADERS) for x in h)), None)
    columns: dict[int, _Column] = {}
    for c, h in enumerate(headers):
        if c in (name_col, unit_col, seq_col) or any(w and w["role"] == "note" for w in words[c]):
            continue
        years = re.findall(rf"(?<!\d){_YEAR}(?!\d)", h)
        word = next((w for w in words[c] if w), None)
        if not years and not word:
            continue
        role = word["role"] if word else ("achieved" if is_report else "target")
        if role == "measure":
            # A score or a rank is what a report states; a plan quotes one only as a dated target.
            if not (is_report or years):
                continue
            role = "achieved" if is_report else "target"
        if role == "achieved" and not is_report:
            role = "baseline"  # what a plan says was achieved is where it starts from
        # "Giai đoạn 2021-2025" is measured at its end.
        columns[c] = _Column(role=role, year=int(years[-1]) if years else table_year,
                             unit=_explicit_unit(h) or (word["unit"] if word else None) or None)
    if not columns:
        return None
    baseline = _baseline_col(columns, headers)
    if baseline is not None:
        columns[baseline].role = "baseline"
    _qualify(columns, cells, words)
    return _Layout(name_col=name_col, columns=columns, unit_col=unit_col, seq_col=seq_col, first_row=bottom,
                   width=len(grid[top]))


@lru_cache(maxsize=None)
def _column_words() -> tuple[dict, ...]:
    """Header words of value columns (data/indicator_columns.csv), folded, longest first."""
    rows = [{**r, "words": fold(r["words"])} for r in table("indicator_columns")]
    return tuple(sorted(rows, key=lambda r: len(r["words"]), reverse=True))


def _column_word(cell: str) -> dict | None:
    """The entry of data/indicator_columns.csv a header cell opens with ("Kế hoạch năm 2026")."""
    f = _header_text(cell)
    return next((r for r in _column_words() if re.match(rf"{re.escape(r['words'])}\b", f)), None)


def _qualify(columns: dict[int, _Column], cells: list[list[str]], words: list[list]) -> None:
    """Name the header words that tell value columns of one role apart: the province above
    "Điểm số | Chỉ số | Thứ hạng", and those measures themselves. A plan's "Kế hoạch | Thực hiện"
    differ by role, and years by year: neither is qualified."""
    parts = {}
    for c in columns:
        own = []
        for cell, word in zip(cells[c], words[c]):
            if word and word["role"] in ("target", "achieved"):
                continue
            text = re.sub(rf"(?<!\d){_YEAR}(?!\d)|\bnăm\b", " ", cell, flags=re.I)
            if _spaced(text):
                own.append(_spaced(text))
        parts[c] = own
    for c, column in columns.items():
        rivals = [parts[d] for d, other in columns.items() if d != c and other.role == column.role
                  and other.year == column.year]
        if rivals and any(p != parts[c] for p in rivals):
            column.qualifier = ", ".join(parts[c])


def _name_header(grid: list[list[str]]) -> tuple[int, int] | None:
    """(row, column) of the header cell naming the indicator column: "Chỉ tiêu", "Nội dung",
    "Chỉ tiêu thống kê (Sử dụng trong kỳ báo cáo ...)"."""
    for r, row in enumerate(grid[:_HEADER_ROWS]):
        for c, text in enumerate(row):
            words = _header_text(text).split()
            if len(words) <= _NAME_HEADER_WORDS and any(
                    " ".join(words[:len(h.split())]) == h for h in _NAME_HEADERS):
                return r, c
    return None


def _header_text(text: str) -> str:
    """A header cell folded, without its bracketed remark and punctuation."""
    return _spaced(re.sub(r"[^\w\s]", " ", fold(re.sub(r"\([^()]*\)", " ", text))))


def _header_is(text: str, words: tuple[str, ...]) -> bool:
    return _spaced(re.sub(r"[^\w\s]", " ", fold(text))) in words


def _continues_header(row: list[str], header: list[str], name_col: int) -> bool:
    """A second header row ("Năm 2023 | Năm 2030" under "Chỉ tiêu | Giai đoạn"): the name cell
    merged down from the header, only years and labels, and not a group row merged across."""
    if len(set(row)) == 1 or row[name_col] not in ("", header[name_col]):
        return False
    return all(not re.search(r"\d", re.sub(rf"(?<!\d){_YEAR}(?!\d)|\(\d+\)", "", cell))
               for cell, above in zip(row, header) if cell != above)  # cells merged down are header text


def _baseline_col(columns: dict[int, _Column], headers: list[str]) -> int | None:
    """The first year column of a plan's targets, when it is earlier than every year after it
    and not headed as a plan figure."""
    dated = {c: col.year for c, col in columns.items() if col.role == "target" and col.year is not None
             and re.search(rf"(?<!\d){_YEAR}(?!\d)", headers[c])}
    if len(dated) < 2:
        return None
    first = min(dated)
    if _TARGET_HEADERS.search(fold(headers[first])):
        return None
    return first if dated[first] < min(y for c, y in dated.items() if c != first) else None


def _parse_cell(text: str) -> tuple[str, float, str | None] | None:
    """(comparator, value, % or ‰) of a value cell: ">7", "19,5", "59.472", "94 (14 loại)", "≥ 95",
    a score out of its maximum "9,49/ 9,5", a rank among all "12/63"."""
    text = re.sub(r"/(\s*/)+", "/", text.strip())  # "9,49/ / 9,5": a slash repeated where the cell wrapped
    m = _patterns()["cell"].fullmatch(text)
    value = parse_number(m.group("num")) if m else None
    if value is None:
        return None
    return _comparator(m.group("comp")), value, _symbol_unit(m.group("sym"))


def _is_group_row(row: list[str], layout: _Layout, next_row: list[str] | None) -> bool:
    """A row that only names a group ("Chỉ tiêu đầu vào", "3 | Kiểm tra CCHC" above "3.1 | ..."):
    no figures, and no plain sequence number unless the next row's number continues it."""
    if any(re.search(r"\d", row[c]) and row[c] != row[layout.name_col] for c in layout.columns):
        return False
    if layout.seq_col is None or not re.fullmatch(r"[\d.]+", row[layout.seq_col]):
        return True
    seq = row[layout.seq_col].rstrip(".")
    return next_row is not None and next_row[layout.seq_col].startswith(f"{seq}.")


def _without_label(text: str) -> str:
    marker = marker_of(text)
    return marker[2] if marker and marker[0] in ("part", "roman", "letter") else text


def _row_unit(row: list[str], layout: _Layout, name: str) -> str | None:
    if layout.unit_col is not None and row[layout.unit_col] not in ("", name):
        return row[layout.unit_col]
    return _unit_of_name(name)


# --- units ------------------------------------------------------------------------------------

def _symbol_unit(symbol: str | None) -> str | None:
    if not symbol:
        return None
    return "%" if symbol.lower() in _unit_words("percent") else "‰"


def _explicit_unit(text: str) -> str | None:
    """A unit written in brackets: "(%)", "(‰)", "(người)"."""
    counts = {w.lower() for w in _unit_words("count")}
    for inner in re.findall(r"\(([^()]*)\)", text):
        inner = inner.strip().lower()
        if inner in ("%", "‰") or inner in counts:
            return inner
    return None


def _unit_of_name(name: str) -> str | None:
    """The unit an indicator's name states: "(%)", "(người)", a % sign, or a rate such as
    "Số giường bệnh viện/10.000 dân" (unit "giường/10.000 dân")."""
    unit = _explicit_unit(name)
    if unit:
        return unit
    for symbol in ("%", "‰"):
        if symbol in name:
            return symbol
    m = _patterns()["rate_in_name"].search(name)
    noun = _count_noun(m.group("noun"), anywhere=True) if m else None
    return f"{noun}/{_spaced(m.group('den'))}" if noun else None


def _count_noun(text: str, anywhere: bool = False) -> str | None:
    """The counted thing (from the unit table) a phrase starts with, or the first it holds:
    "giường" in "giường bệnh", "Số giường bệnh viện"."""
    found = []
    for word in _unit_words("count"):
        m = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.I)
        if m and (anywhere or m.start() == 0):
            found.append((m.start(), -len(word), m.group(0)))
    return min(found)[2] if found else None


# --- where a sentence stands ------------------------------------------------------------------

class _Context:
    """Where each block stands: inside the objectives part or not, and the year its headings
    and lead-in lines ("Phấn đấu đến năm 2030, đạt các mục tiêu sau:") give; and what the
    document is: a report states achieved values, and the period it covers or plans for."""

    def __init__(self, doc: Document, doc_id: str, tree: Outline | None = None, md: Metadata | None = None):
        self.outline = tree or build_outline(doc, doc_id)
        md = md or extract_metadata(doc)
        self.is_report = document_is_report(md)
        self.plan_year = _period_year(md.title or "") or _plan_year(doc)
        if self.plan_year is None and self.is_report and md.issue_date:
            self.plan_year = md.issue_date.year  # a report covers the year it is dated in
        # A plan for one year ("Kế hoạch ... năm 2026") aims every target at that year.
        self.one_year = not _PERIOD_RE.search(md.title or "") and len({_year(m) for m in _years_in(md.title or "")}) == 1

    def _enclosing(self, i: int) -> list[Node]:
        node = self.outline.section_of_block.get(i)
        if node is not None and node.block_index == i:
            node = node.parent  # a numbered item stands under its parent's heading
        chain = []
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def in_objectives(self, i: int) -> bool:
        return any(_is_objectives_heading(n.heading) for n in self._enclosing(i))

    def year_of(self, i: int) -> int | None:
        for node in self._enclosing(i):
            lead_ins = [p for p in node.text_parts if p.rstrip().endswith(":")]
            for text in [*reversed(lead_ins), node.heading]:
                year = _first_year(text)
                if year:
                    return year
        # Targets under "Các chỉ tiêu chủ yếu của giai đoạn" aim at the end of the plan's period;
        # a report's figures are of the period it reports on, and a one-year plan's of its year.
        return self.plan_year if self.in_objectives(i) or self.is_report or self.one_year else None


def _period_year(title: str) -> int | None:
    """The year a title states for the plan or report itself: the end of its period ("giai đoạn
    2026-2030", "đến năm 2030"), else its last year ("quý I năm 2026 và phương hướng quý II năm 2026")."""
    m = _PERIOD_RE.search(title)
    if m:
        return int(m.group("end") or m.group("to"))
    years = _years_in(title)
    return _year(years[-1]) if years else None


def _is_objectives_heading(heading: str) -> bool:
    f = fold(heading)
    short = len(f.split()) <= _OBJECTIVES_HEADING_WORDS
    return bool(_OBJECTIVES_START.match(f) or (short and _OBJECTIVES_WORD.search(f)))


def _plan_year(doc: Document) -> int | None:
    """End of the period the front matter states ("giai đoạn 2016-2020" -> 2020, "đến năm 2030"),
    not in its legal basis: "Căn cứ Chương trình ... giai đoạn 2021 - 2030" is another document's."""
    for block in doc.blocks[:body_start(doc)]:
        cited = _LEGAL_BASIS.match(fold(block.text.strip()))
        m = _PERIOD_RE.search(block.text) if block.kind != "table" and not cited else None
        if m:
            return int(m.group("end") or m.group("to"))
    return None


def _years_in(text: str) -> list[re.Match]:
    return [m for m in _YEAR_RE.finditer(text) if not _NOT_TARGET_YEAR.search(text[:m.start()])]


def _first_year(text: str) -> int | None:
    years = _years_in(text)
    return _year(years[0]) if years else None


def _year(m: re.Match) -> int:
    return int(m.group("end") or m.group("year") or m.group("to"))


def _text_units(doc: Document) -> Iterator[tuple[int, str, int | None]]:
    """(first block index, text, page) of each block of text; a paragraph is joined with the
    blocks that continue it across a page break (no closing punctuation, next starts in lower case)."""
    blocks = doc.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "table":
            i += 1
            continue
        text, j = block.text.strip(), i + 1
        while (block.kind != "heading" and j < len(blocks) and blocks[j].kind in ("paragraph", "list_item")
               and text and not text.endswith((".", ";", ":", "!", "?")) and blocks[j].text.strip()[:1].islower()):
            text = f"{text} {blocks[j].text.strip()}"
            j += 1
        yield i, text, block.page
        i = j


# --- sentences --------------------------------------------------------------------------------

@dataclass
class _Candidate:
    """A number with a target unit after it."""
    start: int  # where its comparator words begin
    end: int  # after the number and its unit
    chain: str  # the comparator words before the number, as printed
    comparator: str
    value: float
    value_text: str
    unit: str
    kind: str  # percent, rate or count
    noun: str = ""  # rate and count: the counted thing as printed
    denominator: str = ""  # rate: "1 vạn dân"

    @property
    def stated(self) -> bool:
        """A comparator word stands before the number."""
        return bool(self.chain.strip())


def _text_values(text: str, block_year: int | None, in_objectives: bool, is_report: bool = False) -> list[dict]:
    marker = marker_of(text)
    text = marker[2] if marker else text
    out: list[dict] = []
    lead_year = None
    for clause in re.split(r"(?<=[;:])\s+|(?<=[.!?])\s+(?=\D)", text):
        clause = clause.strip()
        out.extend(_clause_values(clause, lead_year or block_year, in_objectives, is_report))
        if clause.endswith(":"):
            lead_year = _first_year(clause) or lead_year  # "Phấn đấu đến năm 2025: 100% ...; 90% ..."
    return out


def _clause_values(clause: str, context_year: int | None, in_objectives: bool,
                   is_report: bool = False) -> list[dict]:
    candidates = _candidates(clause)
    out: list[dict] = []
    prev_end, prev_name, leading_year, prev = 0, None, None, None
    for k, c in enumerate(candidates):
        next_start = candidates[k + 1].start if k + 1 < len(candidates) else len(clause)
        before = clause[prev_end:c.start]
        trailing = _trailing_year(clause, c.end, next_start)
        prev_end = trailing.end() if trailing else c.end
        after = clause[prev_end:next_start]
        name, named_after = _name_of(c, before, after, prev_name)
        if named_after:
            prev_end += _after_end(after)  # the words that named this value do not name the next
        # "10% trong năm 2027, 50% trong năm 2028 và 100% trong năm 2029": one series, one name,
        # and what makes its first value a target makes the others one too.
        series = prev if prev is not None and not (c.stated or named_after) and _SERIES_GAP.fullmatch(before) else None
        annual = bool(_ANNUAL.search(before))
        if name and not annual and (c.comparator != "=" or _LEVEL_WORDS.search(before + c.chain)):
            name = _level_name(name)
        prev_name = name or prev_name
        stated = _years_in(before)
        if trailing:
            year = _year(trailing)
        elif stated:
            # A year stated before a value holds for the values after it in the clause too.
            year = leading_year = _year(stated[-1])
        elif named_after and _years_in(after):
            year = _year(_years_in(after)[0])  # "80% xã ... đạt Tiêu chí quốc gia giai đoạn 2011 – 2020"
        elif annual:
            year = None
        else:
            year = leading_year or context_year
        if series is not None:
            role, comparator = series["role"], series["comparator"]
        else:
            role, comparator = _role(c, clause, in_objectives, is_report), c.comparator
        prev = None
        if name and role:
            prev = dict(name=name, comparator=comparator, value=c.value, value_text=c.value_text,
                        unit=c.unit, year=year, is_baseline=False, role=role, group_name=None, source="text",
                        raw_text=clause)
            out.append(prev)
    return out


def _candidates(clause: str) -> list[_Candidate]:
    """Numbers with a target unit after them; ages ("dưới 5 tuổi"), codes and dates are skipped."""
    p = _patterns()
    out: list[_Candidate] = []
    pos = 0
    # A value needs a digit. Most clauses have none (left), and looking for the comparator words
    # that may open a value at every position is slow: check first.
    while _DIGIT.search(clause, pos) and (m := p["value"].search(clause, pos)):
        pos = m.end()
        value = parse_number(m.group("num"))
        if value is None or p["age"].match(clause, pos):
            continue
        chain = m.group("comp")
        shown = _shown_from(m)
        if s := p["symbol"].match(clause, pos):
            end, comparator = _comparator_after(clause, s.end(), _comparator(chain))
            out.append(_Candidate(start=m.start(), end=end, chain=chain, comparator=comparator, value=value,
                                  value_text=clause[shown:end], unit=_symbol_unit(s.group("sym")), kind="percent"))
        elif r := p["rate"].match(clause, pos):
            end, comparator = _comparator_after(clause, r.end(), _comparator(chain))
            noun, den = _spaced(r.group("noun")), _spaced(r.group("den"))
            unit = f"{_count_noun(noun) or _spaced(re.sub(r'[(][^()]*[)]', ' ', noun))}/{den}"
            out.append(_Candidate(start=m.start(), end=end, chain=chain, comparator=comparator, value=value,
                                  value_text=clause[shown:end], unit=unit, kind="rate", noun=noun,
                                  denominator=den))
            pos = end  # the denominator's number is not a value
        elif n := p["count"].match(clause, pos):
            out.append(_Candidate(start=m.start(), end=m.end(), chain=chain, comparator=_comparator(chain),
                                  value=value, value_text=clause[shown:n.end()], unit=n.group("noun").lower(),
                                  kind="count", noun=n.group("noun")))
    return out


def _shown_from(m: re.Match) -> int:
    """Where the value as printed starts: at its bound ("tối thiểu 98%"), not at "đạt" or "là"."""
    for word in _patterns()["comparator"].finditer(m.group("comp")):
        if _comparator_words()[" ".join(word.group(0).lower().split())] != "=":
            return m.start() + word.start()
    return m.start("num")


def _comparator_after(clause: str, end: int, comparator: str) -> tuple[int, str]:
    """A bound written after the value ("80% trở lên") extends it and overrides "đạt"."""
    m = _patterns()["comparator_after"].match(clause, end)
    if not m or comparator != "=":
        return end, comparator
    return m.end(), _comparator_words("after")[" ".join(m.group("word").lower().split())]


def _trailing_year(clause: str, start: int, stop: int) -> re.Match | None:
    """A year right after a value, with nothing but space between: "dưới 18% vào năm 2030"."""
    gap = len(clause[start:stop]) - len(clause[start:stop].lstrip())
    return _YEAR_RE.match(clause, start + gap, stop) if gap else None


def _scope(clause: str, start: int) -> str:
    """The words that qualify the value at `start`: the clause before it without the brackets
    closed before it, or, inside a bracket, the bracket's words only ("đạt 72% (chỉ tiêu đề ra là
    tối thiểu 80%)": "chỉ tiêu đề ra là tối thiểu" for 80%)."""
    text = clause[:start]
    opened = text.rfind("(")
    if opened > text.rfind(")"):
        return text[opened + 1:]
    return re.sub(r"\([^()]*\)", " ", text)


def _role(c: _Candidate, clause: str, in_objectives: bool, is_report: bool) -> str | None:
    """target, achieved (a value reached: "hiện đạt 97,4%", any "đạt" of a report), or None."""
    scope = _scope(clause, c.start)
    if _CONDITION.search(scope):
        return None  # a scoring band: "trường hợp dưới 70% thì tiêu chí này đạt 0 điểm"
    past = _PAST.search(scope + c.chain)  # "hiện đạt 97,4%": "đạt" is the value's own comparator word
    if in_objectives and not past:
        # A count is a target only when it reaches something: "02 bệnh viện ... đạt hạng I".
        stated = c.kind != "count" or c.stated or re.search(r"(?<!\w)đạt(?!\w)", clause, re.I) is not None
        return "target" if stated else None
    # "chỉ tiêu" names the value only in its own piece: not in "(chỉ tiêu 90%, đạt 85%)".
    quoted = _TARGET_WORDS.search(fold(scope.split(",")[-1]))
    if c.kind != "count" and c.stated and not past and (
            _AIM.search(fold(scope)) or quoted or (c.comparator != "=" and not is_report)):
        return "target"
    reached = re.search(r"(?<!\w)đạt(?!\w)", scope[-_REACH_WINDOW:] + c.chain, re.I)
    # Plans also recall past results; only a report's are recorded, as what it reports.
    return "achieved" if reached and c.comparator == "=" and is_report else None


# --- names ------------------------------------------------------------------------------------

def _name_of(c: _Candidate, before: str, after: str, prev_name: str | None) -> tuple[str | None, bool]:
    """The value's name, and whether it was read after the value."""
    named_before, earlier = _before_name(before)
    named_after = _after_name(after)
    if c.kind == "count":
        # The counted noun starts the name ("02 bệnh viện tuyến tỉnh đạt hạng I") unless it is
        # all there is after the value: "Mỗi trạm y tế xã có ít nhất 01 bác sĩ".
        if named_after and fold(named_after) != fold(c.noun):
            return named_after, True
        return _tidy(f"{before} {after}") or None, False
    if c.kind == "rate":
        return named_before or f"Số {c.noun}/{c.denominator}", False
    if named_before:
        return named_before, False
    reference = _spaced(after[:_after_end(after)]).strip(_PUNCTUATION)
    if _REFERENCE.match(fold(reference)):
        # "Tổng thu ngân sách là 8.063 tỷ đồng, đạt 24,88% dự toán": a share of a reference figure.
        subject = _subject(earlier) or (prev_name or "").partition(_OF_REFERENCE)[0]
        return (f"{subject}{_OF_REFERENCE}{reference}" if subject else None), True
    if named_after:
        # "Giảm 10% số ca mắc" names a change: the verb is the only word before the value.
        verb = re.search(rf"(?<!\w)({'|'.join(_CHANGE_VERBS)})\s*$", before, re.I)
        if verb:
            return f"{verb.group(1).capitalize()} {named_after[0].lower()}{named_after[1:]}", True
        return named_after, True
    return prev_name or earlier or None, False


def _subject(text: str) -> str:
    """The noun phrase a sentence opens with, before its figure or verb: "Tổng thu ngân sách" of
    "Tổng thu ngân sách ước thực hiện đến ngày 25/02 là 8.063 tỷ đồng"."""
    return _name_text(_SUBJECT_END.split(text.split(",")[-1], maxsplit=1)[0]) if text else ""


def _before_name(text: str) -> tuple[str, str]:
    """(name, fallback) from the words before a value. When the last comma-separated piece
    holds no name ("Duy trì Trạm y tế có bác sĩ, phấn đấu đến năm 2030 có trên 50% ..."), the
    name is looked for after the value, and the earlier pieces are only a fallback. A value
    inside brackets is named inside them, else by the words before the bracket ("Tỷ lệ X chưa
    đạt chỉ tiêu (chỉ tiêu tối thiểu 98%)")."""
    text = _YEAR_RE.sub(" ", text)
    outside = ""
    if text.rfind("(") > text.rfind(")"):
        outside, text = text[:text.rfind("(")], text[text.rfind("(") + 1:]
    pieces = text.split(",")
    if last := _name_text(pieces[-1]):
        # Without a head noun to start from, a last piece that opens with its own verb is a clause
        # of its own, and names the value alone: "Tập trung ..., bảo đảm mục tiêu tăng trưởng kinh
        # tế trên 10%" (but "... kiểm toán nhà nước về tài chính, ngân sách" is one name).
        opens_clause = not _spaced(pieces[-1]).strip(_PUNCTUATION).startswith(last[:1].lower() + last[1:])
        return (last if opens_clause and not _head_pattern().search(text) else _name_text(text)), ""
    fallback = _name_text(",".join(pieces[:-1]))
    if not fallback and outside:
        fallback = _name_text(_TARGET_REMARK.sub("", re.sub(r"\([^()]*\)", " ", outside).rstrip()))
    return "", fallback


def _name_text(text: str) -> str:
    """The name in a stretch of words: after any aim or purpose marker, from the indicator's head
    noun on ("với tốc độ lấp đầy" -> "tốc độ lấp đầy"), and "" when only verbs are left."""
    name = _tidy(_from_head(_after_cut(text)))
    return "" if _is_fragment(name) else name


def _from_head(text: str) -> str:
    """The words from the first indicator head noun (data/indicator_heads.csv) on, when the words
    before it are not part of the name: not a count ("Số xã đạt chỉ số ...") and not a change verb
    ("Giảm tỷ lệ ...", which names an amount of change)."""
    m = _head_pattern().search(text)
    if not m or not text[:m.start()].strip():
        return text
    lead = text[:m.start()].split()
    if fold(lead[0]) in ("so", "tong"):
        return text
    if fold(lead[-1]) in {fold(v) for v in _CHANGE_VERBS}:
        return text[text.rfind(lead[-1], 0, m.start()):]
    return text[m.start():]


@lru_cache(maxsize=None)
def _head_pattern() -> re.Pattern:
    return re.compile(_alternation(r["word"] for r in table("indicator_heads")), re.I)


@lru_cache(maxsize=None)
def _verbs() -> frozenset[str]:
    return frozenset(fold(r["verb"]) for r in table("duty_verbs"))


def _is_fragment(name: str) -> bool:
    """A name made only of duty verbs and function words names nothing: "Xây dựng", "Là căn cứ để"."""
    rest = f" {fold(name)} "
    for word in sorted(_verbs() | {fold(w) for w in (*_FUNCTION_WORDS, *_LEAD_WORDS)}, key=len, reverse=True):
        rest = rest.replace(f" {word} ", " ").replace(f" {word} ", " ")
    return bool(name) and not rest.strip()


def _after_name(text: str) -> str:
    """The noun phrase after a value ("80% xã, phường, thị trấn đạt Tiêu chí ... giai đoạn
    2011 – 2020"), up to a year, a bracket, a comparison, a condition or the next indicator."""
    return _tidy(text[:_after_end(text)])


def _after_end(text: str) -> int:
    """Where the name read after a value ends: "80% số xã có câu lạc bộ | và tỷ lệ ..."."""
    ends = [m.start() for m in (_YEAR_RE.search(text), re.search(rf"\(|\bso với\b|{_CONDITION.pattern}", text),
                                re.search(rf"(?:,|\s(?:và|còn))\s+(?:{_head_pattern().pattern})", text, re.I)) if m]
    return min(ends, default=len(text))


def _after_cut(text: str) -> str:
    """The words after the last aim or purpose marker: "... nhằm tăng tỷ lệ X" -> "tăng tỷ lệ X"."""
    folded = "".join(fold(ch)[:1] or ch for ch in text)  # folded char by char, so positions match
    cuts = list(_NAME_CUT.finditer(folded))
    return text[cuts[-1].end():] if cuts else text


def _tidy(text: str) -> str:
    """A name without the verbs, connectives and punctuation at its edges; "" when no name is left."""
    text = _spaced(text).strip(_PUNCTUATION)
    lead, trail = _edge_words()
    while not _BOUND_END.search(text):  # "người từ 60 tuổi trở lên" keeps its bound
        tidier = trail.sub("", lead.sub("", text)).strip(_PUNCTUATION)
        if tidier == text:
            break
        text = tidier
    words = text.split()
    if len(words) < _MIN_NAME_WORDS or not re.search(r"[^\W\d_]", text) or _GENERIC_NAMES.match(fold(text)):
        return ""
    text = " ".join(words[:_MAX_NAME_WORDS])
    return text[0].upper() + text[1:]


_BOUND_END = re.compile(r"(?<!\w)trở (lên|xuống)$", re.I)


@lru_cache(maxsize=None)
def _edge_words() -> tuple[re.Pattern, re.Pattern]:
    """_tidy's patterns: a lead word opening a name, a trailing word or comparator ending it."""
    lead = "|".join(re.escape(w) for w in _LEAD_WORDS)
    trail = "|".join(re.escape(w) for w in (*_TRAIL_WORDS, *_comparator_words()))
    return re.compile(rf"^(?:{lead})(?!\w)\s*", re.I), re.compile(rf"\s*(?<!\w)(?:{trail})$", re.I)


def _level_name(name: str) -> str:
    """The name of a level, without a change verb ("Tỷ lệ hộ nghèo giảm còn 3%") or the
    "yearly" words a name taken over from a yearly change carries: "Giảm tỷ lệ X bình quân
    hàng năm" -> "Tỷ lệ X"."""
    verbs = "|".join(_CHANGE_VERBS)
    level = re.sub(rf"^(?:{verbs})(?!\w)|(?<!\w)(?:{verbs})$", "", _spaced(_ANNUAL.sub(" ", name)), flags=re.I)
    return _tidy(level) or name
