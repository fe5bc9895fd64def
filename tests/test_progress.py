"""The progress display of `vnplan ingest` and `vnplan nightly` (pipeline/progress.py): the files being
read now with their time so far, files done of all, an ETA; long paths keep their file name."""
from __future__ import annotations

import pytest

from conftest import sample_files
from pipeline.ingest import ProgressSteps, run_ingest
from pipeline.progress import RunProgress, duration, shorten_path


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_display_shows_the_files_being_read_now_with_their_time_the_count_and_an_eta():
    clock = FakeClock()
    progress = RunProgress(clock)
    progress.found(5)
    assert progress.render().startswith("hashing 5 files  0/5 files")
    progress.stored("plans/old.docx", extracted=False)  # unchanged: counted, never read
    progress.extracting(4)
    progress.started("plans/a.docx")
    clock.now += 2
    progress.started("plans/scan.pdf")
    clock.now += 8
    assert progress.render().splitlines() == [
        "extracting  1/5 files  0:10  ETA …",  # no file finished yet: no pace to tell
        "  plans/a.docx  0:10",
        "  plans/scan.pdf  0:08"]
    progress.stored("plans/a.docx", extracted=True)  # the finished file leaves the list at once
    progress.started("plans/b.html")
    clock.now += 5
    # 1 file extracted in 15 s, 3 to go: 45 s
    assert progress.render().splitlines() == [
        "extracting  2/5 files  0:15  ETA 0:45",
        "  plans/scan.pdf  0:13",
        "  plans/b.html  0:05"]
    progress.publishing("/srv/data/plans.duckdb")
    assert progress.render() == "publishing plans.duckdb  2/5 files"


def test_many_files_read_at_once_are_counted_beyond_the_first_ones():
    progress = RunProgress(FakeClock())
    progress.found(20)
    progress.extracting(20)
    for i in range(11):
        progress.started(f"f{i:02d}.pdf")
    lines = progress.render().splitlines()
    assert lines[1].startswith("  f00.pdf") and lines[-1] == "  and 3 more" and len(lines) == 10


@pytest.mark.parametrize("path, width, expected", [
    ("inbox/a.pdf", 40, "inbox/a.pdf"),
    ("/mnt/plans/backlog/2024/quang-ninh/ke-hoach-542.pdf", 36, "…/2024/quang-ninh/ke-hoach-542.pdf"),
    ("/mnt/plans/backlog/2024/quang-ninh/ke-hoach-542.pdf", 20, "…/ke-hoach-542.pdf"),
    ("/mnt/ke-hoach-so-542-kh-ubnd-ve-cham-soc-suc-khoe-2030.docx", 24, "ke-hoach-so…oe-2030.docx"),
])
def test_long_paths_are_cut_keeping_the_file_name(path, width, expected):
    short = shorten_path(path, width)
    assert short == expected and len(short) <= width


def test_durations_read_as_a_clock():
    assert [duration(s) for s in (0, 9.6, 61, 3600 + 62)] == ["0:00", "0:10", "1:01", "1:01:02"]


class Recording(RunProgress):
    """A RunProgress that keeps what it was told, in order (also used by tests/test_flow.py)."""

    def __init__(self):
        super().__init__()
        self.events = []

    def started(self, path):
        self.events.append(("started", path))
        super().started(path)

    def stored(self, path, extracted):
        self.events.append(("stored", path, extracted))
        super().stored(path, extracted)


@pytest.mark.parametrize("processes", [0, 2])
def test_an_ingest_tells_each_file_as_a_worker_takes_it_and_as_it_is_stored(tmp_path, processes):
    files = sample_files()[:3]
    progress = Recording()
    run_ingest(files, tmp_path / "plans.duckdb", tmp_path / "lake", steps=ProgressSteps(progress, processes))
    for path in map(str, files):
        assert progress.events.index(("started", path)) < progress.events.index(("stored", path, True))
    assert (progress.total, progress.done, progress.to_extract, progress.extracted) == (3, 3, 3, 3)
    assert progress.reading == {}

    again = Recording()  # unchanged files are counted, never read
    run_ingest(files, tmp_path / "plans.duckdb", tmp_path / "lake", steps=ProgressSteps(again, processes))
    assert [e[0] for e in again.events] == ["stored"] * 3 and again.done == 3 and again.extracted == 0


def test_log_lines_print_above_the_display_while_it_shows():
    """Prefect's console handler prints with a rich Console of its own on stderr: while the display shows,
    it prints through the display's console (above it), and a plain stderr handler through Live's stderr."""
    import logging
    import sys

    from rich.console import Console

    from pipeline.progress import _logs_through

    rich_handler, plain_handler = logging.StreamHandler(sys.__stderr__), logging.StreamHandler(sys.__stderr__)
    rich_handler.console = own = Console(file=sys.__stderr__)
    logger = logging.getLogger("vnplan.test_progress")
    logger.addHandler(rich_handler)
    logger.addHandler(plain_handler)
    shown = Console()
    try:
        with _logs_through(shown):
            assert rich_handler.console is shown and plain_handler.stream is sys.stderr
        assert rich_handler.console is own and plain_handler.stream is sys.__stderr__
    finally:
        logger.removeHandler(rich_handler)
        logger.removeHandler(plain_handler)
