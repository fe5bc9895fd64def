import datetime as dt
import re
from pathlib import Path

import pytest

from extractors.registry import read_document

from extractors.model import Block, Cell, Document
from extractors.normalize import clean_line
from extractors.records.tasks import extract_tasks

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def table(*rows, page=None) -> Block:
    return Block("table", page=page, rows=[[c if isinstance(c, Cell) else Cell(c) for c in row] for row in rows])


def paragraphs(*texts) -> list[Block]:
    return [Block("paragraph", text=t) for t in texts]


def tasks_of(*blocks):
    return extract_tasks(Document("html", list(blocks)), "d")


HEADER = ["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]


# --- real tables -------------------------------------------------------------------------------

def test_a_task_row_gives_every_field():
    row = ["1", "Xây dựng Đề án nhân lực y tế", "Sở Y tế", "Sở Nội vụ, các cơ quan, đơn vị liên quan", "Quý 3/2024"]
    [t] = tasks_of(table(HEADER, row, page=10))
    assert (t.task_id, t.seq, t.content, t.page) == ("d:t1", 1, "Xây dựng Đề án nhân lực y tế", 10)
    assert t.lead_agencies == ["Sở Y tế"]
    assert t.partner_agencies == ["Sở Nội vụ", "Các cơ quan, đơn vị liên quan"]
    assert (t.deadline_text, t.due_date, t.recurring) == ("Quý 3/2024", dt.date(2024, 9, 30), False)
    assert (t.lead_raw, t.partner_raw) == ("Sở Y tế", "Sở Nội vụ, các cơ quan, đơn vị liên quan")


def test_columns_are_found_by_their_header_in_any_order():
    [t] = tasks_of(table(
        ["Thời gian thực hiện", "Đơn vị phối hợp thực hiện", "Tên nhiệm vụ", "STT", "Sở, ngành chủ trì tham mưu",
         "Sản phẩm", "Theo dõi", "Ghi chú"],
        ["Nhiệm vụ  thường\nxuyên", "Sở Tài chính", "Rà soát chính sách", "2", "Sở KH và Đầu tư", "Báo cáo",
         "Văn phòng UBND tỉnh", "Ưu tiên"],
    ))
    assert (t.seq, t.content, t.output, t.note) == (2, "Rà soát chính sách", "Báo cáo", "Ưu tiên")
    assert (t.lead_agencies, t.partner_agencies, t.monitor_agencies) == (
        ["Sở Kế hoạch và Đầu tư"], ["Sở Tài chính"], ["Văn phòng UBND tỉnh"])
    assert (t.deadline_text, t.due_date, t.recurring) == ("Nhiệm vụ thường xuyên", None, True)


@pytest.mark.parametrize("header", [
    ["Số TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện"],
    ["STT", "Nhiệm vụ, giải pháp", "Cơ quan chủ trì, phối hợp", "Ghi chú", "Lộ trình"],
    ["TT", "Tên đề án, nhiệm vụ", "Cơ quan thực hiện", "Kết quả dự kiến", "Tiến độ hoàn thành"],
])
def test_header_spellings(header):
    [t] = tasks_of(table(header, ["1", "Việc một", "Sở Y tế", "", "Quý 4/2025"]))
    assert (t.content, t.lead_agencies, t.due_date) == ("Việc một", ["Sở Y tế"], dt.date(2025, 12, 31))


def test_a_two_row_header_with_merged_cells():
    [t] = tasks_of(table(
        [Cell("STT", row_span=2), Cell("Nội dung", row_span=2), Cell("Cơ quan thực hiện", col_span=2),
         Cell("Tiến độ", row_span=2)],
        ["Chủ trì", "Phối hợp"],
        ["1", "Kiểm tra, giám sát", "UBND cấp huyện", "Sở Y tế", "Năm 2025"],
    ))
    assert (t.content, t.lead_agencies, t.partner_agencies, t.due_date) == (
        "Kiểm tra, giám sát", ["UBND cấp huyện"], ["Sở Y tế"], dt.date(2025, 12, 31))


def test_a_two_row_header_without_merge_marks():
    [t] = tasks_of(table(
        ["TT", "Nội dung", "Cơ quan thực hiện", "", "Thời gian"],
        ["", "", "Chủ trì", "Phối hợp", ""],
        ["1", "Kiểm tra, giám sát", "UBND cấp huyện", "Sở Y tế", "Năm 2025"],
    ))
    assert (t.lead_agencies, t.partner_agencies) == (["UBND cấp huyện"], ["Sở Y tế"])


def test_group_rows_name_the_tasks_below_and_a_numbering_row_is_skipped():
    tasks = tasks_of(table(
        HEADER,
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        ["I", "Cải cách thể chế", "", "", ""],
        ["1", "Rà soát văn bản", "Sở Tư pháp", "", "Quý 2/2025"],
        [Cell("II. Nâng cao chất lượng nhân lực", col_span=5)],
        ["1", "Đào tạo cán bộ", "Sở Nội vụ", "", "Hằng năm"],
        ["2", "", "", "", ""],
    ))
    assert [(t.seq, t.group_name, t.content) for t in tasks] == [
        (1, "I. Cải cách thể chế", "Rà soát văn bản"),
        (1, "II. Nâng cao chất lượng nhân lực", "Đào tạo cán bộ"),
    ]


def test_a_task_spanning_several_rows_is_one_task_with_every_agency():
    tasks = tasks_of(table(
        HEADER,
        [Cell("1", row_span=2), Cell("Phát triển y tế cơ sở", row_span=2), "Sở Y tế", "Sở Tài chính",
         Cell("Quý 3/2024", row_span=2)],
        ["Sở Nội vụ", "UBND cấp huyện"],
        ["2", "Chuyển đổi số", "Sở TT&TT", "", "2024-2025"],
    ))
    assert [(t.seq, t.lead_agencies, t.partner_agencies, t.deadline_text) for t in tasks] == [
        (1, ["Sở Y tế", "Sở Nội vụ"], ["Sở Tài chính", "UBND cấp huyện"], "Quý 3/2024"),
        (2, ["Sở Thông tin và Truyền thông"], [], "2024-2025"),
    ]


def test_rows_with_empty_tt_and_content_add_their_agencies_to_the_task_above():
    [t] = tasks_of(table(HEADER, ["1", "Phát triển y tế cơ sở", "Sở Y tế", "", "Năm 2025"],
                         ["", "", "Sở Giáo dục", "", ""]))
    assert t.lead_agencies == ["Sở Y tế", "Sở Giáo dục và Đào tạo"]


def test_a_task_cut_by_a_page_break_goes_on_in_the_next_table():
    tasks = tasks_of(
        table(HEADER, ["7", "Sắp xếp tổ chức bộ máy theo phương án sắp", "Sở Y tế", "Sở Nội vụ, UBND cấp",
                       "Sau khi có Quyết"], page=10),
        Block("paragraph", text="10", page=10),
        table(HEADER, ["", "xếp đơn vị hành chính.", "", "huyện, cơ quan, đơn vị có liên quan", "định sắp xếp"],
              ["8", "Đề án bệnh viện vệ tinh", "Sở Y tế", "", "Nhiệm vụ thường xuyên"], page=11),
    )
    assert [t.seq for t in tasks] == [7, 8]
    first = tasks[0]
    assert first.content == "Sắp xếp tổ chức bộ máy theo phương án sắp xếp đơn vị hành chính."
    assert first.partner_agencies == ["Sở Nội vụ", "UBND cấp huyện", "Các cơ quan, đơn vị liên quan"]
    assert first.deadline_text == "Sau khi có Quyết định sắp xếp"
    assert first.page == 10


def test_a_table_without_header_of_the_same_width_goes_on_from_a_task_table():
    tasks = tasks_of(table(HEADER, ["1", "Việc một", "Sở Y tế", "", "Năm 2025"]),
                     table(["2", "Việc hai", "Sở Nội vụ", "", "Năm 2026"]),
                     table(["Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"]))
    assert [(t.seq, t.lead_agencies) for t in tasks] == [(1, ["Sở Y tế"]), (2, ["Sở Nội vụ"])]


def test_a_same_width_table_of_another_kind_is_not_taken_for_a_continuation():
    tasks = tasks_of(table(HEADER, ["1", "Việc một", "Sở Y tế", "", "Năm 2025"]),
                     table(["TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2025", "Năm 2030"], ["1", "Tỷ lệ", "%", "90", "95"]),
                     Block("heading", text="III. TỔ CHỨC THỰC HIỆN"),
                     table(["1", "Tỷ lệ", "%", "90", "95"]))
    assert [t.content for t in tasks] == ["Việc một"]


def test_a_group_row_right_under_the_header_is_not_part_of_it():
    [t] = tasks_of(table(HEADER, ["", "Nhiệm vụ trọng tâm", "", "", ""], ["1", "Việc một", "Sở Y tế", "", ""]))
    assert (t.group_name, t.content) == ("Nhiệm vụ trọng tâm", "Việc một")


def test_a_header_repeated_inside_a_table_is_skipped():
    tasks = tasks_of(table(HEADER, ["1", "Việc một", "Sở Y tế", "", "Năm 2025"], HEADER,
                           ["2", "Việc hai", "Sở Nội vụ", "", "Năm 2026"]))
    assert [t.content for t in tasks] == ["Việc một", "Việc hai"]


@pytest.mark.parametrize("tt, seq", [("12", 12), ("3.", 3), ("3.9", 9), ("a", None), ("-", None)])
def test_seq_is_the_last_integer_of_the_tt_cell(tt, seq):
    [t] = tasks_of(table(HEADER, [tt, "Việc", "Sở Y tế", "", ""]))
    assert t.seq == seq


def test_tables_that_are_not_task_tables_give_nothing():
    assert tasks_of(
        table(["TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2025"], ["1", "Tỷ lệ bao phủ BHYT", "%", "95"]),
        table(["TT", "Nội dung", "Kinh phí"], ["1", "Đào tạo", "200"]),
        table(["Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"]),
    ) == []


# --- flattened tables --------------------------------------------------------------------------

FLAT_HEADER = ("TT Nội dung nhiệm vụ Cơ quan chủ trì Cơ quan phối hợp Thời gian", "hoàn thành")


def test_a_flattened_table_is_read_from_its_paragraphs():
    tasks = tasks_of(*paragraphs(
        "PHỤ LỤC",
        *FLAT_HEADER,
        "1",
        "Tuyên truyền về y tế cơ sở trong các sở, ngành và chính quyền địa phương.",
        "Các sở, ngành; UBND cấp huyện",
        "Các cơ quan, đơn vị liên quan Quý 3/2024",
        "2 Xây dựng Đề án nhân lực y tế đến năm 2030 Sở Y tế",
        "Sở Nội vụ, các cơ quan, đơn vị liên",
        "quan Năm 2025",
        "3",
        "Chuyển giao Trung tâm Y tế cấp huyện về UBND cấp huyện quản lý; thực hiện thống nhất mô hình.",
        "Sở Y tế Sở Nội vụ, UBND cấp huyện, cơ quan, đơn vị có liên quan.",
        "Quý 2/2025",
    ))
    assert [(t.seq, t.lead_agencies, t.partner_agencies, t.deadline_text) for t in tasks] == [
        (1, ["Các sở, ngành", "UBND cấp huyện"], ["Các cơ quan, đơn vị liên quan"], "Quý 3/2024"),
        (2, ["Sở Y tế"], ["Sở Nội vụ", "Các cơ quan, đơn vị liên quan"], "Năm 2025"),
        (3, ["Sở Y tế"], ["Sở Nội vụ", "UBND cấp huyện", "Các cơ quan, đơn vị liên quan"], "Quý 2/2025"),
    ]
    assert tasks[0].content == "Tuyên truyền về y tế cơ sở trong các sở, ngành và chính quyền địa phương."
    assert tasks[1].content == "Xây dựng Đề án nhân lực y tế đến năm 2030"
    assert tasks[2].content.endswith("thực hiện thống nhất mô hình.")
    assert tasks[1].due_date == dt.date(2025, 12, 31)


def test_a_flattened_header_may_take_one_paragraph_per_column():
    [t] = tasks_of(*paragraphs("TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp",
                               "Thời gian hoàn thành", "1", "Đào tạo cán bộ y tế", "Sở Y tế", "Sở Giáo dục",
                               "Các cơ quan, đơn vị liên quan", "Nhiệm vụ thường xuyên"))
    assert (t.lead_agencies, t.partner_agencies, t.recurring) == (
        ["Sở Y tế"], ["Sở Giáo dục và Đào tạo", "Các cơ quan, đơn vị liên quan"], True)


def test_a_header_repeated_at_a_page_top_is_dropped_even_when_glued_to_a_paragraph():
    tasks = tasks_of(*paragraphs(
        *FLAT_HEADER,
        "1 Việc một Sở Y tế Các cơ quan, đơn vị liên quan",
        "Quý 2/2025 " + FLAT_HEADER[0],
        FLAT_HEADER[1],
        "2 Việc hai Sở Y tế Các cơ quan, đơn vị liên quan",
        "Nhiệm vụ",
        "thường xuyên",
        "Nơi nhận:",
    ))
    assert [(t.content, t.deadline_text) for t in tasks] == [
        ("Việc một", "Quý 2/2025"), ("Việc hai", "Nhiệm vụ thường xuyên")]
    assert tasks[0].partner_agencies == ["Các cơ quan, đơn vị liên quan"]


def test_a_sentence_naming_the_columns_is_not_a_flattened_header():
    assert tasks_of(*paragraphs(
        "Các đơn vị lập bảng gồm các cột TT, nội dung, cơ quan chủ trì, cơ quan phối hợp và thời gian hoàn thành "
        "theo mẫu đính kèm, gửi về Sở Y tế trước ngày 15/8/2024 để tổng hợp, báo cáo UBND tỉnh xem xét.",
        "1", "Sở Y tế chủ trì.")) == []


def test_the_sample_flattened_pdf_text():
    raw = (SAMPLES / "text" / "003_a698d7df3c568d60.txt").read_text(encoding="utf-8")
    tasks = tasks_of(*paragraphs(*[clean_line(p) for p in re.split(r"\n\s*\n", raw) if p.strip()]))
    assert [(t.seq, t.lead_agencies) for t in tasks] == NGHEAN_LEADS


# --- real files --------------------------------------------------------------------------------

NGHEAN_LEADS = [(n, ["Các sở, ngành", "UBND cấp huyện"]) for n in (1, 2, 3, 4)] + [
    (5, ["Sở Y tế"]), (6, ["Sở Y tế"]), (7, ["Sở Y tế"]), (8, ["Sở Y tế"]),
    (9, ["Sở Y tế", "Sở Kế hoạch và Đầu tư", "UBND cấp huyện"]), (10, ["Sở Y tế"]),
    (11, ["Sở Y tế", "UBND cấp huyện"]), (12, ["Sở Y tế", "UBND cấp huyện"]), (13, ["Sở Y tế", "UBND cấp huyện"]),
    (14, ["Sở Y tế", "UBND cấp huyện"]), (15, ["Sở Y tế"]), (16, ["Sở Y tế"]),
    (17, ["Sở Y tế", "Sở Giáo dục và Đào tạo"]), (18, ["Sở Y tế", "Sở Thông tin và Truyền thông"]),
]


def read(path: Path) -> Document:
    return read_document(path)


@pytest.mark.parametrize("name", ["nghean-542-kh-ubnd.html", "nghean-draft.pdf"])
def test_nghean_plan_gives_the_gold_lead_lists(name):
    tasks = extract_tasks(read(SAMPLES / name), "d")
    assert [(t.seq, t.lead_agencies) for t in tasks] == NGHEAN_LEADS
    assert [t.partner_agencies for t in tasks][8] == ["Sở Tài chính", "Các cơ quan, đơn vị liên quan"]
    assert tasks[6].deadline_text == "Sau khi có Quyết định sắp xếp đơn vị hành chính"


def test_a_plan_with_no_gold_gives_its_14_task_rows():
    """Checked by hand against the file's appendix table: TT | Tên nhiệm vụ | Sở, ngành chủ trì tham mưu |
    Đơn vị phối hợp thực hiện | Thời gian thực hiện | Ghi chú, with a numbering row (1)...(5) under the header."""
    tasks = extract_tasks(read(SAMPLES / "real" / "15_sct_KH_UBND_Chi_thi_11_khoang_san.docx"), "d")
    assert [t.seq for t in tasks] == list(range(1, 15))
    assert all(t.lead_agencies for t in tasks)
    by_seq = {t.seq: t for t in tasks}
    assert by_seq[1].lead_agencies == ["Các Sở, ban, ngành", "UBND các xã, phường"]
    assert by_seq[1].partner_agencies == ["Các Sở, ban, ngành", "Các cơ quan, đơn vị, địa phương liên quan"]
    assert (by_seq[1].deadline_text, by_seq[1].due_date) == ("Xong trong Quý II/2026", dt.date(2026, 6, 30))
    assert by_seq[6].lead_agencies == ["Sở Công Thương", "Sở Xây dựng"]
    assert by_seq[9].lead_agencies == ["Thanh tra tỉnh"]
    assert by_seq[12].partner_agencies == ["Sở Nông nghiệp và Môi trường", "Các Sở, ban, ngành"]
    assert by_seq[13].lead_agencies == ["Các Sở, ban, ngành", "UBND các xã, phường"]
    assert (by_seq[4].deadline_text, by_seq[4].recurring) == ("Hàng năm", True)
