"""The outline of a plan: the numbering hierarchy Phần / I. / 1. / a) / - / +, with parent links.

Vietnamese plans nest their numbering styles in a conventional order, but documents skip or
reorder levels, so the hierarchy is built from the order in which styles first appear: a
style seen before closes everything opened after it, a new style opens a child level.
The front matter (issuer, motto, title) and the page furniture (Nơi nhận list, signature
block) are kept out of the outline; an appendix (PHỤ LỤC) after the signature starts again
at the top, and so does the plan or the rules a decision issues ("KẾ HOẠCH", "QUY CHẾ" alone
after the signature, with the issued document's own header before it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from schemas.records import SectionRecord

from ..domain import doc_type_names
from ..model import Block, Document
from ..normalize import fold

_MARKERS: list[tuple[str, re.Pattern]] = [
    ("article", re.compile(r"^(Điều\s+\d{1,3})\s*[.:]\s*(.*)$")),
    ("part", re.compile(r"^((?:Phần|PHẦN|Chương|CHƯƠNG)\s+(?:[IVXLC]+|\d+|thứ\s+\w+|THỨ\s+\w+))\s*[.:\-–]?\s*(.*)$")),
    ("roman", re.compile(r"^([IVXL]{1,5})\s*[.\-–:)]\s*(.*)$")),
    ("decimal2", re.compile(r"^(\d{1,2}\.\d{1,2}(?:\.\d{1,2})*)\.?\s+(.*)$")),
    ("decimal", re.compile(r"^(\d{1,2})\s*[.)]\s*(.*)$")),
    ("letter", re.compile(r"^([a-zđ])\s*[).]\s*(.*)$")),
    ("dash", re.compile(r"^([-–—•])\s*(.*)$")),
    ("plus", re.compile(r"^(\+)\s*(.*)$")),
]
# "Nơi nhận" as OCR may read it ("Nơi nhện", "Nơi nhân"), and the signature's opening words.
_FURNITURE_START = re.compile(r"^(noi nh[a-z]{1,2}n\b|tm\.|t/m|kt\.|tl\.)")
# A "Nơi nhận:" merged into the end of the line before it, as a scan's two columns may be read:
# "... thi hành Quyết định này./. Nơi nhận: - Như Điều 3;".
_FURNITURE_INLINE = re.compile(r"(?<=[.;/])\s*N[ơo]i\s+nh\w{1,3}\s*:")
_APPENDIX = re.compile(r"^(phu luc|bieu|danh muc)\b")
# The front matter's own lines (folded), which end the header of a document without numbering: the
# number, a Công văn's "V/v" summary, the motto, the dateline, "Kính gửi" and its list of recipients.
_FRONT_MATTER = re.compile(r"^(so\s*:|v/v\b|cong hoa xa hoi|doc lap\b|kinh gui\b"
                           r"|[^,]{2,40},?\s+ngay\b[^.;]{0,30}\bnam\s+(19|20)\d\d\s*$)")
_FRONT_SCAN = 25  # blocks: the front matter never runs longer
_RECIPIENT = re.compile(r"^[-–+•]\s*\S.{0,150}[;.,]?$")
_HEADING_SPLIT = 160  # a colon this early separates a heading from its text: "1. Mục tiêu chung: Xây dựng ..."


@dataclass
class Node:
    """One section while the outline is built."""
    kind: str
    label: str | None
    heading: str
    block_index: int
    page: int | None
    level: int = 1
    parent: "Node | None" = None
    inline: str = ""  # text after the heading's colon, on the heading's own line
    text_parts: list[str] = field(default_factory=list)  # body paragraphs under the heading
    children: list["Node"] = field(default_factory=list)
    ordinal: int = 0
    section_id: str = ""

    @property
    def text(self) -> str:
        return " ".join(p for p in [self.inline, *self.text_parts] if p)

    def descendants(self):
        for c in self.children:
            yield c
            yield from c.descendants()


@dataclass
class Outline:
    nodes: list[Node]
    # block index -> the section it belongs to (heading block or body block)
    section_of_block: dict[int, Node]
    # The paragraph just before the body, which may introduce it ("Sở Y tế đề nghị Sở X thực hiện
    # các nội dung sau:", "Thủ tướng Chính phủ chỉ thị:").
    lead: str = ""
    # Body paragraphs before the first section: the text of a letter without numbered headings.
    loose: list[str] = field(default_factory=list)

    def section_id_of(self, block_index: int) -> str | None:
        node = self.section_of_block.get(block_index)
        return node.section_id if node else None

    def records(self, doc_id: str) -> list[SectionRecord]:
        return [SectionRecord(doc_id=doc_id, section_id=n.section_id,
                              parent_id=n.parent.section_id if n.parent else None, level=n.level,
                              label=n.label, heading=n.heading, text=n.text, ordinal=n.ordinal, page=n.page)
                for n in self.nodes]


def marker_of(text: str) -> tuple[str, str, str] | None:
    """(style, label, rest) of a numbered line, or None."""
    for kind, pattern in _MARKERS:
        m = pattern.match(text)
        if m and re.search(r"\w", m.group(2)):
            return kind, m.group(1), m.group(2).strip()
    return None


def body_start(doc: Document) -> int:
    """Index of the first block of the body: the first top-level numbered heading ("I.", "Phần I"),
    else the first numbered paragraph or article ("1.", "Điều 1."). An article does not outrank a
    roman heading: a decision that approves a plan keeps the plan as its body. Numbering in an
    appendix after the signature (PHỤ LỤC) is searched last: a letter's appendix is not its body."""
    end = _appendix_after_signature(doc)
    for limit in dict.fromkeys((end, len(doc.blocks))):
        for wanted in (("part", "roman"), ("decimal", "article")):
            for i, block in enumerate(doc.blocks[:limit]):
                marker = block.kind != "table" and marker_of(block.text.strip())
                if marker and marker[0] in wanted:
                    return i
    return _after_front_matter(doc)


