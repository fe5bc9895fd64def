"""The explorer cannot be made to change the database or read any other file: SQL injection through every
parameter of every page, COPY / ATTACH / read_csv / read_text through any path, path traversal for source
files. The database's bytes stay the same, no file appears, and a secret file's content is in no response."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pipeline.browse.app import create_app

SECRET = "vnplan-secret-7f3a91c2e8"
PLAN_542 = "9ef3fd020f5ce66f"


def payloads(tmp: Path, secret: Path) -> list[str]:
    leak, evil = tmp / "leak.csv", tmp / "evil.duckdb"
    return [
        f"x'; COPY documents TO '{leak}'; --",
        f"x') ; COPY (SELECT 1) TO '{leak}' (FORMAT csv); --",
        f"' UNION ALL SELECT * FROM read_csv('{secret}') --",
        f"x' OR content IN (SELECT content FROM read_text('{secret}')) --",
        f"'; ATTACH '{evil}' AS evil; CREATE TABLE evil.t AS SELECT 1; --",
        f"1; ATTACH '{secret}' AS s (TYPE sqlite); --",
        "1; DROP TABLE documents; --",
        "'; DELETE FROM tasks; --",
        "' OR 1=1 --",
        "$agency",
        "?",
        "1); SET enable_external_access = true; --",
        "content; DROP TABLE tasks",
        f"../../../../../../{secret}",
        str(secret),
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "<script>alert('x')</script>",
    ]


# Every page, every parameter it reads (path parts are marked {}).
PAGES = {
    "/": ["province", "level", "type", "year", "q", "page", "download", "fmt"],
    f"/plan/{PLAN_542}": ["agency", "sort", "order", "download", "fmt"],
    "/agency": ["name", "download", "fmt"],
    "/indicator/HEALTH_INSURANCE_COVERAGE": ["download", "fmt"],
}
PATHS = ["/plan/{}", "/indicator/{}", "/source/{}", "/static/{}"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def setting(sample_db, tmp_path):
    db = tmp_path / "plans.duckdb"
    shutil.copy(sample_db.db, db)
    secret = tmp_path / "secret.csv"
    secret.write_text(f"token\n{SECRET}\n")
    return db, secret, tmp_path


def test_no_parameter_reaches_outside_the_database(setting):
    db, secret, tmp = setting
    before, files = digest(db), sorted(tmp.iterdir())
    client = TestClient(create_app(db), raise_server_exceptions=False)
    answers = 0
    for payload in payloads(tmp, secret):
        requests = [(page, {name: payload}) for page, names in PAGES.items() for name in names]
        requests += [(path.format(payload.replace("/", "%2F")), {}) for path in PATHS]
        requests += [(path.format(payload), {}) for path in PATHS]
        requests.append((f"/plan/{PLAN_542}", {"download": "tasks", "fmt": "csv", "agency": payload, "sort": payload}))
        for url, params in requests:
            got = client.get(url, params=params)
            answers += 1
            assert got.status_code in (200, 400, 404, 422), (url, params, got.status_code, got.text[:300])
            assert SECRET not in got.text, (url, params)
            assert "<script>alert" not in got.text, (url, params)  # every value is escaped in the page
    assert answers > 300
    assert digest(db) == before
    assert sorted(tmp.iterdir()) == files  # no leak.csv, no evil.duckdb


def test_injection_is_data_not_sql(setting):
    """A quote in a value is part of the value: the agency named "' OR 1=1 --" has nothing, and a search for
    it finds what its words find."""
    db, _, _ = setting
    client = TestClient(create_app(db))
    assert client.get("/agency", params={"name": "' OR 1=1 --"}).status_code == 404
    shown = client.get(f"/plan/{PLAN_542}", params={"agency": "x' OR 1=1 --"}).text
    assert '<td colspan="6">None.</td>' in shown.split('id="task-table"')[1].split("</table>")[0]
    assert client.get("/", params={"province": "x' OR '1'='1"}).text.count('class="plan-link"') == 0
