"""Agency duties in every shape a document gives them: hand-built documents, one per kind."""
import datetime as dt

from extractors.model import Block, Document
from extractors.records.assignments import extract_assignments
from extractors.records.outline import body_start, build_outline


def _doc(*lines):
    return Document("txt", [Block("list_item" if l[:1] in "-+" else "paragraph", l) for l in lines])


def _duties(*lines):
    return extract_assignments(build_outline(_doc(*lines), "d"), "d")


def _agencies(*lines):
    return list(dict.fromkeys(a.agency for a in _duties(*lines)))


HEADER = ("ỦY BAN NHÂN DÂN", "TỈNH HÒA BÌNH", "CHỈ THỊ", "Về việc tăng cường phòng cháy rừng")
SIGNATURE = ("Nơi nhận:", "- Sở Y tế;", "- Báo Hòa Bình;", "- Lưu: VT.",
             "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Văn Bình")


def test_a_directive_gives_duties_in_its_numbered_paragraphs_without_an_implementation_part():
    rows = _duties(*HEADER, "Để chủ động phòng cháy rừng mùa khô năm 2027, Chủ tịch UBND tỉnh chỉ thị:",
                   "1. Sở Nông nghiệp và Môi trường:",
                   "a) Chủ trì rà soát phương án phòng cháy rừng, hoàn thành trước ngày 20/12/2026.",
                   "b) Hướng dẫn các địa phương tổ chức diễn tập.",
                   "2. Công an tỉnh chỉ đạo lực lượng cảnh sát phòng cháy phối hợp ứng trực.",
                   "3. Báo và Đài Phát thanh, Truyền hình tỉnh tăng cường tuyên truyền.",
                   "4. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội "
                   "vận động Nhân dân.",
                   "5. Tòa án nhân dân tỉnh; Viện kiểm sát nhân dân tỉnh: Phối hợp xử lý nghiêm các vụ vi phạm.",
                   "UBND tỉnh yêu cầu các cơ quan nghiêm túc thực hiện Chỉ thị này./.", *SIGNATURE)
    assert list(dict.fromkeys(a.agency for a in rows)) == [
        "Sở Nông nghiệp và Môi trường", "Công an tỉnh", "Báo và Đài Phát thanh, Truyền hình tỉnh",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội",
        "Tòa án nhân dân tỉnh", "Viện kiểm sát nhân dân tỉnh"]
    first = rows[0]
    assert first.duty.startswith("Chủ trì rà soát")
    assert (first.deadline_text, first.due_date) == ("hoàn thành trước ngày 20/12/2026", dt.date(2026, 12, 20))
    assert not any("yêu cầu" in a.duty for a in rows)  # the issuer's closing word is no one's duty
    assert not any(a.agency in ("Sở Y tế", "Báo Hòa Bình") for a in rows)  # Nơi nhận


def test_decision_articles_name_the_agency_an_office_holder_heads():
    rows = _duties("ỦY BAN NHÂN DÂN", "TỈNH PHÚ YÊN", "QUYẾT ĐỊNH", "Về việc phê duyệt đề án", "QUYẾT ĐỊNH:",
                   "Điều 1. Phê duyệt Đề án phát triển vùng nguyên liệu.",
                   "Điều 2. Giao Sở Tài chính chủ trì, phối hợp với các đơn vị bố trí kinh phí, "
                   "báo cáo trước ngày 15/9/2027.",
                   "Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc Sở Xây dựng, Chủ tịch UBND huyện Tuy An chịu "
                   "trách nhiệm tổ chức triển khai Đề án, báo cáo kết quả hằng năm./.", *SIGNATURE)
    assert list(dict.fromkeys(a.agency for a in rows)) == [
        "Sở Tài chính", "Văn phòng UBND tỉnh", "Sở Xây dựng", "UBND huyện Tuy An"]
    assert rows[0].due_date == dt.date(2027, 9, 15)
    assert rows[-1].duty == "chịu trách nhiệm tổ chức triển khai Đề án, báo cáo kết quả hằng năm./."


