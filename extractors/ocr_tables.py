"""Ruled tables on page images: their ruling lines, their cells, and reading the text of each cell.

The ruling lines go to the text-PDF reader as drawn strokes, which finds tables, merged cells
and tables continued across pages in them as it does on born-digital pages; the lines are also
cleared from the image before OCR, since tesseract reads a ruled cell's borders as letters.

Cells are not left to tesseract's page layout analysis: with the borders gone it reads a table
row as lines of text running across the cells, and a cell whose text sits lower or higher than
its neighbours' (one line centred beside three) is cut into pieces of those lines or dropped,
as is a narrow column of row numbers. So the cells are cut out of the page and read together
in one tesseract run, on a strip where the cells of a table row stand side by side at their
own x, their first lines on one baseline; each word then goes back to its cell's place on the page, in
place of what the page's own reading found there.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np
from pdfplumber.table import edges_to_intersections, intersections_to_cells, merge_edges

# Ruling lines, in inches: a cell border is at least as long as a narrow column is wide or a
# one-line row is high, while letters are shorter (a 14 pt capital is 0.14 in); a line is
# thinner than a filled area, such as the dark border of a scan.
MIN_RULE_IN = {"h": 0.3, "v": 0.2}
MAX_RULE_THICKNESS_IN = 0.04
RULE_GAP_IN = 0.03  # pieces of one line that the scan broke apart
# A table cell holds text when it holds more ink than specks leave (a "1" has 0.002 in²).
MIN_CELL_INK_IN2 = 0.001
CELL_GAP_IN = 0.2  # white space around the cells set on the strip to be read
# What of a cell's edge is left out of it: the ruling lines are cleared already (with a pixel each
# side), and text set tight in its cell has descenders within a hair of the border.
CELL_MARGIN_IN = 0.01
SPECK_IN = 0.012  # a blot of ink this wide and high, or less, is a speck of the scan, not text
# Within a line of text, the gap between a letter and the tone mark over it, at most; and the
# share of a line's ink above its baseline (descenders hold the rest, little of it).
MARK_GAP_IN = 0.015
ABOVE_BASELINE = 0.93
# How far apart, in points, ruling lines may be and still meet: the text-PDF reader's tolerance
# for drawn strokes (extractors/readers/pdf.py), so that both find the same cells.
CELL_SNAP_PT = 3

Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels


def find_rules(ink: np.ndarray, dpi: float) -> tuple[list[tuple[float, float, float, float]], np.ndarray]:
    """Horizontal and vertical ruling lines as (x0, y0, x1, y1) in pixels, and a mask of their pixels."""
    mask = np.zeros_like(ink)
    segments = []
    for orientation, grid, out in (("h", ink, mask), ("v", ink.T, mask.T)):
        for lo, hi, start, end in _long_runs(grid, round(MIN_RULE_IN[orientation] * dpi),
                                             round(MAX_RULE_THICKNESS_IN * dpi), round(RULE_GAP_IN * dpi)):
            out[max(0, lo - 2):hi + 3, start:end] = True  # and two pixels each side: the line's blurred edge
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


def table_cells(rules: list[tuple[float, float, float, float]], dpi: float) -> list[Box]:
    """The cells the ruling lines make, merged cells whole, found as the text-PDF reader finds
    the cells of drawn strokes (pdfplumber's intersections, with its tolerance)."""
    pt = 72 / dpi
    edges = []
    for x0, y0, x1, y1 in rules:
        x0, y0, x1, y1 = x0 * pt, y0 * pt, x1 * pt, y1 * pt
        if y0 == y1:
            edges.append({"orientation": "h", "object_type": "line", "x0": x0, "x1": x1, "top": y0, "bottom": y0,
                          "doctop": y0, "width": x1 - x0, "height": 0.0})
        else:
            edges.append({"orientation": "v", "object_type": "line", "x0": x0, "x1": x0, "top": y0, "bottom": y1,
                          "doctop": y0, "width": 0.0, "height": y1 - y0})
    if len(edges) < 4:
        return []
    edges = merge_edges(edges, CELL_SNAP_PT, CELL_SNAP_PT, CELL_SNAP_PT, CELL_SNAP_PT)
    cells = intersections_to_cells(edges_to_intersections(edges, CELL_SNAP_PT, CELL_SNAP_PT))
    return [(round(x0 / pt), round(top / pt), round(x1 / pt), round(bottom / pt)) for x0, top, x1, bottom in cells]


def read_page(pixels: np.ndarray, ink: np.ndarray, rules: list[tuple[float, float, float, float]], dpi: float,
              read: Callable[[np.ndarray, int], list]) -> list:
    """OCR's lines of a page whose ruling lines are cleared: the text outside table cells as
    tesseract lays the page out, and the text of each cell read on a strip of cells.

    The page is read whole, cells included: tesseract's layout analysis of a page left with
    nothing but its margins reads a scan's dark edge as words. What it read inside a cell is
    dropped for what the strip gives, unless only it has a letter or a digit there.

    `read(image, psm)` runs tesseract on a grey image with a page segmentation mode and returns
    its lines, each with a `box` and `words` having a `box` and a `baseline`, in pixels.
    """
    cells = [(cell, cut) for cell in table_cells(rules, dpi) if (cut := _ink_box(ink, cell, dpi)) is not None]
    page = read(pixels, 3)
    if not cells:
        return page
    strip = _read_cells(pixels, ink, cells, dpi, read)

    def legible(lines: list) -> set[int | None]:
        return {_cell_of(w, cells) for line in lines for w in line.words if any(ch.isalnum() for ch in w.text)}

    # a cell takes the strip's words, or the page's where only those have a letter or a digit
    # (a lone row number the strip misread as a dash); outside the cells, the page's
    from_strip = legible(strip)
    from_page = (legible(page) - from_strip) | {None}
    return keep_words(page, lambda w: _cell_of(w, cells) in from_page) + keep_words(
        strip, lambda w: _cell_of(w, cells) not in from_page)


def keep_words(lines: list, wanted: Callable) -> list:
    """The lines with only their wanted words, those left without any dropped."""
    out = []
    for line in lines:
        words = [w for w in line.words if wanted(w)]
        if words:
            box = (min(w.box[0] for w in words), min(w.box[1] for w in words),
                   max(w.box[2] for w in words), max(w.box[3] for w in words))
            out.append(replace(line, box=box, words=words))
    return out


def _cell_of(word, cells: list[tuple[Box, Box]]) -> int | None:
    """The index of the cell holding a word's centre, None outside the cells."""
    x, y = (word.box[0] + word.box[2]) / 2, (word.box[1] + word.box[3]) / 2
    return next((i for i, ((left, top, right, bottom), _) in enumerate(cells)
                 if left <= x <= right and top <= y <= bottom), None)


def _ink_box(ink: np.ndarray, cell: Box, dpi: float) -> Box | None:
    """The box of the ink inside a cell, away from its borders; None for a cell without text."""
    margin = round(CELL_MARGIN_IN * dpi)
    left, top, right, bottom = cell[0] + margin, cell[1] + margin, cell[2] - margin, cell[3] - margin
    if right <= left or bottom <= top:
        return None
    inside = ink[top:bottom, left:right]
    if np.count_nonzero(inside) < MIN_CELL_INK_IN2 * dpi * dpi:
        return None
    # the extent of the ink without specks of the scan at its edges, which would be read as a
    # letter ("TT" as "I TT"); then a pad, for the thin ends of strokes
    pad, speck = round(CELL_MARGIN_IN * dpi), SPECK_IN * dpi
    # down, runs of rows (a thin stroke, the stem of a 7, has few pixels a row); across, columns
    # with more ink than a speck has, which would be read as a letter beside a short word
    rows = _extent(np.count_nonzero(inside, axis=1), speck ** 2)
    marked = np.nonzero(np.count_nonzero(inside, axis=0) > speck)[0]
    if rows is None or not len(marked):
        return None
    cols = int(marked[0]), int(marked[-1]) + 1
    return (left + max(0, cols[0] - pad), top + max(0, rows[0] - pad),
            left + min(inside.shape[1], cols[1] + pad), top + min(inside.shape[0], rows[1] + pad))


def _extent(counts: np.ndarray, speck: float) -> tuple[int, int] | None:
    """First and last (exclusive) index of the runs of ink along a profile, less runs at either
    end that hold no more ink than a speck."""
    marked = np.nonzero(counts >= 2)[0]
    if not len(marked):
        return None
    starts = np.concatenate(([0], np.nonzero(np.diff(marked) > 1)[0] + 1))
    runs = [(int(marked[a]), int(marked[b - 1]) + 1) for a, b in zip(starts, list(starts[1:]) + [len(marked)])]
    while len(runs) > 1 and counts[runs[0][0]:runs[0][1]].sum() <= speck:
        runs.pop(0)
    while len(runs) > 1 and counts[runs[-1][0]:runs[-1][1]].sum() <= speck:
        runs.pop()
    return runs[0][0], runs[-1][1]


def _read_cells(pixels: np.ndarray, ink: np.ndarray, cells: list[tuple[Box, Box]], dpi: float,
                read: Callable[[np.ndarray, int], list]) -> list:
    """The text of table cells (each a cell and the box of its ink), one line of OCR per line of a cell.

    The cells of a table row (their top border at one height) make a shelf of the strip; on it
    each keeps its x, its text moved so that the baselines of the first lines meet: the first lines of neighbouring cells are one line for
    tesseract, and their next lines mostly too (same font, same pitch), and a row number beside
    its task is read as a word of a line, not as a speck. Shelves are stacked with white
    between them and read as one block (psm 6).
    """
    if not cells:
        return []
    gap, tolerance = round(CELL_GAP_IN * dpi), round(RULE_GAP_IN * dpi)
    shelves: list[list[Box]] = []  # the ink boxes of each row's cells
    row_top = None
    for cell, cut in sorted(cells, key=lambda c: (c[0][1], c[0][0])):
        if row_top is None or cell[1] - row_top > tolerance:
            shelves.append([])
            row_top = cell[1]
        shelves[-1].append(cut)
    rows = []  # per shelf: each cut and how far below the shelf's top it goes
    for shelf in shelves:
        bases = [_first_baseline(ink[t:b, l:r], dpi) for l, t, r, b in shelf]
        rows.append([(cut, max(bases) - base) for cut, base in sorted(zip(shelf, bases))])
    heights = [max(down + b - t for (_, t, _, b), down in row) for row in rows]
    strip = np.full((sum(heights) + gap * (len(shelves) + 1), pixels.shape[1]), 255, np.uint8)
    # per shelf: its top and bottom on the strip, its cuts and where each went (left, top)
    placed: list[tuple[int, int, list[tuple[Box, int, int]]]] = []
    y = gap
    for row, height in zip(rows, heights):
        at = []
        for (left, top, right, bottom), down in row:
            strip[y + down:y + down + bottom - top, left:right] = pixels[top:bottom, left:right]
            at.append(((left, top, right, bottom), left, y + down))
        placed.append((y, y + height, at))
        y += height + gap
    found = []
    for line in read(strip, 6):
        by_cut: dict[Box, list] = {}  # a line of the strip crosses cells: one line per cell
        for w in line.words:
            x, y = (w.box[0] + w.box[2]) / 2, (w.box[1] + w.box[3]) / 2
            _, _, shelf = min(placed, key=lambda p: 0 if p[0] <= y <= p[1] else min(abs(y - p[0]), abs(y - p[1])))
            # by the left edge: tesseract may stretch a line's first word to the line's end
            cut, sx, sy = max((c for c in shelf if c[1] - gap / 2 <= w.box[0]), key=lambda c: c[1], default=shelf[0])
            by_cut.setdefault(cut, []).append((w, sx, sy))
        for cut, words in by_cut.items():
            # a speck or a scrap of a border beside the text comes out as a lone stroke ("2 _", "5 `")
            while len(words) > 1 and not any(ch.isalnum() for ch in words[-1][0].text):
                words.pop()
            for w, sx, sy in words:
                dx, dy = cut[0] - sx, cut[1] - sy
                x0 = max(w.box[0], sx)
                x1 = max(x0 + 1, min(w.box[2], sx + cut[2] - cut[0]))  # kept to the cell
                w.box = (x0 + dx, w.box[1] + dy, x1 + dx, w.box[3] + dy)
                w.baseline += dy
            ws = [w for w, _, _ in words]
            box = (min(w.box[0] for w in ws), min(w.box[1] for w in ws), max(w.box[2] for w in ws), max(w.box[3] for w in ws))
            found.append(replace(line, box=box, words=ws))
    return found


def _first_baseline(ink: np.ndarray, dpi: float) -> int:
    """The row of a cell's ink where its first line of text sits: the first line is the first
    band of rows with ink (gaps thinner than a mark's over its letter bridged), and its baseline
    the row above which most of its ink lies, all but what descenders hold."""
    counts = np.count_nonzero(ink, axis=1)
    rows = np.nonzero(counts >= 2)[0]
    if not len(rows):
        return 0
    breaks = np.nonzero(np.diff(rows) > round(MARK_GAP_IN * dpi))[0]
    line = counts[rows[0]:(rows[breaks[0]] if len(breaks) else rows[-1]) + 1]
    return int(rows[0] + np.searchsorted(np.cumsum(line), ABOVE_BASELINE * line.sum()))
