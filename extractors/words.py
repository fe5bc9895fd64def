"""A word placed on a page: what the text-PDF reader takes from a PDF's text layer and what OCR
reads from a page image, so that both go through the same line, paragraph and table layout."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PlacedWord:
    """A word in points, y down from the top of the page."""
    text: str
    x0: float
    x1: float
    baseline: float
    size: float
    bold: bool
    space_after: bool = False  # text layer: a space was typed after it, even where the line then broke
    confidence: float | None = None  # OCR: Tesseract's confidence in the word, 0-100
