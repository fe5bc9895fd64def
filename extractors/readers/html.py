"""HTML reader: the document body of a saved web page, e.g. a law-library site's copy of a plan.

The site's chrome (navigation, login and search boxes, footers, scripts, hidden elements) is
dropped; its attribute table (Số hiệu, Loại văn bản, ...) becomes Document.hints instead of body
text. Parsing never fetches anything: lxml's HTML parser reads no DTD and expands no external
entity, and nothing here follows a link.

Embedded content (embed, object, iframe, img, video, ...) holds no text of the document, but the
parser knows some of these elements as containers, not as the empty elements HTML5 makes them:
an `<embed>` mid-page took the rest of the page inside it, and that was dropped with it. Their
tags are removed before parsing, so the text after them stays where it is (and the fallback
text inside an object, video or iframe reads as a browser without the plugin shows it).
"""
from __future__ import annotations

import codecs
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from ..encoding import decode_text
from ..errors import CorruptFile
from ..model import Block, Document
from ..normalize import clean_line, fold
from ..registry import register
from .layout import TableCell, block_kind, format_number, table_blocks

# Elements that never hold document text.
_DROP_TAGS = ("head", "script", "style", "noscript", "template", "svg", "canvas", "form", "input", "button",
              "select", "textarea", "nav", "aside", "dialog")
# Embedded content and HTML5's empty elements the parser may read as containers: their tags go, whatever they hold stays.
_EMBEDDING_TAG = re.compile(r"</?(embed|object|iframe|img|image|source|video|audio|param|track|picture|applet|"
                            r"frame|frameset|noembed|noframes|wbr|keygen|area|map)(?=[\s/>])[^>]*>", re.I)
# id/class words that name site chrome rather than content ("box-login", "footer", "navbar").
_CHROME_WORDS = {"nav", "navbar", "navigation", "menu", "header", "footer", "breadcrumb", "breadcrumbs",
                 "sidebar", "login", "signin", "search", "share", "social", "banner", "ads", "advert",
                 "cookie", "loading", "popup", "modal", "toolbar", "pagination", "related"}
