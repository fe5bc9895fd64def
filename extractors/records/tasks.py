"""Tasks: the rows of a responsibility table (TT | Nội dung | chủ trì | phối hợp | thời gian ...).

A table is a task table when a header row names a TT column, a content column and a lead column (or
a combined "Chủ trì/phối hợp" one), in any order, possibly over two rows (a merged "Cơ quan thực
hiện" above "Chủ trì | Phối hợp", or a name wrapped over two rows). The header vocabulary is
extractors/data/task_columns.csv: `header` rows name a column kind by meaning (the lead is whoever
carries the task out: "chủ trì", "đơn vị / cơ quan / người thực hiện", "trách nhiệm"; "Số ngày dự
kiến" is a deadline column holding a duration), tried in file order so the more specific phrases
come first ("Đơn vị phối hợp thực hiện" is a partner column, not a deadline one); `value` rows are
the words a deadline cell begins with, and the word that opens the partners in a lead's cell.

Reading the body: a group row names the group of the rows below: a TT of letters ("I", "A"), one
text spanning the row, a row naming no agency nor date ("3 | Tăng cường hợp tác"), or, in a table
that numbers its tasks, a row without a number that names no lead or is numbered in a second column
("Chi tiết": "2" above its items "a)", "b)"); a task whose number OCR lost still names its lead. A
task numbered right after its group's title is a sibling of that group, not a member. A numbering row "(1) (2) (3)" and a repeated header are
skipped. A row continues the task above when its TT and content repeat it (a vertically merged
task), when its TT and content are empty, or when its TT is empty and it opens a page (the rest of
a row cut by a page break) without a numbering label of its own. seq is the last integer printed in
the TT column: "3.9" (item 9 of group 3) gives 9, as numbering restarted in each group would; a TT
with no digits gives None. Each task keeps the page its row starts on.

A table that lost its cells (text of a PDF, one paragraph per cell fragment) is read by
`flattened_tasks`: see there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from schemas.records import TaskRecord

from ..domain import table
from ..model import Block, Document
from ..normalize import clean_line, fold, word_key
from .agencies import agency_pieces, looks_like_agency, split_agencies, starts_agency
from .dates import parse_deadline

_REQUIRED = {"seq", "content", "lead"}
_TEXT_KINDS = ("content", "lead", "partner", "monitor", "deadline", "output", "note")
# Columns whose text makes a row a task rather than the title of a group of tasks.
_TASK_KINDS = ("lead", "partner", "lead_partner", "monitor", "deadline", "output")
_HEADER_START_ROWS = 3  # a header stands among the first rows of its table
_HEADER_DEPTH = 2  # rows a header may need before it names the TT, content and lead columns
_MAX_HEADER_WORDS = 30  # a flattened header paragraph is short; a sentence is not a header
_MAX_HEADER_CELL_WORDS = 8  # a header cell names its column in a few words
_GROUP_LABEL = re.compile(r"(?:[IVXLC]+|[A-Z])[.)]?")
_GROUP_ROW = re.compile(r"((?:[IVXLC]+|[A-Z])[.)])\s+(\S.*)")
_NUMBERING = re.compile(r"\(?\d{1,2}\)?")
_DEADLINE_LOOKAHEAD = 40  # characters enough to hold the longest deadline `value` phrase
_LEADING_NUMBER = re.compile(r"(\d{1,3})[.)]?(?:\s+(.*)|$)", re.DOTALL)
# A numbering label in its own cell: "3", "3.9", "a)", "II.", "đ)".
_LABEL = re.compile(r"(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]+|[a-zđ])[.)]?", re.IGNORECASE)
_HEADER_PUNCT = re.compile(r"[/,;&+\-–]")


@dataclass
class _Draft:
    """A task being read: each column's text, gathered row by row."""
    seq_text: str
    page: int | None
    group: str | None
    parts: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in _TEXT_KINDS})

    def add(self, kind: str, text: str) -> None:
        text = text.strip()
        # A merged cell's text comes once per row it covers: keep it once.
        if text and (not self.parts[kind] or self.parts[kind][-1] != text):
            self.parts[kind].append(text)

    def last(self, kind: str) -> str:
        return self.parts[kind][-1] if self.parts[kind] else ""


