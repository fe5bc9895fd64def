"""The `vnplan` command.

Exit status: 0 when every file was ingested or skipped, 1 when some files failed (the rest is
still published), 2 on a usage error (bad arguments, missing path, SQL error, missing database),
3 when another run held the lake for longer than --wait (nothing was changed), 4 when a run failed
as a whole (a full disk, a read-only folder, a folder named as --db: one line names the path and the
cause; the published database is the previous one).

Heavy modules (duckdb, pyarrow, the readers, Prefect) are imported inside the commands so that
`vnplan --help` answers at once.
"""
from __future__ import annotations

import argparse
import os
import sys

DEFAULT_DB = "data/plans.duckdb"
DEFAULT_LAKE = "data/lake"
DEFAULT_WAIT_S = 600.0
DEFAULT_CRON = "0 2 * * *"
EXIT_BUSY, EXIT_RUN_FAILED = 3, 4


def main(argv: list[str] | None = None) -> int:
    from extractors.settings import SettingError

    args = _parser().parse_args(argv)
    try:
        return args.command(args)
    except SettingError as e:  # a VNPLAN_MAX_* variable, read when the command imports its modules
        print(f"vnplan: {e}", file=sys.stderr)
        return 2


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
    _json_option(p)
    p.add_argument("--processes", type=int, metavar="N",
                   help="worker processes reading files, each file under the time and memory limits (default: one "
                        "per core; 0: in this process, without limits)")
    _wait_option(p)
    p.set_defaults(command=_ingest)

    p = commands.add_parser(
        "nightly", help="run the Prefect ingest flow once on an inbox folder",
        description="Run the nightly ingest flow once: new and changed files of the inbox are extracted, one Prefect "
                    "task per file, then the DuckDB file is published and a run report written. Uses your Prefect "
                    "server (PREFECT_API_URL, in the environment or your Prefect profile), or the one `vnplan serve` "
                    "runs, or else a temporary one that stops at the end.")
    _flow_options(p)
    p.add_argument("--dask-address", metavar="tcp://HOST:PORT",
                   help="run the per-file tasks on this Dask scheduler (default: processes on this machine)")
    p.add_argument("--processes", type=int, metavar="N",
                   help="extraction processes on this machine (default: one per core; 0: in threads)")
    p.add_argument("--force", action="store_true", help="re-extract files even when unchanged since their last ingest")
    p.add_argument("--quiet", action="store_true", help="no Prefect log or summary; failed files are still listed")
    _json_option(p)
    p.set_defaults(command=_nightly)

    p = commands.add_parser(
        "serve", help="serve the ingest flow on a schedule, with the Prefect UI",
        description="Serve the nightly ingest flow on a cron schedule until stopped (Ctrl-C). Starts a local Prefect "
                    "server with its UI unless you have one (PREFECT_API_URL, in the environment or your Prefect "
                    "profile).")
    _flow_options(p)
    p.add_argument("--cron", default=DEFAULT_CRON, help=f'schedule, in cron syntax (default "{DEFAULT_CRON}")')
    p.add_argument("--timezone", help="time zone of the schedule, e.g. Asia/Ho_Chi_Minh (default: UTC)")
    p.add_argument("--name", default="vnplan-nightly", help="deployment name (default vnplan-nightly)")
    p.add_argument("--host", default="127.0.0.1", help="address the local server listens on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=4200, help="port of the local server and its UI (default 4200)")
    p.set_defaults(command=_serve)

    p = commands.add_parser("query", help="run SQL on the DuckDB file (read-only)",
                            description="Run one SQL statement on the published DuckDB file, opened read-only.")
    p.add_argument("sql", metavar="SQL")
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE", help=f"DuckDB file (default {DEFAULT_DB})")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format (default table)")
    p.set_defaults(command=_query)
    _add_research_commands(commands)
    return parser


def _wait_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wait", type=float, default=DEFAULT_WAIT_S, metavar="SECONDS",
                   help=f"how long to wait for another run writing to the lake before giving up "
                        f"(default {DEFAULT_WAIT_S:g})")


def _json_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true",
                   help="print the run summary as JSON on stdout (as REPORTS/<run_id>.json), everything else on stderr")


