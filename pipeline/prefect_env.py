"""Prefect, offline and quiet, and a local Prefect server when none is configured.

configure() must run before `import prefect`: Prefect reads its settings from the environment
when it is imported. It only sets defaults (a variable already set wins), so a Makefile, a shell
or a test can still choose. This module never imports prefect itself: starting a server is a
subprocess, so the CLI can start one while it imports Prefect.

A user's own Prefect configuration wins: a PREFECT_HOME, a PREFECT_API_URL in the environment
or in the active profile of their profiles file (~/.prefect/profiles.toml) is left as it is and
used. Only without any of them is PREFECT_HOME moved next to the database, and a server started.

Nothing phones home: analytics are off on the server and the client (DO_NOT_TRACK), the UI shows
no promotional content, and the servers started here listen on 127.0.0.1 only unless asked.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

from .atomic import process_alive

DEFAULT_HOME = "data/prefect"  # next to the default database, data/plans.duckdb
SERVER_FILE = "vnplan-server.json"  # in PREFECT_HOME: the server a `vnplan serve` started, for other commands

DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
    # A first start migrates a new database: slow on a busy 2-core machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    # One line per task run on the console is noise for thousands of files (the UI keeps them).
    "PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL": "WARNING",
}
SERVER_START_TIMEOUT_S = 120
PREFECT_DEFAULT_HOME = "~/.prefect"  # Prefect's own, when PREFECT_HOME is unset


def configure(home: Path | str | None = None) -> None:
    """Set vnplan's Prefect defaults in this process's environment (inherited by subprocesses).
    PREFECT_HOME, when the user has no Prefect configuration of their own (user_api_url), defaults
    to `home`, else data/prefect under the current directory."""
    if not os.environ.get("PREFECT_HOME") and not user_api_url():
        os.environ["PREFECT_HOME"] = str(Path(home or DEFAULT_HOME).absolute())
    if os.environ.get("PREFECT_HOME"):
        with contextlib.suppress(OSError):
            Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)


def home() -> Path:
    """Prefect's home folder, as Prefect will see it."""
    return Path(os.environ.get("PREFECT_HOME") or PREFECT_DEFAULT_HOME).expanduser()


def user_api_url() -> str | None:
    """The Prefect API the user configured: PREFECT_API_URL in the environment, else in the active
    profile (PREFECT_PROFILE, else the file's `active`) of their profiles file, read as Prefect
    reads it (profiles_file)."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    try:
        profiles = tomllib.loads(profiles_file().read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # none, or not one Prefect could read either
    name = os.environ.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    profile = profiles.get("profiles", {}).get(name)
    url = profile.get("PREFECT_API_URL") if isinstance(profile, dict) else None
    return str(url) if url else None


def profiles_file() -> Path:
    """PREFECT_PROFILES_PATH, else profiles.toml in Prefect's home."""
    return Path(os.environ.get("PREFECT_PROFILES_PATH") or home() / "profiles.toml").expanduser()


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=timeout) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


