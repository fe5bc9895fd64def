"""DOCX typed in the legacy font encodings: the samples re-typed in TCVN3 (.VnTime, .VnTimeH) and
VNI (VNI-Times), whole or mixed with Unicode, must give the records of the Unicode original.

The legacy files are built here from data/samples/*.docx: each chosen run's text is encoded with
the inverse of the project's tables and set in a legacy font, as a typist of the 1990s-2000s
would have produced it (capitals with tone marks in .VnTimeH runs of their own).
"""
from __future__ import annotations

import copy
import functools
import shutil
import subprocess
import unicodedata
from pathlib import Path

import docx as python_docx
import pytest
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.legacy_encodings import could_be_legacy
from extractors.normalize import clean_line
from extractors.readers.docx import DocxReader
from extractors.records import extract_records
from extractors.registry import read_document
from legacy_text import tcvn3_pieces, to_tcvn3, to_vni

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
PLANS = sorted(SAMPLES.glob("*.docx"))
FONTS = {"tcvn3": ".VnTime", "vni": "VNI-Times"}


def legacy_pieces(text: str, encoding: str) -> list[tuple[str, str]]:
    """(legacy text, font) pieces of a run's text."""
    if encoding == "vni":
        return [(to_vni(text), "VNI-Times")]
    return [(piece, ".VnTimeH" if capitals else ".VnTime") for piece, capitals in tcvn3_pieces(text)]


def set_font(rpr, font: str | None) -> None:
    """Set (or with None, remove) the run properties' own font."""
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    if font:
        fonts = rpr.makeelement(qn("w:rFonts"), {qn(f"w:{slot}"): font for slot in ("ascii", "hAnsi", "cs")})
        rpr.insert(0, fonts)


