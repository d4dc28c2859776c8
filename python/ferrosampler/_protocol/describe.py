"""``__repr__`` helpers: the parameters that define a sampler's order, computed cheaply and never raising."""

from __future__ import annotations

import reprlib
from typing import Any

_short = reprlib.Repr()
_short.maxstring = 40
_short.maxother = 400


def safe_len(obj: Any) -> int | str:
    """``len(obj)``, or ``'?'`` when it has none or its ``len()`` fails (a lazy dataset, say)."""
    try:
        return len(obj)
    except Exception:  # a repr must not raise, whatever the dataset does
        return "?"


def safe_repr(obj: Any) -> str:
    """A short repr of ``obj``, or its type's name when its own ``__repr__`` fails."""
    try:
        return _short.repr(obj)
    except Exception:  # a foreign sampler's repr must not break ours
        return f"<{type(obj).__name__}>"


def describe(obj: object, **fields: Any) -> str:
    """``ClassName(name=value, ...)``, each value by ``safe_repr`` (long lists cut short)."""
    shown = ", ".join(f"{name}={safe_repr(value)}" for name, value in fields.items())
    return f"{type(obj).__name__}({shown})"
