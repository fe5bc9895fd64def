"""Bytes to text, for every reader that meets text without a declared encoding.

Vietnamese text files come as UTF-8 (with or without a BOM), as UTF-16 from Windows tools, or
as Windows-1258, the Vietnamese code page, which writes most tone marks as combining
characters. Strict UTF-8 is tried first and Windows-1258 only when it fails: almost any byte
string decodes as a single-byte code page, so that success proves nothing. The result is NFC,
whatever form the source used.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from .errors import CorruptFile
from .legacy_encodings import fix_legacy, legacy_encoding

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


def decode_text(data: bytes) -> str:
    """The text of a whole file, in NFC and in Unicode even when typed in TCVN3 or VNI.
    Raises CorruptFile for data that is not text."""
    encoding, text = _decode(data, final=True)
    text = _checked(text)
    if text.isascii():
        return text
    if encoding == "cp1258":
        # Legacy font encodings are byte-for-glyph: read the bytes as Latin-1, not through the
        # code page whose combining marks would merge their letters.
        raw = data.decode("latin-1")
        if legacy_encoding(raw):
            return unicodedata.normalize("NFC", fix_legacy(raw))
    return unicodedata.normalize("NFC", fix_legacy(text))


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
