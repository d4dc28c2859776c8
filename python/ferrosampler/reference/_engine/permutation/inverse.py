"""The inverse permutation (spec §25): where values sit in one permutation block — the Feistel network run
backwards with reverse cycle walking, O(1) per value; a materialised block (n <= 128, Fisher–Yates) inverted
(Rust: src/permutation/inverse.rs)."""

from __future__ import annotations

from typing import Any

from ..limits import POSITION_LIMIT, check_integers, check_population, check_stream, check_u64
from .feistel import TABLE_MAX, Bijection
from .fisher_yates import fisher_yates_prefix


def inverse_permutation(
    seed: int, purpose: int, epoch: int, n: int, block: int, values: Any, permutation: str = "feistel"
) -> list[int]:
    """Output k is the offset q < n with π_block(q) = values[k] (block ``block`` of stream (seed, purpose, epoch))."""
    from . import check_permutation  # the package imports this module

    seed, purpose, epoch = check_stream(seed, purpose, epoch)
    n = check_population("n", n, 0)
    block = check_u64("block", block)
    values = check_integers("values", values)
    permutation = check_permutation(permutation)
    check_population("n", n, len(values))
    check_block(n, block)
    check_values(n, values)
    if not values:
        return []
    if permutation == "feistel" and n > TABLE_MAX:
        bijection = Bijection.for_block(seed, purpose, epoch, n, block)
        return [bijection.inverse(value) for value in values]
    inverse = inverse_table(fisher_yates_prefix(seed, purpose, epoch, n, block, n))
    return [inverse[value] for value in values]


def check_block(n: int, block: int) -> None:
    """block·n < 2**64: the block starts at a stream position, as every block ``permutation_stream`` reads."""
    if block * n >= POSITION_LIMIT:
        raise ValueError(f"block * n must be < 2**64, got block={block}, n={n}")


def check_values(n: int, values: list[int]) -> None:
    """Every value in [0, n), the first that is not named."""
    for index, value in enumerate(values):
        if not 0 <= value < n:
            raise ValueError(f"values[{index}] must be in [0, {n}), got {value}")


def inverse_table(table: list[int]) -> list[int]:
    """I with I[T[q]] = q for a table T of the values 0 … len − 1 (a materialised block)."""
    inverse = [0] * len(table)
    for offset, value in enumerate(table):
        inverse[value] = offset
    return inverse
