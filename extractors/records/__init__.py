"""Record extractors: format-blind functions from a Document to typed records.

`extract_records` is the one entry point the pipeline calls. Each extractor module works on
the document model only and never learns which reader produced it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Document
from . import citations, metadata


@dataclass
class Extracted:
    """Everything extracted from one document, except the file facts the pipeline adds."""
    metadata: metadata.Metadata
    sections: list = field(default_factory=list)
    objectives: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    assignments: list = field(default_factory=list)
    citations: list = field(default_factory=list)


def extract_records(doc: Document, doc_id: str) -> Extracted:
    md = metadata.extract_metadata(doc)
    return Extracted(
        metadata=md,
        citations=citations.extract_citations(doc, doc_id, md.doc_number),
    )