def test_a_list_after_a_colon_names_the_collective_before_it():
    assert _agencies("QUYẾT ĐỊNH:", "Điều 1. Chấp thuận dự án.",
                     "Điều 2. Chánh Văn phòng UBND tỉnh; Thủ trưởng các sở, ngành: Sở Xây dựng, Công an tỉnh, "
                     "Kho bạc Nhà nước tỉnh có trách nhiệm hướng dẫn nhà đầu tư thực hiện dự án.", *SIGNATURE) == [
        "Văn phòng UBND tỉnh", "Sở Xây dựng", "Công an tỉnh", "Kho bạc Nhà nước tỉnh"]


def test_the_investor_named_in_a_decision_gets_the_duties_of_the_investor():
    rows = _duties("QUYẾT ĐỊNH:", "Điều 1. Chấp thuận chủ trương đầu tư dự án nhà máy gạch.", "1. Nhà đầu tư",
                   "Tên doanh nghiệp: Công ty TNHH Vật liệu Minh Phát. Mã số doanh nghiệp 4400123456.",
                   "2. Tên dự án: Nhà máy gạch không nung.",
                   "Điều 2. Tổ chức thực hiện", "1. Trách nhiệm của nhà đầu tư",
                   "- Triển khai dự án đúng tiến độ, hoàn thành trong quý III năm 2027.",
                   "- Thực hiện nghĩa vụ tài chính theo quy định.",
                   "2. Trách nhiệm của các sở, ngành", "- Sở Xây dựng có trách nhiệm giám sát thực hiện dự án.",
                   *SIGNATURE)
    investor = [a for a in rows if a.agency == "Công ty TNHH Vật liệu Minh Phát"]
    assert [a.due_date for a in investor] == [dt.date(2027, 9, 30), None]
    assert [a.agency for a in rows if a not in investor] == ["Sở Xây dựng"]


def test_theme_headings_are_no_agencies_and_agency_subheadings_are():
    rows = _duties("KẾ HOẠCH", "I. MỤC TIÊU", "1. Giảm số vụ cháy rừng.", "II. TỔ CHỨC THỰC HIỆN",
                   "1. Công tác tuyên truyền", "- Đẩy mạnh tuyên truyền trên các phương tiện thông tin.",
                   "2. Kinh phí thực hiện", "- Bố trí từ ngân sách tỉnh.",
                   "3. Chế độ báo cáo", "- Định kỳ báo cáo UBND tỉnh trước ngày 10/12/2027.",
                   "4. Trách nhiệm cụ thể", "4.1. Các sở, ban, ngành", "- Xây dựng kế hoạch triển khai.",
                   "4.2. Ban Quản lý rừng phòng hộ", "- Tổ chức tuần tra.", *SIGNATURE)
    assert list(dict.fromkeys(a.agency for a in rows)) == ["Các sở, ban, ngành", "Ban Quản lý rừng phòng hộ"]


def test_a_lead_in_request_gives_the_items_after_it_to_the_agency_it_asks():
    rows = _duties("SỞ TÀI CHÍNH", "Kính gửi: Sở Xây dựng.",
                   "Để kịp tổng hợp quyết toán, Sở Tài chính đề nghị Sở Xây dựng phối hợp "
                   "thực hiện một số nội dung sau:",
                   "1. Rà soát số liệu giải ngân các dự án, gửi về Sở Tài chính trước ngày 05/01/2027.",
                   "2. Cử cán bộ đầu mối phối hợp.", "Nơi nhận:", "- Như trên;", "GIÁM ĐỐC", "Lê Văn Hòa")
    assert [(a.agency, a.due_date) for a in rows] == [("Sở Xây dựng", dt.date(2027, 1, 5)), ("Sở Xây dựng", None)]


