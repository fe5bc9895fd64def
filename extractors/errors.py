"""Errors a reader raises for input it cannot read. Each message says what is wrong and what to do."""


class ExtractionError(Exception):
    """A file that cannot be turned into a document; recorded in ingest_log, the run goes on."""


class UnsupportedFormat(ExtractionError):
    pass


class CorruptFile(ExtractionError):
    pass


class NeedsOCR(ExtractionError):
    pass


class LimitExceeded(ExtractionError):
    pass


class NotVietnamese(ExtractionError):
    pass
