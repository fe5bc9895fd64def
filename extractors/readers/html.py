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

Memory grows with the text, not with the markup: pages exported from Word carry ten bytes of
styling for each byte of text, and a whole-page tree (BeautifulSoup's, some 30 bytes per byte of
markup) put a 15 MB page over the worker's memory cap. The page is parsed as a stream
(lxml's pull parser, fed in pieces as it is decoded). The elements that only wrap text (div, p,
span, font, ...) are followed through their start and end events; each heading, list and table
is read whole, once complete, with BeautifulSoup, and then removed from the tree. A first pass
over the stream measures the page's text, which decides whether a chrome-like wrapper holds the
document (see _drop_chrome).
"""
from __future__ import annotations

import codecs
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from lxml import etree

from ..encoding import decode_text
from ..errors import CorruptFile
from ..legacy_encodings import legacy_encoding, to_unicode
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
        path = Path(path)
        page = _PageText()
        _parse_text(path, page)
        stream = _Stream(page.chrome_to_drop())
        try:
            decoded_whole = _parse_events(path, stream.start, stream.end)
        except RecursionError:  # a heading, list or table is read recursively, a Python frame or two per level
            raise _too_deep(sys.getrecursionlimit() // 2) from None
        stream.walker.flush()
        blocks, hints = stream.walker.blocks, stream.hints
        if not decoded_whole:  # decode_text fixes a legacy font encoding for the other pages
            blocks, hints = _fix_legacy(blocks, hints)
        return Document(source_format="html", blocks=blocks, hints=hints)


_CHUNK_CHARS = 1 << 20
PARSER_MAX_DEPTH = 2048  # libxml2's, with huge_tree; deeper elements it hangs elsewhere
# Elements read whole once complete, as _Walker._node reads them; every other element only wraps
# text (or is dropped) and is followed through its events.
_WHOLE_TAGS = {"table", "ul", "ol", "li"} | {"h1", "h2", "h3", "h4", "h5", "h6"}
_CHROME_MARK = "data-vnplan-chrome"


def _parse_text(path: Path, target) -> None:
    """The first pass: the page through a parser target (start, end, data, close), no tree at all."""
    parser = etree.HTMLParser(target=target, huge_tree=True, remove_comments=True, remove_pis=True)
    for chunk in _text_chunks(path)[0]:
        parser.feed(chunk)
    parser.close()


def _parse_events(path: Path, start, end) -> bool:
    """The page streamed through lxml, start(element) and end(element) called in document order;
    whether it was decoded whole."""
    chunks, whole = _text_chunks(path)
    parser = etree.HTMLPullParser(events=("start", "end"), huge_tree=True, remove_comments=True, remove_pis=True)
    for chunk in chunks:
        parser.feed(chunk)
        for event, element in parser.read_events():
            (start if event == "start" else end)(element)
    parser.close()
    for event, element in parser.read_events():
        (start if event == "start" else end)(element)
    return whole


def _text_chunks(path: Path) -> tuple[Iterator[str], bool]:
    """The page's text in pieces without the embedding tags, and whether it had to be decoded whole
    (a page that is neither UTF-8 nor in the charset it declares: Windows-1258 or a legacy font encoding,
    which decode_text judges on the whole text)."""
    encoding = _stream_encoding(path)
    if encoding is None:
        text = decode_text(path.read_bytes())
        return _without_embedding((text[i:i + _CHUNK_CHARS] for i in range(0, len(text), _CHUNK_CHARS))), True
    return _without_embedding(_decoded(path, encoding)), False


def _decoded(path: Path, encoding: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK_CHARS):
            yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


def _stream_encoding(path: Path) -> str | None:
    """The encoding the page decodes in piece by piece: its BOM's, else the charset its <meta>
    declares if the bytes decode in it, else UTF-8 if they do; None otherwise."""
    with open(path, "rb") as f:
        head = f.read(4096)
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return encoding
    declared = _META_CHARSET.search(head)
    candidates = ([declared.group(1).decode("ascii")] if declared else []) + ["utf-8"]
    for encoding in candidates:
        try:
            for _ in _decoded(path, encoding):
                pass
        except (LookupError, UnicodeDecodeError):
            continue  # an unknown or wrong declaration: judge by the bytes
        return encoding
    return None


def _without_embedding(chunks: Iterator[str]) -> Iterator[str]:
    """The chunks with _EMBEDDING_TAG's tags removed, cut so that no tag straddles two of them."""
    carry = ""
    for chunk in chunks:
        text = carry + chunk
        cut = text.rfind("<")
        if cut > text.rfind(">"):
            text, carry = text[:cut], text[cut:]
        else:
            carry = ""
        yield _EMBEDDING_TAG.sub("", text)
    yield _EMBEDDING_TAG.sub("", carry)


