"""One plan, many copies: plan_id, is_draft, the plans and plan_* views, plan_changes and `vnplan diff`,
citations resolved to the documents in the database, and what a run report says about plans."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.model import Block, Document
from extractors.records.fingerprint import similarity, text_minhash
from extractors.records.metadata import extract_metadata
from pipeline.ingest import ingest
from pipeline.plans import Copy, plan_ids
from pipeline.tables import DUCKDB_CONFIG

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
FIXTURES = Path(__file__).parent / "fixtures" / "plans"
CORPUS = ROOT.parent / "shared" / "corpus"
VNPLAN = Path(sys.executable).with_name("vnplan")


def _rows(db: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True, config=DUCKDB_CONFIG) as con:
        return con.execute(sql, list(params)).fetchall()


def _vnplan(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(VNPLAN), *map(str, args)], capture_output=True, text=True, timeout=300)


def _ingest(files, folder: Path, **kwargs):
    result = ingest(files, folder / "plans.duckdb", folder / "lake", progress=False, **kwargs)
    assert not result.failed, result.failures
    return result


# --- is_draft and the text fingerprint --------------------------------------------------------------

def _doc(*lines: str) -> Document:
    return Document(source_format="txt", blocks=[Block(kind="paragraph", text=line) for line in lines])


HEADER = ("ỦY BAN NHÂN DÂN", "TỈNH HÀ GIANG")


@pytest.mark.parametrize("lines, draft", [
    ((*HEADER, "Số: 88/KH-UBND", "Hà Giang, ngày 12 tháng 8 năm 2024", "KẾ HOẠCH", "Về y tế cơ sở"), False),
    ((*HEADER, "DỰ THẢO", "Số: 88/KH-UBND", "Hà Giang, ngày 12 tháng 8 năm 2024", "KẾ HOẠCH", "Về y tế"), True),
    ((*HEADER, "Số: 88/KH-UBND", "Hà Giang, ngày 12 tháng 8 năm 2024", "KẾ HOẠCH", "(Dự thảo lần 2)", "Về y tế"), True),
    ((*HEADER, "Số:      /KH-UBND", "Hà Giang, ngày 12 tháng 8 năm 2024", "KẾ HOẠCH", "Về y tế cơ sở"), True),
    ((*HEADER, "Số: 88/KH-UBND", "Hà Giang, ngày    tháng 8 năm 2024", "KẾ HOẠCH", "Về y tế cơ sở"), True),
    # blank day, but signed: the signature stamp dates it, it is the final
    ((*HEADER, "Số: 88/KH-UBND", "Hà Giang, ngày    tháng 8 năm 2024", "KẾ HOẠCH", "Về y tế cơ sở",
      "Ký bởi: Ủy ban nhân dân tỉnh Hà Giang", "Thời gian ký: 12.08.2024 10:45:27 +07:00"), False),
    # a title that speaks of a draft is no draft mark
    ((*HEADER, "Số: 88/KH-UBND", "Hà Giang, ngày 12 tháng 8 năm 2024", "KẾ HOẠCH",
      "Lấy ý kiến Nhân dân về dự thảo Nghị quyết"), False),
])
def test_is_draft(lines, draft):
    assert extract_metadata(_doc(*lines)).is_draft is draft


def test_a_scan_is_a_draft_only_when_both_number_and_day_are_blank():
    """A signed scan's handwritten number is often not read at all (ninhson-2023-scan.pdf)."""
    number_unread = _doc(*HEADER, "Số:      /KH-UBND", "Hà Giang, ngày 12 tháng 8 năm 2024", "KẾ HOẠCH", "Về y tế")
    both_blank = _doc(*HEADER, "Số:      /KH-UBND", "Hà Giang, ngày    tháng 8 năm 2024", "KẾ HOẠCH", "Về y tế")
    number_unread.ocr_used = both_blank.ocr_used = True
    assert not extract_metadata(number_unread).is_draft
    assert extract_metadata(both_blank).is_draft


def test_fingerprint_tells_copies_from_other_plans():
    final, draft = (SAMPLES / "text" / "000_de43d9b20077fde2.txt").read_text(), \
        (SAMPLES / "text" / "003_a698d7df3c568d60.txt").read_text()
    other = (SAMPLES / "text" / "001_3f30aab102883e5d.txt").read_text()
    assert text_minhash(final) == text_minhash(final.upper())  # folded: case and marks do not matter
    assert similarity(text_minhash(final), text_minhash(draft)) >= 0.8
    assert similarity(text_minhash(final), text_minhash(other)) <= 0.2


