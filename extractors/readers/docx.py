"""DOCX reader: a Word document's body paragraphs and tables, in document order.

Headers, footers, footnotes and text boxes are left out; page numbers are unknown in DOCX, so
every block has page None. Automatic list numbers are not in a paragraph's text, so they are
reconstructed from numbering.xml and put back in front of it ("1. ", "a) ", "- "), as printed.

Runs typed in a legacy font encoding (TCVN3 in .VnTime, VNI in VNI-Times) are converted run by
run, so that a document mixing them with Unicode reads whole: see _LegacyRuns.

Safety: the archive's declared sizes are checked before anything is inflated, and python-docx
parses every part with resolve_entities=False, so an entity declared in a document cannot pull
in a local file (tests/test_reader_docx.py checks this).
"""
from __future__ import annotations

import itertools
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import docx as python_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.exceptions import PythonDocxError
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import nsmap, qn
from docx.table import Table
from lxml import etree

from ..errors import CorruptFile, LimitExceeded
from ..model import Block, Document
from ..legacy_encodings import could_be_legacy, legacy_encoding, legacy_font, to_unicode, typed_in
from ..normalize import clean_line
from ..registry import register
from .layout import TableCell, block_kind, format_number, table_blocks

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
# Small parts may legitimately compress very well (a blank image); a bomb needs size.
_RATIO_MIN_BYTES = 1024 * 1024

_P, _TBL, _SDT, _CUSTOM_XML = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:customXml")
# XPath expressions are compiled once: element.xpath() (python-docx's too) compiles its string
# on every call, which cost more than the queries themselves.
# The runs that print in a paragraph: not deleted or moved-away revisions, not text boxes
# anchored in it (their text belongs to the box, which this reader leaves out).
_PRINTED_RUNS = etree.XPath(".//w:r[not(ancestor::w:del or ancestor::w:moveFrom or ancestor::w:txbxContent)]",
                            namespaces=nsmap)
# A run's text as python-docx's Run.text reads it: these children, each as its str(); and soft
# hyphens, as U+00AD.
_RUN_CONTENT = etree.XPath("w:br | w:cr | w:noBreakHyphen | w:ptab | w:t | w:tab | w:softHyphen", namespaces=nsmap)
_SOFT_HYPHEN = qn("w:softHyphen")
_JUSTIFICATION = etree.XPath("./w:pPr/w:jc/@w:val", namespaces=nsmap)
_DEFAULT_RUN_PROPERTIES = etree.XPath("./w:docDefaults/w:rPrDefault/w:rPr", namespaces=nsmap)
_R_FONTS = qn("w:rFonts")
_RPR, _R_STYLE, _VAL = qn("w:rPr"), qn("w:rStyle"), qn("w:val")
_PPR, _P_STYLE = qn("w:pPr"), qn("w:pStyle")
_FLAG_TAGS = {"bold": qn("w:b"), "italic": qn("w:i")}
_OFF = ("0", "false", "off")
_HEADING_STYLE = re.compile(r"heading\s*([1-9])", re.I)
_NO_BORDER = {"nil", "none"}
_BULLET_LABELS = ("- ", "+ ")


@register
class DocxReader:
    name = "docx"

    def accepts(self, head: bytes, path: Path) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        # A damaged archive, or one that lacks its document part, but that still shows Word parts
        # (or is named .docx) is a broken DOCX: accept it so that convert can say so, rather than
        # "unsupported format".
        looks_like_word = b"word/" in head or Path(path).suffix.lower() == ".docx"
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return looks_like_word
        return "word/document.xml" in names or (looks_like_word and any(n.startswith("word/") for n in names))

    def convert(self, path: Path) -> Document:
        _check_archive(Path(path))
        try:
            document = python_docx.Document(str(path))
        except Exception as e:  # python-docx raises many kinds; all mean the package is unreadable
            raise CorruptFile(f"{Path(path).name}: python-docx cannot open this Word package "
                              f"({type(e).__name__}: {e}); re-save it as .docx in Word or LibreOffice, "
                              "or re-download it") from e
        try:
            blocks = _Converter(document).convert()
        except (ValueError, KeyError, PythonDocxError, etree.LxmlError) as e:
            raise CorruptFile(f"{Path(path).name}: malformed DOCX content ({type(e).__name__}: {e}); "
                              "re-save it in Word or LibreOffice") from e
        return Document(source_format="docx", blocks=blocks)