def test_an_official_letter_gives_duties_in_lettered_items_under_any_heading():
    assert _agencies("ỦY BAN NHÂN DÂN", "V/v cải thiện chỉ số", "Trong thời gian qua, kết quả còn hạn chế.",
                     "I. NHIỆM VỤ TRỌNG TÂM", "1. Nhiệm vụ chung",
                     "a) Các cơ quan, đơn vị, địa phương phải công khai thông tin.",
                     "2. Nhiệm vụ cụ thể",
                     "a) Các sở, ban, ngành và Ủy ban nhân dân các xã, phường căn cứ kế hoạch tự đánh giá hằng tháng.",
                     "b) Giao Sở Nội vụ (cơ quan thường trực Hội đồng thi đua):", "- Tổng hợp kết quả hằng tháng.",
                     "- Tham mưu khen thưởng.", *SIGNATURE) == [
        "Các sở, ban, ngành", "UBND các xã, phường", "Sở Nội vụ"]


def test_a_plan_with_an_implementation_part_takes_its_duties_there_only():
    assert _agencies("KẾ HOẠCH", "I. NHIỆM VỤ", "1. Tuyên truyền",
                     "- Sở Văn hóa, Thể thao và Du lịch tổ chức các hoạt động truyền thông.",
                     "II. TỔ CHỨC THỰC HIỆN", "1. Sở Y tế: Chủ trì theo dõi.", "2. Sở Tài chính: Bố trí kinh phí.",
                     *SIGNATURE) == ["Sở Y tế", "Sở Tài chính"]


def test_a_report_of_what_was_done_is_no_duty():
    assert _agencies("BÁO CÁO", "Kết quả quý I năm 2027", "1. Sở Nội vụ đã tổ chức 03 đợt kiểm tra.",
                     "2. Số lượng hồ sơ tiếp nhận: 1.250 hồ sơ.", *SIGNATURE) == []


def test_the_date_of_a_cited_document_is_no_deadline():
    rows = _duties(*HEADER, "1. Sở Tư pháp triển khai theo Quyết định số 1543/QĐ-UBND ngày 14/8/2026 của UBND tỉnh.",
                   "2. Thanh tra tỉnh kiểm tra việc thực hiện trong tháng 11/2027.", *SIGNATURE)
    assert [(a.agency, a.deadline_text, a.due_date) for a in rows] == [
        ("Sở Tư pháp", None, None), ("Thanh tra tỉnh", "trong tháng 11/2027", dt.date(2027, 11, 30))]


def test_outline_reads_articles_and_ignores_numbering_after_the_signature():
    doc = _doc("SỞ Y TẾ", "Kính gửi: Sở Nội vụ.", "Sở Y tế đề nghị Sở Nội vụ thực hiện các nội dung sau:",
               "1. Rà soát biên chế.", "2. Báo cáo kết quả.", "Nơi nhận:", "- Như trên;", "GIÁM ĐỐC", "Phạm Văn Nam",
               "PHỤ LỤC", "I. SỐ LIỆU BIÊN CHẾ", "1. Khối bệnh viện")
    assert body_start(doc) == 3
    tree = build_outline(doc, "d")
    assert tree.lead == "Sở Y tế đề nghị Sở Nội vụ thực hiện các nội dung sau:"
    assert [n.heading for n in tree.nodes if n.parent is None][:2] == ["Rà soát biên chế.", "Báo cáo kết quả."]
    articles = build_outline(_doc("QUYẾT ĐỊNH:", "Điều 1. Phê duyệt kế hoạch.", "Điều 2. Giao Sở Y tế thực hiện."), "d")
    assert [(n.kind, n.label) for n in articles.nodes] == [("article", "Điều 1"), ("article", "Điều 2")]


def test_recipients_are_no_duties_however_ocr_reads_or_merges_them():
    rows = _duties("QUYẾT ĐỊNH:", "Điều 1. Phê duyệt kế hoạch.",
                   "Điều 2. Giám đốc Sở Y tế chịu trách nhiệm theo dõi việc thực hiện./.", "Nơi nhện:",
                   "- Bộ Y tế;", "- Các sở, ngành tỉnh;", "TM. UBND TỈNH")
    assert [(a.agency, a.duty) for a in rows] == [("Sở Y tế", "chịu trách nhiệm theo dõi việc thực hiện./.")]
    merged = _duties("QUYẾT ĐỊNH:", "Điều 1. Phê duyệt kế hoạch.",
                     "Điều 2. Thủ trưởng Sở Tài chính chịu trách nhiệm bố trí kinh phí./. Nơi nhận: KT. CHỦ TỊCH",
                     "- Như Điều 2;", "- Công an tỉnh;")
    assert [(a.agency, a.duty) for a in merged] == [("Sở Tài chính", "chịu trách nhiệm bố trí kinh phí./.")]


