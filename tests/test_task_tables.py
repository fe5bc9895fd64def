"""Responsibility tables in the shapes plans print them: header words by meaning, combined lead and
partner columns, group rows, tables over several pages."""
import datetime as dt

import pytest

from extractors.model import Block, Cell, Document
from extractors.records.tasks import extract_tasks


def table(*rows, page=None, row_pages=None) -> Block:
    return Block("table", page=page, row_pages=row_pages,
                 rows=[[c if isinstance(c, Cell) else Cell(c) for c in row] for row in rows])


def tasks_of(*blocks):
    return extract_tasks(Document("pdf", list(blocks)), "k")


# --- header words ------------------------------------------------------------------------------

@pytest.mark.parametrize("lead_header", [
    "Trách nhiệm thực hiện", "Người thực hiện", "Đơn vị thực hiện", "Cơ quan thực hiện", "Bộ phận phụ trách",
])
def test_a_column_naming_who_carries_the_task_out_is_the_lead(lead_header):
    [t] = tasks_of(table(["STT", "Công việc", lead_header, "Đơn vị phối hợp", "Thời hạn"],
                         ["1", "Lập danh mục cơ sở dữ liệu", "Sở Tài chính", "Sở Xây dựng", "Quý 1/2027"]))
    assert (t.content, t.lead_agencies, t.partner_agencies) == (
        "Lập danh mục cơ sở dữ liệu", ["Sở Tài chính"], ["Sở Xây dựng"])
    assert t.due_date == dt.date(2027, 3, 31)


def test_header_names_wrapped_over_two_rows_and_a_duration_column():
    [t] = tasks_of(table(
        [Cell("TT", row_span=2), Cell("Công việc", row_span=2), "Đơn vị", "Đơn vị phối", "Số ngày"],
        ["thực hiện", "hợp", "dự kiến"],
        ["1", "Chuẩn bị máy chủ", "Sở Tư pháp", "Sở KH&CN, Tập đoàn VNPT", "12"],
    ))
    assert (t.lead_agencies, t.partner_agencies) == (["Sở Tư pháp"], ["Sở Khoa học và Công nghệ", "Tập đoàn VNPT"])
    # A number of days is a duration: kept as printed, never a date.
    assert (t.deadline_text, t.due_date, t.recurring) == ("12", None, False)


def test_a_second_header_row_naming_the_columns_again_is_no_task():
    tasks = tasks_of(table(
        ["Stt", "Stt", "Tên nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Sản phẩm", "Thời hạn"],
        ["TT", "Chi tiết", "Tên nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Sản phẩm", "Thời hạn"],
        ["1", "1", "Số hóa hồ sơ đất đai", "Sở Nông nghiệp và Môi trường", "", "Kho dữ liệu", "30/9/2026"],
    ))
    assert [(t.seq, t.content, t.output, t.due_date) for t in tasks] == [
        (1, "Số hóa hồ sơ đất đai", "Kho dữ liệu", dt.date(2026, 9, 30))]


def test_tables_that_only_report_progress_give_no_task():
    assert tasks_of(
        table(["STT", "Nội dung", "Tình hình thực hiện", "Ghi chú"], ["1", "Cải cách thủ tục", "Đã xong", ""]),
        table(["TT", "Chỉ tiêu", "Đơn vị tính", "Kết quả thực hiện"], ["1", "Tỷ lệ hồ sơ trực tuyến", "%", "87"]),
    ) == []


# --- a combined lead and partner column --------------------------------------------------------

@pytest.mark.parametrize("header", ["Chủ trì/phối hợp", "Cơ quan chủ trì, phối hợp", "Đơn vị chủ trì - phối hợp"])
def test_a_combined_column_gives_the_lead_then_the_partners_after_phoi_hop(header):
    [t] = tasks_of(table(["TT", "Nhiệm vụ", header, "Thời gian"],
                         ["1", "Kiểm tra an toàn thực phẩm", "Sở Y tế chủ trì, phối hợp với Công an tỉnh, Sở Công Thương",
                          "Tháng 9/2026"]))
    assert (t.lead_agencies, t.partner_agencies) == (["Sở Y tế"], ["Công an tỉnh", "Sở Công Thương"])


def test_a_combined_column_gives_the_partners_on_the_lines_below_the_lead():
    [t] = tasks_of(table(["TT", "Nhiệm vụ", "Chủ trì/phối hợp", "Thời gian"],
                         ["1", "Nạo vét kênh mương", "UBND huyện Bảo Yên\nSở Nông nghiệp và Môi trường\nSở Tài chính",
                          "Năm 2027"]))
    assert (t.lead_agencies, t.partner_agencies) == (
        ["UBND huyện Bảo Yên"], ["Sở Nông nghiệp và Môi trường", "Sở Tài chính"])


