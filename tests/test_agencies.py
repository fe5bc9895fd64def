import pytest

from extractors.records.agencies import (agency_pieces, canonical_agency, head_noun_length, is_bare_head_noun,
                                         looks_like_agency, split_agencies)


@pytest.mark.parametrize("cell, expected", [
    ("Các sở, ngành; UBND cấp huyện", ["Các sở, ngành", "UBND cấp huyện"]),
    ("Các sở, ngành, UBND cấp huyện", ["Các sở, ngành", "UBND cấp huyện"]),
    ("Sở Y tế, Sở KH và Đầu tư, UBND cấp huyện", ["Sở Y tế", "Sở Kế hoạch và Đầu tư", "UBND cấp huyện"]),
    ("Sở Nội vụ; Sở Tài chính, Các cơ quan, đơn vị liên quan",
     ["Sở Nội vụ", "Sở Tài chính", "Các cơ quan, đơn vị liên quan"]),
    ("Sở Công Thương; Sở Xây dựng", ["Sở Công Thương", "Sở Xây dựng"]),
    ("Văn phòng UBND tỉnh, Công an tỉnh, Bộ Chỉ huy Quân sự tỉnh",
     ["Văn phòng UBND tỉnh", "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh"]),
])
def test_splits_on_semicolons_and_on_commas_before_an_agency(cell, expected):
    assert split_agencies(cell) == expected


@pytest.mark.parametrize("cell", [
    "Các cơ quan, đơn vị liên quan",
    "Các sở, ban, ngành",
    "Các sở, ngành",
    "Các Sở, ban, ngành liên quan",
    "Các Sở, Ban, ngành liên quan",
    "Các đơn vị, cơ quan liên quan",
    "UBND các huyện, thành phố, thị xã",
    "UBND các xã, phường",
])
def test_collectives_and_lists_of_places_stay_whole(cell):
    assert split_agencies(cell) == [cell]


@pytest.mark.parametrize("cell, expected", [
    ("Sở Y tế và Sở Tài chính", ["Sở Y tế", "Sở Tài chính"]),
    ("Sở Nội vụ và các cơ quan, đơn vị liên quan", ["Sở Nội vụ", "Các cơ quan, đơn vị liên quan"]),
    ("Sở Tài chính, và các cơ quan đơn vị liên quan", ["Sở Tài chính", "Các cơ quan, đơn vị liên quan"]),
    ("Các Sở, ban, ngành và UBND các xã, phường", ["Các Sở, ban, ngành", "UBND các xã, phường"]),
    ("Các Sở, ban, ngành và các cơ quan, đơn vị, địa phương liên quan",
     ["Các Sở, ban, ngành", "Các cơ quan, đơn vị, địa phương liên quan"]),
    ("Sở Kế hoạch và Đầu tư", ["Sở Kế hoạch và Đầu tư"]),
    ("Sở Khoa học và Công nghệ", ["Sở Khoa học và Công nghệ"]),
    ("Sở Văn hóa, Thể thao và Du lịch, Sở Y tế", ["Sở Văn hóa, Thể thao và Du lịch", "Sở Y tế"]),
    ("Sở Nông nghiệp và Môi trường, các Sở, ban, ngành", ["Sở Nông nghiệp và Môi trường", "Các Sở, ban, ngành"]),
])
def test_and_splits_between_agencies_but_not_inside_a_name(cell, expected):
    assert split_agencies(cell) == expected


@pytest.mark.parametrize("cell, expected", [
    ("Sở Y tế\nSở Giáo dục", ["Sở Y tế", "Sở Giáo dục và Đào tạo"]),
    ("Sở Y tế, Sở KH và Đầu\ntư; UBND cấp\nhuyện", ["Sở Y tế", "Sở Kế hoạch và Đầu tư", "UBND cấp huyện"]),
    ("Các cơ quan, đơn vị liên\nquan", ["Các cơ quan, đơn vị liên quan"]),
    ("Sở Y tế; Sở Thông tin -\nTruyền thông", ["Sở Y tế", "Sở Thông tin và Truyền thông"]),
    ("Trung tâm\nVăn hóa - Thể thao và Truyền thông huyện", ["Trung tâm Văn hóa - Thể thao và Truyền thông huyện"]),
])
def test_a_line_break_splits_only_before_an_agency_name(cell, expected):
    assert split_agencies(cell) == expected


