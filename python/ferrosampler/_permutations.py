"""The ``permutation=`` keyword as the engine takes it."""

from __future__ import annotations

from typing import Any


def permutation_keywords(engine: Any, permutation: str) -> dict[str, str]:
    """``{"permutation": ...}`` for a v2 engine; a v1 engine knows only Fisher–Yates and takes no keyword."""
    if hasattr(engine, "PERMUTATIONS"):
        return {"permutation": permutation}
    return {}