def _is_chrome(tag: str, attrs: Mapping) -> bool:
    return tag in ("header", "footer") or bool(_words(attrs) & _CHROME_WORDS)


def _is_dropped(tag: str, attrs: Mapping) -> bool:
    return tag in _DROP_TAGS or _is_hidden(attrs)


class _PageText:
    """The first pass: the page's text length, and each chrome-like element's (by its order)."""

    def __init__(self):
        self.total = 0
        self._dropped_depth = 0  # inside a dropped element: its text does not count
        self._open: list[int | None] = []  # for each open element, its index in chrome if it is chrome-like
        self.chrome: list[int] = []  # text length of each chrome-like element, in document order

    def start(self, tag, attrs):
        tag = str(tag).lower()
        if self._dropped_depth or _is_dropped(tag, attrs):
            self._dropped_depth += 1
        index = None
        if _is_chrome(tag, attrs):
            index = len(self.chrome)
            self.chrome.append(0)
        self._open.append(index)

    def end(self, tag):
        if self._open:
            self._open.pop()
        if self._dropped_depth:
            self._dropped_depth -= 1

    def data(self, text):
        if self._dropped_depth:
            return
        self.total += len(text)
        for index in self._open:
            if index is not None:
                self.chrome[index] += len(text)

    def close(self):
        return None

    def chrome_to_drop(self) -> set[int]:
        """The chrome-like elements (by order) to drop: those not holding most of the page's text."""
        return {i for i, length in enumerate(self.chrome) if length <= self.total / 2}


@dataclass
class _Frame:
    """An open element followed through its events."""
    element: etree._Element
    style: "_Style"
    block: bool
    mode: str  # "read": its text is read; "hints": only the attribute table is looked for
    text_read: bool = False


class _Stream:
    """The second pass: elements that wrap text followed by their events, the others read whole."""

    def __init__(self, chrome_to_drop: set[int]):
        self.walker = _Walker(in_cell=False)
        self.hints: dict[str, str] = {}
        self._chrome_to_drop = chrome_to_drop
        self._chrome_seen = 0
        self._frames: list[_Frame] = []
        self._whole_depth = 0  # inside an element read whole: its events are its own

    def start(self, element):
        tag = _tag_name(element)
        if _is_chrome(tag, element.attrib):
            if self._chrome_seen in self._chrome_to_drop:
                element.set(_CHROME_MARK, "drop")
            self._chrome_seen += 1
        if self._whole_depth:
            self._whole_depth += 1
            return
        parent = self._frames[-1] if self._frames else None
        if parent is not None and element.getparent() is not parent.element:
            raise _too_deep(PARSER_MAX_DEPTH)
        if parent is not None:  # the children before this one are complete, with the text after them
            self._settle(parent, upto=parent.element.index(element))
        mode = parent.mode if parent else "read"
        if _is_dropped(tag, element.attrib):
            mode = "skip"
        elif mode == "read" and element.get(_CHROME_MARK):
            mode = "hints"
        if tag in _WHOLE_TAGS or mode == "skip":
            self._whole_depth = 1
            return
        style = _style_of_attrs(tag, element.attrib, parent.style if parent else _Style())
        frame = _Frame(element, style, block=tag in _BLOCK_TAGS, mode=mode)
        if frame.block and mode == "read":
            self.walker.flush()
        self._frames.append(frame)

    def end(self, element):
        if self._whole_depth:
            self._whole_depth -= 1
            return
        frame = self._frames.pop()
        self._settle(frame, upto=len(frame.element))
        if frame.block and frame.mode == "read":
            self.walker.flush()

    def _settle(self, frame: _Frame, upto: int) -> None:
        """Read the frame's own text and its first `upto` children (each with the text after it), then
        remove those children: they are complete, and read."""
        element = frame.element
        if not frame.text_read:
            frame.text_read = True
            self._text(frame, element.text)
        for _ in range(upto):
            child = element[0]
            self._child(frame, child)
            self._text(frame, child.tail)
            del element[0]

    def _text(self, frame: _Frame, text: str | None) -> None:
        if text and frame.mode == "read":
            self.walker._runs.append(_Run(text, frame.style))

    def _child(self, frame: _Frame, child) -> None:
        tag = _tag_name(child)
        if frame.mode == "skip" or not isinstance(tag, str) or _is_dropped(tag, child.attrib):
            return
        if tag == "br":
            if frame.mode == "read":
                self.walker._runs.append(_BREAK)
            return
        if tag not in _WHOLE_TAGS:
            return  # followed through its own events
        mode = "hints" if frame.mode == "hints" or child.get(_CHROME_MARK) else "read"
        if mode == "hints" and self.hints:
            return
        soup = BeautifulSoup(etree.tostring(child, encoding="unicode", method="html", with_tail=False), "lxml")
        _drop_non_content(soup)
        if not self.hints:
            self.hints = _take_attribute_hints(soup)
        if mode == "read":
            _drop_chrome(soup)
            for node in list((soup.body or soup).children):
                self.walker._node(node, frame.style)


