"""Reader for PDFs: text layers, and scanned pages through OCR.

All text comes from pypdfium2: every character with its position and font, and every drawn
path, in a few ms a page (pdfplumber needs a pdfminer parse for anything, 40-150 ms a page).
pdfplumber's line-based table finder is fed the ruling lines pdfium reports.

From the words the reader builds lines; reads borderless side-by-side text (issuer | national
motto at the top, recipients | signature at the end) column by column; joins wrapped lines
into paragraphs; and joins what a page break cut: a paragraph, a table (its repeated header
dropped, a row cut in two re-joined), the two columns of a signature block.

A page without a usable text layer (a scan, or fonts that lost their character map) is read
by OCR (extractors/ocr.py), whose words and ruling lines then go through the same layout.
"""
from __future__ import annotations

import bisect
import ctypes
import difflib
import functools
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

from .. import ocr
from ..errors import CorruptFile, LimitExceeded
from ..model import Block, Cell, Document
from ..normalize import clean_line, fold
from ..registry import register
from ..words import PlacedWord
from ..settings import env_int
from .layout import block_kind, cell_text

# A scan has no text layer, or only the few characters of an e-signature stamp, so judge a
# page by its letters rather than by whether any text exists; and by its image, since a page
# of a text PDF may hold only a few lines.
MIN_LETTERS_PER_PAGE = 100
MIN_IMAGE_SHARE = 0.5
MAX_PAGES = env_int("VNPLAN_MAX_PAGES", 2000)  # a plan runs to tens of pages, a backlog volume to hundreds
# Share of tokens that must read as Vietnamese syllables or plain ASCII words. Text from fonts
# that lost their character map ("6Ӣ CÔNG 7+ѬѪ1*") scores far lower.
MIN_VIETNAMESE_SHARE = 0.7
# Pages this close in size are one paper size: a scanner's pages differ by a point or two, and
# a page alone has too few lines to tell where its text is centred.
SAME_PAPER_PT = 5
SAME_ROW_SIMILARITY = 0.9  # a header row repeated on the next page, as read by OCR
# A stamp beside a scan's text (a seal's ring of letters, "CÔNG VĂN ĐẾN Số ... Ngày ..."): the words
# of a line that OCR starts in the page's left margin, up to its first confident word inside the
# text; this many font sizes into the margin whatever OCR made of them, less far only if it mostly
# doubted them (text set left of the rest, a page of indented items, reads confidently).
MARGINALIA_FAR_SIZES = 3
CONFIDENT_WORD = 70

_BOLD_FONT = re.compile(r"bold|black|heavy|demi|semibold", re.I)
_SEPARATORS = frozenset(" \t\r\n\u00a0\u2002\u2003\u3000")
# What starts a new item after a line that ended: "-", "+", "•", "1.", "1.2.", "1)", "a)", "đ.", "IV."
_LIST_MARKER = re.compile(r"^(?:[-+•–]\s|\d{1,2}(?:\.\d{1,2})*[.)]\s|[a-zđ][).]\s|[IVXLC]{1,6}\.\s)")
_SENTENCE_END = re.compile(r"[.:;!?…]['\"”’)]*$")
_SIGNING = re.compile(r"^(?:TM|T/M|KT|K/T|TL|T/L|TUQ|Q)\.?\s")  # signs on behalf: "KT. GIÁM ĐỐC"
_RULE = re.compile(r"^[-_=.*…\s]{3,}$")  # the short rule under an issuer's name or the motto
_PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[-–—\s]*$", re.I)


@register
class PdfReader:
    name = "pdf"

    def accepts(self, head: bytes, path: Path) -> bool:
        return b"%PDF-" in head[:1024]

    def convert(self, path: Path) -> Document:
        pages = _read_pages(Path(path))
        scanned = [page.number for page in pages if page.needs_ocr]
        reads = ocr.read_pdf_pages(Path(path), scanned)
        for read in reads:
            pages[read.number - 1] = ocr_page(read, _readable(pages[read.number - 1].words))
        return Document(source_format="pdf_scanned" if scanned else "pdf", blocks=layout(pages),
                        page_count=len(pages), ocr_used=bool(scanned), ocr_confidence=ocr.mean_confidence(reads))


def layout(pages: list[_Page]) -> list[Block]:
    """The blocks of pages of positioned words, read from a text layer or by OCR."""
    for page in pages:
        page.tables = _find_tables(page)
        page.lines = _drop_marginalia(
            _group_lines([w for w in page.words if not any(t.holds(w) for t in page.tables)], page.number))
    _drop_running_lines(pages)
    layouts = _layouts(pages)
    items = [item for page in pages for item in _page_items(page, layouts[page.size])]
    wrap = _wrap_pitch(items)
    items = _join_page_breaks(items, wrap)
    return [block for item in items for block in item.blocks(wrap)]


# --- what pdfium reports ----------------------------------------------------------------------


@dataclass
class _Line:
    words: list[PlacedWord]
    page: int

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def baseline(self) -> float:
        return self.words[0].baseline

    @property
    def size(self) -> float:
        return statistics.median_low(w.size for w in self.words)  # a superscript does not count

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class _Page:
    number: int
    size: tuple[int, int]
    words: list[PlacedWord]
    edges: list[dict]
    tables: list[_Table]
    lines: list[_Line]
    needs_ocr: bool = False


