"""Record extractors: format-blind functions from a Document to typed records.

`extract_records` is the one entry point the pipeline calls. Each extractor module works on
the document model only and never learns which reader produced it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..domain import doc_type_names
from ..model import Document
from . import assignments, citations, indicator_codes, indicators, metadata, objectives, outline, tasks


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
    tree = outline.build_outline(doc, doc_id)
    return Extracted(
        metadata=md,
        sections=tree.records(doc_id),
        objectives=objectives.extract_objectives(tree, doc_id),
        indicators=indicator_codes.assign_codes(indicators.extract_indicators(doc, doc_id, tree.section_id_of,
                                                                                 tree=tree, md=md)),
        tasks=tasks.extract_tasks(doc, doc_id),
        # A Báo cáo recounts; a letter "V/v báo cáo ..." may ask for a report, and gives duties as a letter.
        assignments=assignments.extract_assignments(tree, doc_id, md.province, report=md.doc_type == doc_type_names()["BC"]),
        citations=citations.extract_citations(doc, doc_id, md.doc_number),
    )
