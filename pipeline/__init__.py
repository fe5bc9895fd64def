"""The ingest pipeline: input files → record batches in a Parquet lake → a published DuckDB file."""
from importlib.metadata import version

__version__ = version("vnplan")
