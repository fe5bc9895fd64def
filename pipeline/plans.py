"""Plan identity: which documents are copies of one plan, which copy stands for it, and which
ingested document a citation names. Run at publish time, over every current document, because a
draft read on one night and its signed final read on the next must end up in one plan.

Copies of one plan (rule, also in README "One plan, many copies"):
1. Documents with the same number and issuer (the number folded: 542/KH-UBND = 542/KH-UBND,
   Đ = D, spaces dropped; the issuer by its canonical name) are copies, unless both state their
   year of issue and the years differ (an issuer numbers again from 1 every year).
2. A document joins another when their texts are the same plan: the MinHash signatures
   (documents.text_minhash) agree on at least SAME_TEXT of their values, their types and
   issuers do not disagree, and the join would not put two different numbers in one plan. This
   is how an unnumbered draft, a scan whose number is unreadable, or a text copy with no header
   finds its plan; a different plan, even of one issuer on one template, shares far less text.

plan_id (stable): a plan keeps the id it was given when it was first published: the previously
published file's ids are read back and each plan takes the id most of its copies already had. A
plan published for the first time gets one derived from content alone, so that the same files
give the same ids whatever their names, order or run: from its number key ("number|issuer|year")
when a copy is numbered, else from its smallest doc_id (the content hash of one of its files).
Renaming, moving or re-ingesting files never changes an id (doc_id is a content hash); a new copy
of a known plan takes that plan's id. Only rebuilding the database from scratch re-derives ids,
and then a plan first seen as a draft gets the id of its number.

Preferred copy (plans.doc_id, and the copy the plan_* views count): a final (no draft mark, and a
number or a date) over a draft, a draft over a copy that does not say (a text without its header),
a born-digital file over an OCR-read one, an original format over a plain-text copy, then the newest
(issue date, then extraction time), then the smallest doc_id.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from extractors.normalize import fold
from extractors.records.agencies import canonical_agency
from extractors.records.fingerprint import SIGNATURE_SIZE

SAME_TEXT = 0.5  # the samples' copies measure 0.97 and more (a scan's OCR, a draft), different plans 0.12 at most
_BANDS = 32  # LSH bands of _ROWS values: pairs above about 0.42 share a band, far fewer pairs are compared
_ROWS = SIGNATURE_SIZE // _BANDS


@dataclass(frozen=True)
class Copy:
    """What plan identity reads of one document row."""
    doc_id: str
    doc_number: str | None
    doc_type: str | None
    issuer: str | None
    issue_date: dt.date | None
    text_minhash: list[int] | None
    is_draft: bool | None
    ocr_used: bool | None
    ingested_at: dt.datetime | None
    source_format: str | None

    @property
    def year(self) -> int | None:
        if self.issue_date:
            return self.issue_date.year
        m = re.search(r"/((?:19|20)\d\d)/", self.doc_number or "")
        return int(m.group(1)) if m else None


COPY_COLUMNS = ("doc_id, doc_number, doc_type, issuer, issue_date, text_minhash, is_draft, ocr_used, ingested_at, "
                "source_format")
TEXT_COPIES = ("txt", "md")  # a plain-text copy loses the layout, the tables' cells and often the header


def number_key(number: str | None) -> str | None:
    """A document number as a key: folded (Đ = D), upper case, without spaces."""
    return re.sub(r"\s+", "", fold(number)).upper() if number else None


@functools.lru_cache(maxsize=4096)  # asked for each pair of candidate copies
def issuer_key(issuer: str | None) -> str | None:
    """An issuer as a key: its canonical name folded (Ủy ban nhân dân tỉnh X = UBND tỉnh X)."""
    return fold(canonical_agency(issuer)) if issuer else None


FINAL, DRAFT, UNSTATED = 0, 1, 2  # what a copy says it is: the first value of preference()


def preference(c: Copy) -> tuple:
    """Sort key putting a plan's preferred copy first: a final (no draft mark, a number or a date) before
    a draft, a draft before a copy that does not say (a text without its header); then born-digital
    before OCR, an original format before a plain-text copy, the newest, the smallest doc_id."""
    status = DRAFT if c.is_draft else FINAL if (c.doc_number or c.issue_date) else UNSTATED
    newest = -(c.issue_date.toordinal() if c.issue_date else 0)
    extracted = -(c.ingested_at.timestamp() if c.ingested_at else 0)
    return (status, bool(c.ocr_used), c.source_format in TEXT_COPIES, newest, extracted, c.doc_id)


NumberKey = tuple[str, str, int | None]  # (number, issuer, year of issue when known)


def _conflict(a: set[NumberKey], b: set[NumberKey]) -> bool:
    """Two groups of copies are two plans when they carry different numbers or issuers, or one number
    and issuer in two different years."""
    return any(x[:2] != y[:2] or (x[2] and y[2] and x[2] != y[2]) for x in a for y in b)


class _Groups:
    """Union-find over documents; each group knows the number keys of its copies."""

    def __init__(self, copies: list[Copy]):
        self.parent = {c.doc_id: c.doc_id for c in copies}
        self.numbers: dict[str, set[NumberKey]] = {c.doc_id: set() for c in copies}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if _conflict(self.numbers[ra], self.numbers[rb]):
            return False  # two different numbers are two plans, however alike their text
        ra, rb = min(ra, rb), max(ra, rb)
        self.parent[rb] = ra
        self.numbers[ra] |= self.numbers.pop(rb)
        return True


def _numbered(copies: list[Copy]) -> dict[str, NumberKey]:
    """doc_id -> (number, issuer, year) of each document with a number and an issuer; a copy stating no
    year takes the year of the copies of that number and issuer when they all state the same one."""
    years: dict[tuple[str, str], set[int]] = defaultdict(set)
    for c in copies:
        if c.doc_number and c.issuer and c.year:
            years[(number_key(c.doc_number), issuer_key(c.issuer))].add(c.year)
    keys = {}
    for c in copies:
        if c.doc_number and c.issuer:
            base = (number_key(c.doc_number), issuer_key(c.issuer))
            keys[c.doc_id] = (*base, c.year or (next(iter(years[base])) if len(years[base]) == 1 else None))
    return keys


def _identity(c: Copy) -> tuple[str | None, str | None]:
    """What two copies of one plan may not disagree on: the type and the issuer (folded)."""
    return (fold(c.doc_type) if c.doc_type else None), issuer_key(c.issuer)


def _compatible(a: tuple, b: tuple) -> bool:
    return all(not x or not y or x == y for x, y in zip(a, b))


def _similar_pairs(copies: list[Copy], numbered: dict[str, NumberKey]) -> list[tuple[float, str, str]]:
    """Pairs of documents whose texts agree on at least SAME_TEXT of their signatures, best first.
    Only a document whose number does not already place it (no number, or no year to tell two plans of
    one number apart) is matched by its text: its candidates come from the LSH bands (documents
    sharing all _ROWS values of one band), each checked on the whole signature."""
    import numpy as np

    signed = [c for c in copies if c.text_minhash and len(c.text_minhash) == SIGNATURE_SIZE]
    if not signed:
        return []
    matrix = np.array([c.text_minhash for c in signed], dtype=np.int64)
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for i, row in enumerate(matrix):
        for band in range(_BANDS):
            buckets[(band, *row[band * _ROWS:(band + 1) * _ROWS])].append(i)
    identity = [_identity(c) for c in signed]
    pairs: dict[tuple[str, str], float] = {}
    for i, c in enumerate(signed):
        if c.doc_id in numbered and numbered[c.doc_id][2] is not None:
            continue
        row = matrix[i]
        candidates = {j for band in range(_BANDS) for j in buckets[(band, *row[band * _ROWS:(band + 1) * _ROWS])]}
        candidates.discard(i)
        if not candidates:
            continue
        others = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
        scores = (matrix[others] == row).mean(axis=1)
        for j, score in zip(others[scores >= SAME_TEXT].tolist(), scores[scores >= SAME_TEXT].tolist()):
            if _compatible(identity[i], identity[j]):
                pairs[tuple(sorted((c.doc_id, signed[j].doc_id)))] = score
    return sorted(((score, a, b) for (a, b), score in pairs.items()), key=lambda p: (-p[0], p[1], p[2]))


def group_copies(copies: list[Copy]) -> list[list[Copy]]:
    """The documents grouped into plans, each group's preferred copy first; groups by their first doc_id."""
    groups = _Groups(copies)
    numbered = _numbered(copies)
    first_of: dict[str, str] = {}
    for doc_id in sorted(numbered):
        groups.numbers[doc_id] = {numbered[doc_id]}
    for doc_id in sorted(numbered):  # the same number, issuer and year: copies whatever their text
        groups.union(first_of.setdefault(numbered[doc_id], doc_id), doc_id)
    for _, a, b in _similar_pairs(copies, numbered):
        groups.union(a, b)
    members: dict[str, list[Copy]] = defaultdict(list)
    for c in copies:
        members[groups.find(c.doc_id)].append(c)
    out = [sorted(m, key=preference) for m in members.values()]
    return sorted(out, key=lambda g: min(c.doc_id for c in g))


