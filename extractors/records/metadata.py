"""Document metadata: number, type, issuer, place and date, signer, title.

Vietnamese administrative documents share one layout (Decree 30/2020): the issuer and the
number at the top left, the national motto and the dateline at the top right, the document
type and title centred below, the signature block ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH /
PHÓ CHỦ TỊCH / name") at the end. Readers emit the two header columns one after the other,
so this module works on the sequence of lines and never on positions.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from ..domain import doc_type_names, issuer_codes, province_names, table
from ..model import Document
from ..normalize import fold
from .agencies import canonical_agency
from .dates import parse_date


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


HEADER_SCAN = 40  # the front matter never runs longer than this many lines
_NUMBER = re.compile(r"\bSố\s*:?\s*(\d*)\s*([/-])\s*([A-ZĐa-zđ][\wĐđ]*(?:[/-][\wĐđ]+)*)")
_DATELINE = re.compile(r"^(?:Số\s*:?\s*\S*\s+)?(?P<place>[^,]{2,40}?),?\s+ngày\b.*\bnăm\b", re.IGNORECASE)
# Header lines that qualify the issuer rather than name it: "ĐOÀN KIỂM TRA / THEO QUYẾT ĐỊNH / SỐ 1050/QĐ-SCT".
_QUALIFIER = re.compile(r"^(THEO|SỐ)\s")  # not "SỞ", which folds the same
_MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap - tu do - hanh phuc", "dang cong san viet nam")
_SIGN_ON_BEHALF = re.compile(r"^(TM|T/M|T\.M|KT|K/T|TL|T/L|TUQ|Q)\s*[.:/]?\s+(.*)$")
_NOT_SIGNER = re.compile(r"^\(?\s*(đã ký|ký|ký tên|ký,|ký số|đã ký và đóng dấu)", re.IGNORECASE)
_NAME_WORD = r"[A-ZĐÀ-Ỹ][a-zđà-ỹ]+"
_NAME = re.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,5}}$")
_NAME_AFTER_RECIPIENT = re.compile(rf"[.;,]\s+({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}})$")
_LEVEL_WORDS = ("thành phố", "thị trấn", "thị xã", "tỉnh", "huyện", "quận", "phường", "xã")
_ABBREVIATIONS = {"ubnd": "Ủy ban nhân dân", "hđnd": "Hội đồng nhân dân", "ub": "Ủy ban"}


def extract_metadata(doc: Document) -> Metadata:
    lines = _lines(doc)
    md = Metadata()
    type_line = _doc_type_line(lines)
    type_at = type_line[0] if type_line else None
    header = lines[:type_at] if type_at is not None else lines[:12]
    number_code = _read_number(md, header or lines[:HEADER_SCAN])
    _read_dateline(md, header or lines[:HEADER_SCAN])
    if type_line:
        md.doc_type = type_line[1]
        title_lines = ([type_line[2]] if type_line[2] else []) + lines[type_at + 1:type_at + 12]
        md.title = _title(title_lines) or None
    if md.doc_type is None and md.doc_type_code:
        md.doc_type = doc_type_names().get(md.doc_type_code)
    _apply_hints(md, doc.hints)
    body_on_behalf, md.signer, md.signer_title = _signature(lines)
    md.issuer = _issuer(md, header, body_on_behalf, _body_from_code(number_code), doc.text())
    md.issuer_level, md.province, md.district = _locality(md.issuer, doc.text())
    return md


def _lines(doc: Document) -> list[str]:
    """Text lines in reading order; a table's cells are read column by column, as a layout table is."""
    out: list[str] = []
    for b in doc.blocks:
        if b.kind != "table":
            out.extend(t for t in b.text.split("\n") if t.strip())
            continue
        grid = b.grid()
        if grid and len(grid) <= 4:  # a small table near the header or signature is layout
            for c in range(len(grid[0])):
                for row in grid:
                    out.extend(t.strip() for t in row[c].split("\n") if t.strip())
    return out


