"""Document metadata and citations on the sample plans, in every format they come in."""
import datetime as dt
from pathlib import Path

import pytest

from extractors.model import Block, Document
from extractors.records.citations import extract_citations
from extractors.records.metadata import extract_metadata, org_case
from extractors.registry import read_document

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"

NGHEAN_TITLE = ("triển khai thực hiện quyết định số 281/qđ-ttg ngày 05/4/2024 của thủ tướng chính phủ, "
                "quyết định số 1093/qđ-byt ngày 02/5/2024 của bộ y tế")
EXPECTED = {
    "nghean-542-kh-ubnd.html": dict(doc_number="542/KH-UBND", issuer="Ủy ban nhân dân tỉnh Nghệ An",
                                    issue_date=dt.date(2024, 7, 9), place="Nghệ An", issuer_level="province",
                                    province="Nghệ An", signer="Bùi Đình Long", signer_title="Phó Chủ tịch"),
    "text/000_de43d9b20077fde2.txt": dict(doc_number="542/KH-UBND", issuer="Ủy ban nhân dân tỉnh Nghệ An",
                                          issue_date=dt.date(2024, 7, 9), signer="Bùi Đình Long"),
    # A draft: the number and the day are left blank, so they are NULL, never guessed.
    "nghean-draft.pdf": dict(doc_number=None, issuer="Ủy ban nhân dân tỉnh Nghệ An", issue_date=None,
                             place="Nghệ An", signer="Bùi Đình Long", signer_title="Phó Chủ tịch"),
    "text/003_a698d7df3c568d60.txt": dict(doc_number=None, issue_date=None, issuer="Ủy ban nhân dân tỉnh Nghệ An"),
    # The district plan's issuer comes from the header table; its province from the text.
    "tamduong-2030.docx": dict(doc_number=None, issuer="Ủy ban nhân dân huyện Tam Đường", issuer_level="district",
                               district="Tam Đường", province="Lai Châu", signer="Vũ Xuân Thịnh"),
    # No header at all: the issuer is completed from the signature block, the text and the dateline.
    "text/001_3f30aab102883e5d.txt": dict(issuer="Ủy ban nhân dân huyện Tam Đường", signer="Vũ Xuân Thịnh"),
    "text/002_f759c3cd735fe016.txt": dict(issuer="Ban Thường vụ Huyện ủy Ninh Sơn", issue_date=dt.date(2023, 6, 20),
                                          signer="Lê Văn Chín", signer_title="Phó Bí thư", place="Ninh Sơn"),
    "ninhbinh-2016-2020.docx": dict(issuer="Ủy ban nhân dân tỉnh Ninh Bình", signer="Tổng Quang Thìn",
                                    signer_title="Phó Chủ tịch", province="Ninh Bình"),
    "text/004_50a79512cedddaef.txt": dict(issuer="Ủy ban nhân dân tỉnh Ninh Bình", signer="Tổng Quang Thìn"),
    "real/15_sct_KH_UBND_Chi_thi_11_khoang_san.docx": dict(issuer="Ủy ban nhân dân tỉnh Lào Cai", doc_number=None,
                                                           signer="Nguyễn Thành Sinh"),
}


@pytest.fixture(scope="module")
def docs():
    return {name: read_document(SAMPLES / name) for name in EXPECTED}


@pytest.mark.parametrize("name", EXPECTED)
def test_metadata_of_samples(docs, name):
    md = extract_metadata(docs[name])
    assert md.doc_type == "Kế hoạch"
    for field, value in EXPECTED[name].items():
        assert getattr(md, field) == value, field


@pytest.mark.parametrize("name", ["nghean-542-kh-ubnd.html", "nghean-draft.pdf", "text/003_a698d7df3c568d60.txt"])
def test_title_is_the_summary_under_the_type(docs, name):
    assert extract_metadata(docs[name]).title.lower().startswith(NGHEAN_TITLE)


def test_org_case():
    assert org_case("ỦY BAN NHÂN DÂN TỈNH NGHỆ AN") == "Ủy ban nhân dân tỉnh Nghệ An"
    assert org_case("BAN THƯỜNG VỤ HUYỆN ỦY NINH SƠN") == "Ban Thường vụ Huyện ủy Ninh Sơn"
    assert org_case("UBND HUYỆN TAM ĐƯỜNG") == "Ủy ban nhân dân huyện Tam Đường"


def _doc(*lines):
    return Document("txt", [Block("paragraph", line) for line in lines])


def test_header_in_any_column_order_and_party_signature():
    doc = _doc("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "HUYỆN ỦY KRÔNG PẮC", "*",
               "Số 45-KH/HU", "Krông Pắc, ngày 3 tháng 2 năm 2022", "KẾ HOẠCH", "tổ chức thực hiện Nghị quyết",
               "Căn cứ Nghị quyết số 12-NQ/TU", "I. MỤC ĐÍCH", "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Nguyễn Văn An")
    md = extract_metadata(doc)
    assert (md.doc_number, md.doc_type_code, md.issue_date) == ("45-KH/HU", "KH", dt.date(2022, 2, 3))
    assert md.issuer == "Ban Thường vụ Huyện ủy Krông Pắc"
    assert (md.signer, md.signer_title, md.title) == ("Nguyễn Văn An", "Bí thư", "tổ chức thực hiện Nghị quyết")