def _flow_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--inbox", required=True, metavar="DIR", help="folder of plans to ingest (recursively)")
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE", help=f"DuckDB file to publish (default {DEFAULT_DB})")
    p.add_argument("--lake", default=DEFAULT_LAKE, metavar="DIR", help=f"Parquet lake folder (default {DEFAULT_LAKE})")
    p.add_argument("--reports", metavar="DIR", help="run reports folder (default: reports/ next to the DuckDB file)")
    _wait_option(p)


def _ingest(args: argparse.Namespace) -> int:
    from .ingest import ingest
    from .lake import LakeBusy
    from .run_level import RunFailed
    from .sources import InputNotFound

    try:
        result = ingest(args.paths, args.db, args.lake, progress=not args.quiet, force=args.force, wait=args.wait,
                        **({} if args.processes is None else {"processes": args.processes}))
    except InputNotFound as e:
        print(f"vnplan ingest: {e}", file=sys.stderr)
        return 2
    except LakeBusy as e:
        print(f"vnplan ingest: {e}", file=sys.stderr)
        return EXIT_BUSY
    except RunFailed as e:
        print(f"vnplan ingest: the run failed, the published database is unchanged: {e}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except KeyboardInterrupt:
        print("vnplan ingest: interrupted; the published database is unchanged", file=sys.stderr)
        return 130
    _print_result(result, args)
    return 1 if result.failed else 0


def _print_result(result, args: argparse.Namespace, *lines: str, inbox: str | None = None) -> None:
    """The end of a run: the summary table and `lines` (with --quiet, only the failed files), on stdout,
    or on stderr when stdout carries the JSON summary (--json)."""
    from .output import print_failures, print_summary

    human = sys.stderr if args.json else sys.stdout
    if args.quiet:
        print_failures(result)
    else:
        print_summary(result, file=human)
        for line in lines:
            print(line, file=human)
    if args.json:
        import json

        from .report import summary

        out = summary(result, inbox=inbox) | ({"report": str(result.report)} if result.report else {})
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()


def _prefect_setup(args: argparse.Namespace, command: str) -> bool:
    """Check the extras and paths and set Prefect's environment (before Prefect is imported)."""
    from . import prefect_env

    needed = [("prefect", "flow")] + ([("prefect_dask", "dask")] if getattr(args, "dask_address", None) else [])
    missing = _missing_extra(needed)
    if missing:
        print(f"vnplan {command}: {missing}", file=sys.stderr)
        return False
    if not os.path.isdir(args.inbox):
        what = "not a folder" if os.path.exists(args.inbox) else "no such folder"
        print(f"vnplan {command}: --inbox {args.inbox}: {what}", file=sys.stderr)
        return False
    if getattr(args, "quiet", False):
        # Prefect logs a failed task or flow at ERROR, with an empty traceback ("NoneType: None"):
        # vnplan says it once itself, in one line, and lists the failed files. Set before
        # configure(), whose defaults would otherwise set the task runs' level.
        for logger in ("LEVEL", "LOGGERS_PREFECT_TASK_RUNS_LEVEL", "LOGGERS_PREFECT_FLOW_RUNS_LEVEL"):
            os.environ.setdefault(f"PREFECT_LOGGING_{logger}", "CRITICAL")
    prefect_env.configure(home=os.path.join(os.path.dirname(os.path.abspath(args.db)), "prefect"))
    return True


def _missing_extra(needed: list[tuple[str, str]]) -> str | None:
    """What a core install (`pip install vnplan`) lacks for a command: the first (module, extra) of
    `needed` whose module is not installed, said with the pip command that installs it."""
    import importlib.util

    for module, extra in needed:
        if importlib.util.find_spec(module) is None:
            return (f"needs vnplan's '{extra}' extra, which is not installed (no module {module}): "
                    f"pip install 'vnplan[{extra}]' (`make setup` installs every extra)")
    return None


def _nightly(args: argparse.Namespace) -> int:
    import time

    from . import prefect_env

    if not _prefect_setup(args, "nightly"):
        return 2
    clock = time.monotonic()
    try:
        with prefect_env.api(before_wait=_import_flow) as (url, server):
            started = round(time.monotonic() - clock, 3)
            if not args.quiet:
                print(f"Prefect: {url}" if not server else
                      f"Prefect: a temporary server without UI on port {server.port}, stopped after the run (set "
                      "PREFECT_API_URL, or run `vnplan serve`, to keep the runs)", file=sys.stderr)
            from . import flow as nightly_flow
            from .flow import dask_runner, drain_prefect, nightly_ingest
            from .progress import RunProgress, live

            flow = nightly_ingest
            if args.dask_address:
                flow = nightly_ingest.with_options(task_runner=dask_runner(args.dask_address))
            try:
                with live(RunProgress(), enabled=not args.quiet) as nightly_flow.shown_progress:
                    state = flow(inbox=args.inbox, db=args.db, lake=args.lake, reports=args.reports,
                                 force=args.force, wait=args.wait, processes=args.processes, return_state=True)
            finally:
                nightly_flow.shown_progress = None
                drain_prefect()
    except KeyboardInterrupt:
        print("vnplan nightly: interrupted; the published database is unchanged", file=sys.stderr)
        return 130
    except RuntimeError as e:  # the temporary Prefect server did not start
        print(f"vnplan nightly: {e}", file=sys.stderr)
        return EXIT_RUN_FAILED
    return _flow_exit(state, args, started)


def _import_flow() -> None:
    from . import flow  # noqa: F401  (while a temporary server starts)


def _flow_exit(state, args: argparse.Namespace, prefect_start: float) -> int:
    from .lake import LakeBusy
    from .run_level import ReportFailed

    result = state.result(raise_on_failure=False)
    if isinstance(result, LakeBusy):
        print(f"vnplan nightly: {result}", file=sys.stderr)
        return EXIT_BUSY
    if isinstance(result, ReportFailed):
        print(f"vnplan nightly: {result}", file=sys.stderr)
        return EXIT_RUN_FAILED
    if state.is_failed() or isinstance(result, BaseException):
        print(f"vnplan nightly: the run failed, the published database is unchanged: {state.message}",
              file=sys.stderr)
        return EXIT_RUN_FAILED
    result.timings["prefect_start"] = prefect_start
    steps = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items() if k != "total")
    _print_result(result, args, f"took {result.timings['total']:.2f} s ({steps})", f"report: {result.report}",
                  inbox=os.path.abspath(args.inbox))
    return 1 if result.failed else 0


