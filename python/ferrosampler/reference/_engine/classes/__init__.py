"""Class-based sampling: a validated class layout, PK draws, PK batches and m-per-class units
(spec §9, §19–§20; Rust: src/classes/)."""

from __future__ import annotations

from .pk import ClassLayout, pk_draws
from .pk_batches import m_per_class_units, pk_batches

__all__ = ["ClassLayout", "m_per_class_units", "pk_batches", "pk_draws"]
