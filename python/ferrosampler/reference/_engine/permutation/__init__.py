"""Permutations: a stream of independent permutation blocks of [0, n), read at strided positions
(spec §5; Rust: src/permutation/)."""

from __future__ import annotations

from typing import Any

# The block algorithms, default first (the Feistel bijection, spec §5.2–§5.3; spec v1's Fisher–Yates, §5.1):
# their names are written once, in the Rust core (src/permutation/mod.rs).
from ferrosampler._core import PERMUTATIONS

from ..limits import check_population, check_stream, check_strided_span
from .feistel import (
    MIX_1,
    MIX_2,
    ROUNDS,
    TABLE_MAX,
    Bijection,
    Feistel,
    bit_width,
    feistel_values,
    round_function,
    round_keys,
)
from .fisher_yates import SPARSE_RATIO, fisher_yates_prefix, prefix_is_sparse

__all__ = [
    "MIX_1",
    "MIX_2",
    "PERMUTATIONS",
    "ROUNDS",
    "SPARSE_RATIO",
    "TABLE_MAX",
    "Bijection",
    "Feistel",
    "bit_width",
    "check_permutation",
    "feistel_values",
    "fisher_yates_prefix",
    "permutation_stream",
    "prefix_is_sparse",
    "round_function",
    "round_keys",
]


def check_permutation(permutation: Any) -> str:
    """One of PERMUTATIONS (None means the default)."""
    if permutation is None:
        return PERMUTATIONS[0]
    if not isinstance(permutation, str) or permutation not in PERMUTATIONS:
        names = ", ".join(repr(name) for name in PERMUTATIONS)
        raise ValueError(f"permutation must be one of {names}, got permutation={permutation!r}")
    return permutation


def permutation_stream(
    seed: int,
    purpose: int,
    epoch: int,
    n: int,
    start: int,
    count: int,
    permutation: str = "feistel",
    stride: int = 1,
) -> list[int]:
    """Positions start + c·stride (c < count) of the concatenated permutation blocks."""
    start, count, stride = check_strided_span(start, count, stride)
    n = check_population("n", n, count)
    # Checked even when nothing is drawn, as every stream is.
    seed, purpose, epoch = check_stream(seed, purpose, epoch)
    permutation = check_permutation(permutation)
    fill = fill_feistel if permutation == "feistel" else fill_fisher_yates
    return fill(seed, purpose, epoch, n, start, stride, count)


def block_run(n: int, position: int, stride: int, remaining: int) -> tuple[int, int, int]:
    """The outputs that fall in one block: (block, offset of the first, how many)."""
    block, offset = divmod(position, n)
    in_block = -(-(n - offset) // stride)  # ⌈(n − offset)/stride⌉ offsets offset + k·stride < n
    return block, offset, min(in_block, remaining)


def fill_feistel(seed: int, purpose: int, epoch: int, n: int, start: int, stride: int, count: int) -> list[int]:
    """Feistel blocks (spec §5.2): each block's offsets evaluated directly."""
    out: list[int] = []
    position = start
    while len(out) < count:
        block, offset, take = block_run(n, position, stride, count - len(out))
        offsets = range(offset, offset + take * stride, stride)
        out.extend(feistel_values(seed, purpose, epoch, n, block, list(offsets)))
        position += take * stride
    return out


def fill_fisher_yates(seed: int, purpose: int, epoch: int, n: int, start: int, stride: int, count: int) -> list[int]:
    """Fisher–Yates blocks (spec §5.1): each block's prefix up to its last offset read, once."""
    out: list[int] = []
    position = start
    while len(out) < count:
        block, offset, take = block_run(n, position, stride, count - len(out))
        last = offset + (take - 1) * stride
        prefix = fisher_yates_prefix(seed, purpose, epoch, n, block, last + 1)
        out.extend(prefix[offset : last + 1 : stride])
        position += take * stride
    return out
