"""Layout rules every reader shares, so the same page gives the same blocks in any format.

- which paragraph is a heading or a list item (`block_kind`);
- when a table is only there to place text side by side (issuer | national motto at the top,
  "Nơi nhận" | signer at the bottom) and must be read as paragraphs (`table_blocks`);
- how a table cell's lines become Cell.text (`cell_text`), and how an automatic list number is printed
  (`format_number`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Block, BlockKind, Cell
from ..normalize import fold

# A bold line this short is a heading in every format; longer bold text is an emphasised
# paragraph (a plan's title block often runs to several hundred characters).
HEADING_MAX_CHARS = 300
# A list marker followed by content; a line of dashes alone is the rule under an issuer's name.
_LIST_ITEM = re.compile(r"[-+•](?=.*\w)")

# Content that only the header or signature block of a Vietnamese administrative document holds,
# in folded form: the national motto, the recipients list, "TM."/"KT."/"TL." before the signer.
_LAYOUT_MARKERS = ("cong hoa xa hoi chu nghia", "doc lap - tu do", "noi nhan")
_SIGNER_PREFIX = re.compile(r"(tm|kt|tl)[. ]")
_LAYOUT_MAX_ROWS = 4


def block_kind(text: str, *, bold: bool, heading: bool = False, promote: bool = True) -> BlockKind:
    """Kind of a block of text.

    `heading` says the source marks it as a heading (HTML h1-h6, a DOCX Heading style); an
    entirely bold short paragraph counts the same. A list marker wins over both, because
    documents often misuse heading styles for whole bullet lists. `promote=False` turns
    headings off, for text that only sits in a layout table.
    """
    if _LIST_ITEM.match(text):
        return "list_item"
    if promote and (heading or bold) and len(text) < HEADING_MAX_CHARS:
        return "heading"
    return "paragraph"


def cell_text(lines: list[str]) -> str:
    """Cell.text from a cell's lines (already clean): one line each, so agency lists stay apart."""
    return "\n".join(line for line in lines if line)


@dataclass
class TableCell:
    """One cell as a reader found it, before the table is judged to be data or layout."""
    col: int  # grid column where the cell starts, spans included
    paragraphs: list[Block] = field(default_factory=list)  # one block per line of the cell
    row_span: int = 1
    col_span: int = 1


def table_blocks(rows: list[list[TableCell]], *, borderless: bool, at_start: bool,
                 style: str | None = None) -> list[Block]:
    """A table block, or the cells' paragraphs when the table only lays text out side by side."""
    if _is_layout(rows, borderless=borderless, at_start=at_start):
        return _column_major(rows)
    table_rows = [[Cell(cell_text([p.text for p in c.paragraphs]), c.row_span, c.col_span) for c in row]
                  for row in rows if row]
    return [Block(kind="table", rows=table_rows, style=style)] if table_rows else []


def _is_layout(rows: list[list[TableCell]], *, borderless: bool, at_start: bool) -> bool:
    """A small 2-3 column table that is borderless, first in the document, or holds header/signature text.

    The size limit keeps real data tables that happen to be drawn without borders intact.
    """
    width = max((c.col + c.col_span for row in rows for c in row), default=0)
    if not 2 <= width <= 3 or len(rows) > _LAYOUT_MAX_ROWS:
        return False
    lines = [fold(p.text) for row in rows for c in row for p in c.paragraphs]
    marked = any(m in line for line in lines for m in _LAYOUT_MARKERS) or any(
        _SIGNER_PREFIX.match(line) for line in lines)
    return marked or borderless or (at_start and len(rows) <= 2)


def _column_major(rows: list[list[TableCell]]) -> list[Block]:
    """Read a layout table the way the eye does: left column top to bottom, then the next column."""
    placed = sorted((c.col, r, i) for r, row in enumerate(rows) for i, c in enumerate(row))
    return [p for col, r, i in placed for p in rows[r][i].paragraphs]


def format_number(n: int, fmt: str) -> str:
    """An automatic list number as printed, for Word's numFmt names (decimal, lowerLetter, upperRoman...)."""
    if fmt == "none":
        return ""
    if fmt in ("lowerLetter", "upperLetter"):
        # Word goes a..z, then aa..zz, then aaa..zzz.
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        return _roman(n).lower() if fmt == "lowerRoman" else _roman(n)
    if fmt == "decimalZero" and 0 <= n < 10:
        return f"0{n}"
    return str(n)


_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _roman(n: int) -> str:
    out = []
    for value, digits in _ROMAN:
        count, n = divmod(n, value)
        out.append(digits * count)
    return "".join(out)
