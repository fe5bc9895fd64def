"""Loads the domain tables in extractors/data/ (document types, issuer codes, provinces, agency aliases)."""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

from .normalize import fold, normalize_text


@lru_cache(maxsize=None)
def table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of extractors/data/<name>.csv as dicts, text normalized."""
    with resources.files("extractors.data").joinpath(f"{name}.csv").open(encoding="utf-8") as f:
        return tuple({k: normalize_text(v or "") for k, v in row.items()} for row in csv.DictReader(f))


def doc_type_names() -> dict[str, str]:
    """Document-type code (KH) -> name (Kế hoạch)."""
    return {r["code"]: r["name"] for r in table("doc_types")}


def issuer_codes() -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in table("issuer_codes")}


def province_names() -> list[str]:
    return [r["name"] for r in table("provinces")]


@lru_cache(maxsize=None)
def district_provinces() -> dict[str, list[str]]:
    """District name in lower case, and also folded (for text that lost its accents) -> the provinces
    that have a district of that name (districts.csv: the General Statistics Office's list before the
    2025 reform, which ended the district level). "Tam Đường" (Lai Châu) and "Tam Dương" (Vĩnh Phúc)
    fold alike: the accented name is looked up first."""
    out: dict[str, list[str]] = {}
    for r in table("districts"):
        for key in dict.fromkeys((r["name"].lower(), fold(r["name"]))):
            provinces = out.setdefault(key, [])
            if r["province"] not in provinces:
                provinces.append(r["province"])
    return out
