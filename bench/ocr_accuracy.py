"""OCR word accuracy: each page read by the project's OCR, word by word against the text layer of
the same page of its born-digital twin, for the OCR committed at a baseline revision and for the
OCR of the working tree.

    python -m bench.ocr_accuracy                  # all pairs, baseline BASELINE_REV vs the working tree
    python -m bench.ocr_accuracy --pages 3        # the first 3 pages of each pair
    python -m bench.ocr_accuracy --before HEAD~2  # another baseline
    python -m bench.ocr_accuracy --after HEAD     # the committed OCR instead of the working tree

Pairs: a scan and the text PDF it was scanned from (data/samples/nghean-draft*.pdf), and text PDFs
rendered to 300 dpi images with pdftoppm (clean pages: what is left wrong there is the reader's,
not the scanner's). Words are whitespace-separated, NFC, with the punctuation around them taken
off; a word is right when it is exactly the text layer's (tone marks and case included), as
difflib aligns the two word sequences. Accuracy is right words over the text layer's words.

Each side runs in a child process whose `extractors` package is that side's: a revision's is
`git archive`d into the cache folder (--cache, default a folder of the system's temporary
directory), where the baseline's readings are kept, since they cannot change; the other side is
read every run, and timed: s/page is the wall time of reading each pair's pages (two cores, one
tesseract per core, as ingest runs it) over their number, and CPU s/page the CPU time of the
reading process and its tesseract children over the same.

Tesseract options tried on 8 rendered pages of real/32, 33 and 37 (word accuracy, same code
otherwise): --psm 3 (kept) 94.55%; --oem 1 94.55% (vie.traineddata is LSTM only: the same);
-l vie+eng 91.09% (English words steal Vietnamese ones: kept vie); --psm 4 94.89%, --psm 6 95.29%,
but a single column of lines joins the two columns of a header block (issuer | motto, recipients
| signature) into one line, which the layout rules need apart: kept 3.

Writes bench/ocr_accuracy.json and the "OCR word accuracy" section of bench/RESULTS.md (which
bench/run.py rewrites: `make bench` runs this after it).
"""
from __future__ import annotations

import argparse
import difflib
from collections import Counter
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
SAMPLES = ROOT / "data" / "samples"
REAL = ROOT.parent / "shared" / "corpus" / "real"
BASELINE_REV = "e226dfc"  # the OCR before tone-mark repairs, column reading and page preparation
RENDER_DPI = 300
# name, the born-digital PDF, the scan of it (None: its pages rendered to images)
PAIRS = [("nghean-draft (scan, 200 dpi)", SAMPLES / "nghean-draft.pdf", SAMPLES / "nghean-draft-scan.pdf"),
         ("nghean-draft (rendered)", SAMPLES / "nghean-draft.pdf", None),
         ("real/32 (rendered)", next(REAL.glob("32_*.pdf"), None), None),
         ("real/33 (rendered)", next(REAL.glob("33_*.pdf"), None), None),
         ("real/37 (rendered)", next(REAL.glob("37_*.pdf"), None), None),
         ("real/38 (rendered)", next(REAL.glob("38_*.pdf"), None), None)]
SECTION = "## OCR word accuracy"
GOAL = 0.98
_EDGE_PUNCT = "\"'“”‘’.,;:!?()[]{}…*-–—"


def words(text: str) -> list[str]:
    """The words of a text: NFC, split at white space, punctuation around each taken off."""
    out = []
    # pdfium gives a hyphen that breaks a word across lines as U+FFFE
    for token in unicodedata.normalize("NFC", text.replace("\ufffe", "-")).split():
        token = token.strip(_EDGE_PUNCT)
        if token:
            out.append(token)
    return out


def compare(reference: list[str], read: list[str]) -> tuple[int, list[tuple[str, str]]]:
    """Words of the reference read exactly, and the (right, read) pairs of one-for-one misreadings.

    A word read right but elsewhere counts as right: the cells of a table come in the text layer
    row by row and from tesseract often column by column, and the reader places words by their
    boxes, not by the order tesseract gives them in.
    """
    right = sum((Counter(reference) & Counter(read)).values())
    matcher = difflib.SequenceMatcher(None, reference, read, autojunk=False)
    wrong = [(a, b) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag == "replace" and i2 - i1 == j2 - j1
             for a, b in zip(reference[i1:i2], read[j1:j2])]
    return right, wrong


