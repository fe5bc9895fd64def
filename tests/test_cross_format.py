"""One plan in two formats gives the same structure.

nghean-542-kh-ubnd.html is plan 542/KH-UBND as signed, on a law-library page; nghean-draft.pdf is
its draft exported from Word. Their body wording is the same (the draft only leaves the number
and date blank), but the draft sets its numbered subsections ("1. Mục đích", "2. Sở Tài chính")
in bold, which the shared heading rule turns into headings, while the signed copy prints them
as plain paragraphs. So the heading sequences are compared without the numbered subsections,
and a separate test checks that each of those is, word for word, a paragraph of the signed copy.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractors.model import Block, Document
from extractors.normalize import fold
from extractors.registry import read_document

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
NUMBERED = re.compile(r"\d+\.\s")  # "1. Mục đích"; the Roman-numbered sections are headings in both


@pytest.fixture(scope="module")
def html() -> Document:
    return read_document(SAMPLES / "nghean-542-kh-ubnd.html")


@pytest.fixture(scope="module")
def pdf() -> Document:
    return read_document(SAMPLES / "nghean-draft.pdf")


def headings(doc: Document) -> list[str]:
    return [fold(b.text) for b in doc.blocks if b.kind == "heading"]


def the_table(doc: Document) -> Block:
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert len(tables) == 1
    return tables[0]


def test_both_formats_are_read_by_their_readers(html, pdf):
    assert (html.source_format, pdf.source_format) == ("html", "pdf")


def test_same_heading_sequence(html, pdf):
    signed = [h for h in headings(html) if not NUMBERED.match(h)]
    draft = [h for h in headings(pdf) if not NUMBERED.match(h)]
    assert draft == signed
    assert signed[:3] == ["ke hoach", "i. muc dich yeu cau", "ii. muc tieu"]
    assert signed[-2:] == ["phu luc", fold("CHI TIẾT TRIỂN KHAI THỰC HIỆN KẾ HOẠCH SỐ 229-KH/TU NGÀY 18/3/2024 CỦA TỈNH ỦY NGHỆ AN")]


def test_draft_subsection_headings_are_paragraphs_of_the_signed_copy(html, pdf):
    subsections = [h for h in headings(pdf) if NUMBERED.match(h)]
    paragraphs = {fold(b.text) for b in html.blocks if b.kind == "paragraph"}
    assert len(subsections) == 21  # 2 + 2 + 6 + 11 under sections I, II, III and V
    assert [h for h in subsections if h not in paragraphs] == []


def test_same_appendix_table(html, pdf):
    signed, draft = the_table(html).grid(), the_table(pdf).grid()
    assert (len(draft), len(draft[0])) == (len(signed), len(signed[0])) == (19, 5)  # header + 18 tasks
    assert [row[0] for row in draft[1:]] == [str(n) for n in range(1, 19)]
    assert [[fold(c) for c in row] for row in draft] == [[fold(c) for c in row] for row in signed]
