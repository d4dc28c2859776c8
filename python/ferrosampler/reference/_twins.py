"""The reference twins of a module's samplers: each class that draws (it has an ``_engine``) subclassed with the
pure-Python engine plugged in; what draws nothing is the same object."""

from __future__ import annotations

from types import ModuleType
from typing import Any


def twins(source: ModuleType, engine: ModuleType, module: str) -> dict[str, Any]:
    """``source.__all__``'s names mapped to their twins, defined in ``module``."""
    out: dict[str, Any] = {}
    for name in source.__all__:
        value = getattr(source, name)
        if isinstance(value, type) and hasattr(value, "_engine"):
            doc = f"""``{source.__name__}.{name}`` on the pure-Python reference engine: same arguments, same
    indices (slowly; for checking the Rust engine and reading the spec).

    Examples:
        >>> import {source.__name__}, {module}
        >>> issubclass({module}.{name}, {source.__name__}.{name})
        True
    """
            value = type(name, (value,), {"_engine": engine, "__doc__": doc, "__module__": module})
        out[name] = value
    return out
