"""One measurement in a fresh process: `python -m bench.worker SPEC.json RESULT.json`.

bench.run starts each measurement here so that every one starts cold and alone (no module already
imported, no memory already held) and its peak RSS is its own. SPEC is {"task": ..., ...}:

- ingest: {"paths": [...], "db": ..., "lake": ...} runs pipeline.ingest.ingest(...) as
  `vnplan ingest --quiet` does, and notes when each file's outcome is stored;
- pdfplumber / pypdfium2: {"paths": [...]} extracts every page's text, the naive baselines;
- docx_text / html_text: {"paths": [...]} python-docx's and lxml's plain text of each file (context);
- ocr: {"path": ..., "pages": [1, 2]} reads pages through extractors.ocr, when it exists;
- browse: {"db": ..., "runs": N} times each page of the plan explorer on a published file (bench.browse_latency).
"""
from __future__ import annotations

import inspect
import json
import os
import resource
import sys
import time
import traceback


def _rss() -> dict:
    """Peak RSS of this process and of its waited-for children, and the CPU time both used
    (user + system): CPU seconds much below wall seconds times the cores in use means the
    measurement shared the machine with other work."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"maxrss_self_kib": me.ru_maxrss, "maxrss_children_kib": children.ru_maxrss,
            "process_cpu_seconds": _cpu()}


def _cpu() -> float:
    """CPU seconds (user + system) of this process and its waited-for children so far."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def ingest(spec: dict) -> dict:
    clock = time.perf_counter()
    import pipeline.ingest as ingest_module

    imported = time.perf_counter() - clock
    try:  # the code this process runs: a change of it between two measurements makes them incomparable
        from extractors.version import extractor_version
        code_version = extractor_version()
    except ImportError:
        code_version = getattr(__import__("pipeline"), "__version__", None)
    stamps: list[tuple[float, float, str]] = []
    original_store = getattr(ingest_module, "store", None)
    if original_store is not None:  # run_ingest stores each file's outcome through this module global
        def store(run, result):
            stored = original_store(run, result)
            stamps.append((time.perf_counter(), time.process_time(), getattr(stored, "status", "?")))
            return stored
        ingest_module.store = store
    params = inspect.signature(ingest_module.ingest).parameters
    kwargs = {k: v for k, v in {"progress": False}.items() if k in params}
    start, cpu, own_cpu = time.perf_counter(), _cpu(), time.process_time()
    result = ingest_module.ingest(spec["paths"], spec["db"], spec["lake"], **kwargs)
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    failures = [list(f) for f in getattr(result, "failures", [])][:20]
    return {
        "seconds": seconds, "cpu_seconds": cpu, "import_seconds": imported, "code_version": code_version,
        "ok": getattr(result, "ok", None), "skipped": getattr(result, "skipped", None),
        "failed": getattr(result, "failed", None), "failures": failures,
        "timings": getattr(result, "timings", {}), "records": getattr(result, "records", {}),
        "published": getattr(result, "published", {}),
        # When each outcome was stored: wall seconds, and CPU seconds of this process (all its threads)
        # since the ingest began; the CPU clock is not slowed by other work on the machine.
        "stamps": [round(t - start, 4) for t, _, _ in stamps], "cpu_stamps": [round(c - own_cpu, 4) for _, c, _ in stamps],
        "statuses": [s for _, _, s in stamps],
        **_rss(),
    }


def pdfplumber_text(spec: dict) -> dict:
    import pdfplumber

    pages = chars = 0
    start, cpu = time.perf_counter(), _cpu()
    for path in spec["paths"]:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                chars += len(page.extract_text() or "")
                pages += 1
                page.close()  # drops the page's cached objects, as a careful caller would
    return {"seconds": time.perf_counter() - start, "cpu_seconds": _cpu() - cpu, "pages": pages, "chars": chars,
            **_rss()}


def pypdfium2_text(spec: dict) -> dict:
    import pypdfium2 as pdfium

    pages = chars = 0
    start, cpu = time.perf_counter(), _cpu()
    for path in spec["paths"]:
        pdf = pdfium.PdfDocument(path)
        try:
            for i in range(len(pdf)):
                page = pdf[i]
                textpage = page.get_textpage()
                chars += len(textpage.get_text_range())
                textpage.close()
                page.close()
                pages += 1
        finally:
            pdf.close()
    return {"seconds": time.perf_counter() - start, "cpu_seconds": _cpu() - cpu, "pages": pages, "chars": chars,
            **_rss()}


def docx_text(spec: dict) -> dict:
    import docx

    chars = 0
    start, cpu = time.perf_counter(), _cpu()
    for path in spec["paths"]:
        d = docx.Document(path)
        chars += sum(len(p.text) for p in d.paragraphs)
        chars += sum(len(c.text) for t in d.tables for row in t.rows for c in row.cells)
    return {"seconds": time.perf_counter() - start, "cpu_seconds": _cpu() - cpu, "docs": len(spec["paths"]),
            "chars": chars, **_rss()}


def html_text(spec: dict) -> dict:
    from lxml import html as lxml_html

    chars = 0
    start, cpu = time.perf_counter(), _cpu()
    for path in spec["paths"]:
        with open(path, "rb") as f:
            chars += len(lxml_html.document_fromstring(f.read()).text_content())
    return {"seconds": time.perf_counter() - start, "cpu_seconds": _cpu() - cpu, "docs": len(spec["paths"]),
            "chars": chars, **_rss()}


def ocr(spec: dict) -> dict:
    try:
        from extractors import ocr as ocr_module
    except ImportError as e:
        return {"error": f"no OCR entry point: {e}"}
    read = getattr(ocr_module, "read_pdf_pages", None)
    if read is None:
        return {"error": "extractors.ocr has no read_pdf_pages"}
    from pathlib import Path

    start, cpu = time.perf_counter(), _cpu()
    pages = read(Path(spec["path"]), list(spec["pages"]))
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    words = sum(len(getattr(p, "words", []) or []) for p in pages)
    return {"seconds": seconds, "cpu_seconds": cpu, "pages": len(pages), "words": words,
            "confidence": [round(getattr(p, "confidence", 0.0), 1) for p in pages], **_rss()}


def browse(spec: dict) -> dict:
    from bench.browse_latency import measure

    return {"pages": measure(spec["db"], spec["runs"])}


TASKS = {"ingest": ingest, "pdfplumber": pdfplumber_text, "pypdfium2": pypdfium2_text, "docx_text": docx_text,
         "html_text": html_text, "ocr": ocr, "browse": browse}


def main(argv: list[str]) -> int:
    spec_path, result_path = argv
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    try:
        result = TASKS[spec["task"]](spec)
        status = 0
    except Exception as e:  # reported, not raised: the runner records it and goes on
        result = {"error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()[-4000:]}
        status = 1
    result["pid"] = os.getpid()
    with open(result_path, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, default=str)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
