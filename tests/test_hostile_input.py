"""A folder of broken and hostile files beside one good plan, through the real `vnplan ingest`.

The run must go on: exit 1 (some failed), the good plan published, one failed ingest_log row per
broken file with an error that says what is wrong, bounded time and memory.
"""
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from conftest import run_measured
from test_reader_pdf import hand_made_pdf

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
VNPLAN = Path(sys.executable).parent / "vnplan"

# file name -> words its error must contain
BROKEN = {
    "empty.txt": "empty file",
    "truncated.pdf": "pdf",
    "locked.pdf": "password-protected",
    "not-a-zip.docx": "zip",
    "no-document-part.docx": "word/document.xml",
    "bomb.docx": "zip bomb",
    "english.txt": "no vietnamese text",
    "random.bin": "unsupported format",
}


def _write_broken(inbox: Path) -> None:
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "truncated.pdf").write_bytes((SAMPLES / "nghean-draft.pdf").read_bytes()[:5000])
    (inbox / "locked.pdf").write_bytes(hand_made_pdf(encrypt=True))
    (inbox / "not-a-zip.docx").write_bytes(b"PK\x03\x04 this is not really a zip archive" * 10)
    with zipfile.ZipFile(inbox / "no-document-part.docx", "w") as z:
        z.writestr("word/styles.xml", "<styles/>")
    with zipfile.ZipFile(inbox / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document/>")
        z.writestr("word/media/padding.bin", b"\0" * (64 * 2**20))  # 64 MB of zeros, ~64 KB packed
    (inbox / "english.txt").write_text("Minutes of the meeting.\nThe budget was approved in Ha Noi.\n")
    (inbox / "random.bin").write_bytes(bytes(range(256)) * 64)


def test_broken_files_fail_one_by_one_and_the_good_plan_publishes(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _write_broken(inbox)
    # A DOCX named .pdf is read for what it is.
    (inbox / "plan-misnamed.pdf").write_bytes((SAMPLES / "tamduong-2030.docx").read_bytes())
    db = tmp_path / "plans.duckdb"
    started = time.monotonic()
    run, peak_mib = run_measured([str(VNPLAN), "ingest", str(inbox), "--db", str(db), "--lake", str(tmp_path / "lake"),
                                  "--quiet"], timeout=300)
    elapsed = time.monotonic() - started
    assert run.returncode == 1, run.stderr
    assert elapsed < 120
    assert peak_mib < 1024
    with duckdb.connect(str(db), read_only=True) as con:
        docs = con.execute("select source_path, source_format, issuer from documents").fetchall()
        log = dict(con.execute("select source_path, coalesce(error, '') from ingest_log where status = 'failed'").fetchall())
    assert [(Path(p).name, f, i) for p, f, i in docs] == [("plan-misnamed.pdf", "docx", "Ủy ban nhân dân huyện Tam Đường")]
    assert {Path(p).name for p in log} == set(BROKEN)
    for path, error in log.items():
        assert BROKEN[Path(path).name] in error.lower(), (path, error)


def test_zip_bomb_is_refused_without_inflating(tmp_path):
    from extractors.errors import LimitExceeded
    from extractors.registry import read_document

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document/>")
        with z.open("word/media/padding.bin", "w", force_zip64=True) as part:
            for _ in range(150):  # written in chunks, so this process never holds it whole
                part.write(b"\0" * 2**20)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        read_document(bomb)
        raise AssertionError("the zip bomb was read")
    except LimitExceeded as e:
        assert "zip bomb" in str(e)
    # Inflating would have taken 150 MB; refusing from the directory takes almost nothing.
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 64


def test_an_image_bomb_is_refused_before_decoding(tmp_path):
    from PIL import Image

    from extractors.errors import LimitExceeded
    from extractors.registry import read_document

    bomb = tmp_path / "scan.png"
    Image.new("1", (20_000, 10_000), 1).save(bomb)  # 200 million pixels in 30 KB
    with pytest.raises(LimitExceeded, match="decompression bomb"):
        read_document(bomb)


def test_a_huge_page_is_rendered_for_ocr_within_the_pixel_budget(tmp_path):
    from extractors import ocr

    poster = tmp_path / "poster.pdf"
    poster.write_bytes(hand_made_pdf(encrypt=False, size=(14_400, 14_400)))  # 200 × 200 inches, PDF's largest
    image, dpi = ocr._render(str(poster), 1)
    assert image.width * image.height <= ocr.MAX_PAGE_PIXELS and image.width == image.height
    assert dpi == pytest.approx(image.width / 200, rel=0.01) and dpi < 32  # instead of 60,000² pixels at 300 dpi


# A name as an archive made on Windows leaves it: "Kế hoạch" in TCVN3 bytes, not valid UTF-8.
WINDOWS_NAME = b"K\xd5 ho\xb9ch 2030"


def test_a_file_name_that_is_not_utf8_is_ingested_and_kept_exactly(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "tamduong-2030.docx").write_bytes((SAMPLES / "tamduong-2030.docx").read_bytes())
    plan_text = sorted((SAMPLES / "text").glob("*.txt"))[0].read_bytes()
    odd = os.fsencode(inbox) + b"/" + WINDOWS_NAME + b".txt"
    empty = os.fsencode(inbox) + b"/" + WINDOWS_NAME + b" (empty).txt"
    with open(odd, "wb") as f:
        f.write(plan_text)
    open(empty, "wb").close()
    db, lake = tmp_path / "plans.duckdb", tmp_path / "lake"
    command = [str(VNPLAN), "ingest", str(inbox), "--db", str(db), "--lake", str(lake)]
    wide = {**os.environ, "COLUMNS": "400"}  # the summary table's rows unfolded
    run = subprocess.run(command, capture_output=True, timeout=300, env=wide)
    assert run.returncode == 1, run.stderr.decode(errors="replace")
    assert b"Traceback" not in run.stderr
    shown = WINDOWS_NAME.decode("utf-8", "replace")  # each undecodable byte as U+FFFD
    assert f"{shown} (empty).txt" in run.stdout.decode()  # the summary's failed file, readable
    with duckdb.connect(str(db), read_only=True) as con:
        docs = con.execute("SELECT source_path, source_path_bytes FROM documents ORDER BY source_path").fetchall()
        log = con.execute("SELECT source_path, source_path_bytes, status, error FROM ingest_log "
                          "ORDER BY source_path").fetchall()
    assert docs == [(f"{inbox}/{shown}.txt", odd), (f"{inbox}/tamduong-2030.docx", None)]
    assert {Path(p).name: (raw, status) for p, raw, status, _ in log} == {
        f"{shown}.txt": (odd, "ok"), f"{shown} (empty).txt": (empty, "failed"), "tamduong-2030.docx": (None, "ok")}
    assert "empty file" in log[0][3]

    # The exact name is what the next run compares: changed bytes under it replace its document.
    with open(odd, "wb") as f:
        f.write(plan_text.replace(b"2030", b"2031", 1))
    run = subprocess.run(command + ["--quiet"], capture_output=True, timeout=300)
    assert run.returncode == 1 and f"failed: {inbox}/{shown} (empty).txt:" in run.stderr.decode()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(source_path_bytes) FROM documents").fetchone() == (2, 1)


def test_a_file_whose_records_the_storage_refuses_fails_alone(tmp_path, monkeypatch):
    from pipeline.ingest import Steps, run_ingest
    from pipeline.lake import RunWriter

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    first, second = sorted((SAMPLES / "text").glob("*.txt"))[:2]
    (inbox / "good.txt").write_bytes(first.read_bytes())
    (inbox / "refused.txt").write_bytes(second.read_bytes())
    add_document = RunWriter.add_document

    def refuse_one(self, document, tables):
        if document.source_path.endswith("refused.txt"):
            raise ValueError("a value the Parquet writer cannot hold")
        add_document(self, document, tables)
    monkeypatch.setattr(RunWriter, "add_document", refuse_one)
    result = run_ingest([inbox], tmp_path / "plans.duckdb", tmp_path / "lake", steps=Steps(processes=0))
    assert (result.ok, result.failed) == (1, 1)
    assert result.failures == [(str(inbox / "refused.txt"), "its records could not be stored: "
                                "ValueError: a value the Parquet writer cannot hold")]
    with duckdb.connect(str(tmp_path / "plans.duckdb"), read_only=True) as con:
        assert con.execute("SELECT source_path FROM documents").fetchall() == [(str(inbox / "good.txt"),)]
        assert con.execute("SELECT status FROM ingest_log ORDER BY source_path").fetchall() == [("ok",), ("failed",)]


def test_the_run_report_shows_a_name_that_is_not_utf8(tmp_path):
    from pipeline import report
    from pipeline.ingest import FileOutcome, RunResult

    name = os.fsdecode(b"/inbox/" + WINDOWS_NAME + b".pdf")
    result = RunResult(run_id="r1", db=tmp_path / "plans.duckdb", files=[
        FileOutcome(name, "failed", "new", 2500, "pdf", f"cannot read {name}")], failed=1,
        failures=[(name, f"cannot read {name}")])
    path = report.write(result, tmp_path / "reports", inbox="/inbox")
    shown = WINDOWS_NAME.decode("utf-8", "replace")
    assert f"| {shown}.pdf | cannot read /inbox/{shown}.pdf |" in path.read_text()
    assert f"| {shown}.pdf | pdf | 2.50 | failed |" in path.read_text()  # among the slowest
    assert json.loads(path.with_suffix(".json").read_text())["failed"] == [
        {"file": f"/inbox/{shown}.pdf", "error": f"cannot read /inbox/{shown}.pdf"}]
    assert report.table(result)[0]["file"] == f"/inbox/{shown}.pdf"


def test_a_name_holding_terminal_escapes_is_shown_inert(tmp_path):
    from pipeline.progress import RunProgress

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "tamduong-2030.docx").write_bytes((SAMPLES / "tamduong-2030.docx").read_bytes())
    evil = os.fsencode(inbox) + b"/\x1b]0;owned\x07\x1b[2J\xd5\nplan.txt"  # retitles, clears the screen
    open(evil, "wb").close()
    command = [str(VNPLAN), "ingest", str(inbox), "--db", str(tmp_path / "plans.duckdb"), "--lake",
               str(tmp_path / "lake")]
    for extra in ([], ["--quiet"]):
        run = subprocess.run(command + extra, capture_output=True, timeout=300, env={**os.environ, "COLUMNS": "400"})
        assert run.returncode == 1, run.stderr.decode(errors="replace")
        assert b"\x1b" not in run.stdout + run.stderr and b"\x07" not in run.stdout + run.stderr
        assert "\ufffd]0;owned\ufffd\ufffd[2J\ufffd plan.txt" in (run.stdout + run.stderr).decode()
    progress = RunProgress()
    progress.started(os.fsdecode(evil))
    assert "\x1b" not in progress.render(200) and "\ufffd[2J\ufffd plan.txt" in progress.render(200)
