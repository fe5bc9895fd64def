"""Issue #15's acceptance: one inbox holding every hostile file beside a good plan, through `vnplan ingest`.

The run exits 1, publishes the good plan (and the hostile files that are still readable, read
without fetching anything), records every other file with its specific error, and no request
reaches the local HTTP server the files name.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from recording_server import recording_server
from test_no_network import AFTER, doc_linking_a_picture, page_pointing_outside, pdf_with_actions
from test_reader_text import FOREIGN

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
VNPLAN = Path(sys.executable).with_name("vnplan")
# "議事録" (minutes) in Shift-JIS bytes: the name is no more UTF-8 than the text.
SHIFT_JIS_NAME = "議事録".encode("shift_jis") + b".txt"


def test_an_inbox_of_hostile_files_and_a_good_plan(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with recording_server() as server:
        (inbox / "plan.docx").write_bytes((SAMPLES / "tamduong-2030.docx").read_bytes())
        linked_doc = doc_linking_a_picture(tmp_path, server.url)  # an INCLUDEPICTURE field naming the server
        (inbox / "linked.doc").write_bytes(linked_doc.read_bytes())
        (inbox / "embed.html").write_text(page_pointing_outside(server.url), encoding="utf-8")
        (inbox / "actions.pdf").write_bytes(pdf_with_actions(server.url))
        (inbox / "deep.html").write_text("<html><body><p>Kế hoạch số 1</p>" + "<div>" * 3000 + "<p>Mục tiêu</p>"
                                         + "</div>" * 3000 + "</body></html>", encoding="utf-8")
        text, _ = FOREIGN["shift_jis"]
        with open(os.fsencode(inbox) + b"/" + SHIFT_JIS_NAME, "wb") as f:
            f.write(((text + "\n") * 40).encode("shift_jis"))
        (inbox / "big.txt").write_text("Kế hoạch phát triển y tế cơ sở.\n" * 60_000, encoding="utf-8")  # 2 MB
        (inbox / "empty.txt").write_bytes(b"")
        (inbox / "random.bin").write_bytes(bytes(range(256)) * 64)

        db = tmp_path / "plans.duckdb"
        run = subprocess.run([str(VNPLAN), "ingest", str(inbox), "--db", str(db), "--lake", str(tmp_path / "lake"),
                              "--quiet"], capture_output=True, timeout=600,
                             env={**os.environ, "VNPLAN_MAX_FILE_MB": "1"})
        requests = list(server.requests)

    assert run.returncode == 1, run.stderr.decode(errors="replace")
    assert b"Traceback" not in run.stderr
    assert requests == []
    with duckdb.connect(str(db), read_only=True) as con:
        published = {Path(p).name: (fmt, issuer) for p, fmt, issuer in
                     con.execute("SELECT source_path, source_format, issuer FROM documents").fetchall()}
        failed = {Path(p).name: error for p, error in con.execute(
            "SELECT source_path, error FROM ingest_log WHERE status = 'failed'").fetchall()}
        sections = con.execute("SELECT s.heading, s.text FROM sections s JOIN documents d USING (doc_id) "
                               "WHERE d.source_path LIKE '%embed.html'").fetchall()
    assert published["plan.docx"] == ("docx", "Ủy ban nhân dân huyện Tam Đường")
    assert set(published) == {"plan.docx", "linked.doc", "embed.html"}  # read whole, nothing fetched
    assert ("MỤC TIÊU", AFTER) in sections  # the text after the <embed>
    shown = SHIFT_JIS_NAME.decode("utf-8", "replace")
    expected = {  # file -> words its error must hold
        shown: "text is not Vietnamese: it reads as Japanese (Shift-JIS)",
        "deep.html": "nested too deep",
        "big.txt": "over the 1 MB limit (VNPLAN_MAX_FILE_MB)",
        "actions.pdf": "no Vietnamese text",
        "empty.txt": "empty file",
        "random.bin": "unsupported format",
    }
    assert set(failed) == set(expected)
    for name, words in expected.items():
        assert words in failed[name], (name, failed[name])