def _too_deep(levels: int) -> CorruptFile:
    return CorruptFile(f"the page's elements are nested too deep to read (beyond {levels} levels): save it again "
                       "from a browser or a word processor, or as .docx")


def _tag_name(element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else tag


def _fix_legacy(blocks: list[Block], hints: dict[str, str]) -> tuple[list[Block], dict[str, str]]:
    """Blocks and hints in Unicode if the page's text is typed in TCVN3 or VNI (judged on all of it)."""
    texts = [b.text for b in blocks] + [c.text for b in blocks for row in b.rows or [] for c in row]
    encoding = legacy_encoding("\n".join(texts))
    if encoding is None:
        return blocks, hints
    for block in blocks:
        block.text = clean_line(to_unicode(block.text, encoding))
        for row in block.rows or []:
            for cell in row:
                cell.text = to_unicode(cell.text, encoding)
    return blocks, {k: clean_line(to_unicode(v, encoding)) for k, v in hints.items()}


def _attr(attrs: Mapping, name: str) -> str:
    value = attrs.get(name) or ""
    return " ".join(value) if isinstance(value, list) else value  # BeautifulSoup gives class as a list


def _css(attrs: Mapping) -> dict[str, str]:
    declarations = (d.split(":", 1) for d in _attr(attrs, "style").split(";") if ":" in d)
    return {k.strip().lower(): v.strip().lower() for k, v in declarations}


def _is_hidden(attrs: Mapping) -> bool:
    css = _css(attrs)
    return ("hidden" in attrs or css.get("display", "").startswith("none")
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
    for tag in _tags(nodes, _DROP_TAGS) + [t for t in _tags(nodes) if _is_hidden(t.attrs)]:
        if not tag.decomposed:
            tag.decompose()


def _words(attrs: Mapping) -> set[str]:
    names = [_attr(attrs, "id")] + _attr(attrs, "class").split()
    return {w.lower() for name in names for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", name)}


def _drop_chrome(soup: BeautifulSoup) -> None:
    """Remove the site chrome of a heading, list or table read whole: the elements the first pass
    marked, named by their tag or id/class, that do not hold most of the page's text.

    The guard keeps a document body whose wrapper happens to carry a word like "header".
    """
    for tag in soup.find_all(attrs={_CHROME_MARK: "drop"}):
        if not tag.decomposed:
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
        for key, value in _css(tag.attrs).items():
            if _BORDER_KEY.fullmatch(key) and not re.match(r"(none|hidden|0(\D|$))", value):
                return False
    return True


@dataclass(frozen=True)
class _Style:
    bold: bool = False
    italic: bool = False
    centered: bool = False


def _style_of(tag: Tag, outer: _Style) -> _Style:
    return _style_of_attrs(tag.name, tag.attrs, outer)


def _style_of_attrs(name: str, attrs: Mapping, outer: _Style) -> _Style:
    css = _css(attrs)
    bold = outer.bold or name in ("b", "strong", "th") or name in _HEADING_TAGS
    weight = css.get("font-weight")
    if weight:
        bold = weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)
    italic = outer.italic or name in ("i", "em")
    if css.get("font-style"):
        italic = css["font-style"] in ("italic", "oblique")
    centered = outer.centered or name == "center"
    align = css.get("text-align") or _attr(attrs, "align").lower()
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

