"""WeightTable: validated integer masses with the alias table built on first use (Rust: src/weights/table.rs)."""

from __future__ import annotations

from typing import Any

from ..limits import WEIGHTS_LIMIT, check_integers, check_strided_span
from .alias import AliasTable
from .keys import weighted_keys
from .masses import CAPACITY, integer_weights
from .without_replacement import algorithm_value, weighted_without_replacement


class WeightTable:
    """Validated integer weights (§7.1) with a lazily built alias table (§7.2)."""

    def __init__(self, weights: Any) -> None:
        self._set_masses(integer_weights(weights))

    @classmethod
    def from_integer_weights(cls, masses: list[int]) -> WeightTable:
        """A table from ``integer_weights()`` (what pickle and deepcopy use), checked again."""
        masses = check_integers("masses", masses)
        n = len(masses)
        total = 0
        for mass in masses:
            total += mass
        if n == 0 or n >= WEIGHTS_LIMIT or total != n * CAPACITY or any(mass < 0 for mass in masses):
            raise ValueError(
                f"integer weights must be 1 to 2**32 - 1 masses summing to len * 2**32, got {n} summing to {total}"
            )
        table = cls.__new__(cls)
        table._set_masses(masses)
        return table

    def _set_masses(self, masses: list[int]) -> None:
        self._masses = masses
        self.n = len(masses)
        nonzero = 0
        for mass in masses:
            nonzero += mass > 0
        self.nonzero = nonzero
        self._alias: AliasTable | None = None

    def __reduce__(self) -> tuple[Any, tuple[list[int]]]:
        return (WeightTable.from_integer_weights, (list(self._masses),))

    def __len__(self) -> int:
        return self.n

    def __repr__(self) -> str:
        return f"WeightTable(n={self.n}, nonzero={self.nonzero})"

    def integer_weights(self) -> list[int]:
        return list(self._masses)

    def alias(self) -> AliasTable:
        if self._alias is None:
            self._alias = AliasTable.build(self._masses)
        return self._alias

    def alias_table(self) -> tuple[list[int], list[int]]:
        return self.alias().columns()

    def alias_draws(self, seed: int, epoch: int, start: int, count: int, stride: int = 1) -> list[int]:
        """§7.3: positions start + c·stride; position i consumes words 3i, 3i+1 (x) and 3i+2 (c)."""
        start, count, stride = check_strided_span(start, count, stride)
        return self.alias().draws(seed, epoch, start, count, stride)

    def without_replacement(self, seed: int, epoch: int, k: int, algorithm: str | None = None) -> list[int]:
        """§8: k distinct indices by exponential keys (§8.2, the default) or sequential successive sampling (§8.1)."""
        if algorithm_value(algorithm) == "sequential":
            return weighted_without_replacement(self._masses, seed, epoch, k)
        return weighted_keys(self._masses, seed, epoch, k)
