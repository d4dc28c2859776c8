"""Class-based sampling: a validated class layout whose methods are the PK draws, PK batches and
m-per-class units (spec §9, §19–§20; Rust: src/classes/)."""

from __future__ import annotations

from .layout import ClassLayout

__all__ = ["ClassLayout"]
