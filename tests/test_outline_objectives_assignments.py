"""Outline, objectives and agency duties: hand-built documents and the sample plans."""
from pathlib import Path

import pytest

from extractors.model import Block, Document
from extractors.records.assignments import extract_assignments
from extractors.records.objectives import extract_objectives
from extractors.records.outline import build_outline, marker_of
from extractors.registry import read_document

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def _doc(*lines):
    return Document("txt", [Block("list_item" if l[:1] in "-+" else "paragraph", l) for l in lines])


def test_markers():
    assert marker_of("I. MỤC ĐÍCH YÊU CẦU") == ("roman", "I", "MỤC ĐÍCH YÊU CẦU")
    assert marker_of("II- NHIỆM VỤ") == ("roman", "II", "NHIỆM VỤ")
    assert marker_of("1. Mục đích") == ("decimal", "1", "Mục đích")
    assert marker_of("2.1. Nhân lực") == ("decimal2", "2.1", "Nhân lực")
    assert marker_of("a) Quán triệt") == ("letter", "a", "Quán triệt")
    assert marker_of("- Tỷ lệ") == ("dash", "-", "Tỷ lệ")
    assert marker_of("+ Trạm") == ("plus", "+", "Trạm")
    assert marker_of("Phần I. KẾT QUẢ") == ("part", "Phần I", "KẾT QUẢ")
    assert marker_of("Điều 3. Chánh Văn phòng") == ("article", "Điều 3", "Chánh Văn phòng")
    assert marker_of("--------") is None
    assert marker_of("Việt Nam") is None
    assert marker_of("2024 là năm") is None


def test_hierarchy_front_matter_and_furniture():
    doc = _doc("ỦY BAN NHÂN DÂN", "KẾ HOẠCH", "Thực hiện Quyết định", "I. MỤC TIÊU", "1. Mục tiêu chung: Xây dựng hệ thống y tế.",
               "2. Mục tiêu cụ thể", "- Giảm tử vong.", "+ Trẻ em.", "- Tăng tuổi thọ.", "II. TỔ CHỨC THỰC HIỆN",
               "1. Sở Y tế", "- Chủ trì triển khai.", "- Theo dõi, báo cáo.", "2. Sở Tài chính: Bố trí kinh phí.",
               "3. Ban Tuyên giáo Huyện ủy tiếp tục định hướng công tác tuyên truyền.",
               "4. Đề nghị Ủy ban Mặt trận Tổ quốc tỉnh: Giám sát.", "Trên đây là Kế hoạch.",
               "Nơi nhận:", "- Bộ Y tế;", "TM. ỦY BAN NHÂN DÂN", "Nguyễn Văn A")
    tree = build_outline(doc, "d")
    shape = [(n.level, n.label, n.heading) for n in tree.nodes]
    assert shape[:6] == [(1, "I", "MỤC TIÊU"), (2, "1", "Mục tiêu chung"), (2, "2", "Mục tiêu cụ thể"),
                         (3, "-", "Giảm tử vong."), (4, "+", "Trẻ em."), (3, "-", "Tăng tuổi thọ.")]
    assert not any("Bộ Y tế" in n.heading or "ỦY BAN" in n.heading for n in tree.nodes)
    records = tree.records("d")
    assert records[1].parent_id == records[0].section_id and records[1].text == "Xây dựng hệ thống y tế."
    assert tree.nodes[-1].text == "Giám sát. Trên đây là Kế hoạch."

    objectives = extract_objectives(tree, "d")
    assert [(o.kind, o.text) for o in objectives] == [
        ("general", "Xây dựng hệ thống y tế."), ("specific", "Giảm tử vong."), ("specific", "Tăng tuổi thọ.")]

    duties = [(a.agency, a.duty) for a in extract_assignments(tree, "d")]
    assert duties == [("Sở Y tế", "Chủ trì triển khai."), ("Sở Y tế", "Theo dõi, báo cáo."),
                      ("Sở Tài chính", "Bố trí kinh phí."),
                      ("Ban Tuyên giáo Huyện ủy", "tiếp tục định hướng công tác tuyên truyền."),
                      ("Ủy ban Mặt trận Tổ quốc tỉnh", "Giám sát.")]


GOLD_AGENCIES = {
    "nghean-542-kh-ubnd.html": 11, "nghean-draft.pdf": 11, "tamduong-2030.docx": 13,
    "ninhbinh-2016-2020.docx": 7, "text/002_f759c3cd735fe016.txt": 2,
}


@pytest.mark.parametrize("name", GOLD_AGENCIES)
def test_assignments_name_each_agency_of_the_samples(name):
    tree = build_outline(read_document(SAMPLES / name), "d")
    agencies = list(dict.fromkeys(a.agency for a in extract_assignments(tree, "d")))
    assert len(agencies) == GOLD_AGENCIES[name], agencies


def test_tamduong_assignments_and_objectives():
    tree = build_outline(read_document(SAMPLES / "tamduong-2030.docx"), "d")
    agencies = list(dict.fromkeys(a.agency for a in extract_assignments(tree, "d")))
    assert agencies[:3] == ["Trung tâm Y tế huyện", "Phòng Kế hoạch - Tài chính huyện", "Phòng Giáo dục và Đào tạo huyện"]
    assert "Ủy ban Mặt trận Tổ quốc huyện và các tổ chức chính trị - xã hội" in agencies
    kinds = [o.kind for o in extract_objectives(tree, "d")]
    assert kinds.count("general") == 1 and kinds.count("specific") == 8 and kinds.count("orientation") == 2
