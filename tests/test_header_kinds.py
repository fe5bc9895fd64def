"""The header and signature of every kind of administrative document (Decree 30/2020 layout), as
readers hand them over: numbers typed with spaces, datelines wrapped or filled in by hand, a
Công văn's "V/v" summary, digital-signature stamps, receipt stamps, appendices sent as their own
file. The sentences are made up in the style of real documents."""
import datetime as dt

from extractors.model import Block, Cell, Document
from extractors.records.citations import extract_citations
from extractors.records.metadata import extract_metadata


def _doc(*lines):
    return Document("txt", [Block("paragraph", line) for line in lines])


def test_numbers_typed_with_spaces():
    for printed, number, code in [("Số: 318 /BC-SNV", "318/BC-SNV", "BC"), ("Số:  15/2024/QĐ-UBND", "15/2024/QĐ-UBND", "QĐ"),
                                  ("Số:512    /KH-UBND", "512/KH-UBND", "KH"), ("Số: 3041 /QĐ - UBND", "3041/QĐ-UBND", "QĐ")]:
        md = extract_metadata(_doc("ỦY BAN NHÂN DÂN", "TỈNH ĐIỆN BIÊN", printed, "Điện Biên, ngày 3 tháng 9 năm 2024",
                                   "KẾ HOẠCH", "Tổ chức hội nghị"))
        assert (md.doc_number, md.doc_type_code) == (number, code), printed


def test_blank_or_unreadable_number_is_null_but_its_code_is_read():
    md = extract_metadata(_doc("ỦY BAN NHÂN DÂN TỈNH GIA LAI", "Số: /KH-UBND", "Gia Lai, ngày tháng 5 năm 2025",
                               "KẾ HOẠCH", "Phòng chống thiên tai"))
    assert (md.doc_number, md.doc_type_code, md.issue_date, md.issue_date_source) == (None, "KH", None, None)
    scan = extract_metadata(_doc("ỦY BAN NHÂN DÂN", "TỈNH PHÚ YÊN", "Số: ¥£ /CT-UBND", "Phú Yên, ngày |7 tháng 4 năm 2019",
                                 "CHỈ THỊ", "Về việc tăng cường quản lý đê điều"))
    assert (scan.doc_number, scan.doc_type_code, scan.issue_date) == (None, "CT", None)


def test_number_wrapped_under_its_label():
    # A narrow header column puts "Số:" on one line and the number on the next.
    md = extract_metadata(_doc("ỦY BAN NHÂN DÂN", "TỈNH KON TUM", "Số:", "06/2024/QĐ-UBND", "Kon Tum, ngày 25",
                               "tháng 01 năm 2024", "QUYẾT ĐỊNH", "Quy định chế độ báo cáo định kỳ"))
    assert (md.doc_number, md.doc_type_code, md.issuer) == ("06/2024/QĐ-UBND", "QĐ", "Ủy ban nhân dân tỉnh Kon Tum")
    assert md.issue_date == dt.date(2024, 1, 25)
    draft = extract_metadata(_doc("ỦY BAN NHÂN DÂN", "TỈNH KON TUM", "Số:", "/KH-UBND", "Kon Tum, ngày",
                                  "tháng 01 năm 2024", "KẾ HOẠCH", "Phòng, chống thiên tai"))
    assert (draft.doc_number, draft.doc_type_code, draft.is_draft) == (None, "KH", True)
    assert draft.place == "Kon Tum"


def test_ocr_lost_slash_between_number_and_type():
    md = extract_metadata(_doc("CHÍNH PHỦ", "Số: 52NQ-CP", "Hà Nội, ngày 8 tháng 5 năm 2023", "NGHỊ QUYẾT",
                               "Ban hành Chương trình hành động"))
    assert md.doc_number == "52/NQ-CP"


