"""Which files an ingest reads: the paths given, folders expanded recursively."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator


class InputNotFound(Exception):
    """A path given to the ingest that is neither a file nor a folder."""


def discover(paths: Iterable[Path | str], exclude: Iterable[Path | str] = ()) -> list[Path]:
    """Regular files under the given paths, each once, in a stable order.

    Inside folders, hidden files and folders are skipped, symlinked folders are not entered, and a
    symlinked file is read only when it points inside the folder (a link never pulls in outside
    files). A path under an excluded path, or a companion of one (`plans.duckdb.wal`,
    `plans.duckdb.tmp-123`), is skipped: the lake and the DuckDB file are never ingested.
    """
    excluded = [os.path.realpath(p) for p in exclude]
    candidates: list[Path] = []
    for given in map(Path, paths):
        if given.is_dir():
            candidates.extend(_walk(given))
        elif given.is_file():
            candidates.append(given)
        elif os.path.lexists(given):
            raise InputNotFound(f"{given}: not a regular file or folder")
        else:
            raise InputNotFound(f"{given}: no such file or folder")
    # A file reached both directly and through a link is read once, under its own name.
    candidates.sort(key=Path.is_symlink)
    seen: set[str] = set()
    found: list[Path] = []
    for path in candidates:
        real = os.path.realpath(path)
        if real not in seen and not any(_inside(e, real) or real.startswith(e + ".") for e in excluded):
            seen.add(real)
            found.append(path)
    return found


def _walk(root: Path) -> Iterator[Path]:
    real_root = os.path.realpath(root)
    for folder, dirs, files in os.walk(root):  # followlinks=False: a symlinked folder is listed, never entered
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(folder, name)
            if name.startswith(".") or (path.is_symlink() and not _inside(real_root, os.path.realpath(path))):
                continue
            if path.is_file():  # only regular files: reading a FIFO or device would block or never end
                yield path


def _inside(base: str, real: str) -> bool:
    return real == base or real.startswith(base + os.sep)
