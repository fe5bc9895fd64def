"""Fixtures shared by several test modules."""
from __future__ import annotations

import subprocess
import sys
import tempfile
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


# Runs a command and writes the peak RSS (KiB) of the largest process of its tree to argv[1].
_MEASURE = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[2:]).returncode; "
            "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); "
            "sys.exit(code)")


def run_measured(command: list[str], **kwargs) -> tuple[subprocess.CompletedProcess, float]:
    """subprocess.run(command, capture_output=True, text=True, **kwargs), and the peak RSS in MiB of
    the largest process it started (itself or a descendant): this test process's own getrusage
    would also count every child of the earlier tests."""
    with tempfile.NamedTemporaryFile("r", suffix=".maxrss") as out:
        result = subprocess.run([sys.executable, "-c", _MEASURE, out.name, *command], capture_output=True,
                                text=True, **kwargs)
        return result, int(out.read() or 0) / 1024
