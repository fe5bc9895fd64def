"""Document metadata: number, type, issuer, place and date, signer, title.

Vietnamese administrative documents share one layout (Decree 30/2020): the issuer and the
number at the top left, the national motto and the dateline at the top right, the document
type and title centred below, the signature block ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH /
PHÓ CHỦ TỊCH / name") at the end. Readers emit the two header columns one after the other,
so this module works on the sequence of lines and never on positions.

Signed files add evidence: a digital-signature stamp ("Ký bởi / Thời gian ký") gives signed_at,
and the issue date when the dateline's day was left blank. Scans add noise: a receipt stamp
("CV ĐẾN Số ...") beside the title, a seal over the signature. The header and signature words
are in data/header_words.csv.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass

from ..domain import district_provinces, doc_type_names, issuer_codes, province_names, table
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
    signed_at: dt.datetime | None = None  # UTC, from a digital-signature stamp
    issue_date_source: str | None = None  # 'dateline' | 'signature'
    attached_to: str | None = None  # number of the document this file is an appendix of
    is_draft: bool = False  # a "Dự thảo" mark, or a number or date left blank in an unsigned file


HEADER_SCAN = 40  # the front matter never runs longer than this many lines
_CODE_PART = r"[A-ZĐa-zđ][\wĐđ&]*"
# "Số: 542/KH-UBND", "Số: 184 /BC-SNV", "Số: 2170 /QĐ - UBND", "Số:  12/2025/QĐ-UBND", party style "Số 45-KH/HU".
# The digits may be blank (a draft) or a scan's unreadable handwriting: the code part is still read.
_NUMBER = re.compile(rf"\bSố\s*:?\s*(?P<digits>[^\s/:-]{{0,8}}?)\s*(?P<year>/\s*(?:19|20)\d\d\s*)?(?P<sep>[/-])\s*"
                     rf"(?P<code>{_CODE_PART}(?:\s*[/-]\s*{_CODE_PART})*)")
_DATELINE = re.compile(r"^(?:Số\s*:?\s*\S*\s+)?(?P<place>[^,]{2,40}?),?\s+ngày\b.*\bnăm\b", re.IGNORECASE)
_DATE_WORD_DIGIT = re.compile(r"\b(ngày|tháng|năm)(?=\d)", re.IGNORECASE)  # "ngày14 tháng7" as typed into a form
_DATELINE_CUT = re.compile(r",?\s+ngày\s*\d{0,2}\s*$", re.IGNORECASE)  # "Hà Nội, ngày 21" ending a line
# Header lines that qualify the issuer rather than name it: "ĐOÀN KIỂM TRA / THEO QUYẾT ĐỊNH / SỐ 1050/QĐ-SCT".
_QUALIFIER = re.compile(r"^(THEO|SỐ)\s")  # not "SỞ", which folds the same
_OUTLINE_LABEL = re.compile(r"^(?:[IVXL]{1,5}|\d{1,2})[.)]\s")  # "I. MỤC ĐÍCH": the body's first heading, no issuer
_SIGN_ON_BEHALF = re.compile(r"^(TM|T/M|T\.M|KT|K/T|TL|T/L|TUQ|Q)\s*[.:/]?\s+(.*)$")
_NOT_SIGNER = re.compile(r"^\(?\s*(đã ký|ký|ký tên|ký,|ký số|đã ký và đóng dấu)", re.IGNORECASE)
_NAME_WORD = r"[A-ZĐÀ-Ỹ][a-zđà-ỹ]+"
_NAME = re.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,5}}$")
_NAME_AFTER_RECIPIENT = re.compile(rf"[.;,]\s+({_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}})$")
_PROSE = re.compile(r"[a-zđà-ỹ]{2,}\s+[a-zđà-ỹ]{2,}\s+[a-zđà-ỹ]{2,}")  # three lower-case words: a sentence, not noise
_MAX_TITLE_LINE = 300  # a longer line after a title's first one is the body, however it starts
_SIGNATURE_NOISE = 3  # lines of a seal's or a scan's noise tolerated between a signature title and the name
_LEVEL_WORDS = ("thành phố", "thị trấn", "thị xã", "tỉnh", "huyện", "quận", "phường", "xã")
_ABBREVIATIONS = {"ubnd": "Ủy ban nhân dân", "hđnd": "Hội đồng nhân dân", "ub": "Ủy ban"}
# A digital-signature stamp's time: "16.04.2024 10:45:27 +07:00", "2026-03-18T09:12:44+07:00".
_STAMP_TIME = re.compile(
    r"(?:(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>(?:19|20)\d\d)|(?P<y2>(?:19|20)\d\d)-(?P<m2>\d{2})-(?P<d2>\d{2}))"
    r"[T\s,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\.\d+)?\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?")
_VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7))
_STAMP_LINES = 4  # lines of a stamp block above its time: signer, e-mail, agency


@functools.lru_cache(maxsize=None)
def _header_words(role: str) -> tuple[str, ...]:
    return tuple(fold(r["words"]) for r in table("header_words") if r["role"] == role)


def _starts_with(line: str, role: str) -> str | None:
    """The header word of `role` the line opens with ("V/v báo cáo" -> "v/v"), else None."""
    f = fold(line).strip(" *-")
    return next((w for w in _header_words(role) if f == w or re.match(rf"{re.escape(w)}\b", f)), None)


def extract_metadata(doc: Document) -> Metadata:
    lines = _lines(doc)
    md = Metadata()
    type_line = _doc_type_line(lines)
    type_at = type_line[0] if type_line else None
    header = lines[:type_at] if type_at is not None else lines[:12]
    header = _join_number_label([line for line in header if not _is_receipt_stamp(line)])
    units = _header_units(header)
    number_code, blank_number = _read_number(md, header or lines[:HEADER_SCAN])
    blank_dateline = _read_dateline(md, header or lines[:HEADER_SCAN])
    if type_line:
        md.doc_type = type_line[1]
        title_lines = ([type_line[2]] if type_line[2] else []) + lines[type_at + 1:type_at + 12]
        md.title = _title(title_lines, units) or None
        if md.title and number_code and "/" in number_code:
            md.title = _party_summary(md.title)
    elif subject := _subject(header):
        md.doc_type, md.title = doc_type_names()["CV"], subject  # a Công văn: "V/v ..." under its number
    if md.doc_type is None and md.doc_type_code:
        md.doc_type = doc_type_names().get(md.doc_type_code)
    _apply_hints(md, doc.hints)
    body_on_behalf, md.signer, md.signer_title = _signature(lines)
    appendix_of = _appendix_of(lines[:HEADER_SCAN]) if md.doc_number is None else None
    if appendix_of:
        md.attached_to, parent_issuer = appendix_of
        units = [parent_issuer] if parent_issuer else []  # the appendix's own capital lines are its headings
    md.issuer = _issuer(md, units, body_on_behalf, _body_from_code(number_code), doc.text())
    md.issuer_level, md.province, md.district = _locality(md.issuer, doc.text())
    if md.province is None and len(units) > 1:  # "SỞ Y TẾ" under "UBND THÀNH PHỐ HÀ NỘI"
        level, md.province, md.district = _locality(org_case(units[-2]), doc.text())
        md.issuer_level = md.issuer_level or level
    if md.province is None and md.issuer_level in (None, "province") and md.place:
        # A body of a province dates its documents from the province ("Lào Cai, ngày ..."), one of a
        # district from the district: "ĐOÀN KIỂM TRA" under "SỞ CÔNG THƯƠNG" is Lào Cai's.
        md.province = {fold(p): p for p in province_names()}.get(fold(md.place))
        md.issuer_level = md.issuer_level or ("province" if md.province else None)
    _read_stamp(md, lines, blank_dateline)
    # A blank number or day is a draft's, unless a signature stamp signs the file. On a scan, a signed
    # final's handwritten number is often not read at all: there only both left blank make a draft.
    blanks = (blank_number, blank_dateline is not None)
    md.is_draft = _draft_mark(lines[:HEADER_SCAN]) or (
        md.signed_at is None and (all(blanks) if doc.ocr_used else any(blanks)))
    return md


def _join_number_label(header: list[str]) -> list[str]:
    """"Số:" alone on its line, the number on the next (a narrow header column wrapped it): one line."""
    out: list[str] = []
    for line in header:
        if out and re.fullmatch(r"Số\s*:?", out[-1].strip()) and re.match(r"\s*[\d/]", line):
            out[-1] = f"{out[-1].strip()} {line.strip()}"
        else:
            out.append(line)
    return out


def document_is_report(md: Metadata) -> bool:
    """A Báo cáo, or a letter whose subject is a report ("V/v báo cáo tình hình ...")."""
    return md.doc_type_code == "BC" or fold(md.doc_type or "") == "bao cao" or \
        fold(md.title or "").startswith(("bao cao", "v/v bao cao"))


def _draft_mark(lines: list[str]) -> bool:
    """A line of the front matter that is only a draft mark: "(Dự thảo)", "DỰ THẢO", "Dự thảo lần 2"."""
    marks = _header_words("draft")
    return any(re.fullmatch(rf"(?:{'|'.join(map(re.escape, marks))})(?:\s+(?:lan\s*)?\d+)?", fold(line).strip("()[]*. "))
               for line in lines)


def _read_stamp(md: Metadata, lines: list[str], blank_dateline: str | None) -> None:
    """signed_at from a digital-signature stamp ("Ký bởi: ... / Thời gian ký: 16.04.2024 10:45:27 +07:00",
    or a bare date-time with its offset, which only a stamp prints); it gives issue_date when the
    dateline's day is blank or unreadable. A portal's or a gazette's stamp (Cổng thông tin điện tử,
    Công báo) records publication, a day or more after signing: it is never the issue date."""
    for i, line in enumerate(lines):
        m = _STAMP_TIME.search(line)  # first: most lines hold no date-time, and need no look for a label
        if not m:
            continue
        f = fold(line)
        labelled = any(re.search(rf"(^|\s){re.escape(w)}\s*:", f) for w in _header_words("stamp_time") + _header_words("stamp_signer"))
        if not (labelled or (m.group("tz") and m.start() == 0 and m.end() == len(line.rstrip()))):
            continue
        local = _stamp_datetime(m)
        if local is None:
            continue
        md.signed_at = local.astimezone(dt.timezone.utc)
        block = " ".join(fold(x) for x in lines[max(0, i - _STAMP_LINES):i + 1])
        published = any(w in block for w in _header_words("publisher"))
        if blank_dateline and not published and _same_month(blank_dateline, local.date()):
            md.issue_date, md.issue_date_source = local.date(), "signature"
        return


def _stamp_datetime(m: re.Match) -> dt.datetime | None:
    y, mo, d = (m.group("y"), m.group("m"), m.group("d")) if m.group("y") else (m.group("y2"), m.group("m2"), m.group("d2"))
    tz = _VIETNAM_TIME  # a stamp without an offset is Vietnam's time
    if m.group("tz") and m.group("tz") != "Z":
        sign, digits = m.group("tz")[0], m.group("tz")[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        tz = dt.timezone(offset if sign == "+" else -offset)
    elif m.group("tz") == "Z":
        tz = dt.timezone.utc
    try:
        return dt.datetime(int(y), int(mo), int(d), int(m.group("H")), int(m.group("M")), int(m.group("S") or 0), tzinfo=tz)
    except ValueError:
        return None


def _same_month(dateline: str, day: dt.date) -> bool:
    """Whether the dateline's printed month and year ("ngày   tháng 11 năm 2025") allow the stamp's day."""
    m = re.search(r"tháng\s*(\d{1,2})?\s+năm\s+((?:19|20)\d\d)", dateline, re.IGNORECASE)
    return not m or (int(m.group(2)) == day.year and (m.group(1) is None or int(m.group(1)) == day.month))


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

    The type stands alone in capitals ("KẾ HOẠCH", letter-spaced "K Ế H O Ạ C H", or "K ÉT LUẬN"
    from a PDF whose text layer split a word), or opens a line whose title follows in lower case
    ("KẾ HOẠCH khắc phục những hạn chế ...").
    """
    names = sorted(_type_names_folded().items(), key=lambda kv: -len(kv[0]))
    for i, line in enumerate(lines[:HEADER_SCAN]):
        f = fold(line).strip(" .*")
        for folded, name in names:
            if line.upper() == line and (f == folded or f.replace(" ", "") == folded.replace(" ", "")):
                return i, name, ""
            rest = line[len(name):].strip()
            if f.startswith(folded + " ") and line[:len(name)].isupper() and (
                    rest[:1].islower() or (line.upper() == line and len(rest.split()) >= 3)):
                return i, name, rest  # "QUYẾT ĐỊNH CHẤP THUẬN CHỦ TRƯƠNG ĐẦU TƯ": a title set in capitals beside its type
    return None


