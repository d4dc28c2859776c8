"""The thread setting (spec §12; Rust: src/threads.rs). The reference is serial: these only validate and
remember the value, so code written for the Rust engine runs unchanged (outputs never depend on it)."""

from __future__ import annotations

import os
from typing import Any

from .limits import integer_in

THREADS_LIMIT = 1 << 16
ENV_NUM_THREADS = "FERROSAMPLER_NUM_THREADS"

# The value set by set_num_threads (empty: not set).
_setting: dict[str, int] = {}


def get_num_threads() -> int:
    """set_num_threads' value, else FERROSAMPLER_NUM_THREADS, else the cores (what Rust would use)."""
    if "n" in _setting:
        return _setting["n"]
    text = os.environ.get(ENV_NUM_THREADS, "").strip()
    if text.isdigit() and 1 <= int(text) < THREADS_LIMIT:
        return int(text)
    return os.cpu_count() or 1


def set_num_threads(n: Any) -> None:
    _setting["n"] = integer_in("n", n, 1, THREADS_LIMIT, "65536")


def _set_min_chunk(n: Any) -> None:
    integer_in("n", n, 1, 1 << 64, "2**64")