def extract_tasks(doc: Document, doc_id: str) -> list[TaskRecord]:
    drafts = table_tasks(doc.blocks) + flattened_tasks(doc.blocks)
    return [_record(d, doc_id, n) for n, d in enumerate(drafts, 1) if d.parts["content"]]


# --- real tables -------------------------------------------------------------------------------

@dataclass
class _Header:
    end: int  # first body row
    columns: dict[str, int]  # kind -> column
    first_row: list[str]


def table_tasks(blocks: list[Block]) -> list[_Draft]:
    """Drafts from every task table. A table whose header matches the previous task table's, or that
    has no header but the same width, goes on from it: its first rows may finish a task cut by a page."""
    reader = _TableReader()
    for block in blocks:
        if block.kind == "heading":
            reader.previous = None  # a new part of the document: the next table starts afresh
        elif block.kind == "table":
            reader.read(block)
    return reader.drafts


@dataclass
class _Group:
    name: str
    column: int | None = None  # the column its numbering label stands in, if it has one
    label: str = ""  # that numbering label: a task numbered next after it is its sibling, not a member


class _TableReader:
    """Reads task tables in document order, keeping what a table cut by a page break needs: the
    task in progress, its group, and whether the table numbers its tasks."""

    def __init__(self) -> None:
        self.drafts: list[_Draft] = []
        self.current: _Draft | None = None  # the task the next row may go on with
        self.group: _Group | None = None
        self.numbered = False  # the TT column numbers the tasks: a row without a number may be a group title
        self.previous: _Header | None = None  # header of the task table just read

    def read(self, block: Block) -> None:
        grid = block.grid()
        header = _find_header(grid)
        if header is None and self.previous and _continues_table(grid, self.previous):
            header = _Header(0, self.previous.columns, self.previous.first_row)
        if not (self.previous and header and self.previous.columns == header.columns):
            self.current, self.group, self.numbered = None, None, False
        self.previous = header
        if header is None:
            return
        body = range(header.end, len(grid))
        self.numbered = self.numbered or any(re.search(r"\d", grid[r][header.columns["seq"]]) for r in body)
        pages = block.row_pages or [block.page] * len(grid)
        after_break = True
        for r in body:
            row = grid[r]
            if r > header.end and pages[r] != pages[r - 1]:
                after_break = True  # a table joined over a page break: this row may finish the one above
            if _is_numbering(row) or _repeats_header(row, header.columns):
                after_break = True  # a numbering row, or the header repeated
            elif any(cell.strip() for cell in row):
                self._read_row(row, header.columns, pages[r], after_break)
                after_break = False

    def _read_row(self, row: list[str], cols: dict[str, int], page: int | None, after_break: bool) -> None:
        if group := _group_row(row, cols):
            self.group, self.current = group, None
            return
        tt, content = row[cols["seq"]].strip(), row[cols["content"]].strip()
        current = self.current
        merged = current and tt and tt == current.seq_text and content == current.last("content")
        labelled = any(_LABEL.fullmatch(row[c].strip()) for c in range(cols["content"]) if c != cols["seq"])
        # At a page top, a row without TT goes on with the task the break cut: surely in a table that
        # numbers its tasks, and where TT is left blank only when its content goes on mid-sentence.
        cut = after_break and (self.numbered or content[:1].islower())
        goes_on = current and not tt and not labelled and (cut or not content)
        if not (merged or goes_on):
            if not content:
                return
            lead = row[cols.get("lead", cols.get("lead_partner"))].strip()
            unnumbered = self.numbered and not tt and (labelled or not lead)
            if unnumbered or not any(row[c].strip() for k, c in cols.items() if k in _TASK_KINDS):
                # A title over the tasks below: naming no agency nor date, or, among numbered rows,
                # unnumbered and either numbered in another column ("Chi tiết") or naming no lead.
                self.group, self.current = _titled_group(row, cols), None
                return
            if self.group and self.group.column is not None and _follows(row[self.group.column], self.group.label):
                self.group = None  # numbered next after the group's title: a sibling of it, not a member
            self.current = _Draft(tt, page, self.group.name if self.group else None)
            self.drafts.append(self.current)
        for kind, col in cols.items():
            if kind == "lead_partner" or (kind == "lead" and "partner" not in cols):
                # Partners named in the lead's cell, as a table with no partner column must.
                lead, partner = _split_lead_partner(row[col], by_lines=kind == "lead_partner")
                self.current.add("lead", lead)
                self.current.add("partner", partner)
            elif kind in _TEXT_KINDS:
                self.current.add(kind, row[col])


