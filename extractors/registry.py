"""One registry of readers, chosen by sniffing the file's content (the extension is only a hint).

Each reader module defines a class with `name`, `accepts(head, path) -> bool` and
`convert(path) -> Document`, decorated with @register. Readers are asked in registration
order, most specific first; the first that accepts the file converts it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from .errors import UnsupportedFormat
from .model import Document

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
    raise UnsupportedFormat(
        f"unsupported format (content starts with {head[:8]!r}): vnplan reads HTML, PDF, DOCX, "
        "plain text and Markdown; convert the file to one of these"
    )


def read_document(path: Path) -> Document:
    return reader_for(Path(path)).convert(Path(path))