def _read_pages(path: Path) -> list[_Page]:
    _check_complete(path)
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise CorruptFile(
                "the PDF is password-protected: get an unprotected copy from the publisher, or remove "
                "the password, and ingest it again"
            ) from e
        raise CorruptFile(f"not a readable PDF ({e}): re-download the file") from e
    try:
        if len(pdf) == 0:
            raise CorruptFile("the PDF has no pages: re-download the file")
        if len(pdf) > MAX_PAGES:
            raise LimitExceeded(f"the PDF has {len(pdf)} pages, over the {MAX_PAGES} page limit "
                                "(VNPLAN_MAX_PAGES); split it or raise the limit")
        return [_read_page(_flattened(pdf, i), i + 1) for i in range(len(pdf))]
    except pdfium.PdfiumError as e:
        raise CorruptFile(f"a page of the PDF cannot be read ({e}): re-download the file") from e
    finally:
        pdf.close()


def _check_complete(path: Path) -> None:
    # pdfium quietly rebuilds a truncated file from the objects that survived, which would turn
    # a cut-off download into a shorter document. A complete PDF ends with %%EOF; readers accept
    # it anywhere in the last 1024 bytes.
    with open(path, "rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - 1024))
        tail = f.read()
    if b"%%EOF" not in tail:
        raise CorruptFile("the PDF is truncated (it does not end with %%EOF): re-download the file")


class _Frame:
    """Maps PDF user space (y up, /Rotate not applied) to the page as displayed, y down from the top."""

    def __init__(self, page: pdfium.PdfPage):
        self.left, self.bottom, self.right, self.top = page.get_cropbox()
        self.rotation = page.get_rotation() % 360
        self.width, self.height = self.right - self.left, self.top - self.bottom
        if self.rotation in (90, 270):
            self.width, self.height = self.height, self.width

    def point(self, x: float, y: float) -> tuple[float, float]:
        u, v = x - self.left, self.top - y
        if self.rotation == 90:
            return self.width - v, u
        if self.rotation == 180:
            return self.width - u, self.height - v
        if self.rotation == 270:
            return v, self.height - u
        return u, v


def _flattened(pdf: pdfium.PdfDocument, index: int) -> pdfium.PdfPage:
    """The page with its form fields and annotations drawn into its content, as a viewer shows it:
    a signed document's number and day are often typed into form fields, and an e-signature
    stamp's text ("Ký bởi: ..., Thời gian ký: ...") lives in its widget, out of the text layer."""
    page = pdf[index]
    if pdfium_c.FPDFPage_Flatten(page.raw, pdfium_c.FLAT_NORMALDISPLAY) != pdfium_c.FLATTEN_SUCCESS:
        return page
    page.close()
    return pdf[index]  # pdfium shows the flattened content only to a page loaded again


def _read_page(page: pdfium.PdfPage, number: int) -> _Page:
    frame = _Frame(page)
    textpage = page.get_textpage()
    try:
        words = _words(textpage, frame)
    finally:
        textpage.close()
    return _Page(number=number, size=(round(frame.width), round(frame.height)), words=words,
                 edges=_edges(page, frame), tables=[], lines=[], needs_ocr=needs_ocr(page, frame, words))


def _words(textpage: pdfium.PdfTextPage, frame: _Frame) -> list[PlacedWord]:
    """The page's words: runs of characters unbroken by a space, a line change or a jump."""
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    text = textpage.get_text_range()
    if len(text) != count:  # a character outside the BMP came as two UTF-16 units
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(count))
    box = pdfium_c.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    font = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    bold_fonts: dict[tuple[bytes, int], bool] = {}
    words: list[PlacedWord] = []
    chars: list[tuple[str, float, float, float, float, bool]] = []  # text, x0, x1, baseline, size, bold

    def flush(space_after: bool = False):
        if chars:
            words.append(PlacedWord("".join(c[0] for c in chars), chars[0][1], max(c[2] for c in chars),
                               chars[0][3], max(c[4] for c in chars), all(c[5] for c in chars), space_after))
            chars.clear()

    for i, ch in enumerate(text):
        if ch in _SEPARATORS:  # pdfium's own spaces and line breaks among them
            flush(space_after=bool(chars) and ch == " " and not pdfium_c.FPDFText_IsGenerated(raw, i))
            continue
        if ch < " " or ch == "\ufffe":
            if not pdfium_c.FPDFText_IsHyphen(raw, i):
                continue
            ch = "-"  # a hyphen that ends a line
        pdfium_c.FPDFText_GetLooseCharBox(raw, i, box)
        pdfium_c.FPDFText_GetCharOrigin(raw, i, ox, oy)
        (ax, _), (bx, _) = frame.point(box.left, box.bottom), frame.point(box.right, box.top)
        _, baseline = frame.point(ox.value, oy.value)
        x0, x1 = min(ax, bx), max(ax, bx)
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        pdfium_c.FPDFText_GetFontInfo(raw, i, font, len(font), flags)
        key = (font.value, flags.value)
        bold = bold_fonts.get(key)
        if bold is None:
            bold = bold_fonts[key] = bool(_BOLD_FONT.search(font.value.decode("latin-1"))) or (
                pdfium_c.FPDFText_GetFontWeight(raw, i) >= 600)
        if chars:
            _, last_x0, last_x1, last_base, _, _ = chars[-1]
            if abs(baseline - last_base) > 0.3 * size or x0 > last_x1 + 0.3 * size or x0 < last_x0 - 0.5 * size:
                flush()
        chars.append((ch, x0, x1, baseline, size, bold))
    flush()
    return words


