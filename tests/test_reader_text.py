"""Plain text and Markdown reader: the five text samples and small hand-written files."""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

import pytest

from extractors.errors import CorruptFile, NotVietnamese
from extractors.model import Document
from extractors.readers.text import TextReader
from extractors.registry import read_document, reader_for
from doc_helpers import block, tables, texts, write_input

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples" / "text"
LIBRARY_PAGE = SAMPLES / "000_de43d9b20077fde2.txt"  # law-library web page saved as text
INDICATORS = SAMPLES / "001_3f30aab102883e5d.txt"  # tab-separated indicator table
BOLD_MARKS = SAMPLES / "002_f759c3cd735fe016.txt"  # plain text with **bold** lines
PDFTOTEXT = SAMPLES / "003_a698d7df3c568d60.txt"  # hard-wrapped pdftotext output
MARKDOWN = SAMPLES / "004_50a79512cedddaef.txt"  # Markdown headings, italics, bullets


@pytest.fixture(scope="module")
def library_page() -> Document:
    return read_document(LIBRARY_PAGE)


@pytest.fixture(scope="module")
def wrapped() -> Document:
    return read_document(PDFTOTEXT)


@pytest.fixture(scope="module")
def markdown() -> Document:
    return read_document(MARKDOWN)


def read_text(tmp_path: Path, content: str | bytes, name: str = "plan.txt") -> Document:
    return TextReader().convert(write_input(tmp_path, content, name))




@pytest.mark.parametrize("sample, source_format", [
    (LIBRARY_PAGE, "txt"), (INDICATORS, "txt"), (BOLD_MARKS, "md"), (PDFTOTEXT, "txt"), (MARKDOWN, "md"),
])
def test_samples_are_read_by_the_text_reader(sample, source_format):
    assert reader_for(sample).name == "text"
    doc = read_document(sample)
    assert doc.source_format == source_format
    assert doc.page_count is None and all(b.page is None for b in doc.blocks)


def test_library_page_attributes_become_hints(library_page):
    assert library_page.hints == {
        "doc_number": "542/KH-UBND",
        "doc_type": "Kế hoạch",
        "issuer": "Tỉnh Nghệ An",
        "signer": "Bùi Đình Long",
        "issue_date": "09/07/2024",
    }


def test_library_page_chrome_never_reaches_the_blocks(library_page):
    body = library_page.text()
    for chrome in ("Từ khoá", "Đăng nhập", "Đang tải văn bản", "Số hiệu:", "Loại văn bản:", "Ngày công báo",
                   "Tình trạng", "Chưa Đăng Nhập", "Tiếng Anh", "DMCA", "IP: 18.119"):
        assert chrome not in body, chrome
    assert texts(library_page)[:3] == ["ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN", "--------"]
    assert texts(library_page)[-1].startswith("(Kèm theo Kế hoạch số 542/KH-UBND")


