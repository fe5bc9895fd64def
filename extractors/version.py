"""The extractor version stored on every document: the package version plus a digest of the code and
data that produce records, so a changed rule or alias table re-extracts files that were skipped before."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

_ROOTS = ("extractors", "schemas")
_SUFFIXES = {".py", ".csv", ".sql"}


@lru_cache(maxsize=None)
def extractor_version() -> str:
    base = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for root in _ROOTS:
        for path in sorted((base / root).rglob("*")):
            if path.suffix in _SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return f"{version('vnplan')}+{digest.hexdigest()[:12]}"
