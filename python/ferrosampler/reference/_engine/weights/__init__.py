"""Weighted sampling: integer masses, the alias table, sampling without replacement (spec §7–§8;
Rust: src/weights/)."""

from __future__ import annotations

from .alias import AliasTable
from .masses import CAPACITY, decompose, floor_log2, integer_weights
from .table import WeightTable
from .without_replacement import Fenwick, weighted_without_replacement

__all__ = [
    "CAPACITY",
    "AliasTable",
    "Fenwick",
    "WeightTable",
    "decompose",
    "floor_log2",
    "integer_weights",
    "weighted_without_replacement",
]