def _serve(args: argparse.Namespace) -> int:
    from . import prefect_env

    if not _prefect_setup(args, "serve"):
        return 2
    try:
        with prefect_env.api(ui=True, host=args.host, port=args.port, record=True,
                             before_wait=_import_flow) as (url, server):
            from .flow import nightly_ingest

            ui = url.removesuffix("/").removesuffix("/api")
            print(f"Prefect UI: {ui}{'' if server else ' (the server in PREFECT_API_URL)'}", file=sys.stderr)
            parameters = {"inbox": os.path.abspath(args.inbox), "db": os.path.abspath(args.db),
                          "lake": os.path.abspath(args.lake), "wait": args.wait,
                          "reports": os.path.abspath(args.reports) if args.reports else None}
            schedule = {"cron": args.cron} if not args.timezone else {}
            if args.timezone:
                from prefect.schedules import Cron

                schedule = {"schedule": Cron(args.cron, timezone=args.timezone)}
            print(f"Serving the deployment '{nightly_ingest.name}/{args.name}' until Ctrl-C. To run it now, "
                  f"from any shell:\n  {_run_deployment_hint(url, f'{nightly_ingest.name}/{args.name}')}",
                  file=sys.stderr)
            nightly_ingest.serve(name=args.name, parameters=parameters, print_starting_message=False,
                                 description="vnplan: ingest the inbox, publish the DuckDB file, report", **schedule)
    except KeyboardInterrupt:
        return 0
    except RuntimeError as e:
        print(f"vnplan serve: {e}", file=sys.stderr)
        return EXIT_RUN_FAILED
    return 0


def _run_deployment_hint(api_url: str, deployment: str) -> str:
    """The command that runs the deployment now, as typed in a plain shell: with the server's
    address (a shell has not this process's environment) and the `prefect` found by its PATH, or
    the one beside this Python when that is not on the PATH (a virtualenv not activated)."""
    import shlex
    import shutil
    from pathlib import Path

    prefect = Path(sys.executable).with_name("prefect")
    on_path = shutil.which("prefect")
    command = "prefect" if on_path and Path(on_path).resolve() == prefect.resolve() else shlex.quote(str(prefect))
    return f"PREFECT_API_URL={shlex.quote(api_url)} {command} deployment run {shlex.quote(deployment)}"


