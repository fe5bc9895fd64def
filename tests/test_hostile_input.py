"""A folder of broken and hostile files beside one good plan, through the real `vnplan ingest`.

The run must go on: exit 1 (some failed), the good plan published, one failed ingest_log row per
broken file with an error that says what is wrong, bounded time and memory.
"""
import resource
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
