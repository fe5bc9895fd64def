"""Temporary folders of a file's conversion (LibreOffice turning a .doc into a .docx), kept where
the next run finds what a killed one left.

A worker killed at its time limit (or dead) never runs its `finally`, so its folder (a LibreOffice
profile, tens of MB) would stay in the system's temporary folder for good. Each folder is made in
`<tmp>/vnplan-<uid>/` and named after the process that made it (`doc-<pid>-<random>`): a folder
whose process no longer runs is a leftover, for the ingest to remove (scratch_folders lists them all).
"""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterator


def root() -> Path:
    return Path(tempfile.gettempdir()) / f"vnplan-{os.getuid()}"


@contextlib.contextmanager
def scratch_dir(kind: str) -> Iterator[Path]:
    """A new empty folder for one conversion, removed when done (or, if this process is killed, by
    the next run)."""
    base = root()
    with contextlib.suppress(FileExistsError):
        base.mkdir(mode=0o700)
    info = base.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():  # another user's, or a planted link
        base = Path(tempfile.gettempdir())
    with tempfile.TemporaryDirectory(prefix=f"{kind}-{os.getpid()}-", dir=base) as folder:
        yield Path(folder)


def scratch_folders() -> Iterator[tuple[int, Path]]:
    """Every scratch folder, with the pid of the process that made it."""
    base = root()
    if not base.is_dir() or base.is_symlink():
        return
    for folder in base.iterdir():
        parts = folder.name.split("-")
        if len(parts) == 3 and parts[1].isdigit() and folder.is_dir() and not folder.is_symlink():
            yield int(parts[1]), folder
