"""Ruled tables on scanned pages: cells from the ruling lines, merged cells, cell text read by
row, sideways pages turned upright, and scan twins of born-digital task tables.

The twins are the task tables of tests/fixtures/ocr_tables (invented plans, made by make.py
there), rendered at 300 dpi as a scanner would; their tasks must be those of the text PDF.
OCR costs about two CPU-seconds a page, so each twin is read once per module.
"""
from __future__ import annotations

import difflib
import re
import subprocess
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors import ocr, ocr_orientation, ocr_tables
from extractors.model import Document
from extractors.normalize import fold
from extractors.readers.pdf import layout, ocr_page
from extractors.records.tasks import extract_tasks
from extractors.registry import read_document
from extractors.words import PlacedWord

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ocr_tables"
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def scan_of(pdf: Path, out: Path, turn: int = 0) -> Path:
    """The pages of a PDF as a scanner gives them: 300 dpi images, in one TIFF, each turned
    `turn` degrees counter-clockwise (a landscape page fed in sideways)."""
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(pdf), str(out / "page")], check=True, timeout=300)
    pages = [Image.open(p).convert("RGB").rotate(turn, expand=True) for p in sorted(out.glob("page*.png"))]
    path = out / "scan.tif"
    pages[0].save(path, save_all=True, append_images=pages[1:], dpi=(300, 300), compression="tiff_lzw")
    return path


def tables(doc: Document):
    return [b for b in doc.blocks if b.kind == "table"]


@pytest.fixture(scope="module")
def portrait(tmp_path_factory) -> tuple[Document, Document]:
    """A task table over two pages (header repeated, a row cut by the page break), with a group
    row spread over the row, a group row in the content cell alone, and a lead agency merged
    down two rows: the text PDF, and its scan."""
    pdf = FIXTURES / "portrait_tasks.pdf"
    return read_document(pdf), read_document(scan_of(pdf, tmp_path_factory.mktemp("portrait")))


@pytest.fixture(scope="module")
def draft(tmp_path_factory) -> tuple[Document, Document]:
    """The appendix task table of the sample Nghệ An draft (three pages, group rows), from its
    text PDF and from a 300 dpi rendering of it."""
    tmp = tmp_path_factory.mktemp("draft")
    source, pages = pdfium.PdfDocument(SAMPLES / "nghean-draft.pdf"), pdfium.PdfDocument.new()
    pages.import_pages(source, [9, 10, 11])
    pages.save(tmp / "appendix.pdf")
    return read_document(tmp / "appendix.pdf"), read_document(scan_of(tmp / "appendix.pdf", tmp))


@pytest.fixture(scope="module")
def landscape(tmp_path_factory) -> tuple[Document, Document]:
    """A landscape task table, scanned sideways (turned a quarter counter-clockwise)."""
    pdf = FIXTURES / "landscape_tasks.pdf"
    return read_document(pdf), read_document(scan_of(pdf, tmp_path_factory.mktemp("landscape"), turn=90))


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, fold(a), fold(b), autojunk=False).ratio()


def same_agencies(read: list[str], expected: list[str]) -> bool:
    """The same agencies in the same order, each name read to within OCR's slips of a letter or a
    space (the accuracy of words is tests/test_ocr.py's business, the cells they fall in this one's)."""
    return len(read) == len(expected) and all(similarity(a, b) >= 0.9 for a, b in zip(read, expected))


def assert_same_tasks(text: Document, scan: Document) -> None:
    """Each task of the text PDF has its twin in the scan, in the same order: content at least
    0.9 alike, the same lead and partner agencies, the same group."""
    expected, read = extract_tasks(text, "t"), extract_tasks(scan, "s")
    assert len(expected) >= 7 and len(read) == len(expected)
    for want, got in zip(expected, read):
        assert similarity(want.content, got.content) >= 0.9, (want.content, got.content)
        assert same_agencies(got.lead_agencies, want.lead_agencies), (want.lead_agencies, got.lead_agencies)
        assert same_agencies(got.partner_agencies, want.partner_agencies), (want.partner_agencies, got.partner_agencies)
        assert similarity(want.group_name or "", got.group_name or "") >= 0.9, (want.group_name, got.group_name)


# --- the twins --------------------------------------------------------------------------------


def test_scanned_task_table_gives_the_tasks_of_its_text_pdf(draft):
    assert_same_tasks(*draft)


