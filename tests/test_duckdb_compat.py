"""The published file opens in DuckDB 1.x (the CLI, R, DBeaver and most notebooks in use), not only in
the DuckDB 2.0 that writes it: pipeline/publish.py writes an older storage format.

The DuckDB 1.x release is installed by `make setup` into a folder of its own under the venv
(.venv/duckdb1, `pip install --target`), and imported in an isolated interpreter (python -I) that
finds it before the venv's DuckDB 2.0."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.tables import DUCKDB_CONFIG
from schemas.dictionary import derived_objects

DUCKDB1 = Path(sys.prefix) / "duckdb1"
QUERY = "bao hiem y te"

# Runs in the DuckDB 1.x interpreter: argv = folder of DuckDB 1.x, database, JSON list of views, query.
_READ = """
import json, sys
sys.path.insert(0, sys.argv[1])
import duckdb
views, query = json.loads(sys.argv[3]), sys.argv[4]
con = duckdb.connect(sys.argv[2], read_only=True,
                     config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
out = {"version": duckdb.__version__,
       "views": {v: con.execute(f'SELECT count(*) FROM "{v}"').fetchone()[0] for v in views},
       "search": con.execute("SELECT table_name, row_id, score FROM search(?)", [query]).fetchall(),
       "indicator_codes": con.execute("SELECT count(indicator_code) FROM indicators").fetchone()[0]}
print(json.dumps(out))
"""


def _read(db: Path, views: list[str]) -> dict:
    if not (DUCKDB1 / "duckdb").is_dir():
        pytest.fail(f"no DuckDB 1.x in {DUCKDB1}: run `make setup` (it installs one there for this test)")
    done = subprocess.run([sys.executable, "-I", "-c", _READ, str(DUCKDB1), str(db), json.dumps(views), QUERY],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_duckdb_1x_reads_the_published_file_with_its_views_and_search(sample_db):
    views = [o.name for o in derived_objects() if o.kind == "view"]
    assert views
    old = _read(sample_db.db, views)
    assert old["version"].startswith("1."), old["version"]
    with duckdb.connect(str(sample_db.db), read_only=True, config=DUCKDB_CONFIG) as con:
        views_now = {v: con.execute(f'SELECT count(*) FROM "{v}"').fetchone()[0] for v in views}
        search_now = [list(r) for r in con.execute("SELECT table_name, row_id, score FROM search(?)", [QUERY]).fetchall()]
        codes_now = con.execute("SELECT count(indicator_code) FROM indicators").fetchone()[0]
    # The same answers as DuckDB 2.0 gives on the same file: nothing lost on the way (a string column
    # read as NULL is what a too-new format did to DuckDB 1.3).
    assert old["views"] == views_now
    assert all(views_now.values())
    assert old["search"] == search_now and search_now
    assert old["indicator_codes"] == codes_now > 0


def test_a_republished_file_stays_readable_by_duckdb_1x(tmp_path):
    """A run that changes no record republishes a copy of the previous file (pipeline/publish.py): the copy
    keeps the old storage format."""
    from conftest import sample_files
    from pipeline.ingest import ingest

    files = sample_files()[:2]
    for _ in range(2):
        result = ingest(files, tmp_path / "plans.duckdb", tmp_path / "lake", progress=False)
    assert result.skipped == 2  # the second run was the log-only republish
    views = [o.name for o in derived_objects() if o.kind == "view"]
    old = _read(tmp_path / "plans.duckdb", views)
    assert old["views"]["plan_overview"] == 2 and old["search"]
