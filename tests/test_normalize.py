"""The one text normalizer: properties over arbitrary text, and the tone-mark convention."""
from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.normalize import clean_line, fold, normalize_text

INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"  # soft hyphen, zero-width characters, BOM
ODD_SPACES = "\u00a0\u2007\u202f\u2009\u200a\u3000\t"
TONES = "\u0300\u0301\u0303\u0309\u0323"

# Vietnamese-looking text: the vowels whose tone placement is normalized, tones as precomposed
# letters and as combining marks, other diacritics, and the spaces and invisibles to remove.
vietnamese = st.text(
    alphabet=st.sampled_from(
        list("aăâeêioôơuưyqhkntgđAĂÂEÊIOÔƠUƯYQHKNTGĐ0123456789 .,;-\n")
        + list("àáảãạòóỏõọèéẻẽẹùúủũụỳýỷỹỵÒÓỎÕỌÀÁẢÃẠỲÝỶỸỴ")
        + list(TONES + "\u0302\u0306\u031b")
        + list(INVISIBLE + ODD_SPACES)
    ),
    max_size=60,
)
any_text = st.one_of(vietnamese, st.text(max_size=60))


@given(any_text)
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(any_text)
def test_clean_line_is_idempotent(text):
    once = clean_line(text)
    assert clean_line(once) == once


@given(any_text)
def test_output_is_nfc(text):
    assert unicodedata.is_normalized("NFC", normalize_text(text))
    assert unicodedata.is_normalized("NFC", clean_line(text))


@given(any_text)
def test_output_has_no_odd_spaces_or_invisibles(text):
    for out in (normalize_text(text), clean_line(text)):
        assert not set(out) & set(INVISIBLE + "\u00a0\u2007\u202f\u2009\u200a\u3000")


@given(any_text)
def test_clean_line_is_one_trimmed_line(text):
    out = clean_line(text)
    assert out == out.strip() and "  " not in out
    assert not any(c in out for c in "\t\n\r")


@pytest.mark.parametrize("new_style, traditional", [
    ("hoà", "hòa"), ("khoẻ", "khỏe"), ("thuỷ", "thủy"), ("hoá", "hóa"), ("Hoà", "Hòa"),
    ("HOÀ", "HÒA"), ("KHOẺ", "KHỎE"), ("THUỶ", "THỦY"), ("Thuỷ lợi", "Thủy lợi"),
    ("sức khoẻ", "sức khỏe"), ("hoa\u0300", "hòa"),  # a combining tone mark moves too
])
def test_tone_moves_to_the_first_vowel(new_style, traditional):
    assert normalize_text(new_style) == traditional


@pytest.mark.parametrize("word", ["quý", "QUÝ", "Quý 3/2024", "hoàng", "HOÀNG", "hòa", "khỏe", "thủy", "toàn",
                                  "khuyến", "hoặc", "HOẶC", "hoằng", "xoắn", "hoạch"])
def test_words_already_right_stay(word):
    assert normalize_text(word) == word


def test_nfd_input_comes_out_nfc():
    assert normalize_text(unicodedata.normalize("NFD", "Kế hoạch")) == "Kế hoạch"


def test_a_pdf_fonts_look_alike_of_u_horn_is_u_horn():
    assert normalize_text("BỘ CÔNG THƢƠNG hƣớng dẫn") == "BỘ CÔNG THƯƠNG hướng dẫn"


def test_spaces_and_invisibles():
    assert normalize_text("Kế\u00a0hoạch\u00ad\u200bsố") == "Kế hoạchsố"
    assert clean_line("  Kế\u00a0hoạch\t\n số\u3000 12 ") == "Kế hoạch số 12"
    assert normalize_text("") == clean_line("") == ""


def _normalize_in_full(text: str) -> str:
    """normalize_text without its shortcuts: every step on every string."""
    from extractors.normalize import _INVISIBLE, _LOOKALIKES, _NEW_STYLE, _SPACES, _move_tone
    text = text.translate(_INVISIBLE).translate(_SPACES).translate(_LOOKALIKES)
    return unicodedata.normalize("NFC", _NEW_STYLE.sub(_move_tone, unicodedata.normalize("NFD", text)))


# Syllables around the tone-placement rule: o/u before a toned a/e/y, precomposed or not, after q
# or not, followed by a letter, a mark or nothing.
tone_cases = st.text(
    alphabet=st.sampled_from(list("qQoOuUaAeEyYhn1 _.") + list("àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴậặọ")
                             + list(TONES + "\u0302\u0306\u031b\u0340\u034f\u1dc0")),
    max_size=8,
)


@given(st.one_of(any_text, tone_cases))
def test_shortcuts_change_nothing(text):
    # normalize_text skips the steps that would leave the text as it is (see there)
    assert normalize_text(text) == _normalize_in_full(text)
    assert clean_line(text) == re.sub(r"\s+", " ", _normalize_in_full(text)).strip()


@given(st.one_of(any_text, tone_cases))
def test_fold_drops_every_mark(text):
    s = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    full = re.sub(r"\s+", " ", "".join(c for c in s if unicodedata.category(c) != "Mn").casefold()).strip()
    assert fold(text) == full