WORDS = st.sampled_from("kế hoạch triển khai nhiệm vụ y tế cơ sở tỉnh huyện xã năm 2026 chỉ tiêu đạt trên 90% "
                        "sở ban ngành phối hợp thực hiện".split())


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS, min_size=40, max_size=120), st.lists(WORDS, min_size=40, max_size=120),
       st.integers(0, 40))
def test_fingerprint_estimates_the_shared_share_of_word_3_grams(a, b, shared):
    """The share of equal signature values estimates the Jaccard similarity of the two texts' sets of
    word 3-grams (128 values: a standard error of at most 0.045; 0.25 is over five of them)."""
    b = a[:shared] + b  # texts sharing a run of words, or not
    grams = [{tuple(w[i:i + 3]) for i in range(len(w) - 2)} for w in (a, b)]
    exact = len(grams[0] & grams[1]) / len(grams[0] | grams[1])
    assert abs(similarity(text_minhash(" ".join(a)), text_minhash(" ".join(b))) - exact) <= 0.25


def test_a_long_texts_fingerprint_is_the_minimum_over_all_its_shingles():
    """Tens of thousands of distinct shingles, hashed a slice at a time: each signature value is
    still the least of its hash function over every shingle, as one product over all of them gives."""
    import numpy as np

    from extractors.records import fingerprint

    text = " ".join(f"nhiệm vụ {i} giai đoạn {i * 7 % 1000}" for i in range(12_000))
    x = fingerprint.shingle_hashes(text)
    assert x.size > 3 * fingerprint._SLICE
    whole = ((np.outer(fingerprint._A, x) + fingerprint._B[:, None]) % fingerprint._PRIME).min(axis=1)
    assert text_minhash(text) == whole.astype(int).tolist()


# --- plan ids ---------------------------------------------------------------------------------------

PLAN_A = " ".join(f"nhiệm vụ số {i} về y tế cơ sở của tỉnh trong giai đoạn mới" for i in range(60))
PLAN_B = " ".join(f"chỉ tiêu {i} về giáo dục mầm non và phổ thông năm học" for i in range(60))
PLAN_C = " ".join(f"công trình {i} giao thông nông thôn được đầu tư xây dựng mới" for i in range(60))


def _copy(doc_id, number=None, text=PLAN_A, issuer="Ủy ban nhân dân tỉnh Hà Giang", date=None, draft=False,
          fmt="pdf"):
    return Copy(doc_id, number, "Kế hoạch", issuer, date, text_minhash(text), draft, False,
                dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), fmt)


def _plans(ids: dict) -> set[frozenset]:
    groups: dict[str, set] = {}
    for doc_id, (plan_id, _) in ids.items():
        groups.setdefault(plan_id, set()).add(doc_id)
    return {frozenset(g) for g in groups.values()}


def test_copies_join_by_number_and_issuer_or_by_their_text():
    copies = [_copy("a1", "88/KH-UBND", date=dt.date(2024, 8, 12)),
              _copy("a2", "88 / KH-UBND", text=PLAN_A + " trang thông tin điện tử"),  # spaces; no date
              _copy("a3", None, draft=True),  # the unnumbered draft: joins by its text
              _copy("b1", None, text=PLAN_C, draft=True),  # another plan of the same issuer
              _copy("c1", "88/KH-UBND", text=PLAN_B, date=dt.date(2025, 3, 1)),  # the number again, next year
              _copy("d1", None, issuer="Ủy ban nhân dân tỉnh Lào Cai")]  # same text, other issuer
    ids = plan_ids(copies)
    assert _plans(ids) == {frozenset({"a1", "a2", "a3"}), frozenset({"b1"}), frozenset({"c1"}), frozenset({"d1"})}
    # The next year's plan of that number gets its unnumbered draft, by the text.
    assert _plans(plan_ids([*copies, _copy("c2", None, text=PLAN_B, draft=True)])) >= {frozenset({"c1", "c2"})}
    assert [d for d, (_, preferred) in ids.items() if preferred and d.startswith("a")] == ["a1"]


