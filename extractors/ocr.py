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
# Ruling lines, in inches: a cell border is at least as long as a narrow column is wide or a
# one-line row is high, while letters are shorter (a 14 pt capital is 0.14 in); a line is
# thinner than a filled area, such as the dark border of a scan.
MIN_RULE_IN = {"h": 0.3, "v": 0.2}
MAX_RULE_THICKNESS_IN = 0.04
RULE_GAP_IN = 0.03  # pieces of one line that the scan broke apart
# A table cell holds text when it holds more ink than specks leave (a "1" has 0.002 in²).
MIN_CELL_INK_IN2 = 0.001
CELL_GAP_IN = 0.2  # white space between cells put side by side to be read again
# Colour of a pixel, the spread of its red, green and blue (0-255): black or grey ink, even
# through JPEG noise, spreads far less than a red seal or blue ink.
MIN_COLOUR_SPREAD = 80
# Specks, seals and signatures come out as low-confidence words of punctuation.
MIN_NOISE_CONFIDENCE = 50
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
    skew = _skew(ink)
    if abs(skew) >= 0.05:
        pixels = np.asarray(Image.fromarray(pixels).rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255))
        colour = np.asarray(Image.fromarray(colour).rotate(skew, fillcolor=0))
        ink = pixels < _otsu(pixels)
    # Coloured ink counts for ruling lines, so that a seal's strokes fill the gaps they cut in them.
    rules, rule_mask = _rules(ink, dpi)
    paper = rule_mask | colour
    ink &= ~paper
    pixels = np.where(paper, np.uint8(255), pixels)
    lines = _tesseract(pixels, dpi)
    lines += _passed_over(ink, _cells(rules, round(RULE_GAP_IN * dpi)), lines, dpi)
    _mark_bold(lines, ink)
    pt = 72 / dpi
    words = [PlacedWord(text, w.box[0] * pt, w.box[2] * pt, w.baseline * pt, line.size * pt, line.bold,
                        confidence=w.confidence)
             for line in lines for w, text in zip(line.words, repair_words([w.text for w in line.words]))]
    confidence = sum(w.confidence for w in words) / len(words) if words else 0.0
    return OcrPage(number, (pixels.shape[1] * pt, pixels.shape[0] * pt), words,
                   [((a * pt, b * pt), (c * pt, d * pt)) for a, b, c, d in rules], round(confidence, 1), round(skew, 2))


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


def _rules(ink: np.ndarray, dpi: float) -> tuple[list[tuple[float, float, float, float]], np.ndarray]:
    """Horizontal and vertical ruling lines as (x0, y0, x1, y1) in pixels, and a mask of their pixels."""
    mask = np.zeros_like(ink)
    segments = []
    for orientation, grid, out in (("h", ink, mask), ("v", ink.T, mask.T)):
        for lo, hi, start, end in _long_runs(grid, round(MIN_RULE_IN[orientation] * dpi),
                                             round(MAX_RULE_THICKNESS_IN * dpi), round(RULE_GAP_IN * dpi)):
            out[max(0, lo - 1):hi + 2, start:end] = True  # and a pixel each side: the line's blurred edge
            middle = (lo + hi) / 2
            segments.append((start, middle, end, middle) if orientation == "h" else (middle, start, middle, end))
    return segments, mask


def _long_runs(grid: np.ndarray, min_len: int, max_thickness: int, gap: int):
    """Lines along the rows of `grid`, as (first row, last row, start, end).

    A line is a band of adjacent rows holding runs of ink at least min_len long; its extent is
    the union of those runs, with pieces at most `gap` apart joined.
    """
    padded = np.zeros((grid.shape[0], grid.shape[1] + 2), np.int8)
    padded[:, 1:-1] = grid
    change = np.diff(padded, axis=1)
    rows, starts = np.nonzero(change == 1)
    _, ends = np.nonzero(change == -1)
    keep = ends - starts >= min_len
    rows, starts, ends = rows[keep], starts[keep], ends[keep]
    first = 0
    for i in range(1, len(rows) + 1):
        if i < len(rows) and rows[i] <= rows[i - 1] + 1:
            continue
        lo, hi = int(rows[first]), int(rows[i - 1])
        if hi - lo < max_thickness:
            spans = sorted(zip(starts[first:i].tolist(), ends[first:i].tolist()))
            merged = [list(spans[0])]
            for s, e in spans[1:]:
                if s <= merged[-1][1] + gap:
                    merged[-1][1] = max(merged[-1][1], e)
                else:
                    merged.append([s, e])
            for s, e in merged:
                yield lo, hi, s, e
        first = i


