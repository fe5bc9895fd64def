"""The one text normalizer, applied by every reader to every string it emits.

NFC, one tone-mark convention (the traditional one most government documents use: "hòa",
"khỏe", "thủy"), no non-breaking spaces, soft hyphens or zero-width characters.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONES = "\u0300\u0301\u0309\u0303\u0323"
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\u200a\u3000\t"), " ")
# A syllable ending in "oa", "oe" or "uy" with the tone on its last vowel ("hoà", "khoẻ",
# "thuỷ") is written with the tone on the first vowel instead. After "q" the "u" belongs to
# the consonant, so "quý" is left alone. Works on NFD text so the tone is a separate mark.
# The vowel must carry nothing but the tone: in "hoặc" the dot below is followed by a breve.
_END = r"(?![^\W\d_]|[\u0300-\u036f])"
_NEW_STYLE = re.compile(rf"(?<![qQ])([oO])([aAeE])([{_TONES}]){_END}|(?<![qQ])([uU])([yY])([{_TONES}]){_END}")


def _move_tone(m: re.Match) -> str:
    first, second, tone = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
    return first + tone + second


def normalize_text(text: str) -> str:
    """Normalize one string of Vietnamese text; idempotent."""
    if not text:
        return ""
    text = text.translate(_INVISIBLE).translate(_SPACES)
    text = _NEW_STYLE.sub(_move_tone, unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    """normalize_text plus whitespace folded to single spaces and trimmed: the form of block text."""
    return re.sub(r"\s+", " ", normalize_text(text)).strip()


@lru_cache(maxsize=65536)  # extractors fold the same headings and cells many times over
def fold(text: str) -> str:
    """Accent-free, case-free form for matching ("Đào tạo" -> "dao tao"); never stored as text."""
    s = unicodedata.normalize("NFD", text or "").replace("đ", "d").replace("Đ", "D")
    return re.sub(r"\s+", " ", "".join(c for c in s if unicodedata.category(c) != "Mn").casefold()).strip()