def test_receipt_stamp_is_never_the_number_or_the_date():
    md = extract_metadata(_doc("ỦY BAN NHÂN DÂN", "TỈNH BÌNH ĐỊNH", "CV ĐẾN Số 4127 Ngày 12/6/19", "Số: /CT-UBND",
                               "Bình Định, ngày tháng 6 năm 2019", "CHỈ THỊ", "Về việc phòng chống dịch bệnh"))
    assert (md.doc_number, md.issue_date, md.doc_type) == (None, None, "Chỉ thị")


def test_dateline_with_odd_spacing_and_wrapped_over_two_lines():
    odd = extract_metadata(_doc("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG", "Số: 91 /KH-UBND", "Hải Phòng, ngày9 tháng10 năm 2025",
                                "KẾ HOẠCH", "Chuyển đổi số"))
    assert (odd.issue_date, odd.place, odd.issue_date_source) == (dt.date(2025, 10, 9), "Hải Phòng", "dateline")
    wrapped = extract_metadata(_doc("SỞ TÀI CHÍNH", "Số: 77/BC-STC", "Cần Thơ, ngày 28", "tháng 2 năm 2026", "BÁO CÁO",
                                    "Tình hình giải ngân vốn đầu tư công"))
    assert (wrapped.issue_date, wrapped.place) == (dt.date(2026, 2, 28), "Cần Thơ")