def _check_archive(path: Path) -> None:
    """Refuse archives that are not DOCX or would inflate to too much, reading only the directory."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as e:
        raise CorruptFile(f"{path.name}: not a readable ZIP archive ({e}), so not a usable DOCX; "
                          "re-download the file or re-save it from Word") from e
    if "word/document.xml" not in {m.filename for m in members}:
        raise CorruptFile(f"{path.name}: ZIP archive without word/document.xml, so not a Word document; "
                          "check what the file really is and convert it to DOCX or PDF")
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED_BYTES:
        raise LimitExceeded(f"{path.name}: would unpack to {total // 2**20} MB, over the "
                            f"{MAX_UNPACKED_BYTES // 2**20} MB limit; remove embedded media or split the document")
    for m in members:
        if m.file_size > _RATIO_MIN_BYTES and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise LimitExceeded(f"{path.name}: part {m.filename} is compressed over {MAX_RATIO}:1, "
                                "the mark of a zip bomb; the file was not unpacked, check where it came from")


def _content(container):
    """Paragraph and table elements of a body or cell in order, looking inside content controls."""
    for child in container.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            inner = child.find(qn("w:sdtContent"))
            if inner is not None:
                yield from _content(inner)
        elif child.tag == _CUSTOM_XML:
            yield from _content(child)


class _Converter:
    def __init__(self, document):
        self.document = document
        self.numbering = _Numbering(document)
        self.blocks: list[Block] = []
        self._style_facts: dict[tuple, object] = {}
        self._read: dict[object, tuple] = {}  # paragraph element -> paragraph_runs(), read once for both passes
        _memoize_styles(document)
        self.legacy = _LegacyRuns(self)

    def convert(self) -> list[Block]:
        for element in _content(self.document.element.body):
            if element.tag == _P:
                self.blocks.extend(self._paragraph(element, in_cell=False))
            else:
                self.blocks.extend(self._table(element))
        return self.blocks

    def _paragraph(self, p, *, in_cell: bool) -> list[Block]:
        """The paragraph as one block; in a table cell, one block per line (soft breaks too)."""
        style, runs = self._read.pop(p, None) or self.paragraph_runs(p)
        body = self.legacy.text(runs)
        label = self.numbering.label(*self._num_pr(p, style))
        if not body.strip() and (not label or label in _BULLET_LABELS):
            return []  # an empty numbered paragraph still prints its number, an empty bullet nothing
        inked = [run for run, text, _ in runs if text.strip()]
        bold = bool(inked) and all(self._run_flag(run, style, "bold") for run in inked)
        italic = bool(inked) and all(self._run_flag(run, style, "italic") for run in inked)
        level = self._style_fact(style, "level", _heading_level)
        centered = self._centered(p, style)
        blocks = []
        for piece in (label + body).split("\n") if in_cell else [label + body]:
            text = clean_line(piece)
            if not text:
                continue
            kind = block_kind(text, bold=bold, heading=level is not None, promote=not in_cell)
            blocks.append(Block(kind=kind, text=text, bold=bold, italic=italic, centered=centered,
                                level=level if kind == "heading" else None, style=style.name if style else None))
        return blocks

    def paragraph_runs(self, p, keep: bool = False) -> tuple:
        """A paragraph's style, and its printed runs, each with its text and legacy_font() of its
        font; kept for _paragraph when asked (the legacy-encoding pass reads every paragraph first)."""
        style = self._style(p, _PPR, _P_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        runs = [(r, _run_text(r), legacy_font(self._font(r, style))) for r in _PRINTED_RUNS(p)]
        if keep:
            self._read[p] = (style, runs)
        return style, runs

    def _style(self, element, props: str, tag: str, kind: WD_STYLE_TYPE):
        """The style of a paragraph or run as python-docx's .style gives it (the document's default
        style of that kind when it names none), read from the XML: python-docx's proxies cost more
        than the rest of the reader."""
        own = element.find(props)
        named = own.find(tag) if own is not None else None
        return self.document.part.get_style(named.get(_VAL) if named is not None else None, kind)

    def _font(self, r, para_style) -> str | None:
        """The font of a run's letters: its own, else its character style's, else its paragraph
        style's (each resolved through the styles it is based on), else the document default."""
        own = _rpr_font(r.find(_RPR))
        if own is not None:
            return own
        for style in (self._style(r, _RPR, _R_STYLE, WD_STYLE_TYPE.CHARACTER), para_style):
            font = self._style_fact(style, "font", lambda s: next(
                (f for f in (_rpr_font(x.element.rPr) for x in self._chain(s)) if f is not None), None))
            if font is not None:
                return font
        return self._style_fact(None, "default font", lambda _: next(
            map(_rpr_font, _DEFAULT_RUN_PROPERTIES(self.document.styles.element)), None))

    def _style_fact(self, style, fact: str, compute):
        """compute(style), once per style and fact: a style and those it is based on never change
        while the document is read, and resolving them through python-docx on every paragraph and
        run was most of the reader's time."""
        key = (None if style is None else style.element, fact)
        if key not in self._style_facts:
            self._style_facts[key] = compute(style)
        return self._style_facts[key]

    def _chain(self, style) -> tuple:
        return self._style_fact(style, "chain", lambda s: tuple(_style_chain(s)))

    def _run_flag(self, r, para_style, name: str) -> bool:
        """Bold or italic as Word shows it: the run's own setting, else its character style's,
        else the paragraph style's (each style resolved through the styles it is based on)."""
        rpr = r.find(_RPR)
        flag = rpr.find(_FLAG_TAGS[name]) if rpr is not None else None
        if flag is not None:  # <w:b/> is on; w:val="0", "false" or "off" turns it off
            return flag.get(_VAL, "1").lower() not in _OFF
        for style in (self._style(r, _RPR, _R_STYLE, WD_STYLE_TYPE.CHARACTER), para_style):
            value = self._style_fact(style, name, lambda s: _font_flag(self._chain(s), name))
            if value is not None:
                return value
        return False

    def _centered(self, p, style) -> bool:
        # The raw w:jc value, not python-docx's enum, which raises on values newer writers use ("start").
        values = _JUSTIFICATION(p) or self._style_fact(style, "jc", lambda s: next(
            (v for v in map(_JUSTIFICATION, (x.element for x in self._chain(s))) if v), []))
        return bool(values) and values[0] == "center"

    def _num_pr(self, p, style) -> tuple[int | None, int]:
        """numId and level of a paragraph's numbering, from its own properties, else its style's."""
        chain = self._chain(style)
        num_id, ilvl = _own_num_pr(p, "numId"), _own_num_pr(p, "ilvl")
        if num_id is None:
            num_id = self._style_fact(style, "numId", lambda s: _first_num_pr(chain, "numId"))
        if ilvl is None:
            ilvl = self._style_fact(style, "ilvl", lambda s: _first_num_pr(chain, "ilvl"))
        return num_id, ilvl or 0

    def _table(self, tbl) -> list[Block]:
        table = Table(tbl, self.document)
        rows: list[list[TableCell]] = []
        merging: dict[int, TableCell] = {}  # grid column -> cell a vertical merge started above
        for tr in tbl.tr_lst:
            row, still_merging, col = [], {}, tr.grid_before
            for tc in tr.tc_lst:
                if tc.vMerge == "continue" and col in merging:
                    merging[col].row_span += 1
                    still_merging[col] = merging[col]
                else:
                    cell = TableCell(col, self._cell_paragraphs(tc), col_span=tc.grid_span)
                    row.append(cell)
                    if tc.vMerge == "restart":
                        still_merging[col] = cell
                col += tc.grid_span
            merging = still_merging
            rows.append(row)
        at_start = not self.blocks
        style = table.style
        return table_blocks(rows, borderless=not _has_borders(table), at_start=at_start,
                            style=style.name if style else None)

    def _cell_paragraphs(self, tc) -> list[Block]:
        out = []
        for element in _content(tc):
            if element.tag == _P:
                out.extend(self._paragraph(element, in_cell=True))
            else:  # a table inside a cell: its text, cell by cell
                out.extend(p for tr in element.tr_lst for inner in tr.tc_lst for p in self._cell_paragraphs(inner))
        return out


