"""Fixtures shared by several test modules."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


@dataclass(frozen=True)
class SampleDb:
    db: Path
    lake: Path


def sample_files() -> list[Path]:
    """The samples that read without OCR: HTML, DOCX and the plain-text copies."""
    return sorted([*SAMPLES.glob("*.html"), *SAMPLES.glob("*.docx"), *(SAMPLES / "text").glob("*.txt")])


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> SampleDb:
    """The samples ingested and published once per test session; open the file read-only."""
    from pipeline.ingest import ingest

    root = tmp_path_factory.mktemp("sample_db")
    result = ingest(sample_files(), root / "plans.duckdb", root / "lake", progress=False)
    assert not result.failed, result.failures
    return SampleDb(root / "plans.duckdb", root / "lake")
