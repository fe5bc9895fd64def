"""The share of Vietnamese-spelt words that decides whether text is typed in a legacy encoding, and the
legacy fonts that narrow the question."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.legacy_encodings import _EDGE, _LETTERS, MIN_WORDS, _vietnamese_share, could_be_legacy, legacy_font, typed_in

words = st.sampled_from(["Kế", "hoạch", "số", "KÕ", "ho¹ch", "Sè", "“Việt”", "(¸)", "Müller", "plan", "2024", "-",
                         "\u00ad", "ng\u00adêi", "Coäng", "hoøa"])
texts = st.lists(words, max_size=40).map(" ".join)


def _share_word_by_word(text: str) -> float | None:
    spelt = [w for w in (_EDGE.sub("", w) for w in text.split()) if not w.isascii()]
    if len(spelt) < MIN_WORDS:
        return None
    return sum(all(ch.isascii() or ch in _LETTERS for ch in w) for w in spelt) / len(spelt)


@given(texts)
def test_share_counts_every_occurrence_of_a_word(text):
    # _vietnamese_share judges each distinct word once, weighed by how often it occurs
    assert _vietnamese_share(text) == _share_word_by_word(text)


@pytest.mark.parametrize("name, font", [
    (".VnTime", ("tcvn3", False)), (".VnTimeH", ("tcvn3", True)), (".VnArial NarrowH", ("tcvn3", True)),
    (".VnCentury Schoolbook", ("tcvn3", False)), ("VNI-Times", ("vni", False)), ("VNI-Helve-Condense", ("vni", False)),
    ("Times New Roman", None), ("Arial", None), ("", None), (None, None),
])
def test_legacy_fonts_by_name(name, font):
    assert legacy_font(name) == font


@pytest.mark.parametrize("text, encoding, typed", [
    ("Caùc ñôn vò", "vni", True),          # "Các đơn vị": two of three words look Vietnamese as they are
    ("Gi¸m ®èc", "tcvn3", True),
    ("ho¹ch", "tcvn3", True),              # one word is enough when the font has told the encoding
    ("kÕ", "tcvn3", False),                # but not one that is spelt in Vietnamese letters as it is ("kõ")
    ("Các đơn vị", "vni", False),          # Unicode in a legacy font
    ("Hà Giang", "tcvn3", False),
    ("2025 - KH/UBND", "tcvn3", False),    # nothing to judge
])
def test_text_in_a_legacy_font(text, encoding, typed):
    assert typed_in(text, encoding) is typed


def test_letters_beyond_latin1_mean_unicode():
    assert could_be_legacy("Sè: 12/KH-UBND ngµy 05")
    assert not could_be_legacy("Số: 12/KH-UBND")
    assert not could_be_legacy(unicodedata.normalize("NFD", "Hà Nội"))  # combining tone marks
    assert could_be_legacy("“Tæng hîp” – 15%")  # Word's quotes and dashes are not letters
