"""Corpus scaler: many varied plans generated from the samples in data/samples/, as real files.

    python -m bench.scale --out bench/corpus/200 --docs 200 [--seed 1] [--formats docx,html,pdf,txt]

Every document is a variant of one sample (its "template"), changed the way real plans differ
from one another:

- the province (any of extractors/data/provinces.csv, "thành phố" for the cities), the district
  (a list of real district names) and the signer;
- the agencies: the provincial departments (Sở ...) and district offices (Phòng ...) named in the
  text are permuted, one mapping per document, so that "Sở Y tế" leads other tasks elsewhere;
- the document number and the issue date in the header (a few are left blank, as in drafts);
- the numbers: percentages and counts in sentences ("trên 95%", "28 giường bệnh") and the values
  in indicator tables ("6,63", ">98", "59.472") are perturbed;
- the row counts of task and indicator tables: numbered rows are dropped or duplicated (between
  half and three times as many) and renumbered; in text files, bullet lines are.

Formats, each written as a real file of that format:

- DOCX: a copy of ninhbinh-2016-2020.docx or tamduong-2030.docx edited with python-docx (run
  texts replaced, table rows deep-copied or removed);
- HTML: nghean-542-kh-ubnd.html edited with lxml (text nodes replaced, <tr> copied or removed);
- PDF (text layer): the same content as a DOCX or HTML variant, laid out the way
  nghean-draft.pdf is (the sample's layout: A4, serif 12-13 pt, the two-column header, justified
  paragraphs, ruled task and indicator tables, page numbers), rendered with reportlab and the
  DejaVu Serif TTF (Debian's fonts-dejavu-core), so the text is real PDF text with a ToUnicode map;
- TXT: the text/ samples, text replaced and bullet lines dropped or duplicated; some with a BOM.

Deterministic: the same --seed and --docs give byte-identical files, whatever --workers (each
document's choices come from Random(seed, index); PDFs use reportlab's invariant mode). The
generator writes only into a new or empty folder, or one holding a corpus it generated. Files are named
`NNNNN-<place>.<ext>` in one folder, so a folder listing interleaves the formats; `.manifest.json`
(hidden, so an ingest of the folder skips it) lists each file's format, template and (for PDFs) page count.
"""
from __future__ import annotations

import argparse
import copy
import csv
import datetime as dt
import hashlib
import io
import json
import os
import random
import re
import sys
import time
import unicodedata
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
DOMAIN = ROOT / "extractors" / "data"
GENERATOR_VERSION = 1

# Which sample each format is made from. PDFs carry the content of the structured samples (the
# HTML is the same plan as nghean-draft.pdf) so that their tables are real ruled tables.
TEMPLATES = {
    "docx": ["ninhbinh-2016-2020.docx", "tamduong-2030.docx"],
    "html": ["nghean-542-kh-ubnd.html"],
    "pdf": ["nghean-542-kh-ubnd.html", "tamduong-2030.docx", "ninhbinh-2016-2020.docx"],
    "txt": sorted(f"text/{p.name}" for p in (SAMPLES / "text").glob("*.txt")),
}
MIX = {"docx": 0.3, "html": 0.25, "pdf": 0.3, "txt": 0.15}  # share of each format in a corpus

