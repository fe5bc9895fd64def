"""DOCX reader: the Tam Đường, Ninh Bình and Lào Cai plans, and documents built here with python-docx."""
from __future__ import annotations

import zipfile
from pathlib import Path

import docx as python_docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from extractors.errors import CorruptFile, ExtractionError, LimitExceeded
from extractors.model import Document
from extractors.readers import docx as docx_reader
from extractors.readers.docx import DocxReader
from extractors.registry import read_document, reader_for

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
TAMDUONG = SAMPLES / "tamduong-2030.docx"
NINHBINH = SAMPLES / "ninhbinh-2016-2020.docx"
LAOCAI = next((SAMPLES / "real").glob("15_*.docx"))


@pytest.fixture(scope="module")
def tamduong() -> Document:
    return read_document(TAMDUONG)


@pytest.fixture(scope="module")
def laocai() -> Document:
    return read_document(LAOCAI)


def texts(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if b.kind != "table"]


def tables(doc: Document):
    return [b for b in doc.blocks if b.kind == "table"]


def convert(path: Path) -> Document:
    return DocxReader().convert(path)


def test_samples_are_read_by_the_docx_reader(tamduong):
    for path in (TAMDUONG, NINHBINH, LAOCAI):
        assert reader_for(path).name == "docx"
    assert tamduong.source_format == "docx"
    assert all(b.page is None for b in tamduong.blocks)


def test_header_table_reads_issuer_column_then_motto_column(tamduong):
    assert texts(tamduong)[:9] == [
        "ỦY BAN NHÂN DÂN", "HUYỆN TAM ĐƯỜNG", "--------", "Số: /KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "---------------",
        "Tam Đường, ngày tháng năm 2024", "KẾ HOẠCH",
    ]
    assert [b.kind for b in tamduong.blocks[:8]] == ["paragraph"] * 8


def test_headings_come_from_bold_paragraphs(tamduong):
    headings = [b.text for b in tamduong.blocks if b.kind == "heading"]
    assert headings[:5] == ["KẾ HOẠCH", "I. MỤC ĐÍCH, YÊU CẦU", "2. Yêu cầu", "II. MỤC TIÊU", "2. Mục tiêu cụ thể"]
    assert "V. TỔ CHỨC THỰC HIỆN" in headings
    first = next(b for b in tamduong.blocks if b.text.startswith("1. Mục đích: Quán triệt"))
    assert first.kind == "paragraph" and first.style == "Normal"


def test_indicator_table_with_group_rows(tamduong):
    (table,) = tables(tamduong)
    assert table.style == "Table Grid"
    grid = table.grid()
    assert grid[0] == ["STT", "Chỉ tiêu", "Năm 2023", "Năm 2030", "Năm 2045", "Ghi chú"]
    groups = [row for row in table.rows if len(row) == 1]
    assert [(c.text, c.col_span) for (c,) in groups] == [
        ("Chỉ tiêu đầu vào", 6), ("Chỉ tiêu hoạt động", 6), ("Chỉ tiêu đầu ra", 6)]
    indicators = [row for row in grid[1:] if row[0].isdigit()]
    assert [row[0] for row in indicators] == [str(n) for n in range(1, 14)]
    assert indicators[0] == ["1", "Số bác sĩ/10.000 dân", "6,63", ">7", ">8", ""]
    assert indicators[10][:5] == ["11", "Quy mô dân số (người)", "59.472", "65.531", "74.999"]


def test_signature_table_reads_recipients_then_signer(tamduong):
    t = texts(tamduong)
    start = t.index("Nơi nhận:")
    assert t[start + 1:start + 3] == ["- Sở Y tế (b/c);", "- TT. Huyện ủy (b/c);"]
    assert t[start + 7] == "- Lưu: VT."
    assert t[start + 8:] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Vũ Xuân Thịnh"]
    assert {b.kind for b in tamduong.blocks if b.text.startswith("- ") and b.text.endswith("(b/c);")} == {"list_item"}


def test_bullet_numbering_from_the_list_style_is_printed():
    doc = read_document(NINHBINH)
    item = next(b for b in doc.blocks if "Tỷ lệ tiêm chủng đầy đủ" in b.text)
    assert (item.kind, item.style, item.text) == (
        "list_item", "List Bullet", "- Tỷ lệ tiêm chủng đầy đủ cho trẻ em dưới 1 tuổi đạt > 95%;")
    assert sum(b.style == "List Bullet" and b.text.startswith("- ") for b in doc.blocks) > 30