def test_a_bare_space_splits_only_after_a_complete_known_name():
    assert split_agencies("Sở Y tế Sở Giáo dục") == ["Sở Y tế", "Sở Giáo dục và Đào tạo"]
    assert split_agencies("Ủy ban nhân dân các xã") == ["UBND các xã"]


def test_a_generic_collective_after_a_comma_is_its_own_agency():
    assert split_agencies("Sở Nội vụ, UBND cấp huyện, cơ quan, đơn vị có liên quan.") == [
        "Sở Nội vụ", "UBND cấp huyện", "Các cơ quan, đơn vị liên quan"]
    assert split_agencies("Sở Nội vụ, các cơ quan, đơn vị liên quan") == ["Sở Nội vụ", "Các cơ quan, đơn vị liên quan"]


def test_repeats_are_dropped_and_printed_names_are_available():
    assert split_agencies("Sở Y tế; Sở Y tế") == ["Sở Y tế"]
    assert split_agencies("Sở KH và Đầu tư; Sở TT&TT", canonical=False) == ["Sở KH và Đầu tư", "Sở TT&TT"]


def test_pieces_carry_the_separator_before_them():
    assert agency_pieces("Sở Y tế, Sở Tài chính; UBND cấp huyện và các cơ quan liên quan Sở Nội vụ") == [
        ("", "Sở Y tế"), (",", "Sở Tài chính"), (";", "UBND cấp huyện"), ("và", "các cơ quan liên quan Sở Nội vụ")]
    assert [sep for sep, _ in agency_pieces("Sở Y tế\nSở Nội vụ Các cơ quan liên quan")] == ["", "\n", " "]


