"""OCR of page images with Tesseract (`-l vie`), keeping each word's box so that layout survives.

A page is rendered (PDF) or loaded (image) at 300 dpi, cleared of coloured marks (seals,
signatures), straightened (the skew angle is the one that makes the rows of ink sharpest),
cleared of the ruling lines of its tables, and read by the tesseract CLI as hOCR, which gives
every word's box and confidence and every line's baseline and size. The ruling lines are returned as segments, so that the text-PDF
reader finds tables in them as it does in drawn strokes; the words carry that reader's fields
(text, x0, x1, baseline, size, bold) in points, so that the same layout rules apply.

Pages are independent and read in parallel: one tesseract process per core, each held to one
thread (OMP_THREAD_LIMIT=1), since tesseract's own threads barely speed up one page. Pages are
prepared in threads of this process (numpy and pdfium under a lock), which, unlike worker
processes, neither re-import the caller's main module nor fork its locks.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from lxml import html as lxml_html
from PIL import Image

from . import ocr_orientation, ocr_tables, ocr_words
from .domain import table
from .errors import CorruptFile, ExtractionError, UnsupportedFormat
from .words import PlacedWord

DPI = 300
# A page larger than this at 300 dpi (A2 is 35 million pixels) is read at a lower resolution: its
# image and the arrays made from it must fit a worker's memory limit, two pages at a time.
MAX_PAGE_PIXELS = 40_000_000
LANGUAGE = "vie"
PAGE_TIMEOUT_S = 300  # a page that takes longer is not a document page, or tesseract hangs
MAX_SKEW_DEGREES = 3.0  # what a scanner or a careful phone leaves
# Colour of a pixel, the spread of its red, green and blue (0-255): black or grey ink, even
# through JPEG noise, spreads far less than a red seal or blue ink.
MIN_COLOUR_SPREAD = 80
# Specks, seals and signatures come out as low-confidence words of punctuation.
MIN_NOISE_CONFIDENCE = 50
# Ink no word of the page's reading covers (a word's box grown by the pad), in tiles of this
# side: a group of tiles with ink at least this wide and high is a block read again alone.
PASSED_OVER_PAD_IN = 0.05
PASSED_OVER_TILE_IN = 0.2
PASSED_OVER_INK_SHARE = 0.01  # a speck or a dotted rule leaves less in a tile
PASSED_OVER_MIN_IN = (1.0, 0.3)
PASSED_OVER_MIN_CONFIDENCE = 70  # a line's mean: the seal's strokes read as lines of 0-40
# tesseract's x_size of a line, from its descenders to the top of its tallest letters, per
# point of font size: measured on Times New Roman, the font Decree 30/2020 prescribes. A line
# of capitals has taller letters: stacked marks (Ế, Ủ) and no x-height to anchor them.
X_SIZE_PER_EM = {False: 0.9, True: 1.07}
# A line is bold when its strokes are this much thicker than those of the page's usual line.
BOLD_STROKE_RATIO = 1.2


@dataclass
class OcrPage:
    number: int  # 1-based page of the PDF, or frame of the image
    size: tuple[float, float]  # width, height in points
    words: list[PlacedWord] = field(default_factory=list)  # each with its confidence
    # Ruling lines found on the image, ((x0, y0), (x1, y1)) in points, horizontal or vertical.
    rules: list[tuple[tuple[float, float], tuple[float, float]]] = field(default_factory=list)
    confidence: float = 0.0  # mean word confidence, 0-100
    skew: float = 0.0  # degrees the page was turned to straighten it


def mean_confidence(pages: list[OcrPage]) -> float | None:
    """Mean confidence of all the words of these pages (each word counts once), None without words."""
    confidences = [w.confidence for page in pages for w in page.words]
    return round(sum(confidences) / len(confidences), 1) if confidences else None


def read_pdf_pages(path: Path, numbers: list[int]) -> list[OcrPage]:
    """OCR of the given 1-based pages of a PDF, in that order."""
    return _read_all([(str(path), n, "pdf") for n in numbers])


def read_image(path: Path) -> list[OcrPage]:
    """OCR of every frame of an image file (a multi-page TIFF has several)."""
    with Image.open(path) as image:
        frames = getattr(image, "n_frames", 1)
    return _read_all([(str(path), n, "image") for n in range(1, frames + 1)])


def _read_all(jobs: list[tuple[str, int, str]]) -> list[OcrPage]:
    if not jobs:
        return []
    _check_tesseract()
    with ThreadPoolExecutor(max_workers=min(os.cpu_count() or 1, len(jobs))) as pool:
        return list(pool.map(_read_job, jobs))


def _check_tesseract() -> None:
    if shutil.which("tesseract") is None:
        raise UnsupportedFormat("this file needs OCR, but tesseract is not installed: install the apt packages "
                                "tesseract-ocr and tesseract-ocr-vie (`make setup` does)")
    languages = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=60).stdout
    if LANGUAGE not in languages.split():
        raise UnsupportedFormat(f"this file needs OCR, but tesseract has no '{LANGUAGE}' language data: "
                                "install the apt package tesseract-ocr-vie (`make setup` does)")


def _read_job(job: tuple[str, int, str]) -> OcrPage:
    path, number, kind = job
    image, dpi = _render(path, number) if kind == "pdf" else _load(path, number)
    return read_page_image(image, number, dpi)


_PDFIUM = threading.Lock()  # pdfium is not thread-safe, not even across documents


def _render(path: str, number: int) -> tuple[Image.Image, float]:
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(path)
            try:
                page = pdf[number - 1]
                dpi = _fitting_dpi(*(points / 72 for points in page.get_size()))
                return page.render(scale=dpi / 72).to_pil(), dpi
            finally:
                pdf.close()
        except pdfium.PdfiumError as e:
            raise CorruptFile(f"{Path(path).name}: page {number} cannot be rendered for OCR ({e}); "
                              "re-download the file") from e


def _load(path: str, number: int) -> tuple[Image.Image, float]:
    with Image.open(path) as image:
        image.seek(number - 1)
        dpi = float(image.info.get("dpi", (DPI, DPI))[0] or DPI)
        page = image.convert("RGB")
    wanted = _fitting_dpi(page.width / dpi, page.height / dpi)
    if wanted > dpi or page.width * page.height > MAX_PAGE_PIXELS:
        # Up to 300 dpi: tesseract reads small print far better there. Down: a page too large.
        scale = wanted / dpi
        page = page.resize((max(1, round(page.width * scale)), max(1, round(page.height * scale))),
                           Image.Resampling.BICUBIC)
        dpi = wanted
    return page, dpi


def _fitting_dpi(width_in: float, height_in: float) -> float:
    """300 dpi, or less for a page that would have more than MAX_PAGE_PIXELS there."""
    pixels = width_in * height_in * DPI * DPI
    # 0.999: the renderer rounds each side up to a whole pixel
    return DPI if pixels <= MAX_PAGE_PIXELS else 0.999 * DPI * (MAX_PAGE_PIXELS / pixels) ** 0.5


# --- one page -------------------------------------------------------------------------------------


def read_page_image(image: Image.Image, number: int, dpi: float) -> OcrPage:
    """OCR of one page image."""
    pixels, colour = _grey(image)
    ink = pixels < _otsu(pixels)
    if turns := ocr_orientation.quarter_turns(pixels, ink, dpi):  # a landscape page scanned sideways
        pixels, colour, ink = (np.ascontiguousarray(np.rot90(a, turns)) for a in (pixels, colour, ink))
    skew = _skew(ink)
    if abs(skew) >= 0.05:
        pixels = np.asarray(Image.fromarray(pixels).rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255))
        colour = np.asarray(Image.fromarray(colour).rotate(skew, fillcolor=0))
        ink = pixels < _otsu(pixels)
    # Coloured ink counts for ruling lines, so that a seal's strokes fill the gaps they cut in them.
    rules, rule_mask = ocr_tables.find_rules(ink, dpi)
    paper = rule_mask | colour
    ink &= ~paper
    pixels = np.where(paper, np.uint8(255), pixels)
    lines = ocr_tables.read_page(pixels, ink, rules, dpi, lambda image, psm: _tesseract(image, dpi, psm))
    lines += _passed_over_blocks(pixels, ink, lines, dpi)
    _mark_bold(lines, ink)
    pt = 72 / dpi
    words = [PlacedWord(text, w.box[0] * pt, w.box[2] * pt, w.baseline * pt, line.size * pt, line.bold,
                        confidence=w.confidence)
             for line in lines for w, text in zip(line.words, repair_words([w.text for w in line.words]))]
    confidence = sum(w.confidence for w in words) / len(words) if words else 0.0
    return OcrPage(number, (pixels.shape[1] * pt, pixels.shape[0] * pt), words,
                   [((a * pt, b * pt), (c * pt, d * pt)) for a, b, c, d in rules], round(confidence, 1), round(skew, 2))


def _passed_over_blocks(pixels: np.ndarray, ink: np.ndarray, lines: list[_HocrLine], dpi: float) -> list[_HocrLine]:
    """Lines of the blocks of ink the page's reading left without a word, each read again alone.

    Tesseract's layout analysis takes a block beside or under a grey seal for a picture and reads
    nothing of it: on a signed scan that is the signature block (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / the
    name). Read alone as one block of text, its lines come out; the seal's strokes give lines of
    low confidence, which are dropped, and so are a kept line's words below a quarter of the noise
    bound.
    """
    covered = np.zeros_like(ink)
    pad = round(PASSED_OVER_PAD_IN * dpi)
    for line in lines:
        for w in line.words:
            covered[max(0, w.box[1] - pad):w.box[3] + pad, max(0, w.box[0] - pad):w.box[2] + pad] = True
    tile = max(1, round(PASSED_OVER_TILE_IN * dpi))
    rows, cols = ink.shape[0] // tile, ink.shape[1] // tile
    loose = (ink & ~covered)[:rows * tile, :cols * tile].reshape(rows, tile, cols, tile).sum(axis=(1, 3))
    out = []
    for top, left, bottom, right in _tile_groups(loose > PASSED_OVER_INK_SHARE * tile * tile):
        width, height = (right - left) * tile, (bottom - top) * tile
        if width < PASSED_OVER_MIN_IN[0] * dpi or height < PASSED_OVER_MIN_IN[1] * dpi:
            continue
        y0, x0 = top * tile, left * tile
        for line in _tesseract(pixels[y0:bottom * tile, x0:right * tile], dpi, psm=6):
            legible = [w for w in line.words if any(c.isalnum() for c in w.text)]
            if not legible or sum(w.confidence for w in legible) / len(legible) < PASSED_OVER_MIN_CONFIDENCE:
                continue  # the seal's strokes
            on_page = [_HocrWord(w.text, (w.box[0] + x0, w.box[1] + y0, w.box[2] + x0, w.box[3] + y0),
                                 w.baseline + y0, w.confidence) for w in legible]
            out += ocr_tables.keep_words([_HocrLine(line.box, line.size, on_page)],
                                         lambda w: w.confidence >= MIN_NOISE_CONFIDENCE / 2)
    return out


def _tile_groups(busy: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (top, left, bottom, right; in tiles, end exclusive) of the groups of busy
    tiles that touch, corners included."""
    seen = np.zeros_like(busy)
    groups = []
    for start in zip(*np.nonzero(busy)):
        if seen[start]:
            continue
        seen[start] = True
        stack, box = [start], [start[0], start[1], start[0] + 1, start[1] + 1]
        while stack:
            r, c = stack.pop()
            box = [min(box[0], r), min(box[1], c), max(box[2], r + 1), max(box[3], c + 1)]
            for nr in range(max(0, r - 1), min(busy.shape[0], r + 2)):
                for nc in range(max(0, c - 1), min(busy.shape[1], c + 2)):
                    if busy[nr, nc] and not seen[nr, nc]:
                        seen[nr, nc] = True
                        stack.append((nr, nc))
        groups.append(tuple(box))
    return groups