def test_a_part_organised_by_agency_gives_duties_beside_the_implementation_part():
    rows = _duties("KẾ HOẠCH", "I. MỤC ĐÍCH", "1. Nâng cao chất lượng dịch vụ công.", "II. NỘI DUNG THỰC HIỆN",
                   "1. Sở Khoa học và Công nghệ: Nâng cấp hệ thống một cửa điện tử. Thời gian thực hiện: quý II/2027.",
                   "2. Sở Nội vụ: Đánh giá chỉ số cải cách hành chính.",
                   "3. Ban Dân tộc: Tuyên truyền tại vùng đồng bào.",
                   "III. TỔ CHỨC THỰC HIỆN", "1. Văn phòng UBND tỉnh: Theo dõi, đôn đốc.", *SIGNATURE)
    assert [(a.agency, a.due_date) for a in rows] == [
        ("Sở Khoa học và Công nghệ", dt.date(2027, 6, 30)), ("Sở Nội vụ", None), ("Ban Dân tộc", None),
        ("Văn phòng UBND tỉnh", None)]
    assert rows[0].deadline_text == "Thời gian thực hiện: quý II/2027"


def test_an_agency_heading_with_its_duties_below_counts_outside_the_implementation_part():
    assert _agencies(*HEADER, "1. Thủ trưởng các sở, ban, ngành; Chủ tịch UBND các huyện có trách nhiệm:",
                     "a) Quán triệt Chỉ thị đến cán bộ.", "b) Báo cáo kết quả hằng quý.",
                     "2. Nhiệm vụ trọng tâm", "- Các sở, ngành tăng cường kiểm tra.",
                     "3. Tổ chức thực hiện", "a) Sở Tư pháp theo dõi, đôn đốc việc thực hiện.", *SIGNATURE) == [
        "Các sở, ban, ngành", "UBND các huyện", "Sở Tư pháp"]


def test_office_titles_before_a_plural_name_the_agencies_they_head():
    assert _agencies("NGHỊ QUYẾT:", "Điều 1. Ban hành Chương trình hành động.",
                     "Điều 2. Các Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Thủ trưởng cơ quan thuộc Chính phủ, "
                     "Chủ tịch Ủy ban nhân dân các tỉnh chịu trách nhiệm tổ chức thực hiện Chương trình.", *SIGNATURE) == [
        "Các Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", "UBND các tỉnh"]


def test_a_collective_of_everyone_is_no_agency_of_its_own():
    assert _agencies(*HEADER, "1. Công an tỉnh và các địa phương tăng cường tuần tra.",
                     "2. Sở Y tế và các cơ quan, đơn vị có liên quan bảo đảm thuốc.", *SIGNATURE) == [
        "Công an tỉnh", "Sở Y tế"]


def test_the_closing_formula_of_a_decision_assigns_no_duty():
    rows = _duties("QUYẾT ĐỊNH:", "Điều 1. Phê duyệt Đề án chuyển đổi số ngành nông nghiệp.",
                   "Điều 2. Sở Nông nghiệp và Môi trường chủ trì triển khai Đề án, hoàn thành trong năm 2028.",
                   "Điều 3. Chánh Văn phòng UBND tỉnh; Giám đốc các sở: Tài chính, Nội vụ; Giám đốc Kho bạc Nhà nước "
                   "tỉnh và Chủ tịch UBND các huyện chịu trách nhiệm thi hành Quyết định này./.", *SIGNATURE)
    assert [(a.agency, a.due_date) for a in rows] == [("Sở Nông nghiệp và Môi trường", dt.date(2028, 12, 31))]
    assert _agencies("QUYẾT ĐỊNH:", "Điều 1. Ban hành Quy chế.",
                     "Điều 2. Thủ trưởng các cơ quan, Giám đốc Sở Tư pháp căn cứ Quyết định thi hành./.",
                     *SIGNATURE) == []


