"""Choosing a reader by content (extractors/registry.py): what a file no reader accepts is told."""
from __future__ import annotations

import pytest

from extractors.errors import UnsupportedFormat
from extractors.registry import reader_for, readers


def test_an_unsupported_file_is_told_every_format_vnplan_reads(tmp_path):
    path = tmp_path / "random.bin"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnsupportedFormat) as refused:
        reader_for(path)
    message = str(refused.value)
    assert message.startswith("unsupported format (content starts with b'\\x00\\x01")
    # one name per reader: a format added without being named here fails
    named = {"html": "HTML", "pdf": "PDF", "docx": "DOCX", "doc": ".doc", "image": "PNG, JPEG and TIFF images",
             "text": "plain text and Markdown"}
    assert sorted(r.name for r in readers()) == sorted(named)
    for reader, words in named.items():
        assert words in message, reader
