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


def order_identity(sampler: Any) -> str:
    """``Kind(name=value, ...)``: every parameter that fixes a sampler's epochs (its world included; weights,
    labels and subset values by a digest), from its ``_identity()`` hook, inner samplers nested. The same text
    in every process and construction for the same order, another text for another order: what
    ``ferrosampler.grain.Sampler``'s repr (which Grain compares on a checkpoint restore) is made of."""
    hook = getattr(sampler, "_identity", None)
    if hook is None:
        raise TypeError(
            f"{type(sampler).__name__} does not describe its order (no _identity hook): pass a ferrosampler "
            "torch-side sampler"
        )
    fields: dict[str, Any] = hook()
    shown = ", ".join(
        f"{name}={order_identity(value) if hasattr(value, '_identity') else repr(value)}"
        for name, value in fields.items()
    )
    return f"{type(sampler).__name__}({shown})"
