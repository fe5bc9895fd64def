"""OCR of scans and images, .doc through LibreOffice, legacy Vietnamese encodings, OCR repairs.

OCR costs about two CPU-seconds a page, so each scan is cut down to the pages a test needs
and read once per module.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from extractors import ocr
from extractors.errors import UnsupportedFormat
from extractors.legacy_encodings import fix_legacy, legacy_encoding
from extractors.model import Document
from legacy_text import to_tcvn3, to_vni
from extractors.readers import doc as doc_reader
from extractors.registry import read_document

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
DRAFT, DRAFT_SCAN = SAMPLES / "nghean-draft.pdf", SAMPLES / "nghean-draft-scan.pdf"
NQ47_SCAN = next((SAMPLES / "real").glob("19_*.pdf"))
BROKEN_FONTS = next((SAMPLES / "real").glob("17_*.pdf"))
LEGACY_DOC = next((SAMPLES / "real").glob("05_*.doc"))
# Two pages of prose and the three pages of the appendix table, which runs across them.
DRAFT_PAGES = [2, 3, 10, 11, 12]


def pages_of(pdf: Path, numbers: list[int], out: Path) -> Path:
    """A PDF of some pages of another, so that OCR reads only those."""
    source, target = pdfium.PdfDocument(pdf), pdfium.PdfDocument.new()
    target.import_pages(source, [n - 1 for n in numbers])
    target.save(out)
    return out


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def character_error_rate(reference: str, read: str) -> float:
    """Levenshtein distance over the reference's length, on whitespace-folded text.

    One row of the distance table per reference character, in numpy: deletions and
    substitutions come from the row above, and insertions, a running minimum along the row,
    from np.minimum.accumulate.
    """
    reference, read = flat(reference), flat(read)
    chars = np.array([ord(c) for c in read])
    steps = np.arange(len(read) + 1)
    row = steps.copy()
    for i, a in enumerate(reference, 1):
        below = np.empty_like(row)
        below[0] = i
        below[1:] = np.minimum(row[1:] + 1, row[:-1] + (chars != ord(a)))
        row = np.minimum.accumulate(below - steps) + steps
    return int(row[-1]) / max(1, len(reference))


@pytest.fixture(scope="module")
def draft_pair(tmp_path_factory) -> tuple[Document, Document]:
    """The same pages of the Nghệ An draft, from its text PDF and from its scan."""
    tmp = tmp_path_factory.mktemp("draft")
    return (read_document(pages_of(DRAFT, DRAFT_PAGES, tmp / "text.pdf")),
            read_document(pages_of(DRAFT_SCAN, DRAFT_PAGES, tmp / "scan.pdf")))


def tables(doc: Document):
    return [b for b in doc.blocks if b.kind == "table"]


# --- scans ---------------------------------------------------------------------------------------


def test_scan_is_read_by_ocr(draft_pair):
    text, scan = draft_pair
    assert (text.source_format, text.ocr_used) == ("pdf", False)
    assert (scan.source_format, scan.ocr_used, scan.page_count) == ("pdf_scanned", True, len(DRAFT_PAGES))
    assert text.ocr_confidence is None
    assert 90 <= scan.ocr_confidence <= 100  # a clean 300-dpi scan: Tesseract is sure of nearly every word


def test_character_error_rate_against_the_text_pdf(draft_pair):
    text, scan = draft_pair
    prose = [1, 2]  # pages 2 and 3 of the draft
    reference = "\n".join(b.text for b in text.blocks if b.page in prose and b.kind != "table")
    read = "\n".join(b.text for b in scan.blocks if b.page in prose and b.kind != "table")
    assert len(flat(reference)) > 4000
    assert character_error_rate(reference, read) <= 0.02
    assert character_error_rate(text.text(), scan.text()) <= 0.02  # the appendix table too


def test_appendix_table_of_the_scan_has_the_18_tasks_of_the_text_pdf(draft_pair):
    text, scan = draft_pair
    [expected], [table] = tables(text), tables(scan)
    grid = table.grid()
    assert (len(grid), len(grid[0])) == (19, 5)  # the header (repeated on each page, kept once) and 18 rows
    assert grid[0] == expected.grid()[0] == ["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp",
                                             "Thời gian hoàn thành"]
    assert [row[0] for row in grid[1:]] == [str(n) for n in range(1, 19)]
    # task 7, cut by the page break, is one row again
    assert grid[7][1].endswith("theo phương án sắp xếp đơn vị hành chính cấp huyện, cấp xã.")
    assert grid[7][4] == "Sau khi có Quyết định sắp xếp đơn vị hành chính"
    for row, expected_row in zip(grid, expected.grid()):
        assert character_error_rate(" | ".join(expected_row), " | ".join(row)) <= 0.02


def test_a_mixed_pdf_reads_text_pages_from_their_text_layer(tmp_path):
    source, scan = pdfium.PdfDocument(DRAFT), pdfium.PdfDocument(DRAFT_SCAN)
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(source, [0])
    mixed.import_pages(scan, [8])  # the draft's short page 9: the end of the recipients list
    mixed.save(tmp_path / "mixed.pdf")
    doc = read_document(tmp_path / "mixed.pdf")
    page_one = [b.text for b in read_document(pages_of(DRAFT, [1], tmp_path / "one.pdf")).blocks]
    assert (doc.source_format, doc.ocr_used) == ("pdf_scanned", True)
    # confidence over the OCRed page alone: text-layer pages have none to count
    assert doc.ocr_confidence == ocr.mean_confidence(ocr.read_pdf_pages(tmp_path / "mixed.pdf", [2]))
    assert [b.text for b in doc.blocks if b.page == 1] == page_one
    assert "Lưu: VT, KGVX (TP, P)." in [b.text.lstrip("- ") for b in doc.blocks if b.page == 2]


def test_government_scan_with_its_title_and_issuer(tmp_path):
    doc = read_document(pages_of(NQ47_SCAN, [1], tmp_path / "nq47.pdf"))
    text = doc.text()
    assert (doc.source_format, doc.ocr_used) == ("pdf_scanned", True)
    assert "CHÍNH PHỦ" in text and "NGHỊ QUYẾT" in text
    assert "Chương trình hành động của Chính phủ đến năm 2030" in text
    assert "Kết luận số 57-KL/TW ngày 15 tháng 6 năm 2023" in text
    assert "Hà Nội, ngày 15 tháng 4 năm 2024" in text


def test_pdf_whose_fonts_lost_their_character_map_is_read_by_ocr(tmp_path):
    doc = read_document(pages_of(BROKEN_FONTS, [1], tmp_path / "kh1105.pdf"))
    text = doc.text()
    assert (doc.source_format, doc.ocr_used) == ("pdf_scanned", True)
    assert "SỞ CÔNG THƯƠNG" in text and "ĐOÀN KIỂM TRA" in text
    assert "Số: 1105/KH-ĐKT" in text
    assert "KẾ HOẠCH" in text and "vật liệu nổ công nghiệp trên địa bàn tỉnh Lào Cai" in text


def test_images_png_and_multi_page_tiff(tmp_path):
    page = pdfium.PdfDocument(DRAFT)[0].render(scale=200 / 72).to_pil()
    header, title = page.crop((0, 0, page.width, page.height // 5)), page.crop((0, 480, page.width, 900))
    header.save(tmp_path / "header.png", dpi=(200, 200))
    header.save(tmp_path / "pages.tif", dpi=(200, 200), save_all=True, append_images=[title])

    png = read_document(tmp_path / "header.png")
    assert (png.source_format, png.ocr_used, png.page_count) == ("image", True, 1)
    assert 80 <= png.ocr_confidence <= 100
    assert "ỦY BAN NHÂN DÂN" in png.text() and "Độc lập - Tự do - Hạnh phúc" in png.text()
    tiff = read_document(tmp_path / "pages.tif")
    assert tiff.page_count == 2
    assert {b.page for b in tiff.blocks} == {1, 2}
    assert any(b.text == "KẾ HOẠCH" for b in tiff.blocks if b.page == 2)


def test_ocr_reports_words_confidence_and_skew():
    [page] = ocr.read_pdf_pages(DRAFT_SCAN, [9])
    assert page.confidence > 85
    assert 0.2 < abs(page.skew) < 1.5  # the scan is tilted by about half a degree
    assert page.size == pytest.approx((595.4, 842.0), abs=1)
    words = [w for w in page.words if w.text in ("Lưu:", "VT,", "KGVX")]
    assert [w.text for w in words] == ["Lưu:", "VT,", "KGVX"]
    assert max(w.baseline for w in words) - min(w.baseline for w in words) < 1  # one straight line


def test_missing_tesseract_is_an_unsupported_format_naming_the_package(monkeypatch):
    monkeypatch.setattr(ocr.shutil, "which", lambda _name: None)
    with pytest.raises(UnsupportedFormat, match="tesseract-ocr-vie"):
        ocr.read_pdf_pages(DRAFT_SCAN, [1])


@pytest.mark.parametrize("read, right", [
    ("Só: 12/KH-UBND", "Số: 12/KH-UBND"),
    ("KÉ HOẠCH", "KẾ HOẠCH"),
    ("Tố chức thực hiện", "Tổ chức thực hiện"),
    ("HI- TỔ CHỨC THỰC HIỆN", "III- TỔ CHỨC THỰC HIỆN"),
    ("Số: 1105⁄KH-ĐKT", "Số: 1105/KH-ĐKT"),
    ("tỷ lệ sinh 2,5%o và 3 %o.", "tỷ lệ sinh 2,5‰ và 3 ‰."),
    ("%o không sau số", "%o không sau số"),  # no number: left alone
    ("ở đây mạnh hơn", "ở đây mạnh hơn"),  # lower case "đây mạnh" can be right
    ("Cục Thị hành án dân sự tỉnh", "Cục Thi hành án dân sự tỉnh"),  # a seal's ink over the i
    ("kết quả thi hành ấn hành chính", "kết quả thi hành án hành chính"),
    ("Sở ấn hành tài liệu", "Sở ấn hành tài liệu"),  # ấn hành (to publish) without thi hành before it
    ("Ngân hàng Nhà nước Chỉ nhánh Khu vực 10", "Ngân hàng Nhà nước Chi nhánh Khu vực 10"),
    ("TÍNH ỦY LÀO CAI", "TỈNH ỦY LÀO CAI"), ("- Lưu Văn phòng Tình ủy.", "- Lưu Văn phòng Tỉnh ủy."),
])
def test_ocr_repairs(read, right):
    assert " ".join(ocr.repair_words(read.split())) == right


# --- .doc ----------------------------------------------------------------------------------------


def test_word_97_document_is_read_through_libreoffice():
    doc = read_document(LEGACY_DOC)
    texts = [b.text for b in doc.blocks if b.kind != "table"]
    assert doc.source_format == "doc"
    assert texts[:3] == ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: /KH-UBND"]
    assert "Tăng cường công tác đấu tranh phòng, chống ma túy" in texts
    assert "II. CHỈ TIÊU XÂY DỰNG XÃ, PHƯỜNG, ĐẶC KHU KHÔNG MA TÚY NĂM 2026" in texts


def test_doc_without_libreoffice_names_the_package(monkeypatch):
    monkeypatch.setattr(doc_reader.shutil, "which", lambda _name: None)
    with pytest.raises(UnsupportedFormat, match="libreoffice-writer-nogui"):
        read_document(LEGACY_DOC)


# --- legacy encodings ----------------------------------------------------------------------------

MOTTO = "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc"


@pytest.mark.parametrize("legacy, encoding", [
    ("Céng hßa x· héi chñ nghÜa ViÖt Nam. §éc lËp - Tù do - H¹nh phóc", "tcvn3"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam. Ñoäc laäp - Töï do - Haïnh phuùc", "vni"),
])
def test_legacy_text_is_recognised_and_converted(legacy, encoding):
    assert legacy_encoding(legacy) == encoding
    assert fix_legacy(legacy) == MOTTO


def test_tcvn3_capitals_font_and_the_letter_u_with_horn():
    # .VnTimeH draws TCVN3's lower-case codes as capitals; U+00AD, TCVN3's "ư", is a soft hyphen in Unicode
    assert fix_legacy("KÕ HO¹CH TRIÓN KHAI THùC HIÖN") == "KẾ HOẠCH TRIỂN KHAI THỰC HIỆN"
    assert fix_legacy("ng\u00adêi d©n tham gia b¶o hiÓm y tÕ") == "người dân tham gia bảo hiểm y tế"


@pytest.mark.parametrize("unicode_text", [
    MOTTO,
    "Tỷ lệ người dân tham gia bảo hiểm y tế trên 95%; các sở, ban, ngành cấp tỉnh",
    "Hội nghị với ông Müller và bà Françoise tại Đà Nẵng năm 2024",  # foreign names stay
    "Müller",  # too little text to judge
])
def test_unicode_text_is_left_alone(unicode_text):
    assert legacy_encoding(unicode_text) is None
    assert fix_legacy(unicode_text) == unicode_text


@pytest.mark.parametrize("sample", ["nghean-draft.pdf", "tamduong-2030.docx", "ninhbinh-2016-2020.docx"])
def test_round_trip_through_the_legacy_encodings(sample):
    """A whole plan typed in VNI comes back exactly; in TCVN3 up to capitals, which TCVN3 lacks."""
    text = read_document(SAMPLES / sample).text()
    assert legacy_encoding(text) is None
    assert fix_legacy(to_vni(text)) == text
    assert fix_legacy(to_tcvn3(text)).casefold() == text.casefold()


def test_tile_groups_join_touching_tiles_corners_included():
    busy = np.zeros((6, 8), bool)
    busy[0, 0] = busy[1, 1] = True  # touching by a corner: one group
    busy[3:5, 4:7] = True
    assert sorted(ocr._tile_groups(busy)) == [(0, 0, 2, 2), (3, 4, 5, 7)]


def test_a_signature_block_beside_a_seal_is_read_again_alone(monkeypatch):
    """Tesseract's layout analysis takes part of the block under the grey seal of a signed scan
    for a picture ("KT. THỦ TƯỚNG" is left unread); read alone, the line comes out, and nothing
    the page's reading had is read twice."""
    scan = SAMPLES / "real" / "19_avg_NQ47-CP_2024_CTHD_thong_tin_doi_ngoai_scan.pdf"
    signature_page = 10
    page = ocr.read_pdf_pages(scan, [signature_page])[0]
    monkeypatch.setattr(ocr, "_passed_over_blocks", lambda *args: [])
    without = ocr.read_pdf_pages(scan, [signature_page])[0]
    assert [w.text for w in page.words][:len(without.words)] == [w.text for w in without.words]
    added = page.words[len(without.words):]
    assert added and all(w.x0 > page.size[0] / 2 for w in added), added
    assert any("THỦ" in w.text for w in added) and any(w.text == "TƯỚNG" for w in added), added
