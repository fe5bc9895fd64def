"""How long each page of the plan explorer (`vnplan browse`) takes to render on a published file: the
request through the whole application (routing, the read-only queries, the Jinja2 template), served
in-process by Starlette's test client. Each page is its worst case on the file: the plan with the most
records, the agency with the most tasks and duties, the indicator with the most values.

    python -m bench.browse_latency --db FILE [--runs 7] [--report bench/RESULTS.md]

bench.run measures it on the corpus it publishes (in a fresh process, bench/worker.py); the target is
200 ms per page (median of the runs after one warm-up). Run alone, it writes its section of the report
(bench.run writes the same section).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

TARGET_S = 0.200
SECTION = "## Plan explorer pages"
SEARCH = "bao hiem y te"


def pages(con) -> list[tuple[str, str, bool]]:
    """(name, url, is a page with the target) for the file on `con`: downloads are timed too, for the record."""
    def one(sql: str, *params):
        row = con.execute(sql, list(params)).fetchall()
        return row[0][0] if row else None

    plan = one("SELECT doc_id FROM plan_overview ORDER BY sections + indicators + tasks + assignments DESC, doc_id "
               "LIMIT 1")
    agency = one("SELECT agency FROM plan_agency_workload ORDER BY tasks_lead + tasks_partner + assignments DESC, "
                 "agency LIMIT 1")
    plan_agency = one("SELECT a FROM (SELECT unnest(lead_agencies) AS a FROM tasks WHERE doc_id = ?) "
                      "GROUP BY a ORDER BY count(*) DESC, a LIMIT 1", plan)
    code = one("SELECT indicator_code FROM plan_indicator_targets GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
    province, year = con.execute("SELECT province, year(issue_date) FROM documents WHERE province IS NOT NULL "
                                 "AND issue_date IS NOT NULL GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchall()[0]
    out = [("home", "/", True),
           ("home, province and year", "/?" + urlencode({"province": province, "year": year}), True),
           (f"home, search '{SEARCH}'", "/?" + urlencode({"q": SEARCH}), True),
           ("plan (most records)", f"/plan/{plan}", True),
           ("plan, tasks of one agency by due date", f"/plan/{plan}?" + urlencode(
               {"agency": plan_agency or "", "sort": "due"}), True),
           ("agency (most tasks and duties)", "/agency?" + urlencode({"name": agency}), True),
           ("indicator (most values)", f"/indicator/{code}", True),
           ("download: every plan, CSV", "/?download=plans&fmt=csv", False),
           ("download: every plan, XLSX", "/?download=plans&fmt=xlsx", False),
           ("download: agency's list, XLSX", "/agency?" + urlencode({"name": agency, "download": "agency",
                                                                     "fmt": "xlsx"}), False)]
    return out


def measure(db: str | Path, runs: int = 7) -> list[dict]:
    from fastapi.testclient import TestClient

    from pipeline.browse.app import create_app
    from pipeline.readonly_db import open_read_only

    with open_read_only(db) as con:
        todo = pages(con)
    client = TestClient(create_app(db))
    results = []
    for name, url, is_page in todo:
        start = time.perf_counter()
        answer = client.get(url)
        first = time.perf_counter() - start
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - start)
        results.append({"name": name, "url": url, "page": is_page, "status": answer.status_code,
                        "bytes": len(answer.content), "first_s": first, "median_s": statistics.median(times),
                        "max_s": max(times)})
    return results


def section(results: list[dict], how: str) -> str:
    """The report's section: `how` says on what file and when the pages were measured."""
    lines = [SECTION, "", f"`vnplan browse` in-process (routing, read-only queries, template), each page at its "
                          f"worst case, on {how}. Downloads are timed for the record (no target).", "",
             "| page | status | size | first | median | target |", "| --- | --- | ---: | ---: | ---: | :---: |"]
    for x in results:
        verdict = ("PASS" if x["status"] == 200 and x["median_s"] <= TARGET_S else "MISS") if x["page"] else "—"
        lines.append(f"| {x['name']} | {x['status']} | {x['bytes'] / 1024:.0f} KiB | {x['first_s'] * 1000:.0f} ms | "
                     f"{x['median_s'] * 1000:.0f} ms | {verdict} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    import datetime as dt
    import os
    import subprocess

    parser = argparse.ArgumentParser(prog="python -m bench.browse_latency", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="published DuckDB file")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per page after one warm-up (default 7)")
    parser.add_argument("--report", type=Path, help="write the section into this report (bench/RESULTS.md)")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    results = measure(args.db, args.runs)
    from pipeline.readonly_db import open_read_only

    with open_read_only(args.db) as con:
        documents, plans = con.execute("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM plans)"
                                       ).fetchall()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).parent).stdout.strip()
    text = section(results, f"a file of {documents} documents ({plans} plans), median of {args.runs} runs after a first one; run alone "
                            f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC at commit {commit}, load average "
                            f"(1 min) {load:.1f} → {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if args.report:
        from .ocr_accuracy import write_section

        write_section(args.report, text)
    print(text)
    return 0 if all(x["status"] == 200 and x["median_s"] <= TARGET_S for x in results if x["page"]) else 1


if __name__ == "__main__":
    sys.exit(main())