# What the samples name, to be replaced.
SOURCE_PROVINCES = ["Nghệ An", "Ninh Bình", "Lai Châu", "Ninh Thuận"]
SOURCE_DISTRICTS = ["Tam Đường", "Ninh Sơn"]
SOURCE_SIGNERS = ["Bùi Đình Long", "Tổng Quang Thìn", "Vũ Xuân Thịnh", "Lê Văn Chín"]
DISTRICTS = [
    "Tam Đường", "Ninh Sơn", "Quỳnh Lưu", "Diễn Châu", "Nghi Lộc", "Hưng Nguyên", "Thanh Chương",
    "Đô Lương", "Yên Thành", "Nam Đàn", "Con Cuông", "Tương Dương", "Kỳ Sơn", "Quế Phong", "Gia Viễn",
    "Hoa Lư", "Kim Sơn", "Nho Quan", "Yên Khánh", "Yên Mô", "Phong Thổ", "Sìn Hồ", "Mường Tè",
    "Than Uyên", "Tân Uyên", "Nậm Nhùn", "Bác Ái", "Ninh Hải", "Ninh Phước", "Thuận Bắc", "Thuận Nam",
    "Đông Anh", "Sóc Sơn", "Ba Vì", "Mỹ Đức", "Cần Giờ", "Củ Chi", "Hóc Môn", "Bình Chánh", "Thủy Nguyên",
    "Tiên Lãng", "Hòa Vang", "Phong Điền", "Thới Lai", "Mèo Vạc", "Đồng Văn", "Bảo Lạc", "Trùng Khánh",
    "Mường Nhé", "Tuần Giáo", "Bắc Hà", "Sa Pa", "Mộc Châu", "Thuận Châu", "Quan Hóa", "Mường Lát",
    "Hương Khê", "Kỳ Anh", "Lệ Thủy", "Hướng Hóa", "Trà My", "Ba Tơ", "Đăk Glei", "Krông Pắc", "Lắk",
    "Đạ Tẻh", "Cát Tiên", "Tân Phú", "Cần Đước", "Châu Thành", "Trần Văn Thời", "U Minh", "Phú Quốc",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý", "Tổng", "Hà", "Đinh", "Lương"]
MIDDLES = ["Văn", "Thị", "Đình", "Quang", "Xuân", "Minh", "Hữu", "Đức", "Thanh", "Ngọc", "Công", "Thế",
           "Thu", "Hồng", "Kim"]
GIVENS = ["Long", "Thìn", "Thịnh", "Chín", "Hùng", "Lan", "Hương", "Dũng", "Tuấn", "Sơn", "Hải", "Bình",
          "Phương", "Thắng", "Nam", "Hà", "Trung", "Quân", "Tâm", "Việt", "Hạnh", "Khoa", "Nghĩa", "Yến"]

HEADER_DATE = re.compile(r"(?<=,)(\s*)ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})?\s*năm\s*(\d{4})")
DOC_NUMBER = re.compile(r"(Số\s*:\s*)(\d*)\s*([-/]\s*[A-ZĐ]+[-/][A-ZĐ]+)")
SOURCE_NUMBER = re.compile(r"Số\s*:\s*(\d+)\s*([-/][A-ZĐ]+[-/][A-ZĐ]+)")
PERCENT = re.compile(r"(?<![\d.,/])(\d{1,3}(?:,\d{1,2})?)(\s?%)")
CELL_NUMBER = re.compile(r"^(\s*[<>≤≥]?\s*)(\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?)(?![\d/.-])(.*)$", re.S)
BULLET_LINE = re.compile(r"^\s*[-+•]\s+\S")


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DOMAIN / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass
class Names:
    """What a variant draws from: the domain CSVs, read once per process."""
    provinces: list[tuple[str, str]] = field(default_factory=list)  # (name, province|city)
    departments: list[str] = field(default_factory=list)  # Sở ...
    offices: list[str] = field(default_factory=list)  # Phòng ...
    count_units: list[str] = field(default_factory=list)
    pattern: re.Pattern | None = None  # the names to replace, one alternation
    unit_number: re.Pattern | None = None

    @classmethod
    def load(cls) -> Names:
        names = cls()
        names.provinces = [(r["name"], r["kind"]) for r in _read_csv("provinces.csv")]
        canonical = sorted({r["canonical"] for r in _read_csv("agency_aliases.csv") if r["kind"] != "type"})
        names.departments = [a for a in canonical if a.startswith("Sở ")]
        names.offices = [a for a in canonical if a.startswith("Phòng ")]
        names.count_units = sorted({r["word"] for r in _read_csv("units.csv") if r["kind"] == "count"},
                                   key=len, reverse=True)
        words = SOURCE_PROVINCES + SOURCE_DISTRICTS + SOURCE_SIGNERS
        words = words + [w.upper() for w in words] + names.departments + names.offices
        alternation = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
        names.pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")
        units = "|".join(re.escape(u) for u in names.count_units)
        names.unit_number = re.compile(rf"(?<![\w.,/-])(\d{{1,3}}(?:,\d{{1,2}})?)(\s+)(?:{units})(?!\w)")
        return names


_NAMES: Names | None = None


def names() -> Names:
    global _NAMES
    if _NAMES is None:
        _NAMES = Names.load()
    return _NAMES


class Variant:
    """The choices for one generated document, all drawn from Random(seed, index)."""

    def __init__(self, seed: int, index: int):
        n = names()
        self.rng = r = random.Random(f"vnplan-bench:{seed}:{index}")
        self.province, kind = r.choice(n.provinces)
        self.city = kind == "city"
        self.district = r.choice(DISTRICTS)
        self.signer = f"{r.choice(SURNAMES)} {r.choice(MIDDLES)} {r.choice(GIVENS)}"
        self.draft = r.random() < 0.15  # number and day left blank, as in a draft
        self.date = dt.date(2016, 1, 1) + dt.timedelta(days=r.randrange(10 * 365))
        self.number = r.randint(1, 2999)
        self.row_factor = r.choice([0.5, 0.75, 1.0, 1.0, 1.5, 2.0, 3.0])
        self.map: dict[str, str] = {}
        for pool in (n.departments, n.offices):
            shuffled = pool[:]
            r.shuffle(shuffled)
            self.map.update(zip(pool, shuffled))
        for p in SOURCE_PROVINCES:
            self.map[p], self.map[p.upper()] = self.province, self.province.upper()
        for d in SOURCE_DISTRICTS:
            self.map[d], self.map[d.upper()] = self.district, self.district.upper()
        for s in SOURCE_SIGNERS:
            self.map[s], self.map[s.upper()] = self.signer, self.signer.upper()
        self.literals: list[tuple[str, str]] = []
        self.source_date: re.Pattern | None = None
        if self.city:
            p = re.escape(self.province)
            self._city = re.compile(rf"(?<!\w)(tỉnh|Tỉnh|TỈNH)(\s+)({p}|{p.upper()})(?!\w)")

    def learn(self, text: str) -> None:
        """Note the template's own document number and issue date, to replace them everywhere."""
        m = SOURCE_NUMBER.search(text)
        if m:
            self.literals.append((f"{m.group(1)}{m.group(2)}", f"{self.number}{m.group(2)}"))
        m = HEADER_DATE.search(text)
        if m and m.group(2) and m.group(3):
            old = f"{int(m.group(2)):02d}/{int(m.group(3)):02d}/{m.group(4)}"
            self.literals.append((old, self.date.strftime("%d/%m/%Y")))
            d, mo, y = int(m.group(2)), int(m.group(3)), m.group(4)
            self.source_date = re.compile(rf"ngày\s*0?{d}\s*tháng\s*0?{mo}\s*năm\s*{y}")

    # --- text --------------------------------------------------------------------------------
    def text(self, s: str) -> str:
        if not s or s.isspace():
            return s
        for old, new in self.literals:
            s = s.replace(old, new)
        if self.source_date is not None:
            s = self.source_date.sub(f"ngày {self.date.day:02d} tháng {self.date.month:02d} năm {self.date.year}", s)
        s = names().pattern.sub(lambda m: self.map.get(m.group(0), m.group(0)), s)
        if self.city:
            s = self._city.sub(lambda m: {"tỉnh": "thành phố", "Tỉnh": "Thành phố", "TỈNH": "THÀNH PHỐ"}[m.group(1)]
                               + m.group(2) + m.group(3), s)
        s = HEADER_DATE.sub(self._header_date, s)
        s = DOC_NUMBER.sub(self._doc_number, s)
        s = PERCENT.sub(lambda m: self.number_text(m.group(1), cap=100) + m.group(2), s)
        s = names().unit_number.sub(lambda m: self.number_text(m.group(1)) + m.group(0)[len(m.group(1)):], s)
        return s

    def cell(self, s: str) -> str:
        """A cell of a data table: a leading value ("6,63", ">98", "59.472", "94 (14 loại)") is
        perturbed; anything else is varied as text."""
        m = CELL_NUMBER.match(s)
        if m and not (m.group(2).isdigit() and 1900 <= int(m.group(2)) <= 2100):
            cap = 100 if "%" in m.group(3) else None
            return m.group(1) + self.number_text(m.group(2), cap=cap) + self.text(m.group(3))
        return self.text(s)

    def _header_date(self, m: re.Match) -> str:
        if self.draft:
            return f"{m.group(1)}ngày      tháng {self.date.month} năm {self.date.year}"
        return f"{m.group(1)}ngày {self.date.day:02d} tháng {self.date.month:02d} năm {self.date.year}"

    def _doc_number(self, m: re.Match) -> str:
        return f"{m.group(1)}{'       ' if self.draft else self.number}{m.group(3)}"

    def number_text(self, s: str, cap: float | None = None) -> str:
        """Perturb a number written the Vietnamese way (decimal comma, thousands dots), keeping its format."""
        r = self.rng
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s):
            value = int(s.replace(".", "")) * r.uniform(0.7, 1.3)
            return f"{round(value):,}".replace(",", ".")
        whole, _, decimals = s.partition(",")
        value = float(f"{whole}.{decimals}") if decimals else int(whole)
        if value == 100 and not decimals:  # "100" is nearly always a share: a full one stays full
            return s
        if cap is not None and value >= cap and r.random() < 0.7:
            return s
        if not decimals and value <= 10:
            new = max(0, value + r.randint(-2, 2))
        else:
            new = value * r.uniform(0.7, 1.3)
        if cap is not None:
            new = min(new, cap)
        out = f"{new:.{len(decimals)}f}".replace(".", ",")
        if not decimals and whole.startswith("0"):
            out = out.zfill(len(whole))
        return out

    # --- rows ----------------------------------------------------------------------------------
    def row_plan(self, first_cells: list[str]) -> list[int] | None:
        """New order of a table's rows (indices, repeated for copies) from their first cells'
        texts: numbered rows are dropped or duplicated; None when the table has no numbered rows
        to vary (layout tables, short lists)."""
        items = [i for i, c in enumerate(first_cells) if i > 0 and c.strip().isdigit()]
        if len(items) < 3:
            return None
        r, factor = self.rng, self.row_factor
        plan = []
        for i in range(len(first_cells)):
            if i not in items:
                plan.append(i)
            elif factor < 1:
                if r.random() < factor:
                    plan.append(i)
            else:
                copies = int(factor) + (r.random() < factor - int(factor))
                plan.extend([i] * copies)
        if not any(i in items for i in plan):
            plan.insert(items[0], items[0])
        return plan


