"""Document metadata: number, type, issuer, place and date, signer, title."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Document


@dataclass
class Metadata:
    doc_number: str | None = None
    doc_type: str | None = None
    doc_type_code: str | None = None
    issuer: str | None = None
    issuer_level: str | None = None
    province: str | None = None
    district: str | None = None
    place: str | None = None
    issue_date: dt.date | None = None
    signer: str | None = None
    signer_title: str | None = None
    title: str | None = None


def extract_metadata(doc: Document) -> Metadata:
    return Metadata()  # work in progress: replaced by the real extractor in this change