def _continues_table(grid: list[list[str]], previous: _Header) -> bool:
    """A headerless table of the same width whose first TT cell is empty or numbered: the page after."""
    if not grid or len(grid[0]) != len(previous.first_row):
        return False
    tt = grid[0][previous.columns["seq"]].strip()
    return not tt or bool(re.search(r"\d", tt)) or bool(_GROUP_LABEL.fullmatch(tt))


def _find_header(grid: list[list[str]]) -> _Header | None:
    for r in range(min(_HEADER_START_ROWS, len(grid))):
        for depth in range(1, _HEADER_DEPTH + 1):
            if _is_task_header(_column_kinds(grid[r:r + depth])):
                end = r + depth
                while end < len(grid) and _continues_header(grid, r, end):
                    end += 1
                return _Header(end, _column_kinds(grid[r:end]), grid[r])
    return None


def _is_task_header(kinds: dict[str, int]) -> bool:
    return {"seq", "content"} <= kinds.keys() and bool({"lead", "lead_partner"} & kinds.keys())


def _continues_header(grid: list[list[str]], start: int, row: int) -> bool:
    """Row `row` still belongs to the header: the TT cell spans down to it, it names the columns
    again, or it names only columns, one of them new ("Chủ trì | Phối hợp" under a merged "Cơ quan
    thực hiện")."""
    above = _column_kinds(grid[start:row])
    seq = above["seq"]
    if grid[row][seq].strip() and grid[row][seq] == grid[start][seq]:
        return True
    if _is_task_header(_column_kinds([grid[row]])):
        return True  # a second header row naming the columns again ("Stt" above "TT | Chi tiết")
    cells = [c for c in grid[row] if c.strip()]
    return bool(cells) and all(map(_kind_of, cells)) and bool(_column_kinds([grid[row]]).keys() - above.keys())


def _column_kinds(rows: list[list[str]]) -> dict[str, int]:
    """Kind of each column; first column of a kind wins. A column is named by its lowest header row
    ("Chủ trì" under a merged "Cơ quan chủ trì, phối hợp"), else by its text stacked over the
    header rows (a name wrapped over two rows: "Đơn vị" above "thực hiện")."""
    kinds: dict[str, int] = {}
    for col in range(len(rows[0]) if rows else 0):
        stacked = " ".join(dict.fromkeys(row[col] for row in rows if row[col].strip()))
        kind = _kind_of(rows[-1][col]) or _kind_of(stacked)
        if kind and kind not in kinds:
            kinds[kind] = col
    return kinds


def _kind_of(header_text: str) -> str | None:
    folded = _header_key(header_text)
    return next((kind for kind, pattern in _header_phrases() if pattern.search(folded)), None)


def _header_key(text: str) -> str:
    """Folded header text, its punctuation a space: "Chủ trì/phối hợp" reads as "chu tri phoi hop"."""
    return " ".join(_HEADER_PUNCT.sub(" ", fold(text)).split())


@lru_cache(maxsize=None)
def _header_phrases() -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((r["kind"], re.compile(rf"(?<!\w){re.escape(_header_key(r['phrase']))}(?!\w)"))
                 for r in table("task_columns") if r["part"] == "header")


def _repeats_header(row: list[str], cols: dict[str, int]) -> bool:
    """A header repeated in the body (a page top), even with a name misread by OCR: short cells that
    name at least three of the header's columns, each in its own place."""
    named = sum(len(row[col].split()) <= _MAX_HEADER_CELL_WORDS and _kind_of(row[col]) == kind
                for kind, col in cols.items())
    return named >= 3