def answers(api_url: str, timeout: float) -> bool:
    """Whether a server answers at all at api_url: a server that wants credentials for /health
    (Prefect Cloud) answers too."""
    try:
        with urllib.request.urlopen(api_url.rstrip("/") + "/health", timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


def recorded_server() -> str | None:
    """The API URL of a live server started by `vnplan serve` with this PREFECT_HOME, if any."""
    try:
        info = json.loads((home() / SERVER_FILE).read_text())
        pid, url = int(info["pid"]), str(info["api_url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not process_alive(pid) or not healthy(url):
        return None
    return url


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


# Run in the server process before Prefect: ask the kernel to SIGTERM it when its parent dies (even
# by SIGKILL), so a killed `vnplan nightly` never leaves an orphan server holding PREFECT_HOME.
_BOOTSTRAP = """
import ctypes, os, runpy, signal, sys
parent = int(sys.argv.pop(1))
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
except (AttributeError, OSError):
    pass  # not Linux: the server outlives a killed parent
if os.getppid() != parent:
    sys.exit(1)
sys.argv[0] = "prefect"
runpy.run_module("prefect", run_name="__main__", alter_sys=True)
"""


class LocalServer:
    """A Prefect server in a child process of this one (stopped with it, or when this process dies)."""

    def __init__(self, *, host: str = "127.0.0.1", port: int | None = None, ui: bool = False,
                 services: bool = True, record: bool = False, log: Path | None = None):
        self.host, self.port = host, port or free_port(host)
        self.ui, self.services, self.record = ui, services, record
        self.log = log or home() / "server.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api"

    @property
    def ui_api_url(self) -> str:
        """The API as a browser showing the UI reaches it: on all addresses, through this machine's
        name, so that a browser elsewhere reaches it too."""
        host = socket.gethostname() if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}/api"

    def start(self) -> LocalServer:
        """Start the process; returns at once (wait() blocks until it answers)."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-c", _BOOTSTRAP, str(os.getpid()), "server", "start",
                   "--host", self.host, "--port", str(self.port), "--ui" if self.ui else "--no-ui"]
        if not self.services:
            command.append("--no-services")
        env = {**os.environ, "PREFECT_SERVER_LOGGING_LEVEL": os.environ.get("PREFECT_SERVER_LOGGING_LEVEL", "WARNING"),
               # The UI calls the API at PREFECT_UI_API_URL, by default built from these two, which
               # `prefect server start --port` does not set: a UI on another port would call 4200.
               "PREFECT_SERVER_API_HOST": self.host, "PREFECT_SERVER_API_PORT": str(self.port)}
        if not (env.get("PREFECT_UI_API_URL") or env.get("PREFECT_SERVER_UI_API_URL")):
            env["PREFECT_UI_API_URL"] = self.ui_api_url
        env.pop("PREFECT_API_URL", None)  # the server's own client would otherwise talk to another server
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                            start_new_session=True)  # Ctrl-C reaches us; we stop it
        return self

    def wait(self, timeout: float = SERVER_START_TIMEOUT_S) -> str:
        """Wait until the server answers; returns its API URL. Raises RuntimeError when it exits or
        does not answer in time (the server's log is in the message)."""
        deadline = time.monotonic() + timeout
        while not healthy(self.api_url, timeout=1.0):
            if self.process.poll() is not None:
                raise RuntimeError(f"the Prefect server exited with status {self.process.returncode}; "
                                   f"its log ({self.log}) ends with:\n{self._log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the Prefect server did not answer on {self.url} within {timeout:g} s; "
                                   f"its log ({self.log}) ends with:\n{self._log_tail()}")
            time.sleep(0.1)
        if self.record:
            (home() / SERVER_FILE).write_text(json.dumps({"pid": self.process.pid, "api_url": self.api_url}))
        return self.api_url

    def stop(self) -> None:
        if self.record:
            with contextlib.suppress(OSError):
                info = json.loads((home() / SERVER_FILE).read_text())
                if info.get("pid") == self.process.pid:
                    (home() / SERVER_FILE).unlink()
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __enter__(self) -> LocalServer:
        if self.process is None:
            self.start()
        self.wait()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@contextlib.contextmanager
def api(*, ui: bool = False, host: str = "127.0.0.1", port: int | None = None, record: bool = False,
        before_wait=None) -> Iterator[tuple[str, LocalServer | None]]:
    """Make PREFECT_API_URL point at a Prefect server for the duration: the user's (user_api_url),
    else one a `vnplan serve` recorded in PREFECT_HOME, else a new local server that stops at the
    end. Yields (api_url, the server started here or None). `before_wait` runs while a new server
    starts (the CLI imports Prefect meanwhile). Raises RuntimeError when the user's server does not
    answer, or a new one does not start."""
    configured = user_api_url()
    if configured and not answers(configured, timeout=10):
        where = ("PREFECT_API_URL" if os.environ.get("PREFECT_API_URL")
                 else f"your Prefect profile in {profiles_file()}")
        raise RuntimeError(f"no Prefect server answers at {configured} (from {where}): start it, or remove that "
                           "setting to let vnplan start a local one")
    configured = configured or recorded_server()
    if configured:
        os.environ["PREFECT_API_URL"] = configured
        if before_wait:
            before_wait()
        yield configured, None
        return
    server = LocalServer(host=host, port=port, ui=ui, record=record).start()
    # Set before `import prefect` here (Prefect reads them then) and inherited by subprocesses.
    os.environ["PREFECT_API_URL"] = server.api_url
    saved_ui_url = os.environ.get("PREFECT_UI_URL")
    if not ui:  # no "View at <link>" in the logs: the server has no UI, and is gone after the run
        os.environ["PREFECT_UI_URL"] = ""
    try:
        if before_wait:
            before_wait()
        server.wait()
        yield server.api_url, server
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        if saved_ui_url is None:
            os.environ.pop("PREFECT_UI_URL", None)
        else:
            os.environ["PREFECT_UI_URL"] = saved_ui_url
        server.stop()
