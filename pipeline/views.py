"""What publishing adds on top of the record tables: the indicator catalogue, the views, the search
index and its macros (schemas/views.sql, schemas/search.sql), each with its comments; and the
COMMENT ON statements of any object of the data dictionary, record tables included."""
from __future__ import annotations

from schemas.dictionary import DbObject, derived_objects

from .tables import quote_ident, quote_str

_COMMENT_TARGET = {"table": "TABLE", "view": "VIEW", "macro": "MACRO", "table macro": "MACRO TABLE"}


def data_arrow(name: str):
    """extractors/data/<name>.csv as an Arrow table (all VARCHAR)."""
    import pyarrow as pa

    from extractors.domain import table

    rows = table(name)
    return pa.table({k: pa.array([r[k] for r in rows], pa.string()) for k in rows[0]})


def catalogue_arrow():
    """extractors/data/indicator_catalogue.csv as an Arrow table (all VARCHAR)."""
    from extractors.records.indicator_codes import CATALOGUE, catalogue_version

    catalogue_version()  # refuses a catalogue of mixed versions
    return data_arrow(CATALOGUE)


def comment_sql(obj: DbObject) -> list[str]:
    target = _COMMENT_TARGET[obj.kind]
    statements = [f"COMMENT ON {target} {quote_ident(obj.name)} IS {quote_str(obj.doc)}"]
    if obj.kind in ("table", "view"):
        statements += [f"COMMENT ON COLUMN {quote_ident(obj.name)}.{quote_ident(c.name)} IS {quote_str(c.doc)}"
                       for c in obj.columns]
    return statements


def create_derived(con, variables: dict[str, str] | None = None) -> None:
    """Create every derived object on a connection holding the record tables (documents with their
    plan ids: pipeline/plans.link), with its comments. `variables` are set for the SQL to read with
    getvariable() (the publication table's values)."""
    from .plan_diff import changes_arrow, plan_changes

    # A connection of its own: the caller's may still hold an unfinished result, and the temporary
    # tables and the registered catalogue stay private to this step.
    with con.cursor() as cur:
        for name, value in (variables or {}).items():
            cur.execute(f"SET VARIABLE {quote_ident(name)} = ?", [value])
        registered = {"_indicator_catalogue_csv": catalogue_arrow(),
                      "_placeholder_agencies_csv": data_arrow("placeholder_agencies"),
                      "_plan_change_rows": changes_arrow(plan_changes(cur))}
        for name, arrow in registered.items():
            cur.register(name, arrow)
        for obj in derived_objects():
            cur.execute(obj.sql)
            for statement in comment_sql(obj):
                cur.execute(statement)
        for name in registered:
            cur.unregister(name)
