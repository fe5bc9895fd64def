"""HTML reader: the law-library page of plan 542/KH-UBND (Nghệ An) and small hand-written pages."""
from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

from extractors.errors import CorruptFile
from extractors.model import Document
from extractors.readers.html import HtmlReader
from extractors.registry import read_document, reader_for
from conftest import run_measured
from doc_helpers import write_input
from html_pages import write_page

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "nghean-542-kh-ubnd.html"


@pytest.fixture(scope="module")
def page() -> Document:
    return read_document(SAMPLE)


def read_html(tmp_path: Path, markup: str | bytes, name: str = "page.html") -> Document:
    return HtmlReader().convert(write_input(tmp_path, markup, name))


def texts(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if b.kind != "table"]


def test_sample_is_read_by_the_html_reader(page):
    assert reader_for(SAMPLE).name == "html"
    assert page.source_format == "html"


def test_attribute_table_becomes_hints_not_body(page):
    assert page.hints == {
        "doc_number": "542/KH-UBND",
        "doc_type": "Kế hoạch",
        "issuer": "Tỉnh Nghệ An",
        "signer": "Bùi Đình Long",
        "issue_date": "09/07/2024",
    }
    body = page.text()
    for label in ("Số hiệu:", "Loại văn bản:", "Nơi ban hành:", "Ngày công báo", "Tình trạng", "Đang cập nhật"):
        assert label not in body


def test_site_chrome_never_reaches_the_blocks(page):
    body = page.text()
    for chrome in ("dataLayer", "gtag", "margin:6pt", "Từ khoá", "Đăng nhập", "Chưa Đăng Nhập",
                   "Đang tải văn bản", "DMCA", "Hãy để chúng tôi hỗ trợ bạn", "Kế hoạch 542/KH-UBND năm 2024 y tế"):
        assert chrome not in body, chrome


def test_header_layout_table_reads_left_column_then_right(page):
    assert texts(page)[:8] == [
        "ỦY BAN NHÂN DÂN", "TỈNH NGHỆ AN", "--------", "Số: 542/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "---------------",
        "Nghệ An, ngày 09 tháng 07 năm 2024",
    ]
    assert all(b.kind == "paragraph" for b in page.blocks[:8])


def test_headings_follow_the_bold_paragraph_rule(page):
    headings = [b.text for b in page.blocks if b.kind == "heading"]
    assert headings == [
        "KẾ HOẠCH", "I. MỤC ĐÍCH YÊU CẦU", "II. MỤC TIÊU", "III. NHIỆM VỤ, GIẢI PHÁP",
        "IV. KINH PHÍ THỰC HIỆN", "V. TỔ CHỨC THỰC HIỆN", "PHỤ LỤC",
        "CHI TIẾT TRIỂN KHAI THỰC HIỆN KẾ HOẠCH SỐ 229-KH/TU NGÀY 18/3/2024 CỦA TỈNH ỦY NGHỆ AN",
    ]
    # The 357-character bold title is too long to be a heading.
    title = next(b for b in page.blocks if b.text.startswith("TRIỂN KHAI THỰC HIỆN QUYẾT ĐỊNH"))
    assert title.kind == "paragraph" and title.bold and title.centered


def test_dash_paragraphs_are_list_items(page):
    item = next(b for b in page.blocks if b.text.startswith("- Tỷ lệ người dân tham gia bảo hiểm y tế"))
    assert item.kind == "list_item"
    assert next(b for b in page.blocks if b.text == "1. Mục đích").kind == "paragraph"


def test_signature_table_keeps_recipients_apart_then_signer(page):
    t = texts(page)
    start = t.index("Nơi nhận:")
    assert t[start + 1:start + 3] == ["- Bộ Y tế;", "- TTr Tỉnh ủy; TTr HĐND tỉnh;"]
    assert t[start + 11] == "- Lưu: VT, KGVX (TP, P)."
    assert t[start + 12:start + 16] == ["TM. ỦY BAN NHÂN DÂN", "KT CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Bùi Đình Long"]
    assert {b.kind for b in page.blocks if b.text.startswith("- ") and b.text.endswith(";")} == {"list_item"}


def test_appendix_break_separates_title_from_italic_note(page):
    t = texts(page)
    note = t.index("(Kèm theo Kế hoạch số 542/KH-UBND ngày 09 tháng 7 năm 2024 của Ủy ban nhân dân tỉnh Nghệ An)")
    assert t[note - 1].startswith("CHI TIẾT TRIỂN KHAI")