def test_a_draft_like_two_numbered_plans_joins_one_and_never_merges_them():
    template = PLAN_A + " " + PLAN_B
    copies = [_copy("x1", "10/KH-UBND", text=template + " năm 2024"), _copy("x2", "11/KH-UBND", text=template),
              _copy("x3", None, text=template, draft=True)]
    groups = _plans(plan_ids(copies))
    assert frozenset({"x1"}) in groups or frozenset({"x2"}) in groups
    assert not any({"x1", "x2"} <= g for g in groups)


def test_plan_ids_do_not_depend_on_order_and_are_kept_when_copies_arrive():
    final, draft, scan = _copy("f", "88/KH-UBND"), _copy("d", None, draft=True), _copy("s", None, fmt="pdf_scanned")
    first = plan_ids([draft])
    assert plan_ids([scan, final, draft]) == plan_ids([draft, final, scan])  # from scratch: content only
    later = plan_ids([draft, final, scan], previous={d: p for d, (p, _) in first.items()})
    assert {p for p, _ in later.values()} == {first["d"][0]}  # the draft's plan keeps its id
    # Rebuilt from scratch, a plan with a number takes the id of its number, whatever else it has.
    assert plan_ids([final])["f"][0] == plan_ids([final, draft])["d"][0]


# --- the sample database ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def all_samples(tmp_path_factory) -> Path:
    """Every file of data/samples (as `make demo` ingests them, scans included), published."""
    folder = tmp_path_factory.mktemp("all_samples")
    _ingest([SAMPLES], folder)
    return folder / "plans.duckdb"


def test_sixteen_sample_files_are_nine_plans(all_samples):
    assert _rows(all_samples, "SELECT count(*) FROM documents") == [(16,)]
    assert _rows(all_samples, "SELECT count(*), count(DISTINCT plan_id) FROM plans") == [(9, 9)]
    nghean = _rows(all_samples, "SELECT doc_number, n_copies, n_drafts, formats, source_format, is_draft FROM plans "
                                "WHERE doc_number = '542/KH-UBND'")
    assert nghean == [("542/KH-UBND", 5, 3, ["html", "pdf", "pdf_scanned", "txt"], "html", False)]
    assert _rows(all_samples, "SELECT sum(n_copies) FROM plans") == [(16,)]


def test_plan_views_count_each_plan_once(all_samples):
    preferred = "(SELECT doc_id FROM documents WHERE preferred_copy)"
    for view, base in (("plan_indicator_targets", "indicator_targets"), ("plan_due_tasks", "due_tasks")):
        # one copy per plan, and every row of that copy
        assert _rows(all_samples, f"SELECT count(*) FROM (SELECT plan_id FROM {view} GROUP BY plan_id "
                                  "HAVING count(DISTINCT doc_id) > 1)") == [(0,)]
        assert _rows(all_samples, f"SELECT count(*) FROM {view}") == \
            _rows(all_samples, f"SELECT count(*) FROM {base} WHERE doc_id IN {preferred}")
    # The Nghệ An plan's 18 tasks and 3 health-insurance style targets count once, not five times.
    assert _rows(all_samples, "SELECT count(*) FROM plan_due_tasks WHERE doc_number = '542/KH-UBND'") == \
        _rows(all_samples, "SELECT count(*) FROM due_tasks WHERE doc_id = (SELECT doc_id FROM plans "
                           "WHERE doc_number = '542/KH-UBND')")
    assert _rows(all_samples, "SELECT count(*) > 0 FROM due_tasks WHERE doc_number IS NULL") == [(True,)]
    health = _rows(all_samples, "SELECT documents FROM agency_workload WHERE agency = 'Sở Y tế'")[0][0]
    plans, led = _rows(all_samples, "SELECT plans, tasks_lead FROM plan_agency_workload WHERE agency = 'Sở Y tế'")[0]
    assert plans < health and plans <= 9
    assert led == _rows(all_samples, "SELECT count(*) FROM tasks WHERE list_contains(lead_agencies, 'Sở Y tế') "
                                     f"AND doc_id IN {preferred}")[0][0]
    assert _rows(all_samples, "SELECT count(*), count(DISTINCT plan_id) FROM plans") == \
        _rows(all_samples, "SELECT count(DISTINCT plan_id), count(DISTINCT plan_id) FROM documents")
    # Placeholders that name no agency are flagged (extractors/data/placeholder_agencies.csv), agencies are not.
    flags = dict(_rows(all_samples, "SELECT agency, placeholder FROM plan_agency_workload"))
    assert flags["Các cơ quan, đơn vị liên quan"] and flags["Các sở, ngành"] and not flags["Sở Y tế"]