def _edges(page: pdfium.PdfPage, frame: _Frame) -> list[dict]:
    """Horizontal and vertical strokes of every painted path, as pdfplumber edges."""
    edges: list[dict] = []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    x, y = ctypes.c_float(), ctypes.c_float()
    raw_matrix = pdfium_c.FS_MATRIX()

    def walk(objects, outer: pdfium.PdfMatrix | None) -> None:
        for obj in objects:
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
                continue
            pdfium_c.FPDFPageObj_GetMatrix(obj, raw_matrix)
            matrix = pdfium.PdfMatrix.from_raw(raw_matrix)
            if outer is not None:  # inside a form XObject, placed by the form's matrix
                matrix = matrix.multiply(outer)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                walk((pdfium_c.FPDFFormObj_GetObject(obj, k) for k in range(pdfium_c.FPDFFormObj_CountObjects(obj))),
                     matrix)
                continue
            pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke)
            if not fill.value and not stroke.value:
                continue  # a clipping path: draws nothing
            start = prev = None
            for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
                segment = pdfium_c.FPDFPath_GetPathSegment(obj, k)
                pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
                point = frame.point(*matrix.on_point(x.value, y.value))
                segment_type = pdfium_c.FPDFPathSegment_GetType(segment)
                if segment_type == pdfium_c.FPDF_SEGMENT_MOVETO:
                    start = point
                elif segment_type == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
                    _add_edge(edges, prev, point)
                if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
                    _add_edge(edges, point, start)
                prev = point

    walk((pdfium_c.FPDFPage_GetObject(page, k) for k in range(pdfium_c.FPDFPage_CountObjects(page))), None)
    return edges


def _add_edge(edges: list[dict], a: tuple[float, float], b: tuple[float, float]) -> None:
    x0, x1, top, bottom = min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1])
    if bottom - top < 1 <= x1 - x0:
        y = (top + bottom) / 2
        edges.append({"orientation": "h", "object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y,
                      "doctop": y, "width": x1 - x0, "height": 0.0})
    elif x1 - x0 < 1 <= bottom - top:
        x = (x0 + x1) / 2
        edges.append({"orientation": "v", "object_type": "line", "x0": x, "x1": x, "top": top, "bottom": bottom,
                      "doctop": top, "width": 0.0, "height": bottom - top})


# --- scans and broken text layers -----------------------------------------------------------


def needs_ocr(page: pdfium.PdfPage, frame: _Frame, words: list[PlacedWord]) -> bool:
    """Whether to read the page by OCR rather than from its text layer: a scan (an image over the
    page, under no text or only an e-signature stamp's), or a text layer whose words do not read
    as Vietnamese (its fonts lost their character map)."""
    text = " ".join(w.text for w in words)
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS_PER_PAGE:
        return _image_share(page, frame) >= MIN_IMAGE_SHARE
    return vietnamese_share(text) < MIN_VIETNAMESE_SHARE


def _image_share(page: pdfium.PdfPage, frame: _Frame) -> float:
    """Share of the page its largest image covers (an image inside a form XObject is measured in
    the form's space, which stamping tools leave the page's)."""
    areas = [(right - left) * (top - bottom)
             for left, bottom, right, top in (obj.get_bounds() for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))]
    return max(areas, default=0.0) / (frame.width * frame.height)


def ocr_page(read: ocr.OcrPage, kept: list[PlacedWord] = ()) -> _Page:
    """A page as OCR read it from its image: its words, and its ruling lines as strokes. `kept` are
    words of the page's text layer worth more than OCR's reading of the same place (a scan's
    e-signature stamp); they replace the OCR words they overlap."""
    words = [w for w in read.words if not any(_overlap(w, k) for k in kept)] + list(kept)
    page = _Page(number=read.number, size=(round(read.size[0]), round(read.size[1])), edges=[], tables=[], lines=[],
                 words=words)
    for a, b in read.rules:
        _add_edge(page.edges, a, b)
    return page


def _readable(words: list[PlacedWord]) -> list[PlacedWord]:
    """The words of a text layer that reads as Vietnamese (a scan's stamp), none of a garbled one."""
    return words if words and vietnamese_share(" ".join(w.text for w in words)) >= MIN_VIETNAMESE_SHARE else []


def _overlap(a: PlacedWord, b: PlacedWord) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and abs(a.baseline - b.baseline) < 0.5 * max(a.size, b.size)


