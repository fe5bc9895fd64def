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


def tcvn3_pieces(text: str) -> list[tuple[str, bool]]:
    """The text as typed with TCVN3 fonts: (legacy text, whether set in the capitals font .VnTimeH).

    A run in capitals goes whole into .VnTimeH, typed in small letters as its font allows; elsewhere
    a capital that TCVN3 lacks (Ủ, Ế) is typed with the small letter's code in a .VnTimeH run of
    its own, as typists did, so that no capital is lost."""
    if any(ch.isalpha() for ch in text) and text == text.upper():
        return [(to_tcvn3(text.lower()), True)]
    pieces: list[tuple[str, bool]] = []
    for ch in text:
        capital = ch != ch.lower() and not ch.isascii() and to_tcvn3(ch) == to_tcvn3(ch.lower())
        if pieces and pieces[-1][1] == capital:
            pieces[-1] = (pieces[-1][0] + to_tcvn3(ch), capital)
        else:
            pieces.append((to_tcvn3(ch), capital))
    return pieces
