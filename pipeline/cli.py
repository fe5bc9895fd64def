"""The `vnplan` command.

Exit status: 0 when every file was ingested or skipped, 1 when some files failed (the rest is
still published), 2 on a usage error (bad arguments, missing path, SQL error, missing database).

Heavy modules (duckdb, pyarrow, the readers) are imported inside the commands so that
`vnplan --help` answers at once.
"""
from __future__ import annotations

import argparse
import os
import sys

DEFAULT_DB = "data/plans.duckdb"
DEFAULT_LAKE = "data/lake"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.command(args)


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="vnplan", description="Turn Vietnamese government plan documents into queryable tables.")
    parser.add_argument("--version", action="version", version=f"vnplan {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    p = commands.add_parser("ingest", help="ingest files and folders, then publish the DuckDB file",
                            description="Ingest files and folders (recursively) into the Parquet lake, then publish the DuckDB file.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="file or folder to ingest")
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE", help=f"DuckDB file to publish (default {DEFAULT_DB})")
    p.add_argument("--lake", default=DEFAULT_LAKE, metavar="DIR", help=f"Parquet lake folder (default {DEFAULT_LAKE})")
    p.add_argument("--force", action="store_true", help="re-extract files even when unchanged since their last ingest")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary; failed files are still listed")
    p.set_defaults(command=_ingest)

    p = commands.add_parser("query", help="run SQL on the DuckDB file (read-only)",
                            description="Run one SQL statement on the published DuckDB file, opened read-only.")
    p.add_argument("sql", metavar="SQL")
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE", help=f"DuckDB file (default {DEFAULT_DB})")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format (default table)")
    p.set_defaults(command=_query)
    return parser


def _ingest(args: argparse.Namespace) -> int:
    from .ingest import ingest
    from .sources import InputNotFound

    try:
        result = ingest(args.paths, args.db, args.lake, progress=not args.quiet, force=args.force)
    except InputNotFound as e:
        print(f"vnplan ingest: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("vnplan ingest: interrupted; the published database is unchanged", file=sys.stderr)
        return 130
    if args.quiet:
        for path, error in result.failures:
            print(f"failed: {path}: {error}", file=sys.stderr)
    else:
        from .output import print_summary

        print_summary(result)
    return 1 if result.failed else 0


def _query(args: argparse.Namespace) -> int:
    import duckdb

    from .output import write_rows
    from .tables import DUCKDB_CONFIG

    if not os.path.isfile(args.db):
        print(f"vnplan query: {args.db}: no such database; run `vnplan ingest` first or pass --db", file=sys.stderr)
        return 2
    try:
        with duckdb.connect(args.db, read_only=True, config=DUCKDB_CONFIG) as con:
            cursor = con.execute(args.sql)
            write_rows(cursor, args.format, sys.stdout)
    except duckdb.Error as e:
        print(f"vnplan query: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
