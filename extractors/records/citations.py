"""Citations: other documents a plan cites by number (281/QĐ-TTg, 229-KH/TU, 51/2015/TTLT-BYT-BNV)."""
from __future__ import annotations

import re

from schemas.records import CitationRecord

from ..domain import doc_type_names, issuer_codes, table
from ..model import Document
from ..normalize import fold
from .dates import parse_date

# A code part: "QĐ", "TTg", "CCHC&VTLT", "BCĐ57" (a steering committee's number), "QH15" (a legislature's).
_CODE = r"[A-ZĐ][A-Za-zĐđ]{0,9}(?:&[A-ZĐ][A-Za-zĐđ]{0,9})?\d{0,2}"
# State style "281/QĐ-TTg", "60/2021/NĐ-CP"; party style "229-KH/TU"; a law "72/2025/QH15". Typed
# text puts a space, or a line break, beside a separator ("25- CT/TW", "2170 /QĐ - UBND",
# "428/TTXT-⏎ĐTDN"); it is dropped from the number.
CITED_NUMBER = re.compile(
    rf"(?<![\w/.-])(\d{{1,5}})(/(?:19|20)\d\d)?\s?([/-])\s?({_CODE}(?:\s?[-/]\s?{_CODE})*)(?![\w/])"
)
_DATE_AFTER = re.compile(r"^\s*,?\s*(?:ngày|ban hành ngày)\s+(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})")
_ISSUER_AFTER = re.compile(r"^\s*(?:,?\s*(?:ngày|ban hành ngày)\s+[\d/ thángnăm]+)?\s*của\s+([^,;:.()]{3,80}?)(?=\s+(?:về|ban hành|triển khai|thực hiện|v/v)\b|[,;:.()]|$)")


def extract_citations(doc: Document, doc_id: str, own_number: str | None = None) -> list[CitationRecord]:
    found: dict[str, CitationRecord] = {}
    own = _key(own_number or "")
    for sentence in _sentences(doc):
        for m in CITED_NUMBER.finditer(sentence):
            code = re.sub(r"\s+", "", m.group(4))
            number = f"{m.group(1)}{m.group(2) or ''}{m.group(3)}{code}"
            cited_type = _cited_type(code, bool(m.group(2)), sentence[:m.start()])
            if cited_type is None or _key(number) == own:  # the document's own number is never a citation
                continue
            rest = sentence[m.end():]
            record = CitationRecord(
                doc_id=doc_id,
                cited_number=number,
                cited_type=cited_type or None,
                cited_date=_date_after(rest),
                cited_issuer=_issuer_after(rest) or _issuer_of(code),
                context=sentence[:500],
            )
            key = number.upper()
            known = found.get(key)
            # Prefer the mention that states a date, and the number as typed over an all-caps title's.
            if known is None or (known.cited_date is None and record.cited_date is not None) or (
                    known.cited_number.isupper() and not number.isupper()):
                found[key] = record
    # "20-KH/BCĐ 57" typed with a space beside "20-KH/BCĐ57": the number cut short is the same document.
    return [r for k, r in found.items() if not any(o != k and o.startswith(k) and o[len(k):].isdigit() for o in found)]


def _key(number: str) -> str:
    return re.sub(r"\s+", "", fold(number))


def _cited_type(code: str, has_year: bool, before: str) -> str | None:
    """The cited document's type, "" when it is a document of unknown type, None when the match is no citation.

    The type is the code's first part ("QĐ-TTg" -> Quyết định), or a law's "QH15" with its year.
    A Công văn's number names no type ("2701/SNV-CCHC", "642/TTXT-ĐTND"): it is a citation when the
    text names a document right before it ("Công văn số", "Tờ trình số", "văn bản giải trình số")."""
    parts = re.split(r"[-/]", code)
    head = re.sub(r"\d+$", "", parts[0])
    if len(parts) > 1 and parts[0] in doc_type_names():
        return doc_type_names()[parts[0]]
    if len(parts) == 1 and has_year and head in doc_type_names() and head != parts[0]:
        return doc_type_names()[head]  # "72/2025/QH15"
    if len(parts) > 1:
        named = _named_document(before)
        if named is not None:
            return named
    return None


def _named_document(before: str) -> str | None:
    """The document word written just before a number ("Công văn số", "Văn bản số", "Tờ trình
    số"): its type name, "" for a document of no stated type, None when there is none."""
    tail = fold(before[-60:])
    for word in sorted(_document_words(), key=len, reverse=True):
        if re.search(rf"\b{re.escape(word)}(?:\s+[^\s\d]+){{0,2}}\s+so\s*:?\s*$", tail):
            return _document_words()[word]
    return None


def _document_words() -> dict[str, str]:
    words = {fold(name): name for name in doc_type_names().values()}
    words.update({fold(r["words"]): "" for r in table("header_words") if r["role"] == "document"})
    return words


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
    """Issuer named by the code's suffix ("QĐ-TTg" -> Thủ tướng Chính phủ; a law's "QH15" -> Quốc hội)."""
    parts = re.split(r"[-/]", code)
    for part in reversed(parts[1:] or [re.sub(r"\d+$", "", parts[0])]):
        if part in issuer_codes():
            return issuer_codes()[part]["issuer"]
    return None