class _LegacyRuns:
    """Converts the runs typed in a legacy encoding, judging each font's text apart.

    A font of an encoding (.VnTime, VNI-Times) makes its runs candidates for that encoding, and
    their text decides: all of it in the document, or, when that does not read as legacy (a
    Unicode document that kept .VnTime, with a few paragraphs left unconverted), the paragraph's
    if none of it is Unicode. Runs in other fonts are judged together on the whole document, in
    either encoding, as a plain text file would be: a line is too short to tell, and a Unicode
    paragraph quoting foreign names must not be converted. A run with a letter beyond Latin-1 is
    Unicode in any font."""

    def __init__(self, converter: _Converter):
        texts = defaultdict(list)
        for p in converter.document.element.body.iter(_P):
            for encoding, text in _texts_by_encoding(converter.paragraph_runs(p, keep=True)[1]).items():
                texts[encoding].append(text)
        self._verdicts = {encoding: self._verdict(encoding, "\n".join(t)) for encoding, t in texts.items()}

    def text(self, runs: list[tuple[object, str, tuple[str, bool] | None]]) -> str:
        """The paragraph's text, in Unicode. Consecutive runs in one encoding are converted
        together: a paragraph is often cut into runs inside a word, and VNI's letter and mark
        ("e" + "ä") may fall in two of them."""
        verdicts = {encoding: self._verdicts.get(encoding)
                    or (encoding and could_be_legacy(text) and self._verdict(encoding, text))
                    for encoding, text in _texts_by_encoding(runs).items()}

        def how(run) -> tuple[str | None, bool]:
            _, text, font = run
            encoding = verdicts[font and font[0]]
            return (encoding, bool(font and font[1])) if encoding and could_be_legacy(text) else (None, False)
        return "".join(to_unicode("".join(text for _, text, _ in group), *key)
                       for key, group in itertools.groupby(runs, key=how))

    @staticmethod
    def _verdict(encoding: str | None, text: str) -> str | None:
        if encoding is None:
            return legacy_encoding(text)
        return encoding if typed_in(text, encoding) else None