_BLOCK_TAGS = {"address", "article", "blockquote", "body", "caption", "center", "dd", "div", "dl", "dt",
               "figcaption", "figure", "footer", "header", "hr", "html", "li", "main", "ol", "p", "pre",
               "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_OL_FORMATS = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}

# The attribute table's labels (folded) and the hint each fills.
_HINT_LABELS = {"so hieu": "doc_number", "so ky hieu": "doc_number", "loai van ban": "doc_type",
                "noi ban hanh": "issuer", "co quan ban hanh": "issuer", "nguoi ky": "signer",
                "ngay ban hanh": "issue_date"}
# Values a site shows instead of the fact ("being updated", "known" to members only).
_PLACEHOLDERS = {"dang cap nhat", "da biet"}

_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
# A line that starts an item of its own when it follows a <br>: a list marker or an outline label.
_ITEM_START = re.compile(r"([-+•]|([IVXLC]+|\d+(\.\d+)*|[a-zđ])[.)])(\s|$)")


@register
class HtmlReader:
    name = "html"

    def accepts(self, head: bytes, path: Path) -> bool:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = head.decode("utf-16", "ignore")
        elif b"\x00" in head[:1024] or head.startswith((b"PK\x03\x04", b"%PDF")):
            return False  # binary: a zip (DOCX, EPUB) or PDF may well contain "<html" somewhere
        else:
            text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
        start = text.lstrip().lower()
        return start.startswith(("<!doctype html", "<html")) or any(t in start[:1024] for t in ("<html", "<body"))

    def convert(self, path: Path) -> Document:
        soup = BeautifulSoup(_EMBEDDING_TAG.sub("", _decode(Path(path).read_bytes())), "lxml")
        try:
            _drop_non_content(soup)
            hints = _take_attribute_hints(soup)
            _drop_chrome(soup)
            walker = _Walker(in_cell=False)
            walker.walk(soup.body or soup, _Style())
            walker.flush()
        except RecursionError:  # the tree is walked recursively, one Python frame or two per level
            raise CorruptFile(f"the page's elements are nested too deep to read (beyond about "
                              f"{sys.getrecursionlimit() // 2} levels): save it again from a browser or a word "
                              "processor, or as .docx") from None
        return Document(source_format="html", blocks=walker.blocks, hints=hints)


def _decode(data: bytes) -> str:
    """Text of the page: the charset its <meta> declares, unless a BOM says otherwise, else
    what the bytes show (UTF-8, else windows-1258)."""
    declared = _META_CHARSET.search(data[:4096])
    if declared and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass  # an unknown or wrong declaration: judge by the bytes
    return decode_text(data)


def _css(tag: Tag) -> dict[str, str]:
    declarations = (d.split(":", 1) for d in (tag.get("style") or "").split(";") if ":" in d)
    return {k.strip().lower(): v.strip().lower() for k, v in declarations}


def _is_hidden(tag: Tag) -> bool:
    css = _css(tag)
    return (tag.has_attr("hidden") or css.get("display", "").startswith("none")
            or css.get("visibility", "").startswith("hidden"))


def _tags(nodes, names=None) -> list[Tag]:
    """The tags among nodes (named one of names, if given). Used where find_all would do: its
    general matching machinery took more time than the rest of this reader."""
    return [n for n in nodes if isinstance(n, Tag) and (names is None or n.name in names)]


def _drop_non_content(soup: BeautifulSoup) -> None:
    nodes = list(soup.descendants)
    # Comments, CDATA, doctype and processing instructions are NavigableString subclasses.
    for node in nodes:
        if isinstance(node, NavigableString) and type(node) is not NavigableString:
            node.extract()
    for tag in _tags(nodes, _DROP_TAGS) + [t for t in _tags(nodes) if _is_hidden(t)]:
        if not tag.decomposed:
            tag.decompose()


def _words(tag: Tag) -> set[str]:
    names = [tag.get("id") or ""] + list(tag.get("class") or [])
    return {w.lower() for name in names for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", name)}


def _drop_chrome(soup: BeautifulSoup) -> None:
    """Remove site chrome named by its tag or id/class, unless it holds most of the page's text.

    The guard keeps a document body whose wrapper happens to carry a word like "header".
    """
    half = len(soup.get_text()) / 2
    for tag in [t for t in _tags(soup.descendants) if t.name in ("header", "footer") or _words(t) & _CHROME_WORDS]:
        if not tag.decomposed and len(tag.get_text()) <= half:
            tag.decompose()


def _take_attribute_hints(soup: BeautifulSoup) -> dict[str, str]:
    """Hints from the site's attribute table (label cell, value cell), removing the table from the page."""
    for table in soup.find_all("table"):
        labelled: dict[str, str] = {}
        for row in _rows(table):
            cells = _tags(row.children, ("td", "th"))
            for label, value in zip(cells, cells[1:]):
                key = _HINT_LABELS.get(fold(label.get_text()).rstrip(": "))
                if key and key not in labelled:
                    labelled[key] = clean_line(value.get_text(" "))
        if len(labelled) >= 2:
            table.decompose()
            return {k: v for k, v in labelled.items() if v and fold(v) not in _PLACEHOLDERS}
    return {}


def _rows(table: Tag) -> list[Tag]:
    """The table's own rows, not those of tables nested in its cells."""
    rows = []
    for child in _tags(table.children, ("tr", "thead", "tbody", "tfoot")):
        rows.extend([child] if child.name == "tr" else _tags(child.children, ("tr",)))
    return rows


def _span(tag: Tag, attr: str) -> int:
    try:
        return max(1, min(int(tag.get(attr) or 1), 1000))
    except ValueError:
        return 1


_BORDER_KEY = re.compile(r"border(-(top|right|bottom|left))?(-(style|width))?")


def _borderless(table: Tag) -> bool:
    if table.get("border") not in (None, "0") or table.get("rules") not in (None, "none"):
        return False
    for tag in [table] + _tags(table.descendants, ("td", "th")):
        for key, value in _css(tag).items():
            if _BORDER_KEY.fullmatch(key) and not re.match(r"(none|hidden|0(\D|$))", value):
                return False
    return True


@dataclass(frozen=True)
class _Style:
    bold: bool = False
    italic: bool = False
    centered: bool = False


def _style_of(tag: Tag, outer: _Style) -> _Style:
    css = _css(tag)
    bold = outer.bold or tag.name in ("b", "strong", "th") or tag.name in _HEADING_TAGS
    weight = css.get("font-weight")
    if weight:
        bold = weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)
    italic = outer.italic or tag.name in ("i", "em")
    if css.get("font-style"):
        italic = css["font-style"] in ("italic", "oblique")
    centered = outer.centered or tag.name == "center"
    align = css.get("text-align") or (tag.get("align") or "").lower()
    if align:
        centered = align == "center"
    return _Style(bold, italic, centered)


@dataclass
class _Run:
    text: str
    style: _Style


_BREAK = None  # a <br> in the run stream


@dataclass
class _Line:
    text: str
    bold: bool
    italic: bool
    centered: bool
    after_blank: bool  # an empty line (two <br> in a row) came before it


@dataclass
class _Item:
    """What the enclosing li or h1-h6 makes of the next block: its kind, level and printed label."""
    list_item: bool = False
    level: int | None = None
    label: str = ""


class _Walker:
    """Walks the element tree in document order, turning runs of inline text into blocks.

    In a table cell (`in_cell`) every <br> ends a line, since a cell's lines are often a list
    of agencies, nested tables are read as text, and nothing is promoted to a heading.
    """

    def __init__(self, *, in_cell: bool):
        self.in_cell = in_cell
        self.blocks: list[Block] = []
        self._runs: list[_Run | None] = []
        self._item: _Item | None = None

    def walk(self, element: Tag, style: _Style) -> None:
        for child in element.children:
            self._node(child, style)

    def _node(self, node, style: _Style) -> None:
        if isinstance(node, NavigableString):
            self._runs.append(_Run(str(node), style))
        elif node.name == "br":
            self._runs.append(_BREAK)
        elif node.name in _HEADING_TAGS:
            self._container(node, style, _Item(level=int(node.name[1])))
        elif node.name == "table" and not self.in_cell:
            self.flush()
            self._table(node, style)
        elif node.name in ("ul", "ol"):
            self.flush()
            self._list(node, _style_of(node, style))
        elif node.name == "li":  # outside any list
            self._container(node, style, _Item(list_item=True))
        elif node.name in _BLOCK_TAGS:
            self.flush()
            self.walk(node, _style_of(node, style))
            self.flush()
        else:
            self.walk(node, _style_of(node, style))

    def _container(self, tag: Tag, style: _Style, item: _Item) -> None:
        self.flush()
        outer, self._item = self._item, item
        self.walk(tag, _style_of(tag, style))
        self.flush()
        self._item = outer

    def _list(self, tag: Tag, style: _Style) -> None:
        """List items with the marker or number a browser prints in front of them."""
        ordered = tag.name == "ol"
        fmt = _OL_FORMATS.get(tag.get("type") or "1", "decimal")
        number = _span(tag, "start")
        for child in tag.children:
            if isinstance(child, Tag) and child.name == "li":
                label = f"{format_number(number, fmt)}. " if ordered else "- "
                self._container(child, style, _Item(list_item=True, label=label))
                number += 1
            else:  # stray content between items, kept as it comes
                self._node(child, style)
        self.flush()

    def _table(self, table: Tag, style: _Style) -> None:
        for caption in _tags(table.children, ("caption",)):
            self._node(caption, style)
        rows = []
        covered: dict[int, int] = {}  # grid column -> rows a rowspan above still covers
        trs = [tr for tr in _rows(table) if _tags(tr.children, ("td", "th"))]
        for r, tr in enumerate(trs):
            row, col = [], 0
            for td in _tags(tr.children, ("td", "th")):
                while covered.get(col):
                    col += 1
                cell = TableCell(col, _cell_paragraphs(td, _style_of(td, _style_of(tr, style))),
                                 row_span=min(_span(td, "rowspan"), len(trs) - r), col_span=_span(td, "colspan"))
                for c in range(col, col + cell.col_span):
                    covered[c] = cell.row_span
                row.append(cell)
                col += cell.col_span
            covered = {c: left - 1 for c, left in covered.items() if left > 1}
            rows.append(row)
        at_start = not self.blocks
        self.blocks.extend(table_blocks(rows, borderless=_borderless(table), at_start=at_start))

    def flush(self) -> None:
        """Turn the inline runs collected so far into blocks."""
        lines, self._runs = _lines(self._runs), []
        for group in self._paragraphs(lines):
            self.blocks.append(self._block(group))

    def _paragraphs(self, lines: list[_Line]) -> list[list[_Line]]:
        """Lines joined into paragraphs: a <br> is a line wrap unless it clearly starts a new paragraph."""
        groups: list[list[_Line]] = []
        for line in lines:
            if groups and not self.in_cell and not _starts_paragraph(groups[-1][-1], line):
                groups[-1].append(line)
            else:
                groups.append([line])
        return groups

    def _block(self, lines: list[_Line]) -> Block:
        item, self._item = self._item or _Item(), None  # the li/h label applies to its first block only
        text = clean_line(item.label + " ".join(line.text for line in lines))
        bold = all(line.bold for line in lines)
        if item.list_item:
            kind = "list_item"
        else:
            kind = block_kind(text, bold=bold, heading=item.level is not None, promote=not self.in_cell)
        return Block(kind=kind, text=text, bold=bold, italic=all(line.italic for line in lines),
                     centered=all(line.centered for line in lines),
                     level=item.level if kind == "heading" else None)


def _cell_paragraphs(td: Tag, style: _Style) -> list[Block]:
    walker = _Walker(in_cell=True)
    walker.walk(td, style)
    walker.flush()
    return walker.blocks


def _lines(runs: list[_Run | None]) -> list[_Line]:
    """Split runs at <br> into non-empty lines, each with the emphasis all of its text shares."""
    lines: list[_Line] = []
    current: list[_Run] = []
    blank = False
    for run in runs + [_BREAK]:
        if run is not _BREAK:
            current.append(run)
            continue
        text = clean_line("".join(r.text for r in current))
        if text:
            inked = [r.style for r in current if r.text.strip()]
            lines.append(_Line(text, all(s.bold for s in inked), all(s.italic for s in inked),
                               all(s.centered for s in inked), after_blank=blank))
        blank = not text and bool(lines)
        current = []
    return lines


def _starts_paragraph(previous: _Line, line: _Line) -> bool:
    return (line.after_blank or bool(_ITEM_START.match(line.text))
            or (previous.bold, previous.italic) != (line.bold, line.italic))