_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"), None)
_SYLLABLE = re.compile(  # onset, vowels, coda; "k" ends highland names (Đắk Lắk)
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?[aăâeêioôơuưy]{1,3}(?:ch|ng|nh|[cmnptk])?"
)
_ABBREVIATION = re.compile(r"[A-ZĐ]+")  # QĐ, HĐND, ĐKT
_TOKEN = re.compile(r"[^\W_]+(?:[-/.,&'][^\W_]+)*")  # letters and digits, joined by - / . , & '
_TOKEN_TRIM = "\"'“”‘’()[]{}.,;:!?…*-–—/%"
_LETTERS = re.compile(r"[^\W\d_]+")


def vietnamese_share(text: str) -> float:
    """Share of the tokens holding letters that are Vietnamese syllables, ASCII words or abbreviations."""
    tokens = [t.strip(_TOKEN_TRIM) for t in unicodedata.normalize("NFC", text).split()]
    tokens = [t for t in tokens if any(ch.isalpha() for ch in t)]
    return sum(map(_reads_as_words, tokens)) / len(tokens) if tokens else 0.0


@functools.lru_cache(maxsize=1 << 16)  # a document repeats a few thousand syllables
def _reads_as_words(token: str) -> bool:
    return _TOKEN.fullmatch(token) is not None and all(_is_word(run) for run in _LETTERS.findall(token))


def _is_word(run: str) -> bool:
    if len(run) == 1 or run.isascii() or _ABBREVIATION.fullmatch(run):
        return True
    bare = unicodedata.normalize("NFC", unicodedata.normalize("NFD", run.lower()).translate(_TONE_MARKS))
    return _SYLLABLE.fullmatch(bare) is not None


# --- tables -----------------------------------------------------------------------------------


@dataclass
class _Table:
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    rows: list[list[Cell]]
    xs: list[float]  # the column rules, left to right
    row_pages: list[int] = field(default_factory=list)  # page of each row, once continuations are joined

    @property
    def last_page(self) -> int:
        return self.row_pages[-1] if self.row_pages else self.page

    def holds(self, word: PlacedWord) -> bool:
        x, y = _anchor(word)
        return self.x0 <= x <= self.x1 and self.top <= y <= self.bottom

    @property
    def width(self) -> int:
        return len(Block(kind="table", rows=self.rows).grid()[0])

    def blocks(self, wrap: float) -> list[Block]:
        pages = self.row_pages if self.last_page != self.page else None
        return [Block(kind="table", page=self.page, rows=self.rows, row_pages=pages)]


def _find_tables(page: _Page) -> list[_Table]:
    """Ruled tables, by pdfplumber's finder (default tolerances) run on the page's strokes."""
    if len(page.edges) < 4:
        return []
    edges = [e for e in merge_edges(page.edges, 3, 3, 3, 3) if max(e["width"], e["height"]) >= 3]
    cells = intersections_to_cells(edges_to_intersections(edges, 3, 3))
    tables = (_build_table(group, page) for group in cells_to_tables(cells))
    return [t for t in tables if t is not None]


def _build_table(cells: list[tuple[float, float, float, float]], page: _Page) -> _Table | None:
    xs = _bounds([c[0] for c in cells] + [c[2] for c in cells])
    ys = _bounds([c[1] for c in cells] + [c[3] for c in cells])
    if len(xs) < 3 or len(ys) < 3 and len(xs) < 4:
        # one column, or one row of two cells: a frame around text. One row of three cells or more
        # is a table's last row that a page break carried over alone.
        return None
    spans = [(_nearest(ys, top), _nearest(ys, bottom), _nearest(xs, x0), _nearest(xs, x1))
             for x0, top, x1, bottom in cells]
    owner: dict[tuple[int, int], int] = {}  # grid position -> the cell covering it
    for i, (r0, r1, c0, c1) in enumerate(spans):
        owner.update(((r, c), i) for r in range(r0, max(r1, r0 + 1)) for c in range(c0, max(c1, c0 + 1)))
    words: list[list[PlacedWord]] = [[] for _ in cells]
    for w in page.words:
        x, y = _anchor(w)
        i = owner.get((bisect.bisect(ys, y) - 1, bisect.bisect(xs, x) - 1))
        if i is not None:
            words[i].append(w)
    texts = [_cell_text(ws, page.number) for ws in words]
    if sum(bool(t) for t in texts) < 0.3 * len(cells):
        return None  # a chart: gridlines and bars make "cells", the labels sit outside them
    placed = {(r0, c0): Cell(text, max(1, r1 - r0), max(1, c1 - c0)) for (r0, r1, c0, c1), text in zip(spans, texts)}
    rows = []
    for r in range(len(ys) - 1):
        row = []
        for c in range(len(xs) - 1):
            if (r, c) in placed:
                row.append(placed[(r, c)])
            elif (r, c) not in owner:
                row.append(Cell(""))  # no cell drawn here: an empty one keeps the columns aligned
        rows.append(row)
    return _Table(page.number, xs[0], ys[0], xs[-1], ys[-1], rows, xs, [page.number] * len(rows))


def _bounds(values: list[float], tolerance: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _nearest(bounds: list[float], value: float) -> int:
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - value))


def _anchor(word: PlacedWord) -> tuple[float, float]:
    """The point that places a word in a table cell: the middle of its x-height."""
    return (word.x0 + word.x1) / 2, word.baseline - 0.3 * word.size


