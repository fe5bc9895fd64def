"""The benchmark runner (`make bench`): every figure of issue 8's acceptance, in one run, on one
generated corpus, next to the naive baselines.

    python -m bench.run                    # quick: 200 generated documents (BENCH_DOCS=200)
    BENCH_DOCS=2000 python -m bench.run    # the acceptance run

Steps, each measurement in a fresh child process (bench/worker.py), one at a time:

1. generate (or reuse) the corpus bench/corpus/N with bench.scale;
2. `vnplan --help` wall time;
3. per format (pdf, docx, html, txt): the whole pipeline, pipeline.ingest.ingest(files, fresh db,
   fresh lake), as `vnplan ingest --quiet` runs it: documents/s, and pages/s for PDFs;
4. baselines on the same files: pdfplumber's extract_text and pypdfium2's get_text_range for
   every PDF page (one process, one page after the other), python-docx and lxml plain text;
5. OCR seconds per page: 2 pages of data/samples/nghean-draft-scan.pdf via extractors.ocr;
6. the whole corpus in one run (fresh db and lake): peak RSS of the process tree, time per
   document in the first and the last quarter, then the no-change re-run as a ratio of the first;
7. query latency on the published file: each view (duckdb_views()), the search macro if any,
   and plain researcher queries: median of BENCH_QUERY_RUNS runs after one warm-up; then each page of
   the plan explorer (`vnplan browse`, bench/browse_latency.py) on the same file;
8. the no-change re-run ratio of data/samples/ (issue 5's sample corpus).

Writes bench/results.json and bench/RESULTS.md (targets, measured values, baselines, ratios,
PASS/MISS). Options: BENCH_DOCS, BENCH_SEED (1), BENCH_FORMAT_DOCS (cap on files per format in
step 3-4; default all), BENCH_QUERY_RUNS (7), BENCH_KEEP=1 (keep the work folder with the lakes
and databases), BENCH_SKIP_SAMPLES=1 (skip step 8).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import browse_latency, scale

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
GIB = 1024 ** 3

TARGETS = {
    "pdf_ratio": 1.0,  # whole-pipeline pages/s over pdfplumber's
    "docs_per_s": 20.0,  # DOCX and HTML
    "peak_rss_bytes": 1 * GIB,
    "quarter_spread": 0.20,  # last quarter's time per document within 20% of the first's
    "rerun_ratio": 0.05,  # issue 8, the generated corpus
    "rerun_ratio_samples": 0.10,  # issue 5, data/samples
    "query_s": 0.200,
    "help_s": 0.5,
    "page_s": browse_latency.TARGET_S,  # each page of the plan explorer (issue 17)
}
# Published figures quoted by issue 8, for context only (not measured here).
PUBLISHED = [("docling (CPU)", "0.6-2.5 pages/s"), ("unstructured, fast strategy (text only)", "13 pages/s"),
             ("Tesseract, OMP_THREAD_LIMIT=1 (issue 8's measurement)", "~0.9 s/page")]
CODE_VERSIONS: dict[str | None, list[str]] = {}  # extractor version -> the ingest measurements that ran it
QUERY_TEXT = "y tế cơ sở"
SEARCHES = ["y tế cơ sở", "bao hiem y te", "Sở Tài chính"]  # with and without diacritics, an agency
SEARCH_TOP = 20


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- child processes ---------------------------------------------------------------------------

def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (shared pages counted in each)."""
    try:
        import psutil
    except ImportError:
        return 0
    try:
        proc = psutil.Process(pid)
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def spawn(spec: dict, work: Path, name: str, timeout: float | None = None) -> dict:
    """Run one measurement in a fresh `python -m bench.worker`; returns its result plus the
    process's wall time and the peak RSS of its process tree, sampled every 50 ms."""
    spec_path, result_path, log_path = work / f"{name}.spec.json", work / f"{name}.result.json", work / f"{name}.log"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False))
    result_path.unlink(missing_ok=True)
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    with open(log_path, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bench.worker", str(spec_path), str(result_path)],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
        peak, timeline = 0, []
        while proc.poll() is None:
            rss = _tree_rss(proc.pid)
            peak = max(peak, rss)
            timeline.append((round(time.perf_counter() - start, 2), rss))
            if timeout and time.perf_counter() - start > timeout:
                proc.kill()
            time.sleep(0.05)
    wall = time.perf_counter() - start
    try:
        result = json.loads(result_path.read_text())
    except (OSError, ValueError):
        result = {"error": f"worker exited {proc.returncode} without a result; see {log_path}"}
    if proc.returncode and "error" not in result:
        result["error"] = f"worker exited {proc.returncode}"
    if "error" in result:
        result["log_tail"] = log_path.read_text(errors="replace")[-2000:] if log_path.exists() else ""
    result["process_seconds"] = wall
    result["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    result["tree_peak_rss_bytes"] = peak
    self_peak = max(result.get("maxrss_self_kib", 0), result.get("maxrss_children_kib", 0)) * 1024
    result["peak_rss_bytes"] = max(peak, self_peak)
    result["rss_timeline"] = timeline[:: max(1, len(timeline) // 200)]
    return result


# --- measurements ------------------------------------------------------------------------------

def vnplan_help(runs: int = 5) -> dict:
    exe = Path(sys.executable).with_name("vnplan")
    cmd = [str(exe), "--help"] if exe.exists() else [sys.executable, "-m", "pipeline.cli", "--help"]
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return {"command": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cmd)),
            "median_s": statistics.median(times[1:]), "runs_s": [round(t, 3) for t in times]}


def published_counts(db: Path) -> dict:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        pages = con.execute("SELECT coalesce(sum(page_count), 0), count(*) FROM documents").fetchone()
        log_rows = con.execute("SELECT status, count(*) FROM ingest_log GROUP BY ALL").fetchall()
    return {"pages": int(pages[0]), "documents": int(pages[1]), "log": dict(log_rows)}


def ingest_run(paths: list[str], work: Path, name: str, db: Path | None = None, lake: Path | None = None) -> dict:
    db = db or work / f"{name}.duckdb"
    lake = lake or work / f"{name}-lake"
    result = spawn({"task": "ingest", "paths": paths, "db": str(db), "lake": str(lake)}, work, name)
    result["db"], result["lake"] = str(db), str(lake)
    CODE_VERSIONS.setdefault(result.get("code_version"), []).append(name)
    if "error" not in result and db.exists():
        result.update(published_counts(db))
    return result


def quarters(result: dict) -> dict:
    """Time per document in each quarter of a run, from when each outcome was stored (wall clock,
    so it includes storing and any slow-down of the run itself), next to the ingest_log's
    per-file duration_ms."""
    out: dict = {}
    statuses = result.get("statuses", [])
    for key, series in (("wall_s_per_doc", result.get("stamps", [])), ("cpu_s_per_doc", result.get("cpu_stamps", []))):
        stamps = [t for t, s in zip(series, statuses) if s == "ok"]
        n = len(stamps)
        if n < 8:
            continue
        timings = result.get("timings") or {}
        extract_start = sum(timings.get(k, 0.0) for k in ("discover", "lock", "hash")) if key == "wall_s_per_doc" else 0.0
        per_doc = []
        for k in range(4):
            a, b = k * n // 4, (k + 1) * n // 4
            begin = stamps[a - 1] if a > 0 else min(extract_start, stamps[0])
            per_doc.append((stamps[b - 1] - begin) / (b - a))
        out[key] = per_doc
    db = result.get("db")
    if db and Path(db).exists():
        import duckdb

        with duckdb.connect(db, read_only=True) as con:
            durations = [r[0] for r in con.execute(
                "SELECT duration_ms FROM ingest_log WHERE status = 'ok' ORDER BY started_at, source_path").fetchall()]
        m = len(durations)
        if m >= 8:
            out["log_ms_per_doc"] = [statistics.fmean(durations[k * m // 4:(k + 1) * m // 4]) for k in range(4)]
    return out


def rss_by_tenth(timeline: list) -> list[int]:
    """Peak RSS (MiB) of the process tree in each tenth of a run's wall time: flat while the files
    are extracted means memory does not grow with the corpus."""
    if len(timeline) < 10:
        return []
    end = timeline[-1][0] or 1
    peaks = [0] * 10
    for t, rss in timeline:
        k = min(int(10 * t / end), 9)
        peaks[k] = max(peaks[k], rss)
    return [round(p / 2**20) for p in peaks]


def _run_query(con, sql: str) -> int:
    """Run a query and materialize every row (as Arrow: the rows, without Python objects per value)."""
    relation = con.sql(sql) if hasattr(con, "sql") else None
    if relation is not None:
        for method in ("to_arrow_table", "fetch_arrow_table", "arrow"):
            fn = getattr(relation, method, None)
            if fn is not None:
                return fn().num_rows
    return len(con.execute(sql).fetchall())


def researcher_queries(con) -> list[tuple[str, str, str]]:
    """(kind, name, sql): each view, the search macro when there is one, plain SQL."""
    queries = []
    for (view,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' "
                               "ORDER BY view_name").fetchall():
        queries.append(("view", view, f'SELECT * FROM "{view}"'))
    macros = con.execute("SELECT DISTINCT function_name FROM duckdb_functions() WHERE NOT internal "
                         "AND function_type = 'table_macro' AND function_name ILIKE '%search%' ORDER BY 1").fetchall()
    for (name,) in macros:
        for text in SEARCHES:
            # As a researcher reads a search: the best rows first (the macro's documented use) ...
            queries.append(("search", f"{name}('{text}') top {SEARCH_TOP}",
                            f"SELECT * FROM \"{name}\"('{text}') LIMIT {SEARCH_TOP}"))
        # ... and every matching row, for the record (no target).
        queries.append(("search-all", f"{name}('{SEARCHES[0]}') all rows", f"SELECT * FROM \"{name}\"('{SEARCHES[0]}')"))
    queries += [
        ("sql", "indicators for a year",
         "SELECT d.issuer, d.province, i.name, i.comparator, i.value, i.unit FROM indicators i "
         "JOIN documents d USING (doc_id) WHERE i.year = 2030"),
        ("sql", "indicators by name, year and value",
         "SELECT d.issuer, i.name, i.comparator, i.value, i.year FROM indicators i JOIN documents d USING (doc_id) "
         "WHERE i.name ILIKE '%bảo hiểm y tế%' AND i.year = 2030 AND i.value >= 95"),
        ("sql", "tasks by agency",
         "SELECT d.issuer, t.content, t.deadline_text, t.due_date FROM tasks t JOIN documents d USING (doc_id) "
         "WHERE list_contains(t.lead_agencies, 'Sở Y tế')"),
        ("sql", "tasks per agency (count)",
         "SELECT a.agency, count(*) AS tasks FROM (SELECT unnest(lead_agencies) AS agency FROM tasks) a "
         "GROUP BY ALL ORDER BY tasks DESC"),
        ("sql", "documents of a province",
         "SELECT doc_number, issuer, issue_date, title FROM documents WHERE province = 'Nghệ An' ORDER BY issue_date"),
        ("sql", "full-text ILIKE on sections",
         f"SELECT doc_id, label, heading FROM sections WHERE text ILIKE '%{QUERY_TEXT}%'"),
        ("sql", "duties of an agency",
         "SELECT d.issuer, a.duty FROM assignments a JOIN documents d USING (doc_id) WHERE a.agency = 'Sở Tài chính'"),
    ]
    return queries


def query_latency(db: Path, runs: int) -> list[dict]:
    import duckdb

    out = []
    with duckdb.connect(str(db), read_only=True) as con:
        for kind, name, sql in researcher_queries(con):
            entry = {"kind": kind, "name": name, "sql": sql}
            try:
                start = time.perf_counter()
                rows = _run_query(con, sql)
                entry["first_s"] = time.perf_counter() - start
                times = []
                for _ in range(runs):
                    start = time.perf_counter()
                    _run_query(con, sql)
                    times.append(time.perf_counter() - start)
                entry.update(rows=rows, median_s=statistics.median(times), max_s=max(times))
            except duckdb.Error as e:
                entry["error"] = str(e).splitlines()[0]
            out.append(entry)
    return out


def environment() -> dict:
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    versions = {}
    for package in ("vnplan", "pdfplumber", "pypdfium2", "python-docx", "lxml", "duckdb", "pyarrow", "reportlab"):
        try:
            from importlib.metadata import version
            versions[package] = version(package)
        except Exception:
            versions[package] = None
    return {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(), "machine": platform.machine(), "python": platform.python_version(),
        "memory_bytes": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_uncommitted_files": len([l for l in git("status", "--porcelain").splitlines() if l.strip()]),
        "versions": versions,
    }


# --- the run -----------------------------------------------------------------------------------

def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def run(docs: int, seed: int, format_cap: int | None, query_runs: int, keep: bool, samples: bool) -> dict:
    started = time.perf_counter()
    results: dict = {"docs": docs, "seed": seed, "environment": environment()}
    corpus_dir = BENCH / "corpus" / str(docs)
    log(f"corpus: {docs} documents in {corpus_dir.relative_to(ROOT)}")
    clock = time.perf_counter()
    manifest = scale.generate(corpus_dir, docs, seed)
    results["corpus"] = {
        "path": str(corpus_dir.relative_to(ROOT)), "generate_seconds": manifest.get("seconds"),
        "reused": time.perf_counter() - clock < 0.5 * (manifest.get("seconds") or 0),
        "formats": {f: sum(1 for x in manifest["files"] if x["format"] == f) for f in scale.MIX},
        "pdf_pages": sum(x.get("pages", 0) for x in manifest["files"]),
        "bytes": sum(x["bytes"] for x in manifest["files"]),
    }
    by_format: dict[str, list[str]] = {}
    for entry in manifest["files"]:
        by_format.setdefault(entry["format"], []).append(str(corpus_dir / entry["file"]))
    work = Path(tempfile.mkdtemp(prefix=f"vnplan-bench-{docs}-"))
    log(f"work folder {work}")
    try:
        log("vnplan --help")
        results["help"] = vnplan_help()

        results["formats"] = {}
        for fmt in ("pdf", "docx", "html", "txt"):
            paths = by_format.get(fmt, [])[:format_cap] if format_cap else by_format.get(fmt, [])
            if not paths:
                continue
            log(f"pipeline, {fmt}: {len(paths)} files")
            r = ingest_run(paths, work, f"format-{fmt}")
            entry = {"files": len(paths), **{k: r.get(k) for k in (
                "seconds", "process_seconds", "import_seconds", "cpu_seconds", "ok", "failed", "skipped", "pages",
                "published", "timings", "peak_rss_bytes", "load_average_1min", "error", "failures")}}
            if r.get("seconds"):
                entry["docs_per_s"] = len(paths) / r["seconds"]
                if fmt == "pdf":
                    entry["pages_per_s"] = r.get("pages", 0) / r["seconds"]
            results["formats"][fmt] = entry
            shutil.rmtree(r["lake"], ignore_errors=True)

        baselines = results["baselines"] = {}
        pdfs = by_format.get("pdf", [])[:format_cap] if format_cap else by_format.get("pdf", [])
        for task in ("pypdfium2", "pdfplumber"):
            if pdfs:
                log(f"baseline {task}: {len(pdfs)} PDFs")
                r = spawn({"task": task, "paths": pdfs}, work, f"baseline-{task}")
                baselines[task] = {k: r.get(k) for k in ("seconds", "cpu_seconds", "pages", "chars", "peak_rss_bytes",
                                                         "load_average_1min", "error")}
                if r.get("seconds"):
                    baselines[task]["pages_per_s"] = r["pages"] / r["seconds"]
        for task, fmt in (("docx_text", "docx"), ("html_text", "html")):
            paths = by_format.get(fmt, [])[:format_cap] if format_cap else by_format.get(fmt, [])
            if paths:
                log(f"baseline {task}: {len(paths)} files")
                r = spawn({"task": task, "paths": paths}, work, f"baseline-{task}")
                baselines[task] = {k: r.get(k) for k in ("seconds", "cpu_seconds", "docs", "chars", "error")}
                if r.get("seconds"):
                    baselines[task]["docs_per_s"] = r["docs"] / r["seconds"]

        scan = ROOT / "data" / "samples" / "nghean-draft-scan.pdf"
        log("OCR: 2 pages of nghean-draft-scan.pdf")
        r = spawn({"task": "ocr", "path": str(scan), "pages": [1, 2]}, work, "ocr", timeout=900)
        results["ocr"] = {k: r.get(k) for k in ("seconds", "cpu_seconds", "pages", "words", "confidence", "error",
                                                "peak_rss_bytes", "load_average_1min")}
        if r.get("seconds") and r.get("pages"):
            results["ocr"]["seconds_per_page"] = r["seconds"] / r["pages"]

        everything = [str(corpus_dir)]
        log(f"whole corpus, first run: {docs} files")
        first = ingest_run(everything, work, "corpus")
        log("whole corpus, no-change re-run")
        again = ingest_run(everything, work, "corpus-again", db=Path(first["db"]), lake=Path(first["lake"]))
        results["corpus_run"] = {
            "first": {k: first.get(k) for k in ("seconds", "process_seconds", "cpu_seconds", "ok", "failed", "skipped",
                                                "pages", "published", "timings", "peak_rss_bytes", "tree_peak_rss_bytes",
                                                "maxrss_self_kib", "load_average_1min", "error", "failures")},
            "rerun": {k: again.get(k) for k in ("seconds", "process_seconds", "cpu_seconds", "ok", "failed", "skipped",
                                                "timings", "peak_rss_bytes", "load_average_1min", "error")},
            "quarters": quarters(first),
            "rss_by_tenth_mib": rss_by_tenth(first.get("rss_timeline") or []),
            "rss_timeline": first.get("rss_timeline"),
        }
        if first.get("process_seconds") and again.get("process_seconds"):
            results["corpus_run"]["rerun_ratio"] = again["process_seconds"] / first["process_seconds"]
        if first.get("seconds") and again.get("seconds"):
            results["corpus_run"]["rerun_ratio_in_process"] = again["seconds"] / first["seconds"]
        db = Path(first["db"])
        results["db_bytes"] = db.stat().st_size if db.exists() else None
        if db.exists():
            log("query latency")
            results["queries"] = query_latency(db, query_runs)
            log("explorer pages")
            results["browse"] = spawn({"task": "browse", "db": str(db), "runs": query_runs}, work, "browse")
            cli = Path(sys.executable).with_name("vnplan")
            if cli.exists():
                times = []
                for _ in range(3):
                    start = time.perf_counter()
                    subprocess.run([str(cli), "query", "SELECT count(*) FROM tasks", "--db", str(db)], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
                    times.append(time.perf_counter() - start)
                results["cli_query_s"] = statistics.median(times)

        if samples:
            sample_dir = ROOT / "data" / "samples"
            log("data/samples, first run and no-change re-run")
            s1 = ingest_run([str(sample_dir)], work, "samples")
            s2 = ingest_run([str(sample_dir)], work, "samples-again", db=Path(s1["db"]), lake=Path(s1["lake"]))
            results["samples_run"] = {
                "first": {k: s1.get(k) for k in ("seconds", "process_seconds", "ok", "failed", "skipped", "pages",
                                                 "error")},
                "rerun": {k: s2.get(k) for k in ("seconds", "process_seconds", "ok", "failed", "skipped", "error")},
            }
            if s1.get("process_seconds") and s2.get("process_seconds"):
                results["samples_run"]["rerun_ratio"] = s2["process_seconds"] / s1["process_seconds"]
    finally:
        if keep:
            log(f"kept {work}")
            results["work"] = str(work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    results["code_versions"] = {str(k): v for k, v in CODE_VERSIONS.items()}
    results["environment"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["verdicts"] = verdicts(results)
    return results


# --- verdicts and the report -------------------------------------------------------------------

def verdicts(r: dict) -> list[dict]:
    """One row per acceptance line: target, measured, baseline, ratio, PASS/MISS (n/a when not measured)."""
    rows = []

    def row(target, measured, baseline, ratio, ok, note=""):
        rows.append({"target": target, "measured": measured, "baseline": baseline,
                     "ratio": None if ratio is None else round(ratio, 3),
                     "result": "n/a" if ok is None else ("PASS" if ok else "MISS"), "note": note})

    fm, base = r.get("formats", {}), r.get("baselines", {})
    pdf, plumber, pdfium = fm.get("pdf", {}), base.get("pdfplumber", {}), base.get("pypdfium2", {})
    if pdf.get("pages_per_s") and plumber.get("pages_per_s"):
        ratio = pdf["pages_per_s"] / plumber["pages_per_s"]
        note = f"pypdfium2 raw text: {pdfium['pages_per_s']:.0f} pages/s (ratio {pdf['pages_per_s'] / pdfium['pages_per_s']:.3f})" \
            if pdfium.get("pages_per_s") else ""
        if pdf.get("cpu_seconds") and plumber.get("cpu_seconds"):
            a, b = pdf["pages"] / pdf["cpu_seconds"], plumber["pages"] / plumber["cpu_seconds"]
            note += f"; per CPU-second: {a:.1f} vs pdfplumber {b:.1f} pages (ratio {a / b:.2f})"
        row("Text PDFs: whole-pipeline pages/s ≥ raw pdfplumber pages/s (ratio ≥ 1.0)",
            f"{pdf['pages_per_s']:.1f} pages/s ({pdf['pages']} pages, {pdf['files']} files)",
            f"pdfplumber {plumber['pages_per_s']:.1f} pages/s", ratio, ratio >= TARGETS["pdf_ratio"], note)
    else:
        row("Text PDFs: whole-pipeline pages/s ≥ raw pdfplumber pages/s (ratio ≥ 1.0)", "n/a", "n/a", None, None)
    for fmt, raw in (("docx", "docx_text"), ("html", "html_text")):
        e = fm.get(fmt, {})
        if e.get("docs_per_s"):
            rate = e["docs_per_s"]
            naive = base.get(raw, {}).get("docs_per_s")
            note = f"{'python-docx' if fmt == 'docx' else 'lxml'} plain text alone: {naive:.0f} docs/s" if naive else ""
            if e.get("cpu_seconds"):
                note += f"; {e['files'] / e['cpu_seconds']:.1f} docs per CPU-second"
            row(f"{fmt.upper()}: ≥ 20 documents/s, whole pipeline", f"{rate:.1f} docs/s ({e['files']} files)",
                "target 20 docs/s", rate / TARGETS["docs_per_s"], rate >= TARGETS["docs_per_s"], note)
    run = r.get("corpus_run", {})
    first = run.get("first", {})
    if first.get("peak_rss_bytes"):
        peak = first["peak_rss_bytes"]
        row(f"{r['docs']}-document corpus: peak RSS ≤ 1 GiB", f"{peak / 2**20:.0f} MiB",
            "1024 MiB", peak / TARGETS["peak_rss_bytes"], peak <= TARGETS["peak_rss_bytes"],
            f"process tree, sampled; the ingest process alone: {first.get('maxrss_self_kib', 0) / 1024:.0f} MiB")
    q = run.get("quarters", {}).get("wall_s_per_doc")
    if q:
        ratio = q[3] / q[0]
        logq = run["quarters"].get("log_ms_per_doc")
        cpuq = run["quarters"].get("cpu_s_per_doc")
        note = f"ingest_log duration_ms per doc by quarter: {', '.join(f'{x:.0f}' for x in logq)}" if logq else ""
        if cpuq and cpuq[0] > 0 and cpuq[3] > 0.2 * q[3]:  # the extraction runs in the ingest process
            note += (f"; CPU ms per doc by quarter (not slowed by other load): {', '.join(f'{x * 1000:.0f}' for x in cpuq)}, "
                     f"last/first {cpuq[3] / cpuq[0]:.3f}")
        row("Time per document does not grow: last quarter within 20% of the first",
            f"{q[3] * 1000:.0f} ms/doc (quarters: {', '.join(f'{x * 1000:.0f}' for x in q)})",
            f"{q[0] * 1000:.0f} ms/doc (first quarter)", ratio, abs(ratio - 1) <= TARGETS["quarter_spread"], note)
    if run.get("rerun_ratio") is not None:
        rr = run["rerun_ratio"]
        row(f"No-change re-run of the {r['docs']}-document corpus ≤ 5% of the first run",
            f"{run['rerun']['process_seconds']:.1f} s", f"first run {first['process_seconds']:.1f} s", rr,
            rr <= TARGETS["rerun_ratio"], f"in-process ingest() only: {run.get('rerun_ratio_in_process', 0):.3f}")
    samples = r.get("samples_run", {})
    if samples.get("rerun_ratio") is not None:
        rr = samples["rerun_ratio"]
        row("No-change re-run of data/samples ≤ 10% of the first run (issue 5)",
            f"{samples['rerun']['process_seconds']:.1f} s", f"first run {samples['first']['process_seconds']:.1f} s",
            rr, rr <= TARGETS["rerun_ratio_samples"])
    queries = r.get("queries", [])
    researcher = [x for x in queries if x["kind"] in ("view", "search")]
    views = [x for x in queries if x["kind"] == "view"]
    searches = [x for x in queries if x["kind"] == "search"]
    if researcher:
        worst = max(researcher, key=lambda x: x.get("median_s", float("inf")))
        failed = [x for x in researcher if "error" in x]
        ok = not failed and worst["median_s"] <= TARGETS["query_s"]
        missing = [] if views else ["no views in the published file"]
        missing += [] if searches else ["no search macro"]
        row(f"Researcher queries (each view, a search) ≤ 200 ms on the {r['docs']}-document file",
            f"slowest: {worst['name']} {worst.get('median_s', float('nan')) * 1000:.0f} ms" if not failed
            else f"{len(failed)} failed", "200 ms",
            (worst.get("median_s") or 0) / TARGETS["query_s"], ok and not missing, "; ".join(missing))
    else:
        plain = [x for x in queries if x["kind"] == "sql" and "median_s" in x]
        worst = max(plain, key=lambda x: x["median_s"]) if plain else None
        row(f"Researcher queries (each view, a search) ≤ 200 ms on the {r['docs']}-document file",
            "no views and no search macro in the published file"
            + (f"; plain SQL slowest {worst['median_s'] * 1000:.0f} ms" if worst else ""), "200 ms", None, None,
            "not yet measurable: the views and search are not built")
    browse = r.get("browse", {})
    shown = [x for x in browse.get("pages", []) if x["page"]]
    if shown:
        worst = max(shown, key=lambda x: x["median_s"])
        broken = [x["name"] for x in shown if x["status"] != 200]
        row(f"Explorer pages (vnplan browse) ≤ 200 ms each on the {r['docs']}-document file",
            f"slowest: {worst['name']} {worst['median_s'] * 1000:.0f} ms", "200 ms",
            worst["median_s"] / TARGETS["page_s"], not broken and worst["median_s"] <= TARGETS["page_s"],
            f"not answered: {', '.join(broken)}" if broken else "")
    elif browse.get("error"):
        row(f"Explorer pages (vnplan browse) ≤ 200 ms each on the {r['docs']}-document file",
            f"n/a ({browse['error']})", "200 ms", None, False)
    if r.get("help"):
        h = r["help"]["median_s"]
        row("`vnplan --help` under 0.5 s", f"{h * 1000:.0f} ms", "500 ms", h / TARGETS["help_s"], h < TARGETS["help_s"])
    ocr = r.get("ocr", {})
    row("OCR seconds per page (reported; no target)",
        f"{ocr['seconds_per_page']:.2f} s/page" if ocr.get("seconds_per_page") else f"n/a ({ocr.get('error', '')})",
        "Tesseract ~0.9 s/page, one thread (issue 8)", None, None)
    return rows


def _fmt_s(x):
    return "n/a" if x is None else f"{x:.2f}"


def markdown(r: dict) -> str:
    env = r["environment"]
    lines = [
        "# Benchmark results",
        "",
        f"`BENCH_DOCS={r['docs']} python -m bench.run` ({'acceptance run' if r['docs'] >= 2000 else 'quick run'}), "
        f"{env['date']}, commit {env['git_commit']}"
        + (f" with {env['git_uncommitted_files']} uncommitted files" if env["git_uncommitted_files"] else "")
        + f"; {env['cpus']} CPUs, {env['memory_bytes'] / GIB:.0f} GiB, Python {env['python']}; "
        f"the whole bench took {r['bench_seconds'] / 60:.1f} min; load average (1 min) "
        f"{(env.get('load_average') or ['?'])[0]} at the start, {(env.get('load_average_end') or ['?'])[0]} at the end.",
    ]
    versions = r.get("code_versions") or {}
    if len(versions) > 1:
        lines += ["", "**Warning: the extractor code changed during this run**, so figures measured before and after "
                  "the change are mixed: " + "; ".join(f"`{v}`: {', '.join(names)}" for v, names in versions.items()) + "."]
    elif versions:
        lines += ["", f"Extractor version `{next(iter(versions))}` throughout."]
    lines += [
        "",
        "## Acceptance (issue 8, and issue 5's re-run ratio)",
        "",
        "| Target | Measured | Baseline | Ratio | Result |",
        "| --- | --- | --- | ---: | :---: |",
    ]
    for v in r["verdicts"]:
        note = f" — {v['note']}" if v["note"] else ""
        ratio = "" if v["ratio"] is None else f"{v['ratio']:.3f}"
        lines.append(f"| {v['target']} | {v['measured']}{note} | {v['baseline']} | {ratio} | {v['result']} |")
    c = r["corpus"]
    lines += [
        "",
        f"Corpus: `{c['path']}`, generated by `bench.scale` (seed {r['seed']}) in {c['generate_seconds']} s"
        f"{' (reused)' if c.get('reused') else ''}: "
        + ", ".join(f"{n} {f.upper()}" for f, n in c["formats"].items())
        + f"; {c['pdf_pages']} PDF pages; {c['bytes'] / 2**20:.0f} MiB.",
        "",
        "## Whole pipeline per format",
        "",
        "`pipeline.ingest.ingest(files, fresh db, fresh lake)` in a fresh process, as `vnplan ingest --quiet` runs it; "
        "seconds are the ingest call (hash, extract, store, commit, publish), without the interpreter's start. "
        "CPU s is the CPU time of that call, its child processes included: well below Seconds × the cores it "
        "keeps busy means it shared the machine (see the load average before → after).",
        "",
        "| Format | Files | OK | Failed | Pages | Seconds | CPU s | Docs/s | Pages/s | Peak RSS | Step seconds | Load (1 min) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for fmt, e in r.get("formats", {}).items():
        steps = ", ".join(f"{k} {v:.1f}" for k, v in (e.get("timings") or {}).items() if k != "total" and v >= 0.05)
        pages = e.get("pages") if fmt == "pdf" else ""
        pps = f"{e['pages_per_s']:.1f}" if e.get("pages_per_s") else ""
        lines.append(f"| {fmt.upper()} | {e['files']} | {e.get('ok')} | {e.get('failed')} | {pages} | "
                     f"{_fmt_s(e.get('seconds'))} | {_fmt_s(e.get('cpu_seconds'))} | {e.get('docs_per_s', 0):.1f} | {pps} | "
                     f"{(e.get('peak_rss_bytes') or 0) / 2**20:.0f} MiB | {steps} | "
                     f"{' → '.join(str(x) for x in e.get('load_average_1min') or [])} |")
    lines += ["", "## Baselines on the same files", "",
              "One process, one file and one page after the other.", "",
              "| Baseline | Files/pages | Seconds | CPU s | Rate | Pipeline's ratio to it |",
              "| --- | --- | ---: | ---: | ---: | ---: |"]
    fm, base = r.get("formats", {}), r.get("baselines", {})
    for name, key in (("pdfplumber `page.extract_text()`", "pdfplumber"), ("pypdfium2 `get_textpage().get_text_range()`", "pypdfium2")):
        b = base.get(key)
        if b and b.get("pages_per_s"):
            ratio = fm.get("pdf", {}).get("pages_per_s", 0) / b["pages_per_s"]
            lines.append(f"| {name} | {b['pages']} pages | {b['seconds']:.2f} | {_fmt_s(b.get('cpu_seconds'))} | "
                         f"{b['pages_per_s']:.1f} pages/s | {ratio:.3f} |")
    for name, key, fmt in (("python-docx paragraphs and cells", "docx_text", "docx"), ("lxml.html `text_content()`", "html_text", "html")):
        b = base.get(key)
        if b and b.get("docs_per_s"):
            ratio = fm.get(fmt, {}).get("docs_per_s", 0) / b["docs_per_s"]
            lines.append(f"| {name} | {b['docs']} files | {b['seconds']:.2f} | {_fmt_s(b.get('cpu_seconds'))} | "
                         f"{b['docs_per_s']:.1f} docs/s | {ratio:.3f} |")
    ocr = r.get("ocr", {})
    lines += ["", "## OCR", "",
              (f"`extractors.ocr.read_pdf_pages(nghean-draft-scan.pdf, [1, 2])`: {ocr['seconds']:.1f} s for "
               f"{ocr['pages']} pages, **{ocr['seconds_per_page']:.2f} s/page** wall on {env['cpus']} cores "
               f"({ocr.get('words')} words, mean confidence {ocr.get('confidence')})."
               if ocr.get("seconds_per_page") else f"n/a: {ocr.get('error')}")]
    run = r.get("corpus_run", {})
    first, rerun = run.get("first", {}), run.get("rerun", {})
    if first:
        q = run.get("quarters", {})
        lines += ["", f"## The whole {r['docs']}-document corpus in one run", "",
                  f"- First run: {first.get('ok')} ok, {first.get('failed')} failed, {_fmt_s(first.get('seconds'))} s in "
                  f"ingest(), {_fmt_s(first.get('process_seconds'))} s for the process; steps: "
                  + ", ".join(f"{k} {v:.1f} s" for k, v in (first.get("timings") or {}).items()) + ".",
                  f"- Peak RSS: {(first.get('peak_rss_bytes') or 0) / 2**20:.0f} MiB for the process tree (sampled every "
                  f"50 ms), {(first.get('maxrss_self_kib') or 0) / 1024:.0f} MiB for the ingest process itself; "
                  f"peak by tenth of the run: {', '.join(str(x) for x in run.get('rss_by_tenth_mib') or [])} MiB "
                  f"(the last tenth is mostly publishing).",
                  ]
        if q.get("wall_s_per_doc"):
            lines.append("- Time per document by quarter of the run (wall clock between stored outcomes): "
                         + ", ".join(f"{x * 1000:.0f} ms" for x in q["wall_s_per_doc"])
                         + ("; CPU time of the ingest process: " + ", ".join(f"{x * 1000:.0f} ms" for x in q["cpu_s_per_doc"])
                            if q.get("cpu_s_per_doc") else "")
                         + ("; ingest_log duration_ms: " + ", ".join(f"{x:.0f} ms" for x in q["log_ms_per_doc"])
                            if q.get("log_ms_per_doc") else "") + ".")
        if rerun:
            lines.append(f"- No-change re-run: {rerun.get('skipped')} skipped, {_fmt_s(rerun.get('process_seconds'))} s "
                         f"for the process ({_fmt_s(rerun.get('seconds'))} s in ingest(); steps: "
                         + ", ".join(f"{k} {v:.2f} s" for k, v in (rerun.get("timings") or {}).items())
                         + f"), ratio {run.get('rerun_ratio', float('nan')):.4f} of the first run.")
        if first.get("published"):
            lines.append("- Published rows: " + ", ".join(f"{k} {v}" for k, v in first["published"].items())
                         + (f"; file size {r['db_bytes'] / 2**20:.0f} MiB." if r.get("db_bytes") else "."))
    if r.get("samples_run"):
        s = r["samples_run"]
        lines += ["", "## data/samples (issue 5)", "",
                  f"First run {_fmt_s(s['first'].get('process_seconds'))} s ({s['first'].get('ok')} ok, "
                  f"{s['first'].get('failed')} failed), no-change re-run {_fmt_s(s['rerun'].get('process_seconds'))} s "
                  f"({s['rerun'].get('skipped')} skipped): ratio {s.get('rerun_ratio', float('nan')):.3f}."]
    if r.get("queries"):
        lines += ["", f"## Query latency on the published {r['docs']}-document file", "",
                  f"Read-only connection; each query fully materialized (Arrow); median of "
                  f"{r.get('query_runs')} runs after a first (cold) one.", "",
                  "| Kind | Query | Rows | First | Median | Result |", "| --- | --- | ---: | ---: | ---: | :---: |"]
        for x in r["queries"]:
            if "error" in x:
                lines.append(f"| {x['kind']} | {x['name']} | | | error: {x['error']} | MISS |")
            else:
                lines.append(f"| {x['kind']} | {x['name']} | {x['rows']} | {x['first_s'] * 1000:.1f} ms | "
                             f"{x['median_s'] * 1000:.1f} ms | {'PASS' if x['median_s'] <= TARGETS['query_s'] else 'MISS'} |")
        if r.get("cli_query_s"):
            lines.append(f"\n`vnplan query \"SELECT count(*) FROM tasks\"` end to end (process start included): "
                         f"{r['cli_query_s'] * 1000:.0f} ms.")
    if r.get("browse", {}).get("pages"):
        lines += ["", browse_latency.section(r["browse"]["pages"], f"the published {r['docs']}-document file, median "
                                             f"of {r.get('query_runs')} runs after a first one").rstrip("\n")]
    lines += ["", "## Context: published figures quoted in issue 8 (not measured here)", "",
              "| Tool | Figure |", "| --- | --- |"] + [f"| {a} | {b} |" for a, b in PUBLISHED]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=_env_int("BENCH_DOCS", 200))
    parser.add_argument("--seed", type=int, default=_env_int("BENCH_SEED", 1))
    parser.add_argument("--format-docs", type=int, default=_env_int("BENCH_FORMAT_DOCS", 0) or None,
                        help="at most this many files per format in the per-format runs and baselines")
    parser.add_argument("--query-runs", type=int, default=_env_int("BENCH_QUERY_RUNS", 7))
    parser.add_argument("--keep", action="store_true", default=os.environ.get("BENCH_KEEP") == "1")
    parser.add_argument("--skip-samples", action="store_true", default=os.environ.get("BENCH_SKIP_SAMPLES") == "1")
    parser.add_argument("--results", type=Path, default=BENCH / "results.json")
    parser.add_argument("--report", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--render", type=Path, metavar="RESULTS_JSON",
                        help="only re-render the verdicts and the report from a results.json")
    args = parser.parse_args(argv)
    if args.render:
        results = json.loads(args.render.read_text())
        results["verdicts"] = verdicts(results)
        args.results.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n")
        args.report.write_text(markdown(results))
        print(args.report.read_text())
        return 0
    results = run(args.docs, args.seed, args.format_docs, args.query_runs, args.keep, not args.skip_samples)
    results["query_runs"] = args.query_runs
    args.results.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n")
    report = markdown(results)
    args.report.write_text(report)
    print(report)
    log(f"wrote {args.results} and {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
