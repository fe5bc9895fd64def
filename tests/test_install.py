"""A core install (`pip install vnplan`, no extras) reads, extracts, publishes and queries; only
`nightly` and `serve` need the `flow` extra (Prefect), `--dask-address` the `dask` extra, `browse`
the `browse` extra, the notebook the `notebook` extra (pyproject.toml).

The modules of the extras are hidden from `vnplan` by a sitecustomize on PYTHONPATH: no import
finder finds them, as if they were not installed, in the worker processes too."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import sample_files

VNPLAN = Path(sys.executable).with_name("vnplan")
# Top-level modules of the extras' packages (flow, dask, notebook) and of what only they bring.
EXTRA_MODULES = ("prefect", "prefect_dask", "dask", "distributed", "fastapi", "starlette", "sqlalchemy", "uvicorn",
                 "jinja2", "pandas", "matplotlib", "ipykernel", "nbclient", "nbformat")


# Wraps every finder of sys.meta_path so that the hidden modules are found by none: importing one raises
# ModuleNotFoundError and importlib.util.find_spec gives None, exactly as when it is not installed.
SITECUSTOMIZE = """
import sys


class _Hide:
    def __init__(self, finder):
        self.finder = finder

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in HIDDEN:
            return None
        find = getattr(self.finder, "find_spec", None)
        return find(name, path, target) if find else None

    def __getattr__(self, attribute):
        return getattr(self.finder, attribute)


sys.meta_path[:] = [_Hide(finder) for finder in sys.meta_path]
"""


def hiding(site: Path, modules) -> dict[str, str]:
    """The environment of a process in which `modules` cannot be imported."""
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(f"HIDDEN = {frozenset(modules)!r}\n" + SITECUSTOMIZE)
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}


@pytest.fixture
def core_only(tmp_path):
    env = hiding(tmp_path / "site", EXTRA_MODULES)

    def vnplan(*args) -> subprocess.CompletedProcess:
        return subprocess.run([str(VNPLAN), *map(str, args)], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=300)
    vnplan.env = env
    return vnplan


def test_the_extras_are_installed_here_and_hidden_by_the_fixture(core_only):
    for module in EXTRA_MODULES:
        code = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
        assert subprocess.run([sys.executable, "-c", code]).returncode == 0, f"{module} is not installed here"
        hidden = subprocess.run([sys.executable, "-c", f"import {module}"], env=core_only.env, capture_output=True)
        assert hidden.returncode == 1 and f"No module named '{module}'".encode() in hidden.stderr, module


def test_a_core_install_ingests_publishes_and_queries(core_only, tmp_path):
    ingest = core_only("ingest", *sample_files(), "--db", "plans.duckdb", "--lake", "lake", "--quiet")
    assert ingest.returncode == 0, ingest.stderr
    query = core_only("query", "SELECT count(*) AS n FROM documents", "--db", "plans.duckdb", "--format", "csv")
    assert (query.returncode, query.stdout.split()) == (0, ["n", str(len(sample_files()))]), query.stderr
    search = core_only("search", "bảo hiểm y tế", "--db", "plans.duckdb", "--format", "json")
    assert search.returncode == 0 and '"table_name"' in search.stdout, search.stderr
    for fmt in ("xlsx", "csv", "parquet"):
        export = core_only("export", "--format", fmt, "--out", tmp_path / fmt, "--db", "plans.duckdb")
        assert export.returncode == 0, (fmt, export.stderr)
    show = core_only("show", "tamduong-2030", "--db", "plans.duckdb")
    assert show.returncode == 0, show.stderr


@pytest.mark.parametrize("command, extra", [
    (["nightly", "--inbox", "."], "flow"),
    (["serve", "--inbox", "."], "flow"),
    (["browse"], "browse"),
])
def test_commands_of_an_extra_not_installed_say_how_to_install_it(core_only, command, extra):
    result = core_only(*command)
    assert result.returncode == 2
    assert f"needs vnplan's '{extra}' extra" in result.stderr and f"pip install 'vnplan[{extra}]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_nightly_on_dask_without_the_dask_extra_says_how_to_install_it(tmp_path):
    env = hiding(tmp_path / "site", ["prefect_dask"])
    result = subprocess.run([str(VNPLAN), "nightly", "--inbox", ".", "--dask-address", "tcp://127.0.0.1:1"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "needs vnplan's 'dask' extra" in result.stderr and "pip install 'vnplan[dask]'" in result.stderr


def test_every_core_dependency_is_used_by_the_core():
    """Each package of [project.dependencies] is imported by extractors/, pipeline/ or schemas/ outside the
    flow (or, as underthesea, located with importlib.util.find_spec to read its data files)."""
    import ast
    import re
    import tomllib
    from importlib.metadata import packages_distributions

    root = Path(__file__).resolve().parents[1]
    declared = {re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0].lower().replace("_", "-")
                for d in tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]}
    modules = set()
    for path in [p for folder in ("extractors", "pipeline", "schemas") for p in (root / folder).rglob("*.py")]:
        if path.name == "flow.py":  # the flow extra's
            continue
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                modules.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level:
                modules.add(node.module.partition(".")[0])
        modules.update(re.findall(r"find_spec\(\"(\w+)\"\)", text))
    distributions = packages_distributions()
    used = {d.lower().replace("_", "-") for m in modules for d in distributions.get(m, ())}
    assert declared and not declared - used, f"declared but never used: {sorted(declared - used)}"