def _is_numbering(row: list[str]) -> bool:
    cells = [c.strip() for c in row if c.strip()]
    return len(cells) >= 2 and all(_NUMBERING.fullmatch(c) for c in cells)


def _group_row(row: list[str], cols: dict[str, int]) -> _Group | None:
    """The group a row opens by its form: a TT of letters ("I", "A."), or one text spanning the row."""
    seq = cols["seq"]
    tt = row[seq].strip()
    if _GROUP_LABEL.fullmatch(tt):
        title = next((c.strip() for i, c in enumerate(row) if i != seq and c.strip()), "")
        return _Group(f"{tt.rstrip('.)')}. {title}" if title else tt, seq, tt)
    if _GROUP_ROW.fullmatch(tt):
        return _Group(tt)
    texts = [c.strip() for c in row if c.strip()]
    if len(texts) > 1 and len(set(texts)) == 1:  # one cell spanning the row
        return _Group(texts[0])
    return None


def _titled_group(row: list[str], cols: dict[str, int]) -> _Group:
    """A group row found by its content: its title, after the numbering label printed left of it
    (in the TT column, or in a second numbering column such as "Chi tiết")."""
    content = row[cols["content"]].strip()
    for col in range(cols["content"]):
        label = row[col].strip()
        if _LABEL.fullmatch(label):
            return _Group(f"{label.rstrip('.)')}. {content}", col, label)
    return _Group(content)


def _follows(label: str, previous: str) -> bool:
    """Is label the number right after previous at the same depth ("8" after "7", "3.10" after "3.9")?
    Only the next one: a misread "43" for "4.3" under group "4" stays in it."""
    parts, before = (re.fullmatch(r"(\d+(?:\.\d+)*)[.)]?", x.strip()) for x in (label, previous))
    if not (parts and before):
        return False
    *head, last = parts.group(1).split(".")
    *head_before, last_before = before.group(1).split(".")
    return head == head_before and int(last) == int(last_before) + 1


def _split_lead_partner(cell: str, by_lines: bool) -> tuple[str, str]:
    """A cell naming the lead and then the partners, after a "phối hợp" word or, in a combined
    "Chủ trì/phối hợp" column (by_lines), on the lines below the first."""
    for word in _lead_partner_words():
        if m := re.search(rf"(?<!\w){re.escape(word)}(?!\w)", cell, re.IGNORECASE):
            return _strip_role(cell[:m.start()]), _strip_role(cell[m.end():])
    if not by_lines:
        return cell, ""
    first, _, rest = cell.strip().partition("\n")
    return first, rest


def _strip_role(text: str) -> str:
    """A piece of a combined cell without its role words: "Sở Y tế chủ trì," -> "Sở Y tế"."""
    text = re.sub(r"(?i)(?<!\w)(chủ trì|với)(?!\w)", " ", text)
    return text.strip(" :,;-–\n")


@lru_cache(maxsize=None)
def _lead_partner_words() -> tuple[str, ...]:
    return tuple(r["phrase"] for r in table("task_columns") if r["kind"] == "lead_partner" and r["part"] == "value")


# --- flattened tables --------------------------------------------------------------------------

def flattened_tasks(blocks: list[Block]) -> list[_Draft]:
    """Drafts from a table that reached us as paragraphs (PDF text that lost its cells).

    It opens with a few short paragraphs reading like a header: TT, then content, lead and
    optionally partner and deadline words, in that order. Then a paragraph opening with the next
    number (1, 2, ...) starts each task; a repeated header at a page top is dropped. Within a task,
    the content runs up to the first capitalized agency name from which the rest reads as agency
    names followed by a deadline (a deadline `value` word). The agencies split into lead and
    partner at a break that no comma, semicolon or "và" explains (the two cells stood side by
    side): a paragraph break rather than a space, and the first one, as a lead cell most often
    names a single agency.
    """
    drafts: list[_Draft] = []
    i = 0
    while i < len(blocks):
        header = _header_in(blocks, i)
        if header is None:
            i += 1
            continue
        _, kinds, i = header
        tasks, i = _flat_rows(blocks, i)
        drafts.extend(_flat_draft(seq, page, paragraphs, kinds) for seq, page, paragraphs in tasks)
    return drafts


