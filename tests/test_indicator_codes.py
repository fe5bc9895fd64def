"""Comparable indicators: the catalogue, name matching, and the codes of the sample indicators
against the shared gold file."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import duckdb
import pytest

from extractors.domain import table
from extractors.records.indicator_codes import CATALOGUE, MIN_SCORE, catalogue, catalogue_version, match
from pipeline.lake import Lake
from pipeline.tables import DUCKDB_CONFIG

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold" / "gold.json"

# The code each gold indicator should get; None: not in the catalogue (or not surely), so no code.
GOLD_CODES = {
    "Tỷ lệ người dân tham gia bảo hiểm y tế": "HEALTH_INSURANCE_COVERAGE",
    "Tỷ lệ dân số tham gia BHYT (%)": "HEALTH_INSURANCE_COVERAGE",
    "Số bác sĩ/10.000 dân": "DOCTORS_PER_10K",
    "Số bác sỹ trên 1 vạn dân": "DOCTORS_PER_10K",
    "Số giường bệnh viện/10.000 dân": "HOSPITAL_BEDS_PER_10K",
    "Số giường bệnh trên 10.000 dân": "HOSPITAL_BEDS_PER_10K",
    "Số điều dưỡng/10.000 dân": "NURSES_PER_10K",
    "Số dược sỹ đại học trên 1 vạn dân": "PHARMACISTS_PER_10K",
    "Tỷ lệ Trạm y tế xã có bác sĩ (%) định biên": "CHS_WITH_DOCTOR",
    "Tỷ lệ Trạm Y tế có bác sỹ làm việc": "CHS_WITH_DOCTOR",
    "Trạm y tế có bác sĩ": "CHS_WITH_DOCTOR",
    "Trạm y tế có y sĩ sản nhi hoặc nữ hộ sinh": "CHS_WITH_MIDWIFE",
    "Tỷ lệ xã đạt Bộ tiêu chí quốc gia về y tế giai đoạn đến 2030 (%)": "COMMUNES_HEALTH_CRITERIA",
    "Tỷ lệ xã, phường, thị trấn đạt Tiêu chí quốc gia về y tế": "COMMUNES_HEALTH_CRITERIA",
    "Tỷ lệ trẻ < 1 tuổi tiêm chủng đầy đủ (%)": "FULL_IMMUNIZATION_U1",
    "Tỷ lệ tiêm chủng đầy đủ cho trẻ em dưới 1 tuổi": "FULL_IMMUNIZATION_U1",
    "Tỷ lệ suy dinh dưỡng ở trẻ em dưới 5 tuổi (%) (thể thấp còi)": "STUNTING_U5",
    "Tỷ lệ suy dinh dưỡng trẻ em dưới 5 tuổi": "UNDERWEIGHT_U5",
    "Tỷ suất chết trẻ em dưới 1 tuổi/1000 trẻ đẻ sống (‰)": "INFANT_MORTALITY",
    "Tỷ suất chết trẻ em dưới 5 tuổi/1000 trẻ đẻ sống (‰)": "UNDER5_MORTALITY",
    "Tỷ lệ dân số được quản lý hồ sơ sức khỏe điện tử (%)": "ELECTRONIC_HEALTH_RECORDS",
    "Tỷ lệ dân số được quản lý sức khỏe": "POPULATION_HEALTH_MANAGED",
    # Outside the catalogue, or not surely one of its entries:
    "Người dân sử dụng dịch vụ chăm sóc ban đầu tại y tế cơ sở được bảo hiểm y tế chi trả": None,
    "Mỗi trạm y tế cấp xã có ít nhất một bác sĩ cơ hữu": None,  # a count of doctors, not a share of stations
    "Mỗi xóm, bản có một nhân viên y tế kiêm nhiệm công tác dân số": None,
    "Người có nguy cơ cao mắc bệnh được kiểm tra sức khoẻ": None,
    "Quy mô dân số (người)": None,
    "Tỷ lệ các trạm y tế xã/phường/thị trấn quản lý, điều trị một số bệnh không lây nhiễm (%)": None,
    "Ngân sách y tế dành cho công tác y tế dự phòng": None,
    "Giảm tỷ lệ suy dinh dưỡng trẻ em dưới 5 tuổi bình quân hàng năm": None,  # a change, not a level
    "Tỷ lệ khám chữa bệnh bằng y học cổ truyền": None,
    "Bệnh viện tuyến tỉnh đạt hạng I": None,
    "Bệnh viện tuyến huyện đạt hạng II": None,
    "Đơn vị y tế dự phòng tuyến tỉnh đạt hạng I": None,
    "Tỷ lệ tiêm chủng mở rộng": None,  # says neither "đầy đủ" nor the age
}
ACCEPTANCE_CODES = {"HEALTH_INSURANCE_COVERAGE", "DOCTORS_PER_10K", "HOSPITAL_BEDS_PER_10K"}


# --- the catalogue ------------------------------------------------------------------------------

def test_catalogue_is_well_formed():
    rows = table(CATALOGUE)
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)) and all(re.fullmatch(r"[A-Z][A-Z0-9_]*", c) for c in codes)
    assert re.fullmatch(r"\d+\.\d+", catalogue_version())
    assert {r["unit_kind"] for r in rows} <= {"percent", "permille", "per_10000", "per_woman", "per_100_girls", "score"}
    assert all(e.require for e in catalogue())
    required = {"HEALTH_INSURANCE_COVERAGE", "DOCTORS_PER_10K", "NURSES_PER_10K", "PHARMACISTS_PER_10K",
                "HOSPITAL_BEDS_PER_10K", "CHS_WITH_DOCTOR", "COMMUNES_HEALTH_CRITERIA", "FULL_IMMUNIZATION_U1",
                "STUNTING_U5", "UNDERWEIGHT_U5", "INFANT_MORTALITY", "UNDER5_MORTALITY", "ELECTRONIC_HEALTH_RECORDS"}
    assert required <= set(codes)


@pytest.mark.parametrize("row", table(CATALOGUE), ids=lambda r: r["code"])
def test_each_entry_recognises_its_own_name(row):
    assert match(row["name_vi"], row["unit"]) == (row["code"], 1.0)


@pytest.mark.parametrize("name, unit, code", [
    ("Tỷ lệ bao phủ BHYT", "%", "HEALTH_INSURANCE_COVERAGE"),
    ("Tỷ lệ người dân tham gia bảo hiểm y tế", None, "HEALTH_INSURANCE_COVERAGE"),  # no unit: kept, less sure
    ("Tỷ lệ học sinh tham gia bảo hiểm y tế", "%", None),  # a sub-population
    ("Số bác sĩ trên vạn dân", "bác sĩ", None),  # the unit says a count
    ("Số bác sĩ", "bác sĩ/10.000 dân", "DOCTORS_PER_10K"),
    ("Tỷ suất tử vong trẻ em dưới 1 tuổi", "‰", "INFANT_MORTALITY"),
    ("Tỷ suất tử vong trẻ em dưới 1 tuổi", "%", None),  # wrong kind of unit
    ("Tỷ lệ suy dinh dưỡng thể nhẹ cân trẻ em dưới 5 tuổi", "%", "UNDERWEIGHT_U5"),
    ("Tăng tỷ lệ người dân tham gia bảo hiểm y tế", "%", None),  # an amount of change
    ("Tỷ lệ trường học đạt chuẩn quốc gia", "%", None),
])
def test_names_and_units(name, unit, code):
    got, score = match(name, unit)
    assert got == code
    assert (score is None) == (code is None)
    if score is not None:
        assert MIN_SCORE <= score <= 1.0


@pytest.mark.parametrize("name, unit, code", [
    ("Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn cấp xã", "%", "RECORDS_ON_TIME"),
    ("Tỷ lệ quyết định công bố thủ tục đúng hạn", "%", None),  # a publication, not a file processed
    ("Tỷ lệ hồ sơ nộp trực tuyến toàn trình", "%", "ONLINE_RECORDS_FULL"),
    ("Tỷ lệ hồ sơ trực tuyến một phần", "%", None),
    ("Tỷ lệ số hóa hồ sơ thủ tục hành chính", "%", "RECORDS_DIGITIZED"),
    ("Tỷ lệ hồ sơ khai thác, tái sử dụng dữ liệu số hóa", "%", None),
    ("Chỉ số cải cách hành chính của tỉnh", "%", "PAR_INDEX"),
    ("Chỉ số PCI của tỉnh", "điểm", "PCI"),
    ("Chỉ số PCI của tỉnh", "%", None),  # PCI is scored in points
    ("Chỉ số DDCI của các sở, ngành", "điểm", "DDCI"),
    ("Tỷ lệ hài lòng của người dân về thủ tục hành chính", "%", "SATISFACTION_ADMIN_PROCEDURES"),
    ("Chỉ số SIPAS của tỉnh", "%", "SIPAS"),
    ("Tỷ lệ thôn, xã, phường không ma túy", "%", "DRUG_FREE_COMMUNES"),
    ("Toàn tỉnh không ma túy", "%", None),
    ("Tỷ lệ người nghiện được cai nghiện ma túy", "%", "ADDICTS_TREATED"),
    ("Tổng tỷ suất sinh", "con/phụ nữ", "TOTAL_FERTILITY_RATE"),
    ("Tỷ số giới tính khi sinh", "bé trai/100 bé gái", "SEX_RATIO_AT_BIRTH"),
    ("Tỷ số giới tính khi sinh", "%", None),
])
def test_administrative_reform_drug_control_and_population_codes(name, unit, code):
    assert match(name, unit)[0] == code


def test_unsure_is_less_than_sure():
    assert match("Tỷ lệ suy dinh dưỡng trẻ em dưới 5 tuổi", "%")[1] < match(
        "Tỷ lệ suy dinh dưỡng thể nhẹ cân trẻ em dưới 5 tuổi", "%")[1]


# --- on the samples, against the gold file ------------------------------------------------------

def _fold(s):
    s = unicodedata.normalize("NFD", str(s or "")).replace("đ", "d").replace("Đ", "D")
    s = "".join(c for c in s if unicodedata.category(c) != "Mn").casefold()
    return re.sub(r"\s+", " ", re.sub(r"[^\w/]+", " ", s)).strip()


def _ind_match(p, g):
    """shared/eval/score.py's ind_match: the same value, comparator, year, baseline, unit and name."""
    same_value = p["value"] is not None and abs(float(p["value"]) - float(g["value"])) <= 1e-6 * max(1.0, abs(float(g["value"])))
    unit_ok = all(sym in str(p["unit"] or "") for sym in ("%", "‰") if sym in g["unit"])
    a, b = set(_fold(p["name"]).split()), set(_fold(g["name"]).split())
    return (same_value and (p["comparator"] or "=") == g["comparator"] and p["year"] == g["year"]
            and bool(p["is_baseline"]) == g["baseline"] and unit_ok and bool(a and b) and len(a & b) / len(b) >= 0.5)


