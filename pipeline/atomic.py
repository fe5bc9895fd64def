"""Durable replacement of a file: a reader sees the old complete file or the new complete file.

A file is written under a temporary name in its target's directory (os.replace is only atomic
within one file system), fsynced, renamed onto the target, and the directory fsynced so the
rename itself survives a power cut.
"""
from __future__ import annotations

import os
from pathlib import Path


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_durably(tmp: Path, target: Path) -> None:
    """Move a fully written temporary file onto target."""
    fsync_file(tmp)
    os.replace(tmp, target)
    fsync_dir(target.parent)


def write_bytes_atomically(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        replace_durably(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """Whether a process still runs, to tell a leftover of a killed run from work in progress."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
