"""Tone marks that OCR bent, put back by the Vietnamese syllable inventory and word dictionary.

Tesseract's usual misreading of Vietnamese is a mark: a tone stacked on a circumflex or a horn is
lost or read as another (cấp → câp, đổi → đôi, lần đầu → lân đâu, CHẤP → CHÁP). The letters under
the marks are read right, so the word meant is one with the same letters and other marks:

1. A word that is no Vietnamese syllable (not in extractors/data/vi_syllables.csv) becomes the one
   syllable with its letters and marks, a mark added or the tone another (OCR loses marks, it
   does not invent a circumflex or a horn), or, of several, the one that makes a dictionary word
   with a neighbour (xuât → xuất; CHÁP THUẬN → CHẤP THUẬN).
2. Two syllables that make no dictionary word, where neither makes one with its other neighbour
   as read, become the one pair that does, a tone added to a syllable with a circumflex and no
   tone (đâu tư → đầu tư, thành phô → thành phố, chủ trì tông hợp → tổng hợp). Only that change:
   the others OCR makes more rarely than the dictionary's gaps would make wrong ones (của → cửa).
   A function word (ở, và, của: underthesea's stop words) vouches for no change of its neighbour.

The dictionary is underthesea's Viet74K word list (read from the installed package, without
importing it). The inventory, extractors/data/vi_syllables.csv, was built once from the
syllables of that list that are well formed (an onset, a rhyme of Vietnamese, at most one tone,
and a stop ending -c -ch -p -t only under the acute or the dot: its typos, such as biêt, are not),
with both places of a tone on oa, oe, uy (hòa, hoà), and the well-formed syllables seen at least
three times in the corpus's born-digital DOCX, HTML and text documents (nguyễn, đạ). A word that has digits, other letters or
signs inside (QĐ-UBND, 2024, H'Mông) is left alone, and so is a word with no syllable of its
letters (a code, a name of another language: UBND, KH, PCI): only marks are ever changed, and
only where the choice is one.
"""
from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from .domain import table
from .normalize import normalize_text

_CORE = re.compile(r"^(\W*)([^\W\d_]+)(\W*)$")
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below


def skeleton(syllable: str) -> str:
    """The letters without their marks (đ stays đ: OCR does not confuse it with d)."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def toneless(syllable: str) -> str:
    """The syllable without its tone, with its other marks (cấp → câp)."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))


