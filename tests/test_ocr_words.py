"""Tone marks that OCR bent, repaired by the syllable inventory and the word dictionary
(extractors.ocr_words), and the words that must pass through untouched."""
from __future__ import annotations

import pytest

from extractors.ocr import repair_words
from extractors.ocr_words import repair_tones, syllables, word_pairs


def fix(line: str) -> str:
    return " ".join(repair_tones(line.split()))


@pytest.mark.parametrize("read, right", [
    # no syllable: the one syllable with these letters
    ("kim ngạch xuât khẩu hàng hóa", "kim ngạch xuất khẩu hàng hóa"),
    ("nâng cao chât lượng", "nâng cao chất lượng"),
    ("đo đạc đât đai", "đo đạc đất đai"),
    # no syllable, several with these letters: the one that makes a word with its neighbour
    ("CHÁP THUẬN CHỦ TRƯƠNG ĐẦU TƯ", "CHẤP THUẬN CHỦ TRƯƠNG ĐẦU TƯ"),
    ("kêt quả thực hiện", "kết quả thực hiện"),
    # a tone lost on a circumflex, found by the word it makes with the next syllable
    ("thu hút vốn đâu tư nước ngoài năm 2027", "thu hút vốn đầu tư nước ngoài năm 2027"),
    ("Sở Nội vụ chủ trì tông hợp", "Sở Nội vụ chủ trì tổng hợp"),
    ("rà soát thủ tục hành chính đê xuât", "rà soát thủ tục hành chính đề xuất"),
    ("bảo đảm tiên độ đã đề ra", "bảo đảm tiến độ đã đề ra"),
    # a circumflex lost under its tone (ố read as ó), found the same way
    ("Ủy ban nhân dân thành phó Cần Thơ", "Ủy ban nhân dân thành phố Cần Thơ"),
    ("các huyện, thành phô trong tỉnh", "các huyện, thành phố trong tỉnh"),
    ("KÉ HOẠCH", "KẾ HOẠCH"),
    ("Phó Chủ tịch Thường trực phụ trách thâm định", "Phó Chủ tịch Thường trực phụ trách thẩm định"),
])
def test_lost_tone_marks_are_put_back(read, right):
    assert fix(read) == right


@pytest.mark.parametrize("line", [
    # born-digital sentences in the style of the documents: nothing to repair
    "Ủy ban nhân dân tỉnh Hà Giang ban hành Kế hoạch số 415/KH-UBND ngày 02/8/2025",
    "về công tác y tế cơ sở của các xã, phường trên địa bàn tỉnh",
    "Tổ công tác liên ngành chủ trì, phối hợp với Sở Xây dựng",
    "đạt 95,5% kế hoạch, tăng 3,2‰ so với cùng kỳ năm 2024",
    # codes, acronyms and names of other languages pass through
    "QĐ-UBND KH TTg HĐND UBND PCI DDCI VCCI H'Mông ISO 9001:2015",
    # a valid reading next to a function word, or a function word itself, is kept
    "các Phó Chủ tịch, mọi người đều có mặt ở đây",
    # tone style of the old kind (hoà, thuỷ) is not a misreading
    "hoà giải ở cơ sở, thuỷ lợi và khoẻ mạnh",
])
def test_right_words_and_codes_pass_through(line):
    assert fix(line) == line


def test_a_syllable_bound_to_its_neighbour_as_read_is_not_changed():
    # "chính tông" is a word: tông may be right there, so "tông hợp" is not forced to "tổng hợp"
    assert fix("Sở Tài chính tông hợp") == "Sở Tài chính tông hợp"


def test_a_word_that_reads_two_ways_is_left_alone():
    # cấp and cập are both syllables of these letters, and neither makes a word here
    assert fix("đã câp giấy phép") == "đã câp giấy phép"
    # a valid syllable that already makes a word with its neighbour is not changed
    assert fix("người dân") == "người dân"


def test_case_and_punctuation_around_a_word_are_kept():
    assert repair_tones(["(xuât", "Xã)", "KÊT:", "Chuân,"]) == ["(xuất", "Xã)", "KẾT:", "Chuẩn,"]


def test_the_number_of_words_never_changes():
    words = ["Sở", "Y", "tê", "câp", "", "phép", "2024", "lân", "đâu"]
    assert len(repair_tones(words)) == len(words)


def test_repair_words_applies_the_table_then_the_tones():
    # the table's repair (ké hoạch) and the inventory's (câp), on one line
    assert repair_words(["ké", "hoạch", "xuât", "khẩu"]) == ["kế", "hoạch", "xuất", "khẩu"]


def test_inventory_and_dictionary_are_loaded():
    known = syllables()
    assert {"cấp", "tổng", "nghiêng", "khuỷu", "thuở"} <= known
    # well-formed only: a stop ending takes the acute or the dot, never another tone or none
    assert not {"câp", "kêt", "nhât", "cầp"} & known
    assert ("chấp", "thuận") in word_pairs() and ("câp", "tỉnh") not in word_pairs()