# --- the child: read pages with whichever `extractors` is first on sys.path ------------------------

def _child(spec: dict) -> dict:
    from extractors import ocr
    start, cpu = time.perf_counter(), _cpu_seconds()
    if spec["kind"] == "pdf":
        pages = ocr.read_pdf_pages(Path(spec["path"]), spec["pages"])
    else:
        pages = ocr.read_image(Path(spec["path"]))
    return {"seconds": time.perf_counter() - start, "cpu_seconds": _cpu_seconds() - cpu,
            "pages": [" ".join(w.text for w in page.words) for page in pages]}


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the tesseract processes)."""
    import resource
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def _run_child(spec: dict, extractors_root: Path) -> dict:
    # The child's working folder comes first on its sys.path: the `extractors` package found there
    # is the one measured; the bench package comes from PYTHONPATH.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "bench.ocr_accuracy", "--child", json.dumps(spec)],
                          cwd=extractors_root, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"OCR child failed in {extractors_root}: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


# --- the parent -----------------------------------------------------------------------------------

def _text_layer(pdf: Path, numbers: list[int]) -> list[str]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[n - 1].get_textpage().get_text_range() for n in numbers]
    finally:
        doc.close()


def _page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def _rendered(pdf: Path, numbers: list[int], cache: Path) -> Path:
    """The pages as one multi-page TIFF at RENDER_DPI, rendered by pdftoppm (kept in the cache)."""
    from PIL import Image
    out = cache / f"{pdf.stem}-p{numbers[0]}-{numbers[-1]}-{RENDER_DPI}.tiff"
    if out.exists():
        return out
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(RENDER_DPI), "-gray", "-png", "-f", str(numbers[0]),
                        "-l", str(numbers[-1]), str(pdf), f"{tmp}/p"], check=True)
        frames = [Image.open(p) for p in sorted(Path(tmp).glob("p*.png"))]
        frames[0].save(out, save_all=True, append_images=frames[1:], dpi=(RENDER_DPI, RENDER_DPI),
                       compression="tiff_lzw")
    return out


def _baseline_tree(rev: str, cache: Path) -> Path:
    sha = subprocess.run(["git", "rev-parse", "--short=12", rev], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    tree = cache / f"tree-{sha}"
    if not (tree / "extractors").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha, "extractors"], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def measure(before_rev: str, after_rev: str | None, max_pages: int | None, cache: Path) -> dict:
    cache.mkdir(parents=True, exist_ok=True)
    before_tree = _baseline_tree(before_rev, cache)
    after_tree = _baseline_tree(after_rev, cache) if after_rev else ROOT
    results = {"before_rev": before_tree.name.removeprefix("tree-"),
               "after_rev": after_tree.name.removeprefix("tree-") if after_rev else "the working tree", "pairs": []}
    for name, text_pdf, scan in PAIRS:
        if text_pdf is None or not text_pdf.exists():
            print(f"skipped {name}: file not found", file=sys.stderr)
            continue
        numbers = list(range(1, _page_count(text_pdf) + 1))[:max_pages]
        if scan is not None:
            spec = {"kind": "pdf", "path": str(scan), "pages": numbers}
        else:
            spec = {"kind": "image", "path": str(_rendered(text_pdf, numbers, cache))}
        reference = [words(t) for t in _text_layer(text_pdf, numbers)]
        pair = {"name": name, "pages": len(numbers), "words": sum(map(len, reference))}
        kept = cache / f"read-{results['before_rev']}-{re.sub(r'[^a-z0-9]+', '-', name.lower())}-{len(numbers)}.json"
        for side, root in (("before", before_tree), ("after", after_tree)):
            if side == "before" and kept.exists():
                read = json.loads(kept.read_text())
            else:
                print(f"{name}: OCR ({side}) of {len(numbers)} pages", file=sys.stderr, flush=True)
                read = _run_child(spec, root)
                if side == "before":
                    kept.write_text(json.dumps(read, ensure_ascii=False))
            right, wrong = 0, []
            for ref, text in zip(reference, read["pages"]):
                r, w = compare(ref, words(text))
                right += r
                wrong += w
            pair[side] = {"right": right, "accuracy": right / pair["words"], "s_per_page": read["seconds"] / len(numbers),
                          "cpu_s_per_page": read["cpu_seconds"] / len(numbers),
                          "misread": [f"{a} → {b}" for a, b in wrong]}
        results["pairs"].append(pair)
    results["head"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                     text=True).stdout.strip()
    results["load_average"] = os.getloadavg()[0]
    for side in ("before", "after"):
        total = sum(p["words"] for p in results["pairs"])
        results[side] = {"accuracy": sum(p[side]["right"] for p in results["pairs"]) / total,
                         **{key: sum(p[side][key] * p["pages"] for p in results["pairs"])
                            / sum(p["pages"] for p in results["pairs"]) for key in ("s_per_page", "cpu_s_per_page")}}
    return results


def markdown(results: dict) -> str:
    lines = [SECTION, "",
             f"`python -m bench.ocr_accuracy`: each page OCR'd through `extractors.ocr` and compared word by word "
             f"(NFC, tone marks and case included, difflib alignment) with the text layer of the same page of the "
             f"born-digital PDF. Before: the OCR committed at {results['before_rev']}; after: {results['after_rev']} "
             f"(HEAD {results['head']}). s/page: wall time per page on {os.cpu_count()} cores (one tesseract per core), "
             f"and in brackets CPU seconds per page, which other work on the machine does not inflate "
             f"(load average {results['load_average']:.1f} at the end of the run).", "",
             "| Pair | Pages | Words | Before | After | Before s/page (CPU) | After s/page (CPU) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for p in results["pairs"]:
        lines.append(f"| {p['name']} | {p['pages']} | {p['words']} | {p['before']['accuracy']:.2%} | "
                     f"{p['after']['accuracy']:.2%} | {_timing(p['before'])} | {_timing(p['after'])} |")
    total_pages = sum(p["pages"] for p in results["pairs"])
    total_words = sum(p["words"] for p in results["pairs"])
    lines.append(f"| **all** | {total_pages} | {total_words} | {results['before']['accuracy']:.2%} | "
                 f"**{results['after']['accuracy']:.2%}** | {_timing(results['before'])} | "
                 f"{_timing(results['after'])} |")
    after = results["after"]["accuracy"]
    lines += ["", f"Goal: at least {GOAL:.0%} of words exactly right: **{'PASS' if after >= GOAL else 'MISS'}** "
              f"({after:.2%} over all pairs; the scan pair alone {results['pairs'][0]['after']['accuracy']:.2%})."]
    lines += ["", "Words still misread after (text layer → OCR), a sample per pair:", ""]
    for p in results["pairs"]:
        sample = p["after"]["misread"][:12]
        lines.append(f"- {p['name']}: " + (", ".join(f"`{m}`" for m in sample) if sample else "none"))
    return "\n".join(lines) + "\n"


def _timing(side: dict) -> str:
    return f"{side['s_per_page']:.2f} ({side['cpu_s_per_page']:.2f})"


def write_section(report: Path, section: str) -> None:
    """Put the section in the report, in place of the one with its heading (its first line) up to the next
    `## ` heading (also bench.browse_latency's)."""
    heading = section.split("\n", 1)[0]
    text = report.read_text() if report.exists() else ""
    start = text.find(heading)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + section + (text[end + 1:] if end >= 0 else "")
    report.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ocr_accuracy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BASELINE_REV, help="git revision of the baseline OCR")
    parser.add_argument("--after", default=None, help="git revision to measure instead of the working tree")
    parser.add_argument("--pages", type=int, default=None, help="at most this many pages per pair")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "vnplan-ocr-bench")
    parser.add_argument("--results", type=Path, default=BENCH / "ocr_accuracy.json")
    parser.add_argument("--report", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(json.loads(args.child)), ensure_ascii=False))
        return 0
    results = measure(args.before, args.after, args.pages, args.cache)
    args.results.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    section = markdown(results)
    write_section(args.report, section)
    print(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
