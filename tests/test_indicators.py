"""Indicators: table cells and target sentences, on hand-built documents and on the samples."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.model import Block, Cell, Document
from extractors.records.indicators import extract_indicators
from extractors.normalize import fold
from extractors.registry import read_document

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _doc(*blocks: Block) -> Document:
    return Document(source_format="txt", blocks=[Block("heading", "KẾ HOẠCH"), *blocks])


def _p(text: str) -> Block:
    return Block("list_item" if text.startswith("-") else "paragraph", text)


def _table(*rows: list[str], page: int | None = None) -> Block:
    return Block("table", rows=[[Cell(t) for t in row] for row in rows], page=page)


def _values(doc: Document) -> list[tuple]:
    return [(r.name, r.comparator, r.value, r.unit, r.year) for r in extract_indicators(doc, "d")]


def _in_objectives(*lines: str, heading: str = "2. Mục tiêu cụ thể") -> list[tuple]:
    return _values(_doc(Block("heading", "II. MỤC TIÊU"), Block("heading", heading), *map(_p, lines)))


def _in_tasks(*lines: str) -> list[tuple]:
    return _values(_doc(Block("heading", "III. NHIỆM VỤ VÀ GIẢI PHÁP"), Block("heading", "1. Y tế dự phòng"),
                        *map(_p, lines)))


# --- table cells --------------------------------------------------------------------------------

def _cell(text: str) -> tuple[str, float, str] | None:
    doc = _doc(_table(["STT", "Chỉ tiêu", "Năm 2030"], ["1", "Tỷ lệ dân số tham gia BHYT (%)", text]))
    records = extract_indicators(doc, "d")
    return (records[0].comparator, records[0].value, records[0].value_text) if records else None


@pytest.mark.parametrize("text, comparator, value", [
    (">7", ">", 7), ("<20", "<", 20), ("19,5", "=", 19.5), ("59.472", "=", 59472), ("94 (14 loại)", "=", 94),
    ("100", "=", 100), ("≥ 95", ">=", 95), ("≤5", "<=", 5), ("95%", "=", 95), ("trên 90", ">", 90),
])
def test_cell_values(text, comparator, value):
    assert _cell(text) == (comparator, value, text)


@pytest.mark.parametrize("text", ["", "-", "–", "x", "2021-2025", "Chưa có số liệu"])
def test_cells_without_a_value_are_skipped(text):
    assert _cell(text) is None


# --- tables -------------------------------------------------------------------------------------

def _indicator_table(merged_groups: bool) -> Block:
    def group(name):
        return [Cell(name, col_span=6)] if merged_groups else [Cell(""), Cell(name), *[Cell("")] * 4]

    rows = [
        [Cell(t) for t in ("STT", "Chỉ tiêu", "Năm 2023", "Năm 2030", "Năm 2045", "Ghi chú")],
        group("Chỉ tiêu đầu vào"),
        [Cell(t) for t in ("1", "Số bác sĩ/10.000 dân", "6,63", ">7", ">8", "")],
        [Cell(t) for t in ("2", "Số giường bệnh viện/10.000 dân", "18,7", "19,5", "-", "")],
        group("Chỉ tiêu đầu ra"),
        [Cell(t) for t in ("3", "Tỷ suất chết trẻ em dưới 1 tuổi/1000 trẻ đẻ sống (‰)", "5,1", "<20", "<15", "")],
        [Cell(t) for t in ("4", "Quy mô dân số (người)", "59.472", "65.531", "74.999", "")],
        [Cell(t) for t in ("5", "Tỷ lệ trẻ < 1 tuổi tiêm chủng đầy đủ (%)", "62,7", "94 (14 loại)", "95 (14 loại)", "")],
    ]
    return Block("table", rows=rows, page=3)


@pytest.mark.parametrize("merged_groups", [True, False])
def test_indicator_table_gives_one_row_per_cell(merged_groups):
    records = extract_indicators(_doc(_indicator_table(merged_groups)), "d")
    assert len(records) == 14
    first = records[0]
    assert (first.name, first.value, first.year, first.is_baseline) == ("Số bác sĩ/10.000 dân", 6.63, 2023, True)
    assert (first.unit, first.group_name, first.source, first.page) == ("bác sĩ/10.000 dân", "Chỉ tiêu đầu vào", "table", 3)
    assert first.raw_text == "1 | Số bác sĩ/10.000 dân | 6,63 | >7 | >8 | "
    assert [(r.comparator, r.value, r.year, r.is_baseline) for r in records[1:3]] == [
        (">", 7, 2030, False), (">", 8, 2045, False)]
    beds = [r for r in records if r.name.startswith("Số giường")]
    assert [(r.value, r.year) for r in beds] == [(18.7, 2023), (19.5, 2030)]  # "-" is no value
    assert beds[0].unit == "giường/10.000 dân"
    deaths = [r for r in records if r.name.startswith("Tỷ suất")]
    assert {r.unit for r in deaths} == {"‰"} and deaths[0].group_name == "Chỉ tiêu đầu ra"
    population = [r for r in records if r.name.startswith("Quy mô")]
    assert [r.value for r in population] == [59472, 65531, 74999] and population[0].unit == "người"
    vaccinated = [r for r in records if r.name.startswith("Tỷ lệ trẻ")]
    assert (vaccinated[1].value, vaccinated[1].value_text, vaccinated[1].unit) == (94, "94 (14 loại)", "%")


def test_ids_and_sections():
    records = extract_indicators(_doc(_indicator_table(True)), "abc", section_of=lambda i: f"abc:s{i}")
    assert [r.indicator_id for r in records[:3]] == ["abc:i0", "abc:i1", "abc:i2"]
    assert {r.section_id for r in records} == {"abc:s1"}
    assert {r.section_id for r in extract_indicators(_doc(_indicator_table(True)), "abc")} == {None}


def test_single_year_table_has_no_baseline_and_reads_the_unit_column():
    doc = _doc(_table(["TT", "Tên chỉ tiêu", "Đơn vị tính", "Giai đoạn 2021-2025"],
                      ["I", "Nhân lực", "", ""],
                      ["1", "Bác sĩ trên vạn dân", "bác sĩ/vạn dân", "12"]))
    [record] = extract_indicators(doc, "d")
    assert (record.year, record.is_baseline, record.unit, record.group_name) == (2025, False, "bác sĩ/vạn dân", "Nhân lực")


def test_two_header_rows():
    doc = _doc(_table(["TT", "Chỉ tiêu", "Thực hiện", "Kế hoạch"],
                      ["TT", "Chỉ tiêu", "Năm 2020", "Năm 2025"],
                      ["1", "Tỷ lệ xã có bác sĩ (%)", "80", "100"]))
    assert [(r.value, r.year, r.is_baseline) for r in extract_indicators(doc, "d")] == [
        (80, 2020, True), (100, 2025, False)]


def test_a_first_year_column_headed_as_plan_is_a_target():
    doc = _doc(_table(["TT", "Chỉ tiêu", "Kế hoạch năm 2024", "Kế hoạch năm 2025"],
                      ["1", "Tỷ lệ xã có bác sĩ (%)", "90", "100"]))
    assert [r.is_baseline for r in extract_indicators(doc, "d")] == [False, False]


@pytest.mark.parametrize("rows", [
    # a responsibility table, even with years in its columns
    [["TT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Năm 2025"], ["1", "Rà soát quy hoạch", "Sở Y tế", "", "100"]],
    # no year in any header
    [["STT", "Nội dung", "Điểm số", "Thứ hạng"], ["1", "Cải cách thể chế", "9,38", "20/63"]],
    # no indicator column
    [["Năm 2023", "Năm 2030"], ["5", "7"]],
])
def test_tables_that_are_not_indicator_tables(rows):
    assert extract_indicators(_doc(_table(*rows)), "d") == []


# --- sentences ----------------------------------------------------------------------------------

@pytest.mark.parametrize("line, expected", [
    ("- Tỷ lệ người dân tham gia bảo hiểm y tế trên 95%.",
     [("Tỷ lệ người dân tham gia bảo hiểm y tế", ">", 95, "%", None)]),
    ("- Tỷ lệ tiêm chủng đầy đủ cho trẻ em dưới 1 tuổi đạt > 95%;",
     [("Tỷ lệ tiêm chủng đầy đủ cho trẻ em dưới 1 tuổi", ">", 95, "%", None)]),
    ("- Tỷ lệ bao phủ bảo hiểm y tế không dưới 95%.", [("Tỷ lệ bao phủ bảo hiểm y tế", ">=", 95, "%", None)]),
    ("- Tỷ lệ hộ nghèo đa chiều còn dưới 12%.", [("Tỷ lệ hộ nghèo đa chiều", "<", 12, "%", None)]),
    ("- Tỷ lệ xã đạt chuẩn nông thôn mới từ 80% trở lên.", [("Tỷ lệ xã đạt chuẩn nông thôn mới", ">=", 80, "%", None)]),
    ("- Chi phí tiền túi của hộ gia đình không quá 40%.", [("Chi phí tiền túi của hộ gia đình", "<=", 40, "%", None)]),
    ("- Dành ít nhất 30% ngân sách y tế cho công tác y tế dự phòng.",
     [("Ngân sách y tế cho công tác y tế dự phòng", ">=", 30, "%", None)]),
    ("- Đạt 11 bác sỹ /1 vạn dân; 2 dược sỹ đại học (DSDH)/1 vạn dân;",
     [("Số bác sỹ/1 vạn dân", "=", 11, "bác sỹ/1 vạn dân", None),
      ("Số dược sỹ đại học (DSDH)/1 vạn dân", "=", 2, "dược sỹ/1 vạn dân", None)]),
    ("- Đạt 35 giường bệnh trên 10.000 dân.", [("Số giường bệnh/10.000 dân", "=", 35, "giường/10.000 dân", None)]),
    ("- Phát triển 02 bệnh viện tuyến tỉnh đạt hạng I, 02 bệnh viện tuyến huyện đạt hạng II và 01 đơn vị y tế dự phòng "
     "tuyến tỉnh đạt hạng I.",
     [("Bệnh viện tuyến tỉnh đạt hạng I", "=", 2, "bệnh viện", None),
      ("Bệnh viện tuyến huyện đạt hạng II", "=", 2, "bệnh viện", None),
      ("Đơn vị y tế dự phòng tuyến tỉnh đạt hạng I", "=", 1, "đơn vị", None)]),
    ("- Mỗi trạm y tế xã có ít nhất 01 bác sĩ.", [("Mỗi trạm y tế xã có bác sĩ", ">=", 1, "bác sĩ", None)]),
    ("- Giảm tỷ lệ suy dinh dưỡng trẻ em dưới 5 tuổi bình quân hàng năm là 0,5%, đến năm 2020 còn dưới 12%;",
     [("Giảm tỷ lệ suy dinh dưỡng trẻ em dưới 5 tuổi bình quân hàng năm", "=", 0.5, "%", None),
      ("Tỷ lệ suy dinh dưỡng trẻ em dưới 5 tuổi", "<", 12, "%", 2020)]),
    ("- Tỷ lệ xã, phường, thị trấn đạt Tiêu chí quốc gia về y tế đến năm 2020 là 80%;",
     [("Tỷ lệ xã, phường, thị trấn đạt Tiêu chí quốc gia về y tế", "=", 80, "%", 2020)]),
    ("- Giảm tỷ suất chết trẻ em dưới 1 tuổi/1000 trẻ đẻ sống dưới 20‰ vào năm 2030 và dưới 15‰ vào năm 2045.",
     [("Tỷ suất chết trẻ em dưới 1 tuổi/1000 trẻ đẻ sống", "<", 20, "‰", 2030),
      ("Tỷ suất chết trẻ em dưới 1 tuổi/1000 trẻ đẻ sống", "<", 15, "‰", 2045)]),
    ("- Duy trì trạm y tế có bác sĩ, phấn đấu đến năm 2030 có trên 50% trạm y tế có bác sĩ, năm 2045 là 100%.",
     [("Trạm y tế có bác sĩ", ">", 50, "%", 2030), ("Trạm y tế có bác sĩ", "=", 100, "%", 2045)]),
    ("- Phần đầu ít nhất 80% xã, phường đạt Tiêu chí quốc gia về y tế giai đoạn 2011 – 2020;",
     [("Xã, phường đạt Tiêu chí quốc gia về y tế", ">=", 80, "%", 2020)]),
    ("- Tỷ lệ A trên 90% và tỷ lệ B dưới 5%.", [("Tỷ lệ A", ">", 90, "%", None), ("Tỷ lệ B", "<", 5, "%", None)]),
    ("- Giảm 10% số ca mắc sốt xuất huyết so với năm 2020.",
     [("Giảm số ca mắc sốt xuất huyết", "=", 10, "%", None)]),
    # A last piece that opens a clause of its own names the value, not the sentence before it.
    ("- Tập trung phát triển nhanh, bền vững các khu công nghiệp, bảo đảm mục tiêu tăng trưởng kinh tế trên 10% năm 2026.",
     [("Mục tiêu tăng trưởng kinh tế", ">", 10, "%", 2026)]),
])
def test_target_sentences(line, expected):
    assert _in_objectives(line) == expected


@pytest.mark.parametrize("line", [
    "- Tăng cường chăm sóc sức khỏe trẻ em dưới 5 tuổi và trẻ < 1 tuổi.",
    "- Phòng, chống dịch Covid-19; hoàn thành trong Quý 3/2024.",
    "- Thực hiện Quyết định số 281/QĐ-TTg ngày 05/4/2024 của Thủ tướng Chính phủ.",
    "- Xây dựng kế hoạch giai đoạn 2021-2025 và định hướng đến năm 2030.",
    "- Phát triển bệnh viện đạt hạng I.",
    "- Bố trí 500 triệu đồng cho 3 trạm y tế.",
    "- Mỗi trạm y tế cấp xã có ít nhất một bác sĩ cơ hữu.",
])
def test_not_targets(line):
    assert _in_objectives(line) == []


@pytest.mark.parametrize("line", [
    "- Năm 2023, tỷ lệ tiêm chủng đã đạt 92,8%.",
    "- Tỷ lệ người dân hài lòng đạt 85%.",
    "- Tỷ lệ hồ sơ đúng hạn chỉ đạt 93,5% (trường hợp dưới 95% thì không đạt điểm).",
    "- Phát triển 02 bệnh viện tuyến tỉnh đạt hạng I.",
    "- Có nhiều hơn 01 trạm y tế ở xã đông dân.",
])
def test_outside_the_objectives_only_bounds_and_aims_count(line):
    assert _in_tasks(line) == []


def test_outside_the_objectives_bounds_and_aims():
    assert _in_tasks("- Duy trì tỷ lệ tiêm chủng mở rộng trên 95%, quản lý tốt hoạt động tiêm chủng dịch vụ.",
                     "- Phấn đấu tỷ lệ người dân hài lòng đạt 85% năm 2026.",
                     "- Tỷ lệ hồ sơ đúng hạn đạt 97,4% (chỉ tiêu đề ra là tối thiểu 98%).") == [
        ("Tỷ lệ tiêm chủng mở rộng", ">", 95, "%", None),
        ("Tỷ lệ người dân hài lòng", "=", 85, "%", 2026),
        ("Tỷ lệ hồ sơ đúng hạn", ">=", 98, "%", None)]


def test_a_one_year_plan_aims_its_targets_outside_the_objectives_at_its_year():
    def years(title):
        doc = Document(source_format="txt", blocks=[
            Block("heading", "KẾ HOẠCH"), Block("heading", title), Block("heading", "II. NỘI DUNG"),
            _p("7. Ít nhất 30% doanh nghiệp trong các khu công nghiệp được hỗ trợ chuyển đổi số.")])
        return [v[4] for v in _values(doc)]

    assert years("Phát triển các khu công nghiệp năm 2026") == [2026]
    assert years("Phát triển các khu công nghiệp giai đoạn 2026 - 2030") == [None]  # which year of the period
    assert years("Phát triển các khu công nghiệp") == [None]


def test_sentence_record_fields():
    [record] = extract_indicators(_doc(Block("heading", "II. MỤC TIÊU"),
                                       Block("list_item", "- Tỷ lệ dân số được quản lý sức khỏe trên 95%.", page=4)), "d")
    assert (record.source, record.page, record.value_text, record.is_baseline, record.group_name) == (
        "text", 4, "trên 95%", False, None)
    assert record.raw_text == "Tỷ lệ dân số được quản lý sức khỏe trên 95%."


# --- the year of a sentence ---------------------------------------------------------------------

def test_year_from_a_lead_in_line():
    assert _in_objectives("Phấn đấu đến năm 2030, đạt các mục tiêu sau:", "- Tỷ lệ dân số được quản lý sức khỏe trên 95%.") == [
        ("Tỷ lệ dân số được quản lý sức khỏe", ">", 95, "%", 2030)]


def test_year_from_a_lead_in_within_the_sentence():
    assert _in_objectives("Phấn đấu đến năm 2025: 100% trạm y tế xã có bác sĩ; 90% dân số có hồ sơ sức khỏe điện tử.") == [
        ("Trạm y tế xã có bác sĩ", "=", 100, "%", 2025), ("Dân số có hồ sơ sức khỏe điện tử", "=", 90, "%", 2025)]


def test_year_from_the_heading():
    assert _in_objectives("- Tỷ lệ xã có bác sĩ đạt 100%.", heading="2. Chỉ tiêu giai đoạn 2021-2025") == [
        ("Tỷ lệ xã có bác sĩ", "=", 100, "%", 2025)]


def test_year_from_the_plan_period_in_the_objectives_part_only():
    doc = _doc(Block("paragraph", "Kế hoạch bảo vệ sức khỏe nhân dân giai đoạn 2016-2020, định hướng đến năm 2025"),
               Block("heading", "I. MỤC TIÊU"), Block("heading", "2. Các chỉ tiêu chủ yếu của giai đoạn"),
               _p("- Tỷ lệ người dân tham gia bảo hiểm y tế đạt 90%."),
               Block("heading", "II. GIẢI PHÁP"), _p("- Duy trì tỷ lệ tiêm chủng mở rộng trên 95%."))
    assert [r[4] for r in _values(doc)] == [2020, None]


def test_a_paragraph_continued_after_a_page_break():
    assert _in_tasks("- Duy trì trạm y tế có bác sĩ, phấn đấu đến năm 2030 có trên 50% Trạm y",
                     "tế có bác sĩ, năm 2045 là 100%.") == [
        ("Trạm y tế có bác sĩ", ">", 50, "%", 2030), ("Trạm y tế có bác sĩ", "=", 100, "%", 2045)]


# --- the samples --------------------------------------------------------------------------------

def _sample(name: str) -> list:
    return extract_indicators(read_document(SAMPLES / name), "d")


@pytest.mark.parametrize("name", ["tamduong-2030.docx", "text/001_3f30aab102883e5d.txt"])
def test_tamduong_table(name):
    table = [r for r in _sample(name) if r.source == "table"]
    assert len(table) == 39
    assert [(r.year, r.is_baseline) for r in table[:3]] == [(2023, True), (2030, False), (2045, False)]
    assert sum(r.is_baseline for r in table) == 13 and {r.year for r in table if r.is_baseline} == {2023}
    assert {r.group_name for r in table} == {"Chỉ tiêu đầu vào", "Chỉ tiêu hoạt động", "Chỉ tiêu đầu ra"}
    assert (table[-1].name, table[-1].value, table[-1].unit) == ("Tỷ lệ dân số được quản lý hồ sơ sức khỏe điện tử (%)", 100, "%")


@pytest.mark.parametrize("name", ["ninhbinh-2016-2020.docx", "text/004_50a79512cedddaef.txt"])
def test_ninhbinh_targets(name):
    records = _sample(name)
    assert [(r.name, r.comparator, r.value, r.unit, r.year) for r in records[:13]] == [
        ("Tỷ lệ tiêm chủng đầy đủ cho trẻ em dưới 1 tuổi", ">", 95, "%", 2020),
        ("Giảm tỷ lệ suy dinh dưỡng trẻ em dưới 5 tuổi bình quân hàng năm", "=", 0.5, "%", None),
        ("Tỷ lệ suy dinh dưỡng trẻ em dưới 5 tuổi", "<", 12, "%", 2020),
        ("Tỷ lệ xã, phường, thị trấn đạt Tiêu chí quốc gia về y tế", "=", 80, "%", 2020),
        ("Số bác sỹ/1 vạn dân", "=", 11, "bác sỹ/1 vạn dân", 2020),
        ("Số dược sỹ đại học (DSDH)/1 vạn dân", "=", 2, "dược sỹ/1 vạn dân", 2020),
        ("Tỷ lệ Trạm Y tế có bác sỹ làm việc", "=", 100, "%", 2020),
        ("Số giường bệnh/10.000 dân", "=", 28, "giường/10.000 dân", 2020),
        ("Tỷ lệ người dân tham gia bảo hiểm y tế", "=", 90, "%", 2020),
        ("Tỷ lệ khám chữa bệnh bằng y học cổ truyền, kết hợp y học cổ truyền với y học hiện đại", "=", 25, "%", 2020),
        ("Bệnh viện tuyến tỉnh đạt hạng I", "=", 2, "bệnh viện", 2020),
        ("Bệnh viện tuyến huyện đạt hạng II", "=", 2, "bệnh viện", 2020),
        ("Đơn vị y tế dự phòng tuyến tỉnh đạt hạng I", "=", 1, "đơn vị", 2020)]
    # The measures part repeats two aims without a year of their own.
    assert [(r.comparator, r.value, r.year) for r in records[13:]] == [(">", 95, None), (">=", 80, 2020)]


@pytest.mark.parametrize("name", ["nghean-542-kh-ubnd.html", "nghean-draft.pdf",
                                  "text/000_de43d9b20077fde2.txt", "text/003_a698d7df3c568d60.txt"])
def test_nghean_targets(name):
    assert [(r.name, r.comparator, r.value, r.unit, r.year) for r in _sample(name)] == [
        ("Tỷ lệ người dân tham gia bảo hiểm y tế", ">", 95, "%", 2030),
        ("Tỷ lệ dân số được quản lý sức khỏe", ">", 95, "%", 2030),
        ("Người dân sử dụng dịch vụ chăm sóc ban đầu tại y tế cơ sở được bảo hiểm y tế chi trả", ">", 95, "%", 2030)]


def test_ninhson_has_no_indicators():
    assert _sample("text/002_f759c3cd735fe016.txt") == []


# --- properties of the comparator and value parsing ------------------------------------------------

from hypothesis import given, strategies as st  # noqa: E402

_WORDS = {"trên": ">", "hơn": ">", "ít nhất": ">=", "tối thiểu": ">=", "không dưới": ">=", "dưới": "<",
          "không quá": "<=", "tối đa": "<=", "đạt": "=", "là": "="}


@given(st.sampled_from(sorted(_WORDS)), st.integers(min_value=1, max_value=99), st.integers(min_value=0, max_value=9),
       st.sampled_from([2025, 2030, 2035]))
def test_comparator_words_and_values_in_a_target_sentence(word, whole, tenth, year):
    printed = f"{whole},{tenth}" if tenth else str(whole)
    sentence = f"- Phấn đấu đến năm {year}, tỷ lệ hộ gia đình được quản lý sức khỏe {word} {printed}%."
    [row] = extract_indicators(_doc(Block("list_item", sentence)), "d")
    assert (row.comparator, row.value, row.unit, row.year) == (_WORDS[word], whole + tenth / 10, "%", year)


@given(st.text(max_size=120))
def test_any_sentence_parses_without_error(text):
    for row in extract_indicators(_doc(Block("paragraph", text)), "d"):
        assert row.comparator in {">", ">=", "<", "<=", "="}


# --- several targets of one sentence, series of years, reports ----------------------------------

def _roles(doc: Document) -> list[tuple]:
    return [(r.name, r.role, r.comparator, r.value, r.unit, r.year, r.is_baseline) for r in extract_indicators(doc, "d")]


def test_a_series_of_yearly_values_shares_its_name():
    assert _in_tasks("- Hoàn thành hạ tầng trong quý III năm 2028 (dự kiến thu hút nhà đầu tư với tỷ lệ lấp đầy "
                     "khoảng 15% trong năm 2028, 45% trong năm 2029 và 90% trong năm 2030).") == [
        ("Tỷ lệ lấp đầy", "=", 15, "%", 2028), ("Tỷ lệ lấp đầy", "=", 45, "%", 2029),
        ("Tỷ lệ lấp đầy", "=", 90, "%", 2030)]


def test_two_targets_of_one_sentence_have_their_own_names():
    assert _in_objectives("- Trên 75% số thôn có tổ hòa giải hoạt động hiệu quả và 100% trường tiểu học "
                          "tổ chức dạy bơi an toàn.", heading="2. Chỉ tiêu đến năm 2028") == [
        ("Số thôn có tổ hòa giải hoạt động hiệu quả", ">", 75, "%", 2028),
        ("Trường tiểu học tổ chức dạy bơi an toàn", "=", 100, "%", 2028)]


@pytest.mark.parametrize("line", [
    "- Chủ động xây dựng được ít nhất 35% thôn, tổ dân phố an toàn về an ninh trật tự trong năm 2027.",
    "- Chương trình là căn cứ để 100% sở, ngành xây dựng kế hoạch hành động.",
])
def test_a_name_is_never_a_bare_verb(line):
    names = [r[0] for r in _in_objectives(line)]
    assert names and all(fold(n) not in ("xay dung", "la can cu de", "chu dong xay dung") for n in names)
    assert all(len(n.split()) >= 3 for n in names)


def test_demographic_targets_with_their_units():
    assert _in_objectives("- Tổng tỷ suất sinh đạt 2,08 con/phụ nữ; tỷ số giới tính khi sinh dưới 108 bé trai/100 bé gái; "
                          "tỷ lệ người từ 60 tuổi trở lên khoảng 19%.", heading="2. Chỉ tiêu năm 2029") == [
        ("Tổng tỷ suất sinh", "=", 2.08, "con/phụ nữ", 2029),
        ("Tỷ số giới tính khi sinh", "<", 108, "bé trai/100 bé gái", 2029),
        ("Tỷ lệ người từ 60 tuổi trở lên", "=", 19, "%", 2029)]


def test_the_year_of_a_one_year_plan_comes_from_its_title_not_from_its_legal_basis():
    doc = Document(source_format="txt", blocks=[
        Block("heading", "KẾ HOẠCH"), Block("heading", "Phòng, chống tai nạn thương tích năm 2027"),
        Block("paragraph", "Căn cứ Chương trình phòng, chống tai nạn thương tích giai đoạn 2021 - 2030;"),
        Block("heading", "I. MỤC TIÊU"), _p("- Tỷ lệ trường học an toàn đạt trên 90%.")])
    assert _values(doc) == [("Tỷ lệ trường học an toàn", ">", 90, "%", 2027)]


def _report(*lines: str) -> Document:
    return Document(source_format="txt", blocks=[
        Block("paragraph", "Số: 31/BC-UBND"), Block("heading", "BÁO CÁO"),
        Block("heading", "Kết quả công tác cải cách hành chính 9 tháng năm 2026"),
        Block("heading", "I. KẾT QUẢ THỰC HIỆN"), *map(_p, lines)])


def test_a_report_gives_achieved_values_and_the_targets_it_quotes():
    assert _roles(_report("- Tỷ lệ hồ sơ giải quyết đúng hạn đạt 96,2% (chỉ tiêu đề ra là tối thiểu 97%).",
                          "- Tỷ lệ thanh toán trực tuyến hiện chỉ đạt 41,5% (chỉ tiêu tối thiểu 50%, trường hợp "
                          "dưới 30% thì tiêu chí này đạt 0 điểm).")) == [
        ("Tỷ lệ hồ sơ giải quyết đúng hạn", "achieved", "=", 96.2, "%", 2026, False),
        ("Tỷ lệ hồ sơ giải quyết đúng hạn", "target", ">=", 97, "%", 2026, False),
        ("Tỷ lệ thanh toán trực tuyến", "achieved", "=", 41.5, "%", 2026, False),
        ("Tỷ lệ thanh toán trực tuyến", "target", ">=", 50, "%", 2026, False)]


def test_a_target_named_only_inside_its_bracket_takes_the_name_before_it():
    assert _roles(_report("- Tỷ lệ số hóa kết quả giải quyết thủ tục chưa đạt chỉ tiêu đề ra "
                          "(chỉ tiêu tối thiểu 85%, hiện đạt 79,1%).")) == [
        ("Tỷ lệ số hóa kết quả giải quyết thủ tục", "target", ">=", 85, "%", 2026, False),
        ("Tỷ lệ số hóa kết quả giải quyết thủ tục", "achieved", "=", 79.1, "%", 2026, False)]


def test_a_scoring_band_is_no_indicator():
    assert _roles(_report("- Trường hợp đạt từ 60% đến dưới 80% thì tiêu chí này đạt 50% điểm số.")) == []


def test_a_share_of_a_reference_figure_is_named_by_its_subject():
    assert _roles(_report("+ Tổng chi ngân sách ước thực hiện đến ngày 20/9/2026 là 5.120 tỷ đồng, đạt 61,3% dự toán "
                          "Trung ương và đạt 58,9% dự toán Hội đồng nhân dân tỉnh giao.")) == [
        ("Tổng chi ngân sách so với dự toán Trung ương", "achieved", "=", 61.3, "%", 2026, False),
        ("Tổng chi ngân sách so với dự toán Hội đồng nhân dân tỉnh giao", "achieved", "=", 58.9, "%", 2026, False)]


def test_a_period_cited_in_the_legal_basis_is_not_the_plans():
    doc = _doc(Block("paragraph", "Căn cứ Quyết định số 90/QĐ-TTg phê duyệt Chương trình giai đoạn 2021 - 2030;"),
               Block("heading", "I. MỤC TIÊU"), _p("- Tỷ lệ xã có điểm sinh hoạt cộng đồng đạt trên 60%."))
    assert _values(doc) == [("Tỷ lệ xã có điểm sinh hoạt cộng đồng", ">", 60, "%", None)]