def test_task_table_flattened_to_one_cell_a_line_is_rebuilt(library_page):
    (table,) = tables(library_page)
    grid = table.grid()
    assert grid[0] == ["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
    tasks = grid[1:]
    assert len(tasks) == 18 and all(len(row) == 5 for row in grid)
    assert [row[0] for row in tasks] == [str(n) for n in range(1, 19)]
    assert tasks[0][2:] == ["Các sở, ngành; UBND cấp huyện", "Các cơ quan, đơn vị liên quan", "Quý 3/2024"]
    assert tasks[4][1] == "Xây dựng Đề án Phát triển nguồn nhân lực y tế đến năm 2030, định hướng đến năm 2035"
    # Task 17's lead cell held two lines; they go back into that cell, not the partners'.
    assert tasks[16][2:] == ["Sở Y tế\nSở Giáo dục", "Các cơ quan, đơn vị liên quan", "Nhiệm vụ thường xuyên"]
    assert tasks[17][2] == "Sở Y tế; Sở Thông tin - Truyền thông"


def test_tab_separated_lines_are_one_table():
    doc = read_document(INDICATORS)
    (table,) = tables(doc)
    grid = table.grid()
    assert len(grid) == 17 and {len(row) for row in grid} == {6}
    assert grid[0] == ["STT", "Chỉ tiêu", "Năm 2023", "Năm 2030", "Năm 2045", "Ghi chú"]
    assert grid[1] == ["", "Chỉ tiêu đầu vào", "", "", "", ""]  # a group row keeps its empty cells
    assert " | ".join(grid[2]) == "1 | Số bác sĩ/10.000 dân | 6,63 | >7 | >8 | "
    assert grid[14] == ["11", "Quy mô dân số (người)", "59.472", "65.531", "74.999", ""]
    at = doc.blocks.index(table)
    assert doc.blocks[at - 1].text == "3. Một số chỉ tiêu y tế cơ bản đến năm 2030 và tầm nhìn đến năm 2045"
    assert doc.blocks[at + 1].text == "4. Mục tiêu định hướng đến năm 2045"


def test_short_tab_rows_are_padded_and_one_tab_line_is_a_paragraph(tmp_path):
    doc = read_text(tmp_path, "Số:\t12/KH\n\nTT\tNội dung\tThời gian\n1\tViệc một\n2\tViệc hai\tQuý 2\n")
    assert doc.blocks[0].kind == "paragraph" and doc.blocks[0].text == "Số: 12/KH"
    assert doc.blocks[1].grid() == [["TT", "Nội dung", "Thời gian"], ["1", "Việc một", ""], ["2", "Việc hai", "Quý 2"]]


def test_hard_wrapped_lines_are_rejoined(wrapped):
    assert (
        "Thực hiện Quyết định số 281/QĐ-TTg ngày 05/4/2024 của Thủ tướng Chính phủ, Quyết định số 1093/QĐ-BYT "
        "ngày 02/5/2024 của Bộ Y tế và Kế hoạch số 229-KH/TU ngày 18/3/2024 của Tỉnh ủy Nghệ An triển khai thực "
        "hiện Chỉ thị số 25-CT/TW, ngày 25/10/2023 của Ban Bí thư về tiếp tục củng cố, hoàn thiện, nâng cao chất "
        "lượng hoạt động của y tế cơ sở trong tình hình mới trên địa bàn tỉnh (sau đây gọi tắt là Chỉ thị số "
        "25-CT/TW, Quyết định số 281/QĐ-TTg, Quyết định số 1093/QĐ-BYT và Kế hoạch số 229-KH/TU), UBND tỉnh ban "
        "hành Kế hoạch thực hiện như sau:"
    ) in texts(wrapped)


def test_wrap_across_a_blank_line_is_rejoined(wrapped):
    t = texts(wrapped)
    title = t[t.index("KẾ HOẠCH") + 1]
    assert title.startswith("Triển khai thực hiện Quyết định số 281/QĐ-TTg ngày 05/4/2024 của Thủ tướng Chính phủ, "
                            "Quyết định số 1093/QĐ-BYT")
    assert title.endswith("nâng cao chất lượng hoạt động của y tế cơ sở trong tình hình mới")
    assert ("1. Nâng cao nhận thức, trách nhiệm về củng cố, hoàn thiện, nâng cao chất lượng hoạt động của y tế cơ sở"
            in t)
    item = block(wrapped, "- Người dân sử dụng dịch vụ")
    assert item.kind == "list_item"
    assert item.text == ("- Người dân sử dụng dịch vụ chăm sóc ban đầu tại y tế cơ sở được bảo hiểm y tế "
                         "chi trả trên 95%.")
    # "... được giao tại" / (blank) / "Quyết định số ...": the clause is still open.
    assert block(wrapped, "a) Quán triệt").text.endswith("Kế hoạch số 229-KH/TU và Kế hoạch này.")


def test_no_join_after_a_sentence_end_or_into_a_new_item(wrapped):
    t = texts(wrapped)
    assert block(wrapped, "c) Thường xuyên tuyên truyền").text.endswith("vai trò, nhiệm vụ của y tế cơ sở.")
    assert "Mở rộng và đa dạng hóa các hoạt động truyền thông, giáo dục sức khỏe. Đẩy mạnh phong trào rèn luyện, " \
           "nâng cao sức khỏe toàn dân." in t
    heading = t.index("6. Nhiệm vụ cụ thể của các cơ quan, đơn vị")
    assert t[heading + 1] == "Nhiệm vụ cụ thể và tiến độ thời gian thực hiện tại Phụ lục kèm theo."
    assert t[t.index("I. MỤC ĐÍCH YÊU CẦU") + 1:][:2] == ["1. Mục đích", block(wrapped, "a) Quán triệt").text]


def test_caps_lines_are_headings_outline_lines_stay_paragraphs(wrapped):
    headings = [b.text for b in wrapped.blocks if b.kind == "heading"]
    assert headings == ["KẾ HOẠCH", "TM. ỦY BAN NHÂN DÂN", "KT CHỦ TỊCH", "PHÓ CHỦ TỊCH", "PHỤ LỤC"]
    for outline in ("I. MỤC ĐÍCH YÊU CẦU", "1. Mục đích", "a) Quán triệt", "V. TỔ CHỨC THỰC HIỆN"):
        assert block(wrapped, outline).kind == "paragraph", outline


def test_list_markers_stay_on_the_block_text():
    doc = read_document(INDICATORS)
    dash = block(doc, "- Tiếp tục triển khai thực hiện đầy đủ các nhiệm vụ")
    plus = block(doc, "+ Tập trung lãnh đạo, chỉ đạo công tác dân số.")
    assert dash.kind == plus.kind == "list_item"
    assert block(read_document(PDFTOTEXT), "-Thực hiện thống nhất mô hình").kind == "list_item"


def test_markdown_headings_keep_their_level(markdown):
    headings = [(b.text, b.level, b.bold) for b in markdown.blocks if b.kind == "heading" and b.level]
    assert headings[:5] == [
        ("KẾ HOẠCH", 2, True),
        ("I. MỤC TIÊU", 3, True),
        ("1. Mục tiêu chung", 4, True),
        ("2. Các chỉ tiêu chủ yếu của giai đoạn", 4, True),
        ("II. NHIỆM VỤ TRỌNG TÂM", 2, False),
    ]
    assert not any(mark in b.text for b in markdown.blocks for mark in ("#", "**", "*"))


def test_markdown_bold_lines_are_headings_italic_lines_paragraphs(markdown):
    subtitle = block(markdown, "Thực hiện Nghị quyết số 03-NQ/TU")
    assert (subtitle.kind, subtitle.bold, subtitle.level) == ("heading", True, None)
    italic = block(markdown, "1. Tăng cường công tác quản lý nhà nước, công tác lãnh đạo")
    assert (italic.kind, italic.italic, italic.bold) == ("paragraph", True, False)
    # A bold signature block with hard line breaks stays bold line by line.
    signature = [(b.kind, b.text, b.bold) for b in markdown.blocks[-4:]]
    assert signature == [("heading", "TM. ỦY BAN NHÂN DÂN", True), ("heading", "KT. CHỦ TỊCH", True),
                         ("heading", "PHÓ CHỦ TỊCH", True), ("heading", "Tổng Quang Thìn", True)]


def test_markdown_bullets_and_wrapped_items(markdown):
    assert block(markdown, "- Tỷ lệ tiêm chủng").text == "- Tỷ lệ tiêm chủng đầy đủ cho trẻ em dưới 1 tuổi đạt > 95%;"
    item = block(markdown, "- Tăng cường phổ biến, tuyên truyền Luật Khám chữa bệnh")
    assert item.kind == "list_item"
    assert item.text.endswith("từng bước nâng cao nhận thức của nhân dân về bảo vệ, chăm sóc sức khỏe, "
                              "tham gia Bảo hiểm y tế;")


def test_bold_marks_make_text_markdown(tmp_path):
    doc = read_document(BOLD_MARKS)
    t = texts(doc)
    assert t[t.index("KẾ HOẠCH") + 1] == ("khắc phục những hạn chế, khuyết điểm theo Thông báo số 470-TB/TU, "
                                        "ngày 04/7/2022 của Ban Thường vụ Tỉnh ủy")
    signer = block(doc, "T/M BAN THƯỜNG VỤ")
    assert (signer.kind, signer.text, signer.bold) == ("heading", "T/M BAN THƯỜNG VỤ PHÓ BÍ THƯ", True)
    assert read_text(tmp_path, "# Kế hoạch\n", name="plan.md").source_format == "md"
    assert read_text(tmp_path, "Kế hoạch\n", name="plan.md").source_format == "md"
    assert read_text(tmp_path, "Kế hoạch *số* 5\n", name="plan.txt").source_format == "txt"


def test_markdown_pipe_table_escapes_and_star_bullets(tmp_path):
    doc = read_text(tmp_path, (
        "Đoạn có *nghiêng*, __đậm__ và dấu \\*sao\\* thật.\n\n"
        "* Mục sao\n+ Mục cộng\n\n"
        "| TT | Chỉ tiêu | Giá trị |\n|---:|:---|---|\n| 1 | **Tỷ lệ** a \\| b | >95% |\n| 2 | Số bác sĩ |\n"
    ), name="plan.md")
    assert [(b.kind, b.text) for b in doc.blocks[:3]] == [
        ("paragraph", "Đoạn có nghiêng, đậm và dấu *sao* thật."),
        ("list_item", "- Mục sao"),  # Markdown's "*" bullet is written as the document's "-"
        ("list_item", "+ Mục cộng"),
    ]
    assert doc.blocks[3].grid() == [["TT", "Chỉ tiêu", "Giá trị"], ["1", "Tỷ lệ a | b", ">95%"], ["2", "Số bác sĩ", ""]]


def test_markdown_line_breaks(tmp_path):
    doc = read_text(tmp_path, "Dòng một\ntiếp theo **đậm**\nVà nối mềm.\n\nDòng hai  \nSau ngắt cứng\n", name="plan.md")
    assert texts(doc) == ["Dòng một tiếp theo đậm Và nối mềm.", "Dòng hai", "Sau ngắt cứng"]


def test_form_feed_starts_a_page(tmp_path):
    doc = read_text(tmp_path, "KẾ HOẠCH\n\nTrang một\n\fTrang hai\ntiếp tục\n\f")
    assert [(b.page, b.text) for b in doc.blocks] == [(1, "KẾ HOẠCH"), (1, "Trang một"), (2, "Trang hai tiếp tục")]
    assert doc.page_count == 2


def encode_1258(text: str) -> bytes:
    """windows-1258 bytes as Vietnamese encoders write them: base letter precomposed, tone mark combining."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in marks if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in marks if c not in tones))
            out += (base + tones).encode("cp1258")
    return out


ENCODINGS = {
    "utf-8-bom": lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    "utf-16-le-bom": lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
    "utf-16-be-bom": lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
    "utf-16-le": lambda s: s.encode("utf-16-le"),
    "utf-16-be": lambda s: s.encode("utf-16-be"),
    "cp1258": encode_1258,
    "utf-8-nfd": lambda s: unicodedata.normalize("NFD", s).encode("utf-8"),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("sample", [INDICATORS, PDFTOTEXT])
def test_every_encoding_reads_to_the_same_nfc_blocks(tmp_path, sample, encoding):
    content = sample.read_text(encoding="utf-8")
    expected = read_document(sample).blocks
    path = tmp_path / "plan.txt"
    path.write_bytes(ENCODINGS[encoding](content))
    assert reader_for(path).name == "text"
    blocks = read_document(path).blocks
    assert blocks == expected
    assert all(unicodedata.is_normalized("NFC", b.text) for b in blocks)


def test_binary_data_is_not_text(tmp_path):
    binary = bytes(range(256)) * 40
    path = tmp_path / "plan.txt"
    path.write_bytes(binary)
    assert not TextReader().accepts(binary[:8192], path)
    with pytest.raises(CorruptFile, match="not text"):
        TextReader().convert(path)
    nuls = b"K\x00\x00\x00" * 500
    assert not TextReader().accepts(nuls, path)


def test_accepts_text_by_content_whatever_the_extension(tmp_path):
    head = "Kế hoạch số 12".encode("utf-8")
    assert TextReader().accepts(head[:4], tmp_path / "plan.dat")  # cut inside "ế"
    assert TextReader().accepts(encode_1258("Kế hoạch"), tmp_path / "plan")
    assert not TextReader().accepts(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)), tmp_path / "plan.txt")


def test_text_typed_in_legacy_font_encodings_reads_as_unicode(tmp_path):
    from legacy_text import to_tcvn3, to_vni

    plan = "Tỷ lệ người dân tham gia bảo hiểm y tế trên 95%.\nSở Y tế chủ trì, phối hợp với các cơ quan, đơn vị liên quan."
    cases = {
        "tcvn3-bytes.txt": to_tcvn3(plan).encode("latin-1"),  # saved by an old editor, one byte a glyph
        "tcvn3-utf8.txt": to_tcvn3(plan).encode("utf-8"),     # the same glyphs re-saved as UTF-8
        "vni-utf8.txt": to_vni(plan).encode("utf-8"),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        text = "\n".join(b.text for b in read_document(tmp_path / name).blocks)
        assert text.casefold() == plan.casefold(), name


FOREIGN = {  # encoding -> (a text in it, the language the error must name)
    "shift_jis": ("会議の議事録です。予算は承認されました。計画の実施について。", "Japanese (Shift-JIS)"),
    "euc_jp": ("会議の議事録です。予算は承認されました。計画の実施について。", "Japanese (EUC-JP)"),
    "gbk": ("会议纪要。预算已获批准。关于实施计划的通知。", "Chinese (GBK/GB2312)"),
    "big5": ("會議紀要。預算已獲批准。關於實施計劃的通知。", "Chinese (Big5)"),
    "euc_kr": ("회의록입니다. 예산이 승인되었습니다. 계획 시행에 관한 통지.", "Korean (EUC-KR)"),
    "cp1251": ("Протокол заседания. Бюджет утвержден. О выполнении плана.", "Cyrillic (Windows-1251)"),
}


@pytest.mark.parametrize("encoding", FOREIGN)
def test_a_text_in_a_foreign_legacy_encoding_is_refused_saying_what_it_reads_as(tmp_path, encoding):
    # Shift-JIS was refused as a bare "unsupported format"; the others were read through
    # Windows-1258 (or TCVN3) as pages of Vietnamese-looking letters and ingested.
    text, language = FOREIGN[encoding]
    path = tmp_path / "minutes.txt"
    path.write_bytes(((text + "\n") * 40).encode(encoding))
    with pytest.raises(NotVietnamese, match=r"text is not Vietnamese: it reads as .*" + re.escape(language)) as e:
        read_document(path)
    assert str(e.value).split(";")[0].count("(") == 1  # one reading, not a list of guesses
    assert "UTF-8, UTF-16, Windows-1258, TCVN3 or VNI" in str(e.value)


@pytest.mark.parametrize("sample", [LIBRARY_PAGE, INDICATORS, BOLD_MARKS, PDFTOTEXT, MARKDOWN])
def test_vietnamese_in_windows_1258_is_not_taken_for_a_foreign_encoding(tmp_path, sample):
    path = tmp_path / "plan.txt"
    path.write_bytes(encode_1258(sample.read_text(encoding="utf-8")))
    assert read_document(path).blocks
