"""The record tables as DuckDB sees them: column types, derived from schemas.records; SQL quoting."""
from __future__ import annotations

import pyarrow as pa

from schemas.records import TABLES, arrow_schema

# Publishing and queries never fetch extensions: parquet, json and icu are built into the wheel.
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

_SCALAR = {
    pa.string(): "VARCHAR",
    pa.binary(): "BLOB",
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

