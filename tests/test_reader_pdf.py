"""PDF reader: the Nghệ An draft plan, a 16-page report with tables across pages, scans, and
small PDFs drawn here with pypdfium2 for what the samples lack (page numbers, rotation)."""
from __future__ import annotations

import ctypes
import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from extractors.errors import CorruptFile, ExtractionError, LimitExceeded
from extractors.model import Document
from extractors.readers import pdf as pdf_reader
from extractors.readers.pdf import PdfReader, vietnamese_share
from extractors.registry import read_document, reader_for
from extractors.words import PlacedWord
from doc_helpers import block, tables, texts

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
DRAFT = SAMPLES / "nghean-draft.pdf"
REPORT = next((SAMPLES / "real").glob("09_*.pdf"))
SCANS = [SAMPLES / "nghean-draft-scan.pdf", SAMPLES / "ninhson-2023-scan.pdf", next((SAMPLES / "real").glob("19_*.pdf"))]
BROKEN_FONTS = next((SAMPLES / "real").glob("17_*.pdf"))


@pytest.fixture(scope="module")
def draft() -> Document:
    return read_document(DRAFT)


@pytest.fixture(scope="module")
def report() -> Document:
    return read_document(REPORT)




# --- recognising a PDF ---------------------------------------------------------------------------


def test_accepts_pdf_by_content_not_name(tmp_path):
    renamed = tmp_path / "plan.bin"
    shutil.copy(DRAFT, renamed)
    assert reader_for(renamed).name == "pdf"
    assert PdfReader().accepts(b"\r\n" * 100 + b"%PDF-1.7\n", tmp_path / "x")  # junk before the header


def test_garbage_named_pdf_is_not_accepted(tmp_path):
    garbage = tmp_path / "plan.pdf"
    garbage.write_bytes(bytes(range(256)) * 8)
    assert not PdfReader().accepts(garbage.read_bytes()[:8192], garbage)


# --- the Nghệ An draft ---------------------------------------------------------------------------


def test_draft_is_read_as_a_text_pdf(draft):
    assert (draft.source_format, draft.page_count, draft.ocr_used) == ("pdf", 12, False)


def test_header_reads_issuer_column_then_motto_column(draft):
    assert texts(draft)[:10] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH NGHỆ AN",
        "--------",
        "Số: /KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",  # one line of the HTML, wrapped in the PDF
        "Độc lập - Tự do - Hạnh phúc",
        "---------------",
        "Nghệ An, ngày tháng 7 năm 2024",
        "KẾ HOẠCH",
        "TRIỂN KHAI THỰC HIỆN QUYẾT ĐỊNH SỐ 281/QĐ-TTG NGÀY 05/4/2024 CỦA THỦ TƯỚNG CHÍNH PHỦ, QUYẾT ĐỊNH "
        "SỐ 1093/QĐ-BYT NGÀY 02/5/2024 CỦA BỘ Y TẾ VÀ KẾ HOẠCH SỐ 229-KH/TU NGÀY 18/3/2024 CỦA TỈNH ỦY NGHỆ "
        "AN THỰC HIỆN CHỈ THỊ SỐ 25-CT/TW NGÀY 25/10/2023 CỦA BAN BÍ THƯ VỀ TIẾP TỤC CỦNG CỐ, HOÀN THIỆN, "
        "NÂNG CAO CHẤT LƯỢNG HOẠT ĐỘNG CỦA Y TẾ CƠ SỞ TRONG TÌNH HÌNH MỚI",
    ]
    header = draft.blocks[:8]
    assert all(b.kind == "paragraph" and b.centered for b in header)  # layout, not headings
    assert [b.bold for b in header] == [True, True, True, False, True, True, True, False]