def _cell_text(words: list[PlacedWord], page: int) -> str:
    """The cell's lines; a line broken where the next word would still have fit (two agencies,
    one a line) stays apart, a wrapped one is joined to the line before."""
    lines = _group_lines(words, page)
    paragraphs: list[list[_Line]] = []
    for i, line in enumerate(lines):
        if i and not _would_fit(lines[i - 1], line, max(x.x1 for x in lines)):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return cell_text([clean_line(_join_lines(p)) for p in paragraphs])


def _join_tables(first: _Table, more: _Table) -> bool:
    """Append a table's continuation on the next page, if `more` is one. Returns whether it was.

    A continuation has the same columns; or, drawn with fewer rules (a header's cells a little off
    its body's, so the first page has extra thin columns), rules that all stand on the first's."""
    if first.width != more.width and not _regrid(more, first.xs):
        return False
    rows = list(more.rows)
    k = 0  # the header rows, repeated at the top of every page
    while k < min(len(rows), len(first.rows)) and _same_header_row(rows[k], first.rows[k]):
        k += 1
    rows = rows[k:]
    last = first.rows[-1]
    if rows and not rows[0][0].text and last[0].text and [c.col_span for c in rows[0]] == [c.col_span for c in last]:
        # the page break cut a row in two: its first cell (the number) stayed on the first page; in a
        # table whose first column is left blank, a row opening the page is a row of its own
        first.rows[-1] = [Cell(_join([t for t in (a.text, b.text) if t]), a.row_span, a.col_span)
                          for a, b in zip(last, rows[0])]
        rows = rows[1:]
    first.rows.extend(rows)
    first.row_pages.extend([more.page] * len(rows))
    return True


def _regrid(table: _Table, xs: list[float], tolerance: float = 2.0) -> bool:
    """Re-express the table on the finer column rules xs, widening each cell's span, when every
    rule of the table stands on one of xs and both have the same outer rules. Returns whether it could."""
    at = [next((j for j, x in enumerate(xs) if abs(x - own) <= tolerance), None) for own in table.xs]
    if None in at or at[0] != 0 or at[-1] != len(xs) - 1:
        return False
    covered: dict[int, int] = {}  # old column -> rows a cell above still covers
    for row in table.rows:
        col, cells = 0, iter(row)
        for cell in cells:
            while covered.get(col):
                col += 1
            end = col + max(1, cell.col_span)
            for c in range(col, end):
                covered[c] = max(1, cell.row_span)
            cell.col_span = at[end] - at[col]
            col = end
        covered = {c: n - 1 for c, n in covered.items() if n > 1}
    table.xs = list(xs)
    return True


def _same_header_row(a: list[Cell], b: list[Cell]) -> bool:
    """The same row, to within OCR's slips of a letter on a scanned page ("TT" read "TY"): the
    same spans, and its text as a whole alike, as no body row is to the header."""
    if [c.col_span for c in a] != [c.col_span for c in b]:
        return False
    return difflib.SequenceMatcher(None, fold(" ".join(c.text for c in a)), fold(" ".join(c.text for c in b)),
                                   autojunk=False).ratio() >= SAME_ROW_SIMILARITY


# --- lines and page furniture -------------------------------------------------------------------


def _group_lines(words: list[PlacedWord], page: int) -> list[_Line]:
    """Words on one baseline make a line: lines top to bottom, words left to right."""
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: w.baseline):
        if lines and abs(word.baseline - lines[-1].baseline) < 0.5 * max(word.size, lines[-1].words[0].size):
            lines[-1].words.append(word)
        else:
            lines.append(_Line([word], page))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def _drop_marginalia(lines: list[_Line]) -> list[_Line]:
    """OCR's lines without the stamps beside the text, which OCR reads into the lines they stand
    beside ("Thư TÂM CônG BÁ0 ä Tú Về việc tăng cường ...": a seal's letters before a title): the
    words of a line that starts far left of the page's lines, up to its first confident word
    inside the text. A page with no common left edge, and the words of a text layer (confidence
    None), are left as they are."""
    left = _common([x.x0 for x in lines])
    if left is None:
        return lines
    out = []
    for line in lines:
        words = line.words
        if words[0].confidence is not None and words[0].x0 < left - line.size:
            inside = next((i for i, w in enumerate(words)
                           if w.x0 >= left - line.size and (w.confidence or 0) >= CONFIDENT_WORD), len(words))
            doubted = sum(w.confidence or 0 for w in words[:inside]) / inside < CONFIDENT_WORD
            if doubted or words[0].x0 < left - MARGINALIA_FAR_SIZES * line.size:
                words = words[inside:]
        if words:
            out.append(line if words is line.words else _Line(words, line.page))
    return out