def _derived_id(group: list[Copy], numbered: dict[str, NumberKey]) -> str:
    keys = sorted({numbered[c.doc_id] for c in group if c.doc_id in numbered}, key=lambda k: (k[2] is None, k))
    basis = f"number:{keys[0][0]}|{keys[0][1]}|{keys[0][2] or ''}" if keys else f"doc:{min(c.doc_id for c in group)}"
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def plan_ids(copies: list[Copy], previous: dict[str, str] | None = None) -> dict[str, tuple[str, bool]]:
    """doc_id -> (plan_id, whether it is its plan's preferred copy). `previous`: doc_id -> plan_id
    of the previously published file; a plan keeps the id most of its copies had there."""
    previous = previous or {}
    numbered = _numbered(copies)
    taken: set[str] = set()
    out = {}
    for group in group_copies(copies):
        held = Counter(previous[c.doc_id] for c in group if c.doc_id in previous and previous[c.doc_id] not in taken)
        plan_id = min(held, key=lambda k: (-held[k], k)) if held else _derived_id(group, numbered)
        if plan_id in taken:  # a plan split since: the part that did not keep the id gets one of its own
            plan_id = hashlib.sha256(f"doc:{min(c.doc_id for c in group)}".encode()).hexdigest()[:16]
        taken.add(plan_id)
        for i, c in enumerate(group):
            out[c.doc_id] = (plan_id, i == 0)
    return out


