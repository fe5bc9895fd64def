"""The extractor version stored on every document: the package version plus a digest of the code and
data that produce records, so a changed rule or alias table re-extracts files that were skipped before."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

_SUFFIXES = {".py", ".csv", ".sql"}


@lru_cache(maxsize=None)
def extractor_version() -> str:
    return f"{version('vnplan')}+{code_digest('extractors', 'schemas')[:12]}"


@lru_cache(maxsize=None)
def code_digest(*roots: str) -> str:
    """sha256 of the code and data files under these top-level folders of the project."""
    base = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted((base / root).rglob("*")):
            if path.suffix in _SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
