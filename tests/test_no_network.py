"""No file makes vnplan reach the network (issue #15).

Each file here names a local server that records requests (tests/recording_server.py) in every
place its format lets a document point outside itself; reading it must send that server nothing
and still give the document's text.
"""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from extractors import offline
from extractors.readers.doc import DocReader
from extractors.registry import read_document
from recording_server import recording_server
from test_reader_pdf import pdf_file

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
AFTER = "Mục tiêu sau liên kết: nâng cao chất lượng khám chữa bệnh"


@pytest.fixture
def server():
    with recording_server() as s:
        yield s


def _texts(doc) -> str:
    return "\n".join(b.text for b in doc.blocks)


# --- .doc through LibreOffice ---------------------------------------------------------------------

_FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
  xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
  office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>
<text:p>KẾ HOẠCH triển khai thực hiện chương trình y tế cơ sở</text:p>
<text:p><draw:frame draw:name="linked" text:anchor-type="as-char" svg:width="2cm" svg:height="2cm">
<draw:image xlink:href="{url}/linked-picture.png" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>
</draw:frame></text:p>
<text:p>{after}</text:p>
</office:text></office:body></office:document>
"""


def doc_linking_a_picture(tmp_path: Path, url: str) -> Path:
    """A .doc whose INCLUDEPICTURE field links a picture at `url` (LibreOffice writes a linked image so),
    made by LibreOffice in a network namespace so that making it fetches nothing."""
    soffice = shutil.which("soffice")
    if soffice is None or subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode:
        pytest.skip("needs LibreOffice and a network namespace to make the .doc")
    source = tmp_path / "linked.fodt"
    source.write_text(_FODT.format(url=url, after=AFTER), encoding="utf-8")
    subprocess.run(["unshare", "--net", soffice, f"-env:UserInstallation={(tmp_path / 'maker').as_uri()}",
                    "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
                   capture_output=True, timeout=180, check=True)
    doc = tmp_path / "linked.doc"
    assert f'INCLUDEPICTURE  "{url}/linked-picture.png"'.encode("utf-16-le") in doc.read_bytes()
    return doc


def test_a_doc_linking_a_picture_by_url_is_converted_without_fetching_it(tmp_path, server):
    doc = doc_linking_a_picture(tmp_path, server.url)
    text = _texts(read_document(doc))
    assert AFTER in text
    assert server.requests == []


def test_without_a_network_namespace_a_doc_is_refused_unless_allowed(tmp_path, server, monkeypatch):
    doc = doc_linking_a_picture(tmp_path, server.url)
    monkeypatch.setattr(offline, "NETNS_COMMANDS", (("false",),))  # as where no namespace can be made
    offline.netns_prefix.cache_clear()
    try:
        with pytest.raises(offline.NoNetworkIsolation, match="VNPLAN_ALLOW_NETWORK=1"):
            DocReader().convert(doc)
        assert server.requests == []
        monkeypatch.setenv("VNPLAN_ALLOW_NETWORK", "1")  # the user's choice: convert with the network
        assert AFTER in _texts(DocReader().convert(doc))
    finally:
        offline.netns_prefix.cache_clear()


# --- HTML -------------------------------------------------------------------------------------------

def page_pointing_outside(url: str) -> str:
    """An HTML page naming `url` in every place a browser would fetch from, an <embed> mid-page."""
    return f"""<!DOCTYPE html SYSTEM "{url}/dtd">