def _drop_running_lines(pages: list[_Page]) -> None:
    """Drop page numbers, and headers or footers repeated on many pages, from the page layout."""
    def margin_lines(page: _Page) -> list[_Line]:
        zone = 0.1 * page.size[1]
        ends = page.lines[:2] + page.lines[-2:]
        return [x for x in ends if x.baseline < zone or x.baseline > page.size[1] - zone]

    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", fold(line.text))

    seen = Counter(k for page in pages for k in {key(x) for x in margin_lines(page)})
    repeated = {k for k, n in seen.items() if n >= 3 and n >= len(pages) / 2}
    for page in pages:
        drop = [x for x in margin_lines(page) if _PAGE_NUMBER.match(x.text) or key(x) in repeated]
        page.lines = [x for x in page.lines if all(x is not d for d in drop)]


@dataclass
class _Layout:
    left: float
    right: float
    center: float
    body_size: float


def _layouts(pages: list[_Page]) -> dict[tuple[int, int], _Layout]:
    """Where the text starts, ends and is centred, and its font size, per page size: what most
    lines share. Tables stand in for the edges of pages whose lines are all centred (an appendix title)."""
    out = {}
    for size in {p.size for p in pages}:
        alike = [p for p in pages if all(abs(a - b) <= SAME_PAPER_PT for a, b in zip(p.size, size))]
        lines = [x for p in alike for x in p.lines]
        tables = [t for p in alike for t in p.tables]
        left = _common([x.x0 for x in lines]) or min([x.x0 for x in lines] + [t.x0 for t in tables], default=0.0)
        right = _common([x.x1 for x in lines]) or max([x.x1 for x in lines] + [t.x1 for t in tables], default=size[0])
        center = _common([(x.x0 + x.x1) / 2 for x in lines]) or (left + right) / 2
        body_size = Counter(x.size for x in lines).most_common(1)[0][0] if lines else 0.0
        out[size] = _Layout(left, right, center, body_size)
    return out


def _common(values: list[float]) -> float | None:
    """The value most of `values` share to within a point, if at least two do."""
    counts = Counter(round(v) for v in values)
    best = max(counts, key=lambda v: counts[v] + counts[v - 1] + counts[v + 1], default=None)
    return float(best) if best is not None and counts[best] + counts[best - 1] + counts[best + 1] >= 2 else None


# --- flows of lines, columns side by side, paragraphs --------------------------------------------


@dataclass
class _Flow:
    """Lines read top to bottom. `in_band` marks a column of a header or signature band: its bold
    lines are not headings, as in the layout table other formats use for the same text."""
    lines: list[_Line]
    left: float
    right: float
    center: float
    in_band: bool = False
    footnote: bool = False

    def blocks(self, wrap: float) -> list[Block]:
        return _paragraphs(self, wrap)


@dataclass
class _Band:
    """Text set side by side without a table, read left column first."""
    columns: list[_Flow]

    def blocks(self, wrap: float) -> list[Block]:
        return [b for column in self.columns for b in column.blocks(wrap)]


def _page_items(page: _Page, layout: _Layout) -> list[_Flow | _Band | _Table]:
    """Tables, flows and bands of one page, top to bottom, then its footnotes."""
    items: list[tuple[float, _Flow | _Band | _Table]] = [(t.top, t) for t in page.tables]
    rule = _footnote_rule(page, layout)
    lines = [x for x in page.lines if x.baseline < rule]
    for top in sorted(t.top for t in page.tables) + [float("inf")]:
        chunk = [x for x in lines if x.baseline < top]  # text between two tables is read on its own
        lines = lines[len(chunk):]
        for item in _split_bands(chunk, layout):
            first = (item if isinstance(item, _Flow) else item.columns[0]).lines[0]
            items.append((first.baseline - first.size, item))
    items.sort(key=lambda pair: pair[0])
    notes = [x for x in page.lines if x.baseline > rule]
    if notes:
        items.append((rule, _Flow(notes, layout.left, layout.right, layout.center, footnote=True)))
    return [item for _, item in items]


def _footnote_rule(page: _Page, layout: _Layout) -> float:
    """Where the footnotes start: the rule from the left margin that Word draws above them
    (short, or full width over notes continued from the page before), with only text smaller
    than the body below it."""
    rules = [e["top"] for e in page.edges if e["orientation"] == "h" and abs(e["x0"] - layout.left) < 2
             and 50 < e["width"] < layout.right - layout.left + 2
             and not any(t.top - 1 <= e["top"] <= t.bottom + 1 for t in page.tables)]
    for y in sorted(rules):
        below = [x for x in page.lines if x.baseline > y]
        if below and all(x.size < layout.body_size for x in below):
            return y
    return float("inf")


def _segments(line: _Line) -> list[_Line]:
    """Pieces of a line set apart by gaps far wider than a space."""
    out = [_Line([line.words[0]], line.page)]
    for w in line.words[1:]:
        if w.x0 - out[-1].x1 > 2 * max(w.size, out[-1].size):
            out.append(_Line([w], line.page))
        else:
            out[-1].words.append(w)
    return out


