"""Encoders into the legacy Vietnamese font encodings, for tests that need text typed in them."""
from pathlib import Path


def _table(name: str, key: str) -> dict[str, str]:
    lines = (Path(__file__).resolve().parents[1] / "extractors" / "data" / f"{name}.csv").read_text("utf-8")
    rows = [line.split(",") for line in lines.splitlines()[1:]]
    return {letter: chr(int(code, 16)) if key == "code" else code for code, letter in rows}


def to_tcvn3(text: str) -> str:
    # capitals with tone marks are typed with the lower-case code, as in a .VnTimeH heading
    letters = _table("legacy_tcvn3", "code")
    return "".join(letters.get(ch) or letters.get(ch.lower(), ch) for ch in text)


def to_vni(text: str) -> str:
    letters = _table("legacy_vni", "sequence")
    return "".join(letters.get(ch, ch) for ch in text)
