"""Limits set from the environment (VNPLAN_MAX_*), read once at import."""
from __future__ import annotations

import os


class SettingError(ValueError):
    """An environment variable holds a value vnplan cannot use."""


def env_int(name: str, default: int) -> int:
    """A whole number ≥ 0 from the environment variable `name`, or `default` when it is unset or empty."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise SettingError(f"{name}={raw!r} is not a whole number ≥ 0 (default {default}); fix or unset it")
    return value