def _grey(image: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    """Grey levels, and where the page is coloured: text is black, while a seal is red and a
    signature blue, and read as words they are noise over the text under them."""
    rgb = np.asarray(image.convert("RGB"))
    return np.asarray(image.convert("L")), rgb.max(axis=2) - rgb.min(axis=2) > MIN_COLOUR_SPREAD


def _otsu(pixels: np.ndarray) -> int:
    """The grey level that best parts ink from paper."""
    hist = np.bincount(pixels.ravel(), minlength=256).astype(float)
    weight = np.cumsum(hist)
    mass = np.cumsum(hist * np.arange(256))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mass[-1] * weight / weight[-1] - mass) ** 2 / (weight * (weight[-1] - weight))
    between = np.nan_to_num(between[:-1])
    return int(np.argmax(between)) if between.any() else 0  # one grey level only: a blank page


def _skew(ink: np.ndarray) -> float:
    """Degrees to turn the page counter-clockwise so that its text lines are level.

    The rows of ink, sheared by the right angle, give a projection with the sharpest peaks;
    tried at half resolution in steps of 0.1°, then of 0.02° around the best.
    """
    ys, xs = np.nonzero(ink[::2, ::2])
    if len(xs) < 100:
        return 0.0
    xs = xs - xs.mean()

    def sharpness(degrees: float) -> float:
        rows = np.round(ys - xs * np.tan(np.radians(degrees))).astype(np.int64)
        profile = np.bincount(rows - rows.min())
        return float(np.dot(profile, profile))

    best = max(np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 1e-9, 0.1), key=sharpness)
    # A line that falls to the right (y grows with x) is level once turned counter-clockwise.
    return float(max(np.arange(best - 0.1, best + 0.1 + 1e-9, 0.02), key=sharpness))


