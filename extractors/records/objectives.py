"""Objectives: the general objective, the specific objectives and the long-term orientations."""
from __future__ import annotations

import re

from schemas.records import ObjectiveRecord

from ..normalize import fold
from .outline import Node, Outline

# Heading words (folded) that name each kind; checked in this order.
_KINDS = [
    ("general", re.compile(r"\bmuc tieu (chung|tong quat)\b")),
    ("specific", re.compile(r"\b(muc tieu cu the|chi tieu)\b")),
    ("orientation", re.compile(r"\b(dinh huong|tam nhin)\b")),
]
_OBJECTIVES_PART = re.compile(r"\bmuc tieu\b")


def extract_objectives(outline: Outline, doc_id: str) -> list[ObjectiveRecord]:
    out: list[ObjectiveRecord] = []
    for node in outline.nodes:
        kind = _kind_of(node)
        if kind is None:
            continue
        for text in _statements(node):
            out.append(ObjectiveRecord(doc_id=doc_id, objective_id=f"{doc_id}:o{len(out)}",
                                       kind=kind, text=text, section_id=node.section_id))
    return out


def _kind_of(node: Node) -> str | None:
    heading = fold(node.heading)
    if len(heading) > 120:
        return None
    inside_objectives = node.parent is not None and _OBJECTIVES_PART.search(fold(node.parent.heading))
    for kind, pattern in _KINDS:
        if pattern.search(heading) and (kind != "orientation" or "muc tieu" in heading or inside_objectives):
            return kind
    return None


def _statements(node: Node) -> list[str]:
    """One statement per child item, else the section's own paragraphs."""
    if node.children:
        return [" ".join(p for p in (c.heading, c.text) if p) for c in node.children]
    return [node.text] if node.text else []