def test_responsibility_table(page):
    tables = [b for b in page.blocks if b.kind == "table"]
    assert len(tables) == 1
    grid = tables[0].grid()
    assert grid[0] == ["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
    tasks = grid[1:]
    assert len(tasks) == 18 and all(len(row) == 5 for row in grid)
    assert [row[0] for row in tasks] == [str(n) for n in range(1, 19)]
    assert tasks[0][4] == "Quý 3/2024"
    assert tasks[16][2] == "Sở Y tế\nSở Giáo dục"  # two <p> in one cell stay two lines
    assert tasks[17][2] == "Sở Y tế; Sở Thông tin - Truyền thông"


def test_scripts_styles_comments_and_hidden_content_are_dropped(tmp_path):
    doc = read_html(tmp_path, """<!DOCTYPE html><html><head><title>TITLE-X</title>
        <style>p { color: red } STYLE-X</style><script>var SCRIPT_X = 1;</script></head>
        <body><noscript>NOSCRIPT-X</noscript><!-- COMMENT-X -->
        <p>Giữ lại đoạn này<!-- INLINE-COMMENT-X --> nhé</p>
        <p style="display: none">HIDDEN-STYLE-X</p><div style="visibility:hidden"><p>HIDDEN-VIS-X</p></div>
        <p hidden>HIDDEN-ATTR-X</p><span style="DISPLAY:NONE">HIDDEN-SPAN-X</span>
        <template><p>TEMPLATE-X</p></template><nav>NAV-X</nav><footer>FOOTER-X</footer>
        <script type="text/template"><p>SCRIPT-P-X</p></script><p>Hết</p></body></html>""")
    assert texts(doc) == ["Giữ lại đoạn này nhé", "Hết"]


def test_external_entities_are_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    doc = read_html(tmp_path, f"""<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>
        <html><body><p>a &xxe; b</p><img src="file://{secret}"><iframe src="file://{secret}"></iframe></body></html>""")
    assert "SECRET-CONTENT" not in doc.text()


@pytest.mark.parametrize("element", ["<embed src='movie.swf'>", "<embed src='a.swf'></embed>", "<source src='v.mp4'>",
                                     "<track src='t.vtt'>", "<picture src='p.webp'>", "<object data='x.pdf'>",
                                     "<video src='v.mp4'>", "<audio src='a.mp3'>", "<iframe src='x.html'>",
                                     "<wbr>", "<img src='a.png'>", "<param name='a' value='b'>"])
def test_embedded_content_is_dropped_as_an_element_never_with_the_text_after_it(tmp_path, element):
    # The parser reads <embed> and its kin as containers: the rest of the page used to go with them.
    doc = read_html(tmp_path, f"""<html><body><p>Mục tiêu chung của kế hoạch</p>{element}
        <p>Nhiệm vụ thứ nhất sau phần nhúng</p><table border="1"><tr><td>STT</td><td>Nội dung</td></tr>
        <tr><td>1</td><td>Khảo sát</td></tr></table><p>Đoạn cuối</p></body></html>""")
    assert texts(doc) == ["Mục tiêu chung của kế hoạch", "Nhiệm vụ thứ nhất sau phần nhúng", "Đoạn cuối"]
    assert len([b for b in doc.blocks if b.kind == "table"]) == 1


def test_nesting_too_deep_to_read_says_so(tmp_path):
    depth = 100_000
    with pytest.raises(CorruptFile, match="nested too deep"):
        read_html(tmp_path, "<html><body><p>Kế hoạch</p>" + "<div>" * depth + "<p>Sâu</p>" + "</div>" * depth
                  + "</body></html>")


def test_deep_nesting_inside_a_list_says_so_too(tmp_path):
    # Within the parser's depth, but a list is read recursively.
    with pytest.raises(CorruptFile, match="nested too deep"):
        read_html(tmp_path, "<html><body><p>Kế hoạch</p>" + "<ul><li>" * 800 + "Sâu" + "</li></ul>" * 800
                  + "</body></html>")


def test_memory_grows_with_the_text_not_with_the_markup(tmp_path):
    # The same text, once as it is and once styled as Word exports it (five times the bytes): reading
    # the styled page may not take more memory for its markup. The whole-page tree took some 18 MiB
    # for each MiB of markup, so that a 15 MB page hit the worker's 1 GiB cap.
    read = [sys.executable, "-c", "import sys; from extractors.readers.html import HtmlReader; "
            "print(len(HtmlReader().convert(sys.argv[1]).blocks))"]
    pages, peaks = {}, {}
    for styled in (False, True):
        pages[styled] = tmp_path / f"page-{styled}.html"
        write_page(pages[styled], copies=100, styled=styled)
        run, peaks[styled] = run_measured(read + [str(pages[styled])], timeout=600)
        assert run.returncode == 0 and int(run.stdout) >= 100, run.stderr
    extra_markup_mib = (pages[True].stat().st_size - pages[False].stat().st_size) / 2**20
    assert extra_markup_mib > 10
    assert peaks[True] - peaks[False] < 0.5 * extra_markup_mib, (peaks, extra_markup_mib)


def test_br_joins_wrapped_lines_but_splits_items_and_blank_lines(tmp_path):
    doc = read_html(tmp_path, """<html><body>
        <p>Dòng một<br>tiếp tục</p>
        <p>Các nội dung:<br>- thứ nhất;<br>- thứ hai.</p>
        <p>Đoạn A<br><br>Đoạn B</p></body></html>""")
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("paragraph", "Dòng một tiếp tục"),
        ("paragraph", "Các nội dung:"), ("list_item", "- thứ nhất;"), ("list_item", "- thứ hai."),
        ("paragraph", "Đoạn A"), ("paragraph", "Đoạn B"),
    ]


