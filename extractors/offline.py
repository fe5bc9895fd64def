"""Programs started for a file run without network access.

A document can name addresses that the program reading it fetches on its own: a .doc whose
INCLUDEPICTURE field links a picture by URL makes LibreOffice request it while converting, so a
file in the inbox could make the ingest machine call any address its network reaches (the cloud
metadata address included). Such programs run in a network namespace of their own, which has no
interface but a loopback that is down: root can make one (`unshare --net`), other users where the
kernel allows user namespaces (`unshare --map-root-user --net`). Where neither works the program is
not started, unless VNPLAN_ALLOW_NETWORK=1 says to run it with the machine's network.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess

from .errors import UnsupportedFormat

ALLOW_NETWORK_VARIABLE = "VNPLAN_ALLOW_NETWORK"
# Tried in order: a network namespace as root, else inside a user namespace of one's own.
NETNS_COMMANDS = (("unshare", "--net"), ("unshare", "--map-root-user", "--net"))
_PROBE_TIMEOUT_S = 10


class NoNetworkIsolation(UnsupportedFormat):
    """No network namespace can be made here, and running with the network was not allowed."""


@functools.cache
def netns_prefix() -> tuple[str, ...] | None:
    """The command prefix that runs a program in a new network namespace, or None when none works here."""
    for name, *options in NETNS_COMMANDS:
        program = shutil.which(name)
        if program is None:
            continue
        try:
            probe = subprocess.run([program, *options, "true"], capture_output=True, timeout=_PROBE_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return (program, *options)
    return None


def offline_command(command: list[str], what: str) -> list[str]:
    """`command` run without network access; NoNetworkIsolation (saying what to do) where that cannot be."""
    prefix = netns_prefix()
    if prefix is not None:
        return [*prefix, *command]
    if os.environ.get(ALLOW_NETWORK_VARIABLE, "").strip() == "1":
        return command
    tried = " and ".join(f"`{' '.join(c)}`" for c in NETNS_COMMANDS)
    raise NoNetworkIsolation(
        f"{what} runs without network access (a document can make it fetch any URL), in a network namespace, "
        f"and this system allows none ({tried} failed): run vnplan as root or where the kernel allows user "
        f"namespaces, save the file in another format, or set {ALLOW_NETWORK_VARIABLE}=1 to run it with the "
        "machine's network")
