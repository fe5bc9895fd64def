# vnplan in a container: Debian's packages for OCR and .doc files, then the project with the extras of its
# commands (Prefect flow, web explorer). Not built by the test suite: no container engine runs where it runs.
#   docker build -t vnplan .
#   docker run --rm --network none -e VNPLAN_ALLOW_NETWORK=1 -v "$PWD/data:/data" \
#     vnplan ingest /data/samples --db /data/plans.duckdb --lake /data/lake
# LibreOffice converts a .doc in a network namespace of its own (extractors/offline.py), which Docker's
# default profile does not let a container make: with --network none the whole container is offline, so
# VNPLAN_ALLOW_NETWORK=1 lets it run there.
FROM python:3.11-slim-bookworm

# One package a line, as make setup's apt step installs them (minus the browser tests' chromium).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      poppler-utils \
      tesseract-ocr \
      tesseract-ocr-vie \
      libreoffice-writer-nogui \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/vnplan
COPY pyproject.toml README.md ./
COPY extractors extractors
COPY pipeline pipeline
COPY schemas schemas
RUN pip install --no-cache-dir '.[flow,browse]'

WORKDIR /data
ENTRYPOINT ["vnplan"]
CMD ["--help"]
