"""A local HTTP server that records every request it gets: proof that reading a file reached no network.

It listens on 127.0.0.1 at a random port in a thread of the test process; each test names its
address in the files it makes and asserts that `requests` stays empty.
"""
from __future__ import annotations

import http.server
import threading
from contextlib import contextmanager


class _Recorder(http.server.BaseHTTPRequestHandler):
    def _record(self):
        self.server.requests.append(f"{self.command} {self.path}")
        self.send_response(404)
        self.end_headers()

    do_GET = do_HEAD = do_POST = do_PUT = do_OPTIONS = do_PROPFIND = _record

    def log_message(self, *args):  # the requests list is the record
        pass


class RecordingServer(http.server.ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Recorder)
        self.requests: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def recording_server():
    server = RecordingServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
