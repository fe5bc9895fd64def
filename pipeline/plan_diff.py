"""What changed between a plan's draft and its final: the plan_changes table and `vnplan diff`.

For each plan with both a draft and a final copy (documents.is_draft; pipeline/plans.py), its
best final and its best draft (by plans.preference) are compared: the document's own facts
(number, date, title, signer), and its tasks, indicators and duties. Items are matched by
content, never by position: two items are the same when the words of their text overlap enough
(SAME_ITEM), best pairs first, each item matched once; so a task moved up the table, renumbered or
reworded a little is "changed" or unchanged, not removed and added. Texts are compared by their
folded words, so spacing, punctuation and tone-mark style are no change.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from extractors.normalize import fold

from .plans import COPY_COLUMNS, FINAL, Copy, preference

SAME_ITEM = 0.5  # word-set Jaccard of two items' texts for them to be one item
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Change:
    plan_id: str
    draft_doc_id: str
    final_doc_id: str
    item: str  # document, task, indicator or duty
    change: str  # added, removed or changed
    field: str | None  # what changed, for a changed item
    draft_text: str | None  # the item in the draft
    final_text: str | None  # the item in the final
    old_value: str | None
    new_value: str | None


FIELDS = [f for f in Change.__dataclass_fields__]


def _words(text: str | None) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold(text or "")))


def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _shown(value) -> str | None:
    if value is None or value == []:
        return None
    return "; ".join(map(str, value)) if isinstance(value, list) else str(value)


# What is compared for each kind of item: its text (matched on), and its fields (compared once matched).
_ITEMS = {
    "task": ("SELECT content AS text, lead_agencies, partner_agencies, monitor_agencies, deadline_text AS deadline "
             "FROM tasks WHERE doc_id = ? ORDER BY task_id",
             ("lead_agencies", "partner_agencies", "monitor_agencies", "deadline")),
    "indicator": ("SELECT DISTINCT name || coalesce(' (' || year || ')', '') || CASE WHEN role = 'target' THEN '' "
                  "ELSE ' [' || role || ']' END AS text, "
                  "comparator || ' ' || coalesce(printf('%g', value), value_text) || coalesce(' ' || unit, '') AS value "
                  "FROM indicators WHERE doc_id = ? ORDER BY text, value",
                  ("value",)),
    "duty": ("SELECT duty AS text, agency, deadline_text AS deadline FROM assignments WHERE doc_id = ? "
             "ORDER BY assignment_id", ("agency", "deadline")),
}
_DOCUMENT_FIELDS = ("doc_number", "issue_date", "is_draft", "title", "signer", "signer_title")


def _rows(con, sql: str, doc_id: str) -> list[dict]:
    cur = con.execute(sql, [doc_id])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _same(a, b) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return sorted(map(fold, a or [])) == sorted(map(fold, b or []))
    if isinstance(a, str) or isinstance(b, str):
        return _words(a) == _words(b)
    return a == b


def match(old: list[dict], new: list[dict]) -> list[tuple[dict | None, dict | None]]:
    """Pairs (old item, new item) matched by their texts' words, best first; an item without a match
    is paired with None. In the order of `new`, then the unmatched old items."""
    words_old = [frozenset(_words(o["text"])) for o in old]
    words_new = [frozenset(_words(n["text"])) for n in new]
    scores = sorted(((_jaccard(a, b), i, j) for i, a in enumerate(words_old) for j, b in enumerate(words_new)),
                    key=lambda s: (-s[0], s[1], s[2]))
    old_of: dict[int, int] = {}
    used: set[int] = set()
    for score, i, j in scores:
        if score < SAME_ITEM:
            break
        if i not in used and j not in old_of:
            old_of[j] = i
            used.add(i)
    pairs = [(old[old_of[j]] if j in old_of else None, n) for j, n in enumerate(new)]
    return pairs + [(o, None) for i, o in enumerate(old) if i not in used]


def compare(con, plan_id: str, draft: str, final: str) -> list[Change]:
    """The changes from the draft copy to the final copy of one plan."""
    out: list[Change] = []

    def add(item, change, field=None, old=None, new=None, old_value=None, new_value=None):
        out.append(Change(plan_id, draft, final, item, change, field, old, new, _shown(old_value), _shown(new_value)))

    columns = ", ".join(_DOCUMENT_FIELDS)
    before, after = (_rows(con, f"SELECT {columns} FROM documents WHERE doc_id = ?", d)[0] for d in (draft, final))
    for name in _DOCUMENT_FIELDS:
        if not _same(before[name], after[name]):
            add("document", "changed", name, old_value=before[name], new_value=after[name])
    for item, (sql, fields) in _ITEMS.items():
        for old, new in match(_rows(con, sql, draft), _rows(con, sql, final)):
            if old is None:
                add(item, "added", new=new["text"])
            elif new is None:
                add(item, "removed", old=old["text"])
            else:
                for name in ("text", *fields):
                    if not _same(old[name], new[name]):
                        add(item, "changed", "content" if name == "text" else name, old["text"], new["text"],
                            old[name], new[name])
    return out


def plan_changes(con) -> list[Change]:
    """The changes of every plan that has a draft and a final copy, on a connection whose documents
    have their plan ids."""
    plans: dict[str, list[Copy]] = defaultdict(list)
    for plan_id, *row in con.execute(f"SELECT plan_id, {COPY_COLUMNS} FROM documents ORDER BY plan_id").fetchall():
        plans[plan_id].append(Copy(*row))
    out: list[Change] = []
    for plan_id, copies in plans.items():
        finals = [c for c in copies if preference(c)[0] == FINAL]
        drafts = [c for c in copies if c.is_draft]
        if finals and drafts:
            out += compare(con, plan_id, min(drafts, key=preference).doc_id, min(finals, key=preference).doc_id)
    return out


def changes_arrow(changes: list[Change]):
    import pyarrow as pa

    return pa.table({f: [getattr(c, f) for c in changes] for f in FIELDS},
                    schema=pa.schema([(f, pa.string()) for f in FIELDS]))