def _type_names_folded() -> dict[str, str]:
    return {fold(name): name for name in doc_type_names().values()}


def _doc_type_line(lines: list[str]) -> tuple[int, str, str] | None:
    """(line index, type name, title text on the same line) of the document-type line.

    The type stands alone in capitals ("KẾ HOẠCH"), or opens a line whose title follows in
    lower case ("KẾ HOẠCH khắc phục những hạn chế ...").
    """
    names = sorted(_type_names_folded().items(), key=lambda kv: -len(kv[0]))
    for i, line in enumerate(lines[:HEADER_SCAN]):
        f = fold(line).strip(" .*")
        for folded, name in names:
            if f == folded and line.upper() == line:
                return i, name, ""
            rest = line[len(name):].strip()
            if f.startswith(folded + " ") and line[:len(name)].isupper() and rest[:1].islower():
                return i, name, rest
    return None


def _read_number(md: Metadata, header: list[str]) -> str | None:
    """Sets doc_number and doc_type_code; returns the printed code part ("KH-UBND") even when the number is blank."""
    for line in header:
        m = _NUMBER.search(line)
        if not m:
            continue
        digits, sep, rest = m.groups()
        md.doc_number = f"{digits}{sep}{rest}" if digits else None  # a draft's blank number stays NULL
        md.doc_type_code = re.split(r"[-/]", rest)[0]  # "542/KH-UBND" and party style "229-KH/TU"
        return rest
    return None


def _read_dateline(md: Metadata, header: list[str]) -> None:
    for line in header:
        m = _DATELINE.search(line)
        if m and "tháng" in line.lower():
            md.place = m.group("place").strip(" ,") or None
            md.issue_date = parse_date(line[m.start("place"):])
            return


def _apply_hints(md: Metadata, hints: dict[str, str]) -> None:
    """A page's own attribute table fills only what the document body left unsaid."""
    if md.doc_number is None and hints.get("doc_number") and md.place is None:
        md.doc_number = hints["doc_number"]
    if md.doc_type is None and hints.get("doc_type"):
        md.doc_type = hints["doc_type"]
    if md.issue_date is None and md.place is None and hints.get("issue_date"):
        md.issue_date = parse_date(hints["issue_date"])


def _title(after_type: list[str]) -> str:
    """The summary lines under the document type, up to the first line of the body."""
    parts: list[str] = []
    for line in after_type:
        f = fold(line)
        if re.match(r"^(\(kem theo|can cu|kinh gui|[ivx]+[.\-]\s|\d+[.)]\s|[-*]{3,})", f):
            break
        if parts and not _continues_title(parts[-1], line):
            break
        parts.append(line.strip("* "))
        if sum(len(p) for p in parts) > 600:
            break
    return " ".join(parts).strip()


def _continues_title(previous: str, line: str) -> bool:
    # A wrapped title line starts in lower case, or the title is set in capitals throughout.
    return line[:1].islower() or (line.upper() == line and previous.upper() == previous)


def _signature_lines(lines: list[str]) -> list[str]:
    """Lines with a signature block that a reader joined into one ("TM. ỦY BAN NHÂN DÂN KT CHỦ TỊCH PHÓ CHỦ TỊCH") split again."""
    out: list[str] = []
    for line in lines:
        pieces = re.split(r"\s+(?=(?:TM|T/M|KT|K/T|TL|T/L|TUQ)\b[.\s/])", line.strip("* "))
        if len(pieces) > 1 or _SIGN_ON_BEHALF.match(pieces[0]):
            pieces = [p for piece in pieces for p in _split_trailing_title(piece)]
        out.extend(pieces)
    return out


def _split_trailing_title(piece: str) -> list[str]:
    f = fold(piece)
    for title in sorted((r["title"] for r in table("titles")), key=len, reverse=True):
        t = fold(title)
        head = piece[: len(piece) - len(title)].strip()
        if f.endswith(" " + t) and not re.fullmatch(r"(TM|T/M|KT|K/T|TL|T/L|TUQ)\.?", head):
            return [head, piece[len(head):].strip()]
    return [piece]


