"""Class-based sampling: a validated class layout and PK draws (spec §9; Rust: src/classes/)."""

from __future__ import annotations

from .pk import ClassLayout, pk_draws

__all__ = ["ClassLayout", "pk_draws"]