# --- tesseract ------------------------------------------------------------------------------------


@dataclass
class _HocrWord:
    text: str
    box: tuple[int, int, int, int]  # x0, top, x1, bottom in pixels
    baseline: float  # y of the line's baseline under the word
    confidence: float


@dataclass
class _HocrLine:
    box: tuple[int, int, int, int]
    size: float  # font size in pixels
    words: list[_HocrWord]
    bold: bool = False


_BBOX = re.compile(r"bbox (\d+) (\d+) (\d+) (\d+)")
_BASELINE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")
_X_SIZE = re.compile(r"x_size ([\d.]+)")
_WCONF = re.compile(r"x_wconf (\d+)")
_LINE_CLASSES = ("ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat")


def _tesseract(pixels: np.ndarray, dpi: float, psm: int = 3) -> list[_HocrLine]:
    """Lines of the image as tesseract reads them; psm is its page segmentation mode (3: find the layout)."""
    height, width = pixels.shape
    pgm = b"P5 %d %d 255\n" % (width, height) + np.ascontiguousarray(pixels).tobytes()
    try:
        done = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", LANGUAGE, "--dpi", str(round(dpi)), "--psm", str(psm),
             # looking for white-on-black text costs a fifth of the time; these documents have none
             "-c", "tessedit_do_invert=0", "hocr"],
            input=pgm, capture_output=True, timeout=PAGE_TIMEOUT_S, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except subprocess.TimeoutExpired as e:
        raise ExtractionError(f"OCR of a page took over {PAGE_TIMEOUT_S} s; check that the file is a document scan") from e
    if done.returncode != 0:
        raise ExtractionError(f"tesseract failed on a page: {done.stderr.decode(errors='replace').strip()[-300:]}")
    return _parse_hocr(done.stdout)