def _read_number(md: Metadata, header: list[str]) -> tuple[str | None, bool]:
    """Sets doc_number and doc_type_code; returns the printed code part ("KH-UBND") even when the number is
    blank, and whether the number's place was left blank (a draft's "Số:   /KH-UBND"; a scan's unreadable
    handwriting leaves some mark there, and is not taken for a draft)."""
    for line in header:
        m = _NUMBER.search(line)
        if not m:
            continue
        code = re.sub(r"\s+", "", m.group("code"))
        year = re.sub(r"\s+", "", m.group("year") or "")
        digits = m.group("digits")
        # A draft's blank number, or handwriting the scan did not make readable, stays NULL: never guessed.
        sep = m.group("sep")
        glued = re.fullmatch(r"(\d+)([A-ZĐ][A-Za-zĐđ]*)", digits)
        if glued and sep == "-" and glued.group(2) in doc_type_names():  # OCR lost the slash: "47NQ-CP"
            digits, sep, code = glued.group(1), "/", f"{glued.group(2)}-{code}"
        md.doc_number = f"{digits}{year}{sep}{code}" if digits.isdigit() else None
        type_code = re.split(r"[-/]", code)[0]  # "542/KH-UBND" and party style "229-KH/TU"
        md.doc_type_code = type_code if type_code in doc_type_names() else None  # a Công văn's "644/TTXT-ĐTDN" has none
        return code, not m.group("digits")
    return None, False