def test_sideways_landscape_scan_gives_the_tasks_of_its_text_pdf(landscape):
    assert_same_tasks(*landscape)


def test_scanned_table_has_the_grid_of_its_text_pdf(portrait):
    """Row for row and cell for cell, merged cells spread alike: every cell holds the text of its
    twin, give or take OCR's slips. Cells are compared by their letters and digits: tesseract
    glues some syllables ("Cơ quanphối hợp"), adds a dot or a stroke to a number ("2.", "2 _"),
    misreads a letter ("202G"), which is the business of the accuracy of words, not of cells."""
    text, scan = (tables(doc)[0].grid() for doc in portrait)
    assert len(scan) == len(text) and all(len(row) == len(text[0]) for row in scan)
    alike = [similarity(re.sub(r"[\W_]", "", a), re.sub(r"[\W_]", "", b)) for want, got in zip(text, scan)
             for a, b in zip(want, got)]
    assert min(alike) >= 0.75 and sum(alike) / len(alike) >= 0.95, alike


def test_table_over_two_scanned_pages_is_one_table(portrait):
    text, scan = portrait
    assert len(tables(scan)) == len(tables(text)) == 1
    grid = tables(scan)[0].grid()
    assert [row[0] for row in grid].count("TT") == 1  # the header repeated on page 2 is dropped
    cut = next(row for row in grid if row[0] == "12")  # the row the page break cut is whole again
    assert similarity(cut[1], "Tuyên truyền, phổ biến kiến thức phòng, chống dịch bệnh mùa mưa lũ cho nhân dân") >= 0.9


def test_merged_cells_of_a_scan_are_spread(portrait):
    _, scan = portrait
    table = tables(scan)[0]
    title = "Phát triển hạ tầng giao thông và thủy lợi nông thôn"
    group = next(r for r in table.rows if len(r) > 1 and similarity(r[1].text, title) >= 0.9)
    assert [c.col_span for c in group] == [1, 4]  # the group title spans the row
    rows = table.grid()
    tasks = ("Kiên cố hóa 40 km kênh mương nội đồng phục vụ tưới tiêu cho vùng lúa chất lượng cao",
             "Nạo vét hệ thống kênh tiêu thoát lũ trước mùa mưa bão hằng năm")
    third, fourth = (next(r for r in rows if similarity(r[1], task) >= 0.9) for task in tasks)
    assert third[2] == fourth[2] and similarity(third[2], "Sở Nông nghiệp và Phát triển nông thôn") >= 0.9


# --- cells --------------------------------------------------------------------------------------


def test_table_cells_keep_a_merged_cell_whole():
    # three columns, two rows; the second row's last two cells merged (no rule between them)
    rules = [(0, 0, 600, 0), (0, 100, 600, 100), (0, 200, 600, 200),
             (0, 0, 0, 200), (200, 0, 200, 200), (400, 0, 400, 100), (600, 0, 600, 200)]
    cells = sorted(ocr_tables.table_cells([tuple(map(float, r)) for r in rules], 300))
    assert cells == [(0, 0, 200, 100), (0, 100, 200, 200), (200, 0, 400, 100), (200, 100, 600, 200),
                     (400, 0, 600, 100)]


def _ruled_page(rows: list[list[list[str]]], widths: list[int]) -> Image.Image:
    """A white 300 dpi page with a ruled table: each cell's lines centred in its cell, as word
    processors set a short cell beside a long one."""
    font = ImageFont.truetype(FONT, 46)  # 11 pt at 300 dpi
    pitch = 62
    page = Image.new("RGB", (2480, 1400), "white")
    draw = ImageDraw.Draw(page)
    x0, y = 120, 120
    for row in rows:
        height = pitch * max(len(lines) for lines in row) + 60
        x = x0
        for lines, width in zip(row, widths):
            draw.rectangle((x, y, x + width, y + height), outline="black", width=4)
            top = y + (height - pitch * len(lines)) // 2
            for k, line in enumerate(lines):
                draw.text((x + 24, top + k * pitch), line, font=font, fill="black")
            x += width
        y += height
    return page


