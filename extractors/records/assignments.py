"""Agency duties, wherever a document gives them: one row per duty, keyed by canonical agency.

Documents laid out per Decree 30/2020 give duties in a few shapes, found here on the outline in
whatever part they stand ("Tổ chức thực hiện", the body of a Chỉ thị or Công văn, the articles of
a Quyết định):
- an item whose subject is an agency: "2. Sở Y tế: Chủ trì ...", "3. Ban Tuyên giáo Huyện ủy tiếp
  tục ...", "1. Sở Y tế" with its duties below, "b) Giao Sở Nội vụ:", "5. Đề nghị Ủy ban MTTQ tỉnh
  ...", "Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc Sở X ... chịu trách nhiệm thi hành" (an office
  title names the agency its holder heads);
- a heading "Trách nhiệm của X" whose items name no agency: they are X's duties ("nhà đầu tư" is the
  investor the document names); "Đối với X:" likewise, when what follows opens with a duty verb (an
  emulation plan's "Đối với UBND cấp xã: Hoàn thành 100% ..." is an award criterion);
- a lead-in "Sở Y tế đề nghị Sở X phối hợp triển khai các nội dung sau:" followed by items naming no
  agency: they are Sở X's duties.
A subject is an agency when it opens with an agency head noun (agency_aliases `type`) and not with a
theme ("Công tác tuyên truyền", "Kinh phí thực hiện", "Ban hành ...": duty_words `theme`). The Nơi
nhận list and the signature block are not in the outline, so recipients never get duties; nor does
the closing formula of a decision ("Chánh Văn phòng ..., Giám đốc các sở ... chịu trách nhiệm thi
hành Quyết định này": duty_words `formula`), which lists everyone concerned in every decision and
assigns nothing of its own. A sentence inside a duty that opens with other agencies and a verb
("... thường xuyên. Thanh tra tỉnh, Công an tỉnh theo chức năng ... tham mưu ...") is theirs.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache

from schemas.records import AssignmentRecord

from ..domain import table
from ..normalize import fold
from .agencies import agency_pieces, canonical_agency, head_noun_length, is_bare_head_noun, is_known_name
from .dates import parse_deadline
from .outline import Node, Outline

_PART = re.compile(
    r"\b(to chuc thuc hien|trach nhiem thuc hien|phan cong (nhiem vu|trach nhiem)|trach nhiem cua cac)\b")
# Where a report asks agencies for something: its "Kiến nghị, đề xuất", and its tasks for the next
# period ("II. PHƯƠNG HƯỚNG, NHIỆM VỤ QUÝ II", "Nhiệm vụ trọng tâm năm 2027").
_REPORT_PART = re.compile(r"\b(kien nghi|de xuat|phuong huong|nhiem vu trong tam|nhiem vu, giai phap"
                          r"|nhiem vu .{0,30}(thoi gian|quy|nam) toi)\b")
_MAX_SUBJECT = 240  # longest subject, without a verb after it, still read as agency names
_MAX_NAME_WORDS = 24  # longer, a "name" is a sentence whose verb was missed
_MAX_LIST = 600  # longest list of agencies a subject may enumerate ("Giám đốc các sở: Sở A, Sở B, ...")
_PAREN = re.compile(r"\s*\([^()]*\)")
# Where a sentence ends inside a duty: a full stop before a capital ("TP. Hồ Chí Minh" is no agency
# with a verb, so breaking there harms nothing).
_SENTENCE_BREAK = re.compile(r"(?<=\.)\s+(?=[^\W\d_])")
# "Trách nhiệm của nhà đầu tư", "Nhiệm vụ của các sở, ngành": the owner of the items below.
_OWNED = re.compile(r"^(?:trách nhiệm|nhiệm vụ)(?: cụ thể)? của\s+(.+?)\s*:?$", re.IGNORECASE)
# "Ông Hoàng Chí Hiền, Giám đốc Sở Công Thương - Phó Chủ tịch Hội đồng": a member of a body a
# decision sets up, listed under it, is no duty of the body.
_MEMBER = re.compile(r"^(?:Ông|Bà|Đồng chí|Đ/c)\.?\s+[A-ZĐÀ-Ỹ]")
# "Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị liên quan biết, thực hiện": a notice's closing line.
_NOTICE_CLOSING = re.compile(r"\bthong bao de\b")
# "UBND tỉnh yêu cầu ..." after the last agency is the issuer's closing word, no one's duty.
_ISSUER_DEMAND = re.compile(r"^(ubnd|uy ban nhan dan)\b.{0,40}\byeu cau\b")
# A deadline is a date word introduced by a deadline word; a date of a cited document
# ("Quyết định số 2207/QĐ-UBND ngày 14/8/2025") has no such word before it.
_DEADLINE = re.compile(
    r"(?:(?:hoàn thành|xong)\s+)?"
    r"(?:trước|trong|chậm nhất(?: là)?|đến hết|thời hạn(?: hoàn thành)?|thời gian(?: thực hiện| hoàn thành)?)\s*:?\s+"
    r"(?:ngày\s+\d{1,2}(?:\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?|\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)"
    r"|(?:tháng|quý)\s+[\dIVX]{1,4}(?:\s*(?:/|năm)\s*\d{4})?|năm\s+\d{4}"
    r"|\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s*/\s*\d{4})",
    re.IGNORECASE)


@dataclass(frozen=True)
class _Claim:
    agencies: tuple[str, ...]  # printed names
    duty: str  # the duty stated on the subject's own line


def extract_assignments(outline: Outline, doc_id: str, province: str | None = None,
                        report: bool = False) -> list[AssignmentRecord]:
    """The duties of the outline's agencies; `province` is the issuer's, whose name some mentions
    of an agency add ("Công an tỉnh Lào Cai" beside "Công an tỉnh": one agency, named as the
    shorter mention names it). A report (`report`) recounts what agencies did: it gives duties
    only in its recommendations and its tasks for the next period."""
    out: list[AssignmentRecord] = []

    investor = _investor(outline)

    def emit(agencies: tuple[str, ...], duties: list[str], node: Node) -> None:
        if duties and all(_formula(d) or _MEMBER.match(d) for d in duties):
            return
        duties = [d for d in duties if not (_formula(d) or _MEMBER.match(d))]
        for agency in agencies:
            for duty in duties or [""]:
                deadline_text = _deadline_text(duty)
                out.append(AssignmentRecord(
                    doc_id=doc_id, assignment_id=f"{doc_id}:a{len(out)}", agency=canonical_agency(agency),
                    agency_raw=agency, duty=duty, deadline_text=deadline_text,
                    due_date=parse_deadline(deadline_text).due_date if deadline_text else None,
                    section_id=node.section_id or None))

    for node in _scopes(outline, report):
        claim = _claim(node)
        if claim:
            _emit_claimed(node, claim, emit)
        else:
            _walk(node, investor, emit)
        if node.kind == "root":
            _emit_loose(outline.loose, node, emit)
    return _without_province_variants(out, province)


def _without_province_variants(rows: list[AssignmentRecord], province: str | None) -> list[AssignmentRecord]:
    if not province:
        return rows
    names = {r.agency for r in rows}
    suffix = re.compile(rf"\s+(?:(tỉnh|thành phố)\s+)?{re.escape(province)}$", re.IGNORECASE)

    def shorter(name: str) -> str:
        m = suffix.search(name)
        if not m:
            return name
        for short in (f"{name[:m.start()]} {m.group(1).lower()}" if m.group(1) else None, name[:m.start()]):
            if short and short in names:
                return short
        return name
    return [dataclasses.replace(r, agency=shorter(r.agency)) for r in rows]


def _emit_loose(paragraphs: list[str], root: Node, emit) -> None:
    """Duties stated in the paragraphs of a letter without numbered items ("Sở Xây dựng đề nghị UBND
    các huyện rà soát ..."); a paragraph that introduces items below ("... các nội dung sau:") gives
    them their owner instead."""
    for text in paragraphs:
        claim = None if _closing(text) else _claim_text(text, "", has_body=False)
        if claim and claim.duty and not claim.duty.endswith(":"):
            later: list[tuple[tuple[str, ...], str]] = []
            emit(claim.agencies, [_split_off_others(claim.duty, later)], root)
            for agencies, duty in later:
                emit(agencies, [duty], root)


def _scopes(outline: Outline, report: bool = False) -> list[Node]:
    """Where duties are read. A plan with a part that assigns them ("Tổ chức thực hiện", "Phân công
    trách nhiệm") states them there: elsewhere an agency opening a sentence is the content of a task
    or an objective. Articles of a decision, sections organised by agency ("Nội dung thực hiện"
    with one item per agency) and an agency's heading with its duties below ("1. Thủ trưởng các sở
    có trách nhiệm:" and lettered items) give duties wherever they stand. A document without such a
    part (a Chỉ thị, a Công văn) gives them anywhere in its body, from its lead-in on."""
    parts = [n for n in outline.nodes if _is_part(n) or (report and _is_part(n, _REPORT_PART))]
    if report and not parts:
        return []  # "Thanh tra tỉnh tổ chức 03 cuộc thanh tra": what was done, no one's duty
    if not parts:
        return [Node(kind="root", label=None, heading="", block_index=-1, page=None,
                     text_parts=[outline.lead] if outline.lead else [],
                     children=[n for n in outline.nodes if n.parent is None])]
    chosen = {id(n) for n in parts}
    chosen |= {id(n) for n in outline.nodes if n.kind == "article" or _by_agency(n) or _heads_its_duties(n)}
    return [n for n in outline.nodes if id(n) in chosen and not _inside(n, chosen)]


def _is_part(node: Node, words: re.Pattern = _PART) -> bool:
    return (node.label is not None and node.kind in ("part", "roman", "decimal", "article")
            and bool(words.search(fold(node.heading))) and len(node.heading) < 120 and bool(node.children))


def _by_agency(node: Node) -> bool:
    """Is a section organised by agency: most of its items, two at least, open with one?"""
    claims = sum(1 for c in node.children if _claim(c))
    return claims >= 2 and 2 * claims >= len(node.children)


def _inside(node: Node, chosen: set[int]) -> bool:
    parent = node.parent
    while parent is not None:
        if id(parent) in chosen:
            return True
        parent = parent.parent
    return False


def _walk(node: Node, investor: str | None, emit) -> None:
    children = [c for c in node.children if c.kind != "appendix"]
    claims = [_claim(c) for c in children]
    owner = None if any(claims) else _owner(node, investor)
    if owner:
        emit(owner, [_node_text(c) for c in children], node)
        return
    for child, claim in zip(children, claims):
        if claim:
            _emit_claimed(child, claim, emit)
        else:
            _walk(child, investor, emit)


def _emit_claimed(node: Node, claim: _Claim, emit) -> None:
    """The item's duties: its own line, its paragraphs and its sub-items. A paragraph that names
    another agency as its subject is that agency's ("Bộ X chịu trách nhiệm ..." after the items)."""
    duties: list[str] = []
    later: list[tuple[tuple[str, ...], str]] = []  # other agencies' sentences inside these duties
    if claim.duty and not (_introduces(claim) and node.children):
        duties.append(_split_off_others(claim.duty, later))
    for text in node.text_parts:
        if _closing(text):
            continue
        other = _claim_text(text, "", has_body=False)
        if other:
            emit(other.agencies, [_split_off_others(other.duty, later)], node)
        else:
            duties.append(text)
    duties += [_node_text(c) for c in node.children]
    if duties or not node.text_parts:  # "Điều 1. Cơ quan tiếp nhận hồ sơ" whose text is another agency's
        emit(claim.agencies, duties, node)
    for agencies, duty in later:
        emit(agencies, [duty], node)


def _split_off_others(duty: str, later: list[tuple[tuple[str, ...], str]]) -> str:
    """The duty up to its first later sentence whose subject is other agencies with a verb; each
    such sentence, with those after it up to the next, goes to `later` as those agencies' duty."""
    own, others = [], []
    for sentence in _SENTENCE_BREAK.split(duty):
        claim = _claim_text(sentence, "", has_body=False) if own and sentence[:1].isupper() else None
        if claim and claim.duty:
            others.append((claim.agencies, [claim.duty]))
        else:
            (others[-1][1] if others else own).append(sentence)
    later.extend((agencies, " ".join(parts)) for agencies, parts in others)
    return " ".join(own)


def _introduces(claim: _Claim) -> bool:
    """Does the subject's line only introduce the items below ("1. Sở Y tế", "Chủ tịch UBND cấp xã
    chỉ đạo:", "... có trách nhiệm:"), stating no duty of its own?"""
    return not claim.duty or claim.duty.endswith(":") or len(claim.duty.split()) <= 3


def _heads_its_duties(node: Node) -> bool:
    """Is the node an agency's heading with its duties as the items below it?"""
    claim = _claim(node)
    return bool(claim and node.children and _introduces(claim))


def _node_text(node: Node) -> str:
    return " ".join(p for p in (node.heading, node.text) if p)


def _claim(node: Node) -> _Claim | None:
    if node.kind in ("root", "appendix"):
        return None
    claim = _claim_text(node.heading, node.inline, has_body=bool(node.children or node.text_parts))
    if claim and not claim.duty and _topic_word().match(node.heading.strip()):
        # "1. Đối với UBND cấp xã:" heads duties ("- Chỉ đạo ...") or award criteria ("- Hoàn thành 100% ..."):
        # the first item below tells which.
        first = node.children[0].heading if node.children else node.text_parts[0] if node.text_parts else ""
        return claim if _opens_with_verb(first) else None
    return claim


@lru_cache(maxsize=4096)  # a line is asked again by each rule that looks at its parent
def _claim_text(heading: str, inline: str, has_body: bool) -> _Claim | None:
    """The agencies a line names as its subject, and the duty it states; None when its subject is no agency."""
    text = _strip_titles(_strip_lead(heading))
    if _is_theme(text) or not _opens_agency(text):
        return None
    if (listed := _listed_members(text, inline)) and (listed[1] or has_body):
        return _claim_of(*listed)
    at = _verb_at(text)
    if at is not None:
        subject, duty = text[:at], text[at:].strip()
        if inline:
            duty = f"{duty.rstrip(':')}: {inline}"
    elif inline and _opens_agency(_strip_titles(inline)) and (at := _verb_at(_strip_titles(inline))) is not None:
        # "Giám đốc các sở, ngành: Sở Tài chính, Công an tỉnh ... chịu trách nhiệm thi hành": the
        # list after the colon names the collective before it.
        listed = _strip_titles(inline)
        pieces = _agencies(text)
        kept = pieces[:-1] if pieces and _is_collective(pieces[-1]) else pieces
        return _claim_of(kept + _agencies(listed[:at]), listed[at:].strip())
    else:
        subject, duty = text, inline
        if len(subject) > _MAX_SUBJECT or not (duty or has_body):
            return None
    if _reports(f"{subject} {duty.split(' ', 1)[0]}") or duty[:1].isdigit():
        return None  # "Thanh tra tỉnh có số hồ sơ ...: 239 hồ sơ": a figure is no duty
    if duty and _topic_word().match(heading.strip()) and not _opens_with_verb(duty):
        return None  # "Đối với các cơ quan chuyên môn: Có kết quả đánh giá đạt loại Tốt": a criterion, no duty
    return _claim_of(_agencies(subject), duty)


def _opens_with_verb(text: str) -> bool:
    return bool(_verbs().match(f" {text[:1].lower()}{text[1:]}"))


@lru_cache(maxsize=None)
def _topic_word() -> re.Pattern:
    return re.compile(rf"(?:{_alternation('topic')})\s+", re.IGNORECASE)


def _listed_members(text: str, inline: str) -> tuple[list[str], str] | None:
    """(agencies, duty) of a plural head noun whose members are named after its colon by their bare
    names: "Các Bộ: Công Thương, Xây dựng, Tài nguyên và Môi trường:" are Bộ Công Thương, Bộ Xây
    dựng and Bộ Tài nguyên và Môi trường. A comma inside a known name keeps it whole ("Văn hóa,
    Thể thao và Du lịch")."""
    m = re.fullmatch(r"[Cc]ác\s+(\w+)", text.strip())
    if not m or not inline:
        return None
    head = m.group(1)[:1].upper() + m.group(1)[1:]
    at = _verb_at(f" {inline}")
    listed, duty = (inline, "") if at is None else (inline[:at - 1], inline[at - 1:].strip())
    members, _, others = listed.rstrip(" ;:").partition(";")  # "Y tế, Tư pháp; UBND các huyện": others follow
    pieces = [p.strip(" .:") for p in members.split(",")]
    if head_noun_length(head) != 1 or len(pieces) < 2 or not all(p[:1].isupper() for p in pieces):
        return None
    names: list[str] = []
    for piece in pieces:
        if names and is_known_name(f"{names[-1]}, {piece}"):
            names[-1] = f"{names[-1]}, {piece}"
        else:
            names.append(f"{head} {piece}")
    return names + _agencies(others), duty


def _reports(text: str) -> bool:
    """Does a subject go on as a report of what was done ("Sở X đã tổ chức ..."), not a duty?
    Compared with accents: "vẫn" is a report word, "vận động" a duty."""
    return any(w.lower() in _words("report", folded=False) for w in text.split())


def _claim_of(agencies: list[str], duty: str) -> _Claim | None:
    if _formula(duty):
        return None
    agencies = [a for a in agencies if _opens_agency(a) and not _generic(a) and not _clause_words().search(a.lower())
                and not is_bare_head_noun(a.split(" - ")[0])  # "Phó Giám đốc Sở - Hoàng Văn Thuân": a person
                and len(re.findall(r"\w+", a)) <= _MAX_NAME_WORDS]
    return _Claim(tuple(agencies), duty) if agencies else None


@lru_cache(maxsize=None)
def _clause_words() -> re.Pattern:
    """Words no agency's name holds, which make a "subject" a sentence about a body: "Hội đồng thẩm
    định bao gồm: ...", "Hội đồng làm việc theo chế độ tập thể và chịu trách nhiệm ..."."""
    words = sorted((w.lower() for w in _words("clause", folded=False)), key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})(?!\w)")


def _agencies(subject: str) -> list[str]:
    """The agencies a subject names. A head noun alone joins the name after it ("Báo và Đài Phát
    thanh, Truyền hình tỉnh" is one agency), and a collective of non-agencies joins the name before
    it ("Ủy ban MTTQ tỉnh và các tổ chức, đoàn thể": the Front with its member organisations)."""
    subject = re.sub(r"\s*\([^()]*$", "", _PAREN.sub("", subject)).strip(" .,;:")  # and a bracket a line break left open
    if len(subject) > _MAX_LIST:
        return []
    out: list[str] = []
    for sep, piece in agency_pieces(subject):
        if out and sep != ";" and (is_bare_head_noun(out[-1]) or (sep in (",", "và") and _member_collective(piece))):
            out[-1] = f"{out[-1]}{', ' if sep == ',' else f' {sep} '}{piece}"
        else:
            out.append(piece)
    return [p.strip(" .,;:") for p in out if p.strip(" .,;:")]


def _opens_agency(text: str) -> bool:
    """Does text open with an agency: a head noun ("Sở", "UBND"), or "các" before a head noun or a
    generic noun ("các sở, ngành", "Các cơ quan, đơn vị liên quan"; not "Các báo cáo")?"""
    words = text.split()
    if words and fold(words[0]) == "cac":
        rest = " ".join(words[1:])
        return not _is_theme(rest) and bool(head_noun_length(rest, any_case=True) or _generic_words().match(fold(rest)))
    return bool(head_noun_length(text))


def _member_collective(piece: str) -> bool:
    words = piece.split()
    return (len(words) > 1 and fold(words[0]) == "cac" and words[1][:1].islower()
            and not head_noun_length(" ".join(words[1:]), any_case=True) and not _generic(piece))


def _is_collective(piece: str) -> bool:
    return fold(piece).startswith("cac ")


def _generic(piece: str) -> bool:
    """A collective of nothing but generic nouns ("Các cơ quan, đơn vị, địa phương") names everyone, no agency."""
    return not _generic_words().sub("", " ".join(re.sub(r"[^\w\s]", " ", fold(piece)).split())).strip()


@lru_cache(maxsize=None)
def _generic_words() -> re.Pattern:
    phrases = sorted(_words("generic"), key=len, reverse=True)
    return re.compile(rf"(?<!\S)(?:{'|'.join(map(re.escape, phrases))})(?!\S)")


def _owner(node: Node, investor: str | None) -> tuple[str, ...] | None:
    """Who the items under a node belong to when they name no agency themselves: the X of a heading
    "Trách nhiệm của X", or the agency a lead-in asks ("... đề nghị Sở X phối hợp thực hiện các nội dung sau:")."""
    if not node.children:
        return None
    if m := _OWNED.match(node.heading):
        named = m.group(1)
        if fold(named) in _words("role"):
            return (investor,) if investor else None
        claim = _claim_of(_agencies(_strip_titles(named)), "")
        return claim.agencies if claim else None
    lead = node.text_parts[-1] if node.text_parts else node.heading
    if not lead.rstrip().endswith(":"):
        return None
    m = re.search(rf"\b(?:{_alternation('request')})\s+(.*)$", lead, re.IGNORECASE)
    claim = m and _claim_text(m.group(1), "", has_body=False)
    return claim.agencies if claim else None


def _investor(outline: Outline) -> str | None:
    """The organisation a decision names as its investor ("Tên doanh nghiệp: Công ty Cổ phần X.")."""
    for node in outline.nodes:
        for text in (node.heading, *node.text_parts, node.inline):
            m = re.search(r"(?:tên doanh nghiệp|tên nhà đầu tư|tên tổ chức kinh tế|nhà đầu tư)\s*:\s*([^.;:]+)",
                          text, re.IGNORECASE)
            if m and head_noun_length(m.group(1)):
                return m.group(1).strip()
    return None


def _strip_lead(text: str) -> str:
    """Drop what stands before the subject: a request word ("Giao", "Đề nghị"), with the agency
    that asks ("Sở Xây dựng đề nghị UBND các huyện rà soát ...": the duty is the districts'), a
    topic word ("Đối với UBND các huyện: ...") or an adverbial clause ("Căn cứ nội dung Kế hoạch
    này, các sở ...")."""
    text = text.strip()
    for _ in range(2):
        if m := re.match(rf"(?:{_alternation('lead')})\b[^,:;]*,\s*", text, re.IGNORECASE):
            text = text[m.end():]
        if m := _topic_word().match(text):
            text = text[m.end():]
        if m := re.match(rf"(?:{_alternation('request')})\s+", text, re.IGNORECASE):
            text = text[m.end():]
        elif (m := _requester().match(text)) and _verb_at(m.group(1)) is None \
                and head_noun_length(_strip_titles(m.group(1))) and _opens_agency(_strip_titles(text[m.end():])):
            text = text[m.end():]  # "Chủ tịch UBND tỉnh yêu cầu Thủ trưởng các Sở ...": the heads asked
    return text


@lru_cache(maxsize=None)
def _requester() -> re.Pattern:
    """An agency's name, then the word by which it asks another ("UBND tỉnh giao", "Sở Y tế đề nghị")."""
    return re.compile(rf"([^,;:]{{2,80}}?)\s+(?:{_alternation('request')})\s+", re.IGNORECASE)


def _strip_titles(text: str) -> str:
    """Office titles dropped before the agency they head: "Chánh Văn phòng UBND tỉnh" -> "Văn phòng
    UBND tỉnh", "Giám đốc/Thủ trưởng các Sở, ban, ngành" -> "các Sở, ban, ngành"."""
    def drop(m: re.Match) -> str:
        rest = text[m.end():]
        if _opens_agency(rest) or head_noun_length(rest, any_case=True):
            return m.group(1)
        # "Các Bộ trưởng, Thủ trưởng cơ quan ngang bộ": a "<head noun> trưởng" heads that head noun.
        head = re.sub(r"\s+trưởng$", "", m.group(2).split("/")[-1].strip(), flags=re.IGNORECASE)
        if m.group(1).strip() and fold(m.group(1).split()[-1]) == "cac" and head_noun_length(head, any_case=True):
            return f"{m.group(1)}{head}{m.group(3)}"
        return m.group(0)
    return _titles().sub(drop, text)


@lru_cache(maxsize=None)
def _alternation(kind: str) -> str:
    """A regex alternative of the duty_words of a kind, as printed, longest first."""
    return "|".join(map(re.escape, sorted(_words(kind, folded=False), key=len, reverse=True)))


@lru_cache(maxsize=None)
def _titles() -> re.Pattern:
    title = _alternation("title")
    return re.compile(rf"(^(?:các\s+)?|[;,]\s*|\svà\s)((?:{title})(?:\s*/\s*(?:{title}))*)(\s+|(?=,))", re.IGNORECASE)


def _is_theme(text: str) -> bool:
    f = fold(text)
    return any(f == w or f.startswith(w + " ") for w in _words("theme"))


def _formula(duty: str) -> bool:
    """Is a duty only the closing formula of a decision ("chịu trách nhiệm thi hành Quyết định này./."),
    perhaps after the rest of a list of agencies ("Tài chính, Nội vụ; ... chịu trách nhiệm thi hành")?"""
    m = _formula_end().search(duty)
    return bool(m) and not _verbs().search(" " + duty[:m.start()])


@lru_cache(maxsize=None)
def _formula_end() -> re.Pattern:
    """A formula ending the text, with at most the name of the document after it ("... Quyết định này")."""
    return re.compile(rf"(?:{_alternation('formula')})(?:(?:\s+\S+){{0,2}}\s+này)?[\s./]*$", re.IGNORECASE)


def _closing(text: str) -> bool:
    f = fold(text)
    return (any(f.startswith(w) for w in _words("closing")) or bool(_ISSUER_DEMAND.match(f))
            or bool(_NOTICE_CLOSING.search(f)))


def _verb_at(text: str) -> int | None:
    """Where the duty starts after the subject ("Ban Tuyên giáo Huyện ủy tiếp tục ..." -> at "tiếp tục").
    A verb right after a head noun alone is the name's ("Ban xây dựng đảng Đảng ủy chủ trì")."""
    for m in _verbs().finditer(text):
        at = m.start() + 1  # after the space
        if at <= 3:
            return None
        if not is_bare_head_noun(text[:at]):
            return at
    return None


@lru_cache(maxsize=None)
def _verbs() -> re.Pattern:
    """A duty verb after a space, longest first. Where a verb's words also stand in a name,
    duty_verbs.csv says after or before what they do: "tổ chức" after "các" is a noun ("các tổ chức
    chính trị - xã hội"); "tham mưu" before ", giúp việc" names a body ("cơ quan tham mưu, giúp việc")."""
    def alternative(row: dict[str, str]) -> str:
        after = "".join(rf"(?<!{re.escape(w)})" for w in row["not_after"].split("|") if w)
        before = "".join(rf"(?!{re.escape(w)})" for w in row["not_before"].split("|") if w)
        return rf"{after}\s{re.escape(row['verb'])}\b{before}"
    rows = sorted(table("duty_verbs"), key=lambda r: len(r["verb"]), reverse=True)
    return re.compile("|".join(alternative(r) for r in rows))


@lru_cache(maxsize=None)
def _words(kind: str, folded: bool = True) -> tuple[str, ...]:
    return tuple(fold(r["words"]) if folded else r["words"] for r in table("duty_words") if r["kind"] == kind)


def _deadline_text(duty: str) -> str | None:
    """The deadline a duty states ("hoàn thành trước ngày 20/12/2026", "trong quý III năm 2027")."""
    for m in _DEADLINE.finditer(duty or ""):
        if parse_deadline(m.group()).due_date:
            return m.group().strip()
    return None