def _texts_by_encoding(runs) -> dict[str | None, str]:
    """A paragraph's text in the fonts of each encoding (None: in other fonts). Runs are joined
    as they print, since they are often cut inside words."""
    texts = defaultdict(str)
    for _, text, font in runs:
        texts[font and font[0]] += text
    return texts


def _rpr_font(rpr) -> str | None:
    """The font run properties set for letters beyond ASCII (w:hAnsi, else w:ascii), "" for a
    theme font (never a legacy one), None when they set none."""
    fonts = rpr.find(_R_FONTS) if rpr is not None else None
    if fonts is None:
        return None
    for slot in ("w:hAnsi", "w:ascii"):
        if fonts.get(qn(slot + "Theme")) is not None:
            return ""
        if fonts.get(qn(slot)):
            return fonts.get(qn(slot))
    return None


def _memoize_styles(document) -> None:
    """python-docx resolves a paragraph's or run's style by scanning every style of the document on
    each access (to find the default): cache the lookups of this document, which never change while
    it is read. This was most of the DOCX reader's time."""
    part, lookups = document.part, {}
    resolve = part.get_style

    def get_style(style_id, style_type):
        key = (style_id, style_type)
        if key not in lookups:
            lookups[key] = resolve(style_id, style_type)
        return lookups[key]

    part.get_style = get_style


def _style_chain(style):
    while style is not None:
        yield style
        style = style.base_style


def _run_text(r) -> str:
    # U+00AD is TCVN3's "ư", which LibreOffice writes as a soft hyphen when it converts a .doc;
    # in Unicode text clean_line drops it, as Word hides it.
    return "".join("\u00ad" if e.tag == _SOFT_HYPHEN else str(e) for e in _RUN_CONTENT(r))


def _font_flag(chain: tuple, name: str) -> bool | None:
    """Bold or italic as the first style of the chain that sets it has it; None if none does."""
    for style in chain:
        if getattr(style.font, name) is not None:
            return getattr(style.font, name)
    return None


def _heading_level(style) -> int | None:
    """Level of a Heading N style (or one based on it); Title sits above Heading 1, at 0."""
    for s in _style_chain(style):
        name = s.name or ""
        if name.lower() == "title":
            return 0
        if m := _HEADING_STYLE.fullmatch(name):
            return int(m.group(1))
    return None