# --- DOCX --------------------------------------------------------------------------------------

def _docx_cells(row):
    from docx.table import _Cell
    return [_Cell(tc, row.table) for tc in row._tr.tc_lst]


def _docx_vary_paragraph(p, fn) -> None:
    for run in p.runs:
        if run.text:
            new = fn(run.text)
            if new != run.text:
                run.text = new


def _docx_set_text(cell, text: str) -> None:
    runs = [r for p in cell.paragraphs for r in p.runs]
    if runs:
        runs[0].text = text
        for r in runs[1:]:
            r.text = ""
    else:
        cell.paragraphs[0].add_run(text)


def vary_docx(template: Path, v: Variant):
    import docx

    d = docx.Document(str(template))
    v.learn("\n".join(p.text for t in d.tables[:1] for row in t.rows for c in _docx_cells(row) for p in c.paragraphs)
            + "\n" + "\n".join(p.text for p in d.paragraphs[:10]))
    for table in d.tables:
        rows = list(table.rows)
        plan = v.row_plan([(_docx_cells(r)[0].text if _docx_cells(r) else "") for r in rows])
        data = len(rows) >= 4
        if plan is not None:
            body = table._tbl
            trs = [r._tr for r in rows]
            for tr in trs:
                body.remove(tr)
            seen = set()
            number = 0
            for i in plan:
                tr = copy.deepcopy(trs[i]) if i in seen else trs[i]
                seen.add(i)
                body.append(tr)
            for row in table.rows:
                cells = _docx_cells(row)
                if len(cells) > 1 and cells[0].text.strip().isdigit():
                    number += 1
                    _docx_set_text(cells[0], str(number))
        for row in table.rows:
            for k, cell in enumerate(_docx_cells(row)):
                fn = v.cell if data and k > 0 else v.text
                for p in cell.paragraphs:
                    _docx_vary_paragraph(p, fn)
    for p in d.paragraphs:
        _docx_vary_paragraph(p, v.text)
    for section in d.sections:
        for part in (section.header, section.footer):
            for p in part.paragraphs:
                _docx_vary_paragraph(p, v.text)
    return d


