"""The run report: what came in, what changed, what failed, and what took long.

One RunResult gives the same report three ways: Markdown (a Prefect artifact, and
REPORTS/<run_id>.md), a table of files (a Prefect table artifact), and JSON with the counts and
step timings (REPORTS/<run_id>.json, for scripts and benchmarks). No Prefect import here.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from schemas.records import utf8_text

from .atomic import write_bytes_atomically
from .ingest import FileOutcome, RunResult

SLOWEST = 10
LIST_LIMIT = 200  # files listed per section of the Markdown; the table artifact and JSON cap at TABLE_LIMIT
TABLE_LIMIT = 1000
CHANGE_TITLES = {"new": "New files", "changed": "Changed files",
                 "reextracted": "Re-extracted files (same bytes, newer extractor or --force)"}


def default_reports_dir(db: Path | str) -> Path:
    return Path(db).absolute().parent / "reports"


def groups(result: RunResult) -> dict[str, list[FileOutcome]]:
    """Files by what happened to them: new, changed, reextracted (all ingested), unchanged
    (skipped, including a second copy of content ingested under another path) and failed."""
    out: dict[str, list[FileOutcome]] = {k: [] for k in ("new", "changed", "reextracted", "unchanged", "failed")}
    for f in result.files:
        key = "failed" if f.status == "failed" else "unchanged" if f.status == "skipped" else f.change or "new"
        out[key].append(f)
    return out


def slowest(result: RunResult, n: int = SLOWEST) -> list[FileOutcome]:
    extracted = [f for f in result.files if f.status != "skipped"]
    return sorted(extracted, key=lambda f: f.duration_ms, reverse=True)[:n]


def markdown(result: RunResult, *, inbox: str | None = None) -> str:
    g = groups(result)
    rel = _relative_to(inbox)
    lines = [f"# vnplan run {result.run_id}", ""]
    lines.append(f"**{len(g['failed'])} of {len(result.files)} files failed**; the others are published."
                 if g["failed"] else f"All {len(result.files)} files were ingested or are unchanged.")
    where = [f"inbox `{inbox}`"] if inbox else []
    where += [f"database `{os.path.abspath(result.db)}`", f"lake `{result.lake}`"]
    lines += ["", "- " + ", ".join(where),
              f"- started {result.started_at:%Y-%m-%d %H:%M:%S} UTC, took {result.timings.get('total', 0):.1f} s "
              f"({_timings(result.timings)})"]
    if len(result.runs) > 1:
        lines.append(f"- committed to the lake in {len(result.runs)} parts (checkpoints): {', '.join(result.runs)}")
    lines.append("")
    lines += ["## Files", "", "| new | changed | re-extracted | unchanged | failed | total |",
              "|---:|---:|---:|---:|---:|---:|",
              "| " + " | ".join(str(len(g[k])) for k in ("new", "changed", "reextracted", "unchanged", "failed"))
              + f" | {len(result.files)} |", ""]
    if result.plans:
        lines += [f"- new plans: {result.plans['new_plans']} (from {result.plans['new_plan_files']} of the new and "
                  "changed files)",
                  f"- copies of plans already in the database (another format, a scan, the draft or the final): "
                  f"{result.plans['known_plan_files']} files", ""]
    lines += ["## Rows per table", "", "| table | new rows this run | rows published |", "|---|---:|---:|"]
    for table, rows in result.published.items():
        new = result.records.get(table, len(result.files) if table == "ingest_log" else None)
        lines.append(f"| {table} | {'' if new is None else new} | {rows} |")
    lines.append("")
    if g["failed"]:
        lines += [f"## Failed files ({len(g['failed'])})", "", "| file | error |", "|---|---|"]
        lines += [f"| {_cell(rel(f.source_path))} | {_cell(f.error or '')} |" for f in g["failed"][:LIST_LIMIT]]
        lines += _more(g["failed"]) + [""]
    for key, heading in CHANGE_TITLES.items():
        if g[key]:
            lines += [f"## {heading} ({len(g[key])})", ""]
            lines += [f"- {_cell(rel(f.source_path))}" for f in g[key][:LIST_LIMIT]] + _more(g[key]) + [""]
    if g["unchanged"]:
        lines += [f"## Unchanged files ({len(g['unchanged'])})", "",
                  "Skipped: the same bytes were ingested before with this extractor version.", ""]
        notes = [f for f in g["unchanged"] if f.error]
        lines += [f"- {_cell(rel(f.source_path))}: {_cell(f.error)}" for f in notes[:LIST_LIMIT]]
        lines += (_more(notes) + [""]) if notes else []
    top = slowest(result)
    if top:
        lines += ["## Slowest files", "", "| file | reader | seconds | status |", "|---|---|---:|---|"]
        lines += [f"| {_cell(rel(f.source_path))} | {f.reader or ''} | {f.duration_ms / 1000:.2f} | {f.status} |"
                  for f in top]
        lines.append("")
    return "\n".join(lines)


def table(result: RunResult, *, inbox: str | None = None) -> list[dict]:
    """One row per file that was read this run (unchanged files are only counted), slowest first."""
    rel = _relative_to(inbox)
    rows = [f for f in result.files if f.status != "skipped"]
    rows.sort(key=lambda f: (f.status != "failed", -f.duration_ms))
    return [{"file": utf8_text(rel(f.source_path)), "status": f.status, "change": f.change or "",
             "seconds": round(f.duration_ms / 1000, 3), "reader": f.reader or "", "error": utf8_text(f.error or "")}
            for f in rows[:TABLE_LIMIT]]


def summary(result: RunResult, *, inbox: str | None = None) -> dict:
    g = groups(result)
    return {
        "run_id": result.run_id, "lake_runs": result.runs, "inbox": inbox, "db": os.path.abspath(result.db),
        "lake": str(result.lake),
        "started_at": result.started_at.isoformat(),
        "files": {k: len(v) for k, v in g.items()} | {"total": len(result.files)},
        "plans": result.plans,
        "new_rows": result.records, "published_rows": result.published,
        "timings_s": result.timings,
        "failed": [{"file": utf8_text(f.source_path), "error": utf8_text(f.error or "")}
                   for f in g["failed"][:TABLE_LIMIT]],
        "slowest": [{"file": utf8_text(f.source_path), "seconds": f.duration_ms / 1000, "status": f.status}
                    for f in slowest(result)],
    }


def write(result: RunResult, reports_dir: Path | str, *, inbox: str | None = None,
          text: str | None = None) -> Path:
    """Write REPORTS/<run_id>.md and .json (each atomically); returns the Markdown file's path."""
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / f"{result.run_id}.md"
    write_bytes_atomically(reports_dir / f"{result.run_id}.json",
                           json.dumps(summary(result, inbox=inbox), ensure_ascii=False, indent=1).encode())
    write_bytes_atomically(path, (text if text is not None else markdown(result, inbox=inbox)).encode())
    return path


def _timings(timings: dict[str, float]) -> str:
    steps = [f"{k} {v:.2f} s" for k, v in timings.items() if k != "total" and v >= 0.005]
    return ", ".join(steps) or "no step took time"


def _more(items: list) -> list[str]:
    return [f"- … and {len(items) - LIST_LIMIT} more"] if len(items) > LIST_LIMIT else []


def _cell(text: str) -> str:
    """Text inside a Markdown table cell or list item: one line, pipes and backticks escaped, a file
    name's bytes that are not UTF-8 shown as U+FFFD."""
    return " ".join(utf8_text(str(text)).split()).replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")


def _relative_to(inbox: str | None):
    if not inbox:
        return lambda p: p
    base = os.path.abspath(inbox)

    def rel(path: str) -> str:
        absolute = os.path.abspath(path)
        return os.path.relpath(absolute, base) if absolute.startswith(base + os.sep) else path
    return rel