def test_quyet_dinh_with_joined_signature_line():
    doc = _doc("BỘ Y TẾ", "Số: 1093/QĐ-BYT", "Hà Nội, ngày 02 tháng 5 năm 2024", "QUYẾT ĐỊNH",
               "Ban hành Kế hoạch", "Điều 1. Ban hành", "KT. BỘ TRƯỞNG THỨ TRƯỞNG", "(Đã ký)", "Trần Văn Thuấn")
    md = extract_metadata(doc)
    assert (md.doc_type, md.doc_number, md.issuer, md.issuer_level) == ("Quyết định", "1093/QĐ-BYT", "Bộ Y tế", "central")
    assert (md.signer, md.signer_title) == ("Trần Văn Thuấn", "Thứ trưởng")


def test_nothing_is_guessed_from_an_empty_document():
    md = extract_metadata(_doc("Một đoạn văn bản không có tiêu đề."))
    assert (md.doc_number, md.doc_type, md.issuer, md.signer, md.title) == (None, None, None, None, None)


GOLD_CITATIONS = {
    "nghean-542-kh-ubnd.html": {"281/QĐ-TTg", "1093/QĐ-BYT", "229-KH/TU", "25-CT/TW", "3602/QĐ-UBND"},
    "tamduong-2030.docx": {"999/KH-UBND", "89/QĐ-TTg", "659/QĐ-TTg", "25-CT/TW", "137-KH/TU", "21-NQ/TW",
                           "60/2021/NĐ-CP", "1660/QĐ-TTg"},
    "text/004_50a79512cedddaef.txt": {"03-NQ/TU", "46/NQ-TW", "43/KL-TW", "47/NQ-TW", "21-NQ/TW",
                                      "51/2015/TTLT-BYT-BNV", "16/2015/NĐ-CP", "37/2015/TTLT-BYT-BTC",
                                      "22/2013/TT-BYT", "07/2014/TT-BYT", "2151/QĐ-BYT", "44/KL-TW", "42-KL/TW",
                                      "13/CT-TTg", "06-CT/TW"},
}


@pytest.mark.parametrize("name", GOLD_CITATIONS)
def test_citations_of_samples(docs, name):
    own = extract_metadata(docs[name]).doc_number
    assert {c.cited_number for c in extract_citations(docs[name], "d", own)} == GOLD_CITATIONS[name]


def test_citation_details():
    doc = _doc("Thực hiện Quyết định số 281/QĐ-TTg ngày 05/4/2024 của Thủ tướng Chính phủ, Kế hoạch số 229- KH/TU "
               "ngày 18/3/2024 của Tỉnh ủy Nghệ An và Thông tư 51/2015/TTLT-BYT-BNV; đến Quý 3/2024, năm 2016-2020, "
               "số 542/KH-UBND (văn bản này).")
    cites = {c.cited_number: c for c in extract_citations(doc, "d", "542/KH-UBND")}
    assert set(cites) == {"281/QĐ-TTg", "229-KH/TU", "51/2015/TTLT-BYT-BNV"}
    assert (cites["281/QĐ-TTg"].cited_type, cites["281/QĐ-TTg"].cited_date) == ("Quyết định", dt.date(2024, 4, 5))
    assert cites["281/QĐ-TTg"].cited_issuer == "Thủ tướng Chính phủ"
    assert cites["229-KH/TU"].cited_issuer == "Tỉnh ủy Nghệ An"
    assert cites["51/2015/TTLT-BYT-BNV"].cited_type == "Thông tư liên tịch"


def test_type_inline_with_title_and_signer_on_a_recipient_line():
    # As OCR reads a party plan: the type opens the title's line, the last recipient and the
    # signer's name share a line.
    doc = _doc("HUYỆN ỦY BẮC BÌNH", "*", "Số: -KH/HU", "ĐẢNG CỘNG SẢN VIỆT NAM", "Bắc Bình, ngày 5 tháng 3 năm 2021",
               "KẾ HOẠCH triển khai Nghị quyết số 09-NQ/TU", "Thực hiện Nghị quyết", "I- MỤC ĐÍCH",
               "Nơi nhận:", "- Thường trực Tỉnh ủy,", "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "- Lưu VPHU. Trần Thị Hoa")
    md = extract_metadata(doc)
    assert (md.doc_type, md.title, md.doc_number) == ("Kế hoạch", "triển khai Nghị quyết số 09-NQ/TU", None)
    assert (md.issuer, md.signer, md.signer_title) == ("Ban Thường vụ Huyện ủy Bắc Bình", "Trần Thị Hoa", "Bí thư")
    assert md.issue_date == dt.date(2021, 3, 5)


def test_header_qualifiers_are_not_the_issuer_and_known_agencies_keep_their_casing():
    doc = _doc("SỞ CÔNG THƯƠNG", "ĐOÀN KIỂM TRA", "THEO QUYẾT ĐỊNH", "SỐ 1050/QĐ-SCT", "Số: 1105/KH-ĐKT",
               "Lào Cai, ngày 10 tháng 3 năm 2026", "KẾ HOẠCH", "Kiểm tra việc sử dụng vật liệu nổ công nghiệp")
    md = extract_metadata(doc)
    assert (md.issuer, md.doc_number, md.issue_date) == ("Đoàn kiểm tra", "1105/KH-ĐKT", dt.date(2026, 3, 10))
    assert extract_metadata(_doc("UBND TỈNH LÀO CAI", "SỞ NỘI VỤ", "Số: 12/BC-SNV", "BÁO CÁO", "Tình hình")).issuer == "Sở Nội vụ"
