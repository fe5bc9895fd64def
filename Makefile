# make demo: set everything up and ingest data/samples into data/plans.duckdb
# make test: set everything up and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export PREFECT_HOME := $(CURDIR)/data/prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS := 120

.PHONY: setup apt demo test bench clean

setup: apt $(VENV)/.installed $(VENV)/duckdb1/.installed

apt:
	@missing=""; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v tesseract >/dev/null || missing="$$missing tesseract-ocr"; \
	{ command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx vie; } || missing="$$missing tesseract-ocr-vie"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "installing apt packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[flow,dask,notebook,browse,dev]'
	touch $@

# The latest DuckDB 1.x, apart from the project's 2.0, for tests/test_duckdb_compat.py (the published file
# must open in the DuckDB 1.x that most users have); imported only by that test, from its own folder. The
# venv keeps its 2.0 (this copy is beside it), so pip's warning that vnplan requires 2.0 is silenced.
$(VENV)/duckdb1/.installed: $(VENV)/.installed
	$(BIN)/python -m pip install -q --upgrade --no-warn-conflicts --target $(VENV)/duckdb1 'duckdb>=1.1,<2'
	touch $@

demo: setup
	$(BIN)/vnplan ingest data/samples --db data/plans.duckdb --lake data/lake; \
	  rc=$$?; [ $$rc -le 1 ] || exit $$rc; \
	  [ $$rc -eq 0 ] || echo "(some files failed: see the ingest_log table; the rest is published)"

test: setup
	$(BIN)/python -m pytest

bench: setup
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-dejavu-core >/dev/null; }
	$(BIN)/python -c 'import reportlab, psutil' 2>/dev/null || $(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.ocr_accuracy
	$(BIN)/python -m bench.html_memory

clean:
	rm -rf data/plans.duckdb data/lake data/reports data/prefect
