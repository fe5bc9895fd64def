"""Agency names: split a cell that names several agencies, and give each its canonical name.

The vocabulary is extractors/data/agency_aliases.csv, with four kinds of row:
- `name`: a printed form and its canonical name ("Sở KH và Đầu tư" -> "Sở Kế hoạch và Đầu tư");
  every canonical name is a known name too. A name also matches as the head of a longer one,
  whose qualifier is kept ("BHXH tỉnh" -> "Bảo hiểm xã hội tỉnh").
- `type`: the words that open an agency name (Sở, UBND, Công an, ...). A capitalized type only
  opens a name when capitalized: "ban" in "Các sở, ban, ngành" is a common noun.
- `note`: role words; a parenthesis holding one is dropped from a name ("Sở Y tế (chủ trì)").
- `scope`: where a collective of localities lies ("trong tỉnh", "trên địa bàn huyện"), dropped after
  one: "UBND các huyện, thành phố trong tỉnh" are the province's districts, "UBND các huyện, thành
  phố". After other agencies it is kept ("ngành chức năng trong huyện": the district's own).
Names are compared by their key: folded words with punctuation removed, so "Sở KH&ĐT" and
"Sở KHĐT" meet, while "Sở Kế hoạch - Đầu tư" needs its own row.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..domain import table
from ..normalize import clean_line, fold, normalize_text, word_key

# The plural "các" opens a collective ("Các cơ quan, đơn vị liên quan", "các sở, ngành"), and "và"
# joins two agencies; both are grammar rather than vocabulary.
_PLURAL = "cac"
_AND = "va"
_TOKEN = re.compile(r"\n|[;,]|[^\s;,]+")
_PUNCT = {",", ";", "\n"}
_PAREN = re.compile(r"\s*\([^()]*\)")
_WORD_BREAK = re.compile(r"[\s\-–—]+")
# A head match is refused when the name goes on with a joiner: "Sở Giáo dục - Đào tạo" is not
# "Sở Giáo dục" qualified by "- Đào tạo".
_JOINERS = {"va", "-", "–", "&"}
# Longest piece of text still read as one agency name when checking a flattened table.
_MAX_NAME_WORDS = 12
_MAX_UNKNOWN_NAME_WORDS = 6


def _keys(text: str) -> tuple[str, ...]:
    # A dash joins two names with or without spaces ("Thông tin - Truyền thông", "Thông tin-Truyền thông").
    return tuple(k for k in map(word_key, _WORD_BREAK.split(text)) if k)


@lru_cache(maxsize=None)
def _names() -> dict[tuple[str, ...], str]:
    rows = [r for r in table("agency_aliases") if r["kind"] == "name"]
    names = {_keys(r["canonical"]): r["canonical"] for r in rows}
    names.update({_keys(r["alias"]): r["canonical"] for r in rows})
    return names


def is_known_name(text: str) -> bool:
    """Is the text an agency name (or alias) of agency_aliases.csv, as a whole?"""
    return _keys(text) in _names()


@lru_cache(maxsize=None)
def _unspaced_names() -> dict[str, str]:
    """Known names keyed without their spaces: OCR glues syllables ("Sở Thôngtin và Truyền thông")."""
    return {"".join(keys): canon for keys, canon in _names().items()}


@lru_cache(maxsize=None)
def _types() -> tuple[tuple[str, ...], ...]:
    """Type phrases as written, longest first."""
    phrases = {tuple(r["alias"].split()) for r in table("agency_aliases") if r["kind"] == "type"}
    return tuple(sorted(phrases, key=len, reverse=True))


@lru_cache(maxsize=None)
def _type_keys() -> dict[str, tuple[tuple[tuple[str, ...], bool], ...]]:
    """The type phrases by the key of their first word: (keys of their words, whether it opens a
    name in lower case too), in _types() order."""
    by_first: dict[str, list[tuple[tuple[str, ...], bool]]] = {}
    for phrase in _types():
        keys = tuple(map(word_key, phrase))
        by_first.setdefault(keys[0], []).append((keys, phrase[0][:1].islower()))
    return {k: tuple(v) for k, v in by_first.items()}


@lru_cache(maxsize=None)
def _notes() -> tuple[str, ...]:
    return tuple(fold(r["alias"]) for r in table("agency_aliases") if r["kind"] == "note")


@lru_cache(maxsize=None)
def _qualifier_words() -> frozenset[str]:
    """Words that may follow a name without making it another name: localities and "cấp"."""
    words = {w for r in table("locality_levels") for w in _keys(r["word"])}
    return frozenset(words | {"cap", _PLURAL, _AND})


def canonical_agency(raw: str) -> str:
    """The canonical name of one agency; the printed name, tidied, when the table does not know it."""
    name = _without_scope(_tidy(raw))
    words = name.split()
    for end in range(len(words), 0, -1):
        canon = _names().get(_keys(" ".join(words[:end])))
        if canon is None or not word_key(words[end - 1]):
            continue
        rest = words[end:]
        if not rest:
            return canon
        if fold(rest[0]) in _JOINERS or words[end - 1].endswith(("-", ",")):
            return name
        return f"{canon} {' '.join(rest)}"
    return _unspaced_names().get("".join(_keys(name)), name)


def _without_scope(name: str) -> str:
    """The name without a `scope` after a locality word ("UBND các xã trong huyện" -> "UBND các xã")."""
    keys = _keys(name)
    for scope in _scopes():
        if len(keys) > len(scope) and keys[-len(scope):] == scope and keys[-len(scope) - 1] in _locality_words():
            return " ".join(name.split()[:-len(scope)]).rstrip(" ,;")
    return name


@lru_cache(maxsize=None)
def _scopes() -> tuple[tuple[str, ...], ...]:
    return tuple(sorted({_keys(r["alias"]) for r in table("agency_aliases") if r["kind"] == "scope"},
                        key=len, reverse=True))


@lru_cache(maxsize=None)
def _locality_words() -> frozenset[str]:
    """The last word of each locality level ("huyện", "phố" of "thành phố", "xã")."""
    return frozenset(_keys(r["word"])[-1] for r in table("locality_levels"))


def split_agencies(cell: str, canonical: bool = True) -> list[str]:
    """The agencies a cell names, in order and without repeats; canonical names unless asked for the printed ones."""
    names = [_tidy(piece) for _, piece in agency_pieces(cell)]
    if canonical:
        names = [canonical_agency(n) for n in names]
    return list(dict.fromkeys(n for n in names if n))


def agency_pieces(text: str) -> list[tuple[str, str]]:
    """Split text naming agencies into (separator, piece): the separator before each piece is
    ";", ",", "và", "\\n" (a line break) or " " (nothing but a space), "" for the first piece.

    ";" always separates. ",", "và" and a line break separate when the next word opens an agency
    name; a bare space only after a complete known name ("Sở Y tế Sở Giáo dục"). Nothing inside a
    known name is split ("Sở Văn hóa, Thể thao và Du lịch"), and inside a collective only a
    capitalized name or a new "các" starts another piece ("Các sở, ngành, UBND cấp huyện").
    """
    toks = _TOKEN.findall(normalize_text(text or ""))
    pieces: list[tuple[str, list[str]]] = []
    pending: list[str] = []
    protected = -1  # last token of a known name the current piece began with
    for i, tok in enumerate(toks):
        if tok in _PUNCT or fold(tok) == _AND:
            pending.append(tok)
            continue
        if not pieces or (i > protected and _splits(toks, i, pieces[-1][1], pending)):
            pieces.append((_separator(pending) if pieces else "", [tok]))
            protected = _known_name_end(toks, i)
        else:
            pieces[-1][1].extend(t for t in pending if t != "\n")
            pieces[-1][1].append(tok)
        pending = []
    return [(sep, re.sub(r" ([,;])", r"\1", " ".join(words))) for sep, words in pieces]


def starts_agency(text: str) -> bool:
    """Does text begin with a word that opens an agency name?"""
    longest = len(_types()[0])
    head = " ".join((text or "").split(maxsplit=longest)[:longest])
    return bool(_opener_length(_TOKEN.findall(normalize_text(head)), 0))


def head_noun_length(text: str, any_case: bool = False) -> int:
    """How many words at the start of text form an agency head noun (Sở, Ủy ban, Công an, ...),
    accents and all ("Số lượng" and "Phong trào" are no "Sở", "Phòng"); 0 if none. A capitalized
    head noun only counts in lower case when any_case is asked: after "các" the common noun names
    agencies too ("các sở, ngành")."""
    words = [w.strip(",;:.()") for w in normalize_text(text or "").split()[:len(_types()[0])]]
    for phrase in _types():
        n = len(phrase)
        if [w.lower() for w in words[:n]] == [w.lower() for w in phrase] and (
                any_case or phrase[0][:1].islower() or words[0][:1].isupper()):
            return n
    return 0


def is_bare_head_noun(piece: str) -> bool:
    """Is the piece a head noun alone, no name after it ("Báo" in "Báo và Đài Phát thanh ...")?"""
    words = _tidy(piece).split()
    return bool(words) and head_noun_length(piece) == len(words)


def looks_like_agency(piece: str) -> bool:
    """Could this piece, on its own, be an agency name? Used where no cell says so (flattened tables):
    a known name with at most a locality after it, a collective, or a short name opened by a type."""
    words = _tidy(piece).split()
    if not words or len(words) > _MAX_NAME_WORDS:
        return False
    if _collective(words):
        return True
    opener = _opener_length(words, 0)
    if not opener:
        return False
    head = _known_head_length(words)
    if head:
        return all(_is_qualifier(w) for w in words[head:])
    if all(_is_qualifier(w) for w in words[opener:]):
        return True
    return len(words) <= _MAX_UNKNOWN_NAME_WORDS and words[opener][:1].isupper()


def _splits(toks: list[str], i: int, current: list[str], pending: list[str]) -> bool:
    if ";" in pending:
        return True
    opener = _opener_length(toks, i)
    if not opener:
        return False
    capital = toks[i][:1].isupper()
    if _collective(current):
        if not capital and fold(toks[i]) != _PLURAL:
            return False
        nxt = toks[i + opener] if i + opener < len(toks) else ","
        if capital and (nxt in (",", ";") or fold(nxt) == _AND):
            return False  # "Các Sở, Ban, ngành": a type word alone in a list is a common noun
    if set(pending) & {",", "\n"} or any(fold(t) == _AND for t in pending):
        return True
    return capital and _keys(" ".join(current)) in _names()


def _separator(pending: list[str]) -> str:
    for sep in (";", ","):
        if sep in pending:
            return sep
    if any(fold(t) == _AND for t in pending):
        return "và"
    return "\n" if "\n" in pending else " "


def _opener_length(toks: list[str], i: int) -> int:
    """How many tokens from i form a word that opens an agency name; 0 if none."""
    if i >= len(toks) or toks[i] in _PUNCT:
        return 0
    if fold(toks[i]) == _PLURAL:
        return 1
    # Only the phrases whose first word's key is this token's can match; tried longest first.
    for keys, lower in _type_keys().get(word_key(toks[i]), ()):
        n = len(keys)
        if len(toks) - i >= n and tuple(map(word_key, toks[i:i + n])) == keys and (lower or toks[i][:1].isupper()):
            return n
    return 0


def _known_name_end(toks: list[str], i: int) -> int:
    """Index of the last token of the longest known name starting at token i (commas and line
    breaks inside it skipped), or i - 1 when none starts there."""
    best, words = i - 1, []
    for j in range(i, len(toks)):
        if toks[j] == ";":
            break
        if toks[j] in _PUNCT:
            continue
        if k := word_key(toks[j]):
            words.append(k)
        if tuple(words) not in _name_prefixes():
            break
        if tuple(words) in _names():
            best = j
    return best


@lru_cache(maxsize=None)
def _name_prefixes() -> frozenset[tuple[str, ...]]:
    return frozenset(key[:n] for key in _names() for n in range(len(key) + 1))


def _known_head_length(words: list[str]) -> int:
    for end in range(len(words), 0, -1):
        if _keys(" ".join(words[:end])) in _names():
            return end
    return 0


def _collective(words: list[str]) -> bool:
    return bool(words) and (fold(words[0]) == _PLURAL or words[0][:1].islower())


def _is_qualifier(word: str) -> bool:
    return word[:1].isupper() or not word_key(word) or word_key(word) in _qualifier_words()


def _tidy(raw: str) -> str:
    """Whitespace folded, role notes and edge punctuation dropped, first letter capitalized."""
    text = clean_line(raw)
    text = _PAREN.sub(lambda m: "" if any(n in fold(m.group()) for n in _notes()) else m.group(), text)
    text = text.strip(" -–+•*.,;:")
    return text[:1].upper() + text[1:]