def test_heading_tags_bold_paragraphs_and_lists(tmp_path):
    doc = read_html(tmp_path, """<html><body><h2>Mục tiêu</h2>
        <p><strong>Giải pháp</strong> </p><p style="font-weight:700">Đậm bằng CSS</p>
        <p><b>Nửa đậm</b> nửa thường</p><p><b>""" + "dài " * 80 + """</b></p>
        <ul><li>Một</li><li>Hai</li></ul><ol type="a"><li>Ba</li><li>Bốn</li></ol></body></html>""")
    assert [(b.kind, b.level, b.text[:12]) for b in doc.blocks] == [
        ("heading", 2, "Mục tiêu"), ("heading", None, "Giải pháp"), ("heading", None, "Đậm bằng CSS"),
        ("paragraph", None, "Nửa đậm nửa "), ("paragraph", None, "dài dài dài "),
        ("list_item", None, "- Một"), ("list_item", None, "- Hai"),
        ("list_item", None, "a. Ba"), ("list_item", None, "b. Bốn"),
    ]


def test_colspan_and_rowspan_become_cell_spans(tmp_path):
    doc = read_html(tmp_path, """<html><body><table border="1">
        <tr><th>TT</th><th>Nội dung</th><th>Chủ trì</th><th>Thời gian</th></tr>
        <tr><td colspan="4">I. Nhóm nhiệm vụ</td></tr>
        <tr><td>1</td><td>Việc một</td><td rowspan="2">Sở Y tế</td><td>2025</td></tr>
        <tr><td>2</td><td>Việc hai</td><td>2026</td></tr></table></body></html>""")
    (table,) = doc.blocks
    assert [[(c.text, c.row_span, c.col_span) for c in row] for row in table.rows] == [
        [("TT", 1, 1), ("Nội dung", 1, 1), ("Chủ trì", 1, 1), ("Thời gian", 1, 1)],
        [("I. Nhóm nhiệm vụ", 1, 4)],
        [("1", 1, 1), ("Việc một", 1, 1), ("Sở Y tế", 2, 1), ("2025", 1, 1)],
        [("2", 1, 1), ("Việc hai", 1, 1), ("2026", 1, 1)],
    ]
    assert table.grid()[3] == ["2", "Việc hai", "Sở Y tế", "2026"]


def test_small_bordered_data_table_stays_a_table(tmp_path):
    doc = read_html(tmp_path, """<html><body><p>Chỉ tiêu</p><table border="1">
        <tr><td>Năm</td><td>Tỷ lệ</td></tr><tr><td>2025</td><td>95%</td></tr></table></body></html>""")
    assert [b.kind for b in doc.blocks] == ["paragraph", "table"]


def encode_1258(text: str) -> bytes:
    """windows-1258 bytes as Vietnamese encoders write them: base letter precomposed, tone mark combining."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("windows-1258")
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in marks if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in marks if c not in tones))
            out += (base + tones).encode("windows-1258")
    return out


@pytest.mark.parametrize("encoding, declared", [
    ("windows-1258", "windows-1258"), ("utf-8", None), ("windows-1258", None),
    ("windows-1258", "utf-8"),  # a wrong declaration: the bytes decide
])
def test_encodings(tmp_path, encoding, declared):
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">' if declared else ""
    text = "Kế hoạch phát triển y tế cơ sở, Ủy ban nhân dân"
    markup = f"<html><head>{meta}</head><body><p>{text}</p></body></html>"
    doc = read_html(tmp_path, encode_1258(markup) if encoding == "windows-1258" else markup.encode(encoding))
    assert texts(doc) == [text]


def test_byte_order_marks(tmp_path):
    markup = "<html><body><p>Sở Y tế</p></body></html>"
    assert texts(read_html(tmp_path, b"\xef\xbb\xbf" + markup.encode("utf-8"))) == ["Sở Y tế"]
    assert texts(read_html(tmp_path, markup.encode("utf-16"))) == ["Sở Y tế"]


@pytest.mark.parametrize("head, accepted", [
    (b"<!DOCTYPE html><html>", True),
    (b"\xef\xbb\xbf  \n<HTML lang='vi'>", True),
    (b"<?xml version='1.0'?>\n<html xmlns='http://www.w3.org/1999/xhtml'>", True),
    (b"<div>fragment</div><body>", True),
    ("<html><body>".encode("utf-16"), True),
    (b"PK\x03\x04" + b"\x00" * 30 + b"<html>", False),
    (b"%PDF-1.7 <html>", False),
    (b"K\xe1\xba\xbf ho\xe1\xba\xa1ch s\xe1\xbb\x91 12", False),
    (b"# Ke hoach\n\nVan ban thuong", False),
])
def test_accepts_sniffs_content(head, accepted):
    assert HtmlReader().accepts(head, Path("x.bin")) is accepted
