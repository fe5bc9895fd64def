"""Search: the index built at publish time, the `search` macro, and `vnplan search`, on the samples."""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from pipeline.search import search, snippet, tokens
from pipeline.tables import DUCKDB_CONFIG

VNPLAN = Path(sys.executable).with_name("vnplan")


@pytest.fixture(scope="module")
def con(sample_db):
    with duckdb.connect(str(sample_db.db), read_only=True, config=DUCKDB_CONFIG) as con:
        yield con


def _ranking(con, query, limit=10, table=None):
    return [(h.table_name, h.row_id, h.score) for h in search(con, query, table, limit)]


def test_with_and_without_diacritics_the_same_top_results(con):
    plain = _ranking(con, "bao hiem y te")
    assert plain, "the samples talk about bảo hiểm y tế"
    assert _ranking(con, "bảo hiểm y tế") == plain
    assert _ranking(con, "BẢO HIỂM Y TẾ") == plain
    assert _ranking(con, unicodedata.normalize("NFD", "bảo hiểm y tế")) == plain
    top = search(con, "bao hiem y te", limit=1)[0]
    assert "bảo hiểm y tế" in top.text.lower()


def test_either_tone_mark_style_and_d_for_đ(con):
    assert _ranking(con, "sức khoẻ") == _ranking(con, "sức khỏe") == _ranking(con, "suc khoe")
    hits = search(con, "dao tao", limit=5)
    assert hits and all("đào tạo" in h.text.lower() for h in hits)
    assert _ranking(con, "Đào tạo") == _ranking(con, "dao tao")


def test_one_table_and_limit(con):
    hits = search(con, "dao tao", "tasks", 3)
    assert 0 < len(hits) <= 3 and {h.table_name for h in hits} == {"tasks"}
    indicators = search(con, "tiem chung day du", "indicators", 5)
    assert indicators and "tiêm chủng đầy đủ" in indicators[0].text


def test_macro_parameters(con):
    every = con.execute("SELECT count(*) FROM search('y te', top := NULL)").fetchall()[0][0]
    assert every > 100
    assert con.execute("SELECT count(*) FROM search('y te', top := 100)").fetchall()[0][0] == 100
    assert con.execute("SELECT count(*) FROM search('y te')").fetchall()[0][0] == min(every, 1000)
    rows = con.execute("SELECT table_name, score FROM search('y te', in_table := 'objectives')").fetchall()
    assert rows and {r[0] for r in rows} == {"objectives"}
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)
    # The best rows of one table are its best rows in the search of all tables.
    everywhere = con.execute("SELECT score FROM search('y te', top := NULL) WHERE table_name = 'objectives'").fetchall()
    assert [r[1] for r in rows] == [r[0] for r in everywhere]


def test_nothing_matches_nothing(con):
    assert search(con, "", limit=5) == []
    assert search(con, "  ,;  ", limit=5) == []
    assert search(con, "xyzzyqwerty", limit=5) == []


def test_sql_and_python_tokenizers_agree(con):
    pairs = con.execute("SELECT text, search_tokens(text) FROM search_docs").fetchall()
    for text in ["Đào tạo, bồi dưỡng", "hoà/khoẻ/thuỷ – ĐỒNG", "Tỷ lệ trẻ < 1 tuổi (‰) 10.000 dân", "a_b", ""]:
        pairs.append((text, con.execute("SELECT search_tokens(?)", [text]).fetchall()[0][0]))
    assert len(pairs) > 500
    for text, sql_tokens in pairs:
        assert sql_tokens == tokens(text), text


def test_scores_are_bm25(con):
    """The macro's scores equal BM25 (k1 1.2, b 0.75, per-table mean length) computed here from the rows."""
    rows = con.execute("SELECT table_name, row_id, text FROM search_docs").fetchall()
    k1, b = 1.2, 0.75
    terms, lengths = {}, {}
    for table, row_id, text in rows:
        words = tokens(text)
        terms[(table, row_id)] = Counter(words + [f"{x} {y}" for x, y in zip(words, words[1:])])
        lengths[(table, row_id)] = len(words)
    df = Counter(t for c in terms.values() for t in c)
    n = len(rows)
    by_table = {}
    for (table, _), length in lengths.items():
        by_table.setdefault(table, []).append(length)
    avg = {t: max(sum(v) / len(v), 1) for t, v in by_table.items()}
    for query in ("bao hiem y te", "đào tạo cán bộ", "trạm y tế xã có bác sĩ"):
        words = tokens(query)
        query_terms = set(words + [f"{x} {y}" for x, y in zip(words, words[1:])])
        expected = {}
        for key, counts in terms.items():
            score = 0.0
            for t in query_terms & counts.keys():
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                tf = counts[t]
                score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[key] / avg[key[0]]))
            if score:
                expected[key] = score
        got = search(con, query, limit=20)
        assert got
        best = sorted(expected.values(), reverse=True)[:20]
        assert [h.score for h in got] == pytest.approx(best, abs=1e-8)  # scores are rounded to 9 decimals
        for h in got:
            assert h.score == pytest.approx(expected[(h.table_name, h.row_id)], abs=1e-8)


def test_search_is_fast_on_the_samples(con):
    search(con, "bao hiem y te")
    clock = time.perf_counter()
    for _ in range(5):
        search(con, "nâng cao chất lượng hoạt động của y tế cơ sở")
    assert (time.perf_counter() - clock) / 5 < 0.2


def test_snippet_marks_the_query_words():
    text = "Mở đầu. " * 40 + "Tăng cường đào tạo, bồi dưỡng cho đội ngũ cán bộ y tế."
    window, spans = snippet(text, "dao tao")
    assert window.startswith("…")
    assert [window[a:b] for a, b in spans] == ["đào", "tạo"]


def test_cli_search(sample_db):
    out = subprocess.run([str(VNPLAN), "search", "bao hiem y te", "--db", str(sample_db.db), "--format", "json",
                          "--limit", "3"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    hits = json.loads(out.stdout)
    assert len(hits) == 3 and all("bảo hiểm" in h["text"].lower() for h in hits)
    table = subprocess.run([str(VNPLAN), "search", "đào tạo", "--db", str(sample_db.db), "--table", "tasks"],
                           capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "160"})
    assert table.returncode == 0, table.stderr
    assert "tasks" in table.stdout and "Đào tạo" in table.stdout


def test_cli_search_without_database(tmp_path):
    out = subprocess.run([str(VNPLAN), "search", "y te", "--db", str(tmp_path / "none.duckdb")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "no such database" in out.stderr
