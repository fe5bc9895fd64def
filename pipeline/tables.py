"""The record tables as DuckDB sees them: column types and comments, derived from schemas.records."""
from __future__ import annotations

import pyarrow as pa

from schemas.records import TABLES, arrow_schema

# Publishing and queries never fetch extensions: parquet, json and icu are built into the wheel.
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

_SCALAR = {
    pa.string(): "VARCHAR",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
    pa.timestamp("us", tz="UTC"): "TIMESTAMPTZ",
}


def duckdb_type(typ: pa.DataType) -> str:
    if pa.types.is_list(typ):
        return duckdb_type(typ.value_type) + "[]"
    return _SCALAR[typ]


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_table_sql(table: str) -> str:
    columns = ", ".join(f"{quote_ident(f.name)} {duckdb_type(f.type)}" for f in arrow_schema(TABLES[table]))
    return f"CREATE TABLE {quote_ident(table)} ({columns})"


def comment_sql(table: str) -> list[str]:
    """COMMENT ON statements carrying the class docstring and each field's doc into the catalog."""
    schema = arrow_schema(TABLES[table])
    statements = [f"COMMENT ON TABLE {quote_ident(table)} IS {quote_str(schema.metadata[b'doc'].decode())}"]
    for f in schema:
        doc = f.metadata[b"doc"].decode()
        statements.append(f"COMMENT ON COLUMN {quote_ident(table)}.{quote_ident(f.name)} IS {quote_str(doc)}")
    return statements
