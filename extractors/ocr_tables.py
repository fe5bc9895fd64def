"""Ruled tables on page images: their ruling lines, their cells, and text in cells that OCR's
layout analysis passed over.

The ruling lines go to the text-PDF reader as drawn strokes, which finds tables, merged cells
and tables continued across pages in them as it does on born-digital pages; the lines are also
cleared from the image before OCR, since tesseract reads a ruled cell's borders as letters.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

# Ruling lines, in inches: a cell border is at least as long as a narrow column is wide or a
# one-line row is high, while letters are shorter (a 14 pt capital is 0.14 in); a line is
# thinner than a filled area, such as the dark border of a scan.
MIN_RULE_IN = {"h": 0.3, "v": 0.2}
MAX_RULE_THICKNESS_IN = 0.04
RULE_GAP_IN = 0.03  # pieces of one line that the scan broke apart
# A table cell holds text when it holds more ink than specks leave (a "1" has 0.002 in²).
MIN_CELL_INK_IN2 = 0.001
CELL_GAP_IN = 0.2  # white space between cells put side by side to be read again


def find_rules(ink: np.ndarray, dpi: float) -> tuple[list[tuple[float, float, float, float]], np.ndarray]:
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


def closed_cells(rules: list[tuple[float, float, float, float]], tolerance: int) -> list[tuple[int, int, int, int]]:
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


def passed_over(ink: np.ndarray, rules: list[tuple[float, float, float, float]], lines: list, dpi: float,
                read_strip: Callable[[np.ndarray], list]) -> list:
    """Text in table cells that tesseract's layout analysis passed over, read again.

    It takes a narrow column of row numbers ("TT", "1", "2", ...) for noise. Each cell that
    holds ink but no word is cut to its ink, and the cuts are set side by side on white, as one
    line of text: read alone, a single character is often misread. `lines` are OCR's lines of
    the page (each with its words' boxes); `read_strip` reads an image as such lines.
    """
    cells = closed_cells(rules, round(RULE_GAP_IN * dpi))
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
    for line in read_strip(strip):
        by_cut: dict[int, list] = {}  # a line of the strip crosses cuts: one line per cut
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
            found.append(replace(line, box=box, words=words))
    return found