@pytest.fixture(scope="module")
def gold_pairs(sample_db):
    """(gold indicator, extracted rows it matches) for every gold indicator of an ingested sample."""
    if not GOLD.exists():
        pytest.skip(f"no gold file at {GOLD}")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    with duckdb.connect(str(sample_db.db), read_only=True, config=DUCKDB_CONFIG) as con:
        docs = con.execute("SELECT doc_id, source_path FROM documents").fetchall()
        cur = con.execute("SELECT * FROM indicators")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    pairs = []
    for gd in gold["docs"]:
        golds = gd.get("indicators") or []
        for f in gd["files"]:
            doc_ids = {d for d, path in docs if path.replace("\\", "/").endswith(f)}
            if not doc_ids:
                continue  # a file the fixture does not ingest (the PDFs)
            matched = {j: [] for j in range(len(golds))}
            # ind_match is loose (half the gold name's words, the same value): give each extracted row
            # to the matching gold row whose name it resembles most.
            for p in rows:
                js = [j for j, g in enumerate(golds) if p["doc_id"] in doc_ids and _ind_match(p, g)]
                if js:
                    matched[max(js, key=lambda j: _similarity(p["name"], golds[j]["name"]))].append(p)
            pairs.extend((golds[j], found) for j, found in matched.items())
    return pairs