# --- citations ------------------------------------------------------------------------------------

def _issuers_agree(cited: str | None, issuer: str | None) -> bool:
    """A citation's issuer fits a document's when either is unknown or one's words are all in the
    other's ("Tỉnh ủy" in "Tỉnh ủy Nghệ An"; "UBND tỉnh Lai Châu" = "Ủy ban nhân dân tỉnh Lai Châu")."""
    a, b = issuer_key(cited), issuer_key(issuer)
    if not a or not b:
        return True
    wa, wb = set(a.split()), set(b.split())
    return wa <= wb or wb <= wa


def cited_documents(citations: list[tuple], copies: list[Copy], ids: dict[str, tuple[str, bool]]) -> dict[tuple[str, str], str]:
    """(citing doc_id, cited_number) -> the preferred copy of the one plan the citation names, for the
    citations (doc_id, cited_number, cited_type, cited_date, cited_issuer) that name exactly one plan:
    same number, type and issuer where stated, and the year of the cited date when the number has none."""
    by_number: dict[str, list[Copy]] = defaultdict(list)
    for c in copies:
        if c.doc_number:
            by_number[number_key(c.doc_number)].append(c)
    preferred = {plan_id: doc_id for doc_id, (plan_id, first) in ids.items() if first}
    out = {}
    for doc_id, number, cited_type, cited_date, cited_issuer in citations:
        plans = {ids[c.doc_id][0] for c in by_number.get(number_key(number), [])
                 if (not cited_type or not c.doc_type or fold(cited_type) == fold(c.doc_type))
                 and _issuers_agree(cited_issuer, c.issuer)
                 and (re.search(r"/(?:19|20)\d\d/", number) or not cited_date or not c.year
                      or cited_date.year == c.year)}
        plans.discard(ids.get(doc_id, (None,))[0])  # a copy of the citing plan itself is no citation
        if len(plans) == 1:
            out[(doc_id, number)] = preferred[plans.pop()]
    return out


