"""Plain text and Markdown reader.

Text carries no layout, so structure comes from the lines themselves:

- hard-wrapped lines (pdftotext output, a web page saved as text) are joined back into
  paragraphs when the next line plainly continues the sentence;
- "-", "+", "•" lines are list items, kept with their marker; all-caps lines ("KẾ HOẠCH") and
  wholly bold Markdown lines are headings, Markdown "#" headings keep their level;
- tab-separated lines and Markdown pipe tables are tables, and so is a table flattened to one
  cell per line under a "TT" header, as a browser saves a web page's table;
- a law-library web page saved as text gives its attribute table (Số hiệu, Loại văn bản, ...)
  as Document.hints and loses the site's header and footer.

Page numbers exist only where the text has form feeds (\\f), which pdftotext writes between pages.
Registered last: it accepts any file that decodes as text.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..encoding import decode_text, is_text
from ..model import Block, Cell, Document
from ..normalize import clean_line, fold, normalize_text
from ..registry import register
from .layout import block_kind

MARKDOWN_EXTENSIONS = (".md", ".markdown")


@dataclass
class _Line:
    raw: str  # as in the file: tabs, trailing spaces and Markdown marks kept
    page: int | None

    @property
    def blank(self) -> bool:
        return not self.raw.strip()


@register
class TextReader:
    name = "text"

    def accepts(self, head: bytes, path: Path) -> bool:
        return is_text(head)

    def convert(self, path: Path) -> Document:
        path = Path(path)
        text = decode_text(path.read_bytes())
        markdown = path.suffix.lower() in MARKDOWN_EXTENSIONS or bool(_MARKDOWN_SIGNS.search(text))
        lines, page_count = _split_lines(text)
        lines, hints = _strip_library_page(lines)
        return Document(source_format="md" if markdown else "txt", blocks=_Builder(lines, markdown).blocks(),
                        page_count=page_count, hints=hints)


def _split_lines(text: str) -> tuple[list[_Line], int | None]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" not in text:
        return [_Line(raw, None) for raw in text.split("\n")], None
    pages = text.split("\f")
    if not pages[-1].strip():
        pages.pop()  # pdftotext ends every page with \f, the last one too
    return [_Line(raw, n) for n, page in enumerate(pages, 1) for raw in page.split("\n")], len(pages)


# --- A law-library web page saved as text -------------------------------------------------

# The site's attribute labels and the hint each fills (None: shown, not wanted).
_ATTRIBUTES = {"Số hiệu": "doc_number", "Loại văn bản": "doc_type", "Nơi ban hành": "issuer",
               "Cơ quan ban hành": "issuer", "Người ký": "signer", "Ngày ban hành": "issue_date",
               "Ngày hiệu lực": None, "Ngày công báo": None, "Số công báo": None, "Tình trạng": None}
_ATTRIBUTE_LABEL = re.compile("(" + "|".join(map(re.escape, _ATTRIBUTES)) + r")\s*:")
# Values the site shows instead of the fact ("being updated", "known" to members only), folded.
_PLACEHOLDERS = {"dang cap nhat", "da biet"}
# The attribute block sits under a few lines of site header (search box, login link).
_HEADER_MAX_LINES = 40
# Folded starts of the lines that open the site's footer.
_FOOTER_STARTS = ("van ban nay chua cap nhat noi dung tieng anh", "ban chua dang nhap thanh vien",
                  "dmca.com protection status")


def _strip_library_page(lines: list[_Line]) -> tuple[list[_Line], dict[str, str]]:
    """Hints from the attribute block, and the body without the site's header and footer.

    Everything above the attribute block is site header; the footer starts at the first line
    the site always prints there. A text without the attribute block is left as it is.
    """
    start = next((i for i, line in enumerate(lines[:_HEADER_MAX_LINES]) if _is_attribute_line(line.raw)), None)
    if start is None:
        return lines, {}
    end = start
    while end < len(lines) and _ATTRIBUTE_LABEL.match(normalize_text(lines[end].raw).strip()):
        end += 1
    hints = _attribute_hints(" ".join(line.raw for line in lines[start:end]))
    body = lines[end:]
    footer = next((i for i, line in enumerate(body) if fold(line.raw).startswith(_FOOTER_STARTS)), len(body))
    return body[:footer], hints


def _is_attribute_line(raw: str) -> bool:
    text = normalize_text(raw).strip()
    return bool(_ATTRIBUTE_LABEL.match(text)) and len(_ATTRIBUTE_LABEL.findall(text)) >= 2


def _attribute_hints(text: str) -> dict[str, str]:
    parts = _ATTRIBUTE_LABEL.split(normalize_text(text))
    hints: dict[str, str] = {}
    for label, value in zip(parts[1::2], parts[2::2]):
        key, value = _ATTRIBUTES[label], clean_line(value)
        if key and value and fold(value) not in _PLACEHOLDERS:
            hints.setdefault(key, value)
    return hints


# --- Markdown inline marks ------------------------------------------------------------------

_MARKDOWN_SIGNS = re.compile(
    r"^ {0,3}#{1,6}[ \t]+\S"  # a heading
    r"|\*\*[^*\s][^*]*\*\*|(?<!\w)__[^_\s][^_]*__(?!\w)"  # bold
    r"|^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*\|",  # a pipe table's separator row
    re.M,
)
_MD_HEADING = re.compile(r" {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_PIPE_SEPARATOR = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_HARD_BREAK = re.compile(r"( {2,}|\\)$")
# Bold or italic marks left at a line's start or end when the span's other mark is on another line.
_UNPAIRED_MARKS = re.compile(r"^(\*\*|__)+|(\*\*?|__?)+$")
# A backslash-escaped character is parked in a private-use plane while emphasis is parsed, so
# "\*" stays a literal star and "\|" a literal bar.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_PARKED = re.compile("[\U000f0000-\U000f007f]")
_PARK = 0xF0000
_BOLD_SPAN = re.compile(r"\*\*(.+?)\*\*|(?<!\w)__(.+?)__(?!\w)")
_ITALIC_SPAN = re.compile(r"(?<!\*)\*(?![\s*])(.+?)(?<![\s*])\*(?!\*)|(?<!\w)_(?![\s_])(.+?)(?<![\s_])_(?!\w)")


def _park(md: str) -> str:
    return _ESCAPED.sub(lambda m: chr(_PARK + ord(m.group(1))), md)


def _unpark(text: str) -> str:
    return _PARKED.sub(lambda m: chr(ord(m.group()) - _PARK), text)


def _strip_emphasis(parked: str) -> str:
    for span in (_BOLD_SPAN, _ITALIC_SPAN):  # bold first: "***both***" is *(**both**)*
        parked = span.sub(lambda m: m.group(1) or m.group(2), parked)
    return parked


def _unmark(md: str) -> str:
    """Markdown inline text as read: emphasis marks and escaping backslashes removed."""
    return _unpark(_strip_emphasis(_park(md)))


def _wholly(md: str, span: re.Pattern) -> bool:
    """Whether the text is entirely inside spans of one emphasis (several spans may follow each other)."""
    parked = _park(md)
    return bool(span.search(parked)) and not span.sub("", parked).strip()


def _close_emphasis(md: str) -> tuple[str, str]:
    """The text with the bold and italic spans still open at its end closed, and the marks that
    reopen them: a bold signature block split at its line breaks stays bold line by line."""
    parked = _without_bullet(_park(md))
    marks = ("**" if parked.count("**") % 2 else "") + ("*" if parked.replace("**", "").count("*") % 2 else "")
    return md + marks, marks


# --- Where a line starts, ends, and whether the next one continues it -----------------------

# A bullet ("- x", "-x", "+ x", "• x"; "* x" in Markdown) or an outline label ("I.", "II-",
# "1.", "1.2.", "a)", "đ.") at the start of a line begins a new item: such a line never
# continues the one before.
_BULLET = re.compile(r"[-+•](?=[^\W\d_])|[-+•]\s+(?=\S)")
_MD_BULLET = re.compile(r"\*\s+(?=\S)")
_OUTLINE = re.compile(
    r"([IVXLC]+[.)\-]|\d{1,3}(\.\d{1,3})*[.)]|\d{1,3}(\.\d{1,3})+(?=\s)|[a-zđ]\)|[a-zđ]\.(?=\s))"
    r"(?=\s|[^\W\d_])"  # "1.5" and "2030." are numbers, not labels
)
_SENTENCE_END = re.compile(r"[.:;!?…]['\"”’)\]]*$")
# A line ending like this leaves its clause open, so the next line continues it even when
# that line starts with a capital ("... phối hợp với Sở" / "Y tế").
_OPEN_END = re.compile(r"([,(/]|\s[–-])$")
_OPEN_WORDS = frozenset("của và với các những tại theo cho trong về số là hoặc để do từ đến như nhằm thuộc "
                        "trên giữa bởi vào mà thì nhưng cùng hay".split())
# "... Kế hoạch số 229-" / "KH/TU": a document number cut at its hyphen is rejoined without a space.
_CUT_NUMBER = re.compile(r"\d-$")
# In hard-wrapped text, a line that reaches this share of the wrap width and keeps a trailing
# space (pdftotext's mark of a wrap) was cut by the wrap, not ended by the author.
_WRAPPED_SHARE = 0.7
# Text is hard-wrapped when nearly all its lines fit this width.
_MAX_WRAP_WIDTH = 120
_WRAP_PERCENTILE = 0.95


def _starts_item(text: str) -> bool:
    return bool(_BULLET.match(text) or _MD_BULLET.match(text) or _OUTLINE.match(text))


def _without_bullet(text: str) -> str:
    m = _BULLET.match(text) or _MD_BULLET.match(text)
    return text[m.end():] if m else text


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


def _is_row_number(text: str) -> bool:
    """A bare number, or one before a capitalised word: the TT of a table row, a page number."""
    head, _, rest = text.partition(" ")
    return head.isdigit() and (not rest or rest[0].isupper())


def _leaves_clause_open(text: str) -> bool:
    words = text.split()
    return bool(_OPEN_END.search(text)) or (bool(words) and words[-1].lower() in _OPEN_WORDS)


def _wrap_width(lines: list[_Line]) -> int | None:
    lengths = sorted(len(line.raw.strip()) for line in lines if not line.blank)
    if not lengths:
        return None
    width = lengths[int((len(lengths) - 1) * _WRAP_PERCENTILE)]
    return width if width <= _MAX_WRAP_WIDTH else None


# --- Blocks ----------------------------------------------------------------------------------

_TAB_ROW = re.compile(r"\S[^\n]*\t")  # a tab after some text: leading tabs alone only indent


class _Builder:
    def __init__(self, lines: list[_Line], markdown: bool):
        self.lines = lines
        self.markdown = markdown
        self.wrap = None if markdown else _wrap_width(lines)
        self.reopen = ""  # Markdown emphasis left open by the line break that ended the last paragraph

    def blocks(self) -> list[Block]:
        blocks: list[Block] = []
        i = self._next_content(0)
        while i < len(self.lines):
            if self._starts_tab_table(i):
                block, i = self._tab_table(i)
            elif self._starts_pipe_table(i):
                block, i = self._pipe_table(i)
            elif self._md_heading(i):
                block, i = self._heading(i), i + 1
            else:
                block, i = self._paragraph(i)
            if block is not None:
                blocks.append(block)
            i = self._next_content(i)
        return _rebuild_flat_tables(blocks)

    def _next_content(self, i: int) -> int:
        while i < len(self.lines) and self.lines[i].blank:
            i += 1
        return i

    def _starts_structure(self, i: int) -> bool:
        return self._starts_tab_table(i) or self._starts_pipe_table(i) or bool(self._md_heading(i))

    # Tables -----------------------------------------------------------------------------------

    def _starts_tab_table(self, i: int) -> bool:
        """Two consecutive tab rows: a single line with a tab is only spacing."""
        return all(j < len(self.lines) and _TAB_ROW.search(self.lines[j].raw) for j in (i, i + 1))

    def _tab_table(self, start: int) -> tuple[Block, int]:
        end = start
        while end < len(self.lines) and _TAB_ROW.search(self.lines[end].raw):
            end += 1
        # Empty cells are kept: they hold the other cells in their columns.
        return _table([line.raw.split("\t") for line in self.lines[start:end]], self.lines[start].page), end

    def _starts_pipe_table(self, i: int) -> bool:
        return (self.markdown and i + 1 < len(self.lines) and "|" in self.lines[i].raw
                and "|" in self.lines[i + 1].raw and bool(_PIPE_SEPARATOR.fullmatch(self.lines[i + 1].raw)))

    def _pipe_table(self, start: int) -> tuple[Block, int]:
        rows = [_pipe_cells(self.lines[start].raw)]  # the separator row under the header is dropped
        i = start + 2
        while i < len(self.lines) and not self.lines[i].blank and "|" in self.lines[i].raw:
            rows.append(_pipe_cells(self.lines[i].raw))
            i += 1
        return _table(rows, self.lines[start].page), i

    # Headings and paragraphs --------------------------------------------------------------------

    def _md_heading(self, i: int) -> re.Match | None:
        return _MD_HEADING.match(self.lines[i].raw) if self.markdown else None

    def _heading(self, i: int) -> Block | None:
        marks, content = self._md_heading(i).groups()
        text = clean_line(_unmark(content))
        if not text:
            return None
        bold = _wholly(content, _BOLD_SPAN)
        kind = block_kind(text, bold=bold, heading=True)
        return Block(kind=kind, text=text, page=self.lines[i].page, bold=bold,
                     level=len(marks) if kind == "heading" else None)

    def _paragraph(self, start: int) -> tuple[Block, int]:
        """The line at start and every following line that continues it."""
        parts, self.reopen = [self.reopen + self._content(self.lines[start].raw)], ""
        last = start
        while (nxt := self._next_content(last + 1)) < len(self.lines) and not self._starts_structure(nxt):
            if not self._continues(self.lines[last].raw, self.lines[nxt].raw, blanks=nxt - last - 1):
                if self.markdown and nxt == last + 1:
                    closed, self.reopen = _close_emphasis("".join(parts))
                    parts = [closed]
                break
            glue = "" if _CUT_NUMBER.search(self._visible(self.lines[last].raw)) else " "
            parts.append(glue + self._content(self.lines[nxt].raw))
            last = nxt
        return self._block("".join(parts), self.lines[start].page), last + 1

    def _content(self, raw: str) -> str:
        text = raw.strip()
        return text.removesuffix("\\").rstrip() if self.markdown else text

    def _visible(self, raw: str) -> str:
        """A line as read, to judge how it starts and ends: Markdown marks dropped, even those
        whose partner is on another line."""
        text = raw.strip()
        return _UNPAIRED_MARKS.sub("", _unmark(text)) if self.markdown else text

    def _continues(self, last_raw: str, next_raw: str, *, blanks: int) -> bool:
        """Whether the next non-blank line continues the paragraph whose last line is last_raw.

        At most one blank line may fall between the two: pdftotext puts one inside paragraphs.
        """
        last, nxt = self._visible(last_raw), self._visible(next_raw)
        if blanks > 1 or not nxt or _starts_item(nxt):
            return False
        if _CUT_NUMBER.search(last):
            return True
        if _is_caps(last) != _is_caps(nxt):
            return False  # "KẾ HOẠCH" over its title, a caps heading over body text
        if nxt[0].islower():
            return True
        if self.markdown and not blanks and not _HARD_BREAK.search(last_raw):
            return True  # Markdown's soft line break: the same paragraph
        if _SENTENCE_END.search(last):
            return False
        if nxt[0].isdigit():
            return not _is_row_number(nxt)
        return _leaves_clause_open(last) or (not blanks and self._wrapped(last_raw))

    def _wrapped(self, raw: str) -> bool:
        return (self.wrap is not None and raw != raw.rstrip()
                and len(raw.strip()) >= self.wrap * _WRAPPED_SHARE)

    def _block(self, text: str, page: int | None) -> Block:
        visible = clean_line(self._visible(text))
        if self.markdown and _MD_BULLET.match(text):
            visible = "-" + visible[1:]  # Markdown's "*" bullet is syntax for the document's "-"
        body = _without_bullet(text)
        bold = self.markdown and _wholly(body, _BOLD_SPAN)
        italic = self.markdown and not bold and _wholly(body, _ITALIC_SPAN)
        structure_line = _is_caps(visible) and not _OUTLINE.match(visible)
        kind = block_kind(visible, bold=bold, heading=structure_line)
        return Block(kind=kind, text=visible, page=page, bold=bold, italic=italic)


def _pipe_cells(raw: str) -> list[str]:
    parked = _park(raw.strip()).removeprefix("|").removesuffix("|")
    return [_unpark(_strip_emphasis(cell)) for cell in parked.split("|")]


def _table(rows: list[list[str]], page: int | None) -> Block:
    width = max(len(row) for row in rows)
    return Block(kind="table", page=page,
                 rows=[[Cell(clean_line(text)) for text in row + [""] * (width - len(row))] for row in rows])


# --- Tables flattened to one cell per line -----------------------------------------------------

# Saving a web page as text puts every table cell on a line of its own. Such a table is found by
# its header: "TT" (the row number column), a few short column titles, then the line "1".
_ROW_NUMBER_HEADERS = {"tt", "stt"}
_MAX_COLUMNS = 12
_MAX_HEADER_CHARS = 60


def _rebuild_flat_tables(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        width = _flat_header_width(blocks, i)
        if width:
            table, i = _flat_table(blocks, i, width)
            out.append(table)
        else:
            out.append(blocks[i])
            i += 1
    return out


def _flat_header_width(blocks: list[Block], start: int) -> int:
    if fold(blocks[start].text) not in _ROW_NUMBER_HEADERS:
        return 0
    for i in range(start + 1, min(start + _MAX_COLUMNS + 1, len(blocks))):
        block = blocks[i]
        if block.kind != "table" and block.text == "1":
            return i - start if i - start >= 3 else 0
        if block.kind == "table" or len(block.text) > _MAX_HEADER_CHARS:
            return 0
    return 0


def _flat_table(blocks: list[Block], start: int, width: int) -> tuple[Block, int]:
    """The table whose header starts at `start`, and the index of the first block after it.

    A row runs from its number to the line holding the next number. The last row, which no
    number ends, takes one line per column.
    """
    limit = next((i for i in range(start, len(blocks)) if blocks[i].kind == "table"), len(blocks))
    texts = [b.text for b in blocks[start:limit]]
    header, rows = texts[:width], []
    i = width
    while i < len(texts) and texts[i] == str(len(rows) + 1):
        following = str(len(rows) + 2)
        window = texts[i + 1:i + 2 * width]
        end = i + 1 + window.index(following) if following in window else min(i + width, len(texts))
        rows.append((texts[i], texts[i + 1:end]))
        i = end
    grid = [header, *_fit_rows(rows, width)]
    table = Block(kind="table", page=blocks[start].page, rows=[[Cell(text) for text in row] for row in grid])
    return table, start + i


def _fit_rows(rows: list[tuple[str, list[str]]], width: int) -> list[list[str]]:
    """Rows of exactly `width` cells: short rows padded, a cell spread over lines put back together."""
    columns = width - 1
    regular = [cells for _, cells in rows if len(cells) == columns]
    # How many regular rows use each word in each column.
    usage = [Counter(w for cells in regular for w in set(_words(cells[c]))) for c in range(columns)]
    out = []
    for number, cells in rows:
        if len(cells) > columns:
            cells = _merge_cell_lines(cells, columns, usage)
        out.append([number, *cells, *[""] * (columns - len(cells))])
    return out


def _merge_cell_lines(lines: list[str], columns: int, usage: list[Counter]) -> list[str]:
    """A row with more lines than columns: one cell held several lines ("Sở Y tế" / "Sở Giáo dục").

    Every choice of the cell that takes the extra lines is tried; the one kept puts each line in
    a column whose regular rows use its words most.
    """
    extra = len(lines) - columns

    def placement(j: int) -> list[int]:
        return [*range(j), *[j] * (extra + 1), *range(j + 1, columns)]

    def fit(j: int) -> float:
        return sum(_likeness(line, usage[column]) for line, column in zip(lines, placement(j)))

    j = max(range(columns), key=fit)
    # One line per cell line, as every reader writes a multi-line cell, so agency lists stay apart.
    return lines[:j] + ["\n".join(lines[j:j + extra + 1])] + lines[j + extra + 1:]


def _words(text: str) -> list[str]:
    # Case and tone marks kept: "Sở" (an agency) is not the "sở" of "cơ sở" nor "số".
    return re.findall(r"\w+", text)


def _likeness(text: str, usage: Counter) -> float:
    words = _words(text)
    return sum(usage[w] for w in words) / len(words) if words else 0.0
