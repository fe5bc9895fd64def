"""Citations: other documents a plan cites by number (281/QĐ-TTg, 229-KH/TU, 51/2015/TTLT-BYT-BNV)."""
from __future__ import annotations

import re

from schemas.records import CitationRecord

from ..domain import doc_type_names, issuer_codes
from ..model import Document
from ..normalize import fold
from .dates import parse_date

_CODE = r"[A-ZĐ][A-Za-zĐđ]{0,9}"
# State style "281/QĐ-TTg", "60/2021/NĐ-CP"; party style "229-KH/TU". A space after the
# first separator happens in typed text ("25- CT/TW") and is dropped from the number.
CITED_NUMBER = re.compile(
    rf"(?<![\w/.-])(\d{{1,5}})(/(?:19|20)\d\d)?\s?([/-])\s?({_CODE}(?:[-/]{_CODE})+)(?![\w/])"
)
_DATE_AFTER = re.compile(r"^\s*,?\s*(?:ngày|ban hành ngày)\s+(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})")
_ISSUER_AFTER = re.compile(r"^\s*(?:,?\s*(?:ngày|ban hành ngày)\s+[\d/ thángnăm]+)?\s*của\s+([^,;:.()]{3,80}?)(?=\s+(?:về|ban hành|triển khai|thực hiện|v/v)\b|[,;:.()]|$)")


def extract_citations(doc: Document, doc_id: str, own_number: str | None = None) -> list[CitationRecord]:
    found: dict[str, CitationRecord] = {}
    own = fold(own_number or "").replace(" ", "")
    codes = set(doc_type_names())
    for sentence in _sentences(doc):
        for m in CITED_NUMBER.finditer(sentence):
            number = f"{m.group(1)}{m.group(2) or ''}{m.group(3)}{m.group(4)}"
            type_code = m.group(4).split("-")[0].split("/")[0]
            if type_code not in codes or fold(number).replace(" ", "") == own:
                continue
            rest = sentence[m.end():]
            record = CitationRecord(
                doc_id=doc_id,
                cited_number=number,
                cited_type=doc_type_names().get(type_code),
                cited_date=_date_after(rest),
                cited_issuer=_issuer_after(rest) or _issuer_of(m.group(4)),
                context=sentence[:500],
            )
            key = number.upper()
            known = found.get(key)
            # Prefer the mention that states a date, and the number as typed over an all-caps title's.
            if known is None or (known.cited_date is None and record.cited_date is not None) or (
                    known.cited_number.isupper() and not number.isupper()):
                found[key] = record
    return list(found.values())


def _sentences(doc: Document) -> list[str]:
    out: list[str] = []
    for b in doc.blocks:
        if b.kind == "table":
            out.extend(cell for row in b.grid() for cell in row if cell)
        else:
            out.append(b.text)
    return out


def _date_after(rest: str):
    m = _DATE_AFTER.match(rest)
    return parse_date(m.group(1) if "/" in m.group(1) else "ngày " + m.group(1)) if m else None


def _issuer_after(rest: str) -> str | None:
    m = _ISSUER_AFTER.match(rest)
    if not m:
        return None
    # "của Bộ Y tế và Kế hoạch số 229-KH/TU ...": the issuer ends where the next citation begins.
    names = "|".join(map(re.escape, doc_type_names().values()))
    return re.split(rf"\s+và\s+(?:{names})\b", m.group(1), flags=re.IGNORECASE)[0].strip()


def _issuer_of(code: str) -> str | None:
    """Issuer named by the code's suffix ("QĐ-TTg" -> Thủ tướng Chính phủ)."""
    for part in reversed(re.split(r"[-/]", code)[1:]):
        if part in issuer_codes():
            return issuer_codes()[part]["issuer"]
    return None