def test_a_sentence_naming_other_agencies_with_a_verb_is_their_duty():
    rows = _duties("QUYẾT ĐỊNH:", "Điều 1. Chấp thuận chủ trương đầu tư dự án cụm công nghiệp.",
                   "Điều 2. Ban Quản lý các khu công nghiệp tỉnh phối hợp giám sát việc thực hiện dự án. "
                   "Sở Tài chính, Kho bạc Nhà nước tỉnh theo chức năng, nhiệm vụ được giao, hướng dẫn nhà đầu tư "
                   "quyết toán vốn. Báo cáo UBND tỉnh trước ngày 30/6/2028.", *SIGNATURE)
    assert [(a.agency, a.duty) for a in rows] == [
        ("Ban Quản lý các khu công nghiệp tỉnh", "phối hợp giám sát việc thực hiện dự án."),
        *[(agency, "theo chức năng, nhiệm vụ được giao, hướng dẫn nhà đầu tư quyết toán vốn. Báo cáo UBND tỉnh "
                   "trước ngày 30/6/2028.") for agency in ("Sở Tài chính", "Kho bạc Nhà nước tỉnh")]]
    assert rows[1].due_date == dt.date(2028, 6, 30)


def test_an_agency_that_gathers_reports_is_named_without_its_verb():
    rows = _duties("KẾ HOẠCH", "I. TỔ CHỨC THỰC HIỆN", "1. Chế độ báo cáo",
                   "- Sở Nông nghiệp và Môi trường tổng hợp, tham mưu UBND tỉnh báo cáo Tỉnh ủy trước ngày 15/12/2027.",
                   *SIGNATURE)
    assert [(a.agency, a.duty, a.due_date) for a in rows] == [
        ("Sở Nông nghiệp và Môi trường", "tổng hợp, tham mưu UBND tỉnh báo cáo Tỉnh ủy trước ngày 15/12/2027.",
         dt.date(2027, 12, 15))]


def test_a_council_resolution_gives_duties_to_its_standing_committee():
    assert _agencies("NGHỊ QUYẾT:", "Điều 1. Thông qua Đề án phát triển giao thông nông thôn.",
                     "Điều 2. Tổ chức thực hiện", "1. Giao Ủy ban nhân dân tỉnh tổ chức thực hiện Nghị quyết.",
                     "2. Giao Thường trực Hội đồng nhân dân tỉnh, các Ban của Hội đồng nhân dân tỉnh giám sát "
                     "việc thực hiện Nghị quyết.", *SIGNATURE) == [
        "UBND tỉnh", "Thường trực Hội đồng nhân dân tỉnh", "Các Ban của Hội đồng nhân dân tỉnh"]


def test_a_letter_without_numbered_items_gives_duties_in_its_paragraphs_not_its_header():
    # The header of a short Công văn read as lines (no header table): the issuer, its number and the
    # recipients are never agencies with duties; the paragraph that asks the districts is their duty.
    rows = _duties("UBND TỈNH QUẢNG TRỊ", "SỞ XÂY DỰNG", "Số: 1208/SXD-QLN", "V/v góp ý dự thảo quy chế",
                   "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Quảng Trị, ngày 12 tháng 8 năm 2025", "Kính gửi:", "- Sở Tư pháp;",
                   "- UBND các huyện, thị xã, thành phố.",
                   "Sở Xây dựng nhận được Công văn số 55/STP-XDPL ngày 2/8/2025 của Sở Tư pháp về việc góp ý.",
                   "Sau khi nghiên cứu, Sở Xây dựng đề nghị UBND các huyện, thị xã, thành phố rà soát hiện trạng "
                   "nhà chung cư trên địa bàn, gửi báo cáo về Sở Xây dựng trước ngày 30/8/2025.",
                   "Sở Xây dựng đề nghị các đơn vị quan tâm phối hợp thực hiện./.",
                   "Nơi nhận:", "- Như trên;", "- Lưu: VT, QLN.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Hùng")
    assert [(a.agency, a.due_date) for a in rows] == [("UBND các huyện, thị xã, thành phố", dt.date(2025, 8, 30))]
    assert rows[0].duty.startswith("rà soát hiện trạng nhà chung cư")