def _read_dateline(md: Metadata, header: list[str]) -> str | None:
    """Sets place and issue_date from the dateline; returns the dateline when its day is blank or
    unreadable (a draft, or handwriting on a scan), for a signature stamp to date."""
    lines = [_DATE_WORD_DIGIT.sub(r"\1 ", line) for line in header]
    for i, line in enumerate(lines):
        if _DATELINE_CUT.search(line) and i + 1 < len(lines) and fold(lines[i + 1]).startswith("thang"):
            line = f"{line} {lines[i + 1]}"  # "..., ngày 21" / "tháng 11 năm 2025": a dateline wrapped over two lines
        m = _DATELINE.search(line)
        if m and "tháng" in line.lower():
            md.place = m.group("place").strip(" ,") or None
            md.issue_date = parse_date(line[m.start("place"):])
            md.issue_date_source = "dateline" if md.issue_date else None
            return None if md.issue_date else line
    return None


def _is_receipt_stamp(line: str) -> bool:
    """A receiving office's stamp ("CV ĐẾN Số 2352 Ngày 21/3/18"): never the document's own number or date.
    Its caption in capitals ("ĐẾN") is matched as a word of the line, the others at the start of a
    line not in capitals ("Chuyển: ..."; "CHUYỂN ĐỔI XANH VÀ" is an issuer's name wrapped)."""
    words = set(re.findall(r"[^\W\d_]+", line))
    return any(w in words if w.isupper() else (not line.isupper() and fold(line).startswith(fold(w) + " "))
               for w in (r["words"] for r in table("header_words") if r["role"] == "receipt"))


