"""Large HTML pages made from the sample page: its tables and text as they are, or styled as Word's
"Save as Web Page" styles them (every text in two styled spans, every cell and paragraph styled:
some ten bytes of markup for each character of text). Used by tests/test_reader_html.py and
bench/html_memory.py; written to temporary folders, never into git."""
from __future__ import annotations

import re
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "nghean-542-kh-ubnd.html"
_WORD_SPAN = ("<span lang=VI style='font-size:13.0pt;line-height:115%;font-family:\"Times New Roman\",serif;"
              "mso-fareast-font-family:\"Times New Roman\";mso-ascii-theme-font:major-latin;mso-hansi-theme-font:"
              "major-latin;mso-bidi-theme-font:major-latin;mso-ansi-language:VI;color:black'><span "
              "style='mso-bidi-font-size:13.0pt;mso-bidi-font-family:\"Times New Roman\";mso-fareast-language:"
              "EN-US;mso-no-proof:yes;letter-spacing:-.1pt;mso-font-kerning:0pt'>")
_WORD_CELL = (" style='border:solid windowtext 1.0pt;border-top:none;mso-border-top-alt:solid windowtext .5pt;"
              "mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt;height:20.05pt'")
_WORD_PARA = (" class=MsoNormal style='margin-top:3.0pt;margin-right:0cm;margin-bottom:3.0pt;margin-left:0cm;"
              "text-align:justify;text-indent:35.45pt;line-height:115%;mso-pagination:widow-orphan'")


def word_styled_body() -> tuple[str, str, str]:
    """(head, body, tail) of the sample page, its body styled as Word exports it."""
    head, body, tail = _parts(SAMPLE.read_text(encoding="utf-8"))
    body = re.sub(r">([^<>]*\S[^<>]*)<", lambda m: f">{_WORD_SPAN}<o:p>{m.group(1)}</o:p></span></span><", body)
    body = re.sub(r"<(td|th)\b", lambda m: f"<{m.group(1)}{_WORD_CELL}", body)
    body = re.sub(r"<p\b", f"<p{_WORD_PARA}", body)
    return head, body, tail


def _parts(page: str) -> tuple[str, str, str]:
    start = page.index(">", page.index("<body")) + 1
    end = page.rindex("</body>")
    return page[:start], page[start:end], page[end:]


def page_parts(styled: bool = True) -> tuple[str, str, str]:
    """(head, body, tail) of the sample page, styled as Word exports it or as it is."""
    return word_styled_body() if styled else _parts(SAMPLE.read_text(encoding="utf-8"))


def write_page(path: Path, copies: int, *, styled: bool = True) -> None:
    """The sample page with its body repeated `copies` times (the same text, styled or not)."""
    head, body, tail = page_parts(styled)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head)
        for _ in range(copies):
            f.write(body)
        f.write(tail)
