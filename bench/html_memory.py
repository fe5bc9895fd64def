"""HTML memory (issue 15): a page of real plan tables, as Word exports them, read under the worker's cap.

    python -m bench.html_memory            # a 150 MB page (BENCH_HTML_MB=150)

The page is data/samples/nghean-542-kh-ubnd.html's body repeated, styled as Word exports it
(tests/html_pages.py), written to a temporary folder (never into git). `vnplan ingest` reads it in a worker process under VNPLAN_MAX_MEMORY_MB=1024; the peak
RSS of that process tree is reported against the 1 GiB cap, next to the baseline of lxml
building the page's whole tree (lxml.html.parse, text_content) in a process of its own.
Writes bench/html_memory.json and its section of bench/RESULTS.md.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIB = 2 ** 20
CAP_MB = 1024


def _peak_mib(command: list[str], env: dict) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run command; (result, peak RSS in MiB of the largest process of its tree, seconds)."""
    from tests.conftest import run_measured

    started = time.monotonic()
    result, peak = run_measured(command, env=env, timeout=1800)
    return result, peak, time.monotonic() - started


def main() -> int:
    from bench.ocr_accuracy import write_section
    from tests.html_pages import page_parts, write_page

    megabytes = float(os.environ.get("BENCH_HTML_MB", "150"))
    work = Path(tempfile.mkdtemp(prefix="vnplan-html-memory-"))
    try:
        page = work / "inbox" / "plan.html"
        page.parent.mkdir()
        write_page(page, copies=max(1, int(megabytes * MIB / len(page_parts()[1].encode()))))
        size_mib = page.stat().st_size / MIB
        env = {**os.environ, "VNPLAN_MAX_MEMORY_MB": str(CAP_MB), "PYTHONPATH": str(ROOT)}
        vnplan = Path(sys.executable).with_name("vnplan")
        run, peak, seconds = _peak_mib([str(vnplan), "ingest", str(page.parent), "--db", str(work / "plans.duckdb"),
                                        "--lake", str(work / "lake"), "--quiet"], env)
        baseline, baseline_peak, baseline_s = _peak_mib(
            [sys.executable, "-c", "import sys; from lxml import html; "
             "print(len(html.parse(sys.argv[1]).getroot().text_content()))", str(page)], env)
        result = {
            "page_mib": round(size_mib, 1), "exit_status": run.returncode, "stderr": run.stderr[-2000:],
            "peak_rss_mib": round(peak), "seconds": round(seconds, 1), "cap_mib": CAP_MB,
            "peak_over_cap": round(peak / CAP_MB, 3), "pass": run.returncode == 0 and peak < CAP_MB,
            "baseline_lxml_tree_peak_rss_mib": round(baseline_peak), "baseline_seconds": round(baseline_s, 1),
            "peak_over_baseline": round(peak / baseline_peak, 3) if baseline_peak else None,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (ROOT / "bench" / "html_memory.json").write_text(json.dumps(result, indent=2) + "\n")
    write_section(ROOT / "bench" / "RESULTS.md", _section(result))
    print(f"HTML page of {result['page_mib']} MiB: vnplan ingest exit {result['exit_status']}, peak RSS "
          f"{result['peak_rss_mib']} MiB = {result['peak_over_cap']:.2f} of the {CAP_MB} MiB worker cap "
          f"({'PASS' if result['pass'] else 'MISS'}), {result['seconds']} s; lxml's whole tree: "
          f"{result['baseline_lxml_tree_peak_rss_mib']} MiB ({result['peak_over_baseline']}x)")
    return 0 if result["pass"] else 1


def _section(result: dict) -> str:
    verdict = "PASS" if result["pass"] else "MISS"
    return (f"## HTML memory (issue 15)\n\n`python -m bench.html_memory`, {time.strftime('%Y-%m-%d')}: one HTML page of "
            f"{result['page_mib']} MiB (the Nghệ An sample's body repeated, styled as Word exports it), read by "
            f"`vnplan ingest` under VNPLAN_MAX_MEMORY_MB={CAP_MB}.\n\n"
            "| Target | Measured | Baseline | Ratio | Result |\n| --- | --- | --- | ---: | :---: |\n"
            f"| peak RSS under the {CAP_MB} MiB worker cap | {result['peak_rss_mib']} MiB, {result['seconds']} s, exit "
            f"{result['exit_status']} | lxml's whole tree of the page: {result['baseline_lxml_tree_peak_rss_mib']} MiB, "
            f"{result['baseline_seconds']} s | {result['peak_over_cap']:.3f} of the cap | {verdict} |\n")


if __name__ == "__main__":
    sys.exit(main())