def _header_in(blocks: list[Block], i: int) -> tuple[int, list[str], int] | None:
    """(offset, column kinds in header order, index of the block after it) of a header starting in
    block i. A header repeated at a page top may be glued to the end of the paragraph before it."""
    text = blocks[i].text
    for m in re.finditer(r"\S+", text):
        if word_key(m.group()) in _seq_first_words():
            if found := _flat_header(blocks, i, m.start()):
                return (m.start(), *found)
    return None


@lru_cache(maxsize=None)
def _seq_first_words() -> frozenset[str]:
    return frozenset(fold(r["phrase"]).split()[0] for r in table("task_columns") if r["kind"] == "seq")


def _flat_header(blocks: list[Block], i: int, offset: int) -> tuple[list[str], int] | None:
    """Column kinds in header order and the index after the header, when one starts at block i, offset."""
    text = ""
    for j in range(i, len(blocks)):
        if blocks[j].kind == "table":
            return None
        text = f"{text} {blocks[j].text[offset if j == i else 0:]}".strip()
        if len(text.split()) > _MAX_HEADER_WORDS:
            return None
        if _flat_header_kinds(text):
            j += 1
            # The rest of the header: further column names, or a wrapped cell ("hoàn thành").
            while j < len(blocks) and blocks[j].kind != "table" and _only_header_words(blocks[j].text):
                text = f"{text} {blocks[j].text}"
                j += 1
            return _flat_header_kinds(text), j
    return None


def _flat_header_kinds(text: str) -> list[str] | None:
    folded = _header_key(text)
    # A header opens with a seq column name; ruling that out first spares trying the others on
    # the many texts that merely start with "Số".
    if not any(pattern.match(folded) for kind, pattern in _header_phrases() if kind == "seq"):
        return None
    first: dict[str, int] = {}
    for kind, pattern in _header_phrases():
        if m := pattern.search(folded):
            first[kind] = min(first.get(kind, m.start()), m.start())
    if first.get("seq") != 0 or not _REQUIRED <= first.keys():
        return None
    order = sorted(first, key=first.get)
    # Only the usual order can be read back from a stream of text.
    expected = [k for k in ("seq", "content", "lead", "partner", "deadline") if k in first]
    return order if [k for k in order if k in expected] == expected else None


def _only_header_words(text: str) -> bool:
    words = set(re.findall(r"\w+", fold(text)))
    return bool(words) and words <= _header_words()


@lru_cache(maxsize=None)
def _header_words() -> frozenset[str]:
    phrases = (r["phrase"] for r in table("task_columns") if r["part"] == "header")
    return frozenset(w for p in phrases for w in re.findall(r"\w+", fold(p)))


def _flat_rows(blocks: list[Block], i: int) -> tuple[list[tuple[int, int | None, list[str]]], int]:
    """(seq, page, paragraphs) of each task, up to the next table or the end."""
    tasks: list[tuple[int, int | None, list[str]]] = []
    expected: int | None = None
    while i < len(blocks) and blocks[i].kind != "table":
        header = _header_in(blocks, i)
        text = blocks[i].text[:header[0]].strip() if header else blocks[i].text
        m = _LEADING_NUMBER.fullmatch(text)
        seq = int(m.group(1)) if m else None
        if seq is not None and (expected is None or seq == expected):
            tasks.append((seq, blocks[i].page, [m.group(2)] if m.group(2) else []))
            expected = seq + 1
        elif tasks and text:
            tasks[-1][2].append(text)
        i = header[2] if header else i + 1
    return tasks, i


def _flat_draft(seq: int, page: int | None, paragraphs: list[str], kinds: list[str]) -> _Draft:
    text = "\n".join(p for p in paragraphs if p.strip())  # "\n" marks a paragraph break
    content, lead, partner, deadline = _split_flat_task(text, "partner" in kinds, "deadline" in kinds)
    draft = _Draft(str(seq), page, None)
    for kind, value in (("content", content), ("lead", lead), ("partner", partner), ("deadline", deadline)):
        draft.add(kind, value)
    return draft