def _similarity(a, b):
    a, b = set(_fold(a).split()), set(_fold(b).split())
    return len(a & b) / len(a | b) if a | b else 0.0


def test_gold_health_insurance_doctors_and_beds_get_their_code(gold_pairs):
    checked = {code: 0 for code in ACCEPTANCE_CODES}
    for g, matched in gold_pairs:
        code = GOLD_CODES.get(g["name"])
        if code not in ACCEPTANCE_CODES:
            continue
        for p in matched:
            assert p["indicator_code"] == code, (g, p["name"], p["indicator_code"])
            assert MIN_SCORE <= p["indicator_match_score"] <= 1.0
            checked[code] += 1
    assert all(checked.values()), checked  # each of the three was really checked on the samples


def test_gold_rows_get_exactly_the_expected_code(gold_pairs):
    """Every gold row the mapping knows: the code it names, and no code for indicators outside the catalogue."""
    outside = 0
    for g, matched in gold_pairs:
        if g["name"] not in GOLD_CODES:
            continue
        for p in matched:
            assert p["indicator_code"] == GOLD_CODES[g["name"]], (g["name"], p["name"], p["indicator_code"])
            assert (p["indicator_match_score"] is None) == (p["indicator_code"] is None)
            outside += GOLD_CODES[g["name"]] is None
    assert outside >= 5


def test_codes_are_in_the_parquet_lake(sample_db):
    rows = Lake(sample_db.lake).read("indicators").to_pylist()
    codes = {r["indicator_code"] for r in rows}
    assert ACCEPTANCE_CODES <= codes and None in codes


def test_indicator_targets_lines_plans_up(sample_db):
    with duckdb.connect(str(sample_db.db), read_only=True, config=DUCKDB_CONFIG) as con:
        rows = con.execute("""
            SELECT province, comparator, value FROM indicator_targets
            WHERE indicator_code = 'HEALTH_INSURANCE_COVERAGE' AND year = 2030 AND NOT is_baseline""").fetchall()
        assert {("Nghệ An", ">", 95.0), ("Lai Châu", ">", 98.0)} <= set(rows)
        # A value stated both in the table and in a sentence of one document counts once.
        dupes = con.execute("""
            SELECT count(*) FROM (SELECT doc_id, indicator_code, year, is_baseline, comparator, value
                                  FROM indicator_targets GROUP BY ALL HAVING count(*) > 1)""").fetchall()[0][0]
        assert dupes == 0
        assert con.execute("SELECT count(*) FROM indicator_targets WHERE indicator_name IS NULL").fetchall()[0][0] == 0
