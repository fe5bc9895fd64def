"""`vnplan browse`, the read-only web explorer: its pages over the published samples (through Starlette's
test client), and a walk through them in a real headless Chromium (Debian's chromium and chromium-driver)
that writes a screenshot of each page to data/reports/screens/."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import socket
import threading
import time
from html import unescape
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from pipeline.browse.app import create_app
from pipeline.readonly_db import open_read_only
from pipeline.tables import DUCKDB_CONFIG

ROOT = Path(__file__).resolve().parents[1]
SCREENS = ROOT / "data" / "reports" / "screens"
TODAY = dt.date(2024, 10, 1)  # after some task deadlines of the 542/KH-UBND samples, before others
PLAN_542 = "9ef3fd020f5ce66f"  # data/samples/nghean-542-kh-ubnd.html (its doc_id is its content's hash)


@pytest.fixture(scope="module")
def demo_db(sample_db, tmp_path_factory) -> Path:
    """A copy of the published samples: a process opens a file with one configuration at a time, and the other
    test modules open the shared one with theirs."""
    db = tmp_path_factory.mktemp("browse") / "plans.duckdb"
    shutil.copy(sample_db.db, db)
    return db


@pytest.fixture(scope="module")
def client(demo_db):
    return TestClient(create_app(demo_db, today=lambda: TODAY))


@pytest.fixture(scope="module")
def db(demo_db):
    with open_read_only(demo_db) as con:
        yield con


def rows_of(html: str, table_id: str) -> list[str]:
    """The text of each body row of the table with this id."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [unescape(re.sub(r"<[^>]+>", " ", r)) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)]


def read_csv(content: bytes) -> list[dict]:
    assert content.startswith("\ufeff".encode()), "CSV for Excel starts with a byte-order mark"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


# --- pages ------------------------------------------------------------------------------------------

def test_home_lists_every_plan_once_with_its_counts(client, db):
    html = client.get("/").text
    expected = db.execute("SELECT doc_id, tasks, indicators, assignments FROM plans").fetchall()
    assert len(expected) < db.execute("SELECT count(*) FROM documents").fetchall()[0][0]  # copies grouped
    assert len(rows_of(html, "plans")) == len(expected)
    for doc_id, tasks, indicators, duties in expected:
        row = re.search(rf'<tr>\s*<td><a class="plan-link" href="/plan/{doc_id}">.*?</tr>', html, re.S).group(0)
        assert re.findall(r'<td class="num">(\d+)</td>', row) == [str(tasks), str(indicators), str(duties)]


def test_home_filters_by_province_level_type_and_year(client, db):
    def shown(**params):
        return set(re.findall(r'class="plan-link" href="/plan/(\w+)"', client.get("/", params=params).text))

    assert shown(province="Ninh Bình") == {r[0] for r in db.execute(
        "SELECT doc_id FROM plans WHERE province = 'Ninh Bình'").fetchall()} != set()
    assert shown(level="district") == {r[0] for r in db.execute(
        "SELECT doc_id FROM plans WHERE issuer_level = 'district'").fetchall()} != set()
    assert shown(year="2024", type="Kế hoạch") == {r[0] for r in db.execute(
        "SELECT doc_id FROM plans WHERE year(issue_date) = 2024 AND doc_type = 'Kế hoạch'").fetchall()} != set()
    assert shown(province="Ninh Bình", level="district") == set()
    assert client.get("/", params={"year": "twenty"}).status_code == 400


