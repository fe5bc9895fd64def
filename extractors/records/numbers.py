"""Vietnamese numbers: "6,63" is 6.63, "59.472" is 59472, "1.234,5" is 1234.5, "1 vạn" is 10000."""
from __future__ import annotations

import re

# A number as printed: digits with optional "." / "," groups; a leading sign is the caller's business.
NUMBER = r"\d+(?:[.,]\d+)*"
_NUMBER_RE = re.compile(rf"^{NUMBER}$")
_SCALES = {"vạn": 10_000, "nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000, "tỷ": 1_000_000_000, "tỉ": 1_000_000_000}


def parse_number(text: str) -> float | None:
    """The value of one printed number, or None when the text is not a number."""
    s = (text or "").strip().replace(" ", "")
    if not _NUMBER_RE.match(s):
        return None
    if "." in s and "," in s:
        # The separator that comes last is the decimal one: "1.234,5" (Vietnamese), "1,234.5" (English).
        dec, thou = (",", ".") if s.rfind(",") > s.rfind(".") else (".", ",")
        return float(s.replace(thou, "").replace(dec, "."))
    if "," in s:
        parts = s.split(",")
        if len(parts) > 2 and all(len(p) == 3 for p in parts[1:]):
            return float(s.replace(",", ""))  # "1,234,567": English thousands
        if len(parts) > 2:
            return None
        return float(s.replace(",", "."))  # Vietnamese decimal comma
    if "." in s:
        parts = s.split(".")
        if all(len(p) == 3 for p in parts[1:]) and parts[0] != "0":
            return float(s.replace(".", ""))  # Vietnamese thousands dot: "59.472"
        if len(parts) == 2:
            return float(s)  # "0.5", "19.5": a decimal point typed English-style
        return None
    return float(s)


def scale_of(word: str) -> int | None:
    """Multiplier of a number word that follows a number ("1 vạn" -> 10000)."""
    return _SCALES.get((word or "").strip().lower())