# --- rows: tasks and groups --------------------------------------------------------------------

HEADER = ["TT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]


def test_a_tt_column_left_blank_still_gives_every_task():
    tasks = tasks_of(table(HEADER, ["", "Rà soát quy hoạch", "Sở Xây dựng", "", "Quý 2/2026"],
                           ["", "Cắm mốc ranh giới", "UBND các xã", "Sở Xây dựng", "Quý 4/2026"]))
    assert [(t.seq, t.content, t.lead_agencies) for t in tasks] == [
        (None, "Rà soát quy hoạch", ["Sở Xây dựng"]), (None, "Cắm mốc ranh giới", ["UBND các xã"])]


def test_a_numbered_row_naming_no_agency_nor_date_is_the_group_of_the_rows_below():
    tasks = tasks_of(table(
        HEADER,
        ["4", "Phát triển nguồn nhân lực", "", "", ""],
        ["4.9", "Đào tạo giảng viên nguồn", "Bộ Nội vụ", "Các bộ, ngành", "2025 - 2027"],
        ["4.10", "Bồi dưỡng cán bộ cơ sở", "Các địa phương", "", "Hằng năm"],
        ["5", "Bảo đảm nguồn lực", "", "", ""],
        ["5.1", "Bố trí kinh phí", "Bộ Tài chính", "", "Hằng năm"],
    ))
    assert [(t.seq, t.group_name, t.content) for t in tasks] == [
        (9, "4. Phát triển nguồn nhân lực", "Đào tạo giảng viên nguồn"),
        (10, "4. Phát triển nguồn nhân lực", "Bồi dưỡng cán bộ cơ sở"),
        (1, "5. Bảo đảm nguồn lực", "Bố trí kinh phí"),
    ]
    assert tasks[0].due_date == dt.date(2027, 12, 31) and tasks[1].recurring


def test_an_unnumbered_row_among_numbered_tasks_is_a_group_and_its_siblings_close_it():
    header = ["TT", "Chi tiết", "Tên nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn"]
    tasks = tasks_of(table(
        header,
        ["", "1", "Chuẩn hóa dữ liệu ngành", "", "Sở Tư pháp", "31/10/2026"],
        ["1", "a)", "Dữ liệu hộ tịch", "Sở Tư pháp", "", "31/10/2026"],
        ["2", "b)", "Dữ liệu lao động", "Sở Nội vụ", "", "31/10/2026"],
        ["3", "2", "Mở điểm truy cập Internet công cộng", "UBND các xã", "", "30/11/2026"],
    ))
    assert [(t.seq, t.group_name) for t in tasks] == [
        (1, "1. Chuẩn hóa dữ liệu ngành"), (2, "1. Chuẩn hóa dữ liệu ngành"), (3, None)]


def test_each_row_of_a_table_over_several_pages_keeps_its_page():
    tasks = tasks_of(table(HEADER, ["1", "Khảo sát hiện trạng", "Sở Xây dựng", "", "Quý 1/2027"],
                           ["2", "Lập đề án", "Sở Tài chính", "", "Quý 2/2027"],
                           ["3", "Trình phê duyệt", "Sở Nội vụ", "", "Quý 3/2027"],
                           page=14, row_pages=[14, 14, 15, 16]))
    assert [(t.seq, t.page) for t in tasks] == [(1, 14), (2, 15), (3, 16)]


def test_a_row_cut_by_a_page_inside_a_joined_table_goes_on_but_a_labelled_row_does_not():
    header = ["TT", "Chi tiết", "Tên nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn"]
    tasks = tasks_of(table(
        header,
        ["1", "a)", "Nâng cấp trung tâm dữ liệu của", "Sở Khoa học và Công nghệ", "", "31/12/2026"],
        ["", "", "tỉnh và hệ thống dự phòng", "", "Công an tỉnh", ""],
        ["", "2", "Phổ cập kỹ năng số", "", "", ""],
        ["2", "a)", "Mở lớp cho người cao tuổi", "Hội Người cao tuổi tỉnh", "", "Quý 4/2026"],
        page=3, row_pages=[3, 3, 4, 5, 5]))
    assert [(t.seq, t.page, t.group_name, t.content) for t in tasks] == [
        (1, 3, None, "Nâng cấp trung tâm dữ liệu của tỉnh và hệ thống dự phòng"),
        (2, 5, "2. Phổ cập kỹ năng số", "Mở lớp cho người cao tuổi"),
    ]
    assert tasks[0].partner_agencies == ["Công an tỉnh"]


# --- deadlines in cells ------------------------------------------------------------------------

def test_the_date_of_a_document_cited_in_a_deadline_cell_is_no_due_date():
    [cited, own] = tasks_of(table(
        HEADER,
        ["1", "Thực hiện đề án", "Sở Y tế", "", "Theo Quyết định số 1540/QĐ-UBND ngày 12/3/2026"],
        ["2", "Sơ kết đề án", "Sở Y tế", "", "Trước ngày 15/12/2026 (theo Công văn số 88/SYT-KH ngày 02/02/2026)"],
    ))
    assert cited.due_date is None
    assert own.due_date == dt.date(2026, 12, 15)


def test_a_lead_column_without_a_partner_column_may_name_the_partners_after_phoi_hop():
    [t] = tasks_of(table(["TT", "Nội dung", "Trách nhiệm thực hiện", "Thời gian"],
                         ["1", "Tổng kết mô hình", "Chủ trì: Sở Nội vụ; phối hợp: Sở Tài chính, Sở Tư pháp", "Quý 4/2026"]))
    assert (t.lead_agencies, t.partner_agencies) == (["Sở Nội vụ"], ["Sở Tài chính", "Sở Tư pháp"])
    second = tasks_of(table(["TT", "Nội dung", "Trách nhiệm thực hiện", "Thời gian"],
                            ["2", "Nhân rộng mô hình", "Sở Nội vụ\nUBND các xã", "Năm 2027"]))[0]
    assert (second.lead_agencies, second.partner_agencies) == (["Sở Nội vụ", "UBND các xã"], [])


def test_a_misread_number_under_a_group_stays_in_it():
    tasks = tasks_of(table(HEADER, ["6", "Hợp tác quốc tế", "", "", ""],
                           ["6.1", "Ký kết thỏa thuận", "Sở Ngoại vụ", "", "2026"],
                           ["62", "Đón đoàn công tác", "Sở Ngoại vụ", "", "2026"],  # "6.2" as OCR read it
                           ["7", "Tổng kết chương trình", "Sở Ngoại vụ", "", "2030"]))
    assert [(t.content, t.group_name) for t in tasks] == [
        ("Ký kết thỏa thuận", "6. Hợp tác quốc tế"), ("Đón đoàn công tác", "6. Hợp tác quốc tế"),
        ("Tổng kết chương trình", None)]


def test_an_unnumbered_row_naming_its_lead_among_numbered_tasks_is_still_a_task():
    # OCR lost the number of the second task; it still names its lead, so it is no group title.
    tasks = tasks_of(table(HEADER, ["1", "Kiểm kê tài sản", "Sở Tài chính", "", "Quý 2/2026"],
                           ["", "Thanh lý tài sản hỏng", "Sở Tài chính", "Kho bạc Nhà nước", "Quý 3/2026"],
                           ["3", "Báo cáo kết quả", "Sở Tài chính", "", "Quý 4/2026"]))
    assert [(t.seq, t.group_name, t.content) for t in tasks] == [
        (1, None, "Kiểm kê tài sản"), (None, None, "Thanh lý tài sản hỏng"), (3, None, "Báo cáo kết quả")]


def test_in_a_table_with_tt_left_blank_a_row_opening_a_page_is_a_task_unless_its_sentence_goes_on():
    tasks = tasks_of(table(HEADER, ["", "Lắp camera tại các", "Công an tỉnh", "", "Quý 1/2027"],
                           ["", "nút giao trọng điểm", "", "", ""],
                           ["", "Kết nối dữ liệu camera", "Sở Khoa học và Công nghệ", "", "Quý 2/2027"],
                           page=6, row_pages=[6, 6, 7, 8]))
    assert [(t.content, t.page) for t in tasks] == [
        ("Lắp camera tại các nút giao trọng điểm", 6), ("Kết nối dữ liệu camera", 8)]


def test_a_header_repeated_at_a_page_top_is_skipped_even_misread():
    tasks = tasks_of(table(HEADER, ["1", "Khảo sát", "Sở Xây dựng", "", "Quý 1/2027"],
                           ["T", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phổi hợp", "Thời gian hoàn thành"],
                           ["2", "Thiết kế", "Sở Tài chính", "", "Quý 2/2027"], page=4, row_pages=[4, 4, 5, 5]))
    assert [(t.seq, t.content, t.page) for t in tasks] == [(1, "Khảo sát", 4), (2, "Thiết kế", 5)]
