"""`vnplan search`: rows ranked by relevance through the `search` table macro of the published file
(schemas/search.sql builds the index it reads), shown with a snippet around the first hit."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SEARCHED_TABLES = ("documents", "sections", "objectives", "indicators", "tasks")
SNIPPET_CHARS = 160


@dataclass(frozen=True)
class Hit:
    table_name: str
    row_id: str
    doc_id: str
    score: float
    matched_terms: int
    text: str
    doc_label: str


def fold_char(c: str) -> str:
    """One character as search folds it (see the search_fold macro): đ → d, marks dropped, lower case."""
    if c in "đĐ":
        return "d"
    base = "".join(ch for ch in unicodedata.normalize("NFD", c) if not unicodedata.combining(ch))
    return base.lower()


def tokens(text: str) -> list[str]:
    """The words search indexes a text by (the Python twin of the search_tokens macro)."""
    folded = "".join(fold_char(c) for c in unicodedata.normalize("NFC", text or ""))
    return [t for t in re.split(r"[\W_]+", folded) if t]


def search(con, query: str, table: str | None = None, limit: int = 10) -> list[Hit]:
    """Best `limit` rows for `query` (of one table, or all), by the published file's `search` macro."""
    sql = """
        SELECT s.table_name, s.row_id, s.doc_id, s.score, s.matched_terms, s.text,
               coalesce(d.doc_number, regexp_extract(d.source_path, '[^/\\\\]+$'), s.doc_id) AS doc_label
        FROM search(?, top := ?, in_table := ?) s LEFT JOIN documents d USING (doc_id)
        ORDER BY s.score DESC, s.table_name, s.row_id"""
    return [Hit(*row) for row in con.execute(sql, [query, limit, table]).fetchall()]


def snippet(text: str, query: str, width: int = SNIPPET_CHARS) -> tuple[str, list[tuple[int, int]]]:
    """A window of `text` around the first query word it holds, and the spans of query words in it."""
    text = re.sub(r"\s+", " ", text or "").strip()
    words = set(tokens(query))
    spans = []
    for m in re.finditer(r"[^\W_]+", text):
        if "".join(fold_char(c) for c in m.group()) in words:
            spans.append((m.start(), m.end()))
    start = 0
    if spans and len(text) > width:
        start = max(0, min(spans[0][0] - width // 4, len(text) - width))
    end = min(len(text), start + width)
    window = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    shift = 1 if start else 0
    return window, [(a - start + shift, b - start + shift) for a, b in spans if a >= start and b <= end]


def print_hits(hits: list[Hit], query: str) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    if not hits:
        console.print(Text(f"no rows match {query!r}"))
        return
    table = Table("#", "table", "document", "score", "text", show_lines=True)
    table.columns[4].overflow = "fold"
    for i, hit in enumerate(hits, 1):
        window, spans = snippet(hit.text, query)
        text = Text(window)
        for a, b in spans:
            text.stylize("bold yellow", a, b)
        table.add_row(str(i), hit.table_name, Text(hit.doc_label), f"{hit.score:.2f}", text)
    console.print(table)