def test_the_agency_asked_not_the_one_asking_has_the_duty():
    rows = _duties(*HEADER, "1. Sở Y tế đề nghị Bảo hiểm xã hội tỉnh phối hợp đối soát dữ liệu khám chữa bệnh.",
                   "2. UBND tỉnh giao Sở Tài chính chủ trì, phối hợp với Sở Y tế tham mưu bố trí kinh phí.",
                   "3. Sở Tài chính chủ trì, phối hợp với các đơn vị đề nghị UBND tỉnh bổ sung kinh phí.",
                   "4. Chủ tịch UBND tỉnh yêu cầu Thủ trưởng các Sở, ban, ngành của tỉnh nghiêm túc thực hiện.", *SIGNATURE)
    assert [a.agency for a in rows] == ["Bảo hiểm xã hội tỉnh", "Sở Tài chính", "Sở Tài chính", "Các Sở, ban, ngành của tỉnh"]
    assert rows[2].duty.startswith("chủ trì, phối hợp với các đơn vị đề nghị UBND tỉnh")


def test_as_for_an_agency_heads_its_duties_but_never_award_criteria():
    rows = _duties("KẾ HOẠCH", "I. MỤC ĐÍCH", "1. Nâng cao chỉ số cải cách hành chính.",
                   "II. TIÊU CHUẨN KHEN THƯỞNG", "1. Đối với các cơ quan chuyên môn thuộc UBND tỉnh: Có kết quả "
                   "đánh giá chỉ số CCHC đạt loại Tốt.", "2. Đối với UBND cấp xã:", "- Hoàn thành 100% chỉ tiêu được giao.",
                   "III. TỔ CHỨC THỰC HIỆN", "1. Đối với Sở Nội vụ: Chủ trì theo dõi, tổng hợp kết quả.",
                   "2. Đối với UBND các huyện:", "- Chỉ đạo các xã triển khai phong trào.", "- Định kỳ báo cáo kết quả.",
                   "3. Về phía Sở Tài chính: bố trí kinh phí khen thưởng.", *SIGNATURE)
    assert [(a.agency, a.duty) for a in rows] == [
        ("Sở Nội vụ", "Chủ trì theo dõi, tổng hợp kết quả."),
        ("UBND các huyện", "Chỉ đạo các xã triển khai phong trào."), ("UBND các huyện", "Định kỳ báo cáo kết quả."),
        ("Sở Tài chính", "bố trí kinh phí khen thưởng.")]


def test_verb_words_inside_a_name_do_not_end_it():
    # "Ban xây dựng đảng" is a body; "các tổ chức chính trị - xã hội" are organisations; "cơ quan tham
    # mưu, giúp việc" are the party's staff bodies. "tổ chức" after a name is the duty's verb.
    rows = _duties(*HEADER, "1. Giao Ban xây dựng đảng Đảng ủy chủ trì, hướng dẫn các cấp ủy.",
                   "2. Ủy ban MTTQ tỉnh và các tổ chức chính trị - xã hội vận động Nhân dân.",
                   "3. Các cơ quan chuyên trách tham mưu, giúp việc Đảng ủy thực hiện nghiêm túc.",
                   "4. Công an tỉnh, Ủy ban nhân dân các xã, phường tổ chức nghiên cứu, cụ thể hóa các mục tiêu.",
                   "5. Bộ Chính trị ban hành Chương trình hành động thực hiện Kết luận.", *SIGNATURE)
    assert [(a.agency_raw, a.duty.split(",")[0]) for a in rows] == [
        ("Ban xây dựng đảng Đảng ủy", "chủ trì"),
        ("Ủy ban MTTQ tỉnh và các tổ chức chính trị - xã hội", "vận động Nhân dân."),
        ("Các cơ quan chuyên trách tham mưu, giúp việc Đảng ủy", "thực hiện nghiêm túc."),
        ("Công an tỉnh", "tổ chức nghiên cứu"), ("Ủy ban nhân dân các xã, phường", "tổ chức nghiên cứu"),
        ("Bộ Chính trị", "ban hành Chương trình hành động thực hiện Kết luận.")]