def test_show_names_a_plan_by_its_number_and_lists_its_copies(all_samples):
    out = _vnplan("show", "542/kh-ubnd", "--db", all_samples)
    assert out.returncode == 0, out.stderr
    assert "Copies of this plan (5" in out.stdout and "nghean-draft-scan" in out.stdout
    assert "several documents match" not in out.stderr


def test_diff_of_the_nghean_draft_and_final(all_samples):
    """Read side by side, the draft (nghean-draft.pdf, its scan and text) and the final
    (nghean-542-kh-ubnd.html) state the same 18 tasks with the same agencies and deadlines, the same
    three > 95 % targets for 2030 and the same duties of the same agencies: the final only fills in
    the number (542/KH-UBND) and the date (09/07/2024), in the header and in the appendix's "Kèm theo"
    line, sets its title in capitals, and puts a space before some commas. So the changes are the
    number, the date and the draft status, and nothing else."""
    out = _vnplan("diff", "542/KH-UBND", "--db", all_samples, "--format", "json")
    assert out.returncode == 0, out.stderr
    changes = json.loads(out.stdout)
    assert [(c["item"], c["change"], c["field"], c["old_value"], c["new_value"]) for c in changes] == [
        ("document", "changed", "doc_number", None, "542/KH-UBND"),
        ("document", "changed", "issue_date", None, "2024-07-09"),
        ("document", "changed", "is_draft", "True", "False")]
    draft, final = changes[0]["draft_doc_id"], changes[0]["final_doc_id"]
    assert _rows(all_samples, "SELECT source_path LIKE '%nghean-draft.pdf' FROM documents WHERE doc_id = ?", draft) \
        == [(True,)]  # the born-digital draft, not its scan
    assert _rows(all_samples, "SELECT source_format FROM documents WHERE doc_id = ?", final) == [("html",)]


def test_diff_matches_items_by_content_not_position(tmp_path):
    """hagiang-draft.md and hagiang-final.md: the final swaps tasks 1 and 2, moves a deadline (Quý 4/2024 ->
    Quý 4/2025), gives the re-arrangement of the stations to Sở Nội vụ instead of Sở Y tế, drops the
    contest, adds electronic health records, and raises the insurance target from 90 % to 95 %."""
    _ingest([FIXTURES / "hagiang-draft.md", FIXTURES / "hagiang-final.md"], tmp_path)
    out = _vnplan("diff", "88/KH-UBND", "--db", tmp_path / "plans.duckdb", "--format", "json")
    assert out.returncode == 0, out.stderr
    got = {(c["item"], c["change"], c["field"], (c["final_text"] or c["draft_text"] or "")[:30], c["old_value"],
            c["new_value"]) for c in json.loads(out.stdout)}
    assert got == {
        ("document", "changed", "doc_number", "", None, "88/KH-UBND"),
        ("document", "changed", "issue_date", "", None, "2024-08-12"),
        ("document", "changed", "is_draft", "", "True", "False"),
        ("task", "changed", "deadline", "Đào tạo, bồi dưỡng đội ngũ nhâ", "Quý 4/2024", "Quý 4/2025"),
        ("task", "changed", "lead_agencies", "Rà soát, sắp xếp mạng lưới trạ", "Sở Y tế", "Sở Nội vụ"),
        ("task", "changed", "partner_agencies", "Rà soát, sắp xếp mạng lưới trạ", "Sở Nội vụ", "Sở Y tế"),
        ("task", "removed", None, "Tổ chức hội thi nhân viên y tế", None, None),
        ("task", "added", None, "Triển khai hồ sơ sức khỏe điện", None, None),
        ("indicator", "changed", "value", "Tỷ lệ người dân tham gia bảo h", "> 90 %", "> 95 %"),
    }
    plain = _vnplan("diff", "88/KH-UBND", "--db", tmp_path / "plans.duckdb")
    assert plain.returncode == 0 and "Quý 4/2025" in plain.stdout and "added" in plain.stdout