def _subject(header: list[str]) -> str | None:
    """The "V/v ..." summary of a Công văn, its wrapped lines joined, without the "V/v"."""
    parts: list[str] = []
    for line in header:
        if not parts:
            # "V/v", or a party letter's "về việc" opening its line or after its number (elsewhere
            # it is the body's: "Thực hiện Công văn số ... về việc ...")
            m = re.search(r"(?:^|\s)(?:V/v|Về việc)\s*:?\s+(.+)$|^(?:Số\s*:?[\s\dA-ZĐ/.&-]{1,40})?về việc\s*:?\s+(.+)$", line)
            if m:
                parts.append((m.group(1) or m.group(2)).strip())
            continue
        if (_starts_with(line, "recipient") or _starts_with(line, "motto") or _DATELINE.search(line)
                or _NUMBER.search(line) or line.upper() == line or parts[-1].endswith((".", ";", ":"))):
            break
        parts.append(line.strip())
    subject = " ".join(parts).strip()
    return subject[:1].upper() + subject[1:] if subject else None


def _appendix_of(lines: list[str]) -> tuple[str, str | None] | None:
    """(number, issuer) of the document a file that opens with its appendix is attached to:
    "PHỤ LỤC ... (Kèm theo Báo cáo số 35/BC-UBND ngày ... của UBND tỉnh Lâm Đồng)"."""
    opening = [line for line in lines[:3] if not _starts_with(line, "motto")]
    if not opening or not _starts_with(opening[0], "appendix"):
        return None
    for line in lines[:8]:
        f = fold(line).strip("( ")
        if not any(w in f for w in _header_words("attached")):
            continue
        m = re.search(rf"\bsố\s*:?\s*(\d+(?:/(?:19|20)\d\d)?\s*[/-]\s*{_CODE_PART}(?:\s*[/-]\s*{_CODE_PART})*)", line)
        if m:
            issuer = re.search(r"\bcủa\s+([^()]+?)\s*\)?\s*$", line)
            return re.sub(r"\s+", "", m.group(1)), (issuer.group(1).strip(" .") if issuer else None)
    return None


