"""Chunked iteration: indices cross from numpy to Python ints a chunk at a time, never all at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

CHUNK = 1 << 16


def yield_ints(indices: np.ndarray) -> Iterator[int]:
    for start in range(0, len(indices), CHUNK):
        yield from indices[start : start + CHUNK].tolist()


def int64(values: Any) -> np.ndarray:
    """An engine's output (a numpy array from Rust, a list from the reference) as int64."""
    return np.asarray(values, dtype=np.int64)
