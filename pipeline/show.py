"""`vnplan show DOC`: one document's records in a terminal layout (metadata, its plan's copies,
objectives, indicators, tasks).

DOC is a plan_id, a doc_id or its start, a document number (542/KH-UBND; case, spaces and Đ/D do
not matter) or part of the source path; the first of these kinds that matches anything decides.
When everything it matches is copies of one plan, that plan's preferred copy is shown.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_ORDER = "try_cast(regexp_extract({id}, '(\\d+)$', 1) AS BIGINT), {id}"  # document order of ids like doc:i12


class NoSuchDocument(LookupError):
    pass


@dataclass(frozen=True)
class Candidate:
    doc_id: str
    doc_number: str | None
    source_path: str
    title: str | None
    plan_id: str | None = None
    preferred_copy: bool | None = None


def number_key(text: str) -> str:
    """A document number as numbers are compared (by show and by the explorer's citation links): no
    spaces, Đ as D, marks dropped, upper case."""
    s = unicodedata.normalize("NFD", text or "").replace("đ", "d").replace("Đ", "D")
    return re.sub(r"\s+", "", "".join(c for c in s if not unicodedata.combining(c)).upper())


def find_documents(con, key: str) -> list[Candidate]:
    """Documents DOC names: by plan_id, else by doc_id (prefix), else by number, else by a part of the
    source path."""
    plans = "plan_id, preferred_copy" if has_column(con, "documents", "plan_id") else "NULL, NULL"
    docs = [Candidate(*r) for r in con.execute(
        f"SELECT doc_id, doc_number, source_path, title, {plans} FROM documents ORDER BY source_path, doc_id").fetchall()]
    key = key.strip()
    if not key:
        return []
    for matches in (
        [d for d in docs if d.plan_id == key.lower()],
        [d for d in docs if d.doc_id == key.lower()],
        [d for d in docs if d.doc_id.startswith(key.lower())],
        [d for d in docs if d.doc_number and number_key(d.doc_number) == number_key(key)],
        [d for d in docs if key.casefold() in d.source_path.casefold()],
    ):
        if matches:
            return matches
    return []


def one_plan(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates, or only their plan's preferred copy when they are all copies of one plan."""
    plans = {c.plan_id for c in candidates}
    if len(candidates) > 1 and len(plans) == 1 and None not in plans:
        return [c for c in candidates if c.preferred_copy] or candidates[:1]
    return candidates


def _rows(con, sql: str, *params) -> list[dict]:
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def has_column(con, table: str, column: str) -> bool:
    return bool(con.execute("SELECT 1 FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
                            [table, column]).fetchall())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def print_document(con, doc_id: str, console=None) -> None:
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    doc = _rows(con, "SELECT * FROM documents WHERE doc_id = ?", doc_id)[0]
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold")
    meta.add_column(overflow="fold")

    def add(label, *values, sep=", "):
        text = sep.join(_text(v) for v in values if v not in (None, ""))
        if text:
            meta.add_row(label, Text(text))

    add("doc_id", doc["doc_id"])
    add("number", doc["doc_number"])
    add("type", doc["doc_type"])
    add("issuer", doc["issuer"])
    add("level", doc["issuer_level"], doc["province"], doc["district"])
    add("place, date", doc["place"], doc["issue_date"])
    add("signer", doc["signer_title"], doc["signer"], sep=" ")
    add("source", doc["source_path"])
    add("format", doc["source_format"], f"{doc['page_count']} pages" if doc["page_count"] else None,
        "OCR" if doc["ocr_used"] else None)
    add("extracted", doc["extractor_version"] and f"vnplan {doc['extractor_version']}", doc["ingested_at"])
    counts = con.execute("""
        SELECT (SELECT count(*) FROM sections WHERE doc_id = $1), (SELECT count(*) FROM objectives WHERE doc_id = $1),
               (SELECT count(*) FROM indicators WHERE doc_id = $1), (SELECT count(*) FROM tasks WHERE doc_id = $1),
               (SELECT count(*) FROM assignments WHERE doc_id = $1), (SELECT count(*) FROM citations WHERE doc_id = $1)
        """, [doc_id]).fetchall()[0]
    add("records", *(f"{n} {name}" for n, name in zip(counts, ("sections", "objectives", "indicators", "tasks",
                                                                 "assignments", "citations"))))
    cited = [r[0] for r in con.execute("SELECT DISTINCT cited_number FROM citations WHERE doc_id = ? ORDER BY 1",
                                       [doc_id]).fetchall()]
    add("cites", *cited)
    if doc.get("plan_id"):
        add("plan", doc["plan_id"])
    title = Text(doc["title"] or doc["source_path"], style="bold")
    console.print(Panel(Group(title, Text(""), meta), title=doc["doc_number"] or doc["doc_type"] or "document",
                        title_align="left"))
    if doc.get("plan_id"):
        _print_copies(con, doc, console)

    objectives = _rows(con, f"SELECT kind, text FROM objectives WHERE doc_id = ? ORDER BY {_ORDER.format(id='objective_id')}",
                       doc_id)
    if objectives:
        t = Table("kind", "objective", title="Objectives", title_justify="left", show_lines=True)
        t.columns[1].overflow = "fold"
        for o in objectives:
            t.add_row(o["kind"], Text(o["text"]))
        console.print(t)

    code = "indicator_code" if has_column(con, "indicators", "indicator_code") else "NULL AS indicator_code"
    indicators = _rows(con, f"""
        SELECT name, comparator, value, value_text, unit, year, is_baseline, source, {code}
        FROM indicators WHERE doc_id = ? ORDER BY {_ORDER.format(id='indicator_id')}""", doc_id)
    if indicators:
        t = Table("indicator", "value", "unit", "year", "code", "from", title="Indicators", title_justify="left")
        t.columns[0].overflow = "fold"
        for i in indicators:
            value = (i["comparator"] if i["comparator"] != "=" else "") + _text(i["value"] if i["value"] is not None
                                                                                else i["value_text"])
            year = _text(i["year"]) + (" (baseline)" if i["is_baseline"] else "")
            t.add_row(Text(i["name"]), value, Text(_text(i["unit"])), year, _text(i["indicator_code"]), i["source"])
        console.print(t)

    tasks = _rows(con, f"""
        SELECT seq, group_name, content, lead_agencies, partner_agencies, deadline_text, due_date, recurring
        FROM tasks WHERE doc_id = ? ORDER BY {_ORDER.format(id='task_id')}""", doc_id)
    if tasks:
        t = Table("#", "task", "lead", "partners", "deadline", title="Tasks", title_justify="left", show_lines=True)
        for column in t.columns[1:4]:
            column.overflow = "fold"
        group = None
        for k in tasks:
            if k["group_name"] and k["group_name"] != group:
                group = k["group_name"]
                t.add_row("", Text(group, style="bold"), "", "", "")
            deadline = _text(k["deadline_text"]) + (f"\n→ {k['due_date']}" if k["due_date"] else "")
            t.add_row(_text(k["seq"]), Text(k["content"]), Text(_text(k["lead_agencies"])),
                      Text(_text(k["partner_agencies"])), Text(deadline))
        console.print(t)


def _print_copies(con, doc: dict, console) -> None:
    """The plan's copies, the one shown first, when there is more than one."""
    from rich.table import Table
    from rich.text import Text

    copies = _rows(con, """SELECT doc_id, doc_number, source_format, is_draft, source_path
                           FROM documents WHERE plan_id = ? ORDER BY doc_id = ? DESC, preferred_copy DESC, doc_id""",
                   doc["plan_id"], doc["doc_id"])
    if len(copies) < 2:
        return
    t = Table("doc_id", "number", "format", "draft", "file",
              title=f"Copies of this plan ({len(copies)}; shown: the first)", title_justify="left")
    t.columns[0].min_width = 16  # a doc_id is only useful whole
    t.columns[4].overflow = "fold"
    for c in copies:
        t.add_row(c["doc_id"], Text(_text(c["doc_number"])), c["source_format"], "draft" if c["is_draft"] else "",
                  Text(c["source_path"].replace("\\", "/").rsplit("/", 1)[-1]))
    console.print(t)


def print_candidates(candidates: list[Candidate], console=None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console(stderr=True)
    t = Table("doc_id", "number", "source", "title", title="several documents match; name one by its doc_id")
    t.columns[2].overflow = "fold"
    for c in candidates:
        t.add_row(c.doc_id, Text(c.doc_number or ""), Text(c.source_path), Text((c.title or "")[:60]))
    console.print(t)


def print_changes(con, plan_id: str, console=None) -> int:
    """`vnplan diff`: the plan's changes from its draft to its final (plan_changes); returns how many.
    A draft and its final always differ at least in is_draft: no row means nothing to compare."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    plan = _rows(con, "SELECT label, n_copies, n_drafts FROM plans WHERE plan_id = ?", plan_id)[0]
    changes = _rows(con, "SELECT * FROM plan_changes WHERE plan_id = ? ORDER BY rowid", plan_id)
    if not changes:
        console.print(f"{plan['label']}: no draft and final to compare ({plan['n_copies']} copies, "
                      f"{plan['n_drafts']} of them drafts)")
        return 0
    t = Table("item", "change", "field", "draft", "final", show_lines=True, title_justify="left",
              title=f"{plan['label']}: draft {changes[0]['draft_doc_id']} → final {changes[0]['final_doc_id']}")
    for column in t.columns[2:]:
        column.overflow = "fold"
    for c in changes:
        field, old, new = c["field"] or "", c["draft_text"], c["final_text"]
        if c["change"] == "changed" and field != "content":
            old, new = c["old_value"], c["new_value"]
            if c["item"] != "document":
                field = f"{field} of: {c['final_text']}"
        t.add_row(c["item"], c["change"], Text(field), Text(_text(old)), Text(_text(new)))
    console.print(t)
    return len(changes)
