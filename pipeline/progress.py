"""The progress display of a run (`vnplan ingest`, `vnplan nightly`): the step, files done of all,
an ETA, and the files being read now, each with the time it has taken so far.

RunProgress is told what happens (from the run's thread and from the threads handing files to the
worker processes) and renders it on demand; the live display (rich.live.Live on stderr) asks for it
a few times a second. A file's time starts when a worker takes it, not when it is queued."""
from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from .output import shown

SHOWN_FILES = 8  # files listed as being read; more are counted
ELLIPSIS = "…"


class RunProgress:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.lock = threading.Lock()
        self.step = "finding files"
        self.total: int | None = None  # files found
        self.done = 0  # files whose outcome is stored: unchanged, failed or extracted
        self.to_extract = 0
        self.extracted = 0
        self.extract_start: float | None = None
        self.reading: dict[str, float] = {}  # path → when a worker took it

    def found(self, files: int) -> None:
        with self.lock:
            self.step, self.total = f"hashing {files} files", files

    def extracting(self, files: int) -> None:
        with self.lock:
            self.step, self.to_extract, self.extract_start = "extracting", files, self.clock()

    def started(self, path: str) -> None:
        with self.lock:
            self.reading[path] = self.clock()

    def stored(self, path: str, extracted: bool) -> None:
        with self.lock:
            self.done += 1
            if extracted:
                self.extracted += 1
                self.reading.pop(path, None)

    def publishing(self, db: str) -> None:
        with self.lock:
            self.step, self.reading = f"publishing {os.path.basename(db)}", {}

    def eta(self) -> float | None:
        """Seconds until the last file is extracted, at the pace of the files extracted so far."""
        with self.lock:
            if self.extract_start is None or not self.extracted or self.step != "extracting":
                return None
            pace = (self.clock() - self.extract_start) / self.extracted
            return pace * (self.to_extract - self.extracted)

    def render(self, width: int = 80) -> str:
        eta = self.eta()
        with self.lock:
            now = self.clock()
            head = self.step
            if self.total is not None:
                head += f"  {self.done}/{self.total} files"
            if self.extract_start is not None and self.step == "extracting":
                head += f"  {duration(now - self.extract_start)}"
                head += f"  ETA {duration(eta)}" if eta is not None else "  ETA …"
            lines = [head]
            reading = sorted(self.reading.items(), key=lambda item: item[1])  # the longest-running first
            for path, since in reading[:SHOWN_FILES]:
                took = duration(now - since)
                lines.append(f"  {shorten_path(shown(path), max(12, width - len(took) - 4))}  {took}")
            if len(reading) > SHOWN_FILES:
                lines.append(f"  and {len(reading) - SHOWN_FILES} more")
        return "\n".join(lines)


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def shorten_path(path: str, width: int) -> str:
    """`path` in at most `width` characters, keeping the file name: the folders are cut from the left
    (…/plans/2024/name.pdf); a file name longer than `width` loses its middle, keeping its start and its
    end with the extension (ninhbinh-ke-hoach…-2016-2020.docx)."""
    if len(path) <= width:
        return path
    name = os.path.basename(path)
    if len(name) + 2 <= width:
        folders = os.path.dirname(path).split(os.sep)
        while folders and len(os.sep.join([ELLIPSIS, *folders, name])) > width:
            folders.pop(0)  # whole folder names, the outermost first
        return os.sep.join([ELLIPSIS, *folders, name])
    head = (width - 1) // 2
    return name[:head] + ELLIPSIS + name[len(name) - (width - 1 - head):]


@contextmanager
def live(progress: RunProgress, enabled: bool = True) -> Iterator[RunProgress]:
    """Show `progress` on stderr, redrawn four times a second, until the block ends (then erased). Log
    lines written to stderr meanwhile (Prefect's) are printed above it instead of through it."""
    if not enabled:
        yield progress
        return
    from rich.console import Console
    from rich.live import Live
    from rich.text import Text

    console = Console(stderr=True)
    with Live(console=console, transient=True, refresh_per_second=4,
              get_renderable=lambda: Text(progress.render(console.width), style="dim", no_wrap=True)):
        with _logs_through(console):
            yield progress


@contextmanager
def _logs_through(console) -> Iterator[None]:
    """Log handlers writing to stderr print through `console` for the time of the block: those printing with
    a rich Console of their own (Prefect's) use `console`, plain stream handlers the stderr Live redirects."""
    import logging
    import sys

    loggers = [logging.getLogger(), *(logger for logger in logging.Logger.manager.loggerDict.values()
                                      if isinstance(logger, logging.Logger))]
    handlers = {handler for logger in loggers for handler in logger.handlers}
    swapped, streams = [], []
    for handler in handlers:
        own = getattr(handler, "console", None)
        if own is not None and getattr(own, "file", None) in (sys.__stderr__, getattr(sys.stderr, "rich_proxied_file", None)):
            swapped.append((handler, own))
            handler.console = console
        elif isinstance(handler, logging.StreamHandler) and handler.stream is sys.__stderr__:
            streams.append(handler)
            handler.setStream(sys.stderr)  # Live's proxy: lines go above the display
    try:
        yield
    finally:
        for handler, own in swapped:
            handler.console = own
        for handler in streams:
            handler.setStream(sys.__stderr__)
