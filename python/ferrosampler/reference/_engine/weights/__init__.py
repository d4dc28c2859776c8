"""Weighted sampling: integer masses, the alias table, sampling without replacement (spec §7–§8;
Rust: src/weights/)."""

from __future__ import annotations

from ferrosampler._core import WITHOUT_REPLACEMENT

from .alias import AliasTable
from .keys import exponential, weighted_keys
from .masses import CAPACITY, decompose, floor_log2, integer_weights
from .table import WeightTable
from .without_replacement import Fenwick, algorithm_value, weighted_without_replacement

__all__ = [
    "CAPACITY",
    "WITHOUT_REPLACEMENT",
    "AliasTable",
    "Fenwick",
    "WeightTable",
    "algorithm_value",
    "decompose",
    "exponential",
    "floor_log2",
    "integer_weights",
    "weighted_keys",
    "weighted_without_replacement",
]