def test_title_and_section_headings(draft):
    title = draft.blocks[8]
    assert (title.kind, title.bold, title.centered, title.page) == ("heading", True, True, 1)
    subtitle = draft.blocks[9]  # over 300 characters: bold, but not a heading
    assert (subtitle.kind, subtitle.bold, subtitle.centered) == ("paragraph", True, True)
    sections = [(b.text, b.page) for b in draft.blocks if b.kind == "heading" and re.match(r"[IVX]+\. ", b.text)]
    assert sections == [("I. MỤC ĐÍCH YÊU CẦU", 1), ("II. MỤC TIÊU", 2), ("III. NHIỆM VỤ, GIẢI PHÁP", 2),
                        ("IV. KINH PHÍ THỰC HIỆN", 5), ("V. TỔ CHỨC THỰC HIỆN", 5)]
    assert all(block(draft, text).centered for text, _ in sections)
    subsection = block(draft, "1. Mục đích")
    assert (subsection.kind, subsection.bold, subsection.centered) == ("heading", True, False)


def test_wrapped_lines_make_one_paragraph(draft):
    assert block(draft, "a) Quán triệt").text == (
        "a) Quán triệt, tổ chức thực hiện các nhiệm vụ của UBND tỉnh được giao tại Quyết định số 281/QĐ-TTg , "
        "Quyết định số 1093/QĐ-BYT , Kế hoạch số 229-KH/TU và Kế hoạch này.")
    # cut by the page break after "Kế hoạch số", and by line ends after "25-" and "1093/QĐ-"
    cut = block(draft, "a) Các Sở, ban, ngành cấp tỉnh, UBND cấp huyện căn cứ")
    assert cut.page == 1
    assert cut.text.endswith("Kế hoạch số 229-KH/TU và nội dung tại kế hoạch này để triển khai thực hiện "
                             "đảm bảo đầy đủ, nghiêm túc, thiết thực, hiệu quả.")
    intro = block(draft, "Thực hiện Quyết định số 281")
    assert "Chỉ thị số 25-CT/TW, ngày 25/10/2023" in intro.text
    assert "Quyết định số 1093/QĐ-BYT và Kế hoạch số 229-KH/TU), UBND tỉnh" in intro.text
    assert not any(t.startswith(("229-KH/TU và nội dung", "đồng cung ứng dịch vụ")) for t in texts(draft))


def test_list_items(draft):
    goals = [b for b in draft.blocks if b.page == 2 and b.kind == "list_item"][:6]
    assert [b.text for b in goals[:2]] == ["- Tỷ lệ người dân tham gia bảo hiểm y tế trên 95%.",
                                          "- Tỷ lệ dân số được quản lý sức khỏe trên 95%."]
    assert goals[4].text == ("- Mỗi xóm, bản có một nhân viên y tế kiêm nhiệm công tác dân số và mỗi khối có một "
                             "cộng tác viên dân số kiêm nhiệm công tác y tế được đào tạo chuyên môn y tế.")


def test_no_page_numbers(draft):
    assert not [t for t in texts(draft) if re.fullmatch(r"[-\s]*\d+[-\s]*", t)]


