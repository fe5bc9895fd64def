"""One registry of readers, chosen by sniffing the file's content (the extension is only a hint).

Each reader module defines a class with `name`, `accepts(head, path) -> bool` and
`convert(path) -> Document`, decorated with @register. Readers are asked in registration
order, most specific first; the first that accepts the file converts it.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from .encoding import foreign_encoding, not_vietnamese
from .errors import LimitExceeded, NotVietnamese, UnsupportedFormat
from .model import Document
from .settings import env_int

SNIFF_BYTES = 8192


class Reader(Protocol):
    name: str

    def accepts(self, head: bytes, path: Path) -> bool: ...

    def convert(self, path: Path) -> Document: ...


_READERS: list[Reader] = []


def register(cls):
    _READERS.append(cls())
    return cls


def readers() -> list[Reader]:
    from . import readers as _  # noqa: F401  (importing the package registers every reader)

    return list(_READERS)


def reader_for(path: Path) -> Reader:
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
    if not head:
        raise UnsupportedFormat("empty file (0 bytes): nothing to read; re-download or remove it")
    for reader in readers():
        if reader.accepts(head, path):
            return reader
    if language := foreign_encoding(head):
        raise not_vietnamese(language)
    raise UnsupportedFormat(
        f"unsupported format (content starts with {head[:8]!r}): vnplan reads HTML, PDF (with a text layer "
        "or scanned), DOCX, Word 97-2003 .doc, PNG, JPEG and TIFF images, plain text and Markdown; convert the "
        "file to one of these"
    )


# Limits on what one file may be; a file over them fails with LimitExceeded, the run goes on.
MAX_FILE_BYTES = env_int("VNPLAN_MAX_FILE_MB", 200) * 2**20
MAX_CHARS = env_int("VNPLAN_MAX_CHARS", 20_000_000)
_VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)
# Vietnamese prose has one letter in five or so with a diacritic; an English file quoting "Hà Nội" has a handful.
MIN_VIETNAMESE_SHARE = 0.03


def read_document(path: Path, reader: Reader | None = None) -> Document:
    """The file as a Document, through the given reader or the one its content calls for."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise LimitExceeded(f"file is {size // 2**20} MB, over the {MAX_FILE_BYTES // 2**20} MB limit "
                            "(VNPLAN_MAX_FILE_MB); split it or raise the limit")
    doc = (reader or reader_for(path)).convert(path)
    check_content(doc)
    return doc


def check_content(doc: Document) -> None:
    """A document must hold Vietnamese text, and not more than a plan could."""
    text = doc.text()
    if len(text) > MAX_CHARS:
        raise LimitExceeded(f"the document has {len(text):,} characters, over the {MAX_CHARS:,} limit "
                            "(VNPLAN_MAX_CHARS); split it or raise the limit")
    marked = len(_VIETNAMESE.findall(text))
    if marked >= 3 and marked >= MIN_VIETNAMESE_SHARE * len(text):
        return  # enough marked letters even if every character were a letter: no need to count them
    letters = sum(c.isalpha() for c in text)
    if marked < 3 or marked < MIN_VIETNAMESE_SHARE * letters:
        what = "no text at all" if not text.strip() else "no Vietnamese text"
        raise NotVietnamese(f"{what} found in the {doc.source_format} document: vnplan reads Vietnamese plans; "
                            "check that this is the right file (a scan needs a page image, not an empty page)")