def _parse_hocr(data: bytes) -> list[_HocrLine]:
    if not data.strip():
        return []
    lines = []
    for paragraph in lxml_html.fromstring(data).iter("p"):
        found = [line for node in paragraph.iter("span") if node.get("class") in _LINE_CLASSES
                 if (line := _line(node)) is not None]
        # tesseract's size of a line varies with its letters (diacritics, descenders) by more than
        # the text-PDF reader allows within a paragraph: each line takes the median of the
        # paragraph tesseract saw.
        for line in found:
            line.size = float(np.median([x.size for x in found]))
        lines.extend(found)
    return lines


def _line(node) -> _HocrLine | None:
    title = node.get("title", "")
    box = tuple(map(int, _BBOX.search(title).groups()))
    baseline = _BASELINE.search(title)
    slope, offset = map(float, baseline.groups()) if baseline else (0.0, 0.0)
    size = _X_SIZE.search(title)
    words = []
    for span in node.iter("span"):
        text = (span.text_content() or "").strip()
        if span.get("class") != "ocrx_word" or not text:
            continue
        word_title = span.get("title", "")
        confidence = float(_WCONF.search(word_title).group(1))
        if confidence < MIN_NOISE_CONFIDENCE and not any(ch.isalnum() for ch in text):
            continue
        word_box = tuple(map(int, _BBOX.search(word_title).groups()))
        # hOCR states the baseline from the bottom left of the line's box
        baseline_y = box[3] + offset + slope * ((word_box[0] + word_box[2]) / 2 - box[0])
        words.append(_HocrWord(text, word_box, baseline_y, confidence))
    if not words:
        return None
    height = float(size.group(1)) if size else box[3] - box[1]
    capitals = not any(ch.islower() for w in words for ch in w.text)
    return _HocrLine(box, height / X_SIZE_PER_EM[capitals], words)


