"""Bytes to text, for every reader that meets text without a declared encoding.

Vietnamese text files come as UTF-8 (with or without a BOM), as UTF-16 from Windows tools, or
as Windows-1258, the Vietnamese code page, which writes most tone marks as combining
characters. Strict UTF-8 is tried first and Windows-1258 only when it fails: almost any byte
string decodes as a single-byte code page, so that success proves nothing. The result is NFC,
whatever form the source used.

That is also why a text in an East Asian encoding (Shift-JIS, GBK, EUC-KR, ...) was read as a
page of Vietnamese-looking letters, or, where even Windows-1258 fails, refused as an "unsupported
format". When such a reading has few Vietnamese syllables and the bytes read cleanly in one of
the encodings of data/foreign_encodings.csv, the file is refused saying what it is.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from .domain import table
from .errors import CorruptFile, NotVietnamese
from .legacy_encodings import fix_legacy, legacy_encoding
from .ocr_words import syllables

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_FALLBACKS = ("utf-8", "cp1258")
# UTF-16 without a BOM shows as NUL bytes on one side of the byte pairs only: spaces, digits
# and unaccented letters, most of any Vietnamese text, have a zero high byte.
_UTF16_SAMPLE_BYTES = 4096
_UTF16_MIN_NUL_SHARE = 0.3
_UTF16_MAX_OTHER_SIDE = 0.1  # NFD text puts a few tone marks (U+0300, U+0301) on the other side
# Control characters other than tab, newline, carriage return, vertical tab and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Text may carry a stray control character; binary data has about one byte in eight.
_MAX_CONTROL_SHARE = 0.05
# A foreign encoding is named when the bytes decode in it strictly and nearly all of the non-ASCII
# characters are of its scripts, judged on the first bytes of the file.
_FOREIGN_SAMPLE_BYTES = 1 << 16
_FOREIGN_MIN_CHARS = 8
_FOREIGN_MIN_SCRIPT_SHARE = 0.9
# A reading through Windows-1258 (or TCVN3, VNI) is Vietnamese when most of its words with marks are syllables.
_MIN_SYLLABLE_SHARE = 0.5
_MIN_MARKED_WORDS = 5
_WORD = re.compile(r"[^\W\d_]+")


def decode_text(data: bytes) -> str:
    """The text of a whole file, in NFC and in Unicode even when typed in TCVN3 or VNI.
    Raises CorruptFile for data that is not text."""
    encoding, text = _decode(data, final=True)
    text = _checked(text)
    if text.isascii():
        return text
    if encoding != "cp1258":
        return unicodedata.normalize("NFC", fix_legacy(text))
    # Legacy font encodings are byte-for-glyph: read the bytes as Latin-1, not through the
    # code page whose combining marks would merge their letters.
    raw = data.decode("latin-1")
    text = unicodedata.normalize("NFC", fix_legacy(raw if legacy_encoding(raw) else text))
    share = _syllable_share(text)
    if share is not None and share < _MIN_SYLLABLE_SHARE and (language := foreign_encoding(data)):
        raise not_vietnamese(language)
    return text


def foreign_encoding(data: bytes) -> str | None:
    """The language and encoding of data/foreign_encodings.csv the bytes read cleanly in ("Japanese
    (Shift-JIS)"), or None. A reading that shows its language's own script (kana, hangul) is
    preferred to one that does not (the ideographs Chinese shares with both)."""
    sample = data[:_FOREIGN_SAMPLE_BYTES]
    distinct, plain = [], []
    for row in table("foreign_encodings"):
        try:
            text = _checked(codecs.getincrementaldecoder(row["codec"])().decode(sample))  # a cut last character is left
        except (UnicodeDecodeError, CorruptFile):
            continue
        wide = [unicodedata.name(c, "") for c in text if not c.isascii() and not c.isspace()]
        if len(wide) < _FOREIGN_MIN_CHARS:
            continue
        if sum(n.startswith(tuple(row["scripts"].split(";"))) for n in wide) < _FOREIGN_MIN_SCRIPT_SHARE * len(wide):
            continue
        reading = f"{row['language']} ({row['label']})"
        if not row["distinctive"]:
            plain.append(reading)
        elif sum(n.startswith(tuple(row["distinctive"].split(";"))) for n in wide) >= float(row["distinctive_share"]) * len(wide):
            distinct.append(reading)
    return " or ".join(distinct or plain) or None


def not_vietnamese(language: str) -> NotVietnamese:
    return NotVietnamese(f"text is not Vietnamese: it reads as {language}; vnplan reads Vietnamese text in UTF-8, "
                         "UTF-16, Windows-1258, TCVN3 or VNI: check that this is the right file")


def _syllable_share(text: str) -> float | None:
    """Share of the words with non-ASCII letters that are Vietnamese syllables; None when too few."""
    marked = [w.lower() for w in _WORD.findall(text) if not w.isascii()]
    if len(marked) < _MIN_MARKED_WORDS:
        return None
    known = syllables()
    return sum(w in known for w in marked) / len(marked)


def is_text(head: bytes) -> bool:
    """Whether the first bytes of a file, perhaps cut inside a character, decode as text."""
    try:
        _checked(_decode(head, final=False)[1])
    except CorruptFile:
        return False
    return True


def _decode(data: bytes, *, final: bool) -> tuple[str, str]:
    stated = _bom_encoding(data) or _bomless_utf16(data)
    candidates = (stated,) if stated else _FALLBACKS
    for encoding in candidates:
        try:
            # The incremental decoder leaves a character cut at the end of a sniffed head alone.
            return encoding, codecs.getincrementaldecoder(encoding)().decode(data, final=final)
        except UnicodeDecodeError:
            continue
    raise CorruptFile(
        f"cannot decode the file as {' or '.join(candidates)}: it is not text, or in an encoding "
        "vnplan does not read; save it as UTF-8"
    )


def _bom_encoding(data: bytes) -> str | None:
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)


def _bomless_utf16(data: bytes) -> str | None:
    sample = data[:_UTF16_SAMPLE_BYTES]
    sample = sample[: len(sample) // 2 * 2]
    pairs = len(sample) // 2
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    for nuls, other, encoding in ((odd_nuls, even_nuls, "utf-16-le"), (even_nuls, odd_nuls, "utf-16-be")):
        if pairs and nuls >= pairs * _UTF16_MIN_NUL_SHARE and other <= nuls * _UTF16_MAX_OTHER_SIDE:
            return encoding
    return None


def _checked(text: str) -> str:
    controls = len(_CONTROL.findall(text))
    if controls > len(text) * _MAX_CONTROL_SHARE:
        raise CorruptFile(
            f"binary data, not text: {controls} of {len(text)} characters are control bytes; "
            "check that the file is really a text file and not damaged"
        )
    return unicodedata.normalize("NFC", text)
