"""How long each page of the plan explorer (`vnplan browse`) takes to render on a published file: the
request through the whole application (routing, the read-only queries, the Jinja2 template), served
in-process by Starlette's test client. Each page is its worst case on the file: the plan with the most
records, the agency with the most tasks and duties, the indicator with the most values.

    python -m bench.browse_latency --db FILE [--runs 7]

bench.run measures it on the corpus it publishes (in a fresh process, bench/worker.py); the target is
200 ms per page (median of the runs after one warm-up).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

TARGET_S = 0.200
SEARCH = "bao hiem y te"


def pages(con) -> list[tuple[str, str, bool]]:
    """(name, url, is a page with the target) for the file on `con`: downloads are timed too, for the record."""
    def one(sql: str, *params):
        row = con.execute(sql, list(params)).fetchall()
        return row[0][0] if row else None

    plan = one("SELECT doc_id FROM plan_overview ORDER BY sections + indicators + tasks + assignments DESC, doc_id "
               "LIMIT 1")
    agency = one("SELECT agency FROM agency_workload ORDER BY tasks_lead + tasks_partner + assignments DESC, agency "
                 "LIMIT 1")
    plan_agency = one("SELECT a FROM (SELECT unnest(lead_agencies) AS a FROM tasks WHERE doc_id = ?) "
                      "GROUP BY a ORDER BY count(*) DESC, a LIMIT 1", plan)
    code = one("SELECT indicator_code FROM indicator_targets GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
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


def markdown(results: list[dict]) -> list[str]:
    lines = ["| page | status | size | first | median | target |", "| --- | --- | --- | --- | --- | --- |"]
    for x in results:
        verdict = ("PASS" if x["status"] == 200 and x["median_s"] <= TARGET_S else "MISS") if x["page"] else "—"
        lines.append(f"| {x['name']} | {x['status']} | {x['bytes'] / 1024:.0f} KiB | {x['first_s'] * 1000:.0f} ms | "
                     f"{x['median_s'] * 1000:.0f} ms | {verdict} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browse_latency", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="published DuckDB file")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per page after one warm-up (default 7)")
    args = parser.parse_args(argv)
    results = measure(args.db, args.runs)
    print("\n".join(markdown(results)))
    return 0 if all(x["status"] == 200 and x["median_s"] <= TARGET_S for x in results if x["page"]) else 1


if __name__ == "__main__":
    sys.exit(main())