<html><head><meta charset="utf-8"><base href="{url}/base/">
<meta http-equiv="refresh" content="0; url={url}/refresh">
<link rel="stylesheet" href="{url}/style.css"><link rel="preload" href="{url}/preload">
<style>@import url("{url}/import.css"); body {{ background: url({url}/bg.png) }}</style>
<script src="{url}/script.js"></script></head>
<body style="background-image: url('{url}/inline.png')">
<p>KẾ HOẠCH triển khai thực hiện chương trình y tế cơ sở</p>
<img src="{url}/img.png" srcset="{url}/img2.png 2x"><iframe src="{url}/frame"></iframe>
<embed src="{url}/embed.swf"><object data="{url}/object"><param name="movie" value="{url}/param"></object>
<video poster="{url}/poster.png" src="{url}/video.mp4"><source src="{url}/source.mp4"></video>
<audio src="{url}/audio.mp3"></audio><picture><source srcset="{url}/picture.webp"></picture>
<svg><image href="{url}/svg.png"/></svg><input type="image" src="{url}/input.png">
<h2>I. MỤC TIÊU</h2><p>{AFTER}</p></body></html>"""


def test_html_resources_are_never_fetched(tmp_path, server):
    page = tmp_path / "page.html"
    page.write_text(page_pointing_outside(server.url), encoding="utf-8")
    text = _texts(read_document(page))
    assert "KẾ HOẠCH" in text and AFTER in text
    assert server.requests == []


# --- DOCX -------------------------------------------------------------------------------------------

_LINKED_PICTURE = """<w:p><w:r><w:drawing><wp:inline><wp:extent cx="914400" cy="914400"/><wp:docPr id="901" name="linked"/>
<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>
<pic:nvPicPr><pic:cNvPr id="901" name="linked"/><pic:cNvPicPr/></pic:nvPicPr>
<pic:blipFill><a:blip r:link="rIdVnplanPicture"/></pic:blipFill><pic:spPr/></pic:pic></a:graphicData></a:graphic>
</wp:inline></w:drawing></w:r></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDEPICTURE "{url}/field.png" \\d </w:instrText></w:r>
<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
<w:altChunk r:id="rIdVnplanChunk"/>
<w:p><w:r><w:t>{after}</w:t></w:r></w:p>"""
_NAMESPACES = {"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
               "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
               "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture"}
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _external_rels(rels: str, url: str, entries: list[tuple[str, str, str]]) -> str:
    added = "".join(f'<Relationship Id="{rid}" Type="{_REL}{kind}" Target="{url}/{target}" TargetMode="External"/>'
                    for rid, kind, target in entries)
    return rels.replace("</Relationships>", added + "</Relationships>")


def test_docx_external_parts_are_never_fetched(tmp_path, server):
    url = server.url
    source, path = SAMPLES / "tamduong-2030.docx", tmp_path / "linked.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name).decode("utf-8") if name.endswith((".xml", ".rels")) else src.read(name)
            if name == "word/document.xml":
                root = data[data.index("<w:document "):].split(">", 1)[0]
                missing = "".join(f'xmlns:{p}="{uri}" ' for p, uri in _NAMESPACES.items() if f"xmlns:{p}=" not in root)
                data = data.replace("<w:document ", "<w:document " + missing, 1)
                at = data.rindex("<w:sectPr")
                data = data[:at] + _LINKED_PICTURE.format(url=url, after=AFTER) + data[at:]
            elif name == "word/_rels/document.xml.rels":
                data = _external_rels(data, url, [("rIdVnplanPicture", "image", "linked.png"),
                                                  ("rIdVnplanChunk", "aFChunk", "chunk.html"),
                                                  ("rIdVnplanLink", "hyperlink", "hyperlink")])
            elif name == "word/settings.xml":  # a template attached by URL
                head = data[data.index("<w:settings"):].split(">", 1)[0]
                r_ns = "" if "xmlns:r=" in head else f' xmlns:r="{_REL.rstrip("/")}"'
                data = data.replace(head + ">", f'{head}{r_ns}><w:attachedTemplate r:id="rIdVnplanTemplate"/>', 1)
            dst.writestr(name, data)
        dst.writestr("word/_rels/settings.xml.rels", _external_rels(
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"></Relationships>', url, [("rIdVnplanTemplate", "attachedTemplate", "template.dotm")]))
    text = _texts(read_document(path))
    assert "Tam Đường" in text and AFTER in text
    assert server.requests == []


# --- PDF --------------------------------------------------------------------------------------------

def pdf_with_actions(url: str) -> bytes:
    """One page of text, its link annotations pointing at `url` (URI, Launch and remote GoTo), and the
    same actions run when the document opens."""
    content = b"BT /F1 14 Tf 72 760 Td (KE HOACH trien khai) Tj 0 -24 Td (Muc tieu sau lien ket) Tj ET"
    uri = f"<< /S /URI /URI ({url}/uri) >>".encode()
    launch = f"<< /S /Launch /F ({url}/launch) >>".encode()
    remote = f"<< /S /GoToR /F << /FS /URL /F ({url}/remote.pdf) >> /D [0 /Fit] >>".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 8 0 R /AA << /WC 9 0 R >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R 7 0 R 10 0 R] >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Annot /Subtype /Link /Rect [72 750 300 780] /A " + uri + b" >>",
        b"<< /Type /Annot /Subtype /Link /Rect [72 720 300 750] /A " + launch + b" >>",
        remote,
        uri,
        b"<< /Type /Annot /Subtype /Link /Rect [72 690 300 720] /A " + remote + b" >>",
    ]
    return pdf_file(objects)


def test_pdf_actions_and_remote_links_are_never_followed(tmp_path, server):
    from extractors.readers.pdf import PdfReader

    path = tmp_path / "actions.pdf"
    path.write_bytes(pdf_with_actions(server.url))
    doc = PdfReader().convert(path)  # its text is ASCII: read it without the Vietnamese check
    assert "Muc tieu sau lien ket" in _texts(doc)
    assert server.requests == []
