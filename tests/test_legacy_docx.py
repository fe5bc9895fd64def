"""DOCX typed in the legacy font encodings: the samples re-typed in TCVN3 (.VnTime, .VnTimeH) and
VNI (VNI-Times), whole or mixed with Unicode, must give the records of the Unicode original.

The legacy files are built here from data/samples/*.docx: each chosen run's text is encoded with
the inverse of the project's tables and set in a legacy font, as a typist of the 1990s-2000s
would have produced it (capitals with tone marks in .VnTimeH runs of their own).
"""
from __future__ import annotations

import copy
import functools
from pathlib import Path

import docx as python_docx
import pytest
from docx.oxml.ns import qn

from extractors.legacy_encodings import could_be_legacy
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
                rpr = copy.deepcopy(run.find(qn("w:rPr"))) if run.find(qn("w:rPr")) is not None else None
                rpr = rpr if rpr is not None else new.makeelement(qn("w:rPr"), {})
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