def test_task_table_with_numbered_column_row(laocai):
    (table,) = [t for t in tables(laocai) if t.rows[0][0].text == "TT"]
    grid = table.grid()
    assert grid[0] == ["TT", "Tên nhiệm vụ", "Sở, ngành chủ trì tham mưu", "Đơn vị phối hợp thực hiện",
                       "Thời gian thực hiện", "Ghi chú"]
    assert grid[1] == ["", "(1)", "(2)", "(3)", "(4)", "(5)"]
    tasks = grid[2:]
    assert [row[0] for row in tasks] == [str(n) for n in range(1, 15)]
    assert tasks[0][4] == "Xong trong Quý II/2026"
    assert tasks[5][2] == "Sở Công Thương; Sở Xây dựng"


def test_three_column_header_and_misused_heading_style(laocai):
    assert texts(laocai)[:5] == ["ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "Số: /KH-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                 "Độc lập - Tự do - Hạnh phúc", "Lào Cai, ngày tháng năm 2026"]
    heading = next(b for b in laocai.blocks if b.text.startswith("1. Công tác tuyên truyền"))
    assert (heading.kind, heading.level, heading.style) == ("heading", 4, "Heading 4")
    # Whole bullet lists typed in "Heading 4" are list items, not headings.
    bullet = next(b for b in laocai.blocks if b.text.startswith("- Tổ chức quán triệt sâu rộng"))
    assert (bullet.kind, bullet.level, bullet.style) == ("list_item", None, "Heading 4")


def build(tmp_path: Path, fill, name: str = "built.docx") -> Path:
    document = python_docx.Document()
    fill(document)
    path = tmp_path / name
    document.save(path)
    return path


def test_vertical_and_horizontal_merges_become_spans(tmp_path):
    def fill(document):
        document.add_paragraph("Bảng phân công")
        table = document.add_table(rows=4, cols=3)
        table.style = "Table Grid"
        for r, row in enumerate([["TT", "Nội dung", "Chủ trì"], ["I. Nhóm", "", ""],
                                 ["1", "Việc một", "Sở Y tế"], ["2", "Việc hai", ""]]):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        table.cell(1, 0).merge(table.cell(1, 2))
        table.cell(2, 2).merge(table.cell(3, 2))
    (_, table) = convert(build(tmp_path, fill)).blocks
    assert [[(c.text, c.row_span, c.col_span) for c in row] for row in table.rows] == [
        [("TT", 1, 1), ("Nội dung", 1, 1), ("Chủ trì", 1, 1)],
        [("I. Nhóm", 1, 3)],
        [("1", 1, 1), ("Việc một", 1, 1), ("Sở Y tế", 2, 1)],
        [("2", 1, 1), ("Việc hai", 1, 1)],
    ]
    assert table.grid()[3] == ["2", "Việc hai", "Sở Y tế"]


def test_cell_paragraphs_stay_separate_lines(tmp_path):
    def fill(document):
        document.add_paragraph("Phụ lục")
        table = document.add_table(rows=2, cols=4)
        table.style = "Table Grid"
        table.cell(1, 2).text = "Sở Y tế"
        table.cell(1, 2).add_paragraph("Sở   Giáo dục")
        table.cell(1, 3).paragraphs[0].add_run("Quý 3/").add_break()
        table.cell(1, 3).paragraphs[0].add_run("2024")
    (_, table) = convert(build(tmp_path, fill)).blocks
    assert table.rows[1][2].text == "Sở Y tế\nSở Giáo dục"
    assert table.rows[1][3].text == "Quý 3/\n2024"


def test_automatic_numbers_are_printed_and_styles_kept(tmp_path):
    def fill(document):
        document.add_paragraph("Mục tiêu", style="Heading 1")
        document.add_paragraph("Văn bản", style="Title")
        document.add_paragraph("Thứ nhất", style="List Number")
        document.add_paragraph("Thứ hai", style="List Number")
        document.add_paragraph("Gạch đầu dòng", style="List Bullet")
        centered = document.add_paragraph()
        centered.add_run("Đậm và giữa").bold = True
        centered.alignment = WD_ALIGN_PARAGRAPH.CENTER
        document.add_paragraph().add_run("Nghiêng").italic = True
    doc = convert(build(tmp_path, fill))
    assert [(b.kind, b.level, b.text, b.style) for b in doc.blocks] == [
        ("heading", 1, "Mục tiêu", "Heading 1"),
        ("heading", 0, "Văn bản", "Title"),
        ("paragraph", None, "1. Thứ nhất", "List Number"),
        ("paragraph", None, "2. Thứ hai", "List Number"),
        ("list_item", None, "- Gạch đầu dòng", "List Bullet"),
        ("heading", None, "Đậm và giữa", "Normal"),
        ("paragraph", None, "Nghiêng", "Normal"),
    ]
    assert doc.blocks[5].bold and doc.blocks[5].centered and doc.blocks[6].italic


