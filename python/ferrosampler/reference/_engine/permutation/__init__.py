"""Permutations: a stream of independent permutation blocks of [0, n) (spec §5; Rust: src/permutation/)."""

from __future__ import annotations

from ..limits import check_population, check_span, check_stream
from .fisher_yates import SPARSE_RATIO, fisher_yates_prefix, prefix_is_sparse

__all__ = ["SPARSE_RATIO", "fisher_yates_prefix", "permutation_stream", "prefix_is_sparse"]


def permutation_stream(seed: int, purpose: int, epoch: int, n: int, start: int, count: int) -> list[int]:
    """Positions [start, start + count) of the concatenated permutation blocks."""
    start, count = check_span(start, count)
    n = check_population("n", n, count)
    # Checked even when nothing is drawn, as every stream is.
    seed, purpose, epoch = check_stream(seed, purpose, epoch)
    out: list[int] = []
    end = start + count
    position = start
    while position < end:
        block, offset = divmod(position, n)
        # Run this block from the identity up to the last offset needed in it.
        last = min(n, end - block * n)
        out.extend(fisher_yates_prefix(seed, purpose, epoch, n, block, last)[offset:])
        position = block * n + last
    return out
