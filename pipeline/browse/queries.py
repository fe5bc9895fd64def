"""Every query of the plan explorer, each with its values passed as parameters (never formatted into the SQL).

Each list a page shows is a `Listing` (named columns and rows), so the page and its CSV/XLSX download are
the same rows. A plan is a row of the published `plans` view (its copies grouped, the preferred one standing
for it); lists across plans (an agency's, an indicator's) read each plan's preferred copy only, so a plan
ingested as HTML, PDF and text counts once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


PAGE_ROWS = 100  # rows of a long list (plans, an agency's items, an indicator's values) per page
SEARCH_TOP = 1000  # rows of search() grouped into plans on the home page
DUE_SOON_DAYS = 90

# One row per plan (the plans view): what the home page filters and lists, doc_id being its preferred copy.
PLANS_SQL = """
    SELECT plan_id, doc_id, label, doc_number, doc_type, issuer, issuer_level, province, issue_date, title,
           is_draft, n_copies, formats, tasks, indicators, assignments AS duties
    FROM plans"""

# Sort keys of the task table: the only ORDER BY texts a request can choose.
TASK_SORTS = {
    "seq": "try_cast(regexp_extract(t.task_id, '(\\d+)$', 1) AS BIGINT)",
    "due": "t.due_date",
    "lead": "t.lead_agencies[1]",
    "content": "t.content",
}
# Ids like doc:t12 in document order.
_ORDER = "try_cast(regexp_extract({id}, '(\\d+)$', 1) AS BIGINT), {id}"


@dataclass
class Listing:
    """A list shown on a page, as its download has it."""
    name: str
    columns: list[str]
    rows: list[dict] = field(default_factory=list)


def _listing(con, name: str, sql: str, params) -> Listing:
    cur = con.execute(sql, params)
    columns = [d[0] for d in cur.description]
    return Listing(name, columns, [dict(zip(columns, r)) for r in cur.fetchall()])


@dataclass(frozen=True)
class Window:
    """The rows of a long list a page shows: `limit` rows from `offset`; no limit for a download (every row)."""
    limit: int | None = None
    offset: int = 0


def _paged(con, name: str, sql: str, order: str, params: dict, window: Window) -> tuple[Listing, int]:
    """The rows of `sql` in `order` that `window` shows, and how many rows there are in all (one query)."""
    if window.limit is None:
        listing = _listing(con, name, f"SELECT * FROM ({sql}) ORDER BY {order}", params)
        return listing, len(listing.rows)
    listing = _listing(con, name, f"SELECT *, count(*) OVER () AS _total FROM ({sql}) ORDER BY {order} "
                                  "LIMIT $_limit OFFSET $_offset",
                       {**params, "_limit": window.limit, "_offset": window.offset})
    listing.columns.remove("_total")
    total = listing.rows[0].pop("_total") if listing.rows else 0
    for row in listing.rows[1:]:
        del row["_total"]
    return listing, total


# --- home ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanFilter:
    province: str | None = None
    level: str | None = None
    doc_type: str | None = None
    year: int | None = None
    q: str | None = None


_FILTERED = f"""
    WITH p AS ({PLANS_SQL})
    SELECT p.* FROM p
    WHERE ($province IS NULL OR p.province = $province)
      AND ($level IS NULL OR p.issuer_level = $level)
      AND ($doc_type IS NULL OR p.doc_type = $doc_type)
      AND ($year IS NULL OR year(p.issue_date) = $year)"""


def _filter_params(f: PlanFilter) -> dict:
    return {"province": f.province, "level": f.level, "doc_type": f.doc_type, "year": f.year}


def plans(con, f: PlanFilter, window: Window) -> tuple[Listing, int]:
    """The plans `f` selects (ranked by relevance to f.q when given, else newest first), and how many."""
    params = _filter_params(f)
    if not f.q:
        return _paged(con, "plans", _FILTERED, "issue_date DESC NULLS LAST, doc_number, doc_id", params, window)
    sql = f"""
        WITH f AS ({_FILTERED}),
             hits AS (SELECT d.plan_id, max(s.score) AS score, count(DISTINCT s.text) AS matches  -- copies alike once
                      FROM search($q, top := {SEARCH_TOP}) s JOIN documents d USING (doc_id) GROUP BY d.plan_id)
        SELECT f.*, hits.matches, hits.score FROM f JOIN hits USING (plan_id)"""
    return _paged(con, "plans", sql, "score DESC, doc_id", params | {"q": f.q}, window)


def facets(con) -> dict[str, list]:
    """The values each home-page filter offers."""
    row = con.execute(f"""
        SELECT list(DISTINCT province ORDER BY province) FILTER (WHERE province IS NOT NULL),
               list(DISTINCT issuer_level ORDER BY issuer_level) FILTER (WHERE issuer_level IS NOT NULL),
               list(DISTINCT doc_type ORDER BY doc_type) FILTER (WHERE doc_type IS NOT NULL),
               list(DISTINCT year(issue_date) ORDER BY year(issue_date)) FILTER (WHERE issue_date IS NOT NULL)
        FROM ({PLANS_SQL})""").fetchall()[0]
    return dict(zip(("province", "level", "doc_type", "year"), (v or [] for v in row)))


# --- plan page ----------------------------------------------------------------------------------

def document(con, doc_id: str) -> dict | None:
    rows = _listing(con, "document", "SELECT * FROM documents WHERE doc_id = ?", [doc_id]).rows
    return rows[0] if rows else None


def copies(con, doc: dict) -> Listing:
    """The copies of `doc`'s plan (documents.plan_id), the preferred one first."""
    return _listing(con, "copies", """
        SELECT doc_id, source_format, source_path, page_count, is_draft, preferred_copy FROM documents
        WHERE plan_id = ? ORDER BY preferred_copy DESC, doc_id""", [doc["plan_id"]])