def _apply_hints(md: Metadata, hints: dict[str, str]) -> None:
    """A page's own attribute table fills only what the document body left unsaid."""
    if md.doc_number is None and hints.get("doc_number") and md.place is None:
        md.doc_number = hints["doc_number"]
    if md.doc_type is None and hints.get("doc_type"):
        md.doc_type = hints["doc_type"]
    if md.issue_date is None and md.place is None and hints.get("issue_date"):
        md.issue_date = parse_date(hints["issue_date"])  # the page's restatement of the dateline
        md.issue_date_source = "dateline" if md.issue_date else None


def _title(after_type: list[str], units: list[str]) -> str:
    """The summary lines under the document type, up to the first line of the body: a preamble,
    a numbered heading, a note in brackets ("(Cấp lần đầu: ...)") or, under a Quyết định's title,
    the issuing authority ("ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "CHỦ TỊCH ỦY BAN NHÂN DÂN ...")."""
    authorities = [fold(unit) for unit in units]
    parts: list[str] = []
    for line in after_type:
        f = fold(line)
        if f.startswith("(") and not parts:
            continue  # "(Dự thảo)" under the type
        if re.match(r"^(\(|can cu|kinh gui|[ivx]+[.\-]\s|\d+[.)]\s|[-*]{3,})", f):
            break
        if parts and (not _continues_title(parts[-1], line) or any(f.endswith(a) for a in authorities)
                      or len(line) > _MAX_TITLE_LINE):  # a paragraph of the body whose capital OCR lost
            break
        parts.append(_without_stamp(line).strip("* "))
        if sum(len(p) for p in parts) > 600:
            break
    title = " ".join(parts).strip()
    # No summary opens with "và": a scan's bold "Về" read as "và" ("Về Chương trình hành động ...").
    return re.sub(r"^và\s", "Về ", title)


def _party_summary(title: str) -> str:
    """A party document's summary without the rest of its name set in capitals above it: "NGHỊ
    QUYẾT / CỦA BAN THƯỜNG VỤ TỈNH ỦY / về phát triển ..." is about "về phát triển ..."."""
    m = re.match(r"^(.+?)\s+(về\s.+)$", title)
    return m.group(2) if m and m.group(1).upper() == m.group(1) else title


def _without_stamp(line: str) -> str:
    """A title line without the receipt or gazette stamp a scan's OCR read into it before its
    "Về việc": "TRUNG TÂM CÔNG BÁO ... Về việc tăng cường ..." -> "Về việc tăng cường ..."."""
    m = re.search(r"(?:^|\s)(Về việc|V/v)\s", line)
    if not m or m.start(1) == 0:
        return line
    before = fold(line[:m.start(1)])
    stamp = _header_words("publisher") + _header_words("receipt")
    return line[m.start(1):] if any(re.search(rf"\b{re.escape(w)}\b", before) for w in stamp) else line


def _continues_title(previous: str, line: str) -> bool:
    # A wrapped title line starts in lower case, or the title is set in capitals throughout, or the
    # line above was cut after a comma or a word that cannot end a title ("... của", "... tỉnh").
    last = fold(previous).rstrip().rsplit(" ", 1)[-1]
    return (line[:1].islower() or (line.upper() == line and previous.upper() == previous)
            or previous.rstrip().endswith(",") or last in _header_words("title_joiner"))