def test_multilevel_numbering_restarts_deeper_levels(tmp_path):
    def fill(document):
        numbering = document.part.numbering_part.element
        numbering.append(parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>'
            '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%3."/></w:lvl>'
            "</w:abstractNum>"))
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
        for ilvl, text in [(0, "Mục tiêu"), (1, "Chung"), (1, "Cụ thể"), (2, "Chỉ tiêu"), (0, "Nhiệm vụ"), (1, "Trọng tâm")]:
            num_pr = document.add_paragraph(text)._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = ilvl
            num_pr.get_or_add_numId().val = 90
    doc = convert(build(tmp_path, fill))
    assert texts(doc) == ["I. Mục tiêu", "a) Chung", "b) Cụ thể", "I.1. Chỉ tiêu", "II. Nhiệm vụ", "a) Trọng tâm"]


def test_auto_numbered_empty_cells_show_their_number(tmp_path):
    def fill(document):
        document.add_paragraph("Danh sách nhiệm vụ")
        table = document.add_table(rows=3, cols=2)
        table.style = "Table Grid"
        for r, task in enumerate(["Việc một", "Việc hai", "Việc ba"]):
            table.cell(r, 0).paragraphs[0].style = "List Number"
            table.cell(r, 1).text = task
    (_, table) = convert(build(tmp_path, fill)).blocks
    assert table.grid() == [["1.", "Việc một"], ["2.", "Việc hai"], ["3.", "Việc ba"]]


def test_zip_that_is_not_a_docx_is_not_accepted(tmp_path):
    path = tmp_path / "book.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    head = path.read_bytes()[:8192]
    assert not DocxReader().accepts(head, path)
    with pytest.raises(CorruptFile, match="word/document.xml"):
        convert(path)
    assert not DocxReader().accepts(b"%PDF-1.7", tmp_path / "x.docx")


def test_corrupt_docx_gives_a_clean_extraction_error(tmp_path):
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(TAMDUONG.read_bytes()[:6000])
    with pytest.raises(CorruptFile, match="re-download"):
        read_document(truncated)

    broken_xml = tmp_path / "broken.docx"
    with zipfile.ZipFile(TAMDUONG) as src, zipfile.ZipFile(broken_xml, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    with pytest.raises(ExtractionError):
        read_document(broken_xml)


def test_zip_bomb_is_refused_without_unpacking(tmp_path, monkeypatch):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/padding.bin", b"\0" * (4 * 1024 * 1024))
    with pytest.raises(LimitExceeded, match="zip bomb"):
        convert(bomb)
    monkeypatch.setattr(docx_reader, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(LimitExceeded, match="MB limit"):
        convert(TAMDUONG)


def test_external_entities_cannot_reach_the_text(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", encoding="utf-8")
    plain = build(tmp_path, lambda d: d.add_paragraph("trước PLACEHOLDER sau"), "plain.docx")
    evil = tmp_path / "evil.docx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(evil, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                declaration, rest = data.decode("utf-8").split("?>", 1)
                dtd = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY inner "INNER-TEXT">]>'
                data = (declaration + "?>" + dtd + rest.replace("PLACEHOLDER", "&xxe; &inner;")).encode("utf-8")
            dst.writestr(item, data)
    try:
        text = convert(evil).text()
    except ExtractionError:
        return  # refusing the file is as safe as ignoring the entity
    assert "SECRET-CONTENT" not in text and "INNER-TEXT" not in text


def test_legacy_font_text_and_newer_alignment_values(tmp_path):
    from docx import Document as NewDocx
    from docx.oxml.ns import qn
    from legacy_text import to_tcvn3

    plan = ["KẾ HOẠCH", "Tỷ lệ người dân tham gia bảo hiểm y tế trên 95%.", "Sở Y tế chủ trì, phối hợp với các đơn vị."]
    doc = NewDocx()
    for line in plan:
        doc.add_paragraph(to_tcvn3(line))
    # LibreOffice writes w:jc="start", which python-docx's alignment enum does not know.
    jc = doc.paragraphs[1]._p.get_or_add_pPr().makeelement(qn("w:jc"), {qn("w:val"): "start"})
    doc.paragraphs[1]._p.get_or_add_pPr().append(jc)
    doc.save(tmp_path / "legacy.docx")
    blocks = read_document(tmp_path / "legacy.docx").blocks
    assert [b.text.casefold() for b in blocks] == [line.casefold() for line in plan]
