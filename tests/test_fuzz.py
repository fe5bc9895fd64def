"""Fuzzing: mutated sample files fed to every reader and extractor must fail cleanly or succeed.

A clean failure is an ExtractionError with a message; anything else would crash a nightly run.
The number of cases is fixed (seeded), so the test is bounded and repeatable.
"""
import random
from pathlib import Path

import pytest

from extractors.errors import ExtractionError
from extractors.records import extract_records
from extractors.registry import read_document

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
SOURCES = ["nghean-542-kh-ubnd.html", "tamduong-2030.docx", "nghean-draft.pdf", "text/001_3f30aab102883e5d.txt"]
CASES = 12


def _mutations(data: bytes, rng: random.Random):
    yield "truncated", data[: rng.randrange(1, len(data))]
    for _ in range(CASES - 2):
        buf = bytearray(data)
        for _ in range(rng.randrange(1, 40)):
            pos = rng.randrange(len(buf))
            buf[pos] ^= 1 << rng.randrange(8)
        yield "bit flips", bytes(buf)
    start = rng.randrange(len(data))
    yield "chunk dropped", data[:start] + data[start + rng.randrange(1, 4096):]


@pytest.mark.parametrize("name", SOURCES)
def test_mutated_files_fail_cleanly(name, tmp_path):
    data = (SAMPLES / name).read_bytes()
    rng = random.Random(f"vnplan-fuzz-{name}")
    for i, (kind, mutated) in enumerate(_mutations(data, rng)):
        path = tmp_path / f"case{i}{Path(name).suffix}"
        path.write_bytes(mutated)
        try:
            doc = read_document(path)
            extract_records(doc, "fuzz")
        except ExtractionError as e:
            assert str(e), f"{kind} case {i}: an error without a message"