def test_a_one_line_cell_beside_a_long_cell_is_read_whole():
    """Read from the page's lines, a cell's single centred line falls between the lines of its
    neighbour and comes out in pieces, or not at all; read by row it is whole."""
    page = _ruled_page([
        [["STT"], ["Nội dung công việc"], ["Đơn vị thực hiện"]],
        [["7"], ["Kiểm tra việc cấp phép khai thác", "cát, sỏi lòng sông trên địa bàn", "các huyện miền núi phía tây"],
         ["Sở Tài nguyên"]],
    ], [200, 1100, 800])
    words = ocr.read_page_image(page, 1, 300).words
    right = [w for w in words if w.x0 > 1420 * 72 / 300]
    assert sorted(fold(w.text) for w in right) == sorted(fold("Đơn vị thực hiện Sở Tài nguyên").split())
    agency = [w for w in right if fold(w.text) in ("so", "tai", "nguyen")]
    assert max(w.baseline for w in agency) - min(w.baseline for w in agency) < 2  # one line, in its order
    assert [w.text for w in sorted(agency, key=lambda w: w.x0)] == ["Sở", "Tài", "nguyên"]
    assert sorted(w.text for w in words if w.x1 < 320 * 72 / 300) == ["7", "STT"]


# --- sideways pages -------------------------------------------------------------------------------


def _prose_page() -> Image.Image:
    font = ImageFont.truetype(FONT, 42)
    page = Image.new("RGB", (2480, 1754), "white")
    draw = ImageDraw.Draw(page)
    words = ("Ủy ban nhân dân xã tổ chức rà soát hộ nghèo, cận nghèo trên địa bàn; các thôn lập danh sách "
             "hộ cần hỗ trợ nhà ở, nước sạch và sinh kế, báo cáo kết quả trước ngày 15 hằng tháng").split()
    for k in range(20):  # lines of different lengths and words, as in prose
        line = " ".join(words[(3 * k) % len(words):] + words[:(3 * k) % len(words)])[:40 + (7 * k) % 30]
        draw.text((150, 150 + 70 * k), line, font=font, fill="black")
    return page


@pytest.mark.parametrize("turns", [1, 3])
def test_a_page_scanned_sideways_is_turned_upright(turns):
    pixels = np.rot90(np.asarray(_prose_page().convert("L")), turns)
    assert (ocr_orientation.quarter_turns(pixels, pixels < 128, 300) + turns) % 4 == 0


def test_an_upright_page_is_left_as_it_is():
    pixels = np.asarray(_prose_page().convert("L"))
    assert ocr_orientation.quarter_turns(pixels, pixels < 128, 300) == 0


# --- tables continued on the next scanned page -----------------------------------------------------


def _ocr_table_page(number: int, rows: list[list[str]], top: float) -> ocr.OcrPage:
    """A page as OCR gives it: a ruled table of `rows` from `top`, in points, one line a cell."""
    xs, height = [60, 100, 330, 450, 570, 660], 30
    words, rules = [], []
    for r, row in enumerate(rows):
        y = top + r * height
        for c, text in enumerate(row):
            x = xs[c] + 4
            for word in text.split():
                words.append(PlacedWord(word, x, x + 6 * len(word), y + 20, 11, False, confidence=90))
                x += 6 * len(word) + 3
    bottom = top + len(rows) * height
    rules += [((xs[0], top + r * height), (xs[-1], top + r * height)) for r in range(len(rows) + 1)]
    rules += [((x, top), (x, bottom)) for x in xs]
    return ocr.OcrPage(number, (720, 1000), words, rules)


def test_last_row_carried_alone_to_the_next_scanned_page_joins_the_table():
    header = ["STT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn"]
    first = _ocr_table_page(1, [header, ["1", "Lập quy hoạch vùng nguyên liệu", "Sở Công Thương", "Sở Tài chính", "2026"],
                                ["2", "Kiểm kê rừng phòng hộ", "Sở Nội vụ", "Sở Xây dựng", "2027"]], 80)
    second = _ocr_table_page(2, [["3", "Đánh giá chỉ số cải cách", "Sở Nội vụ", "Sở Tư pháp", "Hằng năm"]], 60)
    blocks = layout([ocr_page(first), ocr_page(second)])
    assert [b.kind for b in blocks] == ["table"]
    assert [row[0] for row in blocks[0].grid()] == ["STT", "1", "2", "3"]
    assert blocks[0].grid()[3][1] == "Đánh giá chỉ số cải cách"
