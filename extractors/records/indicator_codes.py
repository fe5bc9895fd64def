"""Comparable indicators: a code from the curated catalogue for each indicator row that names one.

Plans name the same indicator in many ways ("Tỷ lệ dân số tham gia BHYT (%)", "Tỷ lệ người dân
tham gia bảo hiểm y tế"); extractors/data/indicator_catalogue.csv lists the common ones once, with
a stable code, and how to recognise them on the folded name (see normalize.fold):

    require  regexes, separated by ";", that must all match the folded name
    prefer   regexes that the usual wording has; each one missing costs 0.2 of the score
             ("Tỷ lệ suy dinh dưỡng trẻ em dưới 5 tuổi" says neither nhẹ cân nor thấp còi)
    exclude  a regex that rules the entry out (a sub-population, a neighbouring indicator)
    unit_kind  percent, permille, per_10000, per_woman, per_100_girls or score: what the value measures

The unit kind of a row is read from its unit, else from its name ("(%)", "/10.000 dân", "trên 1
vạn dân"). A row of another kind (a count: "ít nhất 1 bác sĩ") never gets the code; a row with no
unit at all keeps 0.8 of its score. A row stating an amount of change rather than a level ("Giảm
tỷ lệ ... bình quân hàng năm 0,5%") gets no code. The best-scoring entry wins when it scores at
least MIN_SCORE and no other entry scores the same; otherwise the row has no code.

The catalogue carries its version (catalogue_version, the same on every row): change it whenever
an entry's code, meaning or patterns change. Codes are assigned at extraction time, so rows
extracted before a catalogue change keep their old codes until re-ingested (vnplan ingest --force).
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from schemas.records import IndicatorRecord

from ..domain import table
from ..normalize import fold

CATALOGUE = "indicator_catalogue"
MIN_SCORE = 0.6
PREFER_PENALTY = 0.2
UNKNOWN_UNIT_FACTOR = 0.8

# An amount of change, not a level (folded name).
_CHANGE = re.compile(r"^(giam|tang|nang|ha|keo giam)\b|\b(binh quan|hang nam|moi nam)\b")
_UNIT_KINDS = (
    ("per_10000", re.compile(r"(/|\btren|\bcho)\s*(10[.,]?000|1 van|mot van|van)\s*(dan|nguoi)")),
    ("permille", re.compile(r"‰|\bphan nghin\b|/\s*1[.,]?000\s*(tre|dan|ca)")),
    ("percent", re.compile(r"%|\bphan tram\b")),
    ("per_woman", re.compile(r"/\s*(1\s*|mot\s*)?phu nu\b")),  # total fertility: "2,1 con/phụ nữ"
    ("per_100_girls", re.compile(r"trai\s*/\s*100\s*(be\s*|tre\s*)?gai\b")),  # sex ratio at birth
    ("score", re.compile(r"\bdiem\b")),  # an index's points: PAPI, PCI, DDCI
)


@dataclass(frozen=True)
class Entry:
    code: str
    name_vi: str
    unit_kind: str
    require: tuple[re.Pattern, ...]
    prefer: tuple[re.Pattern, ...]
    exclude: re.Pattern | None


def _patterns(text: str) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p.strip()) for p in text.split(";") if p.strip())


@lru_cache(maxsize=None)
def catalogue() -> tuple[Entry, ...]:
    rows = table(CATALOGUE)
    return tuple(Entry(code=r["code"], name_vi=r["name_vi"], unit_kind=r["unit_kind"],
                       require=_patterns(r["require"]), prefer=_patterns(r["prefer"]),
                       exclude=re.compile(r["exclude"]) if r["exclude"].strip() else None)
                 for r in rows)


@lru_cache(maxsize=None)
def catalogue_version() -> str:
    versions = {r["catalogue_version"] for r in table(CATALOGUE)}
    if len(versions) != 1:
        raise ValueError(f"{CATALOGUE}.csv has rows of several versions {sorted(versions)}: give every row the same one")
    return versions.pop()


def unit_kind(unit: str | None, name: str) -> str | None:
    """percent, permille, per_10000, "other" (a count or another unit), or None when nothing says."""
    for text in (fold(unit or ""), fold(name)):
        for kind, pattern in _UNIT_KINDS:
            if pattern.search(text):
                return kind
        if unit and text == fold(unit):
            return "other"  # a stated unit of no known kind: the name's "(%)" cannot overrule it
    return None


def _entry_score(entry: Entry, folded: str, kind: str | None) -> float:
    if not all(p.search(folded) for p in entry.require):
        return 0.0
    if entry.exclude is not None and entry.exclude.search(folded):
        return 0.0
    if kind is None:
        unit_factor = UNKNOWN_UNIT_FACTOR
    elif kind == entry.unit_kind:
        unit_factor = 1.0
    else:
        return 0.0
    missing = sum(1 for p in entry.prefer if not p.search(folded))
    return max(0.0, 1.0 - PREFER_PENALTY * missing) * unit_factor


def match(name: str, unit: str | None) -> tuple[str | None, float | None]:
    """(code, score) of the catalogue entry the indicator is, or (None, None) when unsure."""
    folded = fold(name)
    if not folded or _CHANGE.search(folded):
        return None, None
    kind = unit_kind(unit, name)
    scored = sorted(((_entry_score(e, folded, kind), e.code) for e in catalogue()), reverse=True)
    best, code = scored[0]
    if best < MIN_SCORE - 1e-9 or (len(scored) > 1 and abs(scored[1][0] - best) < 1e-9):
        return None, None
    return code, round(best, 2)


def assign_codes(records: Iterable[IndicatorRecord]) -> list[IndicatorRecord]:
    """The records with indicator_code and indicator_match_score set."""
    out = []
    for r in records:
        code, score = match(r.name, r.unit)
        out.append(dataclasses.replace(r, indicator_code=code, indicator_match_score=score))
    return out
