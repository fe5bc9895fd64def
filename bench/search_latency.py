"""Search latency on a large published file: the sample database's documents copied until there are
about --docs of them (ids made unique), the search index built as publishing builds it, then each query
timed through the `search` macro (what `vnplan search` runs).

usage: python -m bench.search_latency --db data/plans.duckdb [--docs 2000] [--out /tmp/search-bench.duckdb]
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

QUERIES = ["bao hiem y te", "bảo hiểm y tế", "dao tao", "tiêm chủng đầy đủ", "Sở Y tế", "trạm y tế xã có bác sĩ",
           "y te", "ke hoach", "nâng cao chất lượng hoạt động của y tế cơ sở"]
# Id columns made unique per copy; every other column is copied as it is.
_IDS = {"documents": ["doc_id"], "sections": ["doc_id", "section_id", "parent_id"], "objectives": ["doc_id", "objective_id"],
        "indicators": ["doc_id", "indicator_id"], "tasks": ["doc_id", "task_id"],
        "assignments": ["doc_id", "assignment_id"], "citations": ["doc_id"], "ingest_log": ["doc_id"]}


def build(source: Path, out: Path, docs: int) -> None:
    import duckdb

    from pipeline.tables import DUCKDB_CONFIG
    from pipeline.views import create_derived

    out.unlink(missing_ok=True)
    with duckdb.connect(str(out), config=DUCKDB_CONFIG) as con:
        con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
        n_source = con.execute("SELECT count(*) FROM src.documents").fetchall()[0][0]
        copies = max(1, round(docs / n_source))
        for table, ids in _IDS.items():
            replace = ", ".join(f"{c} || '~' || k AS {c}" for c in ids)
            con.execute(f"CREATE TABLE {table} AS SELECT * REPLACE ({replace}) "
                        f"FROM src.{table}, (SELECT range AS k FROM range({copies}))")
        con.execute("DETACH src")
        create_derived(con)
        con.execute("CHECKPOINT")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="data/plans.duckdb")
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--out", default="/tmp/search-bench.duckdb")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    import duckdb

    from pipeline.tables import DUCKDB_CONFIG

    clock = time.perf_counter()
    build(Path(a.db), Path(a.out), a.docs)
    print(f"built {a.out} in {time.perf_counter() - clock:.1f} s")
    with duckdb.connect(a.out, read_only=True, config=DUCKDB_CONFIG) as con:
        sizes = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                 for t in ("documents", "search_docs", "search_terms", "search_postings")}
        print(sizes)
        worst = 0.0
        for q in QUERIES:
            times = []
            for _ in range(a.runs):
                clock = time.perf_counter()
                con.execute("SELECT table_name, row_id, doc_id, score, text FROM search(?) ORDER BY score DESC, "
                            "table_name, row_id LIMIT 10", [q]).fetchall()
                times.append((time.perf_counter() - clock) * 1000)
            worst = max(worst, statistics.median(times))
            print(f"{q!r:50} median {statistics.median(times):6.1f} ms  max {max(times):6.1f} ms")
        print(f"worst median: {worst:.1f} ms")


if __name__ == "__main__":
    main()
