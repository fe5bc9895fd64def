"""Pages whose text runs sideways, turned upright before OCR.

A landscape appendix (a wide task table) is often scanned, or printed into a PDF, as a
portrait page whose lines run from bottom to top or from top to bottom; tesseract reads such a
page as noise. Whether the lines run across or down is told cheaply from the ink: along the
lines, rows of ink alternate with white (the projection across the page changes sharply from
row to row), down the lines it does not. Only for a page that looks sideways is tesseract asked
which way is up: its orientation detection (osd), or, without its data, whichever turn reads
with the highest confidence.
"""
from __future__ import annotations

import os
import re
import subprocess

import numpy as np

# A page is sideways when its ink changes this many times more sharply across its columns than
# across its rows. Measured: upright pages of prose or tables 1.35-3 the other way round,
# sideways ones 1.3-3 this way.
SIDEWAYS_RATIO = 1.15
BAND = 4  # rows (columns) summed together: lines of 12 pt are still 12 bands high at 300 dpi
OSD_TIMEOUT_S = 120
_ROTATE = re.compile(rb"Rotate:\s*(\d+)")


def quarter_turns(pixels: np.ndarray, ink: np.ndarray, dpi: float) -> int:
    """How many quarter turns counter-clockwise (np.rot90) make the lines of text of a page run
    left to right: 0 for an upright page, 1 or 3 for a sideways one.

    The ink only says whether a page may be sideways: a page of a few short lines (the
    recipients and the signature) can look so. Tesseract then has the last word."""
    if not is_sideways(ink):
        return 0
    turns = _osd_turns(pixels, dpi)
    if turns is None:
        turns = max((0, 1, 3), key=lambda k: _confidence(np.rot90(pixels, k), dpi))
    return turns


def is_sideways(ink: np.ndarray) -> bool:
    def changes(profile: np.ndarray) -> float:
        bands = profile[:len(profile) // BAND * BAND].reshape(-1, BAND).sum(axis=1).astype(float)
        return float(np.abs(np.diff(bands)).sum() / max(bands.sum(), 1.0))

    across_rows, across_columns = changes(ink.sum(axis=1)), changes(ink.sum(axis=0))
    return across_columns > SIDEWAYS_RATIO * across_rows


def _osd_turns(pixels: np.ndarray, dpi: float) -> int | None:
    """The quarter turns tesseract's orientation detection asks for; None without its data or
    when it finds too few letters to tell."""
    done = _run(pixels[::2, ::2], dpi / 2, ["--psm", "0"])  # half the resolution is plenty, and 4 times faster
    found = _ROTATE.search(done.stdout) if done.returncode == 0 else None
    if found is None:
        return None
    # it states the clockwise turn; upside down (180) is not what the ink saw: leave the page be
    return {90: 3, 270: 1}.get(int(found.group(1)) % 360, 0)


def _confidence(pixels: np.ndarray, dpi: float) -> float:
    """Mean confidence of the words read in the middle third of the page (a sample is enough)."""
    third = pixels.shape[0] // 3
    done = _run(pixels[third:2 * third], dpi, ["-l", "vie", "--psm", "6", "tsv"])
    confidences = [float(row.split(b"\t")[10]) for row in done.stdout.splitlines()[1:]
                   if row.count(b"\t") >= 11 and row.split(b"\t")[11].strip()]
    return sum(confidences) / len(confidences) if confidences else 0.0


def _run(pixels: np.ndarray, dpi: float, args: list[str]) -> subprocess.CompletedProcess:
    pgm = b"P5 %d %d 255\n" % (pixels.shape[1], pixels.shape[0]) + np.ascontiguousarray(pixels).tobytes()
    return subprocess.run(["tesseract", "stdin", "stdout", "--dpi", str(round(dpi)), *args], input=pgm,
                          capture_output=True, timeout=OSD_TIMEOUT_S, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
