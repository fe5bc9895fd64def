"""Vietnamese typed in the legacy encodings TCVN3 (ABC, .VnTime fonts) and VNI (VNI-Times fonts),
recognised from the text itself and converted to Unicode.

Those fonts drew Vietnamese letters in place of Latin-1 characters, and DOCX files, PDF text
layers and text files keep the characters: "KÕ ho¹ch" (TCVN3) and "Keá hoaïch" (VNI) are
"Kế hoạch". A font name alone proves nothing, since many Unicode files still set their text in
.VnTime (converters change the text, not the fonts); the text does. A legacy font narrows the
question to its own encoding and to its runs (legacy_font), and the text still decides. An
encoding changes only the words that hold non-ASCII characters, and in legacy text most of
those are spelt with characters no Vietnamese word has (¸, µ, ®, ä, ø). Each conversion is
scored by the share of such words spelt with Vietnamese letters alone, and the text is
converted when one conversion reads as Vietnamese and the text as it is does not.

TCVN3 has no capitals with tone marks: text set in a capitals font (.VnTimeH) uses the
lower-case codes, drawn as capitals, and often typed in small letters too. Text known to be
in such a font is put in capitals; elsewhere, words whose ASCII letters are all capitals, and
lines of them, are put in capitals once converted.

Tables: data/legacy_tcvn3.csv maps the Latin-1 characters 0xA1-0xFF as glibc's iconv maps
TCVN 5712:1993; data/legacy_vni.csv maps VNI's letter-and-mark sequences ("eä" is "ệ");
data/legacy_fonts.csv names the fonts of each encoding (.VnTime, .VnTimeH, VNI-Times, ...).

Call it on raw text, before normalize_text: that drops U+00AD, TCVN3's "ư".
"""
from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from importlib import resources

TCVN3, VNI = "tcvn3", "vni"
# Legacy text is judged by at least this many words with non-ASCII characters: a single
# foreign name ("Müller") must not convert a paragraph.
MIN_WORDS = 3
MIN_SHARE = 0.9  # of those words reading as Vietnamese once converted
MIN_GAIN = 0.2  # over the text as it is

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
_LETTERS = frozenset(unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES) | {"đ"}
_LETTERS |= frozenset(ch.upper() for ch in _LETTERS)
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
# Legacy text is typed in Latin-1 characters: a letter beyond them (ư, ạ, ế, đ), or a combining
# tone mark, is Unicode.
_BEYOND_LATIN1 = re.compile(r"[^\W\d_\x00-\xff]|[\u0300-\u036f]")


def fix_legacy(text: str) -> str:
    """The text in Unicode: converted if it is typed in TCVN3 or VNI, else as it is."""
    return to_unicode(text, legacy_encoding(text))


def legacy_encoding(text: str) -> str | None:
    """TCVN3 or VNI if the text is typed in that encoding, else None. Judge as much text as
    there is (a whole document or page): a line has too few words to tell."""
    before = _vietnamese_share(text)
    if before is None or before >= MIN_SHARE:
        return None
    share, encoding = max((_vietnamese_share(to_unicode(text, e)) or 0.0, e) for e in (TCVN3, VNI))
    return encoding if share >= MIN_SHARE and share - before >= MIN_GAIN else None


def typed_in(text: str, encoding: str) -> bool:
    """Whether text set in a font of the encoding is typed in it. The font has already told which
    encoding it would be: a word is enough to judge, and any gain. VNI spells many words with
    letters Vietnamese has ("Caùc" is "Các"), so its text may read as nearly Vietnamese as it is."""
    before = _vietnamese_share(text, min_words=1)
    if before is None or before >= MIN_SHARE:
        return False
    share = _vietnamese_share(to_unicode(text, encoding), min_words=1) or 0.0
    return share >= MIN_SHARE and share > before


def could_be_legacy(text: str) -> bool:
    """Whether the text could be typed in a legacy encoding: it has no letter beyond Latin-1."""
    return _BEYOND_LATIN1.search(text) is None


@lru_cache(maxsize=None)
def legacy_font(name: str | None) -> tuple[str, bool] | None:
    """(encoding, capitals) of a legacy font by its name: (TCVN3, True) for .VnTimeH, whose
    small letters are drawn as capitals; None for any other font."""
    for row in _rows("legacy_fonts"):
        if name and name.casefold().startswith(row["prefix"].casefold()):
            suffix = row["capitals_suffix"]
            return row["encoding"], bool(suffix) and name.rstrip().endswith(suffix)
    return None


def to_unicode(text: str, encoding: str | None, capitals: bool = False) -> str:
    """The text converted from the encoding (None: as it is); capitals=True for text set in a
    capitals font."""
    if capitals and encoding:
        return to_unicode(text, encoding).upper()
    if encoding == TCVN3:
        return "\n".join(_tcvn3_line(line) for line in text.split("\n"))
    if encoding == VNI:
        pattern, letters = _vni()
        return pattern.sub(lambda m: letters[m.group()], text)
    return text


def _vietnamese_share(text: str, min_words: int = MIN_WORDS) -> float | None:
    """Share of the words holding non-ASCII characters that are spelt with Vietnamese letters
    only; None when there are too few such words to judge."""
    # A document repeats its words: judge each distinct word once and weigh it by its count.
    # An ASCII word stays ASCII once its edges are stripped, so it is left out before counting.
    total = vietnamese = 0
    for word, count in Counter(w for w in text.split() if not w.isascii()).items():
        word = _EDGE.sub("", word)
        if word.isascii():
            continue
        total += count
        if all(ch.isascii() or ch in _LETTERS for ch in word):
            vietnamese += count
    if total < min_words:
        return None
    return vietnamese / total


def _tcvn3_line(line: str) -> str:
    """A line converted, put in capitals where it was set in a capitals font: a word whose
    ASCII letters (two or more) are all capitals, or the whole line when it has such a word and
    no small ASCII letter ("ñY BAN" is "ỦY BAN", while in "Sè: /KH-UBND" no word tells)."""
    words = line.split(" ")
    capitals = [_in_capitals(w) and w != w.translate(_tcvn3()) for w in words]
    whole = any(capitals) and not any(ch.isascii() and ch.islower() for ch in line)
    return " ".join(w.translate(_tcvn3()).upper() if whole or up else w.translate(_tcvn3())
                    for w, up in zip(words, capitals))


def _in_capitals(word: str) -> bool:
    letters = [ch for ch in word if ch.isascii() and ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _rows(name: str) -> list[dict[str, str]]:
    # Read as written, not through domain.table: normalizing would move the tone of VNI's
    # "oá" (ố) onto the o, as it does for "hoá".
    with resources.files("extractors.data").joinpath(f"{name}.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=None)
def _tcvn3() -> dict[int, str]:
    return {int(row["code"], 16): row["letter"] for row in _rows("legacy_tcvn3")}


@lru_cache(maxsize=None)
def _vni() -> tuple[re.Pattern, dict[str, str]]:
    letters = {row["sequence"]: row["letter"] for row in _rows("legacy_vni")}
    # a letter and its mark before the letter alone: "ôù" is "ớ", "ô" alone "ơ"
    pattern = re.compile("|".join(map(re.escape, sorted(letters, key=len, reverse=True))))
    return pattern, letters