def test_cong_van_type_and_title_from_its_subject_line():
    md = extract_metadata(_doc("UBND TỈNH QUẢNG TRỊ", "SỞ XÂY DỰNG", "Số: 1208 /SXD-QLN", "V/v góp ý dự thảo quy chế quản lý",
                               "nhà chung cư trên địa bàn tỉnh", "Kính gửi:", "- Sở Tư pháp;",
                               "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                               "Quảng Trị, ngày 12 tháng 8 năm 2025", "Sở Xây dựng nhận được Công văn số 55/STP-XDPL."))
    assert (md.doc_type, md.doc_type_code, md.doc_number) == ("Công văn", None, "1208/SXD-QLN")
    assert md.title == "Góp ý dự thảo quy chế quản lý nhà chung cư trên địa bàn tỉnh"
    assert (md.issuer, md.province, md.issue_date) == ("Sở Xây dựng", "Quảng Trị", dt.date(2025, 8, 12))


def test_motto_on_the_issuers_line_and_subject_on_the_numbers_line():
    md = extract_metadata(_doc("UBND THÀNH PHỐ ĐÀ NẴNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ Y TẾ",
                               "Số: 2210 /SYT-NVY V/v tăng cường phòng chống sốt xuất huyết", "Độc lập - Tự do - Hạnh phúc",
                               "Đà Nẵng, ngày 05 tháng 9 năm 2026", "Kính gửi: Các bệnh viện trực thuộc."))
    assert (md.issuer, md.province, md.doc_type) == ("Sở Y tế", "Đà Nẵng", "Công văn")
    assert md.title == "Tăng cường phòng chống sốt xuất huyết"


def test_motto_wrapped_over_two_lines_is_never_the_issuer():
    # A narrow right column wraps "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" after "XÃ HỘI"; a reader may
    # give the two halves their own lines or set each beside a line of the issuer.
    own_lines = extract_metadata(_doc("ỦY BAN NHÂN DÂN", "TỈNH TUYÊN QUANG", "-------", "CỘNG HÒA XÃ HỘI",
                                      "CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 87/KH-UBND",
                                      "Tuyên Quang, ngày 10 tháng 12 năm 2013", "KẾ HOẠCH", "Cải cách hành chính năm 2014"))
    beside = extract_metadata(_doc("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI", "TỈNH TUYÊN QUANG CHỦ NGHĨA VIỆT NAM",
                                   "Số: 87/KH-UBND Độc lập - Tự do - Hạnh phúc", "Tuyên Quang, ngày 10 tháng 12 năm 2013",
                                   "KẾ HOẠCH", "Cải cách hành chính năm 2014"))
    for md in (own_lines, beside):
        assert (md.issuer, md.issuer_level, md.province) == ("Ủy ban nhân dân tỉnh Tuyên Quang", "province", "Tuyên Quang")


def test_type_line_with_its_letters_spaced_or_a_word_split():
    # Letter-spaced in Word ("K Ế H O Ạ C H"), or a word split by a PDF's broken text layer, whose
    # font also lost the circumflex ("K ÉT LUẬN"): the lines after it are the title, not the issuer.
    spaced = extract_metadata(_doc("ỦY BAN NHÂN DÂN", "HUYỆN ĐẠI LỘC", "Số: 96/KH-UBND", "Đại Lộc, ngày 2 tháng 4 năm 2025",
                                   "K Ế H O Ạ C H", "PHÒNG, CHỐNG DỊCH BỆNH", "I. MỤC ĐÍCH"))
    assert (spaced.doc_type, spaced.issuer, spaced.title) == ("Kế hoạch", "Ủy ban nhân dân huyện Đại Lộc", "PHÒNG, CHỐNG DỊCH BỆNH")
    split = extract_metadata(_doc("TỈNH ỦY THỪA THIÊN HUẾ", "ĐẢNG CỘNG SẢN VIỆT NAM", "*", "Số 445-KL/TU",
                                  "Thừa Thiên Huế, ngày 13 tháng 5 năm 2022", "K ÉT LUẬN", "HỘI NGHỊ LẦN THỨ BẢY",
                                  "BAN CHẤP HÀNH ĐẢNG BỘ TỈNH (KHÓA XVI)", "về xây dựng hệ thống kết cấu hạ tầng đồng bộ",
                                  "I. ĐÁNH GIÁ TÌNH HÌNH"))
    assert (split.doc_type, split.issuer, split.province) == ("Kết luận", "Tỉnh ủy Thừa Thiên Huế", "Thừa Thiên Huế")
    # A party document's name runs on in capitals ("HỘI NGHỊ LẦN THỨ BẢY ..."); its summary is the "về ..." line.
    assert split.title == "về xây dựng hệ thống kết cấu hạ tầng đồng bộ"


def test_title_in_capitals_beside_the_type_stops_at_a_note_and_the_authority():
    md = extract_metadata(_doc("ỦY BAN NHÂN DÂN TỈNH YÊN BÁI", "Số: 845 /QĐ-UBND", "Yên Bái, ngày 4 tháng 5 năm 2026",
                               "QUYẾT ĐỊNH PHÊ DUYỆT QUY HOẠCH CHI TIẾT", "CỤM CÔNG NGHIỆP ÂU LÂU", "(Điều chỉnh lần thứ hai)",
                               "ỦY BAN NHÂN DÂN TỈNH YÊN BÁI", "Căn cứ Luật Quy hoạch"))
    assert (md.doc_type, md.title) == ("Quyết định", "PHÊ DUYỆT QUY HOẠCH CHI TIẾT CỤM CÔNG NGHIỆP ÂU LÂU")


def test_issuer_is_never_a_heading():
    md = extract_metadata(_doc("DỰ THẢO", "ỦY BAN NHÂN DÂN", "TỈNH KON TUM", "Số: /KH-UBND", "KẾ HOẠCH", "Phát triển du lịch"))
    assert md.issuer == "Ủy ban nhân dân tỉnh Kon Tum"


_SIGNED = ("ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH", "Số: /KH-UBND", "Hà Tĩnh, ngày tháng 3 năm 2026", "KẾ HOẠCH",
           "Cải cách hành chính năm 2026", "I. MỤC ĐÍCH")


def test_signature_stamp_gives_signed_at_and_the_blank_day():
    md = extract_metadata(_doc(*_SIGNED, "Ký bởi: Ủy ban nhân dân tỉnh Hà Tĩnh",
                               "Thời gian ký: 2026-03-18T09:12:44+07:00", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Minh Khoa"))
    assert md.signed_at == dt.datetime(2026, 3, 18, 2, 12, 44, tzinfo=dt.timezone.utc)
    assert (md.issue_date, md.issue_date_source) == (dt.date(2026, 3, 18), "signature")
    assert (md.signer, md.signer_title) == ("Trần Minh Khoa", "Phó Chủ tịch")


def test_stamp_of_another_month_or_of_a_portal_is_not_the_issue_date():
    other_month = extract_metadata(_doc(*_SIGNED, "Ngày ký: 02.04.2026 08:00:00 +07:00"))
    assert other_month.signed_at is not None and other_month.issue_date is None
    portal = extract_metadata(_doc(*_SIGNED, "Người ký: CỔNG THÔNG TIN ĐIỆN TỬ TỈNH Email: ctt@hatinh.gov.vn "
                                             "Thời gian ký: 19.03.2026 15:30:00 +07:00"))
    assert portal.signed_at == dt.datetime(2026, 3, 19, 8, 30, tzinfo=dt.timezone.utc)
    assert (portal.issue_date, portal.issue_date_source) == (None, None)


def test_printed_dateline_wins_over_the_stamp_and_a_draft_without_stamp_stays_null():
    dated = list(_SIGNED)
    dated[3] = "Hà Tĩnh, ngày 16 tháng 3 năm 2026"
    md = extract_metadata(_doc(*dated, "Trung tâm Công báo tỉnh", "17.03.2026 10:01:00 +07:00"))
    assert (md.issue_date, md.issue_date_source) == (dt.date(2026, 3, 16), "dateline")
    assert md.signed_at == dt.datetime(2026, 3, 17, 3, 1, tzinfo=dt.timezone.utc)
    draft = extract_metadata(_doc(*_SIGNED))
    assert (draft.issue_date, draft.issue_date_source, draft.signed_at) == (None, None, None)


def test_signer_after_a_seals_noise_and_a_rank():
    md = extract_metadata(_doc("BỘ CHỈ HUY QUÂN SỰ TỈNH", "Số: 36/KH-BCH", "Sơn La, ngày 2 tháng 3 năm 2025", "KẾ HOẠCH",
                               "Huấn luyện dân quân", "I. MỤC ĐÍCH", "KT. CHỈ HUY TRƯỞNG", "PHÓ CHỈ HUY TRƯỞNG",
                               "ẻ; ©", "#Ÿ", "Đại tá Lò Văn Toàn"))
    assert md.signer == "Lò Văn Toàn"
    assert md.signer_title == "Phó chỉ huy trưởng"


def test_recipient_abbreviation_is_not_a_signature_block():
    md = extract_metadata(_doc(*_SIGNED, "Nơi nhận:", "- Trung tâm XT ĐT, TM và DL tỉnh;", "- Lưu: VT.", "KT. CHỦ TỊCH",
                               "PHÓ CHỦ TỊCH", "Hoàng Thị Lan"))
    assert (md.issuer, md.signer) == ("Ủy ban nhân dân tỉnh Hà Tĩnh", "Hoàng Thị Lan")


def test_a_to_trinh_signs_before_the_draft_it_carries():
    md = extract_metadata(_doc("SỞ NỘI VỤ", "Số: 88/TTr-SNV", "Bắc Kạn, ngày 9 tháng 1 năm 2026", "TỜ TRÌNH",
                               "Về việc ban hành Kế hoạch cải cách hành chính", "Kính gửi: Ủy ban nhân dân tỉnh.",
                               "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Ma Văn Sơn",
                               "ỦY BAN NHÂN DÂN TỈNH BẮC KẠN", "Số: /KH-UBND", "KẾ HOẠCH", "Cải cách hành chính",
                               "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Hà Văn Lâm"))
    assert (md.doc_type, md.doc_number, md.issuer) == ("Tờ trình", "88/TTr-SNV", "Sở Nội vụ")
    assert (md.signer, md.signer_title) == ("Ma Văn Sơn", "Phó Giám đốc")


def test_appendix_file_is_attached_to_its_parent():
    md = extract_metadata(_doc("PHỤ LỤC II", "BẢNG ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH",
                               "(Kèm theo Báo cáo số 47/BC-UBND ngày 10/4/2026 của UBND tỉnh Lạng Sơn)",
                               "STT", "Lĩnh vực"))
    assert md.attached_to == "47/BC-UBND"
    assert md.issuer == "Ủy ban nhân dân tỉnh Lạng Sơn"
    assert md.doc_number is None


def test_citations_by_number_with_spaces_breaks_and_laws():
    doc = _doc("Căn cứ Luật Đầu tư số 61/2020/QH14 ngày 17 tháng 6 năm 2020;",
               "Thực hiện Công văn số 1518/SKHĐT-\nĐKKD ngày 02/3/2026 của Sở Kế hoạch và Đầu tư, Tờ trình số 77/BQL-KHĐT "
               "và văn bản giải trình số 903/BQL-QHXD; Quyết định số 2314 /QĐ - UBND; Kế hoạch số 14-KH/BCĐ 35 và "
               "Kế hoạch số 14-KH/BCĐ35;",
               "Số 405, đường Lê Lợi; mã số 5300828932; chỉ tiêu 12/15 xã; Công văn số 905/SXD-QLN (văn bản này).")
    cites = {c.cited_number: c for c in extract_citations(doc, "d", "905 /SXD-QLN")}
    assert set(cites) == {"61/2020/QH14", "1518/SKHĐT-ĐKKD", "77/BQL-KHĐT", "903/BQL-QHXD", "2314/QĐ-UBND", "14-KH/BCĐ35"}
    assert (cites["61/2020/QH14"].cited_type, cites["61/2020/QH14"].cited_issuer) == ("Luật", "Quốc hội")
    assert cites["1518/SKHĐT-ĐKKD"].cited_type == "Công văn"
    assert cites["903/BQL-QHXD"].cited_type is None


def test_a_number_without_a_type_and_without_a_document_word_is_no_citation():
    doc = _doc("Mã hồ sơ 1250/SNV-TCBC được cập nhật; tỷ lệ 45/BNV-CCHC không phải văn bản.")
    assert extract_citations(doc, "d") == []


def test_title_cut_at_a_comma_or_before_a_place_name_is_rejoined():
    md = extract_metadata(_doc("ỦY BAN NHÂN DÂN TỈNH NINH THUẬN", "Số: 58/KH-UBND", "Ninh Thuận, ngày 2 tháng 4 năm 2025",
                               "KẾ HOẠCH", "Triển khai Quyết định số 12/QĐ-TTg ngày 03/01/2025 của Thủ tướng Chính phủ,",
                               "Quyết định số 640/QĐ-BYT của Bộ Y tế trên địa bàn tỉnh", "Ninh Thuận",
                               "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh;"))
    assert md.title == ("Triển khai Quyết định số 12/QĐ-TTg ngày 03/01/2025 của Thủ tướng Chính phủ, "
                        "Quyết định số 640/QĐ-BYT của Bộ Y tế trên địa bàn tỉnh Ninh Thuận")


def test_a_small_tables_first_cell_is_not_the_issuer():
    doc = Document("txt", [Block("table", rows=[[Cell("STT"), Cell("Nội dung")], [Cell("1"), Cell("Rà soát")]]),
                           Block("paragraph", "Số: 14/BC-UBND"), Block("paragraph", "BÁO CÁO"),
                           Block("paragraph", "Kết quả rà soát"), Block("paragraph", "TM. ỦY BAN NHÂN DÂN"),
                           Block("paragraph", "CHỦ TỊCH"), Block("paragraph", "Lê Văn Hải")])
    md = extract_metadata(doc)
    assert md.issuer == "Ủy ban nhân dân"
    assert md.signer == "Lê Văn Hải"


def test_signature_block_typed_in_title_case():
    md = extract_metadata(_doc(*_SIGNED, "Nơi nhận:", "- Như trên;", "TM. Ủy ban nhân dân", "KT. Chủ tịch", "Phó Chủ tịch",
                               "(Đã ký)", "Vũ Đức Hạnh"))
    assert (md.signer, md.signer_title) == ("Vũ Đức Hạnh", "Phó Chủ tịch")


def test_a_portals_stamp_in_capitals_is_not_the_issuer():
    md = extract_metadata(_doc("BỘ NỘI VỤ", "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", "Số: 35/CT-BNV", "Hà Nội, ngày 4 tháng 2 năm 2025",
                               "CHỈ THỊ", "Về tăng cường kỷ luật hành chính"))
    assert (md.issuer, md.issuer_level) == ("Bộ Nội vụ", "central")


def test_a_stamp_read_into_the_title_line_is_dropped():
    md = extract_metadata(_doc("ỦY BAN NHÂN DÂN", "TỈNH BÌNH THUẬN", "Số: /CT-UBND", "Bình Thuận, ngày tháng 5 năm 2019",
                               "CHỈ THỊ", "TRUNG TAM CÔNG BẢO VÀ TIN HỌC. Về việc tăng cường phòng cháy rừng",
                               "1. Các sở, ngành"))
    assert md.title == "Về việc tăng cường phòng cháy rừng"
    plain = extract_metadata(_doc("BỘ TÀI CHÍNH", "Số: 5/CT-BTC", "CHỈ THỊ", "Tăng cường kỷ luật. Về việc chi tiêu công"))
    assert plain.title == "Tăng cường kỷ luật. Về việc chi tiêu công"


def test_a_deputy_signing_for_the_head_has_the_deputys_title_when_its_line_is_unread():
    # "KT." signs for the head: the signer is a deputy, even when a seal hid the line "PHÓ GIÁM ĐỐC".
    md = extract_metadata(_doc("SỞ NÔNG NGHIỆP", "Số: 41/KH-SNN", "KẾ HOẠCH", "Về việc trồng rừng năm 2027",
                               "Nội dung.", "KT. GIÁM ĐỐC", "x#", "Lê Văn Tâm"))
    assert (md.signer, md.signer_title) == ("Lê Văn Tâm", "Phó Giám đốc")
    md = extract_metadata(_doc("SỞ NÔNG NGHIỆP", "Số: 41/KH-SNN", "KẾ HOẠCH", "Về việc trồng rừng năm 2027",
                               "Nội dung.", "TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "Lê Văn Tâm"))
    assert (md.signer, md.signer_title) == ("Lê Văn Tâm", "Chánh Văn phòng")


def test_a_body_paragraph_whose_capital_ocr_lost_does_not_continue_the_title():
    body = ("thời gian qua, công tác thi hành án hành chính trên địa bàn tỉnh đã đạt những kết quả tích cực; "
            "tuy nhiên, vẫn còn một số trường hợp bản án, quyết định của Tòa án đã có hiệu lực pháp luật nhưng chưa "
            "được các cơ quan, tổ chức, cá nhân thi hành đầy đủ, kịp thời, dẫn đến vụ việc kéo dài. Do đó, Chủ tịch "
            "Ủy ban nhân dân tỉnh yêu cầu:")
    md = extract_metadata(_doc("ỦY BAN NHÂN DÂN", "TỈNH PHÚ YÊN", "Số: 07/CT-UBND", "Phú Yên, ngày 7 tháng 4 năm 2019",
                               "CHỈ THỊ", "Về việc tăng cường công tác thi hành án hành chính", "trên địa bàn tỉnh", body))
    assert md.title == "Về việc tăng cường công tác thi hành án hành chính trên địa bàn tỉnh"


def test_a_provincial_body_without_its_province_in_the_header_takes_it_from_the_dateline():
    md = extract_metadata(_doc("SỞ CÔNG THƯƠNG", "ĐOÀN KIỂM TRA", "Số: 88/KH-ĐKT", "Lào Cai, ngày 10 tháng 3 năm 2026",
                               "KẾ HOẠCH", "Kiểm tra an toàn hóa chất"))
    assert (md.issuer_level, md.province, md.district) == ("province", "Lào Cai", None)
    ministry = extract_metadata(_doc("BỘ Y TẾ", "Số: 12/KH-BYT", "Hà Nội, ngày 10 tháng 3 năm 2026", "KẾ HOẠCH", "Tiêm chủng"))
    assert (ministry.issuer_level, ministry.province) == ("central", None)  # Hà Nội is where it sits, not its scope


def test_a_district_body_takes_its_province_from_the_district_list():
    def locality(*issuer, title="Phát triển nông nghiệp"):
        md = extract_metadata(_doc(*issuer, "Số: 88/KH-UBND", "ngày 3 tháng 9 năm 2024", "KẾ HOẠCH", title))
        return md.issuer_level, md.province, md.district

    assert locality("ỦY BAN NHÂN DÂN", "HUYỆN ĐÔNG ANH") == ("district", "Hà Nội", "Đông Anh")  # a city's, never "tỉnh X"
    # "Tam Đường" (Lai Châu) and "Tam Dương" (Vĩnh Phúc) differ only in their accents.
    assert locality("HUYỆN ỦY TAM ĐƯỜNG") == ("district", "Lai Châu", "Tam Đường")
    assert locality("ỦY BAN NHÂN DÂN", "HUYỆN TAM DƯƠNG") == ("district", "Vĩnh Phúc", "Tam Dương")
    # Six provinces have a Châu Thành: the text says which, or the province stays unknown.
    assert locality("ỦY BAN NHÂN DÂN", "HUYỆN CHÂU THÀNH", title="Phát triển nông nghiệp huyện Châu Thành, tỉnh Bến Tre") \
        == ("district", "Bến Tre", "Châu Thành")
    assert locality("ỦY BAN NHÂN DÂN", "HUYỆN CHÂU THÀNH") == ("district", None, "Châu Thành")


def test_every_district_belongs_to_a_known_province():
    from extractors.domain import province_names, table

    rows = table("districts")
    assert len(rows) > 650 and {r["province"] for r in rows} <= set(province_names())
    assert {r["kind"] for r in rows} == {"huyện", "quận", "thị xã", "thành phố"}


def test_a_party_letter_subject_after_its_number_and_a_title_beside_a_recipient():
    # A text layer that sets two columns side by side: "về việc ..." after the number, and the
    # signature's title at the end of a Nơi nhận line.
    md = extract_metadata(_doc("ĐẢNG BỘ TỈNH LÀO CAI ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG ỦY ỦY BAN NHÂN DÂN TỈNH",
                               "Lào Cai, ngày 07 tháng 9 năm 2026", "*",
                               "Số 2449 -CV/ĐU về việc triển khai thực hiện Chương trình hành động số 104-CTr/TU",
                               "Kính gửi: - Ủy ban nhân dân tỉnh,", "Thực hiện Chương trình hành động số 104-CTr/TU "
                               "về việc bảo vệ môi trường, Đảng ủy đề nghị triển khai như sau:", "1. Ủy ban nhân dân tỉnh chỉ đạo.",
                               "Nơi nhận: T/M BAN THƯỜNG VỤ", "- Như trên (t/h); PHÓ BÍ THƯ", "- Lưu Văn phòng Đảng ủy.",
                               "Nguyễn Hữu Long"))
    assert (md.doc_type, md.doc_number) == ("Công văn", "2449-CV/ĐU")
    assert md.title == "Triển khai thực hiện Chương trình hành động số 104-CTr/TU"
    assert (md.signer, md.signer_title) == ("Nguyễn Hữu Long", "Phó Bí thư")


def test_a_party_resolution_is_about_its_ve_line_not_the_body_that_issues_it():
    md = extract_metadata(_doc("TỈNH ỦY LÀO CAI ĐẢNG CỘNG SẢN VIỆT NAM", "*", "Số 34 -NQ/TU Lào Cai, ngày 27 tháng 12 năm 2025",
                               "NGHỊ QUYẾT", "CỦA BAN THƯỜNG VỤ TỈNH ỦY", "về phát triển các khu công nghiệp, cụm công nghiệp",
                               "Trong những năm qua, ngành công nghiệp tỉnh Lào Cai được quan tâm lãnh đạo."))
    assert (md.doc_type, md.doc_number, md.title) == ("Nghị quyết", "34-NQ/TU", "về phát triển các khu công nghiệp, cụm công nghiệp")
    # A state document's capitals before "về" are its title.
    state = extract_metadata(_doc("ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "Số: 12/QĐ-UBND", "Lào Cai, ngày 2 tháng 3 năm 2026",
                                  "QUYẾT ĐỊNH", "BAN HÀNH QUY CHẾ PHỐI HỢP", "về quản lý cụm công nghiệp", "Căn cứ Luật"))
    assert state.title == "BAN HÀNH QUY CHẾ PHỐI HỢP về quản lý cụm công nghiệp"


def test_a_signature_title_beside_the_recipients_heading():
    md = extract_metadata(_doc("UBND TỈNH LÀO CAI", "SỞ CÔNG THƯƠNG", "Số: 5085 /SCT-VP", "V/v thực hiện nhiệm vụ được ủy quyền",
                               "Lào Cai, ngày 19 tháng 8 năm 2026", "Kính gửi: Phòng Quản lý Công nghiệp.",
                               "1. Phòng Quản lý công nghiệp chủ trì thực hiện.", "Nơi nhận: GIÁM ĐỐC", "- Như trên;",
                               "- Lưu: VT, VP.", "Hoàng Chí Hiền"))
    assert (md.signer, md.signer_title) == ("Hoàng Chí Hiền", "Giám đốc")


def test_a_summary_never_opens_with_and():
    md = extract_metadata(_doc("CHÍNH PHỦ", "Số: 47/NQ-CP", "Hà Nội, ngày 15 tháng 4 năm 2024", "NGHỊ QUYẾT",
                               "và Chương trình hành động của Chính phủ đến năm 2030", "CHÍNH PHỦ", "Căn cứ Luật"))
    assert md.title == "Về Chương trình hành động của Chính phủ đến năm 2030"


def test_a_central_party_body_is_central_and_keeps_its_proper_names():
    md = extract_metadata(_doc("BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG CỘNG SẢN VIỆT NAM", "*", "Số 75-KL/TW Hà Nội, ngày 28 tháng 7 năm 2026",
                               "KẾT LUẬN", "HỘI NGHỊ LẦN THỨ BA", "BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG KHÓA XIV",
                               "về bảo vệ môi trường và chủ động ứng phó với biến đổi khí hậu", "I- BỐI CẢNH, TÌNH HÌNH"))
    assert (md.issuer, md.issuer_level, md.province) == ("Ban Chấp hành Trung ương", "central", None)
    assert md.title == "về bảo vệ môi trường và chủ động ứng phó với biến đổi khí hậu"


def test_an_issuer_name_wrapped_after_a_comma_or_and_is_one_name():
    # "CHUYỂN ĐỔI XANH VÀ" opens like a receipt stamp's "Chuyển:", but in capitals it is the name going on.
    md = extract_metadata(_doc("BỘ CÔNG THƯƠNG", "CỤC ĐỔI MỚI SÁNG TẠO,", "CHUYỂN ĐỔI XANH VÀ", "KHUYẾN CÔNG",
                               "Số: 1178 /ĐCK-CTT", "V/v hướng dẫn quản lý cụm công nghiệp", "Hà Nội, ngày 09 tháng 7 năm 2025",
                               "Kính gửi: Sở Công Thương tỉnh Lào Cai"))
    assert (md.issuer, md.issuer_level) == ("Cục đổi mới sáng tạo, chuyển đổi xanh và khuyến công", "central")
    stamp = extract_metadata(_doc("ỦY BAN NHÂN DÂN", "TỈNH BÌNH ĐỊNH", "Chuyển: Phòng Tổng hợp", "Số: 12/CT-UBND",
                                  "Bình Định, ngày 3 tháng 6 năm 2019", "CHỈ THỊ", "Về việc phòng chống dịch bệnh"))
    assert stamp.issuer == "Ủy ban nhân dân tỉnh Bình Định"