@dataclass
class Section:
    section_id: str
    label: str | None
    heading: str
    text: str
    page: int | None
    children: list[Section] = field(default_factory=list)


def outline(con, doc_id: str) -> tuple[list[Section], Listing]:
    """The outline as a tree (roots in document order), and as the flat list its download has."""
    flat = _listing(con, "outline", """
        SELECT section_id, parent_id, level, label, heading, text, page FROM sections
        WHERE doc_id = ? ORDER BY ordinal""", [doc_id])
    nodes, roots = {}, []
    for r in flat.rows:
        node = nodes[r["section_id"]] = Section(r["section_id"], r["label"], r["heading"], r["text"], r["page"])
        parent = nodes.get(r["parent_id"])
        (parent.children if parent else roots).append(node)
    return roots, flat


def objectives(con, doc_id: str) -> Listing:
    return _listing(con, "objectives", f"""
        SELECT o.kind, o.text, s.page FROM objectives o LEFT JOIN sections s USING (doc_id, section_id)
        WHERE o.doc_id = ? ORDER BY {_ORDER.format(id='o.objective_id')}""", [doc_id])


def indicators(con, doc_id: str) -> Listing:
    """Indicators of a plan, one row per indicator (name and code) with its baseline and its targets."""
    return _listing(con, "indicators", f"""
        WITH v AS (
            SELECT i.group_name, i.name, i.indicator_code, i.role, i.unit, i.page,
                   concat(CASE WHEN i.comparator <> '=' THEN i.comparator END,
                          coalesce(regexp_replace(CAST(i.value AS VARCHAR), '\\.0$', ''), i.value_text),
                          CASE WHEN i.year IS NOT NULL THEN ' (' || i.year || ')' END) AS shown,
                   {_ORDER.format(id='i.indicator_id')} AS ord
            FROM indicators i WHERE i.doc_id = ?)
        SELECT group_name, name, indicator_code, any_value(unit) AS unit,
               string_agg(shown, '; ' ORDER BY ord) FILTER (WHERE role = 'baseline') AS baseline,
               string_agg(shown, '; ' ORDER BY ord) FILTER (WHERE role = 'target') AS target,
               string_agg(shown, '; ' ORDER BY ord) FILTER (WHERE role NOT IN ('baseline', 'target')) AS achieved,
               min(page) AS page
        FROM v GROUP BY group_name, name, indicator_code
        ORDER BY min(ord)""", [doc_id])


@dataclass(frozen=True)
class TaskQuery:
    agency: str | None = None
    sort: str = "seq"
    descending: bool = False


def tasks(con, doc_id: str, q: TaskQuery) -> Listing:
    order = TASK_SORTS.get(q.sort, TASK_SORTS["seq"]) + (" DESC" if q.descending else "") + " NULLS LAST"
    return _listing(con, "tasks", f"""
        SELECT t.seq, t.group_name, t.content, t.lead_agencies, t.partner_agencies, t.deadline_text, t.due_date,
               t.recurring, t.page
        FROM tasks t
        WHERE t.doc_id = $doc_id
          AND ($agency IS NULL OR list_contains(t.lead_agencies, $agency) OR list_contains(t.partner_agencies, $agency))
        ORDER BY {order}, {_ORDER.format(id='t.task_id')}""", {"doc_id": doc_id, "agency": q.agency})


