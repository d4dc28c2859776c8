"""One permutation block's prefix by forward Fisher–Yates, dense or sparse (spec §5;
Rust: src/permutation/fisher_yates.rs)."""

from __future__ import annotations

from ..keystream import Keystream

# A prefix this much shorter than n keeps only displaced entries (same output, O(length) memory).
SPARSE_RATIO = 8


def prefix_is_sparse(n: int, length: int) -> bool:
    """Whether ``fisher_yates_prefix`` works in O(length) rather than O(n) memory."""
    return length * SPARSE_RATIO < n


def fisher_yates_prefix(seed: int, purpose: int, epoch: int, n: int, block: int, length: int) -> list[int]:
    """The first ``length`` outputs of block ``block``: forward Fisher–Yates from the identity,
    block b keyed at draw b·n. Callers check the arguments (n >= 1, length <= n)."""
    stream = Keystream.new(seed, purpose, epoch).at_word(2 * block * n)
    if prefix_is_sparse(n, length):
        # a[k] = k unless displaced; offset k is never read again once it is output.
        displaced: dict[int, int] = {}
        out: list[int] = []
        for offset in range(length):
            j = offset + ((stream.next_u64() * (n - offset)) >> 64)  # offset + bounded(x, n - offset)
            a_offset = displaced.get(offset, offset)
            a_j = displaced.get(j, j)
            displaced[j] = a_offset
            out.append(a_j)
        return out
    items = list(range(n))
    for offset in range(length):
        j = offset + ((stream.next_u64() * (n - offset)) >> 64)
        items[offset], items[j] = items[j], items[offset]
    del items[length:]
    return items