def _split_bands(lines: list[_Line], layout: _Layout) -> list[_Flow | _Band]:
    """Plain flows, and bands: a line cut by a wide gap, with the lines above and below whose
    pieces each line up with one of its pieces (same left edge, centre or right edge)."""
    segments = [_segments(x) for x in lines]
    bands: list[tuple[int, int, list[list[_Line]]]] = []
    i = 0
    while i < len(lines):
        if len(segments[i]) < 2:
            i += 1
            continue
        columns = [[s] for s in segments[i]]
        lo = hi = i
        done = bands[-1][1] if bands else -1

        def fits(k: int, probe: bool) -> bool:
            near = lines[hi] if k > hi else lines[lo]  # the band's line next to line k
            return _close(lines[k], near) and _place(columns, segments[k], layout.center, probe=probe)

        while hi + 1 < len(lines) and fits(hi + 1, probe=False):
            hi += 1
        while lo - 1 > done and fits(lo - 1, probe=True):
            # the last line of a paragraph above lines up too: take a line only if the one
            # above it does as well, or if nothing is above it
            if lo - 2 > done and not _place(columns, segments[lo - 2], layout.center, probe=True):
                break
            lo -= 1
            _place(columns, segments[lo], layout.center, top=True)
        if hi > lo:
            bands.append((lo, hi, columns))
        i = hi + 1
    out: list[_Flow | _Band] = []
    start = 0
    for lo, hi, columns in bands:
        if lo > start:
            out.append(_Flow(lines[start:lo], layout.left, layout.right, layout.center))
        out.append(_Band([_column_flow(c) for c in columns]))
        start = hi + 1
    if start < len(lines):
        out.append(_Flow(lines[start:], layout.left, layout.right, layout.center))
    return out


def _close(a: _Line, b: _Line) -> bool:
    return abs(a.baseline - b.baseline) < 3.5 * max(a.size, b.size)


def _place(columns: list[list[_Line]], segments: list[_Line], center: float,
           probe: bool = False, top: bool = False) -> bool:
    """Put each piece of a line into the column it lines up with; False if one does not.

    A piece centred on the page is a title below the header ("KẾ HOẠCH"), never a column."""
    extents = [(min(x.x0 for x in c), max(x.x1 for x in c)) for c in columns]
    parts: dict[int, list[PlacedWord]] = {}
    for s in segments:
        hits = [k for k, (x0, x1) in enumerate(extents) if s.x0 < x1 and s.x1 > x0]
        if len(hits) != 1:
            return False  # between two columns, or across them: body text
        parts.setdefault(hits[0], []).extend(s.words)
    placed = {k: _Line(words, segments[0].page) for k, words in parts.items()}
    for k, line in placed.items():
        if any(k2 != k and line.x0 < x1 and line.x1 > x0 for k2, (x0, x1) in enumerate(extents)):
            return False
        if not any(_aligned(line, x) for x in columns[k]) or abs((line.x0 + line.x1) / 2 - center) < line.size:
            return False
    if not probe:
        for k, line in placed.items():
            if top:
                columns[k].insert(0, line)
            else:
                columns[k].append(line)
    return True


def _aligned(a: _Line, b: _Line) -> bool:
    tolerance = max(a.size, b.size)
    return (abs(a.x0 - b.x0) < tolerance or abs(a.x1 - b.x1) < tolerance
            or abs((a.x0 + a.x1) / 2 - (b.x0 + b.x1) / 2) < tolerance)


def _column_flow(lines: list[_Line]) -> _Flow:
    left, right = min(x.x0 for x in lines), max(x.x1 for x in lines)
    return _Flow(lines, left, right, (left + right) / 2, in_band=True)


def _join_page_breaks(items: list, wrap: float) -> list:
    """Join what a page break cut: a paragraph, a table, a signature band. A cut paragraph is
    looked for above the first page's footnotes, which then follow it."""
    out: list = []
    for item in items:
        notes = []
        if not (isinstance(item, _Flow) and item.footnote):
            while out and isinstance(out[-1], _Flow) and out[-1].footnote:
                notes.insert(0, out.pop())
        prev = out[-1] if out else None
        rest = item
        if prev is not None and _first_page(item) == _last_page(prev) + 1:
            rest = _continue(prev, item, wrap)
        out.extend(notes + ([rest] if rest else []))
    return out


def _continue(prev, item, wrap: float):
    """Append to `prev`, the last thing on a page, what of `item`, the first on the next, carries
    it on. Returns what is left of `item`."""
    if isinstance(prev, _Table) and isinstance(item, _Table) and _join_tables(prev, item):
        return None
    if isinstance(prev, _Flow) and isinstance(item, _Flow) and not (prev.in_band or prev.footnote or item.footnote):
        lines = [prev.lines[-1]] + item.lines
        n = 0  # the lines that finish the paragraph the page break cut
        while n < len(item.lines) and not _starts_paragraph(lines[n], lines[n + 1], prev, wrap):
            n += 1
        prev.lines.extend(item.lines[:n])
        item.lines = item.lines[n:]
        return item if item.lines else None
    if isinstance(prev, _Band) and isinstance(item, _Band) and len(prev.columns) == len(item.columns) and all(
            a.left < b.right and b.left < a.right for a, b in zip(prev.columns, item.columns)):
        for a, b in zip(prev.columns, item.columns):
            a.lines.extend(b.lines)
            a.left, a.right = min(a.left, b.left), max(a.right, b.right)
            a.center = (a.left + a.right) / 2
        return None
    return item


