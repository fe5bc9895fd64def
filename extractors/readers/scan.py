"""Reader for page images: PNG, JPEG and TIFF (every frame of a multi-page TIFF is a page).

Each image is read by OCR (extractors/ocr.py) and laid out by the text-PDF reader's rules, as
a scanned PDF page is. Scanned PDFs themselves are read by the PDF reader, which OCRs exactly
the pages that lack a usable text layer.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .. import ocr
from ..errors import CorruptFile, LimitExceeded
from ..model import Document
from ..registry import register
from .pdf import layout, ocr_page

_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


@register
class ImageReader:
    name = "image"

    def accepts(self, head: bytes, path: Path) -> bool:
        return head.startswith(_MAGIC)

    def convert(self, path: Path) -> Document:
        path = Path(path)
        try:
            reads = ocr.read_image(path)
        except Image.DecompressionBombError as e:
            # Pillow refuses, before decoding, an image over twice its MAX_IMAGE_PIXELS.
            raise LimitExceeded(f"{path.name}: the image has over {2 * Image.MAX_IMAGE_PIXELS:,} pixels, far more "
                                "than a page scan, the mark of a decompression bomb; it was not decoded, check "
                                "where it came from") from e
        except (UnidentifiedImageError, OSError, ValueError) as e:  # Pillow's ways of saying the data is bad
            raise CorruptFile(f"{path.name}: the image cannot be decoded ({e}); re-download or re-scan it") from e
        pages = [ocr_page(read) for read in reads]
        return Document(source_format="image", blocks=layout(pages), page_count=len(pages), ocr_used=True,
                        ocr_confidence=ocr.mean_confidence(reads))
