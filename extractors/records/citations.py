"""Citations: other documents a plan cites by number."""
from __future__ import annotations

from ..model import Document


def extract_citations(doc: Document, doc_id: str) -> list:
    return []  # work in progress