def test_the_rules_a_decision_issues_after_its_signature_are_read():
    # "Quyết định ban hành Quy chế": the rules follow the signature with their own header and
    # articles; they are the decision's substance, their header is not.
    doc = _doc("ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "QUYẾT ĐỊNH", "Ban hành Quy chế quản lý dữ liệu",
               "QUYẾT ĐỊNH:", "Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý dữ liệu.",
               "Điều 2. Chánh Văn phòng UBND tỉnh, Giám đốc các sở chịu trách nhiệm thi hành Quyết định này./.",
               "Nơi nhận:", "- Như Điều 2;", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trịnh Xuân Trường",
               "ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI", "QUY CHẾ", "Quản lý dữ liệu tài nguyên và môi trường",
               "(Ban hành kèm theo Quyết định số 12/QĐ-UBND ngày 5/1/2027 của UBND tỉnh)",
               "Chương I", "Điều 1. Phạm vi điều chỉnh", "Điều 2. Trách nhiệm của các cơ quan",
               "1. Sở Nông nghiệp và Môi trường: Chủ trì cập nhật dữ liệu.", "2. Công an tỉnh: Bảo đảm an ninh mạng.")
    tree = build_outline(doc, "d")
    assert [n.label for n in tree.nodes if n.kind == "article"] == ["Điều 1", "Điều 2", "Điều 1", "Điều 2"]
    assert _agencies(*[b.text for b in doc.blocks]) == ["Sở Nông nghiệp và Môi trường", "Công an tỉnh"]


def test_a_ministry_list_after_its_plural_names_each_ministry():
    rows = _duties("THỦ TƯỚNG CHÍNH PHỦ", "CHỈ THỊ", "Về quản lý tín chỉ các-bon", "Thủ tướng Chính phủ yêu cầu:",
                   "1. Các Bộ: Công Thương, Xây dựng, Văn hóa, Thể thao và Du lịch, Tài nguyên và Môi trường:",
                   "a) Khẩn trương ban hành kế hoạch giảm phát thải.", "2. Các Bộ: Tài chính, Tư pháp phối hợp thẩm định.",
                   "3. Các Sở: Y tế, Nội vụ; UBND các huyện phối hợp thẩm định.", *SIGNATURE)
    assert list(dict.fromkeys(a.agency for a in rows)) == [
        "Bộ Công Thương", "Bộ Xây dựng", "Bộ Văn hóa, Thể thao và Du lịch", "Bộ Tài nguyên và Môi trường",
        "Bộ Tài chính", "Bộ Tư pháp", "Sở Y tế", "Sở Nội vụ", "UBND các huyện"]
    assert {a.duty for a in rows} == {"Khẩn trương ban hành kế hoạch giảm phát thải.", "phối hợp thẩm định."}


def test_a_sentence_about_a_body_is_no_agency_with_a_duty():
    rows = _duties("QUYẾT ĐỊNH:", "Điều 1. Thành lập Hội đồng thẩm định quy hoạch các khu công nghiệp.",
                   "Điều 2. Tổ chức và hoạt động của Hội đồng", "1. Hội đồng thẩm định bao gồm: Chủ tịch Hội đồng; các Phó "
                   "Chủ tịch Hội đồng và các thành viên.", "2. Hội đồng thẩm định làm việc theo chế độ tập thể và chịu trách "
                   "nhiệm trước Trưởng ban về kết quả thẩm định.", "3. Phòng Nghiệp vụ chủ trì tổng hợp hồ sơ thẩm định.",
                   "4. Các Phó Chủ tịch Hội đồng:", "- Ông Hoàng Chí Hiền, Giám đốc Sở Công Thương - Phó Chủ tịch Hội đồng.",
                   "- Bà Vũ Thị Lân, Phó Giám đốc Sở Tài chính - Phó Chủ tịch Hội đồng.")
    assert [a.agency for a in rows] == ["Phòng Nghiệp vụ"]  # members listed under a body are no duty of it
    closing = _duties("THÔNG BÁO", "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp", "1. Sở Tài chính tham mưu bố trí vốn.",
                      "Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị liên quan biết, thực hiện./.", *SIGNATURE)
    assert [a.agency for a in closing] == ["Sở Tài chính"]  # a notice's closing line asks nothing new