def test_plan_ids_survive_other_names_renames_and_reingests(tmp_path):
    """The shared corpus's files that read without OCR, ingested under other names into a second
    database, and renamed between runs in the first: no plan_id changes."""
    files = sorted([*CORPUS.glob("*.html"), *CORPUS.glob("*.docx"), *(CORPUS / "text").glob("*.txt")])
    one, two = tmp_path / "one", tmp_path / "two"
    for i, f in enumerate(files):
        (one / "inbox").mkdir(parents=True, exist_ok=True)
        shutil.copy(f, one / "inbox" / f.name)
        (two / "inbox" / f"nested{i % 2}").mkdir(parents=True, exist_ok=True)
        shutil.copy(f, two / "inbox" / f"nested{i % 2}" / f"copy-{len(files) - i}{f.suffix}")
    sql = "SELECT doc_id, plan_id FROM documents ORDER BY doc_id"
    _ingest([one / "inbox"], one)
    _ingest([two / "inbox"], two)
    first = _rows(one / "plans.duckdb", sql)
    assert len({p for _, p in first}) == 4  # Nghệ An, Tam Đường, Ninh Bình, Ninh Sơn
    assert _rows(two / "plans.duckdb", sql) == first
    for i, f in enumerate(sorted((one / "inbox").iterdir())):
        f.rename(f.with_name(f"renamed-{i}{f.suffix}"))
    _ingest([one / "inbox"], one)
    _ingest([one / "inbox"], one, force=True)
    assert _rows(one / "plans.duckdb", sql) == first


# --- citations ---------------------------------------------------------------------------------------

def _plan_text(issuer_lines: tuple[str, str], number: str, dateline: str, kind: str, title: str, *body: str) -> str:
    return "\n\n".join([*issuer_lines, f"Số: {number}", dateline, kind, title, *body,
                        "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Văn Hùng"]) + "\n"


def test_citations_resolve_exactly_the_ingested_documents(tmp_path):
    laichau = ("ỦY BAN NHÂN DÂN", "TỈNH LAI CHÂU")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    docs = {
        "province.txt": _plan_text(laichau, "999/KH-UBND", "Lai Châu, ngày 20 tháng 3 năm 2024", "KẾ HOẠCH",
                                   "Thực hiện Chiến lược bảo vệ sức khỏe nhân dân trên địa bàn tỉnh",
                                   "Thực hiện Quyết định số 1624/QĐ-TTg ngày 15/12/2023 của Thủ tướng Chính phủ, "
                                   "UBND tỉnh ban hành Kế hoạch như sau."),
        "decision.txt": _plan_text(laichau, "12/2025/QĐ-UBND", "Lai Châu, ngày 02 tháng 4 năm 2025", "QUYẾT ĐỊNH",
                                   "Ban hành Quy định quản lý trạm y tế xã",
                                   "Quyết định này có hiệu lực kể từ ngày ký."),
        "district.txt": _plan_text(("ỦY BAN NHÂN DÂN", "HUYỆN TAM ĐƯỜNG"), "45/KH-UBND",
                                   "Tam Đường, ngày 10 tháng 5 năm 2025", "KẾ HOẠCH",
                                   "Thực hiện Chiến lược bảo vệ sức khỏe nhân dân trên địa bàn huyện",
                                   "Thực hiện Kế hoạch số 999/KH-UBND ngày 20/03/2024 của UBND tỉnh Lai Châu "
                                   "và Quyết định số 12/2025/QĐ-UBND của UBND tỉnh Lai Châu; Kế hoạch số "
                                   "999/KH-UBND ngày 05/01/2023 của UBND tỉnh Lai Châu về phòng chống dịch đã "
                                   "kết thúc; Kế hoạch số 999/KH-UBND ngày 20/3/2024 của UBND tỉnh Điện Biên "
                                   "được tham khảo; Quyết định số 1624/QĐ-TTg của Thủ tướng Chính phủ."),
    }
    for name, text in docs.items():
        (inbox / name).write_text(text, encoding="utf-8")
    # A second copy of the province's plan (another format, a line more): the citation still names one plan.
    (inbox / "province-copy.md").write_text(docs["province.txt"] + "\nNơi nhận: như trên.\n", encoding="utf-8")
    _ingest([inbox], tmp_path)
    db = tmp_path / "plans.duckdb"
    cited = dict(_rows(db, """
        SELECT c.cited_number || coalesce(' ' || strftime(c.cited_date, '%Y'), '') || coalesce(' ' || c.cited_issuer, ''),
               d.doc_number || CASE WHEN d.preferred_copy THEN ' (preferred copy)' ELSE '' END
        FROM citations c JOIN documents s ON s.doc_id = c.doc_id LEFT JOIN documents d ON d.doc_id = c.cited_doc_id
        WHERE s.source_path LIKE '%district.txt'"""))
    resolved = {k: v for k, v in cited.items() if v}
    assert resolved == {"999/KH-UBND 2024 UBND tỉnh Lai Châu": "999/KH-UBND (preferred copy)",  # one of 2 copies
                        "12/2025/QĐ-UBND UBND tỉnh Lai Châu": "12/2025/QĐ-UBND (preferred copy)"}  # year in the number
    assert _rows(db, "SELECT n_copies FROM plans WHERE doc_number = '999/KH-UBND'") == [(2,)]
    assert len(cited) == len(resolved) + 1  # 1624/QĐ-TTg: not ingested
    graph = _rows(db, "SELECT citing_number, cited_number, cited_issuer FROM citation_graph "
                      "WHERE cited_plan_id IS NOT NULL ORDER BY cited_number")
    assert graph == [("45/KH-UBND", "12/2025/QĐ-UBND", "Ủy ban nhân dân tỉnh Lai Châu"),
                     ("45/KH-UBND", "999/KH-UBND", "Ủy ban nhân dân tỉnh Lai Châu")]