def test_appendix_table_is_one_table_across_three_pages(draft):
    [table] = tables(draft)
    grid = table.grid()
    assert (table.page, len(grid), len(grid[0])) == (10, 19, 5)
    assert grid[0] == ["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
    assert [row[0] for row in grid[1:]] == [str(n) for n in range(1, 19)]  # the header repeated on pages 11, 12 is gone
    assert grid[7] == [  # task 7, cut in two by the break between pages 10 and 11
        "7",
        "Sắp xếp, kiện toàn tổ chức, bộ máy y tế cơ sở theo phương án sắp xếp đơn vị hành chính cấp huyện, cấp xã.",
        "Sở Y tế",
        "Sở Nội vụ, UBND cấp huyện, cơ quan, đơn vị có liên quan",
        "Sau khi có Quyết định sắp xếp đơn vị hành chính",
    ]
    assert grid[5][1] == "Xây dựng Đề án Phát triển nguồn nhân lực y tế đến năm 2030, định hướng đến năm 2035"
    assert grid[17][2] == "Sở Y tế\nSở Giáo dục"  # two lines the author broke, as two paragraphs in the HTML
    assert grid[1][2] == "Các sở, ngành; UBND cấp huyện"  # a wrapped line is joined with a space


def test_table_text_is_not_also_a_paragraph(draft):
    body = " ".join(texts(draft))
    assert "Nhiệm vụ thường xuyên" not in body
    assert "Thời gian hoàn thành" not in body
    assert texts(draft)[-3:] == [
        "PHỤ LỤC",
        "CHI TIẾT TRIỂN KHAI THỰC HIỆN KẾ HOẠCH SỐ 229-KH/TU NGÀY 18/3/2024 CỦA TỈNH ỦY NGHỆ AN",
        "(Kèm theo Kế hoạch số /KH-UBND ngày tháng 7 năm 2024 của Ủy ban nhân dân tỉnh Nghệ An)",
    ]
    assert draft.blocks[-1].kind == "table"


def test_signature_block_reads_recipients_then_signer(draft):
    end = texts(draft)
    start = end.index("Nơi nhận:")
    assert end[start:start + 17] == [
        "Nơi nhận:", "- Bộ Y tế;", "- TTr Tỉnh ủy; TTr HĐND tỉnh;", "- Chủ tịch UBND tỉnh;", "- Các PCT UBND tỉnh;",
        "- UB MTTQ Việt Nam tỉnh;",
        "- Các Sở, ban, ngành cấp tỉnh;", "- Huyện ủy, thành ủy, thị ủy;", "- UBND các huyện, thành phố, thị xã;",
        "- Các cơ quan, đơn vị ngành y tế;", "- CVP, PCVP phụ trách văn xã;", "- Lưu: VT, KGVX (TP, P).",
        "TM. ỦY BAN NHÂN DÂN", "KT CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Bùi Đình Long",  # the name is on page 9
        "PHỤ LỤC",
    ]
    signer = block(draft, "Bùi Đình Long")
    assert (signer.page, signer.kind, signer.centered) == (9, "paragraph", True)
    assert end[start - 1].endswith("đề xuất UBND tỉnh xem xét, quyết định./.")


# --- a report with tables that run across pages --------------------------------------------------


def test_report_header_and_signature(report):
    # The number and the day were typed into the signed PDF's form fields: they are read in their place.
    assert texts(report)[:8] == [
        "UBND TỈNH LÂM ĐỒNG", "SỞ NỘI VỤ", "Số: 184 /BC-SNV",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Lâm Đồng, ngày 06 tháng 11 năm 2025",
        "BÁO CÁO", "Tình hình thực hiện các chỉ số PAR Index, SIPAS, PAPI, PCI, 766 của tỉnh Lâm Đồng",
    ]
    assert texts(report)[-3:] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Hữu Tuấn"]


def test_report_tables_with_merged_headers_continue_across_pages(report):
    assert [(t.page, len(t.grid()), len(t.grid()[0])) for t in tables(report)] == [
        (1, 11, 11), (5, 14, 8), (7, 11, 11), (10, 13, 8), (12, 29, 5)]
    par = tables(report)[0]
    assert [(c.text, c.row_span, c.col_span) for c in par.rows[0]] == [
        ("STT", 2, 1), ("Nội dung", 2, 1), ("Lâm Đồng", 1, 3), ("Đắk Nông", 1, 3), ("Bình Thuận", 1, 3)]
    grid = par.grid()
    assert grid[1] == ["STT", "Nội dung"] + ["Điểm số", "Chỉ số", "Thứ hạng"] * 3
    assert grid[2][:5] == ["1", "Công tác chỉ đạo, điều hành", "9,49/ 9,5", "99,9%", "12/63"]  # "9,49/" wrapped
    assert grid[9][:3] == ["8", "Tác động của CCHC đến phát triển kinh tế xã hội của tỉnh", "10,75/ 16,5"]  # page 2
    assert grid[10][:3] == ["CHỈ SỐ CHUNG", "CHỈ SỐ CHUNG", "83,1/ 100"]


def test_report_footnote_follows_the_paragraph_it_interrupts(report):
    cut = block(report, "Đối với lĩnh vực cải cách tổ chức bộ máy")
    assert cut.page == 3
    assert cut.text.endswith("(60.253/60.674 người làm việc) được giao.")  # its end is on page 4
    following = texts(report)[texts(report).index(cut.text) + 1:][:2]
    assert following[0].startswith("1 Mô hình “Công khai Thủ tục hành chính số”")
    assert following[1].startswith("Đối với lĩnh vực cải cách chế độ công vụ")


# --- scans and text layers that do not read ------------------------------------------------------


@pytest.mark.parametrize("path", SCANS + [BROKEN_FONTS], ids=lambda p: p.name[:20])
def test_scans_and_broken_fonts_are_sent_to_ocr(path, monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(pdf_reader.ocr, "read_pdf_pages", lambda _path, numbers: sent.extend(numbers) or [])
    doc = PdfReader().convert(path)
    assert sent == list(range(1, doc.page_count + 1))
    assert (doc.source_format, doc.ocr_used) == ("pdf_scanned", True)


@pytest.mark.parametrize("path", [DRAFT, REPORT], ids=lambda p: p.name[:20])
def test_text_pdfs_are_not_sent_to_ocr(path, monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(pdf_reader.ocr, "read_pdf_pages", lambda _path, numbers: sent.extend(numbers) or [])
    PdfReader().convert(path)
    assert sent == []


def test_vietnamese_share():
    assert vietnamese_share("Kế hoạch triển khai Quyết định số 281/QĐ-TTg của UBND tỉnh Đắk Lắk, đ) PAR Index") == 1.0
    assert vietnamese_share("6Ӣ CÔNG 7+ѬѪ1* &Ӝ1* H“A XÃ +Ӝ, &+Ӫ 1*+Ƭ$ 9,ӊ7 NAM L‡o Cai, ng‡y th·ng") < 0.5
    assert vietnamese_share("") == 0.0


# --- files that cannot be read -------------------------------------------------------------------


def test_truncated_pdf_is_a_corrupt_file(tmp_path):
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(DRAFT.read_bytes()[: DRAFT.stat().st_size // 2])
    with pytest.raises(CorruptFile, match="truncated"):
        read_document(cut)


def test_password_protected_pdf_is_reported(tmp_path):
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(hand_made_pdf(encrypt=True))
    with pytest.raises(ExtractionError, match="password-protected"):
        read_document(locked)


def test_garbage_after_a_pdf_header_is_a_corrupt_file(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n")
    with pytest.raises(CorruptFile, match="not a readable PDF"):
        read_document(broken)


# --- page furniture, page breaks and rotation, on PDFs drawn here ---------------------------------

WORDS = ("the plan assigns every task to an agency with a deadline and a budget line and the agencies "
         "report their progress each quarter to the provincial committee").split()


def prose(start: int, count: int) -> str:
    return " ".join(WORDS[(start + k) % len(WORDS)] for k in range(count))


def test_page_numbers_and_running_lines_are_dropped(tmp_path):
    pages = []
    for n in (1, 2, 3):
        lines = [(85, 30, "CONG TY ABC - Bao cao tien do tuan", 9, False), (290, 812, f"Trang {n}/3", 10, False)]
        if n > 1:
            lines.append((290, 48, f"- {n} -", 10, False))
        lines += [(113 if k == 0 else 85, 100 + 18 * k, prose(9 * k + n, 9), 12, False) for k in range(4)]
        pages.append(lines)
    doc = PdfReader().convert(draw_pdf(tmp_path / "furniture.pdf", pages))
    body = " ".join(texts(doc))
    assert "CONG TY ABC" not in body and "Trang" not in body and not re.search(r"- \d -", body)
    assert [b.page for b in doc.blocks] == [1, 2, 3]


def test_paragraph_cut_by_a_page_break_is_joined(tmp_path):
    first = [(113, 100, "Kinh phi thuc hien ke hoach nay tu nguon ngan sach", 12, False),
             (85, 118, prose(0, 12), 12, False), (85, 136, prose(12, 12), 12, False)]
    second = [(85, 100, prose(24, 12) + ".", 12, False),
              (113, 118, "The next paragraph starts with an indented line", 12, False),
              (85, 136, prose(3, 12) + ".", 12, False)]
    doc = PdfReader().convert(draw_pdf(tmp_path / "break.pdf", [first, second]))
    assert [(b.page, b.text) for b in doc.blocks] == [
        (1, " ".join(["Kinh phi thuc hien ke hoach nay tu nguon ngan sach", prose(0, 12), prose(12, 12),
                      prose(24, 12) + "."])),
        (2, f"The next paragraph starts with an indented line {prose(3, 12)}."),
    ]


def test_rotated_page_reads_upright(tmp_path):
    lines = [(60, 80, "BAO CAO TIEN DO", 14, True)] + [(60, 110 + 18 * k, prose(7 * k, 14), 12, False) for k in range(3)]
    doc = PdfReader().convert(draw_pdf(tmp_path / "rotated.pdf", [lines], rotation=90))
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("heading", "BAO CAO TIEN DO"), ("paragraph", " ".join(prose(7 * k, 14) for k in range(3)))]


def draw_pdf(path: Path, pages: list[list[tuple[float, float, str, float, bool]]], rotation: int = 0) -> Path:
    """A PDF of A4 pages, each a list of (x, top, text, size, bold) in points from the top left of
    the page as displayed; with `rotation` 90 the page is stored upright-portrait and displayed
    landscape, its text drawn turned so that it reads upright."""
    pdf = pdfium.PdfDocument.new()
    for lines in pages:
        page = pdf.new_page(595, 842)
        for x, top, text, size, bold in lines:
            obj = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Times-Bold" if bold else b"Times-Roman", size)
            data = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
            pdfium_c.FPDFText_SetText(obj, ctypes.cast(data, ctypes.POINTER(ctypes.c_ushort)))
            if rotation == 90:  # displayed (x, top) is stored at (top, x), text running up the stored page
                pdfium_c.FPDFPageObj_Transform(obj, 0, 1, -1, 0, top, x)
            else:
                pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, 842 - top)
            pdfium_c.FPDFPage_InsertObject(page.raw, obj)
        pdfium_c.FPDFPage_GenerateContent(page.raw)
        page.set_rotation(rotation)
    pdf.save(path)
    return path


def hand_made_pdf(encrypt: bool, size: tuple[int, int] = (595, 842)) -> bytes:
    """A one-page PDF (A4, or `size` in points); with `encrypt`, locked by a password nobody knows (an
    /Encrypt dictionary whose password hashes match no password, as a locked file looks to a reader
    without it)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] >>" % size]
    trailer = b""
    if encrypt:
        objects.append(b"<< /Filter /Standard /V 1 /R 2 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> /P -4 >>")
        trailer = b"/Encrypt 4 0 R /ID [<" + b"01" * 16 + b"> <" + b"01" * 16 + b">] "
    return pdf_file(objects, trailer)


def pdf_file(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of these objects (numbered from 1, the first the catalog), with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def test_a_pdf_over_the_page_limit_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "one-page.pdf"
    path.write_bytes(hand_made_pdf(encrypt=False))
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 0)
    with pytest.raises(LimitExceeded, match="page limit"):
        read_document(path)


# --- a table continued on the next page without its header -------------------------------------

def ruled_page(number: int, rows: list[tuple[float, float, list[float], list[str]]]) -> "pdf_reader._Page":
    """A page of table rows, each (top, bottom, column rules, cell texts), ruled as drawn."""
    page = pdf_reader._Page(number=number, size=(595, 842), words=[], edges=[], tables=[], lines=[])
    for top, bottom, xs, cells in rows:
        for y in (top, bottom):
            pdf_reader._add_edge(page.edges, (xs[0], y), (xs[-1], y))
        for x in xs:
            pdf_reader._add_edge(page.edges, (x, top), (x, bottom))
        for x, text in zip(xs, cells):
            left = x + 3
            for word in text.split():
                page.words.append(PlacedWord(word, left, left + 5 * len(word), bottom - 6, 10, False))
                left += 5 * len(word) + 3
    return page


def test_a_table_going_on_without_its_header_is_joined_and_keeps_each_rows_page():
    # The header's inner rules stand 4 pt off the body's, so the first page has thin extra columns;
    # the next page draws only the body's rules, and still continues the same table.
    body_xs, header_xs = [80, 110, 300, 400, 500], [80, 110, 296, 404, 500]
    first = ruled_page(7, [(100, 120, header_xs, ["STT", "Việc", "Chủ trì", "Hạn"]),
                           (120, 140, body_xs, ["1", "Khảo sát", "Sở Xây dựng", "5"]),
                           (140, 160, body_xs, ["2", "Thiết kế", "Sở Tài chính", "9"])])
    second = ruled_page(8, [(60, 80, body_xs, ["3", "Nghiệm thu", "Sở Nội vụ", "2"]),
                            (80, 100, body_xs, ["4", "Bàn giao", "Sở Y tế", "1"])])
    [table] = [b for b in pdf_reader.layout([first, second]) if b.kind == "table"]
    grid = table.grid()
    assert [row[0] for row in grid] == ["STT", "1", "2", "3", "4"]
    assert [row[-1] for row in grid] == ["Hạn", "5", "9", "2", "1"]
    assert grid[3][:2] == ["3", "Nghiệm thu"] and "Sở Nội vụ" in grid[3]
    assert (table.page, table.row_pages) == (7, [7, 7, 7, 8, 8])


def test_a_table_on_the_next_page_with_other_columns_is_not_joined():
    first = ruled_page(3, [(100, 120, [80, 110, 300, 500], ["TT", "Việc", "Chủ trì"]),
                           (120, 140, [80, 110, 300, 500], ["1", "Khảo sát", "Sở Xây dựng"])])
    second = ruled_page(4, [(60, 80, [80, 250, 500], ["Tỉnh", "Điểm"]),
                            (80, 100, [80, 250, 500], ["Lào Cai", "7"])])
    tables = [b for b in pdf_reader.layout([first, second]) if b.kind == "table"]
    assert [(t.page, t.row_pages) for t in tables] == [(3, None), (4, None)]


def test_a_row_opening_the_next_page_of_a_table_with_a_blank_first_column_stays_a_row():
    xs = [80, 110, 300, 500]
    first = ruled_page(5, [(100, 120, xs, ["TT", "Việc", "Chủ trì"]),
                           (120, 140, xs, ["", "Khảo sát", "Sở Xây dựng"])])
    second = ruled_page(6, [(60, 80, xs, ["", "Thiết kế", "Sở Tài chính"]),
                            (80, 100, xs, ["", "Thi công", "Sở Giao thông vận tải"])])
    [table] = [b for b in pdf_reader.layout([first, second]) if b.kind == "table"]
    assert [row[1] for row in table.grid()] == ["Việc", "Khảo sát", "Thiết kế", "Thi công"]
    assert table.row_pages == [5, 5, 6, 6]


def test_scanned_pages_a_point_apart_in_size_share_one_layout():
    """A scanner's pages differ in size by a point or two. The last page alone (a few short
    recipients' lines) would put the text's centre at theirs and take them for centred titles;
    it is laid out with the other pages of its paper size, a landscape page apart."""
    def page(number, size, lines):
        out = pdf_reader._Page(number=number, size=size, words=[], edges=[], tables=[], lines=[])
        for k, (x, text) in enumerate(lines):
            for word in text.split():
                out.words.append(PlacedWord(word, x, x + 5 * len(word), 100 + 14 * k, 10, False))
                x += 5 * len(word) + 3
        out.lines = pdf_reader._group_lines(out.words, number)
        return out
    body = page(1, (575, 819), [(90, "Nội dung của chỉ thị được phổ biến đến các cơ quan đơn vị để thi hành")] * 12)
    last = page(2, (575, 821), [(90, "- Sở Tư pháp;"), (90, "- Sở Tư pháp;"), (90, "- Lưu: VT.")])
    wide = page(3, (842, 595), [(60, "Phụ lục: bảng nhiệm vụ")] * 3)
    layouts = pdf_reader._layouts([body, last, wide])
    assert layouts[last.size] == layouts[body.size]
    assert layouts[last.size].center > 200  # the body's centre, not the recipients'
    assert layouts[wide.size] != layouts[body.size]


def _scanned_page(lines: list[tuple[float, list[tuple[str, float]]]], size: float = 14) -> pdf_reader._Page:
    """A scanned page: lines of (left edge, [(word, OCR confidence), ...]), one under the other."""
    page = pdf_reader._Page(number=1, size=(595, 842), words=[], edges=[], tables=[], lines=[])
    for k, (x, words) in enumerate(lines):
        for word, confidence in words:
            page.words.append(PlacedWord(word, x, x + 6 * len(word), 100 + 1.5 * size * k, size, False,
                                         confidence=confidence))
            x += 6 * len(word) + 4
    return page


def _confident(text: str) -> list[tuple[str, float]]:
    return [(w, 95.0) for w in text.split()]


def test_a_stamp_beside_a_scanned_title_is_not_read_into_it():
    """A receipt stamp and a seal in the left margin of a scan stand on the title's lines: OCR reads
    their letters (low confidence, or far left of the text) into those lines."""
    body = [(90, _confident("Thời gian qua, công tác thi hành án hành chính trên địa bàn tỉnh đã đạt"))] * 8
    page = _scanned_page([
        (240, _confident("CHỈ THỊ")),
        (10, [("Thư", 0.0), ("TÂM", 58.0), ("CônG", 47.0), ("BÁ0", 0.0), ("0.NGÃI", 64.0),
              *_confident("Về việc tăng cường công tác thi hành án hành chính")]),
        (20, [("CV", 91.0), ("Số:", 64.0), ("J152", 32.0), *_confident("trên địa bàn tỉnh Quảng Ngãi")]),
        (60, [("Ni", 48.0), ("Hy:", 47.0), ("I-4,", 0.0)]),  # nearer the text, but doubted
        *body])
    text = " ".join(b.text for b in pdf_reader.layout([page]))
    assert text.startswith("CHỈ THỊ Về việc tăng cường công tác thi hành án hành chính trên địa bàn tỉnh Quảng Ngãi "
                           "Thời gian qua")
    assert not {"TÂM", "0.NGÃI", "CV", "J152", "Hy:"} & set(text.split())


def test_a_scanned_page_set_left_of_the_others_keeps_all_its_words():
    """The page's own lines set where its text starts: a page scanned 2 cm to the left, or a
    page of indented items, loses no word."""
    shifted = _scanned_page([(30, _confident("Nội dung của chỉ thị được phổ biến đến các cơ quan đơn vị"))] * 6)
    items = _scanned_page([(130, _confident("a) Nội dung của chỉ thị được phổ biến đến các cơ quan"))] * 6
                          + [(90, _confident("đơn vị để thi hành nghiêm túc trên địa bàn"))] * 2)
    for page in (shifted, items):
        words = " ".join(w.text for w in page.words)
        assert " ".join(b.text for b in pdf_reader.layout([page])) == words