def _signature_lines(lines: list[str]) -> list[str]:
    """Lines with a signature block that a reader joined into one ("TM. ỦY BAN NHÂN DÂN KT CHỦ TỊCH PHÓ CHỦ TỊCH") split again."""
    out: list[str] = []
    for line in lines:
        pieces = re.split(r"\s+(?=(?:TM|T/M|KT|K/T|TL|T/L|TUQ)\b[.\s/])", line.strip("* "))
        if len(pieces) > 1 or _SIGN_ON_BEHALF.match(pieces[0]) or _beside_recipients(pieces[0]):
            pieces = [p for piece in pieces for p in _split_trailing_title(piece)]
        out.extend(pieces)
    return out


def _beside_recipients(line: str) -> bool:
    """Is the signature's title set beside the recipients, as two columns read side by side give it
    ("Nơi nhận:                GIÁM ĐỐC", "- Như trên (t/h);        PHÓ BÍ THƯ")?"""
    if fold(line).startswith("noi nhan"):
        return True
    pieces = _split_trailing_title(line)
    return line.startswith(("-", "+", "•")) and len(pieces) == 2 and pieces[1].upper() == pieces[1]


def _split_trailing_title(piece: str) -> list[str]:
    f = fold(piece)
    for title in sorted((r["title"] for r in table("titles")), key=len, reverse=True):
        t = fold(title)
        head = piece[: len(piece) - len(title)].strip()
        if f.endswith(" " + t) and not re.fullmatch(r"(TM|T/M|KT|K/T|TL|T/L|TUQ)\.?", head):
            return [head, piece[len(head):].strip()]
    return [piece]


