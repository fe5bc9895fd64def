"""The one text normalizer, applied by every reader to every string it emits.

NFC, one tone-mark convention (the traditional one most government documents use: "hòa",
"khỏe", "thủy"), no non-breaking spaces, soft hyphens or zero-width characters, and "ư" where a
PDF font gave the look-alike "ƣ".
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONES = "\u0300\u0301\u0309\u0303\u0323"
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u3000\t"), " ")
# Letters Vietnamese never uses that some PDF fonts map its letters to: "ƣ" (Latin oi) for "ư"
# ("THƢƠNG", "hƣớng dẫn").
_LOOKALIKES = {ord("ƣ"): "ư", ord("Ƣ"): "Ư"}
# A syllable ending in "oa", "oe" or "uy" with the tone on its last vowel ("hoà", "khoẻ",
# "thuỷ") is written with the tone on the first vowel instead. After "q" the "u" belongs to
# the consonant, so "quý" is left alone. Works on NFD text so the tone is a separate mark.
# The vowel must carry nothing but the tone: in "hoặc" the dot below is followed by a breve.
_END = r"(?![^\W\d_]|[\u0300-\u036f])"
_NEW_STYLE = re.compile(rf"(?<![qQ])([oO])([aAeE])([{_TONES}]){_END}|(?<![qQ])([uU])([yY])([{_TONES}]){_END}")
# _NEW_STYLE as it shows in NFC text: the vowel and its tone are one precomposed letter ("oà",
# "uỷ"). NFC text without a match has nothing for _NEW_STYLE to move once decomposed.
_NEW_STYLE_NFC = re.compile("(?<![qQ])[oO][{}]{end}|(?<![qQ])[uU][{}]{end}".format(
    *("".join(unicodedata.normalize("NFC", v + t) for v in vowels for t in _TONES) for vowels in ("aAeE", "yY")),
    end=_END))
# The Combining Diacritical Marks block, all of it marks (Mn).
_DIACRITICS = re.compile("[\u0300-\u036f]")
# Any character normalize_text translates away.
_TRANSLATED = re.compile("[{}]".format(re.escape("".join(map(chr, {**_INVISIBLE, **_SPACES, **_LOOKALIKES})))))


def _move_tone(m: re.Match) -> str:
    first, second, tone = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
    return first + tone + second


def normalize_text(text: str) -> str:
    """Normalize one string of Vietnamese text; idempotent."""
    if not text:
        return ""
    # Readers call this on every string they emit: skip the steps that would change nothing
    # (translating is slow per character, the NFD round trip more so), most text being NFC
    # already and in the traditional tone style.
    if _TRANSLATED.search(text):
        text = text.translate(_INVISIBLE).translate(_SPACES).translate(_LOOKALIKES)
    if unicodedata.is_normalized("NFC", text) and not _NEW_STYLE_NFC.search(text):
        return text
    text = _NEW_STYLE.sub(_move_tone, unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    """normalize_text plus whitespace folded to single spaces and trimmed: the form of block text."""
    # split() and the regex's \s agree on what whitespace is: the same as sub(r"\s+", " ").strip()
    return " ".join(normalize_text(text).split())


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _unmarked(m: re.Match) -> str:
    return "" if unicodedata.category(m.group()) == "Mn" else m.group()


@lru_cache(maxsize=65536)  # extractors fold the same headings and cells many times over
def fold(text: str) -> str:
    """Accent-free, case-free form for matching ("Đào tạo" -> "dao tao"); never stored as text."""
    s = unicodedata.normalize("NFD", text or "").replace("đ", "d").replace("Đ", "D")
    # Drop the marks (Mn). Vietnamese ones all stand in the Combining Diacritical Marks block, which
    # a regex drops quickly; a character-by-character look is needed only where others may be left.
    s = _DIACRITICS.sub("", s)
    if not s.isascii():  # look only at what is left outside ASCII (quotes, dashes, other scripts' marks)
        s = _NON_ASCII.sub(_unmarked, s)
    return " ".join(s.casefold().split())


_NON_WORD = re.compile(r"\W+")


@lru_cache(maxsize=65536)  # record extractors key every word of every cell, often several times over
def word_key(word: str) -> str:
    """fold() of one word without its punctuation: "(Sở" -> "so", for matching words of a vocabulary."""
    return _NON_WORD.sub("", fold(word))