def test_one_agency_named_with_and_without_its_province_and_no_person_or_empty_duty():
    doc = _doc("QUYẾT ĐỊNH:", "Điều 1. Cơ quan tiếp nhận hồ sơ",
               "Sở Công Thương tỉnh Lào Cai là cơ quan tiếp nhận hồ sơ đề nghị cấp Giấy chứng nhận.",
               "Điều 2. Trách nhiệm thực hiện", "1. Sở Công Thương", "a) Tổ chức tiếp nhận hồ sơ.",
               "2. Công an tỉnh Lào Cai có trách nhiệm phối hợp thẩm định điều kiện về an ninh.",
               "3. Công an tỉnh kiểm tra định kỳ.", "4. Phó Giám đốc Sở - Hoàng Văn Thuân", "Trực tiếp chỉ đạo thực hiện.")
    rows = extract_assignments(build_outline(doc, "d"), "d", "Lào Cai")
    assert [(a.agency, a.agency_raw) for a in rows] == [
        ("Sở Công Thương", "Sở Công Thương tỉnh Lào Cai"), ("Sở Công Thương", "Sở Công Thương"),
        ("Công an tỉnh", "Công an tỉnh Lào Cai"), ("Công an tỉnh", "Công an tỉnh")]
    # Without the issuer's province the mentions stay as printed.
    assert [a.agency for a in extract_assignments(build_outline(doc, "d"), "d")][2] == "Công an tỉnh Lào Cai"


def test_a_report_asks_agencies_in_its_recommendations_not_in_its_account():
    doc = _doc("BÁO CÁO", "Kết quả kiểm tra, xác minh kiến nghị của doanh nghiệp", "I. QUÁ TRÌNH TRIỂN KHAI",
               "1. Công ty TNHH Đại Đồng Tiến được Ủy ban nhân dân tỉnh Yên Bái cấp giấy phép khai thác.",
               "2. Đoàn kiểm tra phối hợp với UBND xã xác định vị trí mốc giới.", "II. KIẾN NGHỊ, ĐỀ XUẤT",
               "1. Đối với Công ty TNHH Đại Đồng Tiến:", "- Thường xuyên kiểm tra, bảo vệ hệ thống mốc giới.",
               "2. UBND xã Văn Chấn tăng cường giám sát hoạt động khai thác.", *SIGNATURE)
    rows = extract_assignments(build_outline(doc, "d"), "d", report=True)
    assert [(a.agency, a.duty) for a in rows] == [
        ("Công ty TNHH Đại Đồng Tiến", "Thường xuyên kiểm tra, bảo vệ hệ thống mốc giới."),
        ("UBND xã Văn Chấn", "tăng cường giám sát hoạt động khai thác.")]


def test_a_bracket_left_open_by_a_line_break_is_not_part_of_the_name():
    rows = _duties(*HEADER, "1. Sở Y tế (sau đây gọi tắt", "là cơ quan quản lý) chủ trì kiểm tra an toàn thực phẩm.", *SIGNATURE)
    assert [a.agency for a in rows] == ["Sở Y tế"]


def test_a_report_without_recommendations_gives_no_duties_but_its_next_period_tasks_do():
    def report(*lines):
        doc = _doc("BÁO CÁO", "Kết quả công tác năm 2025", *lines, *SIGNATURE)
        return [a.agency for a in extract_assignments(build_outline(doc, "d"), "d", report=True)]

    account = ("I. KẾT QUẢ THỰC HIỆN", "1. Công tác thanh tra", "- Thanh tra tỉnh tổ chức 03 cuộc thanh tra.")
    assert report(*account) == []
    assert report(*account, "II. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026", "1. Sở Tài chính tham mưu bố trí kinh phí.") == ["Sở Tài chính"]
    # The same lines in a letter give their duty.
    assert _agencies("CÔNG VĂN", *account, *SIGNATURE) == ["Thanh tra tỉnh"]