def link(con, previous: dict[str, str] | None = None) -> None:
    """Set documents.plan_id and preferred_copy, and citations.cited_doc_id, on a connection holding
    the record tables being published."""
    import pyarrow as pa

    copies = [Copy(*r) for r in con.execute(f"SELECT {COPY_COLUMNS} FROM documents").fetchall()]
    ids = plan_ids(copies, previous)
    con.register("_plan_ids", pa.table({"doc_id": list(ids), "plan_id": [v[0] for v in ids.values()],
                                        "preferred_copy": [v[1] for v in ids.values()]},
                                       schema=pa.schema([("doc_id", pa.string()), ("plan_id", pa.string()),
                                                         ("preferred_copy", pa.bool_())])))
    con.execute("UPDATE documents SET plan_id = p.plan_id, preferred_copy = p.preferred_copy "
                "FROM _plan_ids p WHERE documents.doc_id = p.doc_id")
    con.unregister("_plan_ids")
    citations = con.execute("SELECT doc_id, cited_number, cited_type, cited_date, cited_issuer FROM citations").fetchall()
    cited = cited_documents(citations, copies, ids)
    con.register("_cited", pa_table({"doc_id": [k[0] for k in cited], "cited_number": [k[1] for k in cited],
                                     "cited_doc_id": list(cited.values())}))
    con.execute("UPDATE citations SET cited_doc_id = c.cited_doc_id FROM _cited c "
                "WHERE citations.doc_id = c.doc_id AND citations.cited_number = c.cited_number")
    con.unregister("_cited")


def published_plan_ids(con) -> dict[str, str]:
    """doc_id -> plan_id of a previously published file (empty when it predates plan ids)."""
    import duckdb

    try:
        return dict(con.execute("SELECT doc_id, plan_id FROM documents WHERE plan_id IS NOT NULL").fetchall())
    except duckdb.Error:
        return {}


def new_content_plans(db, doc_ids: list[str]) -> dict[str, int]:
    """For the documents of new content a run published: how many plans they start (new_plans, from
    new_plan_files files) and how many of them are copies of a plan already in the database
    (known_plan_files: the plan has a copy that is not among them)."""
    import duckdb

    from .tables import DUCKDB_CONFIG

    if not doc_ids:
        return {"new_plans": 0, "new_plan_files": 0, "known_plan_files": 0}
    with duckdb.connect(str(db), read_only=True, config=DUCKDB_CONFIG) as con:
        con.register("_new", pa_table({"doc_id": doc_ids}))
        row = con.execute("""
            WITH new AS (SELECT d.doc_id, d.plan_id FROM documents d JOIN _new USING (doc_id)),
                 known AS (SELECT DISTINCT plan_id FROM documents WHERE doc_id NOT IN (SELECT doc_id FROM _new))
            SELECT count(DISTINCT plan_id) FILTER (WHERE plan_id NOT IN (SELECT plan_id FROM known)),
                   count(*) FILTER (WHERE plan_id NOT IN (SELECT plan_id FROM known)),
                   count(*) FILTER (WHERE plan_id IN (SELECT plan_id FROM known))
            FROM new""").fetchone()
    return dict(zip(("new_plans", "new_plan_files", "known_plan_files"), row))


def pa_table(columns: dict[str, list]):
    """An Arrow table of VARCHAR columns (typed even when empty), for a connection to read."""
    import pyarrow as pa

    return pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})