def _after_front_matter(doc: Document) -> int:
    """Index of the first block after the header of a document with no numbered heading (a short
    Công văn): its issuer, number and recipients are not part of its body."""
    end, recipients = 0, False
    for i, block in enumerate(doc.blocks[:_FRONT_SCAN]):
        f = fold(block.text.strip()) if block.kind != "table" else ""
        if _FRONT_MATTER.match(f):
            end, recipients = i + 1, f.startswith("kinh gui")
        elif recipients and _RECIPIENT.match(f):
            end = i + 1
        elif f:
            recipients = False
    return end


def _appendix_after_signature(doc: Document) -> int:
    signed = False
    for i, block in enumerate(doc.blocks):
        f = fold(block.text.strip()) if block.kind != "table" else ""
        if _FURNITURE_START.match(f):
            signed = True
        elif signed and _APPENDIX.match(f):
            return i
    return len(doc.blocks)


def build_outline(doc: Document, doc_id: str) -> Outline:
    nodes: list[Node] = []
    section_of: dict[int, Node] = {}
    stack: list[Node] = []  # open sections, outermost first
    loose: list[str] = []
    in_furniture = False
    start = body_start(doc)
    for i, block in enumerate(doc.blocks):
        if i < start or block.kind == "table":
            if block.kind == "table" and stack and not in_furniture:
                section_of[i] = stack[-1]
            continue
        text = block.text.strip()
        if not text:
            continue
        f = fold(text)
        if _FURNITURE_START.match(f):
            in_furniture = True
            continue
        if in_furniture:
            if _is_attached_type_line(text, f):
                in_furniture, stack = False, []  # the plan or rules a decision issues, after its signature
                continue
            if not _APPENDIX.match(f):
                continue
            in_furniture = False
            stack = []
        if merged := _FURNITURE_INLINE.search(text):
            text, in_furniture = text[:merged.start()].strip(), True
            f = fold(text)
            if not text:
                continue
        node = _node_for(block, text, i, f)
        if node is None:
            if stack:
                stack[-1].text_parts.append(text)
                section_of[i] = stack[-1]
            elif not nodes:
                loose.append(text)
            continue
        _place(node, stack)
        node.ordinal = len(nodes)
        node.section_id = f"{doc_id}:s{node.ordinal}"
        nodes.append(node)
        section_of[i] = node
    return Outline(nodes, section_of, loose[-1] if loose else _lead(doc, start), loose)


def _is_attached_type_line(text: str, folded: str) -> bool:
    """ "KẾ HOẠCH", "QUY CHẾ" alone in capitals after a signature: the document a decision issues
    ("Ban hành kèm theo Quyết định số ..."), whose sections are the decision's substance."""
    return text.upper() == text and folded.strip(" .") in _type_names_folded()


@lru_cache(maxsize=None)
def _type_names_folded() -> frozenset[str]:
    return frozenset(fold(name) for name in doc_type_names().values())


def _lead(doc: Document, start: int) -> str:
    before = [b.text.strip() for b in doc.blocks[:start] if b.kind != "table" and b.text.strip()]
    return before[-1] if before else ""


def _node_for(block: Block, text: str, index: int, folded: str) -> Node | None:
    marker = marker_of(text)
    if marker:
        kind, label, rest = marker
    elif _APPENDIX.match(folded) and text.upper() == text:
        kind, label, rest = "appendix", None, text
    elif block.kind == "heading" and not text.endswith((".", ";", ",")):
        kind, label, rest = "bold", None, text
    else:
        return None
    heading, body = _split_heading(rest)
    return Node(kind=kind, label=label, heading=heading, block_index=index, page=block.page, inline=body)


def _split_heading(rest: str) -> tuple[str, str]:
    colon = rest.find(":")
    if 0 < colon < _HEADING_SPLIT and rest[colon + 1:].strip():
        return rest[:colon].strip(), rest[colon + 1:].strip()
    return rest, ""


def _place(node: Node, stack: list[Node]) -> None:
    kinds = [n.kind for n in stack]
    if node.kind == "appendix":
        stack.clear()
    elif node.kind in kinds:
        del stack[kinds.index(node.kind):]
    elif node.kind == "bold" and stack:
        # An unnumbered bold heading sits beside the numbered heading it follows, not under it.
        while stack and stack[-1].kind in ("dash", "plus", "letter"):
            stack.pop()
    node.parent = stack[-1] if stack else None
    node.level = len(stack) + 1
    if node.parent:
        node.parent.children.append(node)
    stack.append(node)