def _cells(rules: list[tuple[float, float, float, float]], tolerance: int) -> list[tuple[int, int, int, int]]:
    """Rectangles between neighbouring ruling lines that lines close on all four sides: the
    cells of ruled tables (a merged cell is not one, which is enough for what they serve)."""
    hs = [(y0, x0, x1) for x0, y0, x1, y1 in rules if y0 == y1]
    vs = [(x0, y0, y1) for x0, y0, x1, y1 in rules if x0 == x1]

    def positions(values: list[float]) -> list[int]:
        out: list[int] = []
        for v in sorted(values):
            if not out or v - out[-1] > tolerance:
                out.append(round(v))
        return out

    def closed(lines: list[tuple[float, float, float]], at: int, lo: int, hi: int) -> bool:
        return any(abs(p - at) <= tolerance and a <= lo + tolerance and b >= hi - tolerance for p, a, b in lines)

    ys, xs = positions([y for y, _, _ in hs]), positions([x for x, _, _ in vs])
    return [(left, top, right, bottom) for top, bottom in zip(ys, ys[1:]) for left, right in zip(xs, xs[1:])
            if closed(hs, top, left, right) and closed(hs, bottom, left, right)
            and closed(vs, left, top, bottom) and closed(vs, right, top, bottom)]


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


def _passed_over(ink: np.ndarray, cells: list[tuple[int, int, int, int]], lines: list[_HocrLine],
                 dpi: float) -> list[_HocrLine]:
    """Text in table cells that tesseract's layout analysis passed over, read again.

    It takes a narrow column of row numbers ("TT", "1", "2", ...) for noise. Each cell that
    holds ink but no word is cut to its ink, and the cuts are set side by side on white, as one
    line of text: read alone, a single character is often misread.
    """
    centers = [((w.box[0] + w.box[2]) / 2, (w.box[1] + w.box[3]) / 2) for line in lines for w in line.words]
    margin, gap = round(RULE_GAP_IN * dpi), round(CELL_GAP_IN * dpi)
    cuts = []
    for left, top, right, bottom in cells:
        if any(left <= x <= right and top <= y <= bottom for x, y in centers):
            continue
        inside = ink[top + margin:bottom - margin, left + margin:right - margin]
        if np.count_nonzero(inside) < MIN_CELL_INK_IN2 * dpi * dpi:
            continue
        rows = np.nonzero(np.count_nonzero(inside, axis=1) >= 2)[0]  # rows and columns with more than a speck
        cols = np.nonzero(np.count_nonzero(inside, axis=0) >= 2)[0]
        if len(rows) and len(cols):
            cuts.append((left + margin + cols[0], top + margin + rows[0], left + margin + cols[-1] + 1,
                         top + margin + rows[-1] + 1))
    if not cuts:
        return []
    height = max(b - t for _, t, _, b in cuts)
    strip = np.full((height + 2 * gap, sum(r - l + gap for l, _, r, _ in cuts) + gap), 255, np.uint8)
    shifts = []  # (left, right) in the strip, and how far to move back to the page
    x = gap
    for left, top, right, bottom in cuts:
        y = gap + (height - (bottom - top)) // 2
        strip[y:y + bottom - top, x:x + right - left] = np.where(ink[top:bottom, left:right], 0, 255)
        shifts.append((x, x + right - left, left - x, top - y))
        x += right - left + gap
    found = []
    for line in _tesseract(strip, dpi, psm=6):
        by_cut: dict[int, list[_HocrWord]] = {}  # a line of the strip crosses cuts: one line per cut
        for w in line.words:
            # by the left edge: tesseract may stretch a line's first word to the line's end
            k = max(i for i, (start, *_) in enumerate(shifts) if start - gap / 2 <= w.box[0] or i == 0)
            by_cut.setdefault(k, []).append(w)
        for k, words in by_cut.items():
            _, end, dx, dy = shifts[k]
            for w in words:
                w.box = (w.box[0] + dx, w.box[1] + dy, min(w.box[2], end) + dx, w.box[3] + dy)
                w.baseline += dy
            box = (min(w.box[0] for w in words), min(w.box[1] for w in words),
                   max(w.box[2] for w in words), max(w.box[3] for w in words))
            found.append(_HocrLine(box, line.size, words))
    return found


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
    """A line's words with the safe repairs of extractors/data/ocr_repairs.csv applied.

    A repair never changes the number of words, so each keeps its box, and never adds a digit.
    """
    text = " ".join(words)
    for pattern, right in _repairs():
        text = pattern.sub(lambda _, right=right: right, text)
    return text.split(" ")


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