def _signature(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """(body signed on behalf of, signer, signer title) from the last signature block."""
    lines = _signature_lines(lines)
    signs = [bool(_SIGN_ON_BEHALF.match(line.strip("* "))) for line in lines]
    starts = [i for i, sign in enumerate(signs) if sign and not (i and signs[i - 1])]
    candidates = starts[::-1] or [i for i, line in enumerate(lines) if _is_title(line)][::-1]
    for start in candidates:
        on_behalf, titles = None, []
        for line in lines[start:start + 14]:
            line = line.strip("* ")
            m = _SIGN_ON_BEHALF.match(line)
            if m:
                if m.group(1).replace(".", "").replace("/", "") == "TM":
                    on_behalf = m.group(2)
                else:
                    titles.append(m.group(2))
                continue
            # The Nơi nhận list beside the signature may be interleaved with it by a reader, even
            # on one line with the signer's name ("- Lưu VPHU. Lê Văn Chín").
            if line.startswith(("-", "+", "•")):
                joined = _NAME_AFTER_RECIPIENT.search(line)
                if not joined:
                    continue
                line = joined.group(1)
            if _NOT_SIGNER.match(line) or not line or fold(line).startswith("noi nhan"):
                continue
            if _NAME.match(line) and not _is_title(line):
                return on_behalf, line, _title_case(titles[-1]) if titles else None
            if line.upper() == line:
                titles.append(line)
                continue
            break
    return None, None, None


def _is_title(line: str) -> bool:
    f = fold(line.strip("* "))
    return any(f == fold(r["title"]) for r in table("titles"))


def _title_case(title: str) -> str:
    for r in table("titles"):
        if fold(r["title"]) == fold(title):
            return r["title"]
    return title[:1].upper() + title[1:].lower()


def _issuer(md: Metadata, header: list[str], on_behalf: str | None, code_body: str | None, text: str) -> str | None:
    units = _header_units(header)
    if units:
        issuer = units[-1]
        if on_behalf and fold(on_behalf) not in fold(issuer):
            issuer = f"{on_behalf} {issuer}"  # "T/M BAN THƯỜNG VỤ" under "HUYỆN ỦY NINH SƠN"
        return org_case(issuer)
    body = on_behalf or code_body
    if not body:
        return None
    return _issuer_from_mentions(org_case(body), md.place, text)


def _header_units(header: list[str]) -> list[str]:
    """Issuer lines of the header, a line naming a locality ("TỈNH NGHỆ AN") joined to the one above."""
    units: list[str] = []
    for line in header:
        line = re.sub(r"\s*[-_*=]{3,}\s*", " ", line).strip()  # the rule printed under the issuer
        f = fold(line)
        if (line.upper() != line or not re.search(r"[A-ZĐ]", line) or f.startswith(_MOTTO) or _QUALIFIER.match(line)
                or _NUMBER.search(line[:1] + line[1:].lower()) or _DATELINE.search(line) or re.fullmatch(r"[-_*=.\s]+", line)):
            continue
        if units and any(f.startswith(fold(w) + " ") for w in _LEVEL_WORDS):
            units[-1] = f"{units[-1]} {line}"
        else:
            units.append(line)
    return units


def _body_from_code(code: str | None) -> str | None:
    """The issuing body named by the number's suffix: "KH-UBND" -> Ủy ban nhân dân."""
    suffix = re.split(r"[-/]", code)[-1] if code else None
    row = issuer_codes().get(suffix or "")
    return row["issuer"] if row else None


def _issuer_from_mentions(body: str, place: str | None, text: str) -> str:
    """Complete a bare body ("Ủy ban nhân dân") with its level and locality from the text."""
    forms = [body] + [abbr.upper() for abbr, full in _ABBREVIATIONS.items() if fold(full) == fold(body)]
    levels = "|".join(("tỉnh ủy", "huyện ủy", "thành ủy", "thị ủy") + _LEVEL_WORDS)
    pattern = re.compile(rf"(?:{'|'.join(map(re.escape, forms))})\s+({levels})\b", re.IGNORECASE)
    found = Counter(m.group(1).lower() for m in pattern.finditer(text))
    level = found.most_common(1)[0][0] if found else None
    locality = place or _most_mentioned_province(text)
    parts = [body] + ([_org_word_case(level)] if level else []) + ([locality] if locality else [])
    return " ".join(parts)


def _most_mentioned_province(text: str) -> str | None:
    counts = Counter({p: len(re.findall(rf"\b{re.escape(p)}\b", text)) for p in province_names()})
    best = counts.most_common(1)
    return best[0][0] if best and best[0][1] else None


def _org_word_case(words: str) -> str:
    """Printed casing of an organisation word ("huyện ủy" -> "Huyện ủy"); level words stay lower case."""
    return next((r["words"] for r in table("org_words") if fold(r["words"]) == fold(words)), words.lower())


def org_case(name: str) -> str:
    """Casing of an organisation name printed in capitals: "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN" -> "Ủy ban nhân dân tỉnh Nghệ An"."""
    words = name.split()
    if not words:
        return name
    for abbr, full in _ABBREVIATIONS.items():
        words = [full if fold(w) == abbr else w for w in words]
    if name.upper() != name:
        return " ".join(words)
    known = {fold(r["issuer"]): r["issuer"] for r in issuer_codes().values()}
    if fold(name) in known:  # "BỘ Y TẾ" -> "Bộ Y tế": a name whose casing is not derivable
        return known[fold(name)]
    agency = canonical_agency(name)
    if fold(agency) == fold(name) and agency.upper() != agency:  # a known agency: "SỞ NỘI VỤ" -> "Sở Nội vụ"
        return agency
    text = " ".join(words).lower()
    for r in table("org_words"):
        text = re.sub(rf"\b{re.escape(r['words'].lower())}\b", r["words"], text)
    # The locality after a level word or a party committee is a proper name.
    m = re.search(r"\b(tỉnh|huyện|thành phố|thị xã|quận|xã|phường|thị trấn|Tỉnh ủy|Huyện ủy|Thành ủy|Thị ủy)\s+(.+)$", text)
    if m:
        text = text[:m.start(2)] + " ".join(w[:1].upper() + w[1:] for w in m.group(2).split())
    return text[:1].upper() + text[1:]


def _locality(issuer: str | None, text: str) -> tuple[str | None, str | None, str | None]:
    """(issuer_level, province, district) of the issuer."""
    if not issuer:
        return None, None, None
    if re.search(r"\b(Bộ|Chính phủ|Thủ tướng|Trung ương|Quốc hội)\b", issuer) and not re.search(r"\b(tỉnh|huyện)\b", issuer, re.I):
        return "central", None, None
    m = re.search(r"\b(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn|Tỉnh ủy|Huyện ủy|Thành ủy|Thị ủy)\s+(.+)$", issuer)
    if not m:
        return None, None, None
    word, name = m.group(1).lower(), m.group(2).strip()
    provinces = {fold(p): p for p in province_names()}
    if word in ("tỉnh", "tỉnh ủy") or (word in ("thành phố", "thành ủy") and fold(name) in provinces):
        return "province", provinces.get(fold(name), name), None
    if word in ("huyện", "quận", "thị xã", "thành phố", "huyện ủy", "thị ủy", "thành ủy"):
        return "district", _province_of_district(text), name
    return "commune", None, None


def _province_of_district(text: str) -> str | None:
    mentions = Counter(m.group(1) for m in re.finditer(r"\btỉnh\s+(" + "|".join(map(re.escape, province_names())) + r")\b", text))
    return mentions.most_common(1)[0][0] if mentions else None