def _query(args: argparse.Namespace) -> int:
    import duckdb

    from .output import write_rows
    from .readonly_db import REFUSED, is_refusal

    con = _connect_read_only(args.db, "query")
    if con is None:
        return 2
    try:
        with con:
            cursor = con.execute(args.sql)
            write_rows(cursor, args.format, sys.stdout)
    except duckdb.Error as e:
        print(f"vnplan query: {e}", file=sys.stderr)
        if is_refusal(e):
            print(f"vnplan query: {REFUSED}", file=sys.stderr)
        return 2
    return 0


# --- research commands: schema, search, show, export (issue #6) -----------------------------------

def _add_research_commands(commands) -> None:
    p = commands.add_parser("schema", help="print the data dictionary (Markdown)",
                            description="Print every table, view and macro of the published file with its columns, "
                                        "as Markdown (docs/DATA.md is this output).")
    p.add_argument("--write", metavar="FILE", help="write it to FILE instead (as docs/DATA.md)")
    p.set_defaults(command=_schema)

    p = commands.add_parser("search", help="rank rows by relevance to words, with or without diacritics",
                            description="Rank documents (title), sections, objectives, indicators (name) and tasks "
                                        "(content) by BM25 relevance; 'bao hiem y te' finds 'bảo hiểm y tế'.")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--table", choices=["documents", "sections", "objectives", "indicators", "tasks"],
                   help="search one table only")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="rows to show (default 10)")
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE", help=f"DuckDB file (default {DEFAULT_DB})")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format (default table)")
    p.set_defaults(command=_search)

    p = commands.add_parser("show", help="print one document's metadata, objectives, indicators and tasks",
                            description="Print one document's records and list its plan's copies. DOC is a plan_id, "
                                        "a doc_id (or its start), a document number (542/KH-UBND) or part of the "
                                        "source path; when it names copies of one plan, the plan's preferred copy "
                                        "is shown.")
    p.add_argument("doc", metavar="DOC")
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE", help=f"DuckDB file (default {DEFAULT_DB})")
    p.set_defaults(command=_show)

    p = commands.add_parser("diff", help="what changed from a plan's draft to its final",
                            description="List the tasks, indicators and duties added, removed or changed from a "
                                        "plan's draft to its final, and its changed number, date, title or signer "
                                        "(the plan_changes table). PLAN is named as for `vnplan show`.")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE", help=f"DuckDB file (default {DEFAULT_DB})")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format (default table)")
    p.set_defaults(command=_diff)

    p = commands.add_parser("export", help="write every table as CSV, XLSX or Parquet",
                            description="Write the record tables, the indicator catalogue and the views to DIR: "
                                        "CSV (UTF-8 with BOM, lists as JSON), XLSX (one sheet per table, lists "
                                        "joined by '; ') or Parquet.")
    p.add_argument("--format", choices=["csv", "xlsx", "parquet"], required=True)
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write into (created if missing)")
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE", help=f"DuckDB file (default {DEFAULT_DB})")
    p.set_defaults(command=_export)

    p = commands.add_parser("browse", help="explore the plans in a web browser (read-only)",
                            description="Serve a read-only web explorer of the published file: plans by province, "
                                        "level, type and year, each plan's outline, indicators, tasks and duties, "
                                        "agencies and indicators across plans, every list as CSV or XLSX.")
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE", help=f"DuckDB file (default {DEFAULT_DB})")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.set_defaults(command=_browse)


def _connect_read_only(db: str, command: str):
    """The published file opened read-only (pipeline/readonly_db.py), or None (after saying why) when there is none."""
    from .readonly_db import NoDatabase, open_read_only

    try:
        return open_read_only(db)
    except NoDatabase as e:
        print(f"vnplan {command}: {e}", file=sys.stderr)
        return None


def _schema(args: argparse.Namespace) -> int:
    from schemas.dictionary import markdown

    text = markdown()
    if not args.write:
        sys.stdout.write(text)
        return 0
    from pathlib import Path

    from .atomic import write_bytes_atomically

    Path(args.write).parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomically(Path(args.write), text.encode())
    print(f"wrote {args.write}", file=sys.stderr)
    return 0