def write_docx(template: Path, v: Variant, out: Path) -> dict:
    d = vary_docx(template, v)
    # Fixed core properties: the same seed gives the same bytes.
    d.core_properties.created = d.core_properties.modified = dt.datetime(2024, 1, 1)
    d.core_properties.last_modified_by = "vnplan bench"
    buffer = io.BytesIO()
    d.save(buffer)
    # python-docx stamps each zip entry with the current time: rewrite them with a fixed one.
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(zipfile.ZipInfo(item.filename, date_time=(2024, 1, 1, 0, 0, 0)), source.read(item.filename),
                            compress_type=zipfile.ZIP_DEFLATED)
    return {}


# --- HTML --------------------------------------------------------------------------------------

def _html_cells(tr):
    return [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _html_set_number(cell, number: int) -> None:
    for node in cell.iter():
        if node.text and re.search(r"\d", node.text):
            node.text = re.sub(r"\d+", str(number), node.text, count=1)
            return


def vary_html(template: Path, v: Variant):
    from lxml import html as lxml_html

    root = lxml_html.document_fromstring(template.read_bytes())
    v.learn("\n".join(root.itertext()))
    for table in root.iter("table"):
        trs = [tr for tr in table.iter("tr")]
        if not trs:
            continue
        data = len(trs) >= 4 and "attrs" not in (table.get("class") or "")
        plan = v.row_plan([(_html_cells(tr)[0].text_content() if _html_cells(tr) else "") for tr in trs])
        if plan is not None:
            parent = trs[0].getparent()
            if all(tr.getparent() is parent for tr in trs):
                for tr in trs:
                    parent.remove(tr)
                seen, number = set(), 0
                for i in plan:
                    tr = copy.deepcopy(trs[i]) if i in seen else trs[i]
                    seen.add(i)
                    parent.append(tr)
                    cells = _html_cells(tr)
                    if len(cells) > 1 and cells[0].text_content().strip().isdigit():
                        number += 1
                        _html_set_number(cells[0], number)
        if data:
            for tr in table.iter("tr"):
                for cell in _html_cells(tr)[1:]:
                    cell.set("data-bench-cell", "1")
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        in_cell = el.get("data-bench-cell") == "1" or any(a.get("data-bench-cell") == "1" for a in el.iterancestors("td", "th"))
        if el.text:
            el.text = v.cell(el.text) if in_cell else v.text(el.text)
        if el.tail:
            parent_cell = el.getparent() is not None and (
                el.getparent().get("data-bench-cell") == "1"
                or any(a.get("data-bench-cell") == "1" for a in el.getparent().iterancestors("td", "th")))
            el.tail = v.cell(el.tail) if parent_cell else v.text(el.tail)
    for el in root.xpath("//*[@data-bench-cell]"):
        del el.attrib["data-bench-cell"]
    return root


def write_html(template: Path, v: Variant, out: Path) -> dict:
    from lxml import html as lxml_html

    root = vary_html(template, v)
    out.write_text(lxml_html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>"), encoding="utf-8")
    return {}


# --- TXT ---------------------------------------------------------------------------------------

def write_txt(template: Path, v: Variant, out: Path) -> dict:
    text = template.read_bytes().decode("utf-8-sig")
    v.learn(text)
    lines = []
    for line in text.split("\n"):
        if BULLET_LINE.match(line):
            roll = v.rng.random()
            if v.row_factor < 1 and roll > v.row_factor:
                continue
            if v.row_factor > 1 and roll < (v.row_factor - 1) / 2:
                lines.append(line)
        lines.append(line)
    text = v.text("\n".join(lines))
    bom = "\ufeff" if v.rng.random() < 0.2 else ""
    out.write_bytes((bom + text).encode("utf-8"))
    return {}


# --- PDF ---------------------------------------------------------------------------------------

@dataclass
class Para:
    text: str
    align: str = "justify"  # left, center, right, justify
    bold: bool = False
    indent: bool = True


@dataclass
class Grid:
    rows: list[list[tuple[str, int]]]  # cells: (text, columns spanned)
    layout: bool  # no rules: the header and signature blocks


def _docx_blocks(d) -> list:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    aligns = {WD_ALIGN_PARAGRAPH.CENTER: "center", WD_ALIGN_PARAGRAPH.RIGHT: "right",
              WD_ALIGN_PARAGRAPH.JUSTIFY: "justify", WD_ALIGN_PARAGRAPH.LEFT: "left"}
    blocks: list = []
    for item in d.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if not text:
                continue
            runs = [r for r in item.runs if r.text.strip()]
            bold = bool(runs) and all(r.bold for r in runs)
            if item.style is not None and item.style.name.startswith("List") and not re.match(r"[-+•]", text):
                text = "- " + text
            blocks.append(Para(text, aligns.get(item.alignment, "justify"), bold, item.alignment != WD_ALIGN_PARAGRAPH.CENTER))
        elif isinstance(item, Table):
            rows = []
            for row in item.rows:
                rows.append([("\n".join(p.text for p in c.paragraphs).strip(), c._tc.grid_span) for c in _docx_cells(row)])
            blocks.append(Grid(rows, layout=len(rows) <= 3 and max(len(r) for r in rows) <= 2))
    return blocks


def _html_text(el) -> str:
    el = copy.deepcopy(el)
    for br in el.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for p in el.iter("p"):
        p.tail = "\n" + (p.tail or "")
    return "\n".join(re.sub(r"[ \t\r\n]+", " ", line).strip() for line in el.text_content().split("\n")).strip()


def _html_blocks(root) -> list:
    content = root.xpath("//div[contains(@class, 'content1')]") or root.xpath("//body")
    blocks: list = []

    def walk(el) -> None:
        for child in el:
            if not isinstance(child.tag, str) or child.tag in ("script", "style", "form"):
                continue
            if child.tag == "table":
                rows = []
                for tr in child.iter("tr"):
                    rows.append([(_html_text(c), int(c.get("colspan") or 1)) for c in _html_cells(tr)])
                rows = [r for r in rows if r]
                if rows:
                    blocks.append(Grid(rows, layout=len(rows) <= 3 and max(len(r) for r in rows) <= 2))
            elif child.tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li"):
                text = _html_text(child)
                if text:
                    bold_text = "".join(b.text_content() for b in child.iter("b", "strong"))
                    bold = bold_text.strip() == child.text_content().strip()
                    align = child.get("align") or ("center" if "center" in (child.get("style") or "") else "justify")
                    blocks.append(Para(text, align, bold, align == "justify"))
            else:
                walk(child)

    walk(content[0])
    return blocks


_FONTS: str | None = None
FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts"]


def _register_fonts() -> str:
    global _FONTS
    if _FONTS:
        return _FONTS
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for folder in FONT_DIRS:
        regular, bold = Path(folder, "DejaVuSerif.ttf"), Path(folder, "DejaVuSerif-Bold.ttf")
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("Serif", str(regular)))
            pdfmetrics.registerFont(TTFont("Serif-Bold", str(bold)))
            for italic in (0, 1):
                addMapping("Serif", 0, italic, "Serif")
                addMapping("Serif", 1, italic, "Serif-Bold")
            _FONTS = "Serif"
            return _FONTS
    raise SystemExit("bench.scale: DejaVu Serif not found (install Debian's fonts-dejavu-core)")


def render_pdf(blocks: list, out: Path, title: str) -> int:
    """Lay the blocks out like nghean-draft.pdf; returns the page count."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _register_fonts()
    aligns = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}
    body = ParagraphStyle("body", fontName=font, fontSize=12.5, leading=17, spaceAfter=4, alignment=TA_JUSTIFY)
    cell = ParagraphStyle("cell", fontName=font, fontSize=10.5, leading=13, alignment=TA_LEFT)
    layout_cell = ParagraphStyle("layout", fontName=font, fontSize=11.5, leading=14.5, alignment=TA_CENTER)
    small = ParagraphStyle("small", fontName=font, fontSize=9.5, leading=12, alignment=TA_LEFT)

    def markup(text: str, bold: bool = False) -> str:
        s = escape(text).replace("\n", "<br/>")
        return f"<b>{s}</b>" if bold else s

    story: list = []
    width = A4[0] - 50 * mm
    for block in blocks:
        if isinstance(block, Para):
            style = ParagraphStyle("p", parent=body, alignment=aligns.get(block.align, TA_JUSTIFY),
                                   firstLineIndent=10 * mm if block.indent and block.align == "justify" else 0)
            if block.align == "center" and block.bold:  # the document type, the title, the parts' headings
                size = 13
                style = ParagraphStyle("h", parent=style, fontSize=size, leading=size * 1.3, spaceBefore=6, spaceAfter=6)
            story.append(Paragraph(markup(block.text, block.bold), style))
            continue
        columns = max(sum(span for _, span in row) for row in block.rows)
        if block.layout:
            data, commands = [], [("VALIGN", (0, 0), (-1, -1), "TOP")]
            for r, row in enumerate(block.rows):
                cells = []
                for text, _ in row:
                    if text.startswith("Nơi nhận"):
                        head, _, rest = text.partition("\n")
                        cells.append(Paragraph(markup(head, True) + "<br/>" + markup(rest), small))
                    else:
                        cells.append(Paragraph(markup(text, r == 0 or text.isupper() or "CHỦ TỊCH" in text), layout_cell))
                cells += [""] * (columns - len(cells))
                data.append(cells)
            story.append(Table(data, colWidths=[width * 0.42, width * 0.58][:columns] if columns == 2 else None,
                               style=TableStyle(commands)))
            story.append(Spacer(1, 6))
            continue
        # A ruled data table: column widths from the cells' mean lengths, none narrower than 10 mm.
        sums, counts = [0.0] * columns, [0] * columns
        for row in block.rows:
            if len(row) == columns:
                for k, (text, _) in enumerate(row):
                    sums[k] += min(len(text), 200)
                    counts[k] += 1
        weights = [min(max(sums[k] / max(counts[k], 1), 6.0), 120.0) for k in range(columns)]
        least = [10 * mm if w <= 6 else 24 * mm for w in weights]  # a number column; a column of words
        widths = [width * w / sum(weights) for w in weights]
        short = [k for k in range(columns) if widths[k] < least[k]]
        if short and len(short) < columns:
            rest = width - sum(least[k] for k in short)
            wide = sum(weights[k] for k in range(columns) if k not in short)
            widths = [least[k] if k in short else rest * weights[k] / wide for k in range(columns)]
        data, commands = [], [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
        for r, row in enumerate(block.rows):
            cells, k = [], 0
            for text, span in row:
                cells.append(Paragraph(markup(text, r == 0 or span > 1), cell))
                if span > 1:
                    commands.append(("SPAN", (k, r), (min(k + span, columns) - 1, r)))
                    cells += [""] * (span - 1)
                k += span
            cells += [""] * (columns - len(cells))
            data.append(cells[:columns])
        story.append(Table(data, colWidths=widths, repeatRows=1, style=TableStyle(commands)))
        story.append(Spacer(1, 8))

    def page_number(canvas, doc) -> None:
        canvas.setFont(font, 11)
        canvas.drawCentredString(A4[0] / 2 + 5 * mm, A4[1] - 12 * mm, str(doc.page))

    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=30 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=title, author="vnplan bench", creator="vnplan bench.scale",
                            invariant=1)
    doc.build(story, onLaterPages=page_number)
    return doc.page


def write_pdf(template: Path, v: Variant, out: Path) -> dict:
    if template.suffix == ".docx":
        blocks = _docx_blocks(vary_docx(template, v))
    else:
        blocks = _html_blocks(vary_html(template, v))
    title = next((b.text for b in blocks if isinstance(b, Para) and b.bold), "Kế hoạch")
    return {"pages": render_pdf(blocks, out, title[:200])}


WRITERS = {"docx": write_docx, "html": write_html, "pdf": write_pdf, "txt": write_txt}
EXTENSIONS = {"docx": ".docx", "html": ".html", "pdf": ".pdf", "txt": ".txt"}
MANIFEST = ".manifest.json"  # hidden: an ingest of the folder skips it


# --- corpus ------------------------------------------------------------------------------------

def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def plan_formats(docs: int, seed: int, formats: list[str]) -> list[str]:
    """Exactly the MIX shares (largest remainder), in a seeded random order."""
    weights = {f: MIX[f] for f in formats}
    total = sum(weights.values())
    quotas = {f: docs * w / total for f, w in weights.items()}
    counts = {f: int(q) for f, q in quotas.items()}
    for f in sorted(formats, key=lambda f: quotas[f] - counts[f], reverse=True)[:docs - sum(counts.values())]:
        counts[f] += 1
    order = [f for f in formats for _ in range(counts[f])]
    random.Random(f"vnplan-bench:{seed}:formats").shuffle(order)
    return order


def make_one(job: tuple[int, int, str, str]) -> dict:
    index, seed, fmt, out_dir = job
    v = Variant(seed, index)
    template = v.rng.choice(TEMPLATES[fmt])
    place = v.district if "tamduong" in template or "002_" in template else v.province
    name = f"{index:05d}-{slug(place)}{EXTENSIONS[fmt]}"
    path = Path(out_dir, name)
    extra = WRITERS[fmt](SAMPLES / template, v, path)
    return {"file": name, "format": fmt, "template": template, "bytes": path.stat().st_size, **extra}


def inputs_digest() -> str:
    """Digest of what the corpus is made from (this generator, the templates, the domain CSVs): a
    corpus whose manifest has another digest is generated again."""
    h = hashlib.sha256()
    paths = [Path(__file__)] + sorted({SAMPLES / t for ts in TEMPLATES.values() for t in ts}) + sorted(DOMAIN.glob("*.csv"))
    for path in paths:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def generate(out: Path, docs: int, seed: int = 1, formats: list[str] | None = None, workers: int | None = None,
             quiet: bool = False) -> dict:
    """Generate the corpus into `out` (reused as is when its manifest says it is the same)."""
    formats = formats or list(MIX)
    if "pdf" in formats:
        try:
            import reportlab  # noqa: F401
        except ImportError:
            raise SystemExit("bench.scale: PDFs are drawn with reportlab: pip install -e '.[bench]' "
                             "(or pip install reportlab)") from None
        _register_fonts()
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    wanted = {"generator": GENERATOR_VERSION, "seed": seed, "docs": docs, "formats": formats, "inputs": inputs_digest()}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if {k: manifest.get(k) for k in wanted} == wanted and all((out / f["file"]).exists() for f in manifest["files"]):
            if not quiet:
                print(f"bench.scale: {out} is up to date ({docs} documents)", file=sys.stderr)
            return manifest
    elif any(out.iterdir()):
        raise SystemExit(f"bench.scale: {out} is not empty and holds no corpus of this generator; "
                         "choose an empty or new folder")
    for old in out.iterdir():  # only what this generator wrote (its manifest says the folder is its own)
        if old.is_file() and (old.suffix in EXTENSIONS.values() or old.name == MANIFEST):
            old.unlink()
    clock = time.monotonic()
    jobs = [(i, seed, fmt, str(out)) for i, fmt in enumerate(plan_formats(docs, seed, formats))]
    workers = workers or os.cpu_count() or 1
    files = []
    with ProcessPoolExecutor(workers) as pool:
        for k, result in enumerate(pool.map(make_one, jobs, chunksize=max(1, min(16, docs // (workers * 4) or 1)))):
            files.append(result)
            if not quiet and (k + 1) % 100 == 0:
                print(f"bench.scale: {k + 1}/{docs}", file=sys.stderr)
    manifest = {**wanted, "seconds": round(time.monotonic() - clock, 1), "files": files}
    tmp = manifest_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    tmp.replace(manifest_path)
    if not quiet:
        counts = {f: sum(1 for x in files if x["format"] == f) for f in formats}
        pages = sum(x.get("pages", 0) for x in files)
        print(f"bench.scale: {docs} documents in {out} ({counts}; {pages} PDF pages) "
              f"in {manifest['seconds']} s", file=sys.stderr)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="output folder (default bench/corpus/N)")
    parser.add_argument("--docs", type=int, default=200, help="number of documents (default 200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", default=",".join(MIX), help=f"comma-separated subset of {','.join(MIX)}")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = set(formats) - set(MIX)
    if unknown:
        parser.error(f"unknown formats: {', '.join(sorted(unknown))}")
    generate(args.out or ROOT / "bench" / "corpus" / str(args.docs), args.docs, args.seed, formats, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