def _split_flat_task(text: str, has_partner: bool, has_deadline: bool) -> tuple[str, str, str, str]:
    for m in list(re.finditer(r"\S+", text))[1:]:
        q = m.start()
        if not text[q].isupper() or not starts_agency(text[q:]):
            continue
        region, deadline = _cut_deadline(text[q:]) if has_deadline else (text[q:], "")
        pieces = agency_pieces(region)
        if pieces and all(looks_like_agency(p) for _, p in pieces):
            cut = _partner_start(pieces) if has_partner else len(pieces)
            return text[:q], _join_pieces(pieces[:cut]), _join_pieces(pieces[cut:]), deadline
    return text, "", "", ""


def _cut_deadline(text: str) -> tuple[str, str]:
    """(agencies, deadline): the deadline opens at a capitalized deadline word, or any at a paragraph
    start, and runs on through paragraphs that begin in lower case (its wrapped lines)."""
    for m in list(re.finditer(r"\S+", text))[1:]:
        p = m.start()
        at_break = text[:p].rstrip(" ").endswith("\n")
        if not (text[p].isupper() or at_break) or not _opens_deadline(text[p:]):
            continue
        first, *rest = text[p:].split("\n")
        kept = [first]
        for para in rest:
            if not para[:1].islower():
                break
            kept.append(para)
        return text[:p], " ".join(kept)
    return text, ""


def _opens_deadline(text: str) -> bool:
    lowered = clean_line(text[:_DEADLINE_LOOKAHEAD]).lower()
    return any(re.match(rf"{re.escape(v)}(?!\w)", lowered) for v in _deadline_values())


@lru_cache(maxsize=None)
def _deadline_values() -> tuple[str, ...]:
    return tuple(r["phrase"].lower() for r in table("task_columns") if r["kind"] == "deadline" and r["part"] == "value")


def _partner_start(pieces: list[tuple[str, str]]) -> int:
    loose = [i for i, (sep, _) in enumerate(pieces) if i and sep in ("\n", " ")]
    if not loose:
        return len(pieces)
    return next((i for i in loose if pieces[i][0] == "\n"), loose[0])


def _join_pieces(pieces: list[tuple[str, str]]) -> str:
    """Pieces back into one cell's text, with separators that split the same way again."""
    out = ""
    for sep, piece in pieces:
        out += ({";": "; ", ",": ", ", "và": " và "}.get(sep, "\n") if out else "") + piece
    return out


# --- records -----------------------------------------------------------------------------------

def _record(d: _Draft, doc_id: str, n: int) -> TaskRecord:
    deadline_text = clean_line(" ".join(d.parts["deadline"])) or None
    deadline = parse_deadline(deadline_text or "")
    return TaskRecord(
        doc_id=doc_id,
        task_id=f"{doc_id}:t{n}",
        seq=_seq(d.seq_text),
        group_name=d.group,
        content=clean_line(" ".join(d.parts["content"])),
        output=_text(d, "output"),
        lead_agencies=_agencies(d, "lead"),
        partner_agencies=_agencies(d, "partner"),
        monitor_agencies=_agencies(d, "monitor"),
        deadline_text=deadline_text,
        due_date=deadline.due_date,
        recurring=deadline.recurring,
        page=d.page,
        note=_text(d, "note"),
        lead_raw=_text(d, "lead"),
        partner_raw=_text(d, "partner"),
    )


def _seq(tt: str) -> int | None:
    numbers = re.findall(r"\d+", tt)
    return int(numbers[-1]) if numbers else None


def _text(d: _Draft, kind: str) -> str | None:
    return clean_line(" ".join(d.parts[kind])) or None


def _agencies(d: _Draft, kind: str) -> list[str]:
    # Lines of one cell, or of the rows a merged task spans, are joined by a line break, which
    # splits before an agency name and joins a name wrapped over two lines.
    return split_agencies("\n".join(d.parts[kind]))