def _mark_bold(lines: list[_HocrLine], ink: np.ndarray) -> None:
    """Bold lines: strokes (ink pixels per horizontal run of ink) thicker than the page's usual.

    Judged by line: a word has too few strokes to tell.
    """
    widths = []
    for line in lines:
        x0, top, x1, bottom = line.box
        cut = ink[top:bottom, x0:x1]
        runs = np.count_nonzero(cut[:, 1:] & ~cut[:, :-1]) + np.count_nonzero(cut[:, 0])
        widths.append(np.count_nonzero(cut) / runs if runs else 0.0)
    if widths:
        usual = float(np.median(widths))
        for line, width in zip(lines, widths):
            line.bold = width >= BOLD_STROKE_RATIO * usual


# --- repairs --------------------------------------------------------------------------------------


def repair_words(words: list[str]) -> list[str]:
    """A line's words with the safe repairs of extractors/data/ocr_repairs.csv applied, then
    their tone marks repaired by the syllable inventory and word dictionary (extractors.ocr_words).

    A repair never changes the number of words, so each keeps its box, and never adds a digit.
    """
    text = " ".join(words)
    for pattern, right in _repairs():
        text = pattern.sub(lambda _, right=right: right, text)
    return ocr_words.repair_tones(text.split(" "))


# Where a repair applies: `word` a whole word or phrase, `inside` anywhere, `after_digit`
# straight after a number (with or without a space).
_WHERE = {"word": r"(?<!\w){}(?!\w)", "inside": "{}", "after_digit": r"(?:(?<=\d)|(?<=\d )){}(?![^\W\d_])"}


@lru_cache(maxsize=None)
def _repairs() -> tuple[tuple[re.Pattern, str], ...]:
    out = []
    for row in table("ocr_repairs"):
        wrong, right, where = row["wrong"], row["right"], row["where"]
        if len(wrong.split()) != len(right.split()) or re.search(r"\d", wrong + right) or where not in _WHERE:
            raise ValueError(f"ocr_repairs.csv: {wrong!r} -> {right!r} ({where}): a repair keeps the number of "
                             f"words, has no digits, and applies at one of {sorted(_WHERE)}")
        # a repair written in lower case applies to the capitalised and upper-case forms too
        forms = {(wrong, right)}
        if wrong.islower():
            forms |= {(wrong[0].upper() + wrong[1:], right[0].upper() + right[1:]), (wrong.upper(), right.upper())}
        out.extend((re.compile(_WHERE[where].format(re.escape(w))), r) for w, r in sorted(forms))
    return tuple(out)