def _search(args: argparse.Namespace) -> int:
    import duckdb

    from .search import print_hits, search

    if args.limit < 1:
        print("vnplan search: --limit must be at least 1", file=sys.stderr)
        return 2
    con = _connect_read_only(args.db, "search")
    if con is None:
        return 2
    with con:
        try:
            hits = search(con, args.query, args.table, args.limit)
        except duckdb.CatalogException:
            print(f"vnplan search: {args.db} has no search index; publish it again with this vnplan "
                  "(`vnplan ingest` on the same files)", file=sys.stderr)
            return 2
    if args.format == "table":
        print_hits(hits, args.query)
    else:
        from .output import write_rows

        write_rows(_HitCursor(hits), args.format, sys.stdout)
    return 0


class _HitCursor:
    """Search hits in the shape output.write_rows reads (a DB-API cursor)."""

    def __init__(self, hits):
        import dataclasses

        fields = [f.name for f in dataclasses.fields(hits[0])] if hits else ["table_name", "row_id", "doc_id", "score",
                                                                            "matched_terms", "text", "doc_label"]
        self.description = [(name,) for name in fields]
        self._rows = [dataclasses.astuple(h) for h in hits]

    def fetchmany(self, size=1000):
        batch, self._rows = self._rows[:size], self._rows[size:]
        return batch

    def fetchall(self):
        return self.fetchmany(len(self._rows))


def _show(args: argparse.Namespace) -> int:
    from .show import find_documents, one_plan, print_candidates, print_document

    con = _connect_read_only(args.db, "show")
    if con is None:
        return 2
    with con:
        found = one_plan(find_documents(con, args.doc))
        if not found:
            print(f"vnplan show: no document matches {args.doc!r} (by doc_id, number or source path)", file=sys.stderr)
            return 2
        if len(found) > 1:
            print_candidates(found)
            return 2
        print_document(con, found[0].doc_id)
    return 0


def _diff(args: argparse.Namespace) -> int:
    import duckdb

    from .show import find_documents, one_plan, print_candidates, print_changes

    con = _connect_read_only(args.db, "diff")
    if con is None:
        return 2
    with con:
        try:
            found = one_plan(find_documents(con, args.plan))
            if len(found) > 1:
                print_candidates(found)
                return 2
            if not found or found[0].plan_id is None:
                print(f"vnplan diff: no plan matches {args.plan!r} (by plan_id, doc_id, number or source path)"
                      if not found else f"vnplan diff: {args.db} has no plans; publish it again with this vnplan",
                      file=sys.stderr)
                return 2
            if args.format == "table":
                print_changes(con, found[0].plan_id)
            else:
                from .output import write_rows

                write_rows(con.execute("SELECT * FROM plan_changes WHERE plan_id = ? ORDER BY rowid",
                                       [found[0].plan_id]), args.format, sys.stdout)
        except duckdb.CatalogException:
            print(f"vnplan diff: {args.db} has no plan_changes table; publish it again with this vnplan",
                  file=sys.stderr)
            return 2
    return 0


def _export(args: argparse.Namespace) -> int:
    import duckdb

    from .export import export

    con = _connect_read_only(args.db, "export")
    if con is None:
        return 2
    with con:
        try:
            written = export(con, args.format, args.out)
        except (duckdb.Error, OSError) as e:
            print(f"vnplan export: {e}", file=sys.stderr)
            return 2
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table("table", "rows", "file")
    for name, (path, rows) in written.items():
        table.add_row(name, str(rows), Text(str(path)))
    Console().print(table)
    return 0



def _browse(args: argparse.Namespace) -> int:
    missing = _missing_extra([("fastapi", "browse"), ("jinja2", "browse"), ("uvicorn", "browse")])
    if missing:
        print(f"vnplan browse: {missing}", file=sys.stderr)
        return 2
    import uvicorn

    from .browse.app import create_app
    from .readonly_db import NoDatabase

    try:
        app = create_app(args.db)
    except NoDatabase as e:
        print(f"vnplan browse: {e}", file=sys.stderr)
        return 2
    print(f"vnplan browse: http://{args.host}:{args.port}/ (Ctrl-C to stop)", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