@pytest.mark.parametrize("raw, canonical", [
    ("Sở KH và Đầu tư", "Sở Kế hoạch và Đầu tư"),
    ("Sở KHĐT", "Sở Kế hoạch và Đầu tư"),
    ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
    ("Sở Kế hoạch - Đầu tư", "Sở Kế hoạch và Đầu tư"),
    ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
    ("Sở TTTT", "Sở Thông tin và Truyền thông"),
    ("Sở Thông tin - Truyền thông", "Sở Thông tin và Truyền thông"),
    ("Sở Giáo dục", "Sở Giáo dục và Đào tạo"),
    ("Sở Giáo dục - Đào tạo", "Sở Giáo dục và Đào tạo"),
    ("Sở LĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("Sở Lao động, Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội"),
    ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Sở Nông nghiệp", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
    ("Sở VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở Công thương", "Sở Công Thương"),
    ("Uỷ ban nhân dân cấp huyện", "UBND cấp huyện"),
    ("UBND cấp huyện", "UBND cấp huyện"),
    ("Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng UBND tỉnh"),
    ("UBMTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh"),
    ("cơ quan, đơn vị có liên quan", "Các cơ quan, đơn vị liên quan"),
])
def test_canonical_names(raw, canonical):
    assert canonical_agency(raw) == canonical


def test_a_known_head_keeps_its_qualifier():
    assert canonical_agency("BHXH tỉnh") == "Bảo hiểm xã hội tỉnh"
    assert canonical_agency("Bảo hiểm xã hội tỉnh") == "Bảo hiểm xã hội tỉnh"
    assert canonical_agency("Sở GD&ĐT tỉnh Nghệ An") == "Sở Giáo dục và Đào tạo tỉnh Nghệ An"


def test_a_head_never_lengthens_a_longer_name():
    assert canonical_agency("Sở Giáo dục và Đào tạo") == "Sở Giáo dục và Đào tạo"
    assert canonical_agency("Sở Nông nghiệp và Môi trường") == "Sở Nông nghiệp và Môi trường"
    assert canonical_agency("Sở Giáo dục và Khoa học") == "Sở Giáo dục và Khoa học"


@pytest.mark.parametrize("raw, tidy", [
    ("Sở Y tế (chủ trì).", "Sở Y tế"),
    ("- Ban Quản lý dự án tỉnh;", "Ban Quản lý dự án tỉnh"),
    ("các tổ chức xã hội", "Các tổ chức xã hội"),
    ("Thuế tỉnh (Chi cục Thuế khu vực)", "Thuế tỉnh (Chi cục Thuế khu vực)"),
])
def test_an_unknown_agency_comes_back_tidied(raw, tidy):
    assert canonical_agency(raw) == tidy


@pytest.mark.parametrize("piece", [
    "UBND cấp huyện", "UBND tỉnh Nghệ An", "Sở Y tế", "Sở Du lịch", "Các cơ quan, đơn vị liên quan",
    "Sở Thông tin - Truyền thông", "Thanh tra tỉnh",
])
def test_pieces_that_read_as_agencies(piece):
    assert looks_like_agency(piece)


@pytest.mark.parametrize("piece", [
    "Sở Y tế về trực thuộc", "Uỷ ban nhân dân cấp huyện quản lý toàn diện.", "thực hiện thống nhất mô hình",
    "Trung tâm Y tế cấp huyện do Uỷ ban nhân dân cấp huyện quản lý toàn diện.",
])
def test_pieces_of_prose_that_do_not(piece):
    assert not looks_like_agency(piece)


@pytest.mark.parametrize("text, length", [
    ("Sở Xây dựng tỉnh", 1), ("Công an huyện", 2), ("Tòa án nhân dân tỉnh", 2), ("Kiểm toán khu vực IV", 2),
    ("Số lượng hồ sơ", 0), ("Phong trào thi đua", 0), ("Trùng tu di tích", 0), ("sở, ngành", 0),
])
def test_head_noun_keeps_its_accents_and_capital(text, length):
    assert head_noun_length(text) == length


def test_head_noun_after_a_plural_in_any_case():
    assert head_noun_length("sở, ban, ngành", any_case=True) == 1
    assert head_noun_length("tổ chức đoàn thể", any_case=True) == 0


def test_a_bare_head_noun_is_no_name():
    assert is_bare_head_noun("Đài") and is_bare_head_noun("Báo")
    assert not is_bare_head_noun("Báo Gia Lai") and not is_bare_head_noun("Sở Y tế")


@pytest.mark.parametrize("printed", ["Sở Thông tin-Truyền thông", "Sở Thông tin - Truyền thông",
                                     "Sở Thông tin – Truyền thông", "Sở Thông tin và Truyền thông"])
def test_a_dash_between_two_names_matches_with_or_without_spaces(printed):
    # OCR and hurried typing drop the spaces around the dash; the alias must still be found.
    assert canonical_agency(printed) == "Sở Thông tin và Truyền thông"


@pytest.mark.parametrize("printed, canonical", [("Sở Thôngtin-Truyền thông", "Sở Thông tin và Truyền thông"),
                                                ("Sở Kếhoạch và Đầutư", "Sở Kế hoạch và Đầu tư")])
def test_a_known_name_whose_syllables_ocr_glued_is_still_known(printed, canonical):
    assert canonical_agency(printed) == canonical


def test_a_dash_never_merges_a_name_with_what_follows_it():
    assert canonical_agency("Sở Giáo dục-Đào tạo tỉnh") != "Sở Giáo dục"


@pytest.mark.parametrize("raw, canonical", [
    ("UBND các huyện, thành phố trong tỉnh", "UBND các huyện, thành phố"),
    ("Ủy ban nhân dân các xã, thị trấn trên địa bàn huyện", "UBND các xã, thị trấn"),
    ("Các cấp ủy, ngành chức năng trong huyện", "Các cấp ủy, ngành chức năng trong huyện"),  # the district's own
    ("Các cơ sở y tế trên địa bàn tỉnh", "Các cơ sở y tế trên địa bàn tỉnh"),
])
def test_the_scope_of_a_collective_of_localities_is_dropped_and_other_scopes_kept(raw, canonical):
    assert canonical_agency(raw) == canonical
