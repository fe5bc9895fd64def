"""Indicator tables of every kind: statistical tables of a report, plan-versus-achieved tables,
score and rank tables with a two-row header, and the tables that are not indicator tables."""
from __future__ import annotations

from extractors.model import Block, Cell, Document
from extractors.records.indicators import extract_indicators


def _report(*blocks: Block, title: str = "Kết quả công tác chuyển đổi số 6 tháng đầu năm 2027") -> Document:
    return Document(source_format="txt", blocks=[
        Block("paragraph", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"), Block("paragraph", "Số: 85/BC-UBND"),
        Block("paragraph", "Hà Tĩnh, ngày 02 tháng 7 năm 2027"),
        Block("heading", "BÁO CÁO"), Block("heading", title), *blocks])


def _plan(*blocks: Block) -> Document:
    return Document(source_format="txt", blocks=[
        Block("paragraph", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"), Block("paragraph", "Số: 40/KH-UBND"),
        Block("heading", "KẾ HOẠCH"), Block("heading", "Phát triển giáo dục mầm non năm 2027"), *blocks])


def _table(*rows: list[str]) -> Block:
    return Block("table", rows=[[Cell(t) for t in row] for row in rows])


def _rows(doc: Document) -> list[tuple]:
    return [(r.name, r.role, r.comparator, r.value, r.unit, r.year, r.is_baseline, r.group_name)
            for r in extract_indicators(doc, "d")]


STATISTICS = _table(
    ["STT", "Chỉ tiêu thống kê (Số liệu lũy kế đến kỳ báo cáo, 6 tháng)", "Kết quả thống kê", "Kết quả thống kê", "Ghi chú"],
    ["STT", "Chỉ tiêu thống kê (Số liệu lũy kế đến kỳ báo cáo, 6 tháng)", "Đơn vị tính", "Số liệu", "Ghi chú"],
    ["1", "Số văn bản chỉ đạo chuyển đổi số đã ban hành", "Văn bản", "17", ""],
    ["2", "Dịch vụ công trực tuyến", "", "", "Số liệu từ Cổng dịch vụ công"],
    ["2.1", "Tỷ lệ hồ sơ nộp trực tuyến toàn trình", "%", "64,25", ""],
    ["2.2", "Tổng số hồ sơ trực tuyến", "Hồ sơ", "118.306", "Tính đến 30/6/2027"],
    ["3", "Chữ ký số", "", "", ""],
    ["3.1", "Số chứng thư số đã cấp", "Chứng thư", "-", "Chưa có số liệu"],
)


def test_a_reports_statistics_table_gives_achieved_values_of_its_period():
    assert _rows(_report(Block("heading", "Phụ lục: Số liệu thống kê"), STATISTICS)) == [
        ("Số văn bản chỉ đạo chuyển đổi số đã ban hành", "achieved", "=", 17, "Văn bản", 2027, False, None),
        ("Tỷ lệ hồ sơ nộp trực tuyến toàn trình", "achieved", "=", 64.25, "%", 2027, False, "Dịch vụ công trực tuyến"),
        ("Tổng số hồ sơ trực tuyến", "achieved", "=", 118306, "Hồ sơ", 2027, False, "Dịch vụ công trực tuyến"),
    ]


def test_plan_versus_achieved_columns():
    doc = _report(_table(
        ["TT", "Chỉ tiêu", "Đơn vị", "Kế hoạch", "Thực hiện", "Tỷ lệ"],
        ["I.", "Hạ tầng số", "", "", "", ""],
        ["1", "Tỷ lệ trường học có kết nối cáp quang", "%", "95", "91,5", "96,3"],
    ), title="Kết quả thực hiện kế hoạch chuyển đổi số năm 2026")
    assert _rows(doc) == [
        ("Tỷ lệ trường học có kết nối cáp quang", "target", "=", 95, "%", 2026, False, "Hạ tầng số"),
        ("Tỷ lệ trường học có kết nối cáp quang", "achieved", "=", 91.5, "%", 2026, False, "Hạ tầng số"),
        ("Tỷ lệ trường học có kết nối cáp quang (Tỷ lệ)", "achieved", "=", 96.3, "%", 2026, False, "Hạ tầng số"),
    ]


def test_scores_and_ranks_under_a_header_of_two_rows():
    doc = _report(Block("heading", "1. Kết quả chỉ số năm 2025"), _table(
        ["STT", "Nội dung", "Nghệ An", "Nghệ An", "Thanh Hóa", "Thanh Hóa"],
        ["STT", "Nội dung", "Điểm số", "Thứ hạng", "Điểm số", "Thứ hạng"],
        ["1", "Công khai, minh bạch", "5,12/ 10", "21/63", "6,02/\n/ 10", "8/\n63"],
        ["CHỈ SỐ CHUNG", "CHỈ SỐ CHUNG", "44,80/ 80", "30/63", "46,10/ 80", "12/63"],
    ))
    rows = _rows(doc)
    assert rows[:4] == [
        ("Công khai, minh bạch (Nghệ An, Điểm số)", "achieved", "=", 5.12, "điểm", 2025, False, None),
        ("Công khai, minh bạch (Nghệ An, Thứ hạng)", "achieved", "=", 21, "hạng", 2025, False, None),
        ("Công khai, minh bạch (Thanh Hóa, Điểm số)", "achieved", "=", 6.02, "điểm", 2025, False, None),
        ("Công khai, minh bạch (Thanh Hóa, Thứ hạng)", "achieved", "=", 8, "hạng", 2025, False, None),
    ]
    assert [(r[0], r[3]) for r in rows[4:]] == [
        ("CHỈ SỐ CHUNG (Nghệ An, Điểm số)", 44.8), ("CHỈ SỐ CHUNG (Nghệ An, Thứ hạng)", 30),
        ("CHỈ SỐ CHUNG (Thanh Hóa, Điểm số)", 46.1), ("CHỈ SỐ CHUNG (Thanh Hóa, Thứ hạng)", 12)]


def test_a_group_row_with_its_own_total_starts_a_group():
    doc = _report(Block("heading", "2. Kết quả năm 2026"), _table(
        ["STT", "Nội dung", "Tỷ lệ", "Điểm số"],
        ["I", "Công khai thủ tục", "", "12,5"],
        ["1", "Tỷ lệ thủ tục công bố đúng hạn", "80,5%", "4,1"],
        ["II", "Số hóa hồ sơ", "", "15,2"],
        ["1", "Tỷ lệ hồ sơ được số hóa", "66%", "3,3"],
    ))
    assert [(r[0], r[3], r[4], r[7]) for r in _rows(doc)] == [
        ("Công khai thủ tục (Điểm số)", 12.5, "điểm", "Công khai thủ tục"),
        ("Tỷ lệ thủ tục công bố đúng hạn (Tỷ lệ)", 80.5, "%", "Công khai thủ tục"),
        ("Tỷ lệ thủ tục công bố đúng hạn (Điểm số)", 4.1, "điểm", "Công khai thủ tục"),
        ("Số hóa hồ sơ (Điểm số)", 15.2, "điểm", "Số hóa hồ sơ"),
        ("Tỷ lệ hồ sơ được số hóa (Tỷ lệ)", 66, "%", "Số hóa hồ sơ"),
        ("Tỷ lệ hồ sơ được số hóa (Điểm số)", 3.3, "điểm", "Số hóa hồ sơ"),
    ]


def test_a_plans_column_headed_as_plan_figure_is_a_target_of_the_plans_year():
    doc = _plan(Block("heading", "I. CHỈ TIÊU"), _table(
        ["TT", "Chỉ tiêu", "ĐVT", "Kế hoạch"],
        ["1", "Tỷ lệ trẻ 5 tuổi đến lớp", "%", "≥ 99,5"],
        ["2", "Số trường đạt chuẩn quốc gia", "Trường", "12"],
    ))
    assert _rows(doc) == [
        ("Tỷ lệ trẻ 5 tuổi đến lớp", "target", ">=", 99.5, "%", 2027, False, None),
        ("Số trường đạt chuẩn quốc gia", "target", "=", 12, "Trường", 2027, False, None),
    ]


def test_what_a_plan_says_was_achieved_is_its_baseline():
    doc = _plan(_table(
        ["TT", "Chỉ tiêu", "Thực hiện năm 2026", "Kế hoạch năm 2027"],
        ["1", "Tỷ lệ trẻ 5 tuổi đến lớp (%)", "98", "99,5"],
    ))
    assert [(r[1], r[3], r[5], r[6]) for r in _rows(doc)] == [("baseline", 98, 2026, True), ("target", 99.5, 2027, False)]


def test_a_rubric_is_not_an_indicator_table():
    doc = _plan(_table(
        ["STT", "Tiêu chí", "Điểm tối đa", "Năm 2027"],
        ["1", "Tỷ lệ hồ sơ đúng hạn từ 95% trở lên", "2", "1"],
        ["2", "Từ 90% - dưới 95%", "1", "0,5"],
    ))
    assert _rows(doc) == []


def test_a_coordinates_table_is_not_an_indicator_table():
    doc = _plan(_table(
        ["STT", "Nội dung", "Tọa độ X (m)", "Tọa độ Y (m)"],
        ["1", "Mốc M1", "2.451.230,15", "512.118,40"],
    ))
    assert _rows(doc) == []


def test_measures_of_a_plan_without_a_year_are_not_targets():
    doc = _plan(_table(["STT", "Nội dung", "Điểm số", "Thứ hạng"], ["1", "Cạnh tranh bình đẳng", "6,1", "14/63"]))
    assert _rows(doc) == []


def test_a_table_cut_by_a_page_break_goes_on_without_its_header():
    doc = _report(Block("heading", "Phụ lục: Số liệu thống kê"), STATISTICS, Block("paragraph", "7"),
                  _table(["4", "Số cuộc kiểm tra chuyên đề", "Cuộc", "6", ""]))
    assert _rows(doc)[-1] == ("Số cuộc kiểm tra chuyên đề", "achieved", "=", 6, "Cuộc", 2027, False, None)


def test_a_table_after_a_new_heading_does_not_go_on_from_the_last():
    doc = _report(Block("heading", "Phụ lục: Số liệu thống kê"), STATISTICS, Block("heading", "Phụ lục 2"),
                  _table(["4", "Số cuộc kiểm tra chuyên đề", "Cuộc", "6", ""]))
    assert _rows(doc)[-1][0] == "Tổng số hồ sơ trực tuyến"
