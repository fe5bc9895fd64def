"""The share of Vietnamese-spelt words that decides whether text is typed in a legacy encoding."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from extractors.legacy_encodings import _EDGE, _LETTERS, MIN_WORDS, _vietnamese_share

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