def retype(run, encoding: str, cut: int | None, font_on_run: bool) -> list:
    """Runs printing what `run` prints, typed in the legacy encoding; with cut, the text is also
    cut into runs of that many characters, inside words."""
    out = []
    for child in run:
        if child.tag == qn("w:rPr"):
            continue
        pieces = legacy_pieces(child.text or "", encoding) if child.tag == qn("w:t") else [(None, FONTS[encoding])]
        for text, font in pieces:
            for start in range(0, len(text), cut) if cut and text else [0]:
                new = run.makeelement(qn("w:r"), {})
                rpr = copy.deepcopy(run.find(qn("w:rPr")))
                if rpr is None:
                    rpr = new.makeelement(qn("w:rPr"), {})
                # the capitals font is always the run's own: a style sets the body's font only
                set_font(rpr, font if font_on_run or font != FONTS[encoding] else None)
                new.append(rpr)
                if text is None:
                    new.append(copy.deepcopy(child))
                else:
                    t = new.makeelement(qn("w:t"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
                    t.text = text[start:start + cut] if cut else text
                    new.append(t)
                out.append(new)
    return out


def legacy_copy(source: Path, target: Path, encoding: str, *, legacy=lambda i, j: True,
                cut: int | None = None, font_on_run: bool = True) -> Path:
    """The source re-typed in the encoding: run j of paragraph i when legacy(i, j). Without
    font_on_run, the legacy font is set on every style and the document default instead."""
    document = python_docx.Document(str(source))
    paragraphs = list(document.element.body.iter(qn("w:p")))
    for i, p in enumerate(paragraphs):
        for j, run in enumerate(list(p.iter(qn("w:r")))):
            if legacy(i, j):
                new = retype(run, encoding, cut, font_on_run)
                parent, at = run.getparent(), run.getparent().index(run)
                parent.remove(run)
                for k, r in enumerate(new):
                    parent.insert(at + k, r)
    if not font_on_run:
        styles = document.styles.element
        for rpr in styles.iter(qn("w:rPr")):
            set_font(rpr, FONTS[encoding])
    document.save(str(target))
    return target


def records(path: Path):
    return extract_records(read_document(path), "plan")


@functools.lru_cache(maxsize=None)
def original_records(path: Path):
    return records(path)


def assert_same_records(original: Path, legacy: Path) -> None:
    want, got = original_records(original), records(legacy)
    for name in ("metadata", "sections", "objectives", "indicators", "tasks", "assignments", "citations"):
        assert getattr(got, name) == getattr(want, name), name


@pytest.fixture(params=PLANS, ids=lambda p: p.stem)
def plan(request) -> Path:
    return request.param


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_whole_document_in_a_legacy_font(plan, encoding, tmp_path):
    legacy = legacy_copy(plan, tmp_path / "legacy.docx", encoding)
    # no Unicode Vietnamese letter is left in the file (ư, ạ, ế, ...)
    assert could_be_legacy(python_docx.Document(str(legacy)).element.body.xpath("string()"))
    assert_same_records(plan, legacy)


def test_legacy_font_set_by_the_styles_not_the_runs(plan, tmp_path):
    # Normal, the headings and the document default in .VnTime; runs name no font of their own
    assert_same_records(plan, legacy_copy(plan, tmp_path / "styled.docx", "tcvn3", font_on_run=False))


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_text_cut_into_runs_inside_words(plan, encoding, tmp_path):
    # runs of 3 characters put VNI's letter and its mark ("e" + "ä") in two runs again and again
    assert_same_records(plan, legacy_copy(plan, tmp_path / "cut.docx", encoding, cut=3))


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_beginning_then_unicode(plan, encoding, tmp_path):
    # the header, purposes and targets typed long ago in .VnTime, the rest added in Unicode: the
    # Unicode part is the larger, and the legacy part must still be read
    count = len(list(python_docx.Document(str(plan)).element.body.iter(qn("w:p"))))
    legacy = legacy_copy(plan, tmp_path / "mixed.docx", encoding, legacy=lambda i, j: i < count // 3)
    assert_same_records(plan, legacy)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_unicode_and_legacy_runs_alternate(plan, encoding, tmp_path):
    # every other paragraph, and inside paragraphs every other run, in the legacy font
    legacy = legacy_copy(plan, tmp_path / "alternate.docx", encoding, legacy=lambda i, j: (i + j) % 2 == 0)
    assert_same_records(plan, legacy)


# --- documents built here, with sentences of their own ------------------------------------------


def build(tmp_path: Path, paragraphs, name: str = "built.docx", style_font: str | None = None) -> Path:
    """A DOCX of paragraphs, each a list of (text, font) runs; font None names none."""
    document = python_docx.Document()
    if style_font:
        document.styles["Normal"].font.name = style_font
    for runs in paragraphs:
        p = document.add_paragraph()
        for text, font in runs:
            run = p.add_run(text)
            if font:
                set_font(run._r.get_or_add_rPr(), font)
    document.save(str(tmp_path / name))
    return tmp_path / name


def read_texts(path: Path) -> list[str]:
    return [b.text for b in read_document(path).blocks if b.kind != "table"]


def tcvn3_runs(text: str) -> list[tuple[str, str]]:
    return legacy_pieces(text, "tcvn3")


BODY = "Ủy ban nhân dân xã Phú Lộc giao Trạm Y tế xã chủ trì tiêm chủng đủ liều cho 98% trẻ em dưới một tuổi."


def test_capitals_font_typed_in_small_letters_or_in_capitals(tmp_path):
    heading = "CHƯƠNG TRÌNH HÀNH ĐỘNG PHÒNG CHỐNG THIÊN TAI NĂM 2025"
    path = build(tmp_path, [
        [(to_tcvn3(heading.lower()), ".VnTimeH")],  # what the font draws as capitals, typed in small letters
        [(to_tcvn3(heading), ".VnTimeH")],
        [(to_tcvn3(heading), ".VnArialH")],
        tcvn3_runs(BODY),  # "Ủ" in a .VnTimeH run of its own, the rest in .VnTime
    ])
    assert read_texts(path) == [heading, heading, heading, BODY]


def add_legacy_table(document, cells, style: str | None = None) -> None:
    table = document.add_table(rows=len(cells), cols=len(cells[0]), style=style)
    for row, texts in zip(table.rows, cells):
        for cell, text in zip(row.cells, texts):
            p = cell.paragraphs[0]
            for piece, font in tcvn3_runs(text):
                set_font(p.add_run(piece)._r.get_or_add_rPr(), font)


def test_legacy_text_in_table_cells(tmp_path):
    header = [["UBND HUYỆN BẢO THẮNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
              ["Số: 41/KH-UBND", "Bảo Thắng, ngày 12 tháng 3 năm 2025"]]
    targets = [["TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2025"],
               ["1", "Tỷ lệ hộ dân được dùng nước hợp vệ sinh", "%", "≥ 97"],
               ["2", "Số ổ dịch sốt xuất huyết được xử lý trong 48 giờ", "ổ dịch", "100%"]]
    document = python_docx.Document()
    add_legacy_table(document, header)  # borderless, at the top: read column by column
    p = document.add_paragraph()
    for piece, font in tcvn3_runs("Phòng, chống dịch sốt xuất huyết năm 2025"):
        set_font(p.add_run(piece)._r.get_or_add_rPr(), font)
    add_legacy_table(document, targets, style="Table Grid")
    document.save(str(tmp_path / "table.docx"))
    blocks = read_document(tmp_path / "table.docx").blocks
    assert [b.text for b in blocks[:5]] == [header[0][0], header[1][0], header[0][1], header[1][1],
                                            "Phòng, chống dịch sốt xuất huyết năm 2025"]
    assert blocks[5].kind == "table" and blocks[5].grid() == targets


def test_legacy_font_named_by_the_style(tmp_path):
    path = build(tmp_path, [[(to_vni(BODY), None)], [(to_vni("Kinh phí do ngân sách huyện bảo đảm."), None)]],
                 style_font="VNI-Times")
    assert read_texts(path) == [BODY, "Kinh phí do ngân sách huyện bảo đảm."]


def test_unicode_runs_in_a_legacy_font_are_left_alone(tmp_path):
    # a converter changed the text to Unicode but left the fonts: short runs of Latin-1 letters
    # only ("Các", "và") would read as TCVN3 ("Cịc", "vộ") if the font were believed
    lines = [[("Các", ".VnTime"), (" đơn vị ", ".VnTime"), ("và", ".VnTime"), (" các xã báo cáo kết quả.", ".VnTime")],
             [("Hà", ".VnTimeH"), (" Giang, Cà Mau, Bà Rịa", "VNI-Times")],
             [("Ông Müller và bà Schäfer", ".VnTime"), (" thăm Trường Tiểu học Tân Lập.", ".VnTime")]]
    path = build(tmp_path, lines)
    assert read_texts(path) == ["".join(text for text, _ in runs) for runs in lines]


def test_unicode_run_in_the_legacy_font_of_a_legacy_document(tmp_path):
    # a line added later in Unicode, in the .VnTime the document was typed in
    added = "Bổ sung: Phòng Văn hóa - Thông tin phối hợp thực hiện."
    path = build(tmp_path, [tcvn3_runs(BODY), [(added, ".VnTime")], tcvn3_runs("Giao Văn phòng theo dõi.")])
    assert read_texts(path) == [BODY, added, "Giao Văn phòng theo dõi."]


def test_paragraph_left_in_tcvn3_in_a_unicode_document_that_kept_the_font(tmp_path):
    unicode_lines = [f"Xã {name} hoàn thành chỉ tiêu trồng rừng năm 2025 vượt kế hoạch giao." for name in
                     ("Tân Hương", "Lũng Phìn", "Sủng Trái", "Mậu Duệ", "Phố Cáo", "Lao Và Chải")]
    left = "Tổng diện tích rừng trồng mới đạt 1.250 ha."
    paragraphs = [[(line, ".VnTime")] for line in unicode_lines] + [[(to_tcvn3(left), ".VnTime")]]
    assert read_texts(build(tmp_path, paragraphs)) == unicode_lines + [left]


def test_legacy_docx_through_word_97_doc(tmp_path):
    """A .doc typed in TCVN3 and VNI, read through LibreOffice: it writes TCVN3's "ư" (0xAD) as a
    soft hyphen element, which must come back as the letter."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed for .doc files: install libreoffice-writer-nogui (make setup)"
    plan = SAMPLES / "tamduong-2030.docx"
    for encoding in ("tcvn3", "vni"):
        legacy = legacy_copy(plan, tmp_path / f"{encoding}.docx", encoding)
        subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                        "--norestore", "--convert-to", "doc", "--outdir", str(tmp_path), str(legacy)],
                       check=True, capture_output=True, timeout=180)
        assert read_document(tmp_path / f"{encoding}.doc").source_format == "doc"
        assert_same_records(plan, tmp_path / f"{encoding}.doc")


# --- no false positives ---------------------------------------------------------------------------


@pytest.mark.parametrize("font", [".VnTime", ".VnTimeH", "VNI-Times"])
def test_unicode_plan_set_in_a_legacy_font_is_not_decoded(plan, font, tmp_path):
    # converters change the text to Unicode and often leave the old font on every run
    document = python_docx.Document(str(plan))
    for run in document.element.body.iter(qn("w:r")):
        set_font(run.get_or_add_rPr(), font)
    document.save(str(tmp_path / "kept-font.docx"))
    assert_same_records(plan, tmp_path / "kept-font.docx")


_ONSETS = ["", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s", "t", "th",
           "tr", "v", "x"]
_NUCLEI = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "uô", "ươ", "iê", "ai", "ao", "ôi"]
_CODAS = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]
_TONE_MARKS = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]


@st.composite
def syllables(draw) -> str:
    nucleus = draw(st.sampled_from(_NUCLEI))
    toned = nucleus[0] + draw(st.sampled_from(_TONE_MARKS)) + nucleus[1:]
    word = draw(st.sampled_from(_ONSETS)) + toned + draw(st.sampled_from(_CODAS))
    word = unicodedata.normalize("NFC", word)
    return word.capitalize() if draw(st.booleans()) else word


_RUN_FONTS = st.sampled_from([None, "Times New Roman", ".VnTime", ".VnTimeH", ".VnArial", "VNI-Times", "VNI-Helve"])
_WORDS = st.one_of(syllables(), syllables(), syllables(), st.sampled_from(["2025", "15%", "KH-UBND", "(", ");"]))
_RUNS = st.lists(st.tuples(st.lists(_WORDS, min_size=1, max_size=6).map(" ".join), _RUN_FONTS), min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paragraphs=st.lists(_RUNS, min_size=1, max_size=8), style_font=st.sampled_from([None, ".VnTime", "VNI-Times"]))
def test_unicode_vietnamese_is_never_decoded(tmp_path, paragraphs, style_font):
    # runs joined with a space: a run is cut between words here, the cut inside words is tested above
    paragraphs = [[(text + " ", font) for text, font in runs] for runs in paragraphs]
    path = build(tmp_path, paragraphs, style_font=style_font)
    # read by the reader alone: a few random syllables may be too little Vietnamese for read_document
    assert [b.text for b in DocxReader().convert(path).blocks] == [clean_line("".join(text for text, _ in runs)) for runs in paragraphs]