def _tone(syllable: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", syllable) if ch in _TONES)


def _stacked(syllable: str) -> bool:
    """Whether the syllable has a circumflex, where a tone mark sits on another mark."""
    return "\u0302" in unicodedata.normalize("NFD", syllable)


@lru_cache(maxsize=None)
def syllables() -> frozenset[str]:
    return frozenset(row["syllable"] for row in table("vi_syllables"))


def _syllables_by(key: Callable[[str], str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for syllable in sorted(syllables()):
        out.setdefault(key(syllable), []).append(syllable)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=None)
def _by_skeleton() -> dict[str, tuple[str, ...]]:
    return _syllables_by(skeleton)


@lru_cache(maxsize=None)
def _by_toneless() -> dict[str, tuple[str, ...]]:
    return _syllables_by(toneless)


@lru_cache(maxsize=None)
def word_pairs() -> frozenset[tuple[str, str]]:
    """Pairs of neighbouring syllables inside the words of the dictionary (thực hiện, ủy ban)."""
    pairs = set()
    for line in _underthesea_file("corpus/data/Viet74K.txt").read_text(encoding="utf-8").splitlines():
        parts = unicodedata.normalize("NFC", line).lower().replace("-", " ").split()
        pairs.update(zip(parts, parts[1:]))
    return frozenset(pairs)


@lru_cache(maxsize=None)
def function_words() -> frozenset[str]:
    """The commonest syllables of Vietnamese text (underthesea's stop words: của, và, ở, để)."""
    return frozenset(line.strip().lower() for line in _underthesea_file("datasets/stopwords/stopwords.txt")
                     .read_text(encoding="utf-8").splitlines() if line.strip())


def _underthesea_file(name: str) -> Path:
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the OCR word repair needs the package underthesea (a dependency of vnplan)")
    return Path(spec.submodule_search_locations[0]) / name


def repair_tones(words: list[str]) -> list[str]:
    """A line's words with their tone marks repaired; the same number of words, in their order."""
    cores = []  # (lead, lower-case syllable or None, trail) for each word
    for word in words:
        m = _CORE.match(unicodedata.normalize("NFC", word))
        cores.append((m.group(1), normalize_text(m.group(2).lower()), m.group(3)) if m else (None, None, None))
    known = syllables()
    pairs = word_pairs()
    common = function_words()
    lower = [c[1] for c in cores]

    def neighbours_pair(i: int, choice: str) -> bool:
        # the choice makes a word with the syllable before or after it, with nothing between
        left = i > 0 and lower[i - 1] and not cores[i - 1][2] and not cores[i][0] and (lower[i - 1], choice) in pairs
        right = (i + 1 < len(lower) and lower[i + 1] and not cores[i][2] and not cores[i + 1][0]
                 and (choice, lower[i + 1]) in pairs)
        return bool(left or right)

    # 1. words that are no syllable
    for i, syllable in enumerate(lower):
        if syllable is None or syllable in known:
            continue
        options = tuple(o for o in _by_skeleton().get(skeleton(syllable), ()) if _keeps_marks(syllable, o))
        if len(options) > 1:
            options = tuple(o for o in options if neighbours_pair(i, o))
        if len(options) == 1:
            lower[i] = options[0]
    # 2. pairs of syllables that make no word
    for i in range(len(lower) - 1):
        a, b = lower[i], lower[i + 1]
        if (a is None or b is None or a not in known or b not in known or cores[i][2] or cores[i + 1][0]
                or (a, b) in pairs or neighbours_pair(i, a) or neighbours_pair(i + 1, b)):
            continue
        # A function word (ở, có, của) is read right, and it makes a dictionary word with too many
        # syllables to vouch for a change of its neighbour; a syllable after one (ở đây) may be
        # a word of its own, so it is not changed to make a word with the syllable after it
        # (ở đây mạnh hơn stays); before one it may (thành phô trong tỉnh → thành phố).
        before = lower[i - 1] if i > 0 else None
        options = [(x, y) for x in _tones_of(a) for y in _tones_of(b) if (x, y) in pairs
                   and (x == a or (a not in common and b not in common and before not in common))
                   and (y == b or (b not in common and a not in common))]
        if len(options) == 1:
            lower[i], lower[i + 1] = options[0]
    return [word if syllable is None or syllable == core[1] else core[0] + _cased(syllable, word) + core[2]
            for word, syllable, core in zip(words, lower, cores)]


def _keeps_marks(read: str, option: str) -> bool:
    """Whether the option has every mark of the read syllable but its tone, on the same letters."""
    def marks(syllable: str) -> list[set[str]]:
        out: list[set[str]] = []
        for ch in unicodedata.normalize("NFD", syllable):
            if not unicodedata.combining(ch):
                out.append(set())
            elif ch not in _TONES and out:
                out[-1].add(ch)
        return out
    return all(a <= b for a, b in zip(marks(read), marks(option)))


def _tones_of(syllable: str) -> tuple[str, ...]:
    """The syllable, and what it may be where OCR lost one of two stacked marks: a circumflex
    with no tone may have lost its tone (phô: phố, phồ, phổ, ...), and a tone on a bare a, e, o
    its circumflex (phó: phố). OCR does this far more often than it reads a tone where there is
    none, or one tone for another."""
    if _stacked(syllable):
        return _by_toneless().get(syllable, (syllable,)) if syllable == toneless(syllable) else (syllable,)
    if syllable == toneless(syllable):
        return (syllable,)
    bare = unicodedata.normalize("NFD", toneless(syllable))
    return (syllable,) + tuple(o for o in _by_skeleton().get(skeleton(syllable), ()) if _tone(o) == _tone(syllable)
                               and _stacked(o) and unicodedata.normalize("NFD", toneless(o)).replace("\u0302", "", 1) == bare)


def _cased(syllable: str, word: str) -> str:
    """The syllable in the case the word was read in: lower, capitalised or capitals."""
    read = _CORE.match(unicodedata.normalize("NFC", word)).group(2)
    if read.isupper() and len(read) > 1:
        return syllable.upper()
    if read[0].isupper():
        return syllable[0].upper() + syllable[1:]
    return syllable
