"""Agency duties from the "Tổ chức thực hiện" part: one row per duty, keyed by canonical agency.

The part lists agencies as numbered items ("1. Sở Y tế", "2. Trung tâm Y tế huyện: Chủ trì, ...",
"3. Ban Tuyên giáo Huyện ủy tiếp tục ..."); each item's sub-items or paragraphs are its duties.
"""
from __future__ import annotations

import re

from schemas.records import AssignmentRecord

from ..domain import table
from ..normalize import fold
from .agencies import canonical_agency
from .outline import Node, Outline

_PART = re.compile(r"\b(to chuc thuc hien|trach nhiem thuc hien|phan cong (nhiem vu|trach nhiem)|trach nhiem cua cac)\b")
_REQUEST = re.compile(r"^(đề nghị|giao|yêu cầu)\s+", re.IGNORECASE)
_MAX_AGENCY = 160
# The plan's closing words after the last agency ("Trên đây là Kế hoạch...", "UBND tỉnh yêu cầu ...") are no one's duty.
_CLOSING = re.compile(r"^(tren day|trong qua trinh|(uy ban nhan dan|ubnd)( tinh| huyen| xa)? yeu cau)")


def extract_assignments(outline: Outline, doc_id: str) -> list[AssignmentRecord]:
    out: list[AssignmentRecord] = []
    for part in _parts(outline):
        for item in part.children:
            agency_raw, first_duty = _agency_and_duty(item)
            if not agency_raw:
                continue
            duties = [d for d in ([first_duty] + _duties(item)) if d] or [""]
            for duty in duties:
                out.append(AssignmentRecord(doc_id=doc_id, assignment_id=f"{doc_id}:a{len(out)}",
                                            agency=canonical_agency(agency_raw), agency_raw=agency_raw,
                                            duty=duty, section_id=item.section_id))
    return out


def _parts(outline: Outline) -> list[Node]:
    return [n for n in outline.nodes if n.label is not None and n.kind in ("roman", "part", "decimal")
            and _PART.search(fold(n.heading)) and len(n.heading) < 120 and n.children]


def _agency_and_duty(item: Node) -> tuple[str | None, str | None]:
    """The agency an item names, and the duty stated on the same line."""
    if item.kind in ("dash", "plus"):
        return None, None
    heading = _REQUEST.sub("", item.heading).strip()
    if item.inline and len(heading) <= _MAX_AGENCY:
        return heading.strip(" .:"), item.inline  # "1. Trung tâm Y tế huyện: Chủ trì, ..."
    at = _verb_at(heading)
    if at:
        return heading[:at].strip(" ,"), heading[at:].strip()  # "2. Ban Tuyên giáo Huyện ủy tiếp tục ..."
    if len(heading) <= 80:
        return heading.strip(" .:"), None  # "1. Sở Y tế", its duties below
    return None, None


def _verb_at(text: str) -> int | None:
    """Where the first duty verb starts ("Ban Tuyên giáo Huyện ủy tiếp tục ..." -> at "tiếp tục")."""
    verbs = "|".join(re.escape(r["verb"]) for r in table("duty_verbs"))
    m = re.search(rf"\s({verbs})\b", text)
    return m.start(1) if m and m.start(1) > 3 else None


def _duties(item: Node) -> list[str]:
    if item.children:
        return [" ".join(p for p in (c.heading, c.text) if p) for c in item.children]
    return [t for t in item.text_parts if not _CLOSING.match(fold(t))]