# --- run reports --------------------------------------------------------------------------------------

def test_run_report_counts_new_plans_and_copies_of_known_plans(tmp_path):
    text = SAMPLES / "text"
    first = _ingest([text / "003_a698d7df3c568d60.txt", text / "001_3f30aab102883e5d.txt"], tmp_path)
    assert first.plans == {"new_plans": 2, "new_plan_files": 2, "known_plan_files": 0}
    second = _ingest([SAMPLES / "nghean-542-kh-ubnd.html", text / "000_de43d9b20077fde2.txt",
                      SAMPLES / "tamduong-2030.docx", text / "002_f759c3cd735fe016.txt"], tmp_path)
    assert second.plans == {"new_plans": 1, "new_plan_files": 1, "known_plan_files": 3}

    from pipeline.report import markdown, summary

    report = markdown(second)
    assert "- new plans: 1 (from 1 of the new and changed files)" in report
    assert "copies of plans already in the database (another format, a scan, the draft or the final): 3 files" in report
    assert summary(second)["plans"] == second.plans


def test_a_real_directive_is_cited_only_under_its_own_year(tmp_path):
    """real/30 is Chỉ thị 07/CT-TTg of 02/3/2012. Nghị quyết 47/NQ-CP (real/19) cites "Chỉ thị số 07/CT-TTg
    ngày 21/3/2023 của Thủ tướng Chính phủ": the same number, type and issuer, another year, another
    directive. Only a citation dated 2012 names the one in the database."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(CORPUS / "real" / "30_sct_CT07-TTg_2012_chan_chinh_KKT_KCN_CCN.docx", inbox)
    sentences = {  # a document cites a number once: one citing plan per year
        "2023": "Triển khai thực hiện Chỉ thị số 07/CT-TTg ngày 21/3/2023 của Thủ tướng Chính phủ về việc tăng "
                "cường công tác truyền thông chính sách.",
        "2012": "Tiếp tục thực hiện Chỉ thị số 07/CT-TTg ngày 02/3/2012 của Thủ tướng Chính phủ về chấn chỉnh công "
                "tác quản lý và nâng cao hiệu quả hoạt động của các khu kinh tế, khu công nghiệp, cụm công nghiệp."}
    for number, (year, sentence) in enumerate(sentences.items(), 310):
        (inbox / f"citing-{year}.txt").write_text(_plan_text(
            ("ỦY BAN NHÂN DÂN", "TỈNH BÌNH DƯƠNG"), f"{number}/KH-UBND", "Bình Dương, ngày 05 tháng 5 năm 2024",
            "KẾ HOẠCH", f"Về công tác năm 2024 theo chỉ thị năm {year}", sentence), encoding="utf-8")
    _ingest([inbox], tmp_path)
    rows = _rows(tmp_path / "plans.duckdb", """
        SELECT strftime(c.cited_date, '%Y'), d.doc_number FROM citations c LEFT JOIN documents d ON d.doc_id = c.cited_doc_id
        WHERE c.cited_number = '07/CT-TTg' ORDER BY 1""")
    assert rows == [("2012", "07/CT-TTg"), ("2023", None)]