def test_home_search_is_accent_insensitive_and_ranked(client, db):
    plain = client.get("/", params={"q": "bao hiem y te"}).text
    marked = client.get("/", params={"q": "BẢO HIỂM Y TẾ"}).text
    order = re.findall(r'class="plan-link" href="/plan/(\w+)"', plain)
    assert order == re.findall(r'class="plan-link" href="/plan/(\w+)"', marked)
    # a plan ranks by its best row in any of its copies, and stands once
    best = db.execute("SELECT p.doc_id FROM search('bao hiem y te') s JOIN documents d USING (doc_id) "
                      "JOIN plans p USING (plan_id) GROUP BY p.doc_id ORDER BY max(s.score) DESC, p.doc_id").fetchall()
    assert order == [r[0] for r in best]
    # what several copies of a plan say alike matches once
    row = re.search(rf'href="/plan/{PLAN_542}">.*?</tr>', plain, re.S).group(0)
    matches = db.execute("SELECT count(DISTINCT s.text), count(*) FROM search('bao hiem y te') s JOIN documents d "
                         "USING (doc_id) WHERE d.plan_id = (SELECT plan_id FROM documents WHERE doc_id = ?)",
                         [PLAN_542]).fetchall()[0]
    assert re.findall(r'<td class="num">(\d+)</td>', row)[-1] == str(matches[0]) and matches[0] < matches[1]
    assert re.findall(r'class="plan-link"', client.get("/", params={"q": "zzzqqq"}).text) == []


def test_plan_page_header_outline_and_records(client, db):
    html = client.get(f"/plan/{PLAN_542}").text
    header = " ".join(rows_of_header(html))
    assert "542/KH-UBND" in header and "Ủy ban nhân dân tỉnh Nghệ An" in header and "2024-07-09" in header
    assert "<td>final</td>" in html
    # the HTML page and its plain-text copies are copies of one plan, each linked
    copies = db.execute("SELECT doc_id FROM documents WHERE plan_id = (SELECT plan_id FROM documents "
                        "WHERE doc_id = ?) AND doc_id <> ?", [PLAN_542, PLAN_542]).fetchall()
    assert copies
    for (doc_id,) in copies:
        assert f'href="/plan/{doc_id}">' in html
    # the outline is a tree of <details>, every section in it
    sections = db.execute("SELECT count(*) FROM sections WHERE doc_id = ?", [PLAN_542]).fetchall()[0][0]
    outline = re.search(r'<section id="outline">(.*?)</section>', html, re.S).group(1)
    assert "<details>" in outline and len(re.findall(r"<li>", outline)) == sections
    # every task row and every duty links to its source file
    tasks = rows_of(html, "task-table")
    assert len([t for t in tasks if t.strip()]) >= db.execute(
        "SELECT count(*) FROM tasks WHERE doc_id = ?", [PLAN_542]).fetchall()[0][0]
    assert html.count(f'href="/source/{PLAN_542}') >= sections


