"""Golden records of real public documents: born-digital plans, decisions, directives, letters and
reports of ../shared/corpus/real, copied to tests/fixtures/real/ with their hand-checked records
(tests/fixtures/real_gold.json, a copy of ../shared/gold/real.json; provenance in
../shared/corpus/README.md). The scans of the corpus are left to the OCR tests: their handwritten
numbers and days are unreadable.

Names are compared as the gold's conventions read them: accents, case and punctuation aside, "các",
"có" and "và" aside, and abbreviations spelt out ("UBND" is "Ủy ban nhân dân")."""
from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from extractors.normalize import fold
from extractors.records import extract_records
from extractors.registry import read_document

FIXTURES = Path(__file__).parent / "fixtures"
GOLD = {d["files"][0]: d for d in json.loads((FIXTURES / "real_gold.json").read_text(encoding="utf-8"))["docs"]}
_SPELT_OUT = {"ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan", "bhxh": "bao hiem xa hoi", "ub": "uy ban",
              "mttq": "mat tran to quoc"}
# Duties the documents give to agencies the gold does not list, each read in the document:
EXTRA_AGENCIES = {
    # item 9: "Các Bộ, ngành và Ủy ban nhân dân các tỉnh ... chỉ đạo thực hiện tốt chỉ thị này ..."
    "30_sct_CT07-TTg_2012_chan_chinh_KKT_KCN_CCN.docx": {"Các Bộ, ngành"},
}


def name_key(name: str | None) -> str:
    words = re.sub(r"[^\w/]+", " ", fold(name or "")).replace("/", " ").split()
    return " ".join(_SPELT_OUT.get(w, w) for w in words if w not in ("cac", "co", "va"))


def number_key(number: str | None) -> str:
    return re.sub(r"\s+", "", fold(number or "")).upper()


@lru_cache(maxsize=None)
def records(name: str):
    return extract_records(read_document(FIXTURES / "real" / name), "d")


@pytest.mark.parametrize("name", sorted(GOLD))
def test_the_header_reads_as_the_gold(name):
    gold, md = GOLD[name]["document"], records(name).metadata
    assert number_key(md.doc_number) == number_key(gold["doc_number"])
    assert (md.doc_type, str(md.issue_date) if md.issue_date else None) == (gold["doc_type"], gold["issue_date"])
    assert (name_key(md.issuer), fold(md.signer)) == (name_key(gold["issuer"]), fold(gold["signer"]))
    assert difflib.SequenceMatcher(None, fold(md.title), fold(gold["title"]), autojunk=False).ratio() >= 0.9, md.title


@pytest.mark.parametrize("name", sorted(n for n in GOLD if GOLD[n]["assignments"] is not None))
def test_every_agency_given_a_duty_and_no_other(name):
    found = {name_key(a.agency) for a in records(name).assignments}
    expected = {name_key(a["agency"]) for a in GOLD[name]["assignments"]} | set(map(name_key, EXTRA_AGENCIES.get(name, ())))
    assert found == expected


@pytest.mark.parametrize("name", sorted(GOLD))
def test_every_cited_document_and_no_other(name):
    found = {number_key(c.cited_number) for c in records(name).citations}
    assert found == {number_key(n) for n in GOLD[name]["references"]}