def _signature(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """(body signed on behalf of, signer, signer title) from the document's signature block.

    The first block that names its signer is the document's own: a Tờ trình or a cover letter
    signs before the draft or the report it carries, whose own block comes after."""
    lines = _signature_lines(lines)
    signs = [bool(_on_behalf(line)) for line in lines]
    starts = [i for i, sign in enumerate(signs) if sign and not (i and signs[i - 1])]
    for start in starts or [i for i, line in enumerate(lines) if _is_title(line)][::-1]:
        found = _signature_at(lines, start)
        if found:
            return found
    return None, None, None


def _on_behalf(line: str) -> re.Match | None:
    """ "KT. CHỦ TỊCH", "T/M BAN THƯỜNG VỤ", "KT. Chủ tịch": a body or a title, in capitals or
    known, unlike a recipient's "TM và DL tỉnh"."""
    m = _SIGN_ON_BEHALF.match(line.strip("* "))
    if not m:
        return None
    body = m.group(2)
    if body.upper() == body or _is_title(body) or any(fold(body).startswith(w) for w in _org_words_folded()):
        return m
    return None


@functools.lru_cache(maxsize=1)
def _org_words_folded() -> tuple[str, ...]:
    return tuple(fold(r["words"]) for r in table("org_words"))


def _signature_at(lines: list[str], start: int) -> tuple[str | None, str, str | None] | None:
    on_behalf, titles, noise = None, [], 0
    signs_for = None  # the head a "KT." line signs for, while no title line has followed it
    for line in lines[start:start + 14]:
        line = line.strip("* ")
        m = _on_behalf(line)
        if m:
            if m.group(1).replace(".", "").replace("/", "") == "TM":
                on_behalf = m.group(2)
            else:
                titles.append(head := m.group(2))
                signs_for = head if m.group(1).startswith("K") else None
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
        name = _without_name_prefix(line)
        if _NAME.match(name) and not _is_title(name):
            if signs_for is not None and titles and titles[-1] is signs_for and _is_title(signs_for):
                # "KT. CHỦ TỊCH" is signed for the head by a deputy, whose own title line
                # ("PHÓ CHỦ TỊCH") a seal or a scan left unread
                return on_behalf, name, _title_case(f"Phó {signs_for}")
            known = [t for t in titles if _is_title(t)]  # rather than a scan's capital specks
            title = (known or titles)[-1] if titles else None
            return on_behalf, name, _title_case(title) if title else None
        if _is_title(line) or (line.upper() == line and re.search(r"[^\W\d_]{2}", line)):
            titles.append(line)
            continue
        noise += 1  # a seal's or a scan's specks between the title and the name; a sentence ends the block
        if noise > _SIGNATURE_NOISE or _PROSE.search(line):
            break
    return None


def _without_name_prefix(line: str) -> str:
    """The name after a rank or a degree: "Đại tá Nguyễn Văn Hùng", "TS. Lê Thị Mai"."""
    f = fold(line)
    for prefix in sorted(_header_words("name_prefix"), key=len, reverse=True):
        n = len(prefix)  # fold keeps the length of a line's opening words
        if f.startswith(prefix) and (prefix.endswith(".") or f[n:n + 1] == " "):
            return line[n:].strip()
    return line


def _is_title(line: str) -> bool:
    f = fold(line.strip("* "))
    return any(f == fold(r["title"]) for r in table("titles"))


def _title_case(title: str) -> str:
    for r in table("titles"):
        if fold(r["title"]) == fold(title):
            return r["title"]
    return title[:1].upper() + title[1:].lower()


def _issuer(md: Metadata, units: list[str], on_behalf: str | None, code_body: str | None, text: str) -> str | None:
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
    """Issuer lines of the header, a line naming a locality ("TỈNH NGHỆ AN") joined to the one above.

    Never the motto (a reader may put it on the issuer's line), a qualifier, the number, the
    dateline, a heading ("DỰ THẢO", "PHỤ LỤC", "QUYẾT ĐỊNH:") or a stamp."""
    units: list[str] = []
    for line in header:
        line = _before_motto(re.sub(r"\s*[-_*=]{3,}\s*", " ", line).strip())  # the rule printed under the issuer
        f = fold(line)
        if (line.upper() != line or not re.search(r"[^\W\d_]{2}", line) or _QUALIFIER.match(line)
                or _OUTLINE_LABEL.match(line)
                or _NUMBER.search(line[:1] + line[1:].lower()) or _DATELINE.search(line)
                or _starts_with(line, "not_issuer") or f.strip(" .:") in _type_names_folded()
                or "@" in line or any(w in f for w in _header_words("publisher"))  # a stamp's lines
                or any(f.startswith(t + " ") or f.startswith(t + ":") for t in _type_names_folded())):
            continue
        if units and (any(f.startswith(fold(w) + " ") for w in _LEVEL_WORDS) or _cut_short(units[-1])):
            units[-1] = f"{units[-1]} {line}"
        else:
            units.append(line)
    return units


def _cut_short(unit: str) -> bool:
    """Does a header line stop mid-name ("CỤC ĐỔI MỚI SÁNG TẠO," / "CHUYỂN ĐỔI XANH VÀ" / "KHUYẾN CÔNG")?"""
    return unit.rstrip().endswith((",", "-", "–")) or fold(unit).endswith((" va", " cua"))


def _before_motto(line: str) -> str:
    """The part of a header line before the national motto or the party's name, which a reader may set beside the issuer."""
    f = fold(line)  # one folded word per word of the line
    at = min((i for i in (f.find(m) for m in _header_words("motto")) if i == 0 or (i > 0 and f[i - 1] == " ")), default=None)
    return line if at is None else " ".join(line.split()[:f[:at].count(" ")])


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
    if re.search(r"\b(Bộ|Chính phủ|Thủ tướng|[Tt]rung ương|Quốc hội)\b", issuer) and not re.search(r"\b(tỉnh|huyện)\b", issuer, re.I):
        return "central", None, None
    m = re.search(r"\b(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn|Tỉnh ủy|Huyện ủy|Thành ủy|Thị ủy)\s+(.+)$", issuer)
    if not m:
        return None, None, None
    word, name = m.group(1).lower(), m.group(2).strip()
    provinces = {fold(p): p for p in province_names()}
    if word in ("tỉnh", "tỉnh ủy") or (word in ("thành phố", "thành ủy") and fold(name) in provinces):
        return "province", provinces.get(fold(name), name), None
    if word in ("huyện", "quận", "thị xã", "thành phố", "huyện ủy", "thị ủy", "thành ủy"):
        return "district", _province_of_district(name, text), name
    return "commune", None, None


def _province_of_district(district: str, text: str) -> str | None:
    """The province a district belongs to (extractors/data/districts.csv); for a name several provinces
    have ("Châu Thành"), or one missing from the list, the province the text names most among them."""
    known = district_provinces()
    candidates = known.get(district.lower()) or known.get(fold(district), [])
    if len(candidates) == 1:
        return candidates[0]
    names = candidates or province_names()
    mentions = Counter(m.group(1) for m in re.finditer(
        r"\b(?:tỉnh|thành phố)\s+(" + "|".join(map(re.escape, names)) + r")\b", text))
    return mentions.most_common(1)[0][0] if mentions else None
