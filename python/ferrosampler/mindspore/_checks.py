"""MindSpore-style argument checks: its exception types and messages, plus int64 bounds."""

from __future__ import annotations

from typing import Any

from .._inputs import limits as _limits
from .._inputs.checks import positive_integer


def num_samples_value(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int):
        raise TypeError(f"num_samples must be integer but was: {value}.")
    if value < 0 or value > _limits.INT64_MAX:
        raise ValueError(f"num_samples exceeds the boundary between 0 and {_limits.INT64_MAX}(INT64_MAX)!")
    return int(value)  # MindSpore takes a bool as an int; the engine takes the int it is


def integer(name: str, value: Any) -> int:
    if not isinstance(value, int):
        raise TypeError(f"{name} must be integer but was: {value}.")
    # MindSpore takes a bool as the int it is; the engine takes ints only.
    return within_int64(name, int(value))


def within_int64(name: str, value: int) -> int:
    """MindSpore hands integer arguments to C++ as int64; beyond that they would overflow there."""
    if not _limits.INT64_MIN <= value <= _limits.INT64_MAX:
        raise ValueError(f"{name} must be in [-2**63, 2**63 - 1] (int64), but got {name}={value}")
    return value


def boolean(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a boolean value but was: {value}.")
    return value


def capped(num_samples: int | None, available: int) -> int:
    """MindSpore's cap: None or 0 means all, larger values are silently cut."""
    return min(num_samples, available) if num_samples else available


def dataset_size_value(value: Any) -> int:
    size = positive_integer("dataset_size", value)
    # Explicit, whatever positive_integer bounds: row ids are int64 and len() is index-sized.
    if size > _limits.INT64_MAX:
        raise ValueError(f"dataset_size must be at most 2**63 - 1, but got dataset_size={size}")
    return size