def _has_borders(table: Table) -> bool:
    """Whether any border is drawn: the table's own borders, else its style's, plus any cell's."""
    borders = _table_borders(table) + table._tbl.xpath("./w:tr/w:tc/w:tcPr/w:tcBorders/*")
    return any(b.get(qn("w:val"), "none") not in _NO_BORDER for b in borders)


def _table_borders(table: Table) -> list:
    for owner in [table._tbl] + [s.element for s in _style_chain(table.style)]:
        borders = owner.xpath("./w:tblPr/w:tblBorders/*")
        if borders:
            return borders
    return []


@dataclass
class _Level:
    fmt: str  # Word's numFmt: decimal, lowerLetter, upperRoman, bullet, ...
    text: str  # lvlText, e.g. "%1." or "%1.%2" or the bullet character
    start: int


def _val(parent, tag: str, default):
    """w:val of the parent's child `tag`, or default."""
    child = parent.find(qn(tag))
    return child.get(qn("w:val"), default) if child is not None else default


def _level(lvl) -> _Level:
    return _Level(_val(lvl, "w:numFmt", "decimal"), _val(lvl, "w:lvlText", ""), int(_val(lvl, "w:start", "1")))


class _Numbering:
    """Prints automatic list numbers as Word would, counting per list (numId) and level."""

    def __init__(self, document):
        try:
            root = document.part.part_related_by(RT.NUMBERING).element
        except KeyError:  # no numbering part: nothing in the document is numbered
            root = etree.Element(qn("w:numbering"))
        # python-docx gives these elements no classes of their own: plain lxml, read with qn()
        self._nums = {n.get(qn("w:numId")): n for n in root.iterchildren(qn("w:num"))}
        self._abstracts = {a.get(qn("w:abstractNumId")): a for a in root.iterchildren(qn("w:abstractNum"))}
        self._levels: dict[int, dict[int, _Level]] = {}
        self._counts: dict[int, dict[int, int]] = {}

    def label(self, num_id: int | None, ilvl: int) -> str:
        """The printed label of a paragraph numbered in list num_id at level ilvl, with a trailing
        space ("1. ", "a) ", "- "), or "" when unnumbered."""
        if not num_id:
            return ""
        levels = self._definition(num_id)
        if ilvl not in levels:
            return ""
        counts = self._counts.setdefault(num_id, {})
        counts[ilvl] = counts.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]  # a new item restarts the levels below it
        level = levels[ilvl]
        if level.fmt == "bullet":
            # Bullets print as "-" (or "+"): Symbol-font glyphs like U+F0B7 mean nothing as text.
            return _BULLET_LABELS[1] if level.text.strip() == "+" else _BULLET_LABELS[0]

        def number(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            ref = levels.get(k, level)
            return format_number(counts.get(k, ref.start), ref.fmt)
        text = re.sub(r"%([1-9])", number, level.text).strip()
        return f"{text} " if text else ""

    def _definition(self, num_id: int) -> dict[int, _Level]:
        if num_id not in self._levels:
            levels: dict[int, _Level] = {}
            num = self._nums.get(str(num_id))
            if num is not None:
                abstract = self._abstracts.get(_val(num, "w:abstractNumId", None))
                for lvl in abstract.iterchildren(qn("w:lvl")) if abstract is not None else []:
                    levels[int(lvl.get(qn("w:ilvl"), "0"))] = _level(lvl)
                for override in num.iterchildren(qn("w:lvlOverride")):
                    ilvl = int(override.get(qn("w:ilvl"), "0"))
                    for lvl in override.iterchildren(qn("w:lvl")):
                        levels[ilvl] = _level(lvl)
                    start = _val(override, "w:startOverride", None)
                    if start is not None and ilvl in levels:
                        levels[ilvl].start = int(start)
            self._levels[num_id] = levels
        return self._levels[num_id]


def _own_num_pr(owner, prop: str) -> int | None:
    """numId or ilvl of a paragraph's or style's own numbering properties, None if unset."""
    num_pr = owner.pPr.numPr if owner.pPr is not None else None
    child = getattr(num_pr, prop) if num_pr is not None else None
    return child.val if child is not None else None


def _first_num_pr(chain: tuple, prop: str) -> int | None:
    """numId or ilvl from the first style of a paragraph style's chain that sets it."""
    return next((v for v in (_own_num_pr(style.element, prop) for style in chain) if v is not None), None)
