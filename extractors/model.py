"""The one document model every reader produces and every record extractor reads.

A document is an ordered list of blocks. Readers decide what a block is from the layout of
their format; record extractors only ever see blocks, never the source format.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table"]


@dataclass
class Cell:
    text: str
    row_span: int = 1
    col_span: int = 1


@dataclass
class Block:
    kind: BlockKind
    text: str = ""
    page: int | None = None
    # Layout facts a reader could see; extractors use them as hints, never as the only signal.
    bold: bool = False
    italic: bool = False
    centered: bool = False
    level: int | None = None  # heading level when the source states it (HTML h1-h6, Markdown #, DOCX Heading N)
    style: str | None = None  # source style name, e.g. a DOCX paragraph style
    rows: list[list[Cell]] | None = None  # tables only: rows of cells; spanned-over positions are omitted
    # Tables only: the page of each row, for a table that runs over several pages (None: all on `page`).
    row_pages: list[int] | None = None

    def grid(self) -> list[list[str]]:
        """The table as a rectangular grid, a merged cell's text repeated in every position it covers."""
        if self.rows is None:
            return []
        pending: dict[int, tuple[int, str]] = {}  # column -> (rows still covered, text) for vertical merges
        out: list[list[str]] = []
        for row in self.rows:
            line: list[str] = []
            cells = iter(row)
            col = 0
            while True:
                if col in pending:
                    left, text = pending[col]
                    line.append(text)
                    if left <= 1:
                        del pending[col]
                    else:
                        pending[col] = (left - 1, text)
                    col += 1
                    continue
                cell = next(cells, None)
                if cell is None:
                    break
                for k in range(max(1, cell.col_span)):
                    line.append(cell.text)
                    if cell.row_span > 1:
                        pending[col + k] = (cell.row_span - 1, cell.text)
                col += max(1, cell.col_span)
            while col in pending:  # vertical merges at the right edge of a short row
                left, text = pending.pop(col)
                line.append(text)
                if left > 1:
                    pending[col] = (left - 1, text)
                col += 1
            out.append(line)
        width = max((len(r) for r in out), default=0)
        return [r + [""] * (width - len(r)) for r in out]


@dataclass
class Document:
    source_format: str  # html, pdf, pdf_scanned (some page OCRed), docx, doc, txt, md, image
    blocks: list[Block] = field(default_factory=list)
    page_count: int | None = None
    ocr_used: bool = False
    ocr_confidence: float | None = None  # mean confidence (0-100) of the words read by OCR
    # What the source states about itself outside the body, e.g. the attribute table of a
    # law-library HTML page: keys doc_number, doc_type, issuer, signer, issue_date (verbatim text).
    hints: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """Plain text of the whole document, tables flattened row by row."""
        parts = []
        for b in self.blocks:
            if b.kind == "table":
                parts.extend(" | ".join(r) for r in b.grid())
            else:
                parts.append(b.text)
        return "\n".join(parts)