def _first_page(item) -> int:
    if isinstance(item, _Table):
        return item.page
    flow = item if isinstance(item, _Flow) else item.columns[0]
    return min(x.page for x in flow.lines) if flow.lines else 0


def _last_page(item) -> int:
    if isinstance(item, _Table):
        return max(item.page, item.last_page)
    flows = [item] if isinstance(item, _Flow) else item.columns
    return max(x.page for f in flows for x in f.lines)


def _wrap_pitch(items: list) -> float:
    """Baseline distance of wrapped lines, in font sizes: the most common line pitch of the body."""
    ratios = Counter()
    for item in items:
        if isinstance(item, _Flow) and not item.in_band:
            for a, b in zip(item.lines, item.lines[1:]):
                if a.page == b.page and a.size == b.size and b.baseline > a.baseline:
                    ratios[round((b.baseline - a.baseline) / a.size, 1)] += 1
    return ratios.most_common(1)[0][0] if ratios else 1.2


def _paragraphs(flow: _Flow, wrap: float) -> list[Block]:
    groups: list[list[_Line]] = []
    for i, line in enumerate(flow.lines):
        if i and not _starts_paragraph(flow.lines[i - 1], line, flow, wrap):
            groups[-1].append(line)
        else:
            groups.append([line])
    centered_column = flow.in_band and _is_centered_column(flow)
    return [_block(g, flow, centered_column) for g in groups]


def _starts_paragraph(prev: _Line, line: _Line, flow: _Flow, wrap: float) -> bool:
    size = max(prev.size, line.size)
    if prev.bold != line.bold or abs(prev.size - line.size) > 1 or _RULE.match(prev.text) or _RULE.match(line.text):
        return True
    if flow.in_band:
        return not _wraps(prev, line, flow, wrap)
    if line.page == prev.page and line.baseline - prev.baseline > (wrap + 0.35) * size:
        return True  # spacing between paragraphs
    if _is_caps(line.text) != _is_caps(prev.text):
        return True  # a title in capitals, then its subtitle in lower case
    ended = bool(_SENTENCE_END.search(prev.text)) or _would_fit(prev, line, flow.right)
    if ended and _LIST_MARKER.match(line.text):
        return True
    if _is_centered(prev, flow) and _is_centered(line, flow):
        return False
    return ended and line.x0 > flow.left + 0.8 * size and line.x0 > prev.x0 + 0.8 * size  # first-line indent


def _wraps(prev: _Line, line: _Line, flow: _Flow, wrap: float) -> bool:
    """In a header or signature column each line stands alone (HTML and DOCX put a line break
    there) unless it carries on the line above: it starts in lower case, or the line above is the
    column's widest, at body line spacing, and not a signing line ("KT. GIÁM ĐỐC")."""
    if line.page != prev.page:
        return False  # "PHÓ CHỦ TỊCH" at the foot of a page, the signer's name on the next
    if line.text[:1].islower():
        return True
    widest = max(x.x1 - x.x0 for x in flow.lines)
    return (prev.x1 - prev.x0 > widest - prev.size and not _SIGNING.match(prev.text)
            and line.baseline - prev.baseline <= (wrap + 0.35) * max(prev.size, line.size))


def _would_fit(prev: _Line, line: _Line, right: float) -> bool:
    """Would the line's first word have fit at the end of the previous one? Then the break was
    made on purpose, not by wrapping."""
    word = line.words[0]
    return prev.x1 + 0.25 * word.size + (word.x1 - word.x0) < right - 0.5 * word.size


def _is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _is_centered(line: _Line, flow: _Flow) -> bool:
    """On the centre line of the text, and clearly indented: a full-width line is not centred."""
    return abs((line.x0 + line.x1) / 2 - flow.center) < 0.5 * line.size and line.x0 > flow.left + 2 * line.size


def _is_centered_column(flow: _Flow) -> bool:
    """The lines of a column share one centre line, and do not all start at one edge."""
    centers = [(x.x0 + x.x1) / 2 for x in flow.lines]
    size = max(x.size for x in flow.lines)
    return max(centers) - min(centers) < size and max(x.x0 for x in flow.lines) - flow.left > size


def _join(texts: list[str]) -> str:
    out = ""
    for t in texts:
        # "229-" + "KH/TU": the line broke after a hyphen inside a token, not between words
        glue = "" if re.search(r"\w-$", out) else " "
        out = f"{out}{glue}{t}" if out else t
    return out


def _join_lines(lines: list[_Line]) -> str:
    # a line that ends "25- " broke at the space typed after the hyphen: "25- CT/TW" stays apart
    return _join([x.text + " " if x.words[-1].space_after else x.text for x in lines])


def _block(lines: list[_Line], flow: _Flow, centered_column: bool) -> Block:
    text = clean_line(_join_lines(lines))
    bold = all(x.bold for x in lines)
    centered = centered_column or not flow.in_band and (
        all(abs((x.x0 + x.x1) / 2 - flow.center) < 0.5 * x.size for x in lines)
        and any(_is_centered(x, flow) for x in lines)
    )
    kind = block_kind(text, bold=bold, promote=not flow.in_band)
    return Block(kind=kind, text=text, page=lines[0].page, bold=bold, centered=centered)