def rows_of_header(html: str) -> list[str]:
    table = re.search(r'<table class="header" id="plan-header">(.*?)</table>', html, re.S).group(1)
    return [unescape(re.sub(r"<[^>]+>", " ", r)) for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def test_task_table_filters_by_agency_and_sorts_by_due_date(client, db):
    agency = "Sở Y tế"
    expected = db.execute("""SELECT content FROM tasks WHERE doc_id = ? AND (list_contains(lead_agencies, ?)
                             OR list_contains(partner_agencies, ?))""", [PLAN_542, agency, agency]).fetchall()
    html = client.get(f"/plan/{PLAN_542}", params={"agency": agency}).text
    shown = [r for r in rows_of(html, "task-table") if r.strip()]
    assert len(shown) == len(expected) > 0
    assert all(any(content[:40] in " ".join(r.split()) for r in shown) for (content,) in expected)
    html = client.get(f"/plan/{PLAN_542}", params={"sort": "due", "order": "desc"}).text
    dues = [dt.date.fromisoformat(d) for d in re.findall(r'<span class="due">→ (\d{4}-\d\d-\d\d)</span>',
                                                         re.search(r'id="task-table".*?</table>', html, re.S).group(0))]
    assert len(dues) > 1 and dues == sorted(dues, reverse=True)
    # a sort key that is not a column falls back to the document's order
    assert client.get(f"/plan/{PLAN_542}", params={"sort": "content; DROP TABLE tasks"}).status_code == 200


def test_overdue_and_due_soon_rows_are_marked(client, db):
    html = client.get(f"/plan/{PLAN_542}").text
    table = re.search(r'id="task-table".*?</table>', html, re.S).group(0)
    for cls, due in re.findall(r'<tr class="\s*([\w-]*)\s*">.*?(?:→ (\d{4}-\d\d-\d\d)|</tr>)', table, re.S):
        if not due:
            continue
        due = dt.date.fromisoformat(due)
        assert cls == ("overdue" if due < TODAY else "due-soon" if due <= TODAY + dt.timedelta(90) else ""), due
    assert 'class="overdue"' in table


def test_agency_page_lists_tasks_and_duties_overdue_first(client, db):
    agency = "Sở Y tế"
    html = client.get("/agency", params={"name": agency}).text
    rows = rows_of(html, "agency-items")
    expected = db.execute("""
        SELECT (SELECT count(*) FROM tasks JOIN documents USING (doc_id)
                WHERE preferred_copy AND (list_contains(lead_agencies, $a) OR list_contains(partner_agencies, $a)))
             + (SELECT count(*) FROM assignments JOIN documents USING (doc_id) WHERE preferred_copy AND agency = $a)""",
                          {"a": agency}).fetchall()[0][0]
    assert len(rows) == expected > 0
    dues = [(dt.date.fromisoformat(m) if m else None)
            for m in re.findall(r'<tr class="[^"]*"><td>(\d{4}-\d\d-\d\d)?', html)]
    overdue = [d is not None and d < TODAY for d in dues]
    assert overdue == sorted(overdue, reverse=True) and any(overdue)
    later = [d for d in dues if d is not None and d >= TODAY]
    assert later == sorted(later)
    # raw spellings as the documents print them
    raw = {r[0] for r in db.execute("SELECT agency_raw FROM assignments WHERE agency = ?", [agency]).fetchall()}
    spellings = re.search(r'<p class="spellings">(.*?)</p>', html, re.S).group(1)
    assert all(f"<q>{s}</q>" in unescape(spellings) for s in raw)
    assert client.get("/agency", params={"name": "Sở Không Có"}).status_code == 404


def test_a_placeholder_agency_is_shown_as_one_not_linked_as_an_agency(client, db):
    """"Các cơ quan, đơn vị liên quan" names no agency: the plan page shows it without a link to an agency
    page, and its page (reached by URL) says what it is; a real agency stays a link."""
    placeholders = {r[0] for r in db.execute("""
        SELECT DISTINCT a FROM (SELECT unnest(list_concat(lead_agencies, partner_agencies)) AS a FROM tasks
                                WHERE doc_id = ? UNION ALL SELECT agency FROM assignments WHERE doc_id = ?)
        WHERE agency_key(a) IN (SELECT agency_key FROM placeholder_agencies)""", [PLAN_542, PLAN_542]).fetchall()}
    assert "Các cơ quan, đơn vị liên quan" in placeholders
    html = unescape(client.get(f"/plan/{PLAN_542}").text)
    for name in placeholders:
        assert f'<span class="placeholder" title="names no agency">{name}</span>' in html
        assert f">{name}</a>" not in html
    assert ">Sở Y tế</a>" in html
    page = client.get("/agency", params={"name": "Các cơ quan, đơn vị liên quan"}).text
    assert 'id="placeholder-note"' in page
    assert 'id="placeholder-note"' not in client.get("/agency", params={"name": "Sở Y tế"}).text


def test_indicator_page_charts_targets_and_baselines_by_province(client, db):
    code = "HEALTH_INSURANCE_COVERAGE"
    html = client.get(f"/indicator/{code}").text
    values = db.execute("SELECT count(*), count(DISTINCT coalesce(province, issuer)) FROM plan_indicator_targets "
                        "WHERE indicator_code = ?", [code]).fetchall()[0]
    assert len(rows_of(html, "indicator-values")) == values[0]
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    points = """SELECT count(*) FROM (SELECT DISTINCT coalesce(province, issuer), year, role, comparator, value
                FROM plan_indicator_targets WHERE indicator_code = ? AND year IS NOT NULL {})"""
    charted = db.execute(points.format(""), [code]).fetchall()[0][0]
    assert len(re.findall(r"<title>", svg)) == charted
    baselines = db.execute(points.format("AND role = 'baseline'"), [code]).fetchall()[0][0]
    assert len(re.findall(r'fill="white"', svg)) - 1 == baselines  # rings, less the legend's
    assert client.get("/indicator/NO_SUCH_CODE").status_code == 404


def test_long_lists_come_in_pages_and_download_whole(client, db, monkeypatch):
    from pipeline.browse import queries

    monkeypatch.setattr(queries, "PAGE_ROWS", 3)
    agency = "Sở Y tế"
    every = rows_of(client.get("/agency", params={"name": agency}).text, "agency-items")
    assert len(every) == 3
    second = client.get("/agency", params={"name": agency, "page": 2}).text
    assert rows_of(second, "agency-items") != every and len(rows_of(second, "agency-items")) == 3
    total = len(read_csv(client.get("/agency", params={"name": agency, "download": "agency", "fmt": "csv"}).content))
    assert f"rows 4–6 of {total}" in second and total > 6
    pages = [rows_of(client.get("/agency", params={"name": agency, "page": k}).text, "agency-items")
             for k in range(1, (total + 2) // 3 + 1)]
    assert sum(len(p) for p in pages) == total
    plans = rows_of(client.get("/", params={"page": 2}).text, "plans")
    assert len(plans) == db.execute("SELECT count(*) FROM plans").fetchall()[0][0] - 3 > 0


def test_citation_links_to_the_cited_plan_when_it_is_in_the_database(demo_db, tmp_path):
    db = tmp_path / "cites.duckdb"
    shutil.copy(demo_db, db)
    with duckdb.connect(str(db), config=DUCKDB_CONFIG) as con:
        citing = con.execute("SELECT doc_id FROM documents WHERE doc_number IS NULL ORDER BY doc_id LIMIT 1").fetchall()[0][0]
        con.execute("INSERT INTO citations (doc_id, cited_number, cited_doc_id) "
                    "VALUES ($1, '542/KH-UBND', $2), ($1, '1/KH-NONE', NULL)",  # as publishing resolves them
                    [citing, PLAN_542])
    html = TestClient(create_app(db)).get(f"/plan/{citing}").text
    linked = re.findall(r'<a class="cited" href="/plan/(\w+)">([^<]+)</a>', html)
    assert linked == [(PLAN_542, "542/KH-UBND")]
    assert "1/KH-NONE" in html


def test_downloads_hold_the_rows_shown(client):
    agency = "Sở Y tế"
    page = client.get(f"/plan/{PLAN_542}", params={"agency": agency})
    shown = [r for r in rows_of(page.text, "task-table") if r.strip()]
    got = client.get(f"/plan/{PLAN_542}", params={"agency": agency, "download": "tasks", "fmt": "csv"})
    assert got.headers["content-disposition"] == 'attachment; filename="tasks.csv"'
    rows = read_csv(got.content)
    assert len(rows) == len(shown)
    assert all(agency in r["lead_agencies"] + r["partner_agencies"] for r in rows)
    assert rows[0]["lead_agencies"].startswith('["')  # lists as JSON, as `vnplan export` writes them

    from openpyxl import load_workbook

    xlsx = client.get(f"/plan/{PLAN_542}", params={"agency": agency, "download": "tasks", "fmt": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row - 1 == len(shown)
    home = read_csv(client.get("/", params={"q": "bao hiem y te", "download": "plans", "fmt": "csv"}).content)
    assert [r["doc_id"] for r in home] == re.findall(r'class="plan-link" href="/plan/(\w+)"',
                                                     client.get("/", params={"q": "bao hiem y te"}).text)
    for path, name in [("/agency?name=Sở Y tế", "agency"), ("/indicator/HEALTH_INSURANCE_COVERAGE", "indicator"),
                       (f"/plan/{PLAN_542}", "indicators"), (f"/plan/{PLAN_542}", "duties"),
                       (f"/plan/{PLAN_542}", "outline"), (f"/plan/{PLAN_542}", "objectives"),
                       (f"/plan/{PLAN_542}", "citations"), (f"/plan/{PLAN_542}", "copies")]:
        sep = "&" if "?" in path else "?"
        assert read_csv(client.get(f"{path}{sep}download={name}&fmt=csv").content), (path, name)
    assert client.get(f"/plan/{PLAN_542}?download=secrets&fmt=csv").status_code == 404


def test_source_file_is_served_only_for_a_recorded_document(client, db):
    path = db.execute("SELECT source_path FROM documents WHERE doc_id = ?", [PLAN_542]).fetchall()[0][0]
    got = client.get(f"/source/{PLAN_542}")
    assert got.status_code == 200 and got.content == Path(path).read_bytes()
    assert got.headers["content-security-policy"] == "sandbox"  # a saved web page runs no script here
    for bad in ["0000000000000000", "..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/etc/passwd"]:
        assert client.get(f"/source/{bad}").status_code == 404, bad


def test_source_file_with_a_name_that_is_not_utf8_is_served(tmp_path):
    from pipeline.ingest import ingest

    folder = tmp_path / "inbox"
    folder.mkdir()
    name = os.fsdecode(b"k\xe9-hoach.txt")  # Latin-1 é: not UTF-8
    original = next((ROOT / "data" / "samples" / "text").glob("*.txt"))
    (folder / name).write_bytes(original.read_bytes())
    result = ingest([str(folder)], tmp_path / "plans.duckdb", tmp_path / "lake", progress=False, processes=0)
    assert not result.failed, result.failures
    client = TestClient(create_app(tmp_path / "plans.duckdb"))
    doc_id = re.search(r'class="plan-link" href="/plan/(\w+)"', client.get("/").text).group(1)
    got = client.get(f"/source/{doc_id}")
    assert got.status_code == 200 and got.content == original.read_bytes()


# --- the walk in a real browser ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(demo_db):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(demo_db, today=lambda: TODAY), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the explorer did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    import os

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager never downloads a browser or a driver
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,1000", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    yield driver
    driver.quit()


def screenshot(driver, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    width = driver.execute_script("return document.documentElement.scrollWidth")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(max(1280, width), min(max(1000, height), 6000))
    assert driver.save_screenshot(str(SCREENS / f"{name}.png"))
    driver.set_window_size(1280, 1000)


def loads(driver, action) -> None:
    """Do `action` (a click, a submit, back) and wait until the next page has loaded in place of this one.

    The page being left is marked with a fresh token; the wait ends when the document in the
    window has no such token and has loaded. (Waiting for the old <html> element to go stale
    raced with navigation: chromedriver can answer "Node with given id does not belong to the
    document" instead of "stale" while the old page is being torn down.) A page restored from
    the back-forward cache carries an older token, never this one."""
    import uuid

    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    token = uuid.uuid4().hex
    driver.execute_script("document.documentElement.dataset.leaving = arguments[0]", token)
    action()

    def next_page_loaded(d) -> bool:
        return d.execute_script(
            "return document.documentElement.dataset.leaving !== arguments[0]"
            " && document.readyState === 'complete'", token)

    WebDriverWait(driver, 20, ignored_exceptions=(WebDriverException,)).until(next_page_loaded)


def test_walk_through_the_explorer_in_chromium(server, browser, db):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server + "/")
    assert browser.title == "Plans · vnplan"
    plans = db.execute("SELECT count(*) FROM plans").fetchall()[0][0]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#plans tbody tr")) == plans
    screenshot(browser, "1-home")

    box = browser.find_element(By.CSS_SELECTOR, "header input[name=q]")
    box.send_keys("bao hiem y te")
    loads(browser, box.submit)
    assert "matching “bao hiem y te”" in browser.find_element(By.CSS_SELECTOR, "p.summary").text
    found = [a.get_attribute("href").rsplit("/", 1)[1] for a in browser.find_elements(By.CSS_SELECTOR, "a.plan-link")]
    assert PLAN_542 in found
    screenshot(browser, "2-search")

    loads(browser, browser.find_element(By.CSS_SELECTOR, f'a.plan-link[href="/plan/{PLAN_542}"]').click)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Kế hoạch 542/KH-UBND"
    first = browser.find_element(By.CSS_SELECTOR, "#outline details summary")
    inner = browser.find_element(By.CSS_SELECTOR, "#outline details ul")
    assert not inner.is_displayed()
    first.click()  # the outline unfolds
    assert inner.is_displayed()
    screenshot(browser, "3-plan")

    all_tasks = len(browser.find_elements(By.CSS_SELECTOR, "#task-table tbody tr:not(.group)"))
    Select(browser.find_element(By.ID, "agency-filter")).select_by_visible_text("Sở Y tế")
    loads(browser, browser.find_element(By.CSS_SELECTOR, "#task-filter button").click)
    filtered = browser.find_elements(By.CSS_SELECTOR, "#task-table tbody tr:not(.group)")
    assert 0 < len(filtered) < all_tasks
    assert all("Sở Y tế" in row.text for row in filtered)
    screenshot(browser, "4-plan-tasks-by-agency")

    loads(browser, browser.find_element(By.ID, "agency-page").click)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Sở Y tế"
    assert browser.find_elements(By.CSS_SELECTOR, "#agency-items tr.overdue")
    screenshot(browser, "5-agency")

    loads(browser, browser.back)
    loads(browser, browser.back)
    loads(browser, browser.find_element(By.CSS_SELECTOR, "a.indicator-link").click)
    assert browser.current_url.startswith(server + "/indicator/")
    chart = browser.find_element(By.CSS_SELECTOR, "#chart svg")
    assert chart.size["width"] > 300 and browser.find_elements(By.CSS_SELECTOR, "#chart svg circle")
    screenshot(browser, "6-indicator")
    for name in ("1-home", "2-search", "3-plan", "4-plan-tasks-by-agency", "5-agency", "6-indicator"):
        assert (SCREENS / f"{name}.png").stat().st_size > 10_000


def test_vnplan_browse_serves_the_file_and_refuses_a_missing_one(demo_db, tmp_path):
    import subprocess
    import sys
    import urllib.request

    vnplan = [sys.executable, "-m", "pipeline.cli", "browse"]
    missing = subprocess.run(vnplan + ["--db", str(tmp_path / "none.duckdb")], capture_output=True, text=True,
                             cwd=ROOT)
    assert missing.returncode == 2 and "no such database" in missing.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(vnplan + ["--db", str(demo_db), "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/?q=bao+hiem+y+te", timeout=5) as answer:
                    assert answer.status == 200 and PLAN_542 in answer.read().decode()
                    break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "vnplan browse did not start"
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(10)


def test_the_bench_times_every_page_at_its_worst_case(demo_db, db):
    from bench.browse_latency import measure

    results = measure(demo_db, runs=1)
    assert [x["status"] for x in results] == [200] * len(results)
    by_name = {x["name"]: x["url"] for x in results}
    busiest = db.execute("SELECT doc_id FROM plan_overview ORDER BY sections + indicators + tasks + assignments DESC, "
                         "doc_id LIMIT 1").fetchall()[0][0]
    assert by_name["plan (most records)"] == f"/plan/{busiest}"
    assert "q=bao+hiem+y+te" in by_name["home, search 'bao hiem y te'"]


@pytest.mark.parametrize("first, last", [(2025, 2025), (2021, 2025), (2020, 2045), (1990, 2050), (2023, 2150)])
def test_chart_year_labels_stay_few_round_and_inside_the_years(first, last):
    from pipeline.browse.chart import MAX_YEAR_LABELS, svg

    points = [{"place": "A", "year": first, "role": "baseline", "value": 90.0},
              {"place": "B", "year": last, "role": "target", "value": 98.0}]
    labels = [int(y) for y in re.findall(r'text-anchor="middle">(\d+)</text>', svg(points))]
    assert 1 <= len(labels) <= MAX_YEAR_LABELS
    assert all(first <= y <= last for y in labels) and labels == sorted(labels)
    steps = {b - a for a, b in zip(labels, labels[1:])}
    assert len(steps) <= 1
    if steps:
        step = steps.pop()
        assert all(y % step == 0 for y in labels)
