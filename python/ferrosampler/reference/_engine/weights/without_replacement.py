"""Weighted sampling without replacement: the algorithms by name, and successive sampling, exact and sequential,
on a Fenwick tree (spec §8.1; Rust: src/weights/without_replacement.rs)."""

from __future__ import annotations

from typing import Any

from ferrosampler._core import WITHOUT_REPLACEMENT

from ..keystream import MAIN, Keystream
from ..limits import check_u64


def algorithm_value(value: Any) -> str:
    """One of WITHOUT_REPLACEMENT (None means the default, the first)."""
    if value is None:
        return str(WITHOUT_REPLACEMENT[0])
    if not isinstance(value, str) or value not in WITHOUT_REPLACEMENT:
        names = ", ".join(repr(name) for name in WITHOUT_REPLACEMENT)
        raise ValueError(f"algorithm must be one of {names}, got algorithm={value!r}")
    return value


class Fenwick:
    """Fenwick tree over integer masses (1-based internally)."""

    __slots__ = ("tree",)

    def __init__(self, masses: list[int]) -> None:
        n = len(masses)
        tree = [0, *masses]
        for i in range(1, n + 1):
            parent = i + (i & -i)
            if parent <= n:
                tree[parent] += tree[i]
        self.tree = tree

    @classmethod
    def new(cls, masses: list[int]) -> Fenwick:
        return cls(masses)

    def find(self, v: int) -> int:
        """The 0-based index j with prefix(j) <= v < prefix(j + 1)."""
        tree = self.tree
        n = len(tree) - 1
        position = 0
        step = 1 << (n.bit_length() - 1) if n else 0
        while step:
            following = position + step
            if following <= n and tree[following] <= v:
                position = following
                v -= tree[following]
            step >>= 1
        return position

    def remove(self, index: int, mass: int) -> None:
        tree = self.tree
        i = index + 1
        while i < len(tree):
            tree[i] -= mass
            i += i & -i


def weighted_without_replacement(masses: list[int], seed: int, epoch: int, k: int) -> list[int]:
    """k distinct indices by successive sampling on the integer masses; k at most the non-zero count."""
    k = check_u64("k", k)
    nonzero = 0
    remaining = 0  # R
    for mass in masses:
        nonzero += mass > 0
        remaining += mass
    if k > nonzero:
        raise ValueError(f"k must be <= the number of non-zero weights ({nonzero}), got k={k}")
    tree = Fenwick.new(masses)
    stream = Keystream.new(seed, MAIN, epoch)
    out: list[int] = []
    for _ in range(k):
        # Draw i consumes words 4i .. 4i+3: x0 then x1.
        x0 = stream.next_u64()
        x1 = stream.next_u64()
        j = tree.find((((x1 << 64) | x0) * remaining) >> 128)  # bounded128(x0, x1, R)
        mass = masses[j]
        tree.remove(j, mass)
        remaining -= mass
        out.append(j)
    return out