def task_agencies(con, doc_id: str) -> list[str]:
    return [r[0] for r in con.execute("""
        SELECT DISTINCT a FROM (SELECT unnest(list_concat(lead_agencies, partner_agencies)) AS a
                                FROM tasks WHERE doc_id = ?)
        WHERE coalesce(a, '') <> '' ORDER BY a""", [doc_id]).fetchall()]


def placeholders(con, names: list[str]) -> set[str]:
    """Those of `names` that name no agency ("Các cơ quan, đơn vị liên quan": the placeholder_agencies
    table): shown without a link, since their page would gather unrelated plans' "related agencies"."""
    return {r[0] for r in con.execute("""
        SELECT name FROM (SELECT unnest(?::VARCHAR[]) AS name)
        WHERE agency_key(name) IN (SELECT agency_key FROM placeholder_agencies)""", [sorted(set(names))]).fetchall()}


def duties(con, doc_id: str) -> Listing:
    return _listing(con, "duties", f"""
        SELECT a.agency, a.agency_raw, a.duty, a.deadline_text, a.due_date, s.page
        FROM assignments a LEFT JOIN sections s USING (doc_id, section_id)
        WHERE a.doc_id = ? ORDER BY a.agency, {_ORDER.format(id='a.assignment_id')}""", [doc_id])


def citations(con, doc_id: str) -> Listing:
    """The documents a plan cites, each with the cited plan's preferred copy when the database holds it."""
    return _listing(con, "citations", """
        SELECT cited_number, any_value(cited_type) AS cited_type, any_value(cited_date) AS cited_date,
               any_value(cited_issuer) AS cited_issuer, any_value(context) AS context,
               any_value(cited_doc_id) AS cited_doc_id
        FROM citations WHERE doc_id = ? GROUP BY cited_number ORDER BY cited_number""", [doc_id])


# --- agency page --------------------------------------------------------------------------------

def agency_items(con, agency: str, today: dt.date, window: Window) -> tuple[Listing, int]:
    """Every task an agency leads or partners in and every duty it is given, in each plan's preferred copy,
    overdue first, then by due date."""
    sql = """
        WITH items AS (
            SELECT t.doc_id, CASE WHEN list_contains(t.lead_agencies, $agency) THEN 'lead' ELSE 'partner' END AS role,
                   t.content AS item, t.deadline_text, t.due_date, t.page
            FROM tasks t
            WHERE list_contains(t.lead_agencies, $agency) OR list_contains(t.partner_agencies, $agency)
            UNION ALL
            SELECT a.doc_id, 'duty', a.duty, a.deadline_text, a.due_date, s.page
            FROM assignments a LEFT JOIN sections s USING (doc_id, section_id)
            WHERE a.agency = $agency)
        SELECT d.doc_number, d.issuer, items.*
        FROM items JOIN documents d USING (doc_id)
        WHERE d.preferred_copy"""
    return _paged(con, "agency", sql, "due_date < $today DESC NULLS LAST, due_date NULLS LAST, doc_number, doc_id, item",
                  {"agency": agency, "today": today}, window)


def agency_spellings(con, agency: str) -> list[str]:
    """How documents print an agency: its duties' agency cells, and task cells that name it alone."""
    return [r[0] for r in con.execute("""
        SELECT DISTINCT raw FROM (
            SELECT agency_raw AS raw FROM assignments WHERE agency = $agency
            UNION ALL SELECT lead_raw FROM tasks WHERE lead_agencies = [$agency]
            UNION ALL SELECT partner_raw FROM tasks WHERE partner_agencies = [$agency])
        WHERE coalesce(raw, '') <> '' ORDER BY raw""", {"agency": agency}).fetchall()]


# --- indicator page -----------------------------------------------------------------------------

def catalogue_entry(con, code: str) -> dict | None:
    rows = _listing(con, "catalogue", "SELECT code, name_vi, name_en, unit FROM indicator_catalogue WHERE code = ?",
                    [code]).rows
    return rows[0] if rows else None


def indicator_values(con, code: str) -> Listing:
    """One catalogue code's values across plans (targets, baselines, achieved; each plan's preferred copy), by
    place and year."""
    return _listing(con, "indicator", """
        SELECT coalesce(province, issuer) AS place, province, issuer, doc_id, doc_number, year, role, comparator,
               value, unit, name
        FROM plan_indicator_targets
        WHERE indicator_code = ?
        ORDER BY place, year NULLS LAST, role, doc_number, doc_id""", [code])
