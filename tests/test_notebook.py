"""notebooks/explore.ipynb runs against a freshly published file, and is committed with its charts."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def _images(nb) -> int:
    return sum("image/png" in out.get("data", {}) for cell in nb.cells if cell.cell_type == "code"
               for out in cell.get("outputs", []))


@pytest.fixture
def this_interpreters_kernel(tmp_path, monkeypatch):
    """Kernel "python3" is this interpreter (the venv's), whatever kernels the machine has installed."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return "python3"


def _text_outputs(cell) -> str:
    return "\n".join(out.get("text", "") + out.get("data", {}).get("text/plain", "") for out in cell.get("outputs", []))


def test_notebook_runs_outside_the_repository_against_the_sample_database(sample_db, this_interpreters_kernel,
                                                                          tmp_path, monkeypatch):
    """Executed with `jupyter nbconvert` from a copy in a folder of its own, the database named by
    VNPLAN_DB only: its charts count plans (8 sample files are 4 plans), label them by number and
    issuer, and leave out placeholder agencies."""
    nbformat = pytest.importorskip("nbformat")
    jupyter = Path(sys.executable).with_name("jupyter")
    if not (Path(sys.executable).with_name("jupyter-nbconvert")).exists():
        pytest.fail("jupyter nbconvert is not installed: `pip install -e '.[dev]'`")
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    shutil.copy(NOTEBOOK, workdir / "explore.ipynb")
    env = {**os.environ, "VNPLAN_DB": str(sample_db.db)}  # JUPYTER_PATH: this interpreter's kernel
    run = subprocess.run([str(jupyter), "nbconvert", "--to", "notebook", "--execute", "explore.ipynb",
                          "--output", "executed.ipynb", f"--ExecutePreprocessor.kernel_name={this_interpreters_kernel}",
                          "--ExecutePreprocessor.timeout=180"],
                         cwd=workdir, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    nb = nbformat.read(workdir / "executed.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [out for cell in code for out in cell.outputs if out.output_type == "error"]
    assert not errors
    assert _images(nb) >= 4  # targets across plans, baseline -> target, agency workload, due tasks
    assert "plans.duckdb: 8 files, 4 plans" in _text_outputs(code[0])
    targets = next(c for c in code if "CODE = " in c.source)
    assert "542/KH-UBND · UBND tỉnh Nghệ An" in _text_outputs(targets)
    assert ".txt" not in _text_outputs(targets) and ".html" not in _text_outputs(targets)  # plans, not files
    workload = next(c for c in code if "plan_agency_workload" in c.source)
    assert "Sở Y tế" in _text_outputs(workload) and "liên quan" not in _text_outputs(workload)
    baseline = next(c for c in code if "baseline" in c.source and "plt." in c.source)
    assert "DOCTORS_PER_10K" in _text_outputs(baseline)


def test_committed_notebook_shows_its_charts():
    nbformat = pytest.importorskip("nbformat")

    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata.kernelspec.name == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "commit the notebook executed, with its outputs"
    assert _images(nb) >= 4
