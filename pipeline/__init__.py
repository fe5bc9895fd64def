"""The ingest pipeline: input files → record batches in a Parquet lake → a published DuckDB file."""
from importlib.metadata import version

# Stored on every document as extractor_version; a change re-extracts files that were skipped before.
__version__ = version("vnplan")
