"""Reader for Word 97-2003 documents (.doc): LibreOffice converts them to DOCX for the DOCX reader.

The conversion runs headless with a profile of its own in a temporary folder, so it neither
waits on nor disturbs a LibreOffice the user has open, and is stopped (with every process it
started) when it takes too long. It runs without network access (extractors/offline.py), and its
profile runs no macro and updates no link or field, so a document cannot make it fetch or run
anything.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

from ..errors import CorruptFile, LimitExceeded, UnsupportedFormat
from ..model import Document
from ..offline import offline_command
from ..scratch import scratch_dir
from ..registry import register
from .docx import DocxReader

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of Word, Excel and PowerPoint 97-2003
# The stream only a Word document holds, named in UTF-16 in the compound file's directory.
_WORD_STREAM = "WordDocument".encode("utf-16-le")
CONVERT_TIMEOUT_S = 120
APT_PACKAGE = "libreoffice-writer-nogui"
# The profile's settings (registrymodifications.xcu): (node, property, value).
PROFILE_SETTINGS = (
    ("org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),  # very high: none run
    ("org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"),
    ("org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("org.openoffice.Office.Writer/Content/Update", "Link", "0"),  # links: never updated (sw's UpdateLinks.NEVER)
    ("org.openoffice.Office.Writer/Content/Update", "Field", "false"),  # fields: not updated on load
)


@register
class DocReader:
    name = "doc"

    def accepts(self, head: bytes, path: Path) -> bool:
        return head.startswith(OLE2_MAGIC) and _WORD_STREAM in Path(path).read_bytes()

    def convert(self, path: Path) -> Document:
        path = Path(path)
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            raise UnsupportedFormat(f"{path.name}: a Word 97-2003 .doc is read through LibreOffice, which is not "
                                    f"installed: install the apt package {APT_PACKAGE} (`make setup` does), "
                                    "or save the file as .docx")
        with scratch_dir("doc") as tmp:  # swept by the next run if this worker is killed meanwhile
            converted = _convert(soffice, path, tmp)
            document = DocxReader().convert(converted)
        document.source_format = "doc"
        return document


def _convert(soffice: str, path: Path, tmp: Path) -> Path:
    # A copy under a plain name: LibreOffice names its output after the input, and reads some
    # characters in file names as URL syntax.
    source = tmp / "source.doc"
    shutil.copyfile(path, source)
    profile = tmp / "profile"
    _write_profile(profile)
    command = offline_command(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         # the Word 2007 filter: the default one writes alignments ("start") python-docx cannot read
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp), str(source)],
        f"{path.name}: LibreOffice, which converts a .doc,")
    # A session of its own, so that a timeout stops soffice.bin too, not just the soffice script.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=CONVERT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise LimitExceeded(f"{path.name}: LibreOffice took over {CONVERT_TIMEOUT_S} s to convert this .doc; "
                            "open it in Word or LibreOffice and save it as .docx") from None
    converted = tmp / "source.docx"
    if not converted.exists():
        detail = stderr.decode(errors="replace").strip()[-300:] or f"exit status {process.returncode}"
        raise CorruptFile(f"{path.name}: LibreOffice could not convert this .doc ({detail}); "
                          "open it in Word or LibreOffice and save it as .docx")
    return converted


def _write_profile(profile: Path) -> None:
    """A fresh LibreOffice profile holding PROFILE_SETTINGS (the rest is created on first start)."""
    items = "".join(f'<item oor:path="/{node}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>\n'
                    for node, name, value in PROFILE_SETTINGS)
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}</oor:items>\n", encoding="utf-8")
